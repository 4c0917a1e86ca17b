/* recover.h - what happens when a tracked connection is lost.
 *
 * Called only off the success path, with the re-entry guard held, so the
 * client library's calls back into the hooks pass straight through. */
#ifndef MYSQL_RECONNECT_RECOVER_H
#define MYSQL_RECONNECT_RECOVER_H

#include "config.h"
#include "conn.h"
#include "real.h"
#include "request.h"

/* The call r failed with rc: recover if the connection was lost, else
 * return rc unchanged. */
int recover_after_failure(const struct shim_config *cfg, const struct real_api *real,
			  struct conn *conn, MYSQL *mysql, const struct request *r, int rc);

/* conn needs attention (dead, transaction lost, inherited across fork)
 * before r runs: deal with it, then run r.  Returns r's result. */
int recover_before_call(const struct shim_config *cfg, const struct real_api *real,
			struct conn *conn, MYSQL *mysql, const struct request *r);

/* mysql_close in a forked child: make sure the close cannot reach the
 * parent's connection (no COM_QUIT on the shared socket). */
void recover_close_inherited(const struct shim_config *cfg, const struct real_api *real,
			     struct conn *conn, MYSQL *mysql);

#endif
