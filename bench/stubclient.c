/* A stand-in client library whose calls succeed instantly, so that the
 * benchmark measures only what the shim adds to a successful call. */
#include <mysql.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#define EXPORT __attribute__((visibility("default")))

/* A connected socket whose peer stays open and silent: what the shim's
 * idle check peeks at. */
static int connection[2] = {-1, -1};

EXPORT MYSQL *STDCALL mysql_real_connect(MYSQL *m, const char *host, const char *user,
					 const char *passwd, const char *db, unsigned int port,
					 const char *sock, unsigned long flags)
{
	(void)host, (void)user, (void)passwd, (void)db, (void)port, (void)sock, (void)flags;
	if (connection[0] < 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, connection) < 0)
		return NULL;
	m->server_status = SERVER_STATUS_AUTOCOMMIT; /* kept in the handle, as Connector/C does */
	m->field_count = 1; /* the benchmark's statement is a SELECT */
	return m;
}

/* The server status, as Connector/C reports it: autocommit, no transaction. */
EXPORT my_bool mariadb_get_infov(MYSQL *m, enum mariadb_value value, void *arg, ...)
{
	if (value != MARIADB_CONNECTION_SERVER_STATUS)
		return 1;
	*(unsigned *)arg = m->server_status;
	return 0;
}

EXPORT int STDCALL mysql_real_query(MYSQL *m, const char *q, unsigned long len)
{
	(void)m, (void)q, (void)len;
	return 0;
}

EXPORT int STDCALL mysql_query(MYSQL *m, const char *q)
{
	return mysql_real_query(m, q, (unsigned long)strlen(q));
}

EXPORT void STDCALL mysql_close(MYSQL *m) { (void)m; }
/* The benchmark's statement is a SELECT: it returns a result set. */
EXPORT unsigned int STDCALL mysql_field_count(MYSQL *m) { return m->field_count; }
/* Results: every feature of the shim needs them to be there (its
 * recovery reads the server's evidence with them), none is called on the
 * success path measured here. */
EXPORT MYSQL_RES *STDCALL mysql_store_result(MYSQL *m) { (void)m; return NULL; }
EXPORT MYSQL_ROW STDCALL mysql_fetch_row(MYSQL_RES *r) { (void)r; return NULL; }
EXPORT void STDCALL mysql_free_result(MYSQL_RES *r) { (void)r; }
EXPORT int STDCALL mysql_options(MYSQL *m, enum mysql_option o, const void *a) { (void)m, (void)o, (void)a; return 0; }
EXPORT int STDCALL mysql_select_db(MYSQL *m, const char *db) { (void)m, (void)db; return 0; }
EXPORT int STDCALL mysql_set_character_set(MYSQL *m, const char *cs) { (void)m, (void)cs; return 0; }
EXPORT my_bool STDCALL mysql_autocommit(MYSQL *m, my_bool on) { (void)m, (void)on; return 0; }
EXPORT my_bool STDCALL mysql_commit(MYSQL *m) { (void)m; return 0; }
EXPORT my_bool STDCALL mysql_rollback(MYSQL *m) { (void)m; return 0; }
EXPORT my_bool STDCALL mysql_change_user(MYSQL *m, const char *u, const char *p, const char *d) { (void)m, (void)u, (void)p, (void)d; return 0; }
EXPORT int STDCALL mysql_ping(MYSQL *m) { (void)m; return 0; }
EXPORT unsigned int STDCALL mysql_errno(MYSQL *m) { (void)m; return 0; }
EXPORT const char *STDCALL mysql_error(MYSQL *m) { (void)m; return ""; }
EXPORT const char *STDCALL mysql_character_set_name(MYSQL *m) { (void)m; return "utf8mb4"; }
EXPORT char *STDCALL mysql_get_server_info(MYSQL *m) { static char v[] = "10.11.0-MariaDB"; (void)m; return v; }
EXPORT my_socket STDCALL mysql_get_socket(MYSQL *m) { (void)m; return connection[0]; }

/* Session tracking is on (the shim enables it) and reports nothing. */
EXPORT int STDCALL mysql_session_track_get_first(MYSQL *m, enum enum_session_state_type t,
						 const char **d, size_t *l)
{
	(void)m, (void)t, (void)d, (void)l;
	return 1;
}

EXPORT int STDCALL mysql_session_track_get_next(MYSQL *m, enum enum_session_state_type t,
						const char **d, size_t *l)
{
	(void)m, (void)t, (void)d, (void)l;
	return 1;
}
EXPORT int STDCALL mysql_get_option(MYSQL *m, enum mysql_option o, void *a) { (void)m, (void)o, (void)a; return 1; }
/* No init commands (the shim reads them at connect). */
EXPORT int STDCALL mysql_get_optionv(MYSQL *m, enum mysql_option o, void *a, ...)
{
	va_list ap;

	(void)m;
	if (o != MYSQL_INIT_COMMAND)
		return 1;
	va_start(ap, a);
	*(char ***)a = NULL;
	*va_arg(ap, unsigned *) = 0;
	va_end(ap);
	return 0;
}
