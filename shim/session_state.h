/* session_state.h - the vocabulary of session state a fresh connection
 * cannot have (conn->session.held, conn->session.lost): the session record (session.h)
 * keeps it, recovery decides with it, the log names it.  At the bottom of
 * the library, so that each of them can use it. */
#ifndef MYSQL_RECONNECT_SESSION_STATE_H
#define MYSQL_RECONNECT_SESSION_STATE_H

#include <stddef.h>

/* Kinds of session state (conn->session.held, conn->session.lost). */
#define SESSION_TEMP_TABLES    0x01u /* temporary tables (may shadow base tables) */
#define SESSION_LOCKS          0x02u /* LOCK TABLES */
#define SESSION_USER_VARS      0x04u /* @variables */
#define SESSION_PREPARED       0x08u /* SQL PREPARE, HANDLER OPEN */
#define SESSION_UNTRACKED      0x10u /* changes the shim could not follow */
#define SESSION_LAST_RESULT    0x20u /* ROW_COUNT(), FOUND_ROWS() (lost only) */
#define SESSION_LAST_INSERT_ID 0x40u /* LAST_INSERT_ID() (lost only) */
#define SESSION_NEXT_TXN       0x80u /* SET TRANSACTION ... for the next transaction */
#define SESSION_ROLE          0x100u /* SET ROLE: a fresh session has the default role */
#define SESSION_ROUTINE       0x200u /* CALL, a stored function: code the shim cannot
					read may have locked, made tables, set @vars */
#define SESSION_ONE_SHOT      0x400u /* SET insert_id: for the next INSERT only */
#define SESSION_SEQUENCES     0x800u /* sequences' last values (lost only) */

/* Held state that makes a loss reach the program. */
#define SESSION_UNRESTORABLE (SESSION_TEMP_TABLES | SESSION_LOCKS | SESSION_USER_VARS | \
			      SESSION_PREPARED | SESSION_UNTRACKED | SESSION_NEXT_TXN | \
			      SESSION_ROLE | SESSION_ROUTINE | SESSION_ONE_SHOT)
/* Lost state any statement may depend on: all of them fail (with other
 * privileges, any statement may do what the program meant to forbid). */
#define SESSION_BLOCKING (SESSION_TEMP_TABLES | SESSION_LOCKS | SESSION_UNTRACKED | \
			  SESSION_ROLE | SESSION_ROUTINE)

/* "temporary_tables,user_variables" */
const char *session_state_names(unsigned bits, char *buf, size_t size);

#endif
