/* Scenario E: eight threads, each with its own connection, all killed twice
 * while they run their read loops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(threads, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define NTHREADS 8

static void pause_briefly(void)
{
	struct timespec ts = {0, 20 * 1000000L};

	nanosleep(&ts, NULL);
}

static bool was_killed(unsigned long id, const unsigned long *killed, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (killed[i] == id)
			return true;
	return false;
}

/* Poll until NTHREADS app connections exist and none is a killed one. */
static void wait_all_back(const unsigned long *killed, int nkilled)
{
	unsigned long ids[64];
	int n, i, fresh;
	time_t deadline = time(NULL) + MRT_TIMEOUT_MS / 1000;

	for (;;) {
		n = app_connection_ids(ids, 64);
		for (i = 0, fresh = 0; i < n; i++)
			fresh += !was_killed(ids[i], killed, nkilled);
		if (fresh >= NTHREADS)
			return;
		cr_assert(time(NULL) < deadline, "only %d of %d connections came back", fresh,
			  NTHREADS);
		pause_briefly();
	}
}

/* "stats": the running total, then each thread's own count of successes. */
static void ask_stats(struct client *c, unsigned long *ok, unsigned long *err,
		      unsigned long each[NTHREADS])
{
	const char *line = client_ask(c, "stats");
	char *end;

	cr_assert(sscanf(line, "TOTAL ok=%lu err=%lu", ok, err) == 2, "bad total line: %s", line);
	line = client_read(c, MRT_TIMEOUT_MS);
	cr_assert(line && strncmp(line, "EACH", 4) == 0, "bad EACH line: %s", line ? line : "");
	line += 4;
	for (int i = 0; i < NTHREADS; i++, line = end) {
		each[i] = strtoul(line, &end, 10);
		cr_assert(end != line, "EACH line too short");
	}
}

/* Poll until every thread has succeeded once more than `before`: a thread
 * whose statement was being sent again then has finished with it, so the
 * next round of KILLs cannot hit it in flight a second time (a statement lost
 * in flight twice is rightly not sent a third time). */
static void wait_each_went_on(struct client *c, const unsigned long before[NTHREADS])
{
	time_t deadline = time(NULL) + MRT_TIMEOUT_MS / 1000;
	unsigned long now[NTHREADS], ok, err;
	int behind;

	for (;;) {
		ask_stats(c, &ok, &err, now);
		behind = 0;
		for (int i = 0; i < NTHREADS; i++)
			behind += now[i] <= before[i];
		if (!behind)
			return;
		cr_assert(time(NULL) < deadline, "%d threads made no progress", behind);
		pause_briefly();
	}
}

/* Parse "TOTAL ok=<n> err=<n>". */
static void parse_total(const char *line, unsigned long *ok, unsigned long *err)
{
	cr_assert(sscanf(line, "TOTAL ok=%lu err=%lu", ok, err) == 2, "bad total line: %s", line);
}

/* Send stop, collect the per-thread lines and the total. */
static void stop_threads(struct client *c, unsigned long *ok, unsigned long *err)
{
	const char *line;
	int i;

	client_send(c, "stop");
	for (i = 0; i < NTHREADS; i++) {
		line = client_read(c, MRT_TIMEOUT_MS);
		cr_assert(line && strncmp(line, "thread ", 7) == 0, "thread line %d: %s", i,
			  line ? line : "(none)");
		cr_log_info("%s", line);
	}
	line = client_read(c, MRT_TIMEOUT_MS);
	cr_assert(line != NULL, "no TOTAL line");
	parse_total(line, ok, err);
	cr_assert_eq(client_finish(c), 0);
}

Test(threads, kill_all_twice_shim)
{
	struct client *c = threads_start(WITH_SHIM, NTHREADS);
	unsigned long killed[128], ok, err;
	int n = 0, round;

	for (round = 0; round < 2; round++) {
		int k = kill_all_app_connections(killed + n, 64);

		cr_assert_geq(k, NTHREADS, "round %d: only %d connections to kill", round, k);
		n += k;
		wait_all_back(killed, n);
		if (round == 0) {
			unsigned long before[NTHREADS], total_ok, total_err;

			ask_stats(c, &total_ok, &total_err, before);
			wait_each_went_on(c, before);
		}
	}
	stop_threads(c, &ok, &err);
	cr_assert_eq(err, 0, "threads saw %lu errors with the shim", err);
	cr_assert_gt(ok, 0);
}

Test(threads, kill_all_noshim)
{
	struct client *c = threads_start(NO_SHIM, NTHREADS);
	unsigned long killed[64], each[NTHREADS], ok = 0, err = 0;
	time_t deadline;

	cr_assert_geq(kill_all_app_connections(killed, 64), NTHREADS);
	/* Poll the running totals until the threads have hit the dead connections. */
	deadline = time(NULL) + MRT_TIMEOUT_MS / 1000;
	while (err == 0) {
		ask_stats(c, &ok, &err, each);
		cr_assert(time(NULL) < deadline, "no thread saw an error without the shim");
		if (err == 0)
			pause_briefly();
	}
	stop_threads(c, &ok, &err);
	cr_assert_gt(err, 0, "without the shim the threads must see errors");
}

/* A server restart under NTHREADS threads: one handle probes while the
 * others wait, so the log has one line per change of the server's state
 * (not one per attempt per thread) and the threads see no error. */
Test(threads, restart_is_quiet_shim)
{
	struct client *c = threads_start(WITH_SHIM, NTHREADS);
	unsigned long ok, err, gone[64];
	char p[32];
	int n;

	pid_needle(p, sizeof(p), c->pid);
	n = app_connection_ids(gone, 64);
	cr_assert_geq(n, NTHREADS);
	server_ctl("stop");
	free(log_wait("event=server_unreachable", p, NULL));
	server_ctl("start");
	free(log_wait("event=server_back", p, NULL));
	wait_all_back(gone, n);
	stop_threads(c, &ok, &err);
	cr_assert_eq(err, 0, "threads saw %lu errors with the shim", err);
	log_barrier();
	cr_assert_eq(log_count("event=server_unreachable", p, NULL), 1);
	cr_assert_eq(log_count("event=server_back", p, NULL), 1);
	cr_assert_eq(log_count("event=reconnect_failed", p, NULL), 0,
		     "refused attempts are not logged one by one");
	cr_assert_eq(log_count("event=reconnected", p, NULL), log_count("event=connection_lost", p, NULL),
		     "every lost connection came back");
}

/* The control: without the shim the restart reaches the threads. */
Test(threads, restart_noshim)
{
	struct client *c = threads_start(NO_SHIM, NTHREADS);
	unsigned long each[NTHREADS], ok, err;

	server_ctl("restart");
	for (int i = 0; i < 500; i++) {
		ask_stats(c, &ok, &err, each);
		if (err)
			break;
		pause_briefly();
	}
	stop_threads(c, &ok, &err);
	cr_assert_gt(err, 0, "without the shim the threads must see the restart");
}
