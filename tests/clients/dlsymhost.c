/* dlsymhost - a program that never links the client library: it dlopen()s
 * libmariadb.so.3 RTLD_LOCAL and calls every function through a pointer
 * from dlsym() (as Tcl's tdbc::mysql does), so no preloaded symbol sees its
 * mysql_real_connect.  Only the library's own call from mysql_query to
 * mysql_real_query goes through its PLT.  Line protocol as sqlpipe:
 *
 *   SQL   OK rows=<n> first=<v|NULL|->  /  OK affected=<n>  /  ERR <errno> <msg>
 *
 * Options: --host --port --socket --user --password --database. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "connopts.h"

static struct {
	MYSQL *(*init)(MYSQL *);
	MYSQL *(*real_connect)(MYSQL *, const char *, const char *, const char *,
			       const char *, unsigned, const char *, unsigned long);
	int (*query)(MYSQL *, const char *);
	MYSQL_RES *(*store_result)(MYSQL *);
	MYSQL_ROW (*fetch_row)(MYSQL_RES *);
	my_ulonglong (*num_rows)(MYSQL_RES *);
	my_ulonglong (*affected_rows)(MYSQL *);
	unsigned (*field_count)(MYSQL *);
	void (*free_result)(MYSQL_RES *);
	unsigned (*err)(MYSQL *);
	const char *(*error)(MYSQL *);
	void (*close)(MYSQL *);
} api;

static int bind_api(void)
{
	void *lib = dlopen("libmariadb.so.3", RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return -1;
#define BIND(field, name) \
	if (!(*(void **)&api.field = dlsym(lib, name))) return -1
	BIND(init, "mysql_init");
	BIND(real_connect, "mysql_real_connect");
	BIND(query, "mysql_query");
	BIND(store_result, "mysql_store_result");
	BIND(fetch_row, "mysql_fetch_row");
	BIND(num_rows, "mysql_num_rows");
	BIND(affected_rows, "mysql_affected_rows");
	BIND(field_count, "mysql_field_count");
	BIND(free_result, "mysql_free_result");
	BIND(err, "mysql_errno");
	BIND(error, "mysql_error");
	BIND(close, "mysql_close");
#undef BIND
	return 0;
}

static void answer(MYSQL *m, const char *sql)
{
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (api.query(m, sql) != 0) {
		printf("ERR %u %s\n", api.err(m), api.error(m));
		return;
	}
	res = api.store_result(m);
	if (!res) {
		if (api.field_count(m))
			printf("ERR %u %s\n", api.err(m), api.error(m));
		else
			printf("OK affected=%llu\n", (unsigned long long)api.affected_rows(m));
		return;
	}
	row = api.fetch_row(res);
	printf("OK rows=%llu first=%s\n", (unsigned long long)api.num_rows(res),
	       !row ? "-" : row[0] ? row[0] : "NULL");
	api.free_result(res);
}

int main(int argc, char **argv)
{
	struct connopts o = {0};
	char *line = NULL;
	size_t cap = 0;
	MYSQL *m;

	if (connopts_parse(argc, argv, &o))
		return 64;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (bind_api() != 0) {
		printf("CONNECT_ERR 0 %s\n", dlerror());
		return 2;
	}
	m = api.init(NULL);
	if (!api.real_connect(m, o.host, o.user, o.password, o.database, o.port, o.socket, 0)) {
		printf("CONNECT_ERR %u %s\n", api.err(m), api.error(m));
		return 2;
	}
	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		answer(m, line);
	}
	free(line);
	api.close(m);
	return 0;
}
