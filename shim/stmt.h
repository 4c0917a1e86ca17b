/* stmt.h - prepared statements across reconnects.
 *
 * A reconnect leaves every statement handle of the connection unprepared
 * (Connector/C resets them; later calls fail with 2014).  The shim keeps
 * what the program did to each handle it created through mysql_stmt_init
 * (the text it prepared, the parameter and result binds it set), and a
 * statement whose session is gone is prepared again, with its binds,
 * before its next execution.  Statement attributes stay on the handle. */
#ifndef MYSQL_RECONNECT_STMT_H
#define MYSQL_RECONNECT_STMT_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

#include "real.h"

struct stmt {
	MYSQL_STMT *handle;
	MYSQL *mysql;
	char *text;                /* prepared (heap); NULL before */
	size_t len;
	unsigned long prepared_in; /* thread id of the session it was prepared in */
	MYSQL_BIND *params;        /* copies of the program's binds (heap) */
	MYSQL_BIND *results;
	bool long_data;            /* data sent with send_long_data since the last
				      execution: it died with a lost session */
};

/* Lock-free; NULL for a handle the shim did not see created. */
struct stmt *stmt_find(const MYSQL_STMT *handle);

/* The exported hooks' internals. */
MYSQL_STMT *shim_stmt_init(MYSQL *mysql);
int shim_stmt_prepare(MYSQL_STMT *handle, const char *text, unsigned long len);
my_bool shim_stmt_bind(MYSQL_STMT *handle, MYSQL_BIND *binds, bool params);
my_bool shim_stmt_send_long_data(MYSQL_STMT *handle, unsigned int param, const char *data,
				 unsigned long len);
int shim_stmt_call(MYSQL_STMT *handle, int kind);
my_bool shim_stmt_close(MYSQL_STMT *handle);

/* Prepared again, with its binds, if the session it was prepared in is
 * gone: 0, or non-zero with the library's error on the handles. */
int stmt_ready(const struct real_api *real, struct stmt *s);

/* A lost-connection error the library sets on the statement itself (a
 * program reads mysql_stmt_errno): it runs on a cut-off connection. */
void stmt_fail_lost(const struct real_api *real, struct stmt *s);

#endif
