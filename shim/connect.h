/* connect.h - the connection lifecycle behind the exported hooks. */
#ifndef MYSQL_RECONNECT_CONNECT_H
#define MYSQL_RECONNECT_CONNECT_H

#include <stdbool.h>

#include <mysql.h>

#include "config.h"
#include "conn.h"
#include "real.h"

MYSQL *shim_connect(MYSQL *mysql, const char *host, const char *user, const char *password,
		    const char *db, unsigned int port, const char *unix_socket,
		    unsigned long client_flag);

void shim_close(MYSQL *mysql);

int shim_options(MYSQL *mysql, enum mysql_option option, const void *arg);

/* The library reconnected the handle on its own: a fresh session. */
void connect_note_library_reconnect(const struct shim_config *cfg, const struct real_api *real,
				    struct conn *c, MYSQL *mysql);

/* A call on a handle the program closed lately (and did not connect
 * again) is logged, once: true then. */
bool connect_note_use_after_close(const struct shim_config *cfg, const MYSQL *mysql);

/* The handle uses MariaDB's non-blocking API: passed through. */
bool connect_nonblocking(const struct real_api *real, MYSQL *mysql);

/* Starts tracking a connected handle the shim has not seen connect; NULL
 * when it cannot (not connected, or no mariadb_get_infov). */
struct conn *connect_adopt(const struct shim_config *cfg, const struct real_api *real,
			   MYSQL *mysql);

#endif
