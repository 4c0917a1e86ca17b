/* Scenarios F, I and J: programs that never use MySQL are not disturbed by
 * the preloaded library; the wrapper works like LD_PRELOAD and keeps the
 * exit status; the password never reaches the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(preload, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);
TestSuite(wrapper, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);
/* Named to run last: it checks the whole syslog file of the run. */
TestSuite(zz_security, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static void assert_nothing_logged(const char *what)
{
	char *line;

	log_barrier();
	line = log_find("mysql-reconnect", NULL);
	cr_assert(line == NULL, "%s logged: %s", what, line);
}

static void assert_same_run(const struct capture *a, const struct capture *b, const char *what)
{
	cr_assert_eq(a->status, b->status, "%s: exit status %#x without, %#x with the shim", what,
		     (unsigned)a->status, (unsigned)b->status);
	cr_assert(a->out_len == b->out_len && memcmp(a->out, b->out, a->out_len) == 0,
		  "%s: stdout differs\n--- without:\n%s\n--- with:\n%s", what, a->out, b->out);
	cr_assert(a->err_len == b->err_len && memcmp(a->err, b->err, a->err_len) == 0,
		  "%s: stderr differs\n--- without:\n%s\n--- with:\n%s", what, a->err, b->err);
}

/* Run argv without and with the shim (and the wrapper); all identical. */
static void compare_runs(const char *const *argv, const char *const *env, int want_status,
			 const char *want_out)
{
	struct capture plain, shim, wrapped;

	run_capture(NO_SHIM, env, argv, &plain);
	cr_assert(WIFEXITED(plain.status) && WEXITSTATUS(plain.status) == want_status,
		  "%s: status %#x without the shim", argv[0], (unsigned)plain.status);
	if (want_out)
		cr_assert_str_eq(plain.out, want_out);
	run_capture(WITH_SHIM, env, argv, &shim);
	assert_same_run(&plain, &shim, argv[0]);
	run_capture(WITH_WRAPPER, env, argv, &wrapped);
	assert_same_run(&plain, &wrapped, argv[0]);
	capture_free(&plain);
	capture_free(&shim);
	capture_free(&wrapped);
	assert_nothing_logged(argv[0]);
}

Test(preload, nomysql_is_undisturbed)
{
	char prog[512];
	const char *argv[] = {prog, "7", "HOME", "PATH", "MRT_MARKER",
			      "MYSQL_RECONNECT_SYSLOG_SOCKET", NULL};
	static const char *const env[] = {"MRT_MARKER=kept as it is", NULL};

	snprintf(prog, sizeof(prog), "%s/nomysql", mrt()->bin);
	compare_runs(argv, env, 7, NULL);
}

Test(preload, nomysql_exit_zero)
{
	char prog[512];
	const char *argv[] = {prog, "0", NULL};

	snprintf(prog, sizeof(prog), "%s/nomysql", mrt()->bin);
	compare_runs(argv, NULL, 0, NULL);
}

Test(preload, bin_true)
{
	static const char *const argv[] = {"/bin/true", NULL};

	compare_runs(argv, NULL, 0, "");
}

Test(preload, shell_echo)
{
	static const char *const argv[] = {"/bin/sh", "-c", "echo hi", NULL};

	compare_runs(argv, NULL, 0, "hi\n");
}

/* J: the wrapper keeps the exit status of the program. */
Test(wrapper, exit_status_preserved)
{
	static const char *const argv[] = {"/bin/sh", "-c", "exit 7", NULL};
	struct capture plain, wrapped;

	run_capture(NO_SHIM, NULL, argv, &plain);
	cr_assert(WIFEXITED(plain.status) && WEXITSTATUS(plain.status) == 7);
	run_capture(WITH_WRAPPER, NULL, argv, &wrapped);
	cr_assert(WIFEXITED(wrapped.status) && WEXITSTATUS(wrapped.status) == 7,
		  "the wrapper changed exit status 7 into %#x", (unsigned)wrapped.status);
	capture_free(&plain);
	capture_free(&wrapped);
}

/* J: build/mysql-reconnect sqlpipe ... recovers like LD_PRELOAD. */
Test(wrapper, recovers_a_killed_connection)
{
	struct client *c = sqlpipe_start(WITH_WRAPPER, NULL, NULL);
	char *lost, *retried, *a, *b;

	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
			 "the wrapper must recover like LD_PRELOAD");
	lost = log_wait("event=connection_lost", "program=sqlpipe", NULL);
	retried = log_wait("event=statement_retried", "outcome=ok", "program=sqlpipe", NULL);
	a = log_field(lost, "incident");
	b = log_field(retried, "incident");
	cr_assert(a && b && strcmp(a, b) == 0, "not one incident:\n%s\n%s", lost, retried);
	free(a);
	free(b);
	free(lost);
	free(retried);
	cr_assert_eq(client_finish(c), 0);
}

/* The control: the same program and fault without the wrapper. */
Test(wrapper, kill_noshim)
{
	assert_kill_reaches_program("without the wrapper");
}

/* I: incidents with statement logging on, a failed reconnect and a refused
 * login: the passwords never reach the log (and nothing before did). */
Test(zz_security, passwords_never_logged)
{
	static const char *const env[] = {"MYSQL_RECONNECT_LOG_STATEMENTS=on", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);
	char p[32];

	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	client_ok(c, "SELECT 2");
	server_ctl("stop");
	client_send(c, "SELECT 3");
	free(log_wait("event=server_unreachable", pid_needle(p, sizeof(p), c->pid), NULL));
	server_ctl("start");
	cr_assert(client_read(c, MRT_REPLY_TIMEOUT_MS) != NULL, "no response after restart");
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	log_assert_never(mrt()->app_password);
	log_assert_never(mrt()->admin_password);
	log_assert_never("Xq7-");
}

/* Logged statements have every literal masked, also where a naive lexer
 * would lose track: a quote in a comment before the literal. */
Test(zz_security, literals_never_logged)
{
	static const char *const env[] = {"MYSQL_RECONNECT_LOG_STATEMENTS=on", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);
	char p[32], *line;

	kill_and_wait(client_connection_id(c));
	cr_assert_str_eq(client_ask(c, "/* it's */ SELECT 'Xq7-card-4111' -- o'clock"),
			 "OK rows=1 first=Xq7-card-4111");
	line = log_wait("event=connection_lost", pid_needle(p, sizeof(p), c->pid), NULL);
	cr_assert(strstr(line, "statement=\"SELECT '?'\"") != NULL, "%s", line);
	free(line);
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	log_assert_never("Xq7-card");
}

/* A server's error message quotes the program's data: the log masks it.
 * A read sent again after a KILL fails with its own error, which names a
 * table the program asked for. */
Test(preload, error_messages_do_not_leak_data)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	char p[32];
	const char *r;

	kill_and_wait(client_connection_id(c));
	r = client_ask(c, "SELECT * FROM apptest.zq9_private_name");
	cr_assert(strncmp(r, "ERR 1146 ", 9) == 0, "the program gets its own error: %s", r);
	free(log_wait("event=statement_retried", "outcome=failed", pid_needle(p, sizeof(p), c->pid),
		      NULL));
	client_finish(c);
	log_barrier();
	log_assert_never("zq9_private_name");
}
