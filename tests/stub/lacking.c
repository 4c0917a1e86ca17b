/* lacking.c - a program that uses every kind of call the shim handles,
 * against the stand-in client library (stub.h), for tests/unit/lacking.sh:
 * that script relinks the stand-in without one function at a time (as
 * Oracle's libmysqlclient lacks mysql_get_socket and mariadb_get_infov)
 * and runs this with the shim preloaded.  Whatever the library lacks, the
 * program must not crash or hang, and every call that fails must leave an
 * error on the handle.
 *
 *   lacking tcp|socket      the whole tour; prints "done"
 *   lacking idle-writer     over TCP, the server closes an idle connection,
 *                           then an INSERT: prints "insert=0" or
 *                           "insert=ERRNO" (0 needs the idle check) */
#include <errmsg.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub.h"

static int failures;

/* A call that failed must say why, on the handle. */
static void check(MYSQL *m, int rc, const char *what)
{
	if (rc != 0 && mysql_errno(m) == 0) {
		printf("FAIL %s returned %d with no error on the handle\n", what, rc);
		failures++;
	}
}

static void query(MYSQL *m, const char *sql)
{
	check(m, mysql_query(m, sql), sql);
}

static void prepared(MYSQL *m)
{
	MYSQL_STMT *s = mysql_stmt_init(m);

	if (!s)
		return;
	if (mysql_stmt_prepare(s, "SELECT 1", 8) == 0) {
		mysql_stmt_execute(s);
		stub_kill();
		mysql_stmt_execute(s);
	}
	mysql_stmt_close(s);
}

static void child_uses_connection(MYSQL *m)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		query(m, "SELECT 1");
		mysql_close(m);
		_exit(failures ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("FAIL the forked child did not exit 0\n");
		failures++;
	}
}

static int tour(enum stub_transport transport)
{
	MYSQL handle, *m = mysql_init(&handle);

	stub_reset(transport);
	if (!mysql_real_connect(m, "db.example", "app", "pw", "db", 0, NULL, 0)) {
		printf("FAIL connect: %s\n", mysql_error(m));
		return 1;
	}
	query(m, "SELECT 1");
	stub_kill();
	query(m, "SELECT 1");
	query(m, "SELECT 2");
	query(m, "BEGIN");
	query(m, "INSERT INTO t VALUES (1)");
	stub_kill();
	query(m, "INSERT INTO t VALUES (2)");
	check(m, mysql_commit(m), "mysql_commit");
	check(m, mysql_rollback(m), "mysql_rollback");
	check(m, mysql_ping(m), "mysql_ping");
	if (mysql_send_query(m, "SELECT 3", 8) == 0)
		check(m, mysql_read_query_result(m), "mysql_read_query_result");
	prepared(m);
	query(m, "SELECT 4");
	child_uses_connection(m);
	query(m, "SELECT 5");
	mysql_close(m);
	printf("done\n");
	return failures != 0;
}

static int idle_writer(void)
{
	MYSQL handle, *m = mysql_init(&handle);
	int rc;

	stub_reset(STUB_TCP);
	if (!mysql_real_connect(m, "db.example", "app", "pw", "db", 0, NULL, 0))
		return 1;
	stub_kill();
	rc = mysql_query(m, "INSERT INTO t VALUES (1)");
	printf("insert=%u\n", rc ? mysql_errno(m) : 0);
	mysql_close(m);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "tcp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(what, "idle-writer") == 0)
		return idle_writer();
	return tour(strcmp(what, "socket") == 0 ? STUB_SOCKET : STUB_TCP);
}
