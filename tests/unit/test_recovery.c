/* test_recovery.c - every recovery rule against the scriptable stand-in for
 * the client library (tests/stub/), in milliseconds.
 *
 * This program links the shim's objects (so their exported hooks interpose
 * on the stub exactly as a preloaded library does) and the stub as
 * libmariadb.so.3.  Each test runs in its own process, so the shim reads
 * its configuration afresh: the suite sets it before the first call.
 * Every rule runs over both transports: a Unix socket, where the library
 * notices the dead connection while writing and forgets the transaction,
 * and TCP, where it notices while reading. */
#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "stub.h"

static MYSQL handle;

static void configure(const char *check_idle)
{
	setenv("MYSQL_RECONNECT_LOG", getenv("DBGLOG") ? getenv("DBGLOG") : "none", 1);
	setenv("MYSQL_RECONNECT_ATTEMPTS", "3", 1);
	setenv("MYSQL_RECONNECT_BACKOFF_MS", "1", 1);
	setenv("MYSQL_RECONNECT_BACKOFF_MAX_MS", "2", 1);
	setenv("MYSQL_RECONNECT_CHECK_IDLE_MS", check_idle, 1);
}

static MYSQL *connected_checking_idle(enum stub_transport transport, const char *check_idle)
{
	configure(check_idle);
	stub_reset(transport);
	cr_assert(mysql_real_connect(&handle, "db.example", "app", "pw", "db", 0, NULL, 0));
	return &handle;
}

static MYSQL *connected(enum stub_transport transport)
{
	return connected_checking_idle(transport, "off");
}

static int q(MYSQL *m, const char *sql)
{
	return mysql_query(m, sql);
}

/* A failure the shim hands back carries a lost-connection error. */
static void expect_lost(MYSQL *m, int rc, const char *what)
{
	unsigned err = mysql_errno(m);

	cr_expect_neq(rc, 0, "%s must fail", what);
	cr_expect(err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST,
		  "%s: errno %u (%s), expected 2006 or 2013", what, err, mysql_error(m));
	cr_expect(mysql_error(m)[0] != '\0', "%s: no message on the handle", what);
}

static enum stub_transport transports[] = {STUB_TCP, STUB_SOCKET};

/* A test run once over TCP and once over a Unix socket; *t says which. */
#define BOTH_TRANSPORTS(name)                                                       \
	ParameterizedTestParameters(recovery, name)                                  \
	{                                                                            \
		return cr_make_param_array(enum stub_transport, transports, 2);      \
	}                                                                            \
	ParameterizedTest(enum stub_transport *t, recovery, name)

BOTH_TRANSPORTS(read_lost_in_flight_is_sent_again)
{
	MYSQL *m = connected(*t);

	stub_lose_in_flight("SELECT 1", true);
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect_eq(stub_executed("SELECT 1"), 2);
	cr_expect_eq(stub_sessions(), 2);
}

BOTH_TRANSPORTS(write_lost_in_flight_is_not_sent_again)
{
	MYSQL *m = connected(*t);

	stub_lose_in_flight("INSERT", true);
	cr_expect_eq(q(m, "INSERT INTO t VALUES (1)"), 1);
	cr_expect_eq(mysql_errno(m), CR_SERVER_LOST);
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
	cr_expect_eq(q(m, "SELECT 2"), 0, "the next call reconnects first");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
}

/* Over a socket the INSERT never left (2006): sent once, on the fresh
 * connection.  Over TCP it may have (2013): the program is told. */
BOTH_TRANSPORTS(killed_idle_writer)
{
	MYSQL *m = connected(*t);
	int rc;

	stub_kill();
	rc = q(m, "INSERT INTO t VALUES (1)");
	if (*t == STUB_SOCKET) {
		cr_expect_eq(rc, 0);
		cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
	} else {
		expect_lost(m, rc, "INSERT after a KILL over TCP");
		cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 0);
	}
}

/* The idle check finds the dead socket first: over TCP too, the INSERT is
 * sent once, on the fresh connection. */
Test(recovery, idle_check_saves_the_tcp_writer)
{
	MYSQL *m;

	configure("0");
	stub_reset(STUB_TCP);
	m = mysql_real_connect(&handle, "db.example", "app", "pw", "db", 0, NULL, 0);
	cr_assert(m);
	stub_kill();
	cr_expect_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
	cr_expect_eq(stub_sessions(), 2);
}

/* BEGIN; INSERT; KILL; INSERT; SELECT; COMMIT: nothing runs on a fresh
 * connection until the transaction ends, every failure carries an error,
 * COMMIT fails, and afterwards the program works again. */
BOTH_TRANSPORTS(lost_transaction_never_goes_on)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "INSERT INTO t VALUES (2)"), "INSERT that meets the loss");
	expect_lost(m, q(m, "SELECT 1"), "SELECT inside the lost transaction");
	expect_lost(m, mysql_commit(m), "COMMIT of the lost transaction");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (2)"), 0);
	cr_expect_eq(stub_executed("SELECT 1"), 0);
	cr_expect_eq(stub_executed("COMMIT"), 0);
	cr_expect_eq(q(m, "SELECT 2"), 0, "after the failed COMMIT the program goes on");
}

BOTH_TRANSPORTS(autocommit_on_ends_a_lost_transaction_with_an_error)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(mysql_autocommit(m, 0), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, mysql_autocommit(m, 1), "mysql_autocommit(1) right after the loss");
	cr_expect_eq(stub_executed("SET autocommit=1"), 0);
}

BOTH_TRANSPORTS(loss_noticed_by_a_call_the_shim_does_not_see)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	cr_assert_neq(stub_direct_command("INSERT INTO t VALUES (2)"), 0);
	expect_lost(m, q(m, "INSERT INTO t VALUES (3)"), "INSERT after the unseen loss");
	expect_lost(m, mysql_commit(m), "COMMIT after the unseen loss");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (3)"), 0);
	cr_expect_eq(stub_executed("COMMIT"), 0);
}

BOTH_TRANSPORTS(rollback_of_a_lost_transaction_succeeds)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "INSERT INTO t VALUES (2)"), "INSERT that meets the loss");
	cr_expect_eq(mysql_rollback(m), 0);
	cr_expect_eq(q(m, "INSERT INTO t VALUES (3)"), 0);
}

BOTH_TRANSPORTS(rollback_then_write_is_not_a_rollback)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_lose_in_flight("ROLLBACK", true);
	expect_lost(m, q(m, "ROLLBACK; INSERT INTO t VALUES (2)"), "ROLLBACK; INSERT lost in flight");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (2)"), 1, "sent again");
}

Test(recovery, commit_lost_in_flight_is_not_sent_again)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_lose_in_flight("COMMIT", true);
	expect_lost(m, mysql_commit(m), "COMMIT lost in flight");
	cr_expect_eq(stub_executed("COMMIT"), 1);
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect_eq(stub_executed("COMMIT"), 1);
}

Test(recovery, giving_up_leaves_2006)
{
	MYSQL *m = connected(STUB_TCP);

	stub_kill();
	stub_refuse_connects(100, CR_CONN_HOST_ERROR);
	expect_lost(m, q(m, "SELECT 1"), "SELECT while the server is down");
	cr_expect_eq(mysql_errno(m), CR_SERVER_GONE_ERROR,
		     "the program sees a lost connection, not the shim's connect error");
}

Test(recovery, a_final_connect_error_stops_at_once)
{
	MYSQL *m = connected(STUB_SOCKET);

	stub_kill();
	stub_refuse_connects(100, 1045 /* ER_ACCESS_DENIED_ERROR */);
	expect_lost(m, q(m, "SELECT 1"), "SELECT with access denied");
	stub_refuse_connects(0, 0);
	cr_expect_eq(q(m, "SELECT 1"), 0, "the next call tries again");
}

/* The program's MYSQL_OPT_RECONNECT reads back as it set it, and is off
 * only while the shim handles a call. */
BOTH_TRANSPORTS(the_program_reconnect_stays_as_set)
{
	MYSQL *m = connected(*t);
	my_bool on = 1, seen = 0;

	mysql_options(m, MYSQL_OPT_RECONNECT, &on);
	cr_expect(stub_library_reconnect());
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect_not(stub_library_reconnect_in_command(), "off while the shim handles a call");
	cr_expect_eq(mysql_get_option(m, MYSQL_OPT_RECONNECT, &seen), 0);
	cr_expect(seen, "the program reads back what it set");
	stub_kill();
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect(stub_library_reconnect(), "still on after a recovery");
}

/* A call the shim does not handle (mysql_send_query, mysql_stmt_*) keeps
 * the library's own reconnect, as the program asked; the shim follows the
 * fresh session it made. */
BOTH_TRANSPORTS(an_uncovered_call_keeps_the_library_reconnect)
{
	MYSQL *m = connected(*t);
	my_bool on = 1;

	mysql_options(m, MYSQL_OPT_RECONNECT, &on);
	stub_kill();
	stub_direct_command("SELECT 7"); /* over TCP: 2013, then reconnects below */
	cr_expect_eq(stub_direct_command("SELECT 8"), 0, "the library reconnected on its own");
	cr_expect_eq(stub_sessions(), 2);
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect_eq(stub_sessions(), 2, "the shim follows the library's session");
	cr_expect_eq(stub_executed("SELECT 1"), 1);
}

/* Without the shim the library would reconnect and run the next statement
 * in autocommit; with it the lost transaction fails until ROLLBACK. */
BOTH_TRANSPORTS(the_program_reconnect_never_continues_a_lost_transaction)
{
	MYSQL *m = connected(*t);
	my_bool on = 1;

	mysql_options(m, MYSQL_OPT_RECONNECT, &on);
	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "INSERT INTO t VALUES (2)"), "INSERT in the lost transaction");
	expect_lost(m, q(m, "INSERT INTO t VALUES (3)"), "the next INSERT");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (3)"), 0);
	cr_expect_eq(q(m, "ROLLBACK"), 0);
	cr_expect(stub_library_reconnect());
}

/* Connected without the shim seeing it: adopted at its first call. */
Test(recovery, an_unseen_connection_is_adopted)
{
	configure("off");
	stub_reset(STUB_TCP);
	cr_assert_eq(stub_direct_connect(&handle), 0);
	cr_assert_eq(q(&handle, "SELECT 1"), 0);
	stub_kill();
	cr_expect_eq(q(&handle, "SELECT 2"), 0);
	cr_expect_eq(stub_sessions(), 2);
}

/* Without the server's session tracking (the stub has none), the
 * program's own SET statements are sent again after a reconnect... */
Test(recovery, without_tracking_the_program_set_is_sent_again)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "SET time_zone = '+05:00'"), 0);
	cr_assert_eq(q(m, "SET time_zone = '+05:00'"), 0);
	stub_kill();
	cr_expect_eq(q(m, "SELECT 1"), 0);
	cr_expect_eq(stub_executed("SET time_zone = '+05:00'"), 3, "once more, not twice");
}

/* ... and a change that cannot be sent again makes the loss reach it. */
Test(recovery, a_change_that_cannot_be_replayed_is_not_hidden)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "SET time_zone = '+05:00'; SET sql_mode = ''"), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), "SELECT after the loss of a changed session");
	cr_expect_eq(q(m, "SELECT 1"), -1, "everything fails until the program starts over, "
		     "with the value the library returns for a call it cannot send");
	cr_expect_eq(mysql_change_user(m, "app", "pw", "db"), 0);
	cr_expect_eq(q(m, "SELECT 1"), 0);
}

Test(recovery, a_user_variable_is_not_read_after_its_loss)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, "SELECT @k := 5"), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), "the loss of a session holding @k");
	expect_lost(m, q(m, "SELECT @k"), "a read of the lost @k");
	cr_expect_eq(stub_executed("SELECT @k"), 0);
	cr_expect_eq(q(m, "SELECT 2"), 0);
	cr_expect_eq(q(m, "SELECT @k := 6"), 0);
	cr_expect_eq(q(m, "SELECT @k"), 0, "set up again, it is read");
}

Test(recovery, last_insert_id_after_a_reconnecting_ping)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "INSERT INTO parent VALUES (1)"), 0);
	stub_kill();
	cr_expect_eq(mysql_ping(m), 0, "the ping itself is safe to send again");
	expect_lost(m, q(m, "INSERT INTO child VALUES (LAST_INSERT_ID())"),
		    "LAST_INSERT_ID() of the lost session");
	cr_expect_eq(stub_executed("INSERT INTO child VALUES (LAST_INSERT_ID())"), 0);
	cr_expect_eq(q(m, "INSERT INTO parent VALUES (2)"), 0);
	cr_expect_eq(q(m, "INSERT INTO child VALUES (LAST_INSERT_ID())"), 0);
}

Test(recovery, a_named_lock_is_not_lost_silently)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "SELECT get_lock('k', 1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), "the loss of a session holding a named lock");
	expect_lost(m, q(m, "UPDATE t SET a = 1"), "a write the lock was meant to protect");
	cr_expect_eq(stub_executed("UPDATE t SET a = 1"), 0);
}

/* The shim's own 2006 on a live handle (a refused read of a lost user
 * variable) must not make it forget the transaction: mariadb_reconnect
 * clears the library's IN_TRANS on its way. */
Test(recovery, a_refusal_inside_a_transaction_keeps_it)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, "SELECT @k := 1"), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), "the loss of a session holding @k");
	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	expect_lost(m, q(m, "SELECT @k"), "a read of the lost @k");
	stub_kill();
	expect_lost(m, mysql_commit(m), "COMMIT after the transaction's connection died");
	cr_expect_eq(stub_executed("COMMIT"), 0);
}

/* BEGIN through the shim, then a call it does not see meets the loss. */
Test(recovery, a_transaction_begun_just_before_an_unseen_loss)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, "BEGIN"), 0);
	stub_kill();
	cr_assert_neq(stub_direct_command("INSERT INTO t VALUES (2)"), 0);
	expect_lost(m, q(m, "INSERT INTO t VALUES (3)"), "INSERT after the unseen loss");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (3)"), 0);
}

/* A transaction committed, then a call the shim does not see meets the
 * loss: nothing is lost, the next statement is transparent. */
Test(recovery, a_committed_transaction_is_not_held_against_the_program)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	cr_assert_eq(mysql_commit(m), 0);
	stub_kill();
	cr_assert_neq(stub_direct_command("SELECT 9"), 0);
	cr_expect_eq(q(m, "SELECT 1"), 0);
}

Test(recovery, a_global_read_lock_is_not_lost_silently)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "FLUSH TABLES WITH READ LOCK"), 0);
	stub_lose_in_flight("SELECT", true);
	expect_lost(m, q(m, "SELECT * FROM t"), "a read that relied on the lock");
	cr_expect_eq(stub_executed("SELECT * FROM t"), 1);
}

/* LAST_INSERT_ID() outlives the statements after the INSERT. */
Test(recovery, last_insert_id_set_statements_ago)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "INSERT INTO parent VALUES (1)"), 0);
	cr_assert_eq(q(m, "UPDATE stats SET n = n + 1"), 0);
	stub_kill();
	cr_expect_eq(mysql_ping(m), 0);
	expect_lost(m, q(m, "INSERT INTO child VALUES (LAST_INSERT_ID())"),
		    "LAST_INSERT_ID() of the lost session");
	cr_expect_eq(q(m, "UPDATE stats SET n = n + 1"), 0);
	expect_lost(m, q(m, "INSERT INTO child VALUES (LAST_INSERT_ID())"),
		    "an UPDATE sets no id: still the lost one");
}

/* A statement re-sent transparently sets up what it left. */
Test(recovery, found_rows_after_a_resent_select)
{
	MYSQL *m = connected(STUB_TCP);

	stub_lose_in_flight("SELECT SQL_CALC_FOUND_ROWS", true);
	cr_expect_eq(q(m, "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1"), 0);
	cr_expect_eq(q(m, "SELECT FOUND_ROWS()"), 0);
}

/* Set from literals, user variables are set again before the statement
 * that reads them is sent again; anything else is not exact. */
Test(recovery, literal_user_variables_are_set_again)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, "SET @k = 5, @s = 'x'"), 0);
	cr_assert_eq(q(m, "SET @j := -1.5"), 0);
	stub_kill();
	cr_expect_eq(q(m, "SELECT @k, @s, @j"), 0);
	cr_expect_eq(stub_executed("SET @k = 5, @s = 'x'"), 2);
	cr_expect_eq(stub_executed("SET @j := -1.5"), 2);
}

/* Parameters are copied into each test's process: text, not pointers. */
struct assignment {
	char sql[48];
};

ParameterizedTestParameters(recovery, other_user_variables_are_not)
{
	static struct assignment assignments[] = {
		{"SET @k = 'it''s'"}, {"SET @k = NOW()"}, {"SET @k = @j"},
		{"SET @k = 5; SELECT 1"}, {"SET @k = (SELECT 5)"}, {"SELECT @k := 5"},
	};

	return cr_make_param_array(struct assignment, assignments,
				   sizeof(assignments) / sizeof(assignments[0]));
}

ParameterizedTest(struct assignment *a, recovery, other_user_variables_are_not)
{
	MYSQL *m = connected(STUB_SOCKET);

	cr_assert_eq(q(m, a->sql), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), a->sql);
}

/* SET TRANSACTION (without SESSION) is for the next transaction only; a
 * fresh session would run it with the default characteristics. */
Test(recovery, next_transaction_characteristics_are_not_lost_silently)
{
	MYSQL *m = connected(STUB_TCP);

	cr_assert_eq(q(m, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"), 0);
	stub_kill();
	expect_lost(m, q(m, "START TRANSACTION"), "the transaction the setting was for");
	cr_assert_eq(q(m, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"), 0);
	cr_assert_eq(q(m, "START TRANSACTION"), 0);
	cr_assert_eq(q(m, "COMMIT"), 0);
	stub_kill();
	cr_expect_eq(q(m, "SELECT 1"), 0, "used by its transaction, it is no longer held");
}

/* A read lost in flight is sent again once; lost in flight again, it is
 * not sent a third time: it may be what kills the server. */
Test(recovery, a_read_lost_in_flight_twice_is_not_sent_again)
{
	MYSQL *m = connected(STUB_TCP);

	stub_lose_in_flight_times("SELECT heavy", true, 2);
	expect_lost(m, q(m, "SELECT heavy"), "a read lost in flight twice");
	cr_expect_eq(stub_executed("SELECT heavy"), 2);
	stub_lose_in_flight_times("SELECT light", true, 1);
	cr_expect_eq(q(m, "SELECT light"), 0, "lost in flight once, it goes again");
}

/* ---- mysql_send_query + mysql_read_query_result (Ruby mysql2) ---------- */

static int send_read(MYSQL *m, const char *sql)
{
	char text[128];
	int rc;

	snprintf(text, sizeof(text), "%s", sql);
	rc = mysql_send_query(m, text, (unsigned long)strlen(text));
	memset(text, 'x', sizeof(text) - 1); /* the program may reuse its buffer */
	return rc ? rc : mysql_read_query_result(m);
}

BOTH_TRANSPORTS(a_read_whose_answer_is_lost_is_asked_again)
{
	MYSQL *m = connected(*t);

	stub_lose_in_flight("SELECT 1", true);
	cr_expect_eq(send_read(m, "SELECT 1"), 0);
	cr_expect_eq(stub_executed("SELECT 1"), 2);
	cr_expect_eq(stub_sessions(), 2);
}

BOTH_TRANSPORTS(a_sent_write_whose_answer_is_lost_is_not_sent_again)
{
	MYSQL *m = connected(*t);

	stub_lose_in_flight("INSERT", true);
	expect_lost(m, send_read(m, "INSERT INTO t VALUES (1)"), "INSERT lost in flight");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
	cr_expect_eq(q(m, "SELECT 1"), 0, "the next call reconnects");
}

/* Found dead before the send (the idle check; over a Unix socket the write
 * itself fails): nothing reached the server, the write is sent once. */
BOTH_TRANSPORTS(a_write_sent_into_a_dead_connection_is_sent_once)
{
	MYSQL *m = connected_checking_idle(*t, "0");

	stub_kill();
	cr_expect_eq(send_read(m, "INSERT INTO t VALUES (1)"), 0);
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (1)"), 1);
}

BOTH_TRANSPORTS(a_sent_statement_in_a_lost_transaction_is_refused)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(send_read(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, send_read(m, "INSERT INTO t VALUES (2)"), "INSERT in the lost transaction");
	expect_lost(m, mysql_send_query(m, "INSERT INTO t VALUES (3)", 24), "the next send");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (3)"), 0);
	cr_expect_eq(q(m, "ROLLBACK"), 0);
	cr_expect_eq(send_read(m, "SELECT 1"), 0);
}

/* ---- a result lost while mysql_store_result reads it --------------------- */

static int query_and_store(MYSQL *m, const char *sql, bool *got_rows)
{
	MYSQL_RES *res;

	*got_rows = false;
	if (q(m, sql))
		return 1;
	res = mysql_store_result(m);
	if (!res)
		return mysql_errno(m) != 0;
	*got_rows = true;
	mysql_free_result(res);
	return 0;
}

BOTH_TRANSPORTS(a_read_whose_rows_are_lost_is_run_again)
{
	MYSQL *m = connected(*t);
	bool rows;

	stub_lose_rows("SELECT 1", 1);
	cr_expect_eq(query_and_store(m, "SELECT 1", &rows), 0);
	cr_expect(rows, "the complete result, from the fresh connection");
	cr_expect_eq(stub_executed("SELECT 1"), 2);
	cr_expect_eq(stub_sessions(), 2);
}

BOTH_TRANSPORTS(rows_lost_again_and_again_give_up)
{
	MYSQL *m = connected(*t);
	bool rows;

	stub_lose_rows("SELECT 1", 10);
	expect_lost(m, query_and_store(m, "SELECT 1", &rows), "rows lost every time");
	cr_expect_leq(stub_executed("SELECT 1"), 4, "bounded re-sends");
	stub_lose_rows("", 0);
	cr_expect_eq(query_and_store(m, "SELECT 2", &rows), 0, "the next call reconnects");
	cr_expect(rows);
}

/* Inside a transaction the rows cannot simply be read again: the
 * transaction is lost, and the program is told. */
BOTH_TRANSPORTS(rows_lost_in_a_transaction_lose_it)
{
	MYSQL *m = connected(*t);
	bool rows;

	cr_assert_eq(q(m, "BEGIN"), 0);
	stub_lose_rows("SELECT 1", 1);
	expect_lost(m, query_and_store(m, "SELECT 1", &rows), "rows lost in a transaction");
	cr_expect_eq(stub_executed("SELECT 1"), 1);
	expect_lost(m, q(m, "INSERT INTO t VALUES (1)"), "the lost transaction goes on");
	cr_expect_eq(q(m, "ROLLBACK"), 0);
}

/* A statement with no result set: NULL without an error, untouched. */
BOTH_TRANSPORTS(no_result_set_is_not_an_error)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	cr_expect_null(mysql_store_result(m));
	cr_expect_eq(mysql_errno(m), 0);
	cr_expect_eq(stub_sessions(), 1);
}

/* ---- prepared statements ------------------------------------------------ */

static MYSQL_STMT *prepared(MYSQL *m, const char *sql)
{
	MYSQL_STMT *s = mysql_stmt_init(m);
	MYSQL_BIND bind[1];

	memset(bind, 0, sizeof(bind));
	cr_assert(s);
	cr_assert_eq(mysql_stmt_prepare(s, sql, (unsigned long)strlen(sql)), 0);
	cr_assert_eq(mysql_stmt_bind_param(s, bind), 0);
	return s;
}

static void expect_stmt_lost(MYSQL_STMT *s, int rc, const char *what)
{
	unsigned err = mysql_stmt_errno(s);

	cr_expect_neq(rc, 0, "%s must fail", what);
	cr_expect(err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST,
		  "%s: the statement's errno is %u, expected 2006 or 2013", what, err);
}

BOTH_TRANSPORTS(a_prepared_read_is_prepared_again_and_executed)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "SELECT ?");

	stub_kill();
	cr_expect_eq(mysql_stmt_execute(s), 0);
	cr_expect_eq(mysql_stmt_store_result(s), 0);
	cr_expect_eq(stub_executed("SELECT ?"), 1);
	cr_expect_eq(stub_sessions(), 2);
	cr_expect_eq(mysql_stmt_execute(s), 0, "and stays prepared");
	mysql_stmt_close(s);
}

BOTH_TRANSPORTS(a_prepared_write_lost_in_flight_is_not_executed_again)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "INSERT INTO t VALUES (?)");

	stub_lose_in_flight("INSERT", true);
	expect_stmt_lost(s, mysql_stmt_execute(s), "INSERT lost in flight");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (?)"), 1);
	cr_expect_eq(mysql_stmt_execute(s), 0, "prepared again on the next execution");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (?)"), 2);
	mysql_stmt_close(s);
}

/* The data sent with send_long_data died with the session: an execution
 * that needs it is never sent again without it. */
BOTH_TRANSPORTS(long_data_is_never_sent_again_without_its_data)
{
	MYSQL *m = connected_checking_idle(*t, "0");
	MYSQL_STMT *s = prepared(m, "SELECT ?");

	cr_assert_eq(mysql_stmt_send_long_data(s, 0, "blob", 4), 0);
	stub_kill();
	expect_stmt_lost(s, mysql_stmt_execute(s), "execution after long data");
	cr_expect_eq(stub_executed("SELECT ?"), 0);
	cr_expect_eq(mysql_stmt_execute(s), 0, "without long data it runs");
	cr_expect_eq(stub_executions_with_long_data(), 0);
	mysql_stmt_close(s);
}

/* Refused inside the lost transaction: the error is on the statement too. */
BOTH_TRANSPORTS(a_prepared_statement_in_a_lost_transaction_fails_with_its_error)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "INSERT INTO t VALUES (?)");

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(mysql_stmt_execute(s), 0);
	stub_kill();
	expect_stmt_lost(s, mysql_stmt_execute(s), "INSERT that meets the loss");
	expect_stmt_lost(s, mysql_stmt_execute(s), "INSERT inside the lost transaction");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (?)"), 1);
	cr_expect_eq(q(m, "ROLLBACK"), 0);
	cr_expect_eq(mysql_stmt_execute(s), 0);
	mysql_stmt_close(s);
}

/* The program's own MYSQL_OPT_RECONNECT made a fresh session in a call the
 * shim does not handle: the statement is prepared again all the same. */
BOTH_TRANSPORTS(a_statement_is_prepared_again_after_the_library_reconnected)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "SELECT ?");
	my_bool on = 1;

	mysql_options(m, MYSQL_OPT_RECONNECT, &on);
	stub_kill();
	stub_direct_command("SELECT 7");
	cr_assert_eq(stub_direct_command("SELECT 8"), 0, "the library reconnected");
	cr_expect_eq(mysql_stmt_execute(s), 0);
	cr_expect_eq(stub_executed("SELECT ?"), 1);
	mysql_stmt_close(s);
}

/* The statement's parameters changed under it (a table altered while the
 * connection was down): the program's binds no longer fit, so it is not
 * executed; the program gets 2014, as without the shim, and prepares again. */
BOTH_TRANSPORTS(a_statement_whose_shape_changed_is_not_executed)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "SELECT ?");

	stub_kill();
	stub_set_param_count(2);
	cr_expect_neq(mysql_stmt_execute(s), 0);
	cr_expect_eq(mysql_stmt_errno(s), CR_COMMANDS_OUT_OF_SYNC);
	cr_expect_eq(stub_executed("SELECT ?"), 0);
	cr_expect_eq(q(m, "SELECT 1"), 0, "the connection itself is fine");
	mysql_stmt_close(s);
}

/* Long data sent, then the session is replaced by another call: the
 * execution would go out without its data; it fails with 2014 instead. */
BOTH_TRANSPORTS(long_data_lost_with_an_earlier_reconnect_is_not_replaced)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "INSERT INTO t VALUES (?)");

	cr_assert_eq(mysql_stmt_send_long_data(s, 0, "blob", 4), 0);
	stub_kill();
	cr_assert_eq(q(m, "SELECT 1"), 0, "another call reconnects");
	cr_expect_neq(mysql_stmt_execute(s), 0);
	cr_expect_eq(mysql_stmt_errno(s), CR_COMMANDS_OUT_OF_SYNC);
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (?)"), 0);
	mysql_stmt_close(s);
}

/* A prepared statement refused for reading lost state, inside a new
 * transaction: cutting the connection to set the statement's error ends
 * that transaction, so it is lost too; nothing after it commits. */
BOTH_TRANSPORTS(a_refused_statement_in_a_live_transaction_loses_it)
{
	MYSQL *m = connected(*t);
	MYSQL_STMT *s = prepared(m, "INSERT INTO t VALUES (@v)");

	cr_assert_eq(q(m, "SET @v = (SELECT 1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "SELECT 1"), "the loss of a session holding @v");
	cr_assert_eq(q(m, "SELECT 1"), 0, "reconnected; @v is lost");
	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	expect_stmt_lost(s, mysql_stmt_execute(s), "reads the lost @v");
	expect_lost(m, q(m, "INSERT INTO t VALUES (2)"), "the transaction the refusal ended");
	expect_lost(m, q(m, "COMMIT"), "its COMMIT");
	cr_expect_eq(stub_executed("INSERT INTO t VALUES (2)"), 0);
	mysql_stmt_close(s);
}

/* A call the shim fails itself returns what Connector/C returns for a call
 * it cannot send: -1 from mysql_real_query, and that -1 cast to my_bool
 * from mysql_commit (mariadb_lib.c). */
BOTH_TRANSPORTS(refusals_return_the_library_s_own_values)
{
	MYSQL *m = connected(*t);

	cr_assert_eq(q(m, "BEGIN"), 0);
	cr_assert_eq(q(m, "INSERT INTO t VALUES (1)"), 0);
	stub_kill();
	expect_lost(m, q(m, "INSERT INTO t VALUES (2)"), "INSERT that meets the loss");
	cr_expect_eq(q(m, "SELECT 1"), -1);
	cr_expect_eq(mysql_real_query(m, "SELECT 1", 8), -1);
	cr_expect_eq(mysql_commit(m), (my_bool)-1);
}
