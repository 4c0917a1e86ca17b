/* recover.h - what happens when a tracked connection is lost.
 *
 * Called only off the success path, with the re-entry guard held, so the
 * client library's calls back into the hooks pass straight through. */
#ifndef MYSQL_RECONNECT_RECOVER_H
#define MYSQL_RECONNECT_RECOVER_H

#include <stdbool.h>

#include "classify.h"
#include "config.h"
#include "conn.h"
#include "real.h"
#include "request.h"

/* The call r failed with rc: recover if the connection was lost, else
 * return rc unchanged. */
int recover_after_failure(const struct shim_config *cfg, const struct real_api *real,
			  struct conn *conn, MYSQL *mysql, const struct request *r, int rc);

/* What the call must do once recovery has dealt with its connection. */
struct before_call {
	bool run;                   /* run it (call.c's one success path); else
				       rc is its result */
	int rc;
	bool lost_state;            /* after it succeeds: the lost-state
				       bookkeeping, with verdict */
	struct sql_verdict verdict;
};

/* conn needs attention (dead, transaction lost, inherited across fork)
 * before r runs: deal with it, and say whether r runs now. */
struct before_call recover_before_call(const struct shim_config *cfg,
				       const struct real_api *real, struct conn *conn,
				       MYSQL *mysql, const struct request *r);

/* mysql_close in a forked child: make sure the close cannot reach the
 * parent's connection (no COM_QUIT on the shared socket). */
void recover_close_inherited(const struct shim_config *cfg, const struct real_api *real,
			     struct conn *conn, MYSQL *mysql);

#endif
