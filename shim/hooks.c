/* hooks.c - the exported functions: the only symbols the shim exports
 * (the HOOK lines of hooks.def).  Each is a thin wrapper over an internal
 * function. */
#include <mysql.h>
#include <string.h>

#include "call.h"
#include "connect.h"
#include "guard.h"
#include "hooks.h"
#include "real.h"
#include "request.h"
#include "stmt.h"

#define EXPORT __attribute__((visibility("default")))

/* Each hook has the client library's own signature (mysql.h). */
#define HOOK(name, ret, params, needed_by)                                         \
	_Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret(*) params), \
		       #name " in hooks.def differs from mysql.h");
#include "hooks.def"

EXPORT MYSQL *STDCALL mysql_real_connect(MYSQL *mysql, const char *host, const char *user,
					 const char *passwd, const char *db, unsigned int port,
					 const char *unix_socket, unsigned long clientflag)
{
	return shim_connect(mysql, host, user, passwd, db, port, unix_socket, clientflag);
}

EXPORT int STDCALL mysql_real_query(MYSQL *mysql, const char *q, unsigned long length)
{
	return shim_call_query(mysql, q, length);
}

/* mysql_query is mysql_real_query with strlen() (in Connector/C and in
 * libmysqlclient): calling the latter directly spares a second pass
 * through the shim, via the library's own call of it. */
EXPORT int STDCALL mysql_query(MYSQL *mysql, const char *q)
{
	const struct real_api *real = real_api();

	if (__builtin_expect(!real->mysql_real_query, 0)) /* then nothing is followed */
		return real->mysql_query ? real->mysql_query(mysql, q) : 1;
	return shim_call_query(mysql, q, q ? strlen(q) : 0);
}

EXPORT void STDCALL mysql_close(MYSQL *sock)
{
	shim_close(sock);
}

EXPORT int STDCALL mysql_options(MYSQL *mysql, enum mysql_option option, const void *arg)
{
	return shim_options(mysql, option, arg);
}

EXPORT int STDCALL mysql_select_db(MYSQL *mysql, const char *db)
{
	struct request r = {.kind = REQ_SELECT_DB, .text = db};

	return shim_call(mysql, &r);
}

EXPORT int STDCALL mysql_set_character_set(MYSQL *mysql, const char *csname)
{
	struct request r = {.kind = REQ_SET_CHARSET, .text = csname};

	return shim_call(mysql, &r);
}

EXPORT my_bool STDCALL mysql_autocommit(MYSQL *mysql, my_bool auto_mode)
{
	struct request r = {.kind = REQ_AUTOCOMMIT, .flag = auto_mode};

	return (my_bool)shim_call(mysql, &r);
}

EXPORT my_bool STDCALL mysql_commit(MYSQL *mysql)
{
	struct request r = {.kind = REQ_COMMIT};

	return (my_bool)shim_call(mysql, &r);
}

EXPORT my_bool STDCALL mysql_rollback(MYSQL *mysql)
{
	struct request r = {.kind = REQ_ROLLBACK};

	return (my_bool)shim_call(mysql, &r);
}

EXPORT my_bool STDCALL mysql_change_user(MYSQL *mysql, const char *user, const char *passwd,
					 const char *db)
{
	struct request r = {.kind = REQ_CHANGE_USER, .text = user, .password = passwd, .db = db};

	return (my_bool)shim_call(mysql, &r);
}

EXPORT int STDCALL mysql_reset_connection(MYSQL *mysql)
{
	struct request r = {.kind = REQ_RESET_CONNECTION};

	return shim_call(mysql, &r);
}

EXPORT int STDCALL mysql_send_query(MYSQL *mysql, const char *q, unsigned long length)
{
	struct request r = {.kind = REQ_SEND_QUERY, .text = q, .len = length};

	return shim_call(mysql, &r);
}

EXPORT my_bool STDCALL mysql_read_query_result(MYSQL *mysql)
{
	struct request r = {.kind = REQ_READ_QUERY_RESULT};

	return (my_bool)shim_call(mysql, &r);
}

EXPORT MYSQL_RES *STDCALL mysql_store_result(MYSQL *mysql)
{
	MYSQL_RES *result = NULL;

	return shim_call_store_result(mysql, &result) ? NULL : result;
}

EXPORT int STDCALL mysql_next_result(MYSQL *mysql)
{
	int more = 1;
	struct request r = {.kind = REQ_NEXT_RESULT, .more = &more};

	return shim_call(mysql, &r) ? (more > 0 ? more : 1) : more;
}

/* MYSQL_OPTION_MULTI_STATEMENTS_OFF is a program's guard against injected
 * statements: a fresh session has it again (session.h). */
EXPORT int STDCALL mysql_set_server_option(MYSQL *mysql, enum enum_mysql_set_option option)
{
	struct request r = {.kind = REQ_SET_SERVER_OPTION, .flag = (my_bool)option};

	return shim_call(mysql, &r);
}

EXPORT int STDCALL mysql_ping(MYSQL *mysql)
{
	struct request r = {.kind = REQ_PING};

	return shim_call(mysql, &r);
}

EXPORT MYSQL_STMT *STDCALL mysql_stmt_init(MYSQL *mysql)
{
	return shim_stmt_init(mysql);
}

EXPORT int STDCALL mysql_stmt_prepare(MYSQL_STMT *stmt, const char *q, unsigned long length)
{
	return shim_stmt_prepare(stmt, q, length);
}

EXPORT my_bool STDCALL mysql_stmt_bind_param(MYSQL_STMT *stmt, MYSQL_BIND *binds)
{
	return shim_stmt_bind(stmt, binds, true);
}

EXPORT my_bool STDCALL mysql_stmt_bind_result(MYSQL_STMT *stmt, MYSQL_BIND *binds)
{
	return shim_stmt_bind(stmt, binds, false);
}

EXPORT my_bool STDCALL mysql_stmt_send_long_data(MYSQL_STMT *stmt, unsigned int param,
						 const char *data, unsigned long length)
{
	return shim_stmt_send_long_data(stmt, param, data, length);
}

EXPORT int STDCALL mysql_stmt_execute(MYSQL_STMT *stmt)
{
	return shim_stmt_call(stmt, REQ_STMT_EXECUTE);
}

EXPORT int STDCALL mysql_stmt_store_result(MYSQL_STMT *stmt)
{
	return shim_stmt_call(stmt, REQ_STMT_STORE_RESULT);
}

EXPORT my_bool STDCALL mysql_stmt_close(MYSQL_STMT *stmt)
{
	return shim_stmt_close(stmt);
}

EXPORT int STDCALL mariadb_stmt_execute_direct(MYSQL_STMT *stmt, const char *q, size_t length)
{
	return shim_stmt_execute_direct(stmt, q, length);
}

/* This one only ends the statement kept for mysql_store_result, and passes
 * through. */
EXPORT MYSQL_RES *STDCALL mysql_use_result(MYSQL *mysql)
{
	const struct real_api *real = real_api();

	call_forget_result(mysql);
	return real->mysql_use_result ? real->mysql_use_result(mysql) : NULL;
}


/* Under the guard: it stores its result with the library's own
 * mysql_store_result. */
EXPORT MYSQL_RES *STDCALL mysql_list_processes(MYSQL *mysql)
{
	const struct real_api *real = real_api();
	MYSQL_RES *result;

	if (!real->mysql_list_processes)
		return NULL;
	call_forget_result(mysql);
	guard_enter();
	result = real->mysql_list_processes(mysql);
	guard_leave();
	return result;
}

struct hook_entry {
	const char *name;
	void *fn;
};

static const struct hook_entry hook_table[] = {
#define HOOK(name, ret, params, needed_by) {#name, (void *)&name},
#include "hooks.def"
};

void *hook_named(const char *name)
{
	for (size_t i = 0; i < sizeof(hook_table) / sizeof(hook_table[0]); i++)
		if (strcmp(hook_table[i].name, name) == 0)
			return hook_table[i].fn;
	return NULL;
}
