/* sqlpipe - an ordinary "legacy" MySQL client with no knowledge of the shim.
 *
 * Reads one request per line on stdin and answers with exactly one line on
 * stdout (flushed at once), so a test can drive it step by step:
 *
 *   SQL text            OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <errno> <msg>
 *   \commit \rollback \ping \autocommit 0|1 \selectdb DB \charset CS   OK / ERR
 *   \multi 0|1           mysql_set_server_option(MULTI_STATEMENTS_OFF / _ON)
 *   \send SQL           the same through mysql_send_query + mysql_read_query_result
 *                       (how Ruby mysql2 sends every query)
 *   \hold SQL           mysql_real_query only: HELD / ERR (the result waits)
 *   \store              stores and describes the held result, as for SQL text
 *   \storeall           the same for every result, joined with " | "
 *   \prepare SQL        mysql_stmt_init + mysql_stmt_prepare, integer parameters
 *                       and the first column bound once: OK params=<n> / ERR
 *   \execute [N ...]    sets the parameters, mysql_stmt_execute (+ store_result
 *                       and fetch): as for SQL text, errors from mysql_stmt_errno
 *   \direct SQL         mariadb_stmt_execute_direct on a handle of its own: OK / ERR
 *   \reset              mysql_reset_connection
 *   \close \connect     mysql_close / a new mysql_init + mysql_real_connect
 *   \fork SQL           the child runs SQL on the inherited connection,
 *                       prints CHILD OK.../CHILD ERR..., closes it, _exit(0);
 *                       then the parent prints FORKED
 *   \quit or EOF        mysql_close, exit 0
 *
 * Built twice: as a program, and with -DSQLPIPE_AS_MODULE as a shared object
 * exporting sqlpipe_main() for tests/clients/dlhost.c. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mysql.h>

/* Built against MariaDB Connector/C, or against Oracle's libmysqlclient
 * (make test-mysql), which has no my_bool and verifies the server with
 * MYSQL_OPT_SSL_MODE. */
#ifndef LIBMARIADB
typedef bool my_bool;
#endif

#ifdef SQLPIPE_AS_MODULE
#define SQLPIPE_EXPORT __attribute__((visibility("default")))
#else
#define SQLPIPE_EXPORT
#endif

SQLPIPE_EXPORT int sqlpipe_main(int argc, char **argv);

struct options {
	const char *host, *socket, *user, *password, *db;
	const char *charset, *init_command;
	const char *tls_ca; /* --tls-ca: TLS, the server verified against this CA */
	bool no_tls;        /* --no-tls: never TLS (Oracle's library prefers it) */
	unsigned port;
	unsigned read_timeout; /* seconds, 0: the library's default */
	bool reconnect;
	bool use_mysql_query; /* --api query */
};

/* The connection; NULL after \close or a failed \connect. */
static MYSQL *conn;

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Error messages must not break the one-line protocol. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void format_error(MYSQL *m, char *buf, size_t size)
{
	snprintf(buf, size, "ERR %u %s", mysql_errno(m), mysql_error(m));
	one_line(buf);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sqlpipe [--host H] [--port N] [--socket S] [--user U]\n"
		"               [--password P] [--database D] [--reconnect]\n"
		"               [--charset CS] [--init-command SQL] [--api real|query]\n"
		"               [--read-timeout SECONDS] [--tls-ca FILE] [--no-tls]\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'h'},
		{"port", required_argument, NULL, 'P'},
		{"socket", required_argument, NULL, 'S'},
		{"user", required_argument, NULL, 'u'},
		{"password", required_argument, NULL, 'p'},
		{"database", required_argument, NULL, 'D'},
		{"reconnect", no_argument, NULL, 'r'},
		{"charset", required_argument, NULL, 'c'},
		{"init-command", required_argument, NULL, 'i'},
		{"read-timeout", required_argument, NULL, 't'},
		{"api", required_argument, NULL, 'a'},
		{"tls-ca", required_argument, NULL, 'T'},
		{"no-tls", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1; /* may run inside a host that used getopt before */
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': o->host = optarg; break;
		case 'P': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': o->socket = optarg; break;
		case 'u': o->user = optarg; break;
		case 'p': o->password = optarg; break;
		case 'D': o->db = optarg; break;
		case 'r': o->reconnect = true; break;
		case 'c': o->charset = optarg; break;
		case 'i': o->init_command = optarg; break;
		case 't': o->read_timeout = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'T': o->tls_ca = optarg; break;
		case 'N': o->no_tls = true; break;
		case 'a':
			if (strcmp(optarg, "query") == 0)
				o->use_mysql_query = true;
			else if (strcmp(optarg, "real") != 0)
				return -1;
			break;
		case 'H': usage(stdout); return 1;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* mysql_init + options + mysql_real_connect; on failure *err is filled. */
static MYSQL *open_connection(const struct options *o, char *err, size_t size)
{
	MYSQL *m = mysql_init(NULL);

	if (!m) {
		snprintf(err, size, "ERR 2008 mysql_init failed");
		return NULL;
	}
	if (o->reconnect) {
		my_bool on = 1;
		mysql_options(m, MYSQL_OPT_RECONNECT, &on);
	}
	if (o->charset)
		mysql_options(m, MYSQL_SET_CHARSET_NAME, o->charset);
	if (o->init_command)
		mysql_options(m, MYSQL_INIT_COMMAND, o->init_command);
	if (o->read_timeout)
		mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &o->read_timeout);
	if (o->tls_ca) {
		my_bool verify = 1;

		mysql_options(m, MYSQL_OPT_SSL_CA, o->tls_ca);
#ifdef LIBMARIADB
		mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
#else
		unsigned mode = SSL_MODE_VERIFY_IDENTITY;

		(void)verify;
		mysql_options(m, MYSQL_OPT_SSL_MODE, &mode);
#endif
	}
	if (o->no_tls) {
#ifdef LIBMARIADB
		my_bool off = 0;

		mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &off); /* Connector/C's default */
#else
		unsigned mode = SSL_MODE_DISABLED;

		mysql_options(m, MYSQL_OPT_SSL_MODE, &mode);
#endif
	}
	if (!mysql_real_connect(m, o->host, o->user, o->password, o->db, o->port,
				o->socket, CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS)) {
		format_error(m, err, size);
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* Describe one result (set or affected rows) into buf; -1 on error. */
static int describe_result(MYSQL *m, char *buf, size_t size)
{
	MYSQL_RES *res = mysql_store_result(m);
	MYSQL_ROW row;

	if (!res) {
		if (mysql_field_count(m) != 0 || mysql_errno(m) != 0) {
			format_error(m, buf, size);
			return -1;
		}
		snprintf(buf, size, "OK affected=%llu",
			 (unsigned long long)mysql_affected_rows(m));
		return 0;
	}
	row = mysql_fetch_row(res);
	snprintf(buf, size, "OK rows=%llu first=%s",
		 (unsigned long long)mysql_num_rows(res),
		 !row ? "->" : row[0] ? row[0] : "NULL");
	one_line(buf);
	mysql_free_result(res);
	return 0;
}

static int send_sql(const struct options *o, const char *sql, bool split)
{
	unsigned long len = (unsigned long)strlen(sql);

	if (split)
		return mysql_send_query(conn, sql, len) || mysql_read_query_result(conn);
	return o->use_mysql_query ? mysql_query(conn, sql) : mysql_real_query(conn, sql, len);
}

/* Run one statement text, consuming every result.  The line describes the
 * first result, unless a later statement of the text failed.  split: send
 * and read with two calls. */
/* Describe every result of the statement that ran. */
static void describe_results(char *buf, size_t size)
{
	int more;

	if (describe_result(conn, buf, size) != 0)
		return;
	while ((more = mysql_next_result(conn)) == 0) {
		char later[512];

		if (describe_result(conn, later, sizeof(later)) != 0) {
			snprintf(buf, size, "%s", later);
			return;
		}
	}
	if (more > 0)
		format_error(conn, buf, size);
}

/* Describe every result, each in turn. */
static void describe_each(char *buf, size_t size)
{
	size_t used = 0;
	int more = 0;

	buf[0] = '\0';
	do {
		char one[512];

		if (describe_result(conn, one, sizeof(one)) != 0) {
			snprintf(buf, size, "%s", one);
			return;
		}
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? " | " : "", one);
	} while ((more = mysql_next_result(conn)) == 0);
	if (more > 0)
		format_error(conn, buf, size);
}

static void run_sql(const struct options *o, const char *sql, bool split, char *buf,
		    size_t size)
{
	if (!conn) {
		snprintf(buf, size, "ERR 2006 not connected (after \\close)");
		return;
	}
	if (send_sql(o, sql, split) != 0) {
		format_error(conn, buf, size);
		return;
	}
	describe_results(buf, size);
}

static void reply_status(int failed)
{
	char err[600];

	if (!failed) {
		reply("OK");
		return;
	}
	format_error(conn, err, sizeof(err));
	reply("%s", err);
}

/* \fork SQL: the child's line comes before the parent's FORKED. */
static void do_fork(const struct options *o, const char *sql)
{
	char buf[1024];
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		reply("ERR %d fork: %s", errno, strerror(errno));
		return;
	}
	if (pid == 0) {
		run_sql(o, sql, false, buf, sizeof(buf));
		reply("CHILD %s", buf);
		if (conn)
			mysql_close(conn);
		_exit(0);
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	reply("FORKED");
}

static void do_connect(const struct options *o)
{
	char err[600];

	if (conn)
		mysql_close(conn);
	conn = open_connection(o, err, sizeof(err));
	if (conn)
		reply("OK");
	else
		reply("%s", err);
}

static bool not_connected(void)
{
	if (conn)
		return false;
	reply("ERR 2006 not connected (after \\close)");
	return true;
}

/* ---- a prepared statement, bound once, executed many times ---- */

#define STMT_PARAMS_MAX 8

static struct {
	MYSQL_STMT *handle;
	MYSQL_BIND params[STMT_PARAMS_MAX], result[1];
	long long values[STMT_PARAMS_MAX];
	char first[256];
	unsigned long first_len;
	my_bool first_null;
	unsigned long nparams;
} ps;

static void stmt_error(char *buf, size_t size)
{
	snprintf(buf, size, "ERR %u %s", mysql_stmt_errno(ps.handle), mysql_stmt_error(ps.handle));
	one_line(buf);
}

static void stmt_bind(void)
{
	memset(ps.params, 0, sizeof(ps.params));
	for (unsigned long i = 0; i < ps.nparams; i++) {
		ps.params[i].buffer_type = MYSQL_TYPE_LONGLONG;
		ps.params[i].buffer = &ps.values[i];
	}
	memset(ps.result, 0, sizeof(ps.result));
	ps.result[0].buffer_type = MYSQL_TYPE_STRING;
	ps.result[0].buffer = ps.first;
	ps.result[0].buffer_length = sizeof(ps.first) - 1;
	ps.result[0].length = &ps.first_len;
	ps.result[0].is_null = &ps.first_null;
}

static void do_prepare(const char *sql, char *buf, size_t size)
{
	if (ps.handle)
		mysql_stmt_close(ps.handle);
	ps.handle = mysql_stmt_init(conn);
	if (!ps.handle) {
		format_error(conn, buf, size);
		return;
	}
	if (mysql_stmt_prepare(ps.handle, sql, (unsigned long)strlen(sql))) {
		stmt_error(buf, size);
		return;
	}
	ps.nparams = mysql_stmt_param_count(ps.handle);
	if (ps.nparams > STMT_PARAMS_MAX) {
		snprintf(buf, size, "ERR 0 more than %d parameters", STMT_PARAMS_MAX);
		return;
	}
	stmt_bind();
	if ((ps.nparams && mysql_stmt_bind_param(ps.handle, ps.params)) ||
	    (mysql_stmt_field_count(ps.handle) && mysql_stmt_bind_result(ps.handle, ps.result))) {
		stmt_error(buf, size);
		return;
	}
	snprintf(buf, size, "OK params=%lu", ps.nparams);
}

/* \direct SQL: MariaDB's prepare-and-execute in one call, on a handle of
 * its own (its result is stored and dropped). */
static void do_direct(const char *sql, char *buf, size_t size)
{
#ifdef LIBMARIADB
	MYSQL_STMT *s = mysql_stmt_init(conn);

	if (!s) {
		format_error(conn, buf, size);
		return;
	}
	if (mariadb_stmt_execute_direct(s, sql, strlen(sql)) || mysql_stmt_store_result(s))
		snprintf(buf, size, "ERR %u %s", mysql_stmt_errno(s), mysql_stmt_error(s));
	else
		snprintf(buf, size, "OK");
	one_line(buf);
	mysql_stmt_close(s);
#else
	(void)sql;
	snprintf(buf, size, "ERR 0 not MariaDB Connector/C");
#endif
}

static void do_execute(const char *args, char *buf, size_t size)
{
	unsigned long long rows;
	int fetched;

	if (!ps.handle) {
		snprintf(buf, size, "ERR 0 nothing prepared");
		return;
	}
	for (unsigned long i = 0; i < ps.nparams; i++)
		ps.values[i] = strtoll(args, (char **)&args, 10);
	if (mysql_stmt_execute(ps.handle)) {
		stmt_error(buf, size);
		return;
	}
	if (!mysql_stmt_field_count(ps.handle)) {
		snprintf(buf, size, "OK affected=%llu",
			 (unsigned long long)mysql_stmt_affected_rows(ps.handle));
		return;
	}
	if (mysql_stmt_store_result(ps.handle)) {
		stmt_error(buf, size);
		return;
	}
	rows = mysql_stmt_num_rows(ps.handle);
	fetched = mysql_stmt_fetch(ps.handle);
	if (fetched == 1) {
		stmt_error(buf, size);
	} else {
		ps.first[ps.first_len < sizeof(ps.first) ? ps.first_len : sizeof(ps.first) - 1] = 0;
		snprintf(buf, size, "OK rows=%llu first=%s", rows,
			 fetched == MYSQL_NO_DATA ? "-" : ps.first_null ? "NULL" : ps.first);
	}
	mysql_stmt_free_result(ps.handle);
}

/* Backslash commands that map to one client library call. */
static bool handle_api_command(const char *line)
{
	if (strcmp(line, "\\commit") == 0) {
		if (!not_connected())
			reply_status(mysql_commit(conn));
	} else if (strcmp(line, "\\rollback") == 0) {
		if (!not_connected())
			reply_status(mysql_rollback(conn));
	} else if (strcmp(line, "\\reset") == 0) {
		if (!not_connected())
			reply_status(mysql_reset_connection(conn));
	} else if (strcmp(line, "\\ping") == 0) {
		if (!not_connected())
			reply_status(mysql_ping(conn));
	} else if (strncmp(line, "\\autocommit ", 12) == 0) {
		if (!not_connected())
			reply_status(mysql_autocommit(conn, atoi(line + 12) != 0));
	} else if (strncmp(line, "\\selectdb ", 10) == 0) {
		if (!not_connected())
			reply_status(mysql_select_db(conn, line + 10));
	} else if (strncmp(line, "\\charset ", 9) == 0) {
		if (!not_connected())
			reply_status(mysql_set_character_set(conn, line + 9));
	} else if (strncmp(line, "\\multi ", 7) == 0) {
		if (!not_connected())
			reply_status(mysql_set_server_option(conn, atoi(line + 7)
								   ? MYSQL_OPTION_MULTI_STATEMENTS_ON
								   : MYSQL_OPTION_MULTI_STATEMENTS_OFF));
	} else {
		return false;
	}
	return true;
}

/* Returns false when the program should end (\quit). */
static bool handle_line(const struct options *o, const char *line)
{
	char buf[1024];

	if (strcmp(line, "\\quit") == 0)
		return false;
	if (handle_api_command(line))
		return true;
	if (strcmp(line, "\\close") == 0) {
		if (conn)
			mysql_close(conn);
		conn = NULL;
		reply("OK");
	} else if (strcmp(line, "\\connect") == 0) {
		do_connect(o);
	} else if (strncmp(line, "\\fork ", 6) == 0) {
		do_fork(o, line + 6);
	} else if (strncmp(line, "\\send ", 6) == 0) {
		run_sql(o, line + 6, true, buf, sizeof(buf));
		reply("%s", buf);
	} else if (strncmp(line, "\\hold ", 6) == 0) {
		if (send_sql(o, line + 6, false) != 0)
			format_error(conn, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "HELD");
		reply("%s", buf);
	} else if (strncmp(line, "\\prepare ", 9) == 0) {
		do_prepare(line + 9, buf, sizeof(buf));
		reply("%s", buf);
	} else if (strncmp(line, "\\direct ", 8) == 0) {
		do_direct(line + 8, buf, sizeof(buf));
		reply("%s", buf);
	} else if (strncmp(line, "\\execute", 8) == 0) {
		do_execute(line + 8, buf, sizeof(buf));
		reply("%s", buf);
	} else if (strcmp(line, "\\storeall") == 0) {
		describe_each(buf, sizeof(buf));
		reply("%s", buf);
	} else if (strcmp(line, "\\store") == 0) {
		describe_results(buf, sizeof(buf));
		reply("%s", buf);
	} else if (line[0] == '\\') {
		reply("ERR 0 unknown command %s", line);
	} else {
		run_sql(o, line, false, buf, sizeof(buf));
		reply("%s", buf);
	}
	return true;
}

static void read_loop(const struct options *o)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!handle_line(o, line))
			break;
	}
	free(line);
}

int sqlpipe_main(int argc, char **argv)
{
	struct options o;
	char err[600];
	int rc = parse_options(argc, argv, &o);

	if (rc != 0) {
		if (rc < 0)
			usage(stderr);
		return rc < 0 ? 64 : 0;
	}
	conn = open_connection(&o, err, sizeof(err));
	if (!conn) {
		/* "ERR <errno> <message>" -> "CONNECT_ERR <errno> <message>" */
		reply("CONNECT_%s", err);
		return 2;
	}
	read_loop(&o);
	if (ps.handle)
		mysql_stmt_close(ps.handle);
	ps.handle = NULL;
	if (conn)
		mysql_close(conn);
	conn = NULL;
	return 0;
}

#ifndef SQLPIPE_AS_MODULE
int main(int argc, char **argv)
{
	return sqlpipe_main(argc, argv);
}
#endif
