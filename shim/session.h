/* session.h - what the shim knows of the session a handle holds: the
 * transaction record, kept exactly because the client library itself
 * forgets it on the way to reporting a lost connection.
 *
 * Connector/C's send path, when writing a command fails (EPIPE on a Unix
 * socket whose server end was closed), calls its own mariadb_reconnect,
 * which with reconnect off clears SERVER_STATUS_IN_TRANS before it
 * returns 2006.  So the status read after a failure cannot be trusted;
 * the one read before the call can. */
#ifndef MYSQL_RECONNECT_SESSION_H
#define MYSQL_RECONNECT_SESSION_H

#include <stdbool.h>

#include <mysql.h>

#include "conn.h"
#include "real.h"

/* Before a call goes out: note the server status the library keeps (a
 * memory read through mariadb_get_infov, no I/O).  A transaction the
 * record holds stays recorded when the status lost it only because the
 * connection died under a call the shim did not see. */
static inline void session_note_before_call(const struct real_api *real, struct conn *c,
					     MYSQL *m)
{
	unsigned now = 0;

	if (!real->mariadb_get_infov ||
	    real->mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &now))
		return;
	if ((c->status & SERVER_STATUS_IN_TRANS) && !(now & SERVER_STATUS_IN_TRANS) &&
	    real->mysql_get_socket(m) == (my_socket)-1)
		now |= SERVER_STATUS_IN_TRANS;
	c->status = now;
}

/* After the shim (re)established the connection: the fresh session's own
 * status replaces the record. */
void session_note_fresh(const struct real_api *real, struct conn *c, MYSQL *m);

static inline bool session_in_transaction(const struct conn *c)
{
	return (c->status & SERVER_STATUS_IN_TRANS) != 0;
}

/* Leave a real lost-connection error on the handle (2006, SQLSTATE HY000,
 * "MySQL server has gone away", exactly as the client library sets it)
 * without any I/O, for a call the shim fails itself: drivers such as Perl
 * DBI read the handle's error, not the return code. */
void session_set_gone_error(const struct real_api *real, MYSQL *m);

#endif
