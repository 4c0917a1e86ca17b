/* The session the shim hides: after a transparent reconnect every setting
 * the program made with SQL is back before its next statement runs, and
 * state a fresh connection cannot have (user variables, temporary tables,
 * locks, LAST_INSERT_ID()) is never dropped silently: the loss reaches the
 * program, and statements that would read the lost state fail until the
 * program sets it up again or starts over. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(session, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

/* KILL, KILL, restart, crash (kill -9 and start). */
#define ROUNDS 4

static const char *const settings[] = {
	"SET time_zone = '+05:00'",
	"SET sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES'",
	"SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci",
	"SET character_set_results = latin1",
	"SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE",
	"SET div_precision_increment = 8, group_concat_max_len = 4096",
	"SET wait_timeout = 12345, lc_time_names = 'de_DE'",
	NULL,
};

/* What the settings change in answers, one line per question. */
static const char *const questions[] = {
	"SELECT CONCAT_WS('|', @@time_zone, @@sql_mode, @@collation_connection, "
	"@@character_set_results, @@tx_isolation, @@div_precision_increment, "
	"@@group_concat_max_len, @@wait_timeout, @@lc_time_names)",
	"SELECT HOUR(TIMEDIFF(NOW(), UTC_TIMESTAMP()))",
	"SELECT 1/3",
	"SELECT LENGTH('a\\b')", /* 3 under NO_BACKSLASH_ESCAPES, else 2 */
	"SELECT COLLATION(CONCAT('x'))",
	NULL,
};

static void ask_all(struct client *c, char answers[][256])
{
	for (int i = 0; questions[i]; i++)
		snprintf(answers[i], 256, "%s", client_ok(c, questions[i]));
}

static struct client *configured_client(enum shim_mode mode, char answers[][256])
{
	struct client *c = sqlpipe_start(mode, NULL, NULL);

	for (int i = 0; settings[i]; i++)
		client_ok(c, settings[i]);
	ask_all(c, answers);
	return c;
}

Test(session, settings_survive_kills_noshim)
{
	char answers[8][256];
	struct client *c = configured_client(NO_SHIM, answers);

	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 2"), "without the shim the KILL must reach it");
	client_finish(c);
}

Test(session, settings_survive_kills_shim)
{
	char before[8][256], after[8][256];
	struct client *c = configured_client(WITH_SHIM, before);

	cr_assert_str_eq(before[1], "OK rows=1 first=5", "time_zone not in effect");
	cr_assert_str_eq(before[3], "OK rows=1 first=3", "NO_BACKSLASH_ESCAPES not in effect");
	for (int round = 0; round < ROUNDS; round++) {
		if (round == 2) {
			server_ctl("restart");
		} else if (round == 3) {
			server_ctl("kill9");
			server_ctl("start");
		} else {
			kill_and_wait(client_connection_id(c));
		}
		cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
				 "round %d: the loss must be invisible", round);
		ask_all(c, after);
		for (int i = 0; questions[i]; i++)
			cr_assert_str_eq(after[i], before[i], "round %d: '%s' answers differently",
					 round, questions[i]);
	}
	assert_recovery_logged(c->pid);
	cr_assert_eq(client_finish(c), 0);
}

/* ---- state that cannot be restored ------------------------------------ */

/* Set from a query, the variable could not be given the same value again. */
static struct client *user_variable_lost(enum shim_mode mode)
{
	struct client *c = sqlpipe_start(mode, NULL, NULL);

	client_ok(c, "SET @k = (SELECT 5)");
	cr_assert_str_eq(client_ask(c, "SELECT @k"), "OK rows=1 first=5");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 1"),
			  "the loss of a session holding a user variable must reach the program");
	return c;
}

Test(session, user_variable_noshim)
{
	client_finish(user_variable_lost(NO_SHIM));
}

Test(session, user_variable_shim)
{
	struct client *c = user_variable_lost(WITH_SHIM);
	char p[32];

	free(log_wait("event=connection_lost", "session_state=user_variables",
		      pid_needle(p, sizeof(p), c->pid), NULL));
	assert_lost_error(client_ask(c, "SELECT @k"), "a read of the lost @k must fail, not be NULL");
	free(log_wait("event=statement_refused", "lost_state=user_variables", p, NULL));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
			 "a statement that does not read it runs");
	client_ok(c, "SET @k = 6");
	cr_assert_str_eq(client_ask(c, "SELECT @k"), "OK rows=1 first=6",
			 "set up again, the variable is read");
	cr_assert_eq(client_finish(c), 0);
}

/* A temporary table shadows a base table of the same name: after a silent
 * reconnect DELETE would empty the base table. */
static struct client *temporary_table_lost(enum shim_mode mode, const char *table)
{
	char sql[160];
	struct client *c;

	create_seq_table(table);
	admin_exec("INSERT INTO apptest.%s (seq) VALUES (1), (2), (3)", table);
	c = sqlpipe_start(mode, NULL, NULL);
	snprintf(sql, sizeof(sql), "CREATE TEMPORARY TABLE %s (seq INT)", table);
	client_ok(c, sql);
	kill_and_wait(client_connection_id(c));
	snprintf(sql, sizeof(sql), "DELETE FROM %s", table);
	assert_lost_error(client_ask(c, sql), "DELETE meets the loss");
	assert_lost_error(client_ask(c, sql), "DELETE after the loss");
	cr_assert_eq(count_rows(table), 3, "the base table was emptied");
	return c;
}

Test(session, temporary_table_noshim)
{
	client_finish(temporary_table_lost(NO_SHIM, "s_temp_noshim"));
}

Test(session, temporary_table_shim)
{
	struct client *c = temporary_table_lost(WITH_SHIM, "s_temp");

	assert_lost_error(client_ask(c, "SELECT 1"),
			  "any statement may read the lost temporary table: it fails");
	free(log_wait("event=statement_refused", "lost_state=temporary_tables", NULL));
	client_ok(c, "\\reset");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1",
			 "mysql_reset_connection starts over");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_rows("s_temp"), 3);
}

static struct client *table_lock_lost(enum shim_mode mode, const char *table)
{
	char sql[160];
	struct client *c;

	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, NULL);
	snprintf(sql, sizeof(sql), "LOCK TABLES %s WRITE", table);
	client_ok(c, sql);
	kill_and_wait(client_connection_id(c));
	snprintf(sql, sizeof(sql), "INSERT INTO %s (seq) VALUES (1)", table);
	assert_lost_error(client_ask(c, sql), "INSERT under a lost table lock");
	return c;
}

Test(session, table_lock_noshim)
{
	client_finish(table_lock_lost(NO_SHIM, "s_lock_noshim"));
}

Test(session, table_lock_shim)
{
	struct client *c = table_lock_lost(WITH_SHIM, "s_lock");

	assert_lost_error(client_ask(c, "INSERT INTO s_lock (seq) VALUES (2)"),
			  "the program believes it holds the lock: it must not write");
	client_ok(c, "\\connect");
	cr_assert_str_eq(client_ask(c, "INSERT INTO s_lock (seq) VALUES (3)"), "OK affected=1",
			 "a new connection starts over");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_rows("s_lock"), 1);
}

/* INSERT parent; the connection dies; mysql_ping reconnects; the child's
 * INSERT ... LAST_INSERT_ID() would get 0 on the fresh session. */
static void create_parent_child(const char *parent, const char *child)
{
	admin_exec("DROP TABLE IF EXISTS apptest.%s, apptest.%s", parent, child);
	admin_exec("CREATE TABLE apptest.%s (id INT AUTO_INCREMENT PRIMARY KEY, v INT)", parent);
	admin_exec("CREATE TABLE apptest.%s (parent_id INT NOT NULL)", child);
}

static struct client *parent_then_ping(enum shim_mode mode, const char *parent,
				       const char *child)
{
	char sql[160];
	struct client *c;

	create_parent_child(parent, child);
	c = sqlpipe_start(mode, NULL, NULL);
	snprintf(sql, sizeof(sql), "INSERT INTO %s (v) VALUES (1)", parent);
	cr_assert_str_eq(client_ask(c, sql), "OK affected=1");
	kill_and_wait(client_connection_id(c));
	return c;
}

Test(session, last_insert_id_after_ping_noshim)
{
	struct client *c = parent_then_ping(NO_SHIM, "s_parent_noshim", "s_child_noshim");

	assert_lost_error(client_ask(c, "\\ping"), "without the shim the ping reports the loss");
	client_finish(c);
}

Test(session, last_insert_id_after_ping_shim)
{
	struct client *c = parent_then_ping(WITH_SHIM, "s_parent", "s_child");
	const char *r = client_ask(c, "\\ping");

	if (strcmp(r, "OK") != 0)
		assert_lost_error(r, "mysql_ping");
	assert_lost_error(client_ask(c, "INSERT INTO s_child (parent_id) VALUES (LAST_INSERT_ID())"),
			  "LAST_INSERT_ID() of the lost session must not become 0");
	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM apptest.s_child"), 0,
		     "a child row was written with the wrong parent");
	cr_assert_str_eq(client_ask(c, "INSERT INTO s_parent (v) VALUES (2)"), "OK affected=1");
	cr_assert_str_eq(client_ask(c, "INSERT INTO s_child (parent_id) VALUES (LAST_INSERT_ID())"),
			 "OK affected=1", "after a new parent, LAST_INSERT_ID() is its id");
	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM apptest.s_child c JOIN apptest.s_parent p"
				  " ON p.id = c.parent_id WHERE p.v = 2"),
		     1);
	cr_assert_eq(client_finish(c), 0);
}

/* GET_LOCK() in a SELECT: the server does not flag it as session state. */
static struct client *named_lock_lost(enum shim_mode mode, const char *lock)
{
	char sql[160];
	struct client *c = sqlpipe_start(mode, NULL, NULL);

	snprintf(sql, sizeof(sql), "SELECT GET_LOCK('%s', 0)", lock);
	cr_assert_str_eq(client_ask(c, sql), "OK rows=1 first=1");
	kill_and_wait(client_connection_id(c));
	snprintf(sql, sizeof(sql), "SELECT GET_LOCK('%s', 0)", lock);
	cr_assert_eq(admin_scalar("%s", sql), 1, "the lock died with its session");
	admin_exec("DO RELEASE_LOCK('%s')", lock);
	assert_lost_error(client_ask(c, "SELECT 1"),
			  "the loss of a session holding a named lock must reach the program");
	return c;
}

Test(session, named_lock_noshim)
{
	client_finish(named_lock_lost(NO_SHIM, "s_named_noshim"));
}

Test(session, named_lock_shim)
{
	struct client *c = named_lock_lost(WITH_SHIM, "s_named");

	assert_lost_error(client_ask(c, "SELECT 2"), "the program believes it holds the lock");
	client_ok(c, "\\connect");
	cr_assert_str_eq(client_ask(c, "SELECT 3"), "OK rows=1 first=3");
	cr_assert_eq(client_finish(c), 0);
}

/* A later SET NAMES without COLLATE resets the collation; the server
 * reports only the character sets, so a stale collation must not come
 * back after a reconnect. */
Test(session, collation_follows_the_last_set_names_noshim)
{
	static const char *const setup[] = {"SET NAMES latin1 COLLATE latin1_german1_ci",
					    "SET NAMES utf8mb4", NULL};

	assert_lost_error(answer_after_kill(NO_SHIM, NULL, setup, "SELECT 2"), "the KILL must reach it");
}

Test(session, collation_follows_the_last_set_names_shim)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	char before[256];

	client_ok(c, "SET NAMES latin1 COLLATE latin1_german1_ci");
	client_ok(c, "SET NAMES utf8mb4");
	snprintf(before, sizeof(before), "%s", client_ok(c, "SELECT @@collation_connection"));
	kill_and_wait(client_connection_id(c));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2");
	cr_assert_str_eq(client_ok(c, "SELECT @@collation_connection"), before);
	cr_assert_eq(client_finish(c), 0);
}

/* With the settings restored before it is sent again, a read of a session
 * variable no longer depends on the lost session. */
static const char *session_variable_read_after_kill(enum shim_mode mode)
{
	static const char *const setup[] = {"SET time_zone = '+05:00'", NULL};

	return answer_after_kill(mode, NULL, setup, "SELECT @@time_zone");
}

Test(session, session_variable_read_noshim)
{
	assert_lost_error(session_variable_read_after_kill(NO_SHIM), "the KILL must reach it");
}

Test(session, session_variable_read_shim)
{
	cr_assert_str_eq(session_variable_read_after_kill(WITH_SHIM), "OK rows=1 first=+05:00");
}

/* Where the server cannot track the session (or tracking is turned off),
 * the program's own SET statements are sent again after a reconnect. */
Test(session, statement_mode_replays_set_noshim)
{
	static const char *const setup[] = {"SET div_precision_increment = 8", NULL};

	assert_lost_error(answer_after_kill(NO_SHIM, NULL, setup, "SELECT 1/3"), "the KILL must reach it");
}

Test(session, statement_mode_replays_set_shim)
{
	static const char *const env[] = {"MYSQL_RECONNECT_SESSION_TRACKING=off", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);
	char p[32];

	client_ok(c, "SET div_precision_increment = 8");
	client_ok(c, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
	kill_and_wait(client_connection_id(c));
	cr_assert_str_eq(client_ask(c, "SELECT 1/3"), "OK rows=1 first=0.33333333",
			 "the loss must be invisible and the setting back");
	cr_assert_str_eq(client_ok(c, "SELECT @@sql_mode"), "OK rows=1 first=NO_BACKSLASH_ESCAPES");
	free(log_wait("event=session_tracking_unavailable", "mode=statements",
		      pid_needle(p, sizeof(p), c->pid), NULL));
	client_ok(c, "SELECT @v := 1");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 2"), "a user variable set in a SELECT is lost");
	cr_assert_eq(client_finish(c), 0);
}

/* Set from literals, user variables are set again exactly. */
static const char *literal_user_variables(enum shim_mode mode)
{
	static const char *const setup[] = {"SET @k = 5, @name = 'x y'", "SET @k := 6", NULL};

	return answer_after_kill(mode, NULL, setup, "SELECT CONCAT(@k, '/', @name)");
}

Test(session, literal_user_variables_noshim)
{
	assert_lost_error(literal_user_variables(NO_SHIM), "the KILL must reach it");
}

Test(session, literal_user_variables_shim)
{
	cr_assert_str_eq(literal_user_variables(WITH_SHIM), "OK rows=1 first=6/x y");
}
