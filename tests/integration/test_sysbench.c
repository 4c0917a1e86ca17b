/* sysbench oltp_point_select in its default mode: server-side prepared
 * statements (mysql_stmt_*), two threads, while every connection of the
 * app user is KILLed every 300 ms.  sysbench treats 2013 as fatal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(sysbench, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define SYSBENCH "/usr/bin/sysbench"
#define KILL_EVERY_MS 300

static const char **sysbench_args(const char *command)
{
	static char host[300], port[32], socket[300], user[64], password[64], db[64];
	static const char *argv[16];
	const struct mrt_env *e = mrt();
	int k = 0;

	argv[k++] = SYSBENCH;
	argv[k++] = "oltp_point_select";
	argv[k++] = "--db-driver=mysql";
	if (mrt_over_socket()) {
		argv[k++] = "--mysql-host=localhost";
		snprintf(socket, sizeof(socket), "--mysql-socket=%s", e->socket);
		argv[k++] = socket;
	} else {
		snprintf(host, sizeof(host), "--mysql-host=%s", e->host);
		snprintf(port, sizeof(port), "--mysql-port=%u", e->port);
		argv[k++] = host;
		argv[k++] = port;
	}
	snprintf(user, sizeof(user), "--mysql-user=%s", e->app_user);
	snprintf(password, sizeof(password), "--mysql-password=%s", e->app_password);
	snprintf(db, sizeof(db), "--mysql-db=%s", e->db);
	argv[k++] = user;
	argv[k++] = password;
	argv[k++] = db;
	argv[k++] = "--tables=1";
	argv[k++] = "--table-size=1000";
	argv[k++] = "--threads=2";
	argv[k++] = "--time=3";
	argv[k++] = command;
	argv[k] = NULL;
	return argv;
}

static void prepare_tables(void)
{
	struct capture cap;

	admin_exec("DROP TABLE IF EXISTS apptest.sbtest1");
	run_capture(NO_SHIM, NULL, sysbench_args("prepare"), &cap);
	cr_assert_eq(cap.status, 0, "sysbench prepare failed: %s%s", cap.out, cap.err);
	capture_free(&cap);
}

/* Runs sysbench while KILLing (or, restart: restarting the server once);
 * its output (malloc'ed) and exit status. */
static char *run_under_faults(enum shim_mode mode, bool restart, int *status, int *kills)
{
	struct client *c = client_spawn(mode, NULL, sysbench_args("run"));
	size_t size = 1, used = 0;
	char *out = calloc(1, size);

	c->name = "sysbench";
	*kills = 0;
	for (;;) {
		long long start = mrt_now_ms();
		const char *line = client_read(c, KILL_EVERY_MS);

		if (line) {
			size_t n = strlen(line);

			out = realloc(out, size += n + 1);
			cr_assert(out != NULL);
			memcpy(out + used, line, n);
			used += n;
			out[used++] = '\n';
			out[used] = '\0';
			continue;
		}
		if (mrt_now_ms() - start < KILL_EVERY_MS - 5)
			break; /* end of its output: it exited */
		if (!restart) {
			*kills += kill_all_app_connections((unsigned long[16]){0}, 16) > 0;
		} else if (!*kills) {
			server_ctl("restart");
			*kills = 1;
		}
	}
	*status = client_finish(c);
	return out;
}

/* The control: the faults reach sysbench (FATAL; for KILLs, a lost
 * connection: 2013, or 2006 over a Unix socket). */
static void faults_reach_sysbench(bool restart)
{
	int status, kills;
	char *out;

	prepare_tables();
	out = run_under_faults(NO_SHIM, restart, &status, &kills);
	cr_assert_gt(kills, 0, "no fault was injected:\n%s", out);
	cr_assert(strstr(out, "FATAL") && (restart || strstr(out, "2013") || strstr(out, "2006")),
		  "without the shim the faults must reach sysbench:\n%s", out);
	free(out);
}

/* With the shim: no error reaches it, and it ends normally. */
static void sysbench_rides_out(bool restart)
{
	int status, kills;
	char *out;

	prepare_tables();
	out = run_under_faults(WITH_SHIM, restart, &status, &kills);
	cr_assert_geq(kills, restart ? 1 : 5, "too few faults:\n%s", out);
	cr_assert_null(strstr(out, "FATAL"), "an error reached sysbench:\n%s", out);
	cr_assert(strstr(out, "ignored errors:                      0"), "%s", out);
	cr_assert_eq(status, 0, "sysbench exit status %d:\n%s", status, out);
	free(out);
}

Test(sysbench, point_select_kills_noshim) { faults_reach_sysbench(false); }
Test(sysbench, point_select_kills_shim) { sysbench_rides_out(false); }
/* A server restart in the middle of the run. */
Test(sysbench, point_select_restart_noshim) { faults_reach_sysbench(true); }
Test(sysbench, point_select_restart_shim) { sysbench_rides_out(true); }
