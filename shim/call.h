/* call.h - the internal function behind the exported hooks that talk to
 * the server (queries, commit, ping, ...).
 *
 * The success path of a call on a tracked connection: one lock-free
 * lookup, the real call under the re-entry guard, one coarse clock read
 * (vDSO).  Everything else happens only after a failure. */
#ifndef MYSQL_RECONNECT_CALL_H
#define MYSQL_RECONNECT_CALL_H

#include <mysql.h>

#include "request.h"

int shim_call(MYSQL *mysql, const struct request *r);

#endif
