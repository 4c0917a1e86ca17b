/* Ruby mysql2: every query goes out with mysql_send_query and its answer is
 * read with mysql_read_query_result.  With reconnect: true it sets
 * MYSQL_OPT_RECONNECT, and then the library's own reconnect must keep
 * working wherever the shim does not handle a call. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(mysql2, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define ROUNDS 3

/* Without the shim or the library's reconnect, a killed connection stays
 * gone: later rounds may find none. */
static void kill_all(void)
{
	unsigned long ids[16];

	kill_all_app_connections(ids, 16);
}

/* ROUNDS times: KILL the connection, then a read.  Returns how many reads
 * failed; the first failure must be a lost connection (later ones may be
 * mysql2's own "MySQL client is not connected"). */
static int reads_under_kills(struct client *c)
{
	int failed = 0;

	for (int round = 0; round < ROUNDS; round++) {
		char sql[64], want[64];
		const char *r;

		kill_all();
		snprintf(sql, sizeof(sql), "SELECT %d", 10 + round);
		snprintf(want, sizeof(want), "OK rows=1 first=%d", 10 + round);
		r = client_ask(c, sql);
		if (strcmp(r, want) == 0)
			continue;
		if (!failed++)
			assert_lost_error(r, "the first failed read");
	}
	return failed;
}

static void reads(enum shim_mode mode, bool reconnect)
{
	struct client *c = mysql2pipe_start(mode, reconnect);
	int lost;

	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	lost = reads_under_kills(c); /* failed reads */
	if (mode == WITH_SHIM) {
		cr_assert_eq(lost, 0, "with the shim no KILL may reach mysql2");
		assert_recovery_logged(c->pid);
	} else if (!reconnect) {
		cr_assert_eq(lost, ROUNDS, "without the shim every KILL must reach mysql2");
	} else {
		/* The library reconnects: the program goes on (over TCP a read
		 * lost in flight still fails). */
		cr_assert_lt(lost, ROUNDS, "the library's reconnect should have saved some");
		cr_assert_str_eq(client_ask(c, "SELECT 5"), "OK rows=1 first=5");
	}
	cr_assert_eq(client_finish(c), 0);
}

Test(mysql2, reads_kill_noshim) { reads(NO_SHIM, false); }
Test(mysql2, reads_kill_shim) { reads(WITH_SHIM, false); }
Test(mysql2, reads_kill_reconnect_noshim) { reads(NO_SHIM, true); }
Test(mysql2, reads_kill_reconnect_shim) { reads(WITH_SHIM, true); }

/* A write after a KILL: sent once (the loss found before it went out) or
 * failed with the library's lost-connection error, run at most once; never
 * twice.  After such an error mysql2 without reconnect: true refuses to use
 * the handle ("MySQL client is not connected"), with or without the shim. */
static void writes(enum shim_mode mode, bool reconnect)
{
	char table[64], sql[128];
	struct client *c;
	const char *r;

	snprintf(table, sizeof(table), "m2w_%s%s", mode == NO_SHIM ? "noshim" : "shim",
		 reconnect ? "_rc" : "");
	create_seq_table(table);
	c = mysql2pipe_start(mode, reconnect);
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	for (int seq = 1; seq <= ROUNDS; seq++) {
		kill_all();
		snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (%d)", table, seq);
		r = client_ask(c, sql);
		if (strcmp(r, "OK affected=1") == 0)
			cr_assert_eq(count_seq(table, seq), 1, "seq %d: once", seq);
		else
			assert_lost_error(r, "a write that may have reached the server");
		cr_assert_leq(count_seq(table, seq), 1, "seq %d was written twice", seq);
		if (mode == NO_SHIM && !reconnect)
			assert_lost_error(r, "without the shim the KILL must reach mysql2");
		if (!reconnect && is_lost_error(r))
			break; /* mysql2 stops using a handle whose socket is gone */
		cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	}
	client_finish(c);
}

Test(mysql2, writes_kill_noshim) { writes(NO_SHIM, false); }
Test(mysql2, writes_kill_shim) { writes(WITH_SHIM, false); }
Test(mysql2, writes_kill_reconnect_shim) { writes(WITH_SHIM, true); }

/* BEGIN; INSERT; KILL; INSERT; INSERT; ROLLBACK.  Without the shim and
 * with reconnect: true the library goes on in autocommit and row 3 is
 * committed although the program rolls back; with the shim nothing of the
 * transaction is committed and the program goes on after ROLLBACK. */
static void transaction(enum shim_mode mode)
{
	char table[64], sql[128];
	struct client *c;

	snprintf(table, sizeof(table), "m2t_%s", mode == NO_SHIM ? "noshim" : "shim");
	create_seq_table(table);
	c = mysql2pipe_start(mode, true);
	cr_assert_str_eq(client_ask(c, "BEGIN"), "OK affected=0");
	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (1)", table);
	cr_assert_str_eq(client_ask(c, sql), "OK affected=1");
	kill_all();
	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (2)", table);
	client_ask(c, sql);
	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (3)", table);
	if (mode == NO_SHIM) {
		cr_assert_str_eq(client_ask(c, sql), "OK affected=1",
				 "the library should have reconnected silently");
		client_ask(c, "ROLLBACK");
		client_finish(c);
		cr_assert_eq(count_seq(table, 3), 1, "hazard not reproduced");
		return;
	}
	assert_lost_error(client_ask(c, sql), "INSERT inside the lost transaction");
	cr_assert_str_eq(client_ask(c, "ROLLBACK"), "OK affected=0");
	cr_assert_eq(count_rows(table), 0, "rows of the lost transaction were committed");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	cr_assert_eq(client_finish(c), 0);
}

Test(mysql2, transaction_reconnect_noshim) { transaction(NO_SHIM); }
Test(mysql2, transaction_reconnect_shim) { transaction(WITH_SHIM); }
