/* Scenarios D and H: MYSQL_RECONNECT=off and =observe, a bad setting, and
 * giving up when the server stays away. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(modes, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

/* A client (with the shim and extra_env) whose connection was just killed. */
static struct client *killed_client(const char *const *extra_env)
{
	struct client *c = sqlpipe_start(WITH_SHIM, extra_env, NULL);

	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	return c;
}

/* off = pure pass-through: the program sees the error, nothing is logged. */
Test(modes, off_passes_the_fault_through)
{
	static const char *const env[] = {"MYSQL_RECONNECT=off", NULL};
	struct client *c = killed_client(env);
	char *log;

	assert_lost_error(client_ask(c, "SELECT 2"), "MYSQL_RECONNECT=off");
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	log = log_find("mysql-reconnect", NULL);
	cr_assert(log == NULL, "MYSQL_RECONNECT=off logged: %s", log);
}

/* observe = detect and log, change nothing. */
Test(modes, observe_logs_but_changes_nothing)
{
	static const char *const env[] = {"MYSQL_RECONNECT=observe", NULL};
	struct client *c = killed_client(env);
	char p[32], *line;

	assert_lost_error(client_ask(c, "SELECT 2"), "MYSQL_RECONNECT=observe");
	line = log_wait("event=connection_lost", "mode=observe",
			pid_needle(p, sizeof(p), c->pid), NULL);
	free(line);
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	cr_assert_eq(log_count("event=reconnected", p, NULL), 0, "observe must not reconnect");
	cr_assert_eq(log_count("event=statement_retried", p, NULL), 0, "observe must not retry");
}

/* The control for both: the same fault without the shim. */
Test(modes, kill_noshim)
{
	assert_kill_reaches_program("without the shim");
}

/* A bad value is reported once and the default is used. */
Test(modes, bad_attempts_value_uses_default)
{
	static const char *const env[] = {"MYSQL_RECONNECT_ATTEMPTS=banana", NULL};
	struct client *c = killed_client(env);
	char p[32], *line;

	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
			 "recovery must still work with the default");
	pid_needle(p, sizeof(p), c->pid);
	line = log_wait("event=config_invalid", "variable=MYSQL_RECONNECT_ATTEMPTS", NULL);
	cr_assert(strstr(line, " value=banana ") != NULL, "value missing: %s", line);
	cr_assert(strstr(line, "default=0") != NULL, "default missing: %s", line);
	free(line);
	assert_recovery_logged(c->pid);
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	cr_assert_eq(log_count("event=config_invalid", "variable=MYSQL_RECONNECT_ATTEMPTS", NULL),
		     1, "config_invalid must be logged once");
}

/* The server stays down longer than the budget: the program gets the error. */
Test(modes, gives_up_when_budget_is_spent)
{
	static const char *const env[] = {"MYSQL_RECONNECT_ATTEMPTS=3",
					  "MYSQL_RECONNECT_BUDGET_MS=1500", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);
	const char *r;
	char p[32];

	client_ok(c, "SELECT 1");
	server_ctl("stop");
	r = client_ask(c, "SELECT 2");
	cr_assert(strncmp(r, "ERR ", 4) == 0, "after giving up the program gets the error: %s", r);
	free(log_wait("event=gave_up", pid_needle(p, sizeof(p), c->pid), NULL));
	server_ctl("start");
	client_finish(c);
}

/* By default no count of attempts stops recovery: the time budget does
 * (short delays: twelve attempts would be over long before it). */
Test(modes, budget_decides_by_default)
{
	static const char *const env[] = {"MYSQL_RECONNECT_BUDGET_MS=1200",
					  "MYSQL_RECONNECT_BACKOFF_MS=5",
					  "MYSQL_RECONNECT_BACKOFF_MAX_MS=40", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);
	char p[32], *line, *elapsed;
	long long asked;
	const char *r;

	client_ok(c, "SELECT 1");
	server_ctl("stop");
	asked = mrt_now_ms();
	r = client_ask(c, "SELECT 2");
	cr_assert(strncmp(r, "ERR 2006 ", 9) == 0, "after the budget the program gets 2006: %s", r);
	cr_assert_geq(mrt_now_ms() - asked, 600, "it gave up before spending its budget");
	line = log_wait("event=gave_up", "why=budget_exhausted", pid_needle(p, sizeof(p), c->pid),
			NULL);
	elapsed = log_field(line, "elapsed_ms");
	/* the last refused attempt may end a few milliseconds past it */
	cr_assert(elapsed && atoll(elapsed) <= 1200 + 100, "over the budget: %s", line);
	free(elapsed);
	free(line);
	server_ctl("start");
	client_finish(c);
}

/* The fallback reconnection (mysql_ping with MYSQL_OPT_RECONNECT for that
 * call only), used where mariadb_reconnect is not exported.  The program's
 * own reconnect option must be off again afterwards: a later KILL inside a
 * transaction must not be papered over by the library. */
Test(modes, ping_method_recovers_and_restores_option)
{
	static const char *const env[] = {"MYSQL_RECONNECT_METHOD=ping", NULL};
	struct client *c = killed_client(env);

	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
			 "recovered through mysql_ping");
	assert_recovery_logged(c->pid);
	client_ok(c, "BEGIN");
	client_ok(c, "SELECT 3");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 4"), "inside a transaction");
	cr_assert(strncmp(client_ask(c, "SELECT 5"), "ERR", 3) == 0,
		  "the lost transaction is not continued");
	cr_assert_str_eq(client_ask(c, "ROLLBACK"), "OK affected=0");
	cr_assert_str_eq(client_ask(c, "SELECT 6"), "OK rows=1 first=6");
	cr_assert_eq(client_finish(c), 0);
}

/* MariaDB's non-blocking API runs the hooks inside a coroutine that yields
 * to the program: such connections are passed through untouched.  The
 * program works as without the shim, and a KILL reaches it as it would. */
static void nonblocking(enum shim_mode mode)
{
	struct client *c = nonblock_start(mode);
	char p[32];

	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	kill_all_app_connections((unsigned long[16]){0}, 16);
	assert_lost_error(client_ask(c, "SELECT 2"), "passed through: the KILL reaches it");
	if (mode == WITH_SHIM) {
		pid_needle(p, sizeof(p), c->pid);
		free(log_wait("event=nonblocking_passed_through", p, NULL));
	}
	cr_assert_eq(client_finish(c), 0);
}

Test(modes, nonblocking_noshim) { nonblocking(NO_SHIM); }
Test(modes, nonblocking_shim) { nonblocking(WITH_SHIM); }
