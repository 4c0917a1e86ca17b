/* Scenario C: a connection lost inside a transaction.  The shim must not
 * let the rest of the "transaction" run on a fresh connection: statements
 * are refused until the program ends the transaction, COMMIT (or anything
 * that commits implicitly) fails, ROLLBACK succeeds, and nothing of the lost
 * transaction is ever committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(transactions, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static const char *insert(struct client *c, const char *table, int seq)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (%d)", table, seq);
	return client_ask(c, sql);
}

static void assert_err(const char *r, const char *context)
{
	cr_assert(strncmp(r, "ERR ", 4) == 0, "%s: expected ERR, got \"%s\"", context, r);
}

/* BEGIN; INSERT 1 (OK); KILL.  Returns the client. */
static struct client *lose_transaction(enum shim_mode mode, const char *table,
				       const char *const *args)
{
	struct client *c;
	unsigned long id;

	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, args);
	id = client_connection_id(c);
	client_ok(c, "BEGIN");
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	kill_and_wait(id);
	return c;
}

/* With the shim: the next statement fails and transaction_lost is logged. */
static void expect_transaction_lost(struct client *c, const char *table)
{
	char p[32];

	assert_err(insert(c, table, 2), "INSERT after the loss");
	free(log_wait("event=transaction_lost", pid_needle(p, sizeof(p), c->pid), NULL));
}

static void expect_logged(struct client *c, const char *event)
{
	char p[32];

	free(log_wait(event, pid_needle(p, sizeof(p), c->pid), NULL));
}

Test(transactions, commit_after_loss_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_commit_noshim", NULL);

	assert_lost_error(insert(c, "tx_commit_noshim", 2),
			  "without the shim the KILL must reach the program");
	assert_err(client_ask(c, "\\commit"), "COMMIT on the dead connection");
	cr_assert_eq(count_rows("tx_commit_noshim"), 0);
	client_finish(c);
}

Test(transactions, commit_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_commit", NULL);

	expect_transaction_lost(c, "tx_commit");
	assert_err(client_ask(c, "SELECT 1"), "SELECT inside the lost transaction");
	expect_logged(c, "event=statement_refused");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1",
			 "after the failed COMMIT the program works on a fresh connection");
	cr_assert_eq(count_rows("tx_commit"), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

/* A statement that ends the lost transaction by committing (COMMIT, or
 * BEGIN which commits implicitly) fails, and what follows runs fresh. */
static void ending_statement_fails(const char *table, const char *statement)
{
	struct client *c = lose_transaction(WITH_SHIM, table, NULL);

	expect_transaction_lost(c, table);
	assert_err(client_ask(c, statement), statement);
	expect_logged(c, "event=commit_failed");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	cr_assert_eq(count_rows(table), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

Test(transactions, commit_statement_after_loss_shim)
{
	ending_statement_fails("tx_commit_sql", "COMMIT");
}

Test(transactions, rollback_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_rollback", NULL);

	expect_transaction_lost(c, "tx_rollback");
	cr_assert_str_eq(client_ask(c, "ROLLBACK"), "OK affected=0",
			 "ROLLBACK of a lost transaction must succeed");
	expect_logged(c, "event=transaction_rolled_back");
	cr_assert_str_eq(insert(c, "tx_rollback", 3), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_seq("tx_rollback", 3), 1, "the INSERT after ROLLBACK is committed");
	cr_assert_eq(count_rows("tx_rollback"), 1, "rows of the lost transaction were committed");
}

Test(transactions, api_rollback_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_api_rollback", NULL);

	expect_transaction_lost(c, "tx_api_rollback");
	cr_assert_str_eq(client_ask(c, "\\rollback"), "OK", "mysql_rollback must succeed");
	expect_logged(c, "event=transaction_rolled_back");
	cr_assert_str_eq(insert(c, "tx_api_rollback", 3), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_rows("tx_api_rollback"), 1);
	cr_assert_eq(count_seq("tx_api_rollback", 3), 1);
}

/* mysql_autocommit(0) opens the transaction implicitly: one INSERT, then
 * the connection is KILLed. */
static struct client *autocommit_off_then_kill(enum shim_mode mode, const char *table)
{
	struct client *c;
	unsigned long id;

	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	client_ok(c, "\\autocommit 0");
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	kill_and_wait(id);
	return c;
}

Test(transactions, autocommit_off_shim)
{
	struct client *c = autocommit_off_then_kill(WITH_SHIM, "tx_autocommit");

	expect_transaction_lost(c, "tx_autocommit");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(count_rows("tx_autocommit"), 0, "rows of the lost transaction were committed");
	client_finish(c);
}

Test(transactions, autocommit_off_noshim)
{
	struct client *c = autocommit_off_then_kill(NO_SHIM, "tx_autocommit_noshim");

	assert_lost_error(insert(c, "tx_autocommit_noshim", 2), "the KILL must reach the program");
	client_finish(c);
}

/* BEGIN and DDL commit implicitly: they must fail like COMMIT. */
Test(transactions, implicit_commit_begin_shim)
{
	ending_statement_fails("tx_begin", "BEGIN");
}

Test(transactions, implicit_commit_ddl_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_ddl", NULL);

	admin_exec("DROP TABLE IF EXISTS apptest.tx_ddl_new");
	expect_transaction_lost(c, "tx_ddl");
	assert_err(client_ask(c, "CREATE TABLE apptest.tx_ddl_new (a INT)"),
		   "DDL commits the lost transaction implicitly");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM information_schema.TABLES"
				  " WHERE TABLE_SCHEMA = 'apptest' AND TABLE_NAME = 'tx_ddl_new'"),
		     0, "the DDL ran although the transaction was lost");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	cr_assert_eq(count_rows("tx_ddl"), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

Test(transactions, implicit_commit_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_begin_noshim", NULL);

	assert_lost_error(client_ask(c, "BEGIN"), "the KILL must reach the program");
	cr_assert_eq(count_rows("tx_begin_noshim"), 0);
	client_finish(c);
}

/* The program set MYSQL_OPT_RECONNECT.  Without the shim the library
 * reconnects silently and the rest of the "transaction" is committed row by
 * row in autocommit mode, although the program rolls back: the hazard. */
static const char *const reconnect_args[] = {"--reconnect", NULL};

Test(transactions, reconnect_option_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_reconnect_noshim", reconnect_args);
	const char *r;

	r = insert(c, "tx_reconnect_noshim", 2);
	cr_assert(strncmp(r, "OK", 2) == 0 || is_lost_error(r), "INSERT 2: %s", r);
	cr_assert_str_eq(insert(c, "tx_reconnect_noshim", 3), "OK affected=1",
			 "the library should have reconnected silently");
	cr_assert_str_eq(client_ask(c, "\\rollback"), "OK");
	client_finish(c);
	cr_assert_eq(count_seq("tx_reconnect_noshim", 1), 0, "row 1 died with the connection");
	cr_assert_eq(count_seq("tx_reconnect_noshim", 3), 1,
		     "hazard not reproduced: row 3 should be committed despite ROLLBACK");
}

Test(transactions, reconnect_option_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_reconnect", reconnect_args);

	expect_transaction_lost(c, "tx_reconnect");
	assert_err(insert(c, "tx_reconnect", 3), "INSERT inside the lost transaction");
	expect_logged(c, "event=statement_refused");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(count_rows("tx_reconnect"), 0, "rows of the lost transaction were committed");
	cr_assert_str_eq(insert(c, "tx_reconnect", 4), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_seq("tx_reconnect", 4), 1);
	cr_assert_eq(count_rows("tx_reconnect"), 1);
}

/* ---- the transaction record, on every transport --------------------------
 *
 * Over the Unix socket Connector/C notices the dead connection while
 * writing the next command and, on its way to returning 2006, clears its
 * "in transaction" status: the shim must decide from its own record.  Each
 * case: the program opens a transaction (how), writes row 1, loses the
 * connection (KILL or its own idle timeout), then says `next`.  With and
 * without the shim, `next` must fail with a real lost-connection error and
 * nothing of the transaction may be committed. */
struct txn_loss {
	const char *table;
	const char *open;        /* opens the transaction, or NULL (init command) */
	const char *const *args; /* sqlpipe arguments */
	enum { BY_KILL, BY_IDLE_TIMEOUT, BY_RESTART } fault; /* how it is lost */
	const char *next;
	const char *then;        /* said after next, must fail too (or NULL) */
};

static const char *const init_autocommit_off[] = {"--init-command", "SET autocommit=0", NULL};

static void txn_loss_case(enum shim_mode mode, const struct txn_loss *t)
{
	char table[64], context[160];
	struct client *c;
	unsigned long id;
	const char *r;

	snprintf(table, sizeof(table), "%s_%s", t->table, mode == NO_SHIM ? "noshim" : "shim");
	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, t->args);
	id = client_connection_id(c);
	if (t->fault == BY_IDLE_TIMEOUT)
		client_ok(c, "SET SESSION wait_timeout = 1");
	if (t->open)
		client_ok(c, t->open);
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	if (t->fault == BY_IDLE_TIMEOUT)
		wait_connection_gone(id);
	else if (t->fault == BY_RESTART)
		server_ctl("restart");
	else
		kill_and_wait(id);
	snprintf(context, sizeof(context), "%s: '%s' after the loss (%s)", table, t->next,
		 mrt_over_socket() ? "socket" : "tcp");
	r = client_ask(c, t->next);
	assert_lost_error(r, context);
	if (t->then)
		assert_lost_error(client_ask(c, t->then), t->then);
	cr_assert_eq(count_rows(table), 0, "%s: rows of the lost transaction were committed",
		     context);
	if (mode == WITH_SHIM) {
		/* Whatever it said, a ROLLBACK gets the program going again. */
		client_ok(c, "\\rollback");
		cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1", "%s", context);
	}
	client_finish(c);
	cr_assert_eq(count_rows(table), 0, "%s: rows of the lost transaction were committed",
		     context);
}

#define TXN_LOSS_TESTS(name, ...)                                                      \
	static const struct txn_loss txn_##name = {#name, __VA_ARGS__};               \
	Test(transactions, name##_noshim) { txn_loss_case(NO_SHIM, &txn_##name); }     \
	Test(transactions, name##_shim) { txn_loss_case(WITH_SHIM, &txn_##name); }

TXN_LOSS_TESTS(rec_commit_api, "BEGIN", NULL, BY_KILL, "\\commit", NULL)
TXN_LOSS_TESTS(rec_commit_sql, "START TRANSACTION", NULL, BY_KILL, "COMMIT", NULL)
TXN_LOSS_TESTS(rec_update_then_commit, "START TRANSACTION", NULL, BY_KILL,
	       "UPDATE apptest.rec_update_then_commit_shim SET seq = 5", "COMMIT")
TXN_LOSS_TESTS(rec_idle_commit, "BEGIN", NULL, BY_IDLE_TIMEOUT, "COMMIT", NULL)
TXN_LOSS_TESTS(rec_restart_commit, "BEGIN", NULL, BY_RESTART, "\\commit", NULL)
TXN_LOSS_TESTS(rec_autocommit_off_commit, "\\autocommit 0", NULL, BY_KILL, "\\commit", NULL)
TXN_LOSS_TESTS(rec_autocommit_on, "\\autocommit 0", NULL, BY_KILL, "\\autocommit 1", NULL)
TXN_LOSS_TESTS(rec_init_command_commit, NULL, init_autocommit_off, BY_KILL, "\\commit", NULL)
TXN_LOSS_TESTS(rec_idle_init_command, NULL, init_autocommit_off, BY_IDLE_TIMEOUT, "COMMIT", NULL)
TXN_LOSS_TESTS(rec_restart_init_command, NULL, init_autocommit_off, BY_RESTART, "INSERT INTO "
	       "apptest.rec_restart_init_command_shim (seq) VALUES (2)", "\\commit")
/* The loss is first noticed by a call the shim does not intercept. */
TXN_LOSS_TESTS(rec_send_query_first, "BEGIN", NULL, BY_KILL,
	       "\\send INSERT INTO apptest.rec_send_query_first_shim (seq) VALUES (2)", "COMMIT")

/* "ROLLBACK; INSERT ..." inside a lost transaction: the rollback fact
 * describes the first statement only, so the text must not be run again
 * as if it were a plain ROLLBACK (its INSERT could run twice). */
static void rollback_then_insert(enum shim_mode mode, const char *table)
{
	struct client *c = lose_transaction(mode, table, NULL);
	char sql[160];

	snprintf(sql, sizeof(sql), "ROLLBACK; INSERT INTO apptest.%s (seq) VALUES (2)", table);
	assert_lost_error(client_ask(c, sql), "ROLLBACK; INSERT in the lost transaction");
	cr_assert_eq(count_seq(table, 2), 0, "the INSERT after ROLLBACK was sent again");
	cr_assert_eq(count_seq(table, 1), 0, "row 1 of the lost transaction was committed");
	client_finish(c);
}

Test(transactions, multi_rollback_insert_noshim)
{
	rollback_then_insert(NO_SHIM, "tx_multi_rb_noshim");
}

Test(transactions, multi_rollback_insert_shim)
{
	rollback_then_insert(WITH_SHIM, "tx_multi_rb");
}
