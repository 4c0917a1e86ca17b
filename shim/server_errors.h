/* server_errors.h - error numbers the shim decides on that MariaDB
 * Connector/C's headers (mysqld_error.h, errmsg.h) do not define, each
 * defined once. */
#ifndef MYSQL_RECONNECT_SERVER_ERRORS_H
#define MYSQL_RECONNECT_SERVER_ERRORS_H

/* MySQL 8.0.24+: the server closed an idle connection, saying so (on a
 * MariaDB server 4031 means something else). */
#define MYSQL_ER_CLIENT_INTERACTION_TIMEOUT 4031
/* MySQL's ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB's is 4151). */
#define MYSQL_ER_ACCOUNT_LOCKED 3118
/* Connector/C's CR_ERR_NET_WRITE: a write failed where it had queued several
 * commands. */
#define MARIADB_CR_ERR_NET_WRITE 5014

#endif
