/* call.h - the internal function behind the exported hooks that talk to
 * the server (queries, commit, ping, ...).
 *
 * The success path of a call on a tracked connection: one lock-free
 * lookup, the real call under the re-entry guard, one coarse clock read
 * (vDSO).  Everything else happens only after a failure. */
#ifndef MYSQL_RECONNECT_CALL_H
#define MYSQL_RECONNECT_CALL_H

#include <mysql.h>

#include "conn.h"
#include "real.h"
#include "request.h"

int shim_call(MYSQL *mysql, const struct request *r);

/* shim_call for mysql_real_query: the same path, compiled for that kind. */
int shim_call_query(MYSQL *mysql, const char *text, unsigned long len);
int shim_call_store_result(MYSQL *mysql, MYSQL_RES **result);

/* The program's MYSQL_OPT_RECONNECT, off around I/O the shim does itself
 * outside shim_call (no-ops unless the program turned it on). */
void call_suspend_library_reconnect(const struct real_api *real, const struct conn *c,
				    MYSQL *mysql);
void call_resume_library_reconnect(const struct real_api *real, const struct conn *c,
				   MYSQL *mysql);

/* Before a call that reads a result the shim did not see asked for
 * (mysql_use_result, mysql_next_result, mysql_list_processes): the kept
 * statement no longer describes what mysql_store_result reads. */
void call_forget_result(MYSQL *mysql);

#endif
