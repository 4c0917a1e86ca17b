/* session.c - the session record: transaction state and the error a call
 * the shim refuses leaves behind. */
#include "session.h"

void session_note_fresh(const struct real_api *real, struct conn *c, MYSQL *m)
{
	unsigned now = 0;

	if (real->mariadb_get_infov &&
	    real->mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &now) == 0)
		c->status = now;
}

void session_set_gone_error(const struct real_api *real, MYSQL *m)
{
	my_bool off = 0;

	/* With the library's reconnect off, mariadb_reconnect only sets
	 * CR_SERVER_GONE_ERROR and returns; a ping on a dead handle does the
	 * same where it is not exported. */
	real->mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	if (real->mariadb_reconnect)
		real->mariadb_reconnect(m);
	else
		real->mysql_ping(m);
}
