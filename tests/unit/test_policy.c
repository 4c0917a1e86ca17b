/* Recovery policy: which errors are lost connections, which reconnect
 * errors are final, backoff bounds, and the decision table. */
#include <criterion/criterion.h>

#include "policy.h"

Test(policy, lost_connection_errors)
{
	static const unsigned in_flight[] = {2013, 2055, 1927, 1053};

	for (size_t i = 0; i < sizeof(in_flight) / sizeof(in_flight[0]); i++) {
		cr_expect_eq(policy_lost_kind(in_flight[i], false), LOST_IN_FLIGHT, "%u", in_flight[i]);
		cr_expect_eq(policy_lost_kind(in_flight[i], true), LOST_IN_FLIGHT, "%u", in_flight[i]);
	}
	cr_expect_eq(policy_lost_kind(2006, false), LOST_NOT_SENT);
	cr_expect_eq(policy_lost_kind(1153, false), LOST_BY_STATEMENT);
	cr_expect_eq(policy_lost_kind(4031, true), LOST_NOT_SENT, "MySQL: closed while idle");
	cr_expect_eq(policy_lost_kind(4031, false), LOST_NONE, "MariaDB: another error");
	cr_expect_eq(policy_lost_kind(1064, false), LOST_NONE);
	cr_expect_eq(policy_lost_kind(1146, false), LOST_NONE);
	cr_expect_eq(policy_lost_kind(2014, false), LOST_NONE);
	cr_expect_eq(policy_lost_kind(0, false), LOST_NONE);
}

Test(policy, final_reconnect_errors)
{
	static const unsigned final[] = {1045, 1044, 1049, 1130, 1129, 1251, 1698, 4151, 2059, 2061};
	static const unsigned transient[] = {2002, 2003, 2005, 2013, 1040, 1053, 2006};

	for (size_t i = 0; i < sizeof(final) / sizeof(final[0]); i++)
		cr_expect(policy_error_is_final(final[i]), "%u", final[i]);
	for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
		cr_expect_not(policy_error_is_final(transient[i]), "%u", transient[i]);
}

Test(policy, backoff_grows_is_capped_and_jittered)
{
	struct shim_config cfg = {.backoff_ms = 100, .backoff_max_ms = 2000};

	cr_expect_eq(policy_backoff_ms(&cfg, 2, 0), 50);
	cr_expect_eq(policy_backoff_ms(&cfg, 2, 50), 100);
	cr_expect_eq(policy_backoff_ms(&cfg, 3, 0), 100);
	cr_expect_eq(policy_backoff_ms(&cfg, 4, 0), 200);
	for (unsigned attempt = 2; attempt < 200; attempt++) {
		for (uint32_t r = 0; r < 5000; r += 997) {
			unsigned d = policy_backoff_ms(&cfg, attempt, r);

			cr_expect_leq(d, 2000, "attempt %u", attempt);
			cr_expect_geq(d, 50, "attempt %u", attempt);
		}
	}
	cr_expect_geq(policy_backoff_ms(&cfg, 100, 0), 1000, "capped base, half at least");
}

Test(policy, decision_table)
{
	const struct call_facts read = {.safe = true};
	const struct call_facts write = {.safe = false};
	const struct call_facts commit = {.safe = true, .commits = true};
	const struct call_facts rollback = {.safe = true, .rolls_back = true};
	const char *why = NULL;

	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, false, false, &read, &why), ACTION_RESEND);
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, false, false, &write, &why), ACTION_RETURN_ERROR);
	cr_expect_str_eq(why, "unsafe_statement");
	cr_expect_eq(policy_on_loss(LOST_BY_STATEMENT, false, false, &read, &why), ACTION_RETURN_ERROR);
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, false, &read, &why), ACTION_TRANSACTION_LOST,
		     "a read inside a transaction is never re-sent");
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, false, &write, &why), ACTION_TRANSACTION_LOST);
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, false, &commit, &why), ACTION_RETURN_ERROR,
		     "a COMMIT lost in flight: outcome unknown, never re-sent");
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, false, &rollback, &why),
		     ACTION_ROLLBACK_FRESH);
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, false, false, &commit, &why), ACTION_RESEND,
		     "outside a transaction COMMIT is a no-op");
}

Test(policy, session_holding_state)
{
	const struct call_facts read = {.safe = true};
	const struct call_facts rollback = {.safe = true, .rolls_back = true};
	const char *why = NULL;

	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, false, true, &read, &why), ACTION_RETURN_ERROR,
		     "a safe read is not re-sent when the session held unrestorable state");
	cr_expect_str_eq(why, "session_state_lost");
	cr_expect_eq(policy_on_loss(LOST_NOT_SENT, false, true, &read, &why), ACTION_RETURN_ERROR,
		     "nor is a statement that never reached the server");
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, true, &read, &why),
		     ACTION_TRANSACTION_LOST, "a transaction is lost all the same");
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, true, &rollback, &why),
		     ACTION_ROLLBACK_FRESH);
}

Test(policy, never_sent_statements)
{
	const struct call_facts write = {.safe = false};
	const struct call_facts dependent = {.safe = false, .depends_on_session = true};
	const struct call_facts read = {.safe = true};
	const char *why = NULL;

	cr_expect_eq(policy_on_loss(LOST_NOT_SENT, false, false, &write, &why), ACTION_RESEND,
		     "a write that never reached the server is sent on the fresh connection");
	cr_expect_str_eq(why, "never_reached_server");
	cr_expect_eq(policy_on_loss(LOST_NOT_SENT, false, false, &dependent, &why), ACTION_RETURN_ERROR,
		     "but not one that reads the lost session");
	cr_expect_eq(policy_on_loss(LOST_NOT_SENT, true, false, &read, &why), ACTION_TRANSACTION_LOST,
		     "inside a transaction the transaction is gone all the same");
	cr_expect(policy_may_send_again(LOST_NOT_SENT, &write, &why));
	cr_expect_not(policy_may_send_again(LOST_IN_FLIGHT, &write, &why),
		      "sent once, lost in flight: never a third time");
	cr_expect_not(policy_may_send_again(LOST_BY_STATEMENT, &read, &why));
}

Test(policy, lost_transaction_rules)
{
	const struct call_facts read = {.safe = true};
	const struct call_facts commit = {.safe = true, .commits = true};
	const struct call_facts rollback = {.safe = true, .rolls_back = true};

	cr_expect_eq(policy_in_lost_transaction(&read), LOST_TXN_REFUSE);
	cr_expect_eq(policy_in_lost_transaction(&commit), LOST_TXN_END);
	cr_expect_eq(policy_in_lost_transaction(&rollback), LOST_TXN_ROLLBACK);
}

Test(policy, sending_once_more)
{
	const struct call_facts read = {.safe = true};
	const struct call_facts write = {.safe = false};
	const char *why = NULL;

	cr_expect(policy_may_send_once_more(LOST_IN_FLIGHT, 1, 1, &read, &why),
		  "a read lost in flight once (the first send was not) goes again");
	cr_expect_not(policy_may_send_once_more(LOST_IN_FLIGHT, 2, 1, &read, &why),
		      "lost in flight twice: it may be what kills the server");
	cr_expect_str_eq(why, "lost_in_flight_twice");
	cr_expect(policy_may_send_once_more(LOST_NOT_SENT, 1, 2, &write, &why),
		  "a write that never left goes again");
	cr_expect_not(policy_may_send_once_more(LOST_NOT_SENT, 0, POLICY_RESENDS_MAX, &read, &why));
	cr_expect_str_eq(why, "statement_keeps_losing_connection");
	cr_expect_not(policy_may_send_once_more(LOST_IN_FLIGHT, 1, 1, &write, &why));
}

Test(policy, read_timeout_is_not_sent_again)
{
	const struct call_facts read = {.safe = true};
	const char *why = NULL;

	cr_expect_not(policy_may_send_again(LOST_READ_TIMEOUT, &read, &why),
		      "the read may still be running on the server");
	cr_expect_str_eq(why, "read_timeout");
	cr_expect_eq(policy_on_loss(LOST_READ_TIMEOUT, false, false, &read, &why),
		     ACTION_RETURN_ERROR);
}

/* START TRANSACTION; UPDATE ...: whichever result was lost, the program may
 * be inside the transaction the text began; what follows must not run on a
 * fresh session in autocommit mode. */
Test(policy, a_text_that_opens_a_transaction_loses_it)
{
	const struct call_facts opens = {.safe = false, .commits = true, .opens_transaction = true};
	const char *why = NULL;

	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, false, false, &opens, &why),
		     ACTION_TRANSACTION_LOST);
	cr_expect_str_eq(why, "transaction_begun_by_text");
	cr_expect_eq(policy_on_loss(LOST_NOT_SENT, false, false, &opens, &why),
		     ACTION_TRANSACTION_LOST);
	cr_expect_eq(policy_on_loss(LOST_IN_FLIGHT, true, false, &opens, &why),
		     ACTION_TRANSACTION_LOST, "inside one already: it ended, and began another");
}
