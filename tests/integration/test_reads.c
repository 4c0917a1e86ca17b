/* Scenario A: a read loop (autocommit SELECTs) survives a KILL, wait_timeout
 * expiry, a server restart and a server crash without noticing; without the
 * shim the same fault reaches the program. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(reads, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

enum kind { SQLPIPE, DLHOST, QUERY_API, DLSYMHOST, MYSQL2, DBD_MYSQL, DBD_MARIADB, MYSQLDB, TDBC,
	    MYSQLTCL, LUASQL };
enum fault { KILL, WAIT_TIMEOUT, RESTART, CRASH };

static struct client *start_reader(enum kind kind, enum shim_mode mode)
{
	static const char *const query_api[] = {"--api", "query", NULL};

	switch (kind) {
	case DLHOST: return dlhost_start(mode, NULL, NULL);
	case QUERY_API: return sqlpipe_start(mode, NULL, query_api);
	case DLSYMHOST: return dlsymhost_start(mode);
	case MYSQL2: return mysql2pipe_start(mode, false);
	case DBD_MYSQL: return dbipipe_start(mode, "mysql");
	case DBD_MARIADB: return dbipipe_start(mode, "MariaDB");
	case MYSQLDB: return mysqldbpipe_start(mode);
	case TDBC: return tdbcpipe_start(mode);
	case MYSQLTCL: return mysqltclpipe_start(mode);
	case LUASQL: return luasqlpipe_start(mode);
	case SQLPIPE: break;
	}
	return sqlpipe_start(mode, NULL, NULL);
}

/* Server down while the statement is pending: with the shim, the statement
 * waits (server_unreachable is logged) until the server is back. */
static const char *restart_under(struct client *c, bool shim)
{
	char p[32];
	const char *r;

	server_ctl("stop");
	client_send(c, "SELECT 2");
	if (!shim) {
		r = client_read(c, MRT_REPLY_TIMEOUT_MS);
		server_ctl("start");
		cr_assert(r != NULL, "no response while the server was down");
		return r;
	}
	free(log_wait("event=server_unreachable", pid_needle(p, sizeof(p), c->pid), NULL));
	server_ctl("start");
	r = client_read(c, MRT_REPLY_TIMEOUT_MS);
	cr_assert(r != NULL, "no response after the server came back");
	return r;
}

/* Inject the fault; return the response to the first SELECT after it. */
static const char *inject(struct client *c, enum fault fault, bool shim)
{
	unsigned long id;

	switch (fault) {
	case KILL:
		kill_and_wait(client_connection_id(c));
		break;
	case WAIT_TIMEOUT:
		/* The session took wait_timeout=1 at connect (teardown restores
		 * the default; the fresh session has 1 too, as it would). */
		id = client_connection_id(c);
		wait_connection_gone(id);
		break;
	case RESTART:
		return restart_under(c, shim);
	case CRASH:
		server_ctl("kill9");
		server_ctl("start");
		break;
	}
	return client_ask(c, "SELECT 2");
}

static void read_scenario(enum kind kind, enum fault fault, enum shim_mode mode)
{
	bool shim = mode != NO_SHIM;
	struct client *c;
	const char *r;

	if (fault == WAIT_TIMEOUT)
		set_global_wait_timeout(1); /* the shortest the server has */
	c = start_reader(kind, mode);
	client_ok(c, "SELECT 1");
	r = inject(c, fault, shim);
	if (!shim) {
		assert_lost_error(r, "without the shim the fault must reach the program");
		client_finish(c);
		return;
	}
	cr_assert(strcmp(r, "OK rows=1 first=2") == 0,
		  "with the shim the fault must be invisible, got \"%s\"", r);
	cr_assert_str_eq(client_ok(c, "SELECT 3"), "OK rows=1 first=3");
	assert_recovery_logged(c->pid);
	assert_cause_logged(c->pid, fault == KILL ? "killed"
					 : fault == WAIT_TIMEOUT ? "wait_timeout"
								 : "server_restarted");
	cr_assert_eq(client_finish(c), 0, "client exit status");
}

Test(reads, kill_noshim) { read_scenario(SQLPIPE, KILL, NO_SHIM); }
Test(reads, kill_shim) { read_scenario(SQLPIPE, KILL, WITH_SHIM); }
Test(reads, wait_timeout_noshim) { read_scenario(SQLPIPE, WAIT_TIMEOUT, NO_SHIM); }
Test(reads, wait_timeout_shim) { read_scenario(SQLPIPE, WAIT_TIMEOUT, WITH_SHIM); }
Test(reads, restart_noshim) { read_scenario(SQLPIPE, RESTART, NO_SHIM); }
Test(reads, restart_shim) { read_scenario(SQLPIPE, RESTART, WITH_SHIM); }
Test(reads, crash_noshim) { read_scenario(SQLPIPE, CRASH, NO_SHIM); }
Test(reads, crash_shim) { read_scenario(SQLPIPE, CRASH, WITH_SHIM); }

/* The client library loaded RTLD_LOCAL by a host that does not link it. */
Test(reads, dlhost_kill_noshim) { read_scenario(DLHOST, KILL, NO_SHIM); }
Test(reads, dlhost_kill_shim) { read_scenario(DLHOST, KILL, WITH_SHIM); }
Test(reads, dlhost_wait_timeout_noshim) { read_scenario(DLHOST, WAIT_TIMEOUT, NO_SHIM); }
Test(reads, dlhost_wait_timeout_shim) { read_scenario(DLHOST, WAIT_TIMEOUT, WITH_SHIM); }
Test(reads, dlhost_restart_noshim) { read_scenario(DLHOST, RESTART, NO_SHIM); }
Test(reads, dlhost_restart_shim) { read_scenario(DLHOST, RESTART, WITH_SHIM); }

/* mysql_query() instead of mysql_real_query(). */
Test(reads, query_api_kill_noshim) { read_scenario(QUERY_API, KILL, NO_SHIM); }
Test(reads, query_api_kill_shim) { read_scenario(QUERY_API, KILL, WITH_SHIM); }
Test(reads, query_api_wait_timeout_noshim) { read_scenario(QUERY_API, WAIT_TIMEOUT, NO_SHIM); }
Test(reads, query_api_wait_timeout_shim) { read_scenario(QUERY_API, WAIT_TIMEOUT, WITH_SHIM); }

/* Connected through a dlsym()ed mysql_real_connect: adopted at its first
 * intercepted call (mysql_query's own call to mysql_real_query). */
Test(reads, dlsym_kill_noshim) { read_scenario(DLSYMHOST, KILL, NO_SHIM); }
Test(reads, dlsym_kill_shim) { read_scenario(DLSYMHOST, KILL, WITH_SHIM); }
Test(reads, dlsym_restart_noshim) { read_scenario(DLSYMHOST, RESTART, NO_SHIM); }
Test(reads, dlsym_restart_shim) { read_scenario(DLSYMHOST, RESTART, WITH_SHIM); }

/* The program's own MYSQL_OPT_READ_TIMEOUT fires on a slow read: the read
 * goes on running on the server, so it is not sent again (a second copy
 * would run beside it, and the program would wait twice its timeout). */
static const char *slow_read(enum shim_mode mode, struct client **out)
{
	static const char *const args[] = {"--read-timeout", "1", NULL};
	struct client *c = sqlpipe_start(mode, NULL, args);
	const char *r;

	client_ok(c, "SELECT 1");
	/* its own text: the control's copy may still be sleeping */
	r = client_ask(c, mode == NO_SHIM ? "SELECT SLEEP(4.5)" : "SELECT SLEEP(4)");
	*out = c;
	return r;
}

static long long sleeping_copies(void)
{
	return admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
			    " WHERE USER = 'app' AND INFO = 'SELECT SLEEP(4)'");
}

Test(reads, read_timeout_noshim)
{
	struct client *c;

	assert_lost_error(slow_read(NO_SHIM, &c), "the read timeout must reach the program");
	client_finish(c);
}

Test(reads, read_timeout_shim)
{
	struct client *c;
	char p[32];

	assert_lost_error(slow_read(WITH_SHIM, &c), "the read timeout reaches the program");
	cr_assert_leq(sleeping_copies(), 1, "the slow read was sent again");
	pid_needle(p, sizeof(p), c->pid);
	free(log_wait("event=connection_lost", "cause=read_timeout", p, NULL));
	free(log_wait("event=statement_not_retried", "why=read_timeout", p, NULL));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2");
	cr_assert_eq(client_finish(c), 0);
}

/* ---- a result lost while it streams in ------------------------------------
 *
 * The program has run a read whose result (32 MiB) does not fit the socket
 * buffers, and stores it only later: the server is blocked writing it when
 * the connection is KILLed, so mysql_store_result meets the loss half-way.
 * Without the shim the program gets 2013; with it, the complete result from
 * a fresh connection, never part of one. */
#define BIG_RESULT "SELECT seq, REPEAT('x', 1024) FROM seq_1_to_32768"

/* Runs `sql` but leaves its results unread until the server is blocked
 * sending them, KILLs the connection, then has the program read them with
 * `read` (\store or \storeall); its answer. */
static const char *read_after_kill(enum shim_mode mode, const char *sql, const char *read,
				   struct client **out)
{
	struct client *c = sqlpipe_start(mode, NULL, NULL);
	unsigned long id = client_connection_id(c);
	char hold[256];

	*out = c;
	snprintf(hold, sizeof(hold), "\\hold %s", sql);
	cr_assert_str_eq(client_ask(c, hold), "HELD");
	/* the server thread is still sending: blocked on the full socket */
	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
				  " WHERE ID = %lu AND COMMAND = 'Query'", id), 1,
		     "the result should still be streaming");
	kill_and_wait(id);
	return client_ask(c, read);
}

static const char *store_after_kill(enum shim_mode mode, struct client **out)
{
	return read_after_kill(mode, BIG_RESULT, "\\store", out);
}

Test(reads, result_lost_while_stored_noshim)
{
	struct client *c;

	assert_lost_error(store_after_kill(NO_SHIM, &c), "the KILL must reach the program");
	client_finish(c);
}

Test(reads, result_lost_while_stored_shim)
{
	struct client *c;
	char p[32];

	cr_assert_str_eq(store_after_kill(WITH_SHIM, &c), "OK rows=32768 first=1",
			 "the complete result");
	pid_needle(p, sizeof(p), c->pid);
	free(log_wait("event=connection_lost", "call=store_result", p, NULL));
	free(log_wait("event=statement_retried", "outcome=ok", p, NULL));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2");
	cr_assert_eq(client_finish(c), 0);
}

/* ---- a program that set MYSQL_OPT_RECONNECT, on every path ----------------
 *
 * A read after a KILL through each way of talking to the server.  Without
 * the shim the library's own reconnect saves some (over a Unix socket, the
 * write fails and it reconnects) and not others (a read lost in flight).
 * With the shim every one succeeds: never worse, wherever the library's
 * reconnect would have worked. */
static const char *const every_path[][2] = {
	{"SELECT 11", "OK rows=1 first=11"},
	{"\\send SELECT 12", "OK rows=1 first=12"},
	{"\\execute 12", "OK rows=1 first=13"},
	{"\\hold SELECT 14", "HELD"},
};

static void reconnect_every_path(enum shim_mode mode, bool ok[4])
{
	const char *const args[] = {"--reconnect", NULL};
	struct client *c = sqlpipe_start(mode, NULL, args);

	cr_assert_str_eq(client_ask(c, "\\prepare SELECT ? + 1"), "OK params=1");
	for (int i = 0; i < 4; i++) {
		const char *r;

		kill_all_app_connections((unsigned long[16]){0}, 16);
		r = client_ask(c, every_path[i][0]);
		ok[i] = strcmp(r, every_path[i][1]) == 0;
		if (i == 3 && ok[i]) /* the held result, stored after the KILL */
			ok[i] = strcmp(client_ask(c, "\\store"), "OK rows=1 first=14") == 0;
		if (!ok[i])
			cr_assert(strncmp(r, "ERR", 3) == 0 || strcmp(r, "HELD") == 0, "%s", r);
		client_ask(c, "SELECT 1"); /* the library reconnects here if it does */
	}
	client_finish(c);
}

Test(reads, reconnect_option_every_path)
{
	bool without[4], with[4];

	reconnect_every_path(NO_SHIM, without);
	reconnect_every_path(WITH_SHIM, with);
	for (int i = 0; i < 4; i++)
		cr_expect(with[i], "%s: the shim must hide the KILL (without it: %s)",
			  every_path[i][0], without[i] ? "hidden" : "seen");
	cr_assert(!without[0] || !without[1] || !without[2] || !without[3] || mrt_over_socket(),
		  "over TCP the library's own reconnect cannot hide every KILL");
}

/* ---- interpreted clients: Ruby mysql2, Perl DBI (DBD::mysql, DBD::MariaDB,
 * AutoCommit off), Python MySQLdb (autocommit off), Tcl tdbc::mysql and
 * mysqltcl, Lua LuaSQL ------------------------------------------------------
 * Their own suite: the sanitizer run leaves it out (the interpreters free
 * nothing at exit). */
TestSuite(clients, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

#define KILL_AND_RESTART(name, kind)                                                    \
	Test(clients, name##_kill_noshim) { read_scenario(kind, KILL, NO_SHIM); }          \
	Test(clients, name##_kill_shim) { read_scenario(kind, KILL, WITH_SHIM); }          \
	Test(clients, name##_restart_noshim) { read_scenario(kind, RESTART, NO_SHIM); }    \
	Test(clients, name##_restart_shim) { read_scenario(kind, RESTART, WITH_SHIM); }

#define EVERY_FAULT(name, kind)                                                         \
	KILL_AND_RESTART(name, kind)                                                    \
	Test(clients, name##_idle_noshim) { read_scenario(kind, WAIT_TIMEOUT, NO_SHIM); }  \
	Test(clients, name##_idle_shim) { read_scenario(kind, WAIT_TIMEOUT, WITH_SHIM); }

EVERY_FAULT(mysql2, MYSQL2)
EVERY_FAULT(dbd_mysql, DBD_MYSQL)
EVERY_FAULT(dbd_mariadb, DBD_MARIADB)
EVERY_FAULT(mysqldb, MYSQLDB)
EVERY_FAULT(tdbc, TDBC)

/* Two more interpreters' modules linked with the client library: a KILL and
 * a restart (an idle timeout takes the KILL's path, shown above). */
KILL_AND_RESTART(mysqltcl, MYSQLTCL)
KILL_AND_RESTART(luasql, LUASQL)

/* The same for a later result of a multi-statement text: the first result
 * is read, then the second (the large one) is lost while mysql_next_result
 * or mysql_store_result reads it.  With the shim the text runs again, the
 * result the program has already read is skipped, and the second comes
 * back whole. */
#define SMALL_THEN_BIG "SELECT 1; " BIG_RESULT

static const char *later_result_after_kill(enum shim_mode mode, struct client **out)
{
	return read_after_kill(mode, SMALL_THEN_BIG, "\\storeall", out);
}

Test(reads, later_result_lost_noshim)
{
	struct client *c;

	assert_lost_error(later_result_after_kill(NO_SHIM, &c), "the KILL must reach the program");
	client_finish(c);
}

Test(reads, later_result_lost_shim)
{
	struct client *c;

	char p[32], *line, *call;

	cr_assert_str_eq(later_result_after_kill(WITH_SHIM, &c),
			 "OK rows=1 first=1 | OK rows=32768 first=1", "every result, complete");
	pid_needle(p, sizeof(p), c->pid);
	line = log_wait("event=connection_lost", p, NULL);
	call = log_field(line, "call");
	cr_assert(call && (strcmp(call, "next_result") == 0 || strcmp(call, "store_result") == 0),
		  "lost while a later result was read: %s", line);
	free(call);
	free(line);
	free(log_wait("event=statement_retried", "outcome=ok", p, NULL));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2");
	cr_assert_eq(client_finish(c), 0);
}
