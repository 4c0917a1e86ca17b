/* session.c - the session record: the transaction, state a fresh
 * connection cannot have, and what may run after it was lost. */
#include "session.h"

#include <stdio.h>
#include <strings.h>

#include "sock.h"

static unsigned held_by(const struct sql_verdict *v)
{
	return (v->facts & SQL_FACT_TEMP_TABLE ? SESSION_TEMP_TABLES : 0) |
	       (v->facts & SQL_FACT_TAKES_LOCK ? SESSION_LOCKS : 0) |
	       (v->facts & SQL_FACT_SETS_USER_VAR ? SESSION_USER_VARS : 0) |
	       (v->facts & SQL_FACT_PREPARES ? SESSION_PREPARED : 0) |
	       (v->facts & SQL_FACT_NEXT_TXN ? SESSION_NEXT_TXN : 0) |
	       (v->facts & SQL_FACT_SETS_ROLE ? SESSION_ROLE : 0) |
	       (v->facts & SQL_FACT_RUNS_ROUTINE ? SESSION_ROUTINE : 0);
}

void session_note_statement(const struct real_api *real, struct conn *c, MYSQL *m,
			    const char *text, size_t len, bool state_changed)
{
	struct sql_verdict v;
	/* Read here, after the statement, and not again before the next one:
	 * only here is the statement at hand (SET NAMES ... COLLATE). */
	bool collation_reset = state_changed && settings_read_tracked(real, c, m);
	unsigned held;

	if (!text) {
		settings_note_statement(c, NULL, 0, NULL, collation_reset);
		return;
	}
	sql_classify(text, len,
		     c->session.status & SERVER_STATUS_NO_BACKSLASH_ESCAPES ? SQL_NO_BACKSLASH_ESCAPES : 0,
		     &v);
	held = held_by(&v);
	/* SET ROLE, alone in its text, is set again as it was. */
	if ((held & SESSION_ROLE) && !(v.facts & SQL_FACT_MULTI) &&
	    settings_note_role(c, text, len))
		held &= ~SESSION_ROLE;
	/* SET @k = <literal> is set again, exactly. */
	if ((held & SESSION_USER_VARS) && settings_note_user_vars(c, text, len))
		held &= ~SESSION_USER_VARS;
	if (!settings_note_statement(c, text, len, &v, collation_reset))
		held |= SESSION_UNTRACKED;
	/* The server says the session's state changed (a temporary table, a
	 * user variable, a prepared statement) and the text does not say how:
	 * a trigger or a routine did it. */
	if (state_changed && !(v.facts & SQL_FACT_CHANGES_SESSION) &&
	    settings_state_change_reported(real, m))
		held |= SESSION_UNTRACKED;
	c->session.held |= held;
}

/* ---- starting, losing and restoring a session --------------------------- */

/* Cutting the socket loose makes the client library report 2006 itself,
 * so recovery follows its usual rules. */
void session_check_peer(struct conn *c, MYSQL *m, const struct real_api *real)
{
	int fd = client_socket(real, m);

	c->found_closed = false;
	if (fd >= 0 && sock_peer_closed(fd)) {
		c->found_closed_error = sock_pending_error(fd);
		c->found_closed = sock_detach(fd);
	}
}

bool session_init_commands(const struct real_api *real, MYSQL *m, unsigned *held)
{
	char **commands;
	unsigned count;
	int found = client_init_commands(real, m, &commands, &count);

	*held = 0;
	if (found < 0)
		return false; /* some, unreadable: the shim cannot know what they do */
	for (unsigned i = 0; i < count; i++) {
		struct sql_verdict v;
		size_t len = commands[i] ? strlen(commands[i]) : 0;

		sql_classify(commands[i], len, 0, &v);
		/* a plain SET of session variables is the same on every connect */
		if (!v.safe && v.reason != SQL_REASON_SESSION)
			return false;
		if (v.facts & (SQL_FACT_WRITE | SQL_FACT_SIDE_EFFECT))
			return false;
		*held |= held_by(&v) | (v.reason == SQL_REASON_SESSION && !v.safe
						? SESSION_UNTRACKED : 0);
	}
	return true;
}

void session_start_over(const struct shim_config *cfg, const struct real_api *real,
			struct conn *c, MYSQL *m)
{
	settings_forget(c);
	c->session.held = c->session.init_held;
	c->session.lost = 0;
	c->session.insert_id_seen = c->session.insert_id_at_loss = false;
	c->flags &= ~CONN_STATE_LOST;
	settings_enable_tracking(cfg, real, c, m);
}

void session_note_loss(const struct real_api *real, struct conn *c, MYSQL *m)
{
	/* mysql_insert_id() is the last statement's; the session's
	 * LAST_INSERT_ID() outlives it. */
	c->session.insert_id_at_loss = c->session.insert_id_seen ||
			       (real->mysql_insert_id && real->mysql_insert_id(m) != 0);
}

void session_note_fresh(const struct real_api *real, struct conn *c, MYSQL *m)
{
	if (client_status_known())
		c->session.status = client_status(m);
	c->thread_id = real->mysql_thread_id ? real->mysql_thread_id(m) : 0;
	c->session_number++;
}

bool session_restore(const struct real_api *real, struct conn *c, MYSQL *m,
		     bool autocommit_off)
{
	if (!settings_restore(real, c, m, autocommit_off))
		return false;
	/* The connect-time capability is back on: the program turned it off. */
	if (c->session.multi_statements_off &&
	    (!real->mysql_set_server_option ||
	     real->mysql_set_server_option(m, MYSQL_OPTION_MULTI_STATEMENTS_OFF)))
		return false;
	c->session.lost |= (c->session.held & (SESSION_BLOCKING | SESSION_USER_VARS)) | SESSION_LAST_RESULT |
		   (c->session.insert_id_at_loss ? SESSION_LAST_INSERT_ID : 0);
	c->session.held = 0;
	c->session.insert_id_seen = false;
	c->flags |= CONN_STATE_LOST;
	return true;
}

/* ---- after the loss ---------------------------------------------------- */

unsigned session_refusal(const struct conn *c, const struct sql_verdict *v)
{
	unsigned reads = 0;

	if (c->session.lost & SESSION_BLOCKING)
		return c->session.lost & SESSION_BLOCKING;
	if (v->facts & SQL_FACT_READS_USER_VAR)
		reads |= SESSION_USER_VARS;
	if (v->facts & SQL_FACT_READS_LAST_RESULT)
		reads |= SESSION_LAST_RESULT | SESSION_LAST_INSERT_ID;
	if (v->facts & SQL_FACT_READS_SEQUENCE)
		reads |= SESSION_SEQUENCES;
	return reads & c->session.lost;
}

/* ROW_COUNT() and FOUND_ROWS() describe the previous statement only: the
 * program's, not a ping after which they still answer for the shim's own
 * queries on the fresh session; a statement that generated an id sets
 * LAST_INSERT_ID() again; assigning user variables is how a program sets
 * them up again (any of them: the shim does not know their names). */
void session_after_lost_call(const struct real_api *real, struct conn *c, MYSQL *m,
			     const struct request *r, const struct sql_verdict *v)
{
	size_t len;

	if (request_statement(r, &len))
		c->session.lost &= ~SESSION_LAST_RESULT;
	if (real->mysql_insert_id && real->mysql_insert_id(m))
		c->session.lost &= ~SESSION_LAST_INSERT_ID;
	if (v->facts & SQL_FACT_SETS_USER_VAR)
		c->session.lost &= ~SESSION_USER_VARS;
	if (!c->session.lost)
		c->flags &= ~CONN_STATE_LOST;
}


void session_set_gone_error(const struct real_api *real, struct conn *c, MYSQL *m)
{
	/* mariadb_reconnect (which sets it) also clears
	 * SERVER_STATUS_IN_TRANS of a live handle: the record keeps the
	 * transaction until the server says. */
	c->session.keep_in_trans = (c->session.status & SERVER_STATUS_IN_TRANS) != 0;
	client_set_gone_error(real, m);
}
