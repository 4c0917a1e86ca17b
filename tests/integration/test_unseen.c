/* State the program made where a first-word look would not see it: behind
 * a comment, in a later statement of a multi-statement text, or through an
 * API call.  Each was silent with an earlier shim and an error (or the
 * same answer) without it; each runs with and without the shim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(unseen, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

/* ---- a transaction begun by a middle statement ------------------------- */

static void create_accounts(void)
{
	admin_exec("DROP TABLE IF EXISTS apptest.acct");
	admin_exec("CREATE TABLE apptest.acct (id INT PRIMARY KEY, bal INT) ENGINE=InnoDB");
	admin_exec("INSERT INTO apptest.acct VALUES (1, 1000), (2, 1000)");
}

/* Poll until connection id sleeps in SLEEP(): the loss then lands in the
 * text's last result, after the transaction began. */
static void wait_sleeping(unsigned long id)
{
	while (admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %lu"
			    " AND STATE = 'User sleep'", id) != 1)
		mrt_poll_pause();
}

/* SELECT 1; START TRANSACTION; UPDATE ...; SELECT SLEEP(5), KILLed during
 * the sleep; then the rest of the transfer and COMMIT.  The program must
 * never commit half a transfer on a fresh session. */
static long long transfer_across_a_loss(enum shim_mode mode, const char **commit)
{
	struct client *c;
	unsigned long id;
	static char committed[256];

	create_accounts();
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	client_send(c, "SELECT 1; START TRANSACTION; UPDATE acct SET bal = bal + 100 WHERE id = 1;"
		       " SELECT SLEEP(5)");
	wait_sleeping(id);
	admin_kill(id);
	assert_lost_error(client_read(c, 10000), "the text whose last result was lost");
	client_ask(c, "UPDATE acct SET bal = bal - 100 WHERE id = 2");
	snprintf(committed, sizeof(committed), "%s", client_ask(c, "\\commit"));
	*commit = committed;
	client_finish(c);
	return admin_scalar("SELECT SUM(bal) FROM apptest.acct");
}

Test(unseen, transaction_begun_mid_text_shim)
{
	const char *commit;

	cr_assert_eq(transfer_across_a_loss(WITH_SHIM, &commit), 2000,
		     "half a transfer was committed");
	cr_assert(strncmp(commit, "ERR ", 4) == 0, "COMMIT of the lost transaction: %s", commit);
	cr_assert_eq(admin_scalar("SELECT bal FROM apptest.acct WHERE id = 1"), 1000);
}

Test(unseen, transaction_begun_mid_text_noshim)
{
	const char *commit;

	cr_assert_eq(transfer_across_a_loss(NO_SHIM, &commit), 2000);
	assert_lost_error(commit, "without the shim COMMIT meets the lost connection");
}

/* ---- behind a comment ---------------------------------------------------- */

static const char *const tagged_lock[] = {"/* tag */ LOCK TABLES w_tagged WRITE", NULL};

Test(unseen, lock_behind_a_comment_shim)
{
	create_seq_table("w_tagged");
	assert_lost_error(answer_after_kill(WITH_SHIM, NULL, tagged_lock,
					    "INSERT INTO w_tagged VALUES (1)"),
			  "the lock went with the session: the program must know");
	cr_assert_eq(count_rows("w_tagged"), 0);
	free(log_wait("event=connection_lost", "session_state=locks", NULL));
}

Test(unseen, lock_behind_a_comment_noshim)
{
	create_seq_table("w_tagged");
	assert_lost_error(answer_after_kill(NO_SHIM, NULL, tagged_lock,
					    "INSERT INTO w_tagged VALUES (1)"),
			  "without the shim");
}

/* A read-only transaction the program announced: its INSERT must never run
 * in a read-write one. */
static const char *const tagged_read_only[] = {"/* tag */ SET TRANSACTION READ ONLY", NULL};

Test(unseen, read_only_transaction_behind_a_comment_shim)
{
	assert_lost_error(answer_after_kill(WITH_SHIM, NULL, tagged_read_only, "START TRANSACTION"),
			  "the next transaction's characteristics went with the session");
	free(log_wait("event=connection_lost", "session_state=next_transaction", NULL));
}

Test(unseen, read_only_transaction_behind_a_comment_noshim)
{
	assert_lost_error(answer_after_kill(NO_SHIM, NULL, tagged_read_only, "START TRANSACTION"),
			  "without the shim");
}

/* ---- protections the program set up ------------------------------------ */

/* mysql_set_server_option(MULTI_STATEMENTS_OFF), a guard against injected
 * statements: a fresh session has multi-statements on again. */
static const char *injected_after_kill(enum shim_mode mode)
{
	static const char *const setup[] = {"\\multi 0", NULL};

	create_seq_table("w_guarded");
	admin_exec("INSERT INTO apptest.w_guarded VALUES (1)");
	return answer_after_transparent_kill(mode, NULL, setup, "SELECT 1; DELETE FROM w_guarded");
}

Test(unseen, multi_statements_off_survives_shim)
{
	const char *r = injected_after_kill(WITH_SHIM);

	cr_assert(strncmp(r, "ERR 1064 ", 9) == 0, "the injected text must be refused: %s", r);
	cr_assert_eq(count_rows("w_guarded"), 1, "the injected DELETE ran");
}

Test(unseen, multi_statements_off_survives_noshim)
{
	assert_lost_error(injected_after_kill(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_guarded"), 1);
}

/* SET ROLE NONE drops the privileges the account's default role gives: a
 * fresh session would have them again. */
static void create_role_user(void)
{
	admin_exec("DROP USER IF EXISTS 'mrt_roles'@'127.0.0.1', 'mrt_roles'@'localhost'");
	admin_exec("DROP ROLE IF EXISTS mrt_writer");
	admin_exec("CREATE ROLE mrt_writer");
	admin_exec("GRANT ALL ON apptest.* TO mrt_writer");
	for (int i = 0; i < 2; i++) {
		const char *host = i ? "localhost" : "127.0.0.1";

		admin_exec("CREATE USER 'mrt_roles'@'%s' IDENTIFIED BY 'Xq7-role-secret'", host);
		admin_exec("GRANT mrt_writer TO 'mrt_roles'@'%s'", host);
		admin_exec("SET DEFAULT ROLE mrt_writer FOR 'mrt_roles'@'%s'", host);
	}
}

static const char *delete_without_role(enum shim_mode mode)
{
	static const char *const as_role_user[] = {"--user", "mrt_roles", "--password",
						   "Xq7-role-secret", NULL};
	static const char *const setup[] = {"SET ROLE NONE", NULL};

	create_seq_table("w_roles");
	admin_exec("INSERT INTO apptest.w_roles VALUES (1)");
	create_role_user();
	return answer_after_transparent_kill(mode, as_role_user, setup, "DELETE FROM w_roles");
}

Test(unseen, role_none_survives_shim)
{
	const char *r = delete_without_role(WITH_SHIM);

	cr_assert(strncmp(r, "ERR 1142 ", 9) == 0, "the DELETE must still be denied: %s", r);
	cr_assert_eq(count_rows("w_roles"), 1, "the DELETE ran with the default role");
}

Test(unseen, role_none_survives_noshim)
{
	assert_lost_error(delete_without_role(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_roles"), 1);
}

/* ---- code the shim cannot read: routines and triggers -------------------- */

/* CALL p() makes a TEMPORARY table that shadows a base table: after a
 * KILL, DELETE FROM it on a fresh session would empty the base table. */
static const char *delete_after_call(enum shim_mode mode)
{
	static const char *const setup[] = {"CALL mrt_shadow()", NULL};
	const char *r;

	create_seq_table("w_orders");
	admin_exec("INSERT INTO apptest.w_orders VALUES (1), (2), (3)");
	admin_exec("DROP PROCEDURE IF EXISTS apptest.mrt_shadow");
	admin_exec("CREATE PROCEDURE apptest.mrt_shadow() "
		   "CREATE TEMPORARY TABLE w_orders (seq INT NOT NULL)");
	r = answer_after_kill(mode, NULL, setup, "DELETE FROM w_orders");
	/* other suites: a routine the account cannot read may hold locks */
	admin_exec("DROP PROCEDURE apptest.mrt_shadow");
	return r;
}

Test(unseen, temporary_table_made_by_a_procedure_shim)
{
	char *line, *state;

	assert_lost_error(delete_after_call(WITH_SHIM),
			  "the procedure's table went with the session");
	cr_assert_eq(count_rows("w_orders"), 3, "the base table was emptied");
	line = log_wait("event=connection_lost", NULL);
	state = log_field(line, "session_state");
	cr_assert(state && strstr(state, "routine"), "session_state: %s", state ? state : "-");
	free(state);
	free(line);
}

Test(unseen, temporary_table_made_by_a_procedure_noshim)
{
	assert_lost_error(delete_after_call(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_orders"), 3);
}

/* A trigger changes @cust after the program set it from a literal: a
 * fresh session must not answer with the old literal. */
static const char *user_variable_after_trigger(enum shim_mode mode)
{
	static const char *const setup[] = {"SET @cust = 1", "INSERT INTO w_trig VALUES (7)", NULL};

	create_seq_table("w_trig");
	admin_exec("CREATE TRIGGER apptest.w_trig_sets BEFORE INSERT ON apptest.w_trig "
		   "FOR EACH ROW SET @cust = NEW.seq");
	return answer_after_kill(mode, NULL, setup, "SELECT @cust");
}

Test(unseen, user_variable_set_by_a_trigger_shim)
{
	const char *r = user_variable_after_trigger(WITH_SHIM);

	cr_assert(strcmp(r, "OK rows=1 first=1") != 0, "the trigger's value was replaced by the "
		  "program's literal");
	cr_assert(strcmp(r, "OK rows=1 first=7") == 0 || is_lost_error(r), "got %s", r);
}

Test(unseen, user_variable_set_by_a_trigger_noshim)
{
	assert_lost_error(user_variable_after_trigger(NO_SHIM), "without the shim");
}

/* ---- one-shot values ---------------------------------------------------- */

/* SET insert_id = 1000 holds for the next INSERT: on a fresh session it
 * would write id 1. */
static const char *insert_after_insert_id(enum shim_mode mode)
{
	static const char *const setup[] = {"SET insert_id = 1000", NULL};

	admin_exec("DROP TABLE IF EXISTS apptest.w_auto");
	admin_exec("CREATE TABLE apptest.w_auto (id INT AUTO_INCREMENT PRIMARY KEY, v INT)");
	return answer_after_kill(mode, NULL, setup, "INSERT INTO w_auto (v) VALUES (1)");
}

Test(unseen, insert_id_one_shot_shim)
{
	const char *r = insert_after_insert_id(WITH_SHIM);

	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM apptest.w_auto WHERE id <> 1000"), 0,
		     "the INSERT ran without its insert_id");
	cr_assert(is_lost_error(r) || admin_scalar("SELECT COUNT(*) FROM apptest.w_auto") == 1,
		  "got %s", r);
}

Test(unseen, insert_id_one_shot_noshim)
{
	assert_lost_error(insert_after_insert_id(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_auto"), 0);
}

/* FOUND_ROWS() after a mysql_ping that reconnected would answer for the
 * shim's own queries on the fresh session. */
static const char *found_rows_after_ping(enum shim_mode mode)
{
	static char answer[256];
	struct client *c;
	const char *r;

	create_seq_table("w_found");
	admin_exec("INSERT INTO apptest.w_found VALUES (1), (2), (3)");
	c = sqlpipe_start(mode, NULL, NULL);
	client_ok(c, "SELECT SQL_CALC_FOUND_ROWS * FROM w_found LIMIT 1");
	kill_and_wait(client_connection_id(c));
	r = client_ask(c, "\\ping");
	snprintf(answer, sizeof(answer), "%s",
		 strncmp(r, "OK", 2) ? r : client_ask(c, "SELECT FOUND_ROWS()"));
	client_finish(c);
	return answer;
}

Test(unseen, found_rows_after_a_ping_shim)
{
	const char *r = found_rows_after_ping(WITH_SHIM);

	cr_assert(strcmp(r, "OK rows=1 first=3") == 0 || is_lost_error(r),
		  "FOUND_ROWS() answered for another statement: %s", r);
}

Test(unseen, found_rows_after_a_ping_noshim)
{
	assert_lost_error(found_rows_after_ping(NO_SHIM), "without the shim the ping fails");
}

/* A user variable set from a literal under latin1 compares case-blind;
 * set again under utf8mb4_bin it would not. */
static const char *const charset_then_variable[] = {
	"SET NAMES latin1", "SET @code = 'ABC'", "SET NAMES utf8mb4 COLLATE utf8mb4_bin", NULL};

Test(unseen, user_variable_keeps_its_collation_shim)
{
	const char *r = answer_after_kill(WITH_SHIM, NULL, charset_then_variable,
					  "SELECT @code = 'abc'");

	cr_assert(strcmp(r, "OK rows=1 first=1") == 0 || is_lost_error(r),
		  "@code changed its collation: %s", r);
}

Test(unseen, user_variable_keeps_its_collation_noshim)
{
	assert_lost_error(answer_after_kill(NO_SHIM, NULL, charset_then_variable,
					    "SELECT @code = 'abc'"),
			  "without the shim");
}

/* mysql_send_query + mysql_read_query_result while state lost earlier is
 * still pending: the temporary table it makes must be noted. */
Test(unseen, temporary_table_sent_while_lost_state_pends_shim)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, NULL);

	client_ok(c, "SET @k = (SELECT 5)");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 1"), "the user variable went with the session");
	client_ok(c, "SELECT 2");
	client_ok(c, "\\send CREATE TEMPORARY TABLE w_pending (a INT)");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT * FROM w_pending"),
			  "the temporary table went with the session: the program must know");
	client_finish(c);
}

Test(unseen, temporary_table_sent_while_lost_state_pends_noshim)
{
	assert_kill_reaches_program("the control");
}

/* ---- MYSQL_INIT_COMMAND, which the library runs again on every connect ---- */

/* A user variable the init command sets from RAND(): a reconnect would
 * give the program another tenant. */
static const char *tenant_after_kill(enum shim_mode mode, char *before, size_t size)
{
	static const char *const init[] = {"--init-command", "SET @tenant := RAND()", NULL};
	static char answer[256];
	struct client *c = sqlpipe_start(mode, NULL, init);

	snprintf(before, size, "%s", client_ok(c, "SELECT @tenant"));
	kill_and_wait(client_connection_id(c));
	snprintf(answer, sizeof(answer), "%s", client_ask(c, "SELECT @tenant"));
	client_finish(c);
	return answer;
}

Test(unseen, init_command_state_shim)
{
	char before[256];
	const char *r = tenant_after_kill(WITH_SHIM, before, sizeof(before));

	cr_assert(strcmp(r, before) == 0 || is_lost_error(r), "another tenant: %s, was %s", r,
		  before);
}

Test(unseen, init_command_state_noshim)
{
	char before[256];

	assert_lost_error(tenant_after_kill(NO_SHIM, before, sizeof(before)), "without the shim");
}

/* An init command that makes a work table: a reconnect would hand the
 * program an empty one.  The table is held state from the connect on. */
static const char *work_table_after_kill(enum shim_mode mode)
{
	static const char *const init[] = {"--init-command",
					   "CREATE TEMPORARY TABLE w_work (a INT)", NULL};
	static char answer[256];
	struct client *c = sqlpipe_start(mode, NULL, init);

	client_ok(c, "INSERT INTO w_work VALUES (1)");
	kill_and_wait(client_connection_id(c));
	snprintf(answer, sizeof(answer), "%s", client_ask(c, "SELECT COUNT(*) FROM w_work"));
	client_finish(c);
	return answer;
}

Test(unseen, init_command_work_table_shim)
{
	assert_lost_error(work_table_after_kill(WITH_SHIM), "the work table went with the session");
	free(log_wait("event=statement_not_retried", "why=session_state_lost", NULL));
}

Test(unseen, init_command_work_table_noshim)
{
	assert_lost_error(work_table_after_kill(NO_SHIM), "without the shim");
}

/* An init command that writes would write again on every reconnect: such a
 * connection is passed through. */
static const char *after_writing_init(enum shim_mode mode)
{
	static const char *const init[] = {"--init-command",
					   "INSERT INTO w_logins VALUES (1)", NULL};
	static char answer[256];
	struct client *c;

	create_seq_table("w_logins");
	c = sqlpipe_start(mode, NULL, init);
	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	snprintf(answer, sizeof(answer), "%s", client_ask(c, "SELECT 2"));
	client_finish(c);
	return answer;
}

Test(unseen, init_command_that_writes_shim)
{
	assert_lost_error(after_writing_init(WITH_SHIM), "a reconnect would write again");
	cr_assert_eq(count_rows("w_logins"), 1, "the init command ran twice");
	free(log_wait("event=init_command_passed_through", NULL));
}

Test(unseen, init_command_that_writes_noshim)
{
	assert_lost_error(after_writing_init(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_logins"), 1);
}

/* ---- a read that may write: a view whose column calls a stored function */

static void create_counting_view(void)
{
	create_seq_table("w_calls");
	/* not transactional: the function's row stays although its statement
	 * was killed */
	admin_exec("ALTER TABLE apptest.w_calls ENGINE=MyISAM");
	admin_exec("DROP VIEW IF EXISTS apptest.w_counted");
	admin_exec("DROP FUNCTION IF EXISTS apptest.mrt_count_call");
	admin_exec("CREATE FUNCTION apptest.mrt_count_call() RETURNS INT MODIFIES SQL DATA "
		   "BEGIN INSERT INTO apptest.w_calls VALUES (1); RETURN 1; END");
	admin_exec("CREATE VIEW apptest.w_counted AS SELECT apptest.mrt_count_call() AS c");
}

/* The read is lost in flight (KILLed in its SLEEP, after the function ran):
 * sent again, it would write a second row. */
static const char *view_read_lost_in_flight(enum shim_mode mode)
{
	static char answer[256];
	struct client *c;
	unsigned long id;

	create_counting_view();
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	client_send(c, "SELECT c, SLEEP(5) FROM w_counted");
	wait_sleeping(id);
	admin_kill(id);
	snprintf(answer, sizeof(answer), "%s", client_read(c, 10000));
	client_finish(c);
	/* other suites' reads lost in flight are sent again: no such function */
	admin_exec("DROP VIEW apptest.w_counted");
	admin_exec("DROP FUNCTION apptest.mrt_count_call");
	return answer;
}

Test(unseen, read_of_a_view_that_writes_shim)
{
	const char *r = view_read_lost_in_flight(WITH_SHIM);

	cr_assert_eq(count_rows("w_calls"), 1, "the view's function wrote twice (%s)", r);
	assert_lost_error(r, "a read that may have written must not be sent again");
	/* stored_functions_may_write, or first session_state_lost: the
	 * function's body, unreadable to the account, may also lock */
	free(log_wait("event=statement_not_retried", NULL));
}

Test(unseen, read_of_a_view_that_writes_noshim)
{
	assert_lost_error(view_read_lost_in_flight(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_calls"), 1);
}

/* ---- a named lock taken by a stored function -------------------------- */

/* SELECT mrt_take_lock() takes GET_LOCK('mrt_lock') inside a function: the
 * text does not show it.  A transparent reconnect would release it while
 * the program believes it holds it. */
static const char *after_lock_by_function(enum shim_mode mode, long long *held_after)
{
	static const char *const setup[] = {"SELECT mrt_take_lock()", NULL};
	static char answer[256];

	admin_exec("DROP FUNCTION IF EXISTS apptest.mrt_take_lock");
	admin_exec("CREATE FUNCTION apptest.mrt_take_lock() RETURNS INT "
		   "RETURN GET_LOCK('mrt_lock', 0)");
	snprintf(answer, sizeof(answer), "%s", answer_after_kill(mode, NULL, setup, "SELECT 1"));
	*held_after = admin_scalar("SELECT IS_USED_LOCK('mrt_lock') IS NOT NULL");
	admin_exec("DROP FUNCTION apptest.mrt_take_lock");
	return answer;
}

Test(unseen, lock_taken_by_a_function_shim)
{
	long long held;

	assert_lost_error(after_lock_by_function(WITH_SHIM, &held),
			  "the function's lock went with the session: the program must know");
	cr_assert_eq(held, 0, "the KILL released the lock");
}

Test(unseen, lock_taken_by_a_function_noshim)
{
	long long held;

	assert_lost_error(after_lock_by_function(NO_SHIM, &held), "without the shim");
}

/* ---- a sequence's last value ---------------------------------------------- */

/* LASTVAL(s) after a reconnect would answer NULL, then go on answering NULL
 * although the program's session had taken a value. */
static const char *lastval_after_kill(enum shim_mode mode, const char *question)
{
	static const char *const setup[] = {"SELECT NEXTVAL(w_seq)", NULL};
	const char *r;

	admin_exec("DROP SEQUENCE IF EXISTS apptest.w_seq");
	admin_exec("CREATE SEQUENCE apptest.w_seq");
	r = answer_after_kill(mode, NULL, setup, question);
	admin_exec("DROP SEQUENCE apptest.w_seq"); /* other suites: no sequence */
	return r;
}

Test(unseen, sequence_last_value_shim)
{
	assert_lost_error(lastval_after_kill(WITH_SHIM, "SELECT LASTVAL(w_seq)"),
			  "the sequence's last value went with the session");
}

Test(unseen, sequence_previous_value_after_a_read_shim)
{
	static const char *const setup[] = {"SELECT NEXTVAL(w_seq)", NULL};
	struct client *c;

	admin_exec("DROP SEQUENCE IF EXISTS apptest.w_seq");
	admin_exec("CREATE SEQUENCE apptest.w_seq");
	c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	client_ok(c, setup[0]);
	kill_and_wait(client_connection_id(c));
	client_ok(c, "SELECT 1"); /* rides out the KILL */
	assert_lost_error(client_ask(c, "SELECT PREVIOUS VALUE FOR w_seq"),
			  "one statement later it is still the lost session's");
	client_finish(c);
	admin_exec("DROP SEQUENCE apptest.w_seq");
}

Test(unseen, sequence_last_value_noshim)
{
	assert_lost_error(lastval_after_kill(NO_SHIM, "SELECT LASTVAL(w_seq)"), "without the shim");
}

/* ---- a named lock taken through mariadb_stmt_execute_direct ------------- */

static const char *const direct_lock[] = {"\\direct SELECT GET_LOCK('mrt_direct', 0)", NULL};

Test(unseen, lock_taken_through_execute_direct_shim)
{
	assert_lost_error(answer_after_kill(WITH_SHIM, NULL, direct_lock, "SELECT 1"),
			  "the lock went with the session: the program must know");
}

Test(unseen, lock_taken_through_execute_direct_noshim)
{
	assert_lost_error(answer_after_kill(NO_SHIM, NULL, direct_lock, "SELECT 1"),
			  "without the shim");
}

/* ---- SET last_insert_id = N ------------------------------------------------ */

/* LAST_INSERT_ID() answers what the program set; a fresh session answers 0,
 * one statement later too. */
Test(unseen, set_last_insert_id_shim)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, NULL);

	client_ok(c, "SET last_insert_id = 42");
	kill_and_wait(client_connection_id(c));
	client_ok(c, "SELECT 1"); /* rides out the KILL */
	const char *r = client_ask(c, "SELECT LAST_INSERT_ID()");

	cr_assert(strcmp(r, "OK rows=1 first=42") == 0 || is_lost_error(r),
		  "LAST_INSERT_ID() answered by the fresh session: %s", r);
	client_finish(c);
}

Test(unseen, set_last_insert_id_noshim)
{
	static const char *const setup[] = {"SET last_insert_id = 42", NULL};

	assert_lost_error(answer_after_kill(NO_SHIM, NULL, setup, "SELECT 1"), "without the shim");
}

/* ---- a secret in a server's message ---------------------------------------- */

/* An INSERT that never left (the idle check) is sent on the fresh session
 * and fails there with a duplicate key quoting the program's data, quotes
 * inside it included: the log masks all of it. */
Test(unseen, quoted_secret_in_a_message_is_masked_shim)
{
	struct client *c;
	long long since;

	admin_exec("DROP TABLE IF EXISTS apptest.w_secret");
	admin_exec("CREATE TABLE apptest.w_secret (v VARCHAR(64) PRIMARY KEY)");
	admin_exec("INSERT INTO apptest.w_secret VALUES ('O''Brien:pin=4711')");
	c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	since = mrt_now_ms();
	while (mrt_now_ms() - since < 30) /* the program idles past the check's 10 ms */
		mrt_poll_pause();
	cr_assert(strncmp(client_ask(c, "INSERT INTO w_secret VALUES ('O''Brien:pin=4711')"),
			  "ERR 1062 ", 9) == 0);
	client_finish(c);
	free(log_wait("event=statement_retried", "outcome=failed", "errno=1062", NULL));
	log_assert_never("pin=4711");
	log_assert_never("Brien");
}

Test(unseen, quoted_secret_in_a_message_is_masked_noshim)
{
	assert_kill_reaches_program("the control");
}
