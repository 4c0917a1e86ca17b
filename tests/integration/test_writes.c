/* Scenario B: autocommit INSERTs with the connection killed every few rows
 * and one server restart.  A write that may have reached the server is
 * never re-sent: it may fail, the next one must succeed, and no row is lost
 * or duplicated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(writes, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define ROWS 31 /* the last fault (a KILL before row 30) is followed by a row that must succeed */
#define KILL_EVERY 5
#define RESTART_AT 18

static const char *insert(struct client *c, const char *table, int seq)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (%d)", table, seq);
	return client_ask(c, sql);
}

/* Before row i: the fault, if any; returns whether one was injected. */
static bool fault_before(int i)
{
	unsigned long ids[16];

	if (i == RESTART_AT) {
		server_ctl("restart");
		return true;
	}
	if (i % KILL_EVERY == 0) {
		cr_assert(kill_all_app_connections(ids, 16) >= 1, "no app connection to kill");
		return true;
	}
	return false;
}

/* Every OK row exactly once, every ERR row at most once, nothing else. */
static void verify_rows(const char *table, const bool *ok)
{
	long long total = 0, n;
	int i;

	for (i = 1; i <= ROWS; i++) {
		n = count_seq(table, i);
		if (ok[i])
			cr_assert_eq(n, 1, "seq %d got OK but is stored %lld times", i, n);
		else
			cr_assert_leq(n, 1, "seq %d got ERR and is stored %lld times", i, n);
		total += n;
	}
	n = count_rows(table);
	cr_assert_eq(n, total, "%lld rows in %s, expected %lld", n, table, total);
}

Test(writes, autocommit_inserts_shim)
{
	bool ok[ROWS + 1] = {false}, prev_err = false;
	int i, errs = 0, faults = 0;
	char p[32];
	struct client *c;
	const char *r;

	create_seq_table("w_shim");
	c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	for (i = 1; i <= ROWS; i++) {
		faults += fault_before(i);
		r = insert(c, "w_shim", i);
		ok[i] = strncmp(r, "OK", 2) == 0;
		if (!ok[i]) {
			assert_lost_error(r, "a failed INSERT");
			cr_assert(!prev_err, "row %d: ERR right after an ERR: \"%s\"", i, r);
			errs++;
		}
		prev_err = !ok[i];
	}
	cr_assert(!prev_err, "the last INSERT failed");
	cr_assert_eq(client_finish(c), 0);
	verify_rows("w_shim", ok);

	pid_needle(p, sizeof(p), c->pid);
	if (errs > 0)
		free(log_wait("event=statement_not_retried", p, NULL));
	log_barrier();
	cr_assert_geq(log_count("event=connection_lost", p, NULL), faults,
		      "expected a connection_lost per fault (%d)", faults);
}

Test(writes, autocommit_inserts_noshim)
{
	bool ok[ROWS + 1] = {false};
	struct client *c;
	const char *r;

	create_seq_table("w_noshim");
	c = sqlpipe_start(NO_SHIM, NULL, NULL);
	cr_assert_str_eq(insert(c, "w_noshim", 1), "OK affected=1");
	ok[1] = true;
	fault_before(KILL_EVERY);
	r = insert(c, "w_noshim", 2);
	assert_lost_error(r, "without the shim the KILL must reach the program");
	r = insert(c, "w_noshim", 3);
	cr_assert(strncmp(r, "ERR", 3) == 0, "the dead connection must stay dead: %s", r);
	cr_assert_eq(client_finish(c), 0);
	verify_rows("w_noshim", ok);
}

/* The server closes the idle connection (wait_timeout); the next INSERT
 * finds it dead before it is sent (2006), so it never reached the server
 * and the shim may send it on the fresh connection: exactly one row. */
static const char *insert_after_idle_close(enum shim_mode mode, const char *table)
{
	struct client *c;
	unsigned long id;
	const char *r;

	create_seq_table(table);
	set_global_wait_timeout(1);
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	restore_global_wait_timeout(); /* the session keeps its 1 s; new ones do not */
	wait_connection_gone(id);
	r = insert(c, table, 1);
	cr_assert_eq(client_finish(c), 0);
	return r;
}

Test(writes, insert_after_idle_close_shim)
{
	const char *r = insert_after_idle_close(WITH_SHIM, "w_idle_shim");

	cr_assert_str_eq(r, "OK affected=1", "a never-sent INSERT must go through: %s", r);
	cr_assert_eq(count_seq("w_idle_shim", 1), 1, "exactly one row");
	free(log_wait("event=connection_lost", "errno=2006", "plan=reconnect_and_send_again", NULL));
	free(log_wait("event=statement_retried", "outcome=ok", NULL));
}

Test(writes, insert_after_idle_close_noshim)
{
	const char *r = insert_after_idle_close(NO_SHIM, "w_idle_noshim");

	assert_lost_error(r, "without the shim the idle close reaches the program");
	cr_assert_eq(count_seq("w_idle_noshim", 1), 0, "the INSERT never reached the server");
}

/* An idle writer: each INSERT comes after its connection was KILLed (or
 * closed by its own wait_timeout) while idle for tens of milliseconds.
 * The shim's idle check (default settings: after 10 ms) finds the dead
 * socket before the INSERT is written, so each INSERT is sent once, on a
 * fresh connection: no error, no row lost or duplicated. */
#define IDLE_ROUNDS 6
#define IDLE_CHECK_MS 10

static void wait_idle_since(long long since_ms)
{
	while (mrt_now_ms() - since_ms < IDLE_CHECK_MS + 50)
		mrt_poll_pause();
}

static int idle_writer(enum shim_mode mode, const char *table)
{
	static const char *const env[] = {NULL};
	bool ok[ROWS + 1] = {false}; /* verify_rows reads ROWS entries */
	struct client *c;
	unsigned long ids[16];
	int i, errors = 0;
	const char *r;

	create_seq_table(table);
	c = sqlpipe_start(mode, env, NULL);
	for (i = 1; i <= IDLE_ROUNDS; i++) {
		bool timeout_round = i == IDLE_ROUNDS / 2;
		unsigned long id = 0;
		long long replied;

		if (timeout_round)
			client_ok(c, "SET SESSION wait_timeout = 1");
		r = insert(c, table, i);
		if (timeout_round)
			id = client_connection_id(c);
		replied = mrt_now_ms();
		ok[i] = strncmp(r, "OK", 2) == 0;
		if (!ok[i]) {
			assert_lost_error(r, "a failed INSERT");
			errors++;
		}
		if (mode == NO_SHIM && !ok[i])
			break; /* the control has shown what it must */
		if (timeout_round) {
			wait_connection_gone(id); /* its own wait_timeout */
		} else {
			cr_assert(kill_all_app_connections(ids, 16) >= 1, "nothing to kill");
		}
		wait_idle_since(replied);
	}
	client_finish(c);
	verify_rows(table, ok);
	return errors;
}

Test(writes, idle_writer_shim)
{
	cr_assert_eq(idle_writer(WITH_SHIM, "w_idle_writer"), 0, "an idle writer saw errors");
	free(log_wait("event=connection_lost", "noticed=idle_check", "statement_kind=\"write: INSERT\"",
		      NULL));
}

Test(writes, idle_writer_noshim)
{
	cr_assert_eq(idle_writer(NO_SHIM, "w_idle_writer_noshim"), 1,
		     "without the shim the KILL of an idle connection must reach the writer");
}
