/* nonblock - a client of MariaDB's non-blocking API (MYSQL_OPT_NONBLOCK,
 * mysql_*_start / mysql_*_cont driven by poll), as event-loop programs use
 * it.  The client library runs the blocking functions inside a coroutine
 * that yields whenever it would wait.  Line protocol as sqlpipe:
 *
 *   SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <errno> <msg>
 *
 * Options: --host --port --socket --user --password --database. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "connopts.h"

/* Waits for what the library asked for; the status to continue with. */
static int wait_for(MYSQL *m, int status)
{
	struct pollfd p = {.fd = mysql_get_socket(m)};
	int timeout = status & MYSQL_WAIT_TIMEOUT ? (int)mysql_get_timeout_value_ms(m) : -1;
	int n;

	if (status & MYSQL_WAIT_READ)
		p.events |= POLLIN;
	if (status & MYSQL_WAIT_WRITE)
		p.events |= POLLOUT;
	if (status & MYSQL_WAIT_EXCEPT)
		p.events |= POLLPRI;
	n = poll(&p, 1, timeout);
	if (n == 0)
		return MYSQL_WAIT_TIMEOUT;
	return (p.revents & POLLIN ? MYSQL_WAIT_READ : 0) |
	       (p.revents & POLLOUT ? MYSQL_WAIT_WRITE : 0) |
	       (p.revents & POLLPRI ? MYSQL_WAIT_EXCEPT : 0) |
	       (p.revents & (POLLHUP | POLLERR) ? MYSQL_WAIT_READ : 0);
}

static void answer(MYSQL *m, const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int err, status;

	status = mysql_real_query_start(&err, m, sql, (unsigned long)strlen(sql));
	while (status)
		status = mysql_real_query_cont(&err, m, wait_for(m, status));
	if (err) {
		printf("ERR %u %s\n", mysql_errno(m), mysql_error(m));
		return;
	}
	status = mysql_store_result_start(&res, m);
	while (status)
		status = mysql_store_result_cont(&res, m, wait_for(m, status));
	if (!res) {
		if (mysql_errno(m))
			printf("ERR %u %s\n", mysql_errno(m), mysql_error(m));
		else
			printf("OK affected=%llu\n", (unsigned long long)mysql_affected_rows(m));
		return;
	}
	row = mysql_fetch_row(res);
	printf("OK rows=%llu first=%s\n", (unsigned long long)mysql_num_rows(res),
	       !row ? "-" : row[0] ? row[0] : "NULL");
	mysql_free_result(res);
}

int main(int argc, char **argv)
{
	struct connopts o = {0};
	char *line = NULL;
	size_t cap = 0;
	MYSQL *m, *ret;
	int status;

	if (connopts_parse(argc, argv, &o))
		return 64;
	setvbuf(stdout, NULL, _IOLBF, 0);
	m = mysql_init(NULL);
	mysql_options(m, MYSQL_OPT_NONBLOCK, 0);
	status = mysql_real_connect_start(&ret, m, o.host, o.user, o.password, o.database, o.port,
					  o.socket, 0);
	while (status)
		status = mysql_real_connect_cont(&ret, m, wait_for(m, status));
	if (!ret) {
		printf("CONNECT_ERR %u %s\n", mysql_errno(m), mysql_error(m));
		return 2;
	}
	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\n")] = '\0';
		answer(m, line);
	}
	free(line);
	mysql_close(m);
	return 0;
}
