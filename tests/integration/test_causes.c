/* The cause named on an incident's lines, for the causes this machine can
 * produce beyond the read scenarios (KILL, idle timeout, restart and crash
 * are asserted there; packet_too_large, read_timeout and fork in their own
 * suites): a server that stays down, credentials and a database that went
 * away.  MariaDB closes running statements at shutdown without announcing
 * it (1053), so server_shutdown is shown by the unit table only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(causes, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static void expect_gave_up_with(struct client *c, const char *cause)
{
	char p[32], needle[64];

	snprintf(needle, sizeof(needle), "cause=%s", cause);
	free(log_wait("event=gave_up", needle, pid_needle(p, sizeof(p), c->pid), NULL));
}

/* The server stays down for the whole budget. */
Test(causes, server_down)
{
	static const char *const env[] = {"MYSQL_RECONNECT_BUDGET_MS=600", NULL};
	struct client *c = sqlpipe_start(WITH_SHIM, env, NULL);

	client_ok(c, "SELECT 1");
	server_ctl("stop");
	assert_lost_error(client_ask(c, "SELECT 2"), "the budget is spent");
	expect_gave_up_with(c, "server_down");
	server_ctl("start");
	cr_assert_str_eq(client_ask(c, "SELECT 3"), "OK rows=1 first=3");
	client_finish(c);
}

/* Gone while the program was connected: its reconnect is refused for good. */
static void refused_after_kill(const char *const *args, const char *const *changes,
			       const char *cause)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, args);
	unsigned long id = client_connection_id(c);

	for (int i = 0; changes[i]; i++)
		admin_exec("%s", changes[i]);
	kill_and_wait(id);
	assert_lost_error(client_ask(c, "SELECT 2"), "the reconnect is refused");
	expect_gave_up_with(c, cause);
	client_finish(c);
}

/* A user of its own whose password changes while it is connected. */
Test(causes, access_denied)
{
	static const char *const user[] = {"--user", "cause_user", "--password", "pw1", NULL};
	static const char *const change[] = {
		"SET PASSWORD FOR 'cause_user'@'127.0.0.1' = PASSWORD('pw2')",
		"SET PASSWORD FOR 'cause_user'@'localhost' = PASSWORD('pw2')", NULL};

	for (int i = 0; i < 2; i++) {
		const char *host = i ? "localhost" : "127.0.0.1";

		admin_exec("CREATE OR REPLACE USER 'cause_user'@'%s' IDENTIFIED BY 'pw1'", host);
		admin_exec("GRANT SELECT ON apptest.* TO 'cause_user'@'%s'", host);
	}
	refused_after_kill(user, change, "access_denied");
	admin_exec("DROP USER 'cause_user'@'127.0.0.1', 'cause_user'@'localhost'");
}

/* The program's database is dropped while it is connected. */
Test(causes, unknown_database)
{
	static const char *const db[] = {"--database", "causedb", NULL};
	static const char *const drop[] = {"DROP DATABASE causedb", NULL};

	admin_exec("CREATE DATABASE IF NOT EXISTS causedb");
	admin_exec("GRANT ALL ON causedb.* TO 'app'@'127.0.0.1'");
	admin_exec("GRANT ALL ON causedb.* TO 'app'@'localhost'");
	refused_after_kill(db, drop, "unknown_database");
}

/* A call on a handle the program closed: its bug, named in the log; the
 * program gets the library's own answer, as without the shim. */
static struct capture use_after_close(enum shim_mode mode)
{
	char prog[4096], port[16];
	const struct mrt_env *e = mrt();
	const char *tcp[] = {prog, "--host", e->host, "--port", port, "--user", e->app_user,
			     "--password", e->app_password, "--database", e->db, NULL};
	const char *sock[] = {prog, "--host", "localhost", "--socket", e->socket, "--user",
			      e->app_user, "--password", e->app_password, "--database", e->db,
			      NULL};
	struct capture cap;

	snprintf(prog, sizeof(prog), "%s/closeuse", e->bin);
	snprintf(port, sizeof(port), "%u", e->port);
	run_capture(mode, NULL, mrt_over_socket() ? sock : tcp, &cap);
	cr_assert_eq(cap.status, 0, "closeuse: %s%s", cap.out, cap.err);
	return cap;
}

Test(causes, used_after_close_noshim)
{
	struct capture cap = use_after_close(NO_SHIM);

	cr_assert(strncmp(cap.out, "ERR ", 4) == 0, "the library refuses it: %s", cap.out);
	capture_free(&cap);
}

Test(causes, used_after_close_shim)
{
	struct capture cap = use_after_close(WITH_SHIM);
	char p[32];

	cr_assert(strncmp(cap.out, "ERR ", 4) == 0, "the library's own answer: %s", cap.out);
	free(log_wait("event=used_after_close", "cause=used_after_close",
		      pid_needle(p, sizeof(p), cap.pid), NULL));
	capture_free(&cap);
}

/* The user's connection limit is taken by another of its connections
 * when the reconnect comes. */
Test(causes, too_many_connections)
{
	static const char *const user[] = {"--user", "cause_limit", "--password", "pw", NULL};
	struct client *c, *other;
	unsigned long id;
	char p[32];

	for (int i = 0; i < 2; i++) {
		const char *host = i ? "localhost" : "127.0.0.1";

		admin_exec("CREATE OR REPLACE USER 'cause_limit'@'%s' IDENTIFIED BY 'pw' "
			   "WITH MAX_USER_CONNECTIONS 1", host);
		admin_exec("GRANT SELECT ON apptest.* TO 'cause_limit'@'%s'", host);
	}
	static const char *const env[] = {"MYSQL_RECONNECT_BUDGET_MS=800", NULL};

	c = sqlpipe_start(WITH_SHIM, env, user);
	id = client_connection_id(c);
	kill_and_wait(id);
	other = sqlpipe_start(NO_SHIM, NULL, user);
	client_connection_id(other); /* holds the one connection allowed */
	assert_lost_error(client_ask(c, "SELECT 2"), "the reconnect is refused");
	free(log_wait("event=gave_up", "cause=too_many_connections",
		      pid_needle(p, sizeof(p), c->pid), NULL));
	client_finish(c);
	client_finish(other);
	admin_exec("DROP USER 'cause_limit'@'127.0.0.1', 'cause_limit'@'localhost'");
}

/* The controls: without the shim each of these faults reaches the program. */
Test(causes, server_down_noshim)
{
	struct client *c = sqlpipe_start(NO_SHIM, NULL, NULL);

	client_ok(c, "SELECT 1");
	server_ctl("stop");
	assert_lost_error(client_ask(c, "SELECT 2"), "the server is down");
	server_ctl("start");
	client_finish(c);
}

Test(causes, refused_after_kill_noshim)
{
	struct client *c = sqlpipe_start(NO_SHIM, NULL, NULL);

	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 2"), "the KILL reaches the program");
	client_finish(c);
}
