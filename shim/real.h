/* real.h - the client library's own functions, found at run time.
 *
 * The shim never links the client library.  The table is bound once, on
 * the first intercepted call (by then the caller's client library is
 * loaded), first with dlsym(RTLD_NEXT) and, when the library was
 * dlopen()ed RTLD_LOCAL by an extension module, from the loaded object
 * itself.  A symbol that would resolve to the shim is refused. */
#ifndef MYSQL_RECONNECT_REAL_H
#define MYSQL_RECONNECT_REAL_H

#include <mysql.h>

struct real_api {
	/* Interposed. */
	MYSQL *(*mysql_real_connect)(MYSQL *, const char *, const char *, const char *,
				     const char *, unsigned int, const char *, unsigned long);
	int (*mysql_real_query)(MYSQL *, const char *, unsigned long);
	void (*mysql_close)(MYSQL *);
	int (*mysql_options)(MYSQL *, enum mysql_option, const void *);
	int (*mysql_select_db)(MYSQL *, const char *);
	int (*mysql_set_character_set)(MYSQL *, const char *);
	my_bool (*mysql_autocommit)(MYSQL *, my_bool);
	my_bool (*mysql_commit)(MYSQL *);
	my_bool (*mysql_rollback)(MYSQL *);
	my_bool (*mysql_change_user)(MYSQL *, const char *, const char *, const char *);
	int (*mysql_ping)(MYSQL *);
	int (*mysql_reset_connection)(MYSQL *);
	/* Used by recovery. */
	unsigned int (*mysql_errno)(MYSQL *);
	const char *(*mysql_error)(MYSQL *);
	const char *(*mysql_character_set_name)(MYSQL *);
	const char *(*mysql_get_server_info)(MYSQL *);
	my_socket (*mysql_get_socket)(MYSQL *);
	int (*mysql_get_option)(MYSQL *, enum mysql_option, void *);
	my_ulonglong (*mysql_insert_id)(MYSQL *);
	MYSQL_RES *(*mysql_store_result)(MYSQL *);
	MYSQL_ROW (*mysql_fetch_row)(MYSQL_RES *);
	void (*mysql_free_result)(MYSQL_RES *);
	/* Session state tracking (MariaDB Connector/C 3, libmysqlclient 5.7+). */
	int (*mysql_session_track_get_first)(MYSQL *, enum enum_session_state_type,
					     const char **, size_t *);
	int (*mysql_session_track_get_next)(MYSQL *, enum enum_session_state_type,
					    const char **, size_t *);
	/* MariaDB Connector/C only; NULL elsewhere. */
	my_bool (*mariadb_reconnect)(MYSQL *);
	my_bool (*mariadb_get_infov)(MYSQL *, enum mariadb_value, void *, ...);
};

/* Bound on first use (pthread_once); entries may be NULL. */
const struct real_api *real_api(void);

/* Comma-separated names of required symbols that could not be bound, or "". */
const char *real_missing(void);

#endif
