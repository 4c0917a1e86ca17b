/* support.c - helpers for the integration scenarios (support.h): small
 * utilities, and the set-up and tear-down of each test. */
#include "support_internal.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <criterion/criterion.h>
#include <mysql.h>

/* ------------------------------------------------------------------------ */
/* small utilities                                                          */
/* ------------------------------------------------------------------------ */

static __thread char where[160] = "(set-up)";

void mrt_at(const char *file, int line)
{
	const char *base = strrchr(file, '/');

	snprintf(where, sizeof(where), "at %s:%d", base ? base + 1 : file, line);
}

const char *mrt_where(void)
{
	return where;
}

long long mrt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The polling step: short, so conditions are noticed promptly. */
void mrt_poll_pause(void)
{
	struct timespec ts = {0, 10 * 1000000L};

	nanosleep(&ts, NULL);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	mrt_assert(p != NULL, "out of memory");
	return p;
}

char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	mrt_assert(vasprintf(&s, fmt, ap) >= 0, "out of memory");
	return s;
}

const char *need_env(const char *name)
{
	const char *v = getenv(name);

	mrt_assert(v && *v, "%s is not set: run the tests through tests/harness/run-integration",
		  name);
	return v;
}

const struct mrt_env *mrt(void)
{
	static struct mrt_env e;
	static bool loaded;

	if (loaded)
		return &e;
	e.dir = need_env("MRT_DIR");
	e.host = need_env("MRT_HOST");
	e.port = (unsigned)strtoul(need_env("MRT_PORT"), NULL, 10);
	e.socket = need_env("MRT_SOCKET");
	e.syslog_socket = need_env("MRT_SYSLOG_SOCKET");
	e.syslog_file = need_env("MRT_SYSLOG_FILE");
	e.app_user = need_env("MRT_APP_USER");
	e.app_password = need_env("MRT_APP_PASSWORD");
	e.db = need_env("MRT_DB");
	e.admin_user = need_env("MRT_ADMIN_USER");
	e.admin_password = need_env("MRT_ADMIN_PASSWORD");
	e.shim = need_env("MRT_SHIM");
	e.bin = need_env("MRT_BIN");
	e.server = need_env("MRT_SERVER");
	e.wrapper = need_env("MRT_WRAPPER");
	loaded = true;
	return &e;
}

/* ------------------------------------------------------------------------ */
/* per-test setup and teardown                                              */
/* ------------------------------------------------------------------------ */

/* A test killed by its timeout runs no teardown: repair what it may have
 * left behind (server stopped, a short wait_timeout) before the next one. */
static void repair_leftovers(void)
{
	MYSQL *probe = mysql_init(NULL);
	const struct mrt_env *e = mrt();
	bool up;

	mrt_assert(probe != NULL, "mysql_init failed");
	up = mysql_real_connect(probe, e->host, e->admin_user, e->admin_password, NULL,
				e->port, NULL, 0) != NULL;
	mysql_close(probe);
	if (!up) {
		cr_log_warn("server not answering at test start: starting it");
		server_ctl("start");
	}
	if (admin_scalar("SELECT @@GLOBAL.wait_timeout") < 60) {
		cr_log_warn("global wait_timeout left short by an earlier test: resetting it");
		admin_exec("SET GLOBAL wait_timeout = DEFAULT");
	}
}

void mrt_setup(void)
{
	/* A client that dies must not take the test down with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	mrt();
	repair_leftovers();
	log_mark();
}

void mrt_teardown(void)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i])
			client_kill(clients[i]);
	if (server_down)
		server_ctl("start");
	restore_global_wait_timeout();
	admin_disconnect();
}

void assert_kill_reaches_program(const char *context)
{
	struct client *c = sqlpipe_start(NO_SHIM, NULL, NULL);

	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 2"), context);
	client_finish(c);
}

/* ---- a line per suite ------------------------------------------------------
 * Run by Criterion's runner, in order: each suite says when it starts, how
 * many tests it has, and how they ended, so a long run can be followed. */

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
	if (criterion_options.pattern) /* --filter: most suites do not run */
		return;
	printf("suite %s: %zu tests\n", set->suite.name, set->tests ? set->tests->size : 0);
	fflush(stdout);
}

ReportHook(POST_SUITE)(struct criterion_suite_stats *stats)
{
	if (!stats->tests_passed && !stats->tests_failed && !stats->tests_crashed)
		return; /* filtered out */
	printf("suite %s: %zu passed, %zu failed, %zu crashed, %zu skipped\n", stats->suite->name,
	       stats->tests_passed, stats->tests_failed, stats->tests_crashed,
	       stats->tests_skipped);
	fflush(stdout);
}
