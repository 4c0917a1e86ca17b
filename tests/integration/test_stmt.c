/* Prepared statements (mysql_stmt_*): prepared and bound once, executed
 * many times, as sysbench and most C servers use them.  After a reconnect
 * the client library leaves every statement handle unprepared; the shim
 * prepares it again, with its binds, before its next execution. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(stmt, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define ROUNDS 3

static void kill_all(void)
{
	unsigned long ids[16];

	kill_all_app_connections(ids, 16);
}

static const char *execute(struct client *c, int value)
{
	char line[64];

	snprintf(line, sizeof(line), "\\execute %d", value);
	return client_ask(c, line);
}

/* A prepared read after each of ROUNDS KILLs. */
static void reads(enum shim_mode mode)
{
	struct client *c = sqlpipe_start(mode, NULL, NULL);

	cr_assert_str_eq(client_ask(c, "\\prepare SELECT ? + 1"), "OK params=1");
	cr_assert_str_eq(execute(c, 1), "OK rows=1 first=2");
	for (int round = 0; round < ROUNDS; round++) {
		char want[64];
		const char *r;

		kill_all();
		r = execute(c, 10 + round);
		if (mode == NO_SHIM) {
			assert_lost_error(r, "without the shim the KILL must reach the program");
			break;
		}
		snprintf(want, sizeof(want), "OK rows=1 first=%d", 11 + round);
		cr_assert_str_eq(r, want, "round %d", round);
	}
	if (mode == NO_SHIM) {
		client_finish(c);
		return;
	}
	assert_recovery_logged(c->pid);
	cr_assert_eq(client_finish(c), 0);
}

Test(stmt, reads_kill_noshim) { reads(NO_SHIM); }
Test(stmt, reads_kill_shim) { reads(WITH_SHIM); }

/* Without the shim a statement handle is dead after the reconnect the
 * program makes itself (2014 "commands out of sync", or the library's own
 * reconnect): the program must prepare again.  With it, a server restart
 * between two executions is invisible. */
static void restart(enum shim_mode mode)
{
	const char *const reconnect[] = {"--reconnect", NULL};
	struct client *c = sqlpipe_start(mode, NULL, mode == NO_SHIM ? reconnect : NULL);
	const char *r;

	cr_assert_str_eq(client_ask(c, "\\prepare SELECT ? + 1"), "OK params=1");
	cr_assert_str_eq(execute(c, 1), "OK rows=1 first=2");
	server_ctl("restart");
	r = execute(c, 2);
	if (mode == NO_SHIM) {
		cr_assert(strncmp(r, "ERR", 3) == 0, "the restart must reach the program: %s", r);
		r = execute(c, 3); /* the library reconnected; the handle stays dead */
		cr_assert(strncmp(r, "ERR", 3) == 0, "the statement should be unprepared: %s", r);
		client_finish(c);
		return;
	}
	cr_assert_str_eq(r, "OK rows=1 first=3");
	cr_assert_str_eq(execute(c, 4), "OK rows=1 first=5");
	cr_assert_eq(client_finish(c), 0);
}

Test(stmt, restart_noshim) { restart(NO_SHIM); }
Test(stmt, restart_shim) { restart(WITH_SHIM); }

/* A prepared INSERT after a KILL: sent once or failed with a lost-connection
 * error, never twice; the next execution works. */
static void writes(enum shim_mode mode)
{
	char table[64], sql[160];
	struct client *c;
	const char *r;

	snprintf(table, sizeof(table), "ps_w_%s", mode == NO_SHIM ? "noshim" : "shim");
	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, NULL);
	snprintf(sql, sizeof(sql), "\\prepare INSERT INTO apptest.%s (seq) VALUES (?)", table);
	cr_assert_str_eq(client_ask(c, sql), "OK params=1");
	cr_assert_str_eq(execute(c, 1), "OK affected=1");
	for (int seq = 2; seq < 2 + ROUNDS; seq++) {
		kill_all();
		r = execute(c, seq);
		if (mode == NO_SHIM) {
			assert_lost_error(r, "without the shim the KILL must reach the program");
			break;
		}
		if (strcmp(r, "OK affected=1") != 0)
			assert_lost_error(r, "a prepared write that may have reached the server");
		cr_assert_eq(count_seq(table, seq), strcmp(r, "OK affected=1") == 0 ? 1 : 0,
			     "seq %d: %s", seq, r);
		cr_assert_str_eq(execute(c, 100 + seq), "OK affected=1", "the next execution");
		cr_assert_eq(count_seq(table, 100 + seq), 1);
	}
	client_finish(c);
}

Test(stmt, writes_kill_noshim) { writes(NO_SHIM); }
Test(stmt, writes_kill_shim) { writes(WITH_SHIM); }

/* The control: without the shim the KILL reaches the program, and the
 * statement handle is dead for good. */
Test(stmt, transaction_noshim)
{
	struct client *c;

	create_seq_table("ps_txn_noshim");
	c = sqlpipe_start(NO_SHIM, NULL, NULL);
	cr_assert_str_eq(client_ask(c, "\\prepare INSERT INTO apptest.ps_txn_noshim (seq) VALUES (?)"),
			 "OK params=1");
	cr_assert_str_eq(client_ask(c, "BEGIN"), "OK affected=0");
	cr_assert_str_eq(execute(c, 1), "OK affected=1");
	kill_all();
	assert_lost_error(execute(c, 2), "the KILL must reach the program");
	cr_assert_eq(count_rows("ps_txn_noshim"), 0);
	client_finish(c);
}

/* BEGIN; prepared INSERT; KILL; prepared INSERT (fails), again (fails:
 * refused inside the lost transaction, with the error on the statement);
 * ROLLBACK; nothing committed; the statement works afterwards. */
Test(stmt, transaction_shim)
{
	char sql[160];
	struct client *c;

	create_seq_table("ps_txn");
	c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	cr_assert_str_eq(client_ask(c, "\\prepare INSERT INTO apptest.ps_txn (seq) VALUES (?)"),
			 "OK params=1");
	cr_assert_str_eq(client_ask(c, "BEGIN"), "OK affected=0");
	cr_assert_str_eq(execute(c, 1), "OK affected=1");
	kill_all();
	assert_lost_error(execute(c, 2), "INSERT that meets the loss");
	assert_lost_error(execute(c, 3), "INSERT inside the lost transaction");
	cr_assert_str_eq(client_ask(c, "ROLLBACK"), "OK affected=0");
	cr_assert_eq(count_rows("ps_txn"), 0, "rows of the lost transaction were committed");
	cr_assert_str_eq(execute(c, 4), "OK affected=1");
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM apptest.ps_txn");
	cr_assert_str_eq(client_ask(c, sql), "OK rows=1 first=1");
	cr_assert_eq(client_finish(c), 0);
}
