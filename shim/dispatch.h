/* dispatch.h - the internal functions behind the exported hooks.
 *
 * The success path of a call on a tracked connection: one lock-free
 * lookup, the real call under the re-entry guard, one coarse clock read
 * (vDSO).  Everything else happens only after a failure. */
#ifndef MYSQL_RECONNECT_DISPATCH_H
#define MYSQL_RECONNECT_DISPATCH_H

#include <mysql.h>

#include "request.h"

int shim_call(MYSQL *mysql, const struct request *r);

MYSQL *shim_connect(MYSQL *mysql, const char *host, const char *user, const char *password,
		    const char *db, unsigned int port, const char *unix_socket,
		    unsigned long client_flag);

void shim_close(MYSQL *mysql);

int shim_options(MYSQL *mysql, enum mysql_option option, const void *arg);

#endif
