/* support_server.c - the admin session and the server's control. */
#include "support_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <mysql.h>

/* ------------------------------------------------------------------------ */
/* admin connection                                                         */
/* ------------------------------------------------------------------------ */

static MYSQL *admin_conn;
static long long saved_wait_timeout = -1;
bool server_down;

void admin_disconnect(void)
{
	if (admin_conn)
		mysql_close(admin_conn);
	admin_conn = NULL;
}

static void admin_connect(void)
{
	const struct mrt_env *e = mrt();

	admin_disconnect();
	admin_conn = mysql_init(NULL);
	mrt_assert(admin_conn != NULL, "mysql_init failed");
	if (!mysql_real_connect(admin_conn, e->host, e->admin_user, e->admin_password, NULL,
				e->port, NULL, CLIENT_MULTI_RESULTS)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%u %s", mysql_errno(admin_conn),
			 mysql_error(admin_conn));
		admin_disconnect();
		mrt_assert_fail("admin connection failed: %s", msg);
	}
}

/* Query with one reconnect when the server was restarted under us. */
static void admin_query(const char *sql)
{
	unsigned err;

	if (!admin_conn)
		admin_connect();
	if (mysql_query(admin_conn, sql) == 0)
		return;
	err = mysql_errno(admin_conn);
	if (err == 2006 || err == 2013 || err == 1927 || err == 4031) {
		admin_connect();
		if (mysql_query(admin_conn, sql) == 0)
			return;
	}
	mrt_assert_fail("admin query \"%s\" failed: %u %s", sql, mysql_errno(admin_conn),
		       mysql_error(admin_conn));
}

static void admin_drain_results(void)
{
	do {
		MYSQL_RES *res = mysql_store_result(admin_conn);

		if (res)
			mysql_free_result(res);
	} while (mysql_next_result(admin_conn) == 0);
}

void admin_exec(const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = vformat(fmt, ap);
	va_end(ap);
	admin_query(sql);
	admin_drain_results();
	free(sql);
}

long long admin_scalar(const char *fmt, ...)
{
	va_list ap;
	char *sql;
	MYSQL_RES *res;
	MYSQL_ROW row;
	long long v = -1;

	va_start(ap, fmt);
	sql = vformat(fmt, ap);
	va_end(ap);
	admin_query(sql);
	res = mysql_store_result(admin_conn);
	mrt_assert(res != NULL, "admin query \"%s\" returned no result set", sql);
	row = mysql_fetch_row(res);
	if (row && row[0])
		v = strtoll(row[0], NULL, 10);
	mysql_free_result(res);
	admin_drain_results();
	free(sql);
	return v;
}

void admin_kill(unsigned long id)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "KILL CONNECTION %lu", id);
	if (!admin_conn)
		admin_connect();
	if (mysql_query(admin_conn, sql) == 0)
		return;
	/* 1094: unknown thread id, it went away by itself: fine. */
	mrt_assert(mysql_errno(admin_conn) == 1094, "%s failed: %u %s", sql,
		  mysql_errno(admin_conn), mysql_error(admin_conn));
}

int app_connection_ids(unsigned long *ids, int max)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int n = 0;

	admin_query("SELECT ID FROM information_schema.PROCESSLIST"
		    " WHERE USER = 'app' AND ID <> CONNECTION_ID() ORDER BY ID");
	res = mysql_store_result(admin_conn);
	mrt_assert(res != NULL, "processlist query returned no result set");
	while ((row = mysql_fetch_row(res)) && n < max)
		ids[n++] = strtoul(row[0], NULL, 10);
	mysql_free_result(res);
	return n;
}

bool connection_exists(unsigned long id)
{
	return admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %lu",
			    id) > 0;
}

void wait_connection_gone(unsigned long id)
{
	long long deadline = mrt_now_ms() + MRT_TIMEOUT_MS;

	while (connection_exists(id)) {
		mrt_assert(mrt_now_ms() < deadline,
			  "connection %lu still in the processlist after %d ms", id,
			  MRT_TIMEOUT_MS);
		mrt_poll_pause();
	}
}

void kill_and_wait(unsigned long id)
{
	admin_kill(id);
	wait_connection_gone(id);
}

int kill_all_app_connections(unsigned long *killed, int max)
{
	int n = app_connection_ids(killed, max), i;

	for (i = 0; i < n; i++)
		admin_kill(killed[i]);
	for (i = 0; i < n; i++)
		wait_connection_gone(killed[i]);
	return n;
}

void set_global_wait_timeout(int seconds)
{
	if (saved_wait_timeout < 0)
		saved_wait_timeout = admin_scalar("SELECT @@GLOBAL.wait_timeout");
	admin_exec("SET GLOBAL wait_timeout = %d", seconds);
}

void restore_global_wait_timeout(void)
{
	if (saved_wait_timeout < 0)
		return;
	admin_exec("SET GLOBAL wait_timeout = %lld", saved_wait_timeout);
	saved_wait_timeout = -1;
}

void create_seq_table(const char *table)
{
	admin_exec("DROP TABLE IF EXISTS apptest.%s", table);
	admin_exec("CREATE TABLE apptest.%s (seq INT NOT NULL) ENGINE=InnoDB", table);
}

long long count_seq(const char *table, long long seq)
{
	return admin_scalar("SELECT COUNT(*) FROM apptest.%s WHERE seq = %lld", table, seq);
}

long long count_rows(const char *table)
{
	return admin_scalar("SELECT COUNT(*) FROM apptest.%s", table);
}

/* ------------------------------------------------------------------------ */
/* server control                                                           */
/* ------------------------------------------------------------------------ */

void server_ctl(const char *action)
{
	const char *argv[] = {mrt()->server, action, mrt()->dir, NULL};
	char **env = build_env(NO_SHIM, NULL);
	int status = 0, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid;

	/* The admin session does not survive; reconnect lazily. */
	admin_disconnect();
	fflush(NULL);
	pid = fork();
	mrt_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		exec_child(devnull, 2, 2, (char **)argv, env);
	close(devnull);
	free(env);
	mrt_assert(wait_exit(pid, 3 * MRT_TIMEOUT_MS, &status), "server %s hung", action);
	server_down = strcmp(action, "stop") == 0 || strcmp(action, "kill9") == 0;
	mrt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server %s failed (status %#x)",
		  action, (unsigned)status);
}

