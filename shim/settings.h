/* settings.h - the settings the program made to its session, and setting
 * them again on a fresh connection.
 *
 * The server reports every change of a session system variable once
 * session_track_system_variables='*' is on (MariaDB 10.3+, MySQL 5.7+):
 * the shim turns that on for each connection it manages, records the
 * changes when the server flags them, and after a reconnect sets them all
 * again in one statement.  Where the server cannot track, or
 * MYSQL_RECONNECT_SESSION_TRACKING=off, the program's own SET and USE
 * statements are recorded instead and sent again, one by one. */
#ifndef MYSQL_RECONNECT_SETTINGS_H
#define MYSQL_RECONNECT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

#include "classify.h"
#include "config.h"
#include "conn.h"
#include "real.h"

/* A connection the shim manages from now on: tracking on (one statement),
 * or the statement mode, logged once per process. */
void settings_enable_tracking(const struct shim_config *cfg, const struct real_api *real,
			      struct conn *c, MYSQL *m);

/* Records the server's report of changed system variables; true when the
 * connection character set changed without a reported collation. */
bool settings_read_tracked(const struct real_api *real, struct conn *c, MYSQL *m);

/* The server's state-change tracker reports a change of the session's
 * state (temporary tables, user variables, prepared statements, ...) with
 * the last answer. */
bool settings_state_change_reported(const struct real_api *real, MYSQL *m);

/* After a successful statement that changed the session: with tracking,
 * the collation of a SET NAMES ... COLLATE (collation_reset: the server
 * reported a new character set); without, the statement itself when it is
 * a SET of session variables or USE.  False when it changed the session in
 * a way that cannot be replayed. */
bool settings_note_statement(struct conn *c, const char *text, size_t len,
			     const struct sql_verdict *v, bool collation_reset);

/* SET @a = literal, ...: recorded to be sent again after a reconnect, which
 * gives the fresh session the same values.  False for any other user
 * variable assignment (the value could differ). */
bool settings_note_user_vars(struct conn *c, const char *text, size_t len);

/* SET ROLE ...: the last one is sent again after a reconnect (a fresh
 * session has the account's default role).  False when it cannot be
 * recorded. */
bool settings_note_role(struct conn *c, const char *text, size_t len);


/* On a fresh connection: tracking on, every recorded setting and
 * autocommit off when it was.  False, with the server's error on the
 * handle, when it refused. */
bool settings_restore(const struct real_api *real, struct conn *c, MYSQL *m,
		      bool autocommit_off);

/* The program starts over (change_user, reset_connection). */
void settings_forget(struct conn *c);

#endif
