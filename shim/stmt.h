/* stmt.h - prepared statements across reconnects.
 *
 * A reconnect leaves every statement handle of the connection unprepared
 * (Connector/C resets them; later calls fail with 2014).  The shim keeps
 * what the program did to each handle it created through mysql_stmt_init
 * (the text it prepared, the parameter and result binds it set), and a
 * statement whose session is gone is prepared again, with its binds,
 * before its next execution.  Statement attributes stay on the handle.
 * Where that cannot be done faithfully (the statement's parameters or
 * columns changed, or data sent with send_long_data died with the
 * session), the program gets what it would without the shim: 2014. */
#ifndef MYSQL_RECONNECT_STMT_H
#define MYSQL_RECONNECT_STMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "conn.h"
#include "real.h"

struct stmt {
	MYSQL_STMT *handle;
	MYSQL *mysql;
	struct conn *conn;         /* looked up at each call: NULL once closed */
	char *text;                /* prepared (heap); NULL: not prepared again */
	size_t len;
	uint64_t prepared_in;      /* conn->session_number it was prepared in */
	unsigned long prepared_thread; /* ... and the server's thread id then */
	MYSQL_BIND *params;        /* copies of the program's binds (heap) */
	MYSQL_BIND *results;
	unsigned long nparams, nresults; /* how many each copy holds */
	bool long_data;            /* data sent with send_long_data since the last
				      execution: it dies with the session */
	bool executed_with_long_data; /* the last execution carried such data */
};

/* The exported hooks' internals (stmt_hooks.c). */
MYSQL_STMT *shim_stmt_init(MYSQL *mysql);
int shim_stmt_prepare(MYSQL_STMT *handle, const char *text, unsigned long len);
my_bool shim_stmt_bind(MYSQL_STMT *handle, MYSQL_BIND *binds, bool params);
my_bool shim_stmt_send_long_data(MYSQL_STMT *handle, unsigned int param, const char *data,
				 unsigned long len);
int shim_stmt_call(MYSQL_STMT *handle, int kind);
int shim_stmt_execute_direct(MYSQL_STMT *handle, const char *text, size_t len);
my_bool shim_stmt_close(MYSQL_STMT *handle);

/* The record (stmt.c). */
/* Starts following a handle mysql_stmt_init made on m; stops (close). */
void stmt_track(MYSQL_STMT *handle, MYSQL *m);
void stmt_untrack(const MYSQL_STMT *handle);
/* Lock-free: the record, with its connection still open (a closed one may
 * be freed), or NULL. */
struct stmt *stmt_lookup(const MYSQL_STMT *handle);
/* The text it prepared, in the session it was prepared in; its binds;
 * forgetting both (a prepare, or a statement the shim cannot prepare again). */
bool stmt_keep_text(const struct real_api *real, struct stmt *s, const char *text, size_t len);
void stmt_keep_binds(const struct real_api *real, struct stmt *s, const MYSQL_BIND *binds,
		     bool params);
void stmt_forget_preparation(struct stmt *s);

/* Prepared again, with its binds, if the session it was prepared in is
 * gone: 0, or non-zero with the library's error on the statement. */
int stmt_ready(const struct real_api *real, struct stmt *s);

/* The call `kind` fails with a lost-connection error the library sets on
 * the statement itself (a program reads mysql_stmt_errno): it runs on a
 * cut-off connection.  True when a live connection had to be cut. */
bool stmt_fail_lost(const struct real_api *real, struct stmt *s, int kind, const char *text,
		    unsigned long len);

void stmt_atfork_prepare(void);
void stmt_atfork_parent(void);
void stmt_atfork_child(void);

#endif
