/* session.h - the session a handle holds, as the shim must know it to
 * replace it: the transaction record, the settings the program made, and
 * the state a fresh connection cannot have.
 *
 * Transactions.  Connector/C's send path, when writing a command fails
 * (EPIPE on a Unix socket whose server end was closed), calls its own
 * mariadb_reconnect, which with reconnect off clears SERVER_STATUS_IN_TRANS
 * before it returns 2006.  So the status read after a failure cannot be
 * trusted; the one read before the call can.
 *
 * Settings (settings.h) are read only when the server flags
 * SERVER_SESSION_STATE_CHANGED, and set again after a reconnect.
 *
 * State that cannot be restored (temporary tables, locks, user variables,
 * PREPAREd statements, what the last statement left for LAST_INSERT_ID()):
 * a loss of a session holding it reaches the program, and afterwards the
 * statements that would read it fail until the program starts over. */
#ifndef MYSQL_RECONNECT_SESSION_H
#define MYSQL_RECONNECT_SESSION_H

#include <stdbool.h>
#include <string.h>

#include <mysql.h>

#include "classify.h"
#include "client.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "real.h"
#include "request.h"
#include "session_state.h"
#include "sql_lex.h"
#include "settings.h"

/* After a successful statement the server flagged (state_changed) or that
 * may hold state: what it changed or left in the session. */
void session_note_statement(const struct real_api *real, struct conn *c, MYSQL *m,
			    const char *text, size_t len, bool state_changed);

/* Before a call goes out: note the server status the library keeps (a
 * memory read, no call, no I/O).  A transaction the record holds stays
 * recorded when the status lost it only because the connection died under
 * a call the shim did not see. */
static inline void session_note_before_call(const struct real_api *real, struct conn *c,
					     MYSQL *m)
{
	unsigned now = client_status(m);

	if (!client_status_known())
		return;
	if ((c->session.status & SERVER_STATUS_IN_TRANS) && !(now & SERVER_STATUS_IN_TRANS) &&
	    (c->session.keep_in_trans || client_socket(real, m) < 0))
		now |= SERVER_STATUS_IN_TRANS;
	c->session.keep_in_trans = false;
	if (now & SERVER_SESSION_STATE_CHANGED) /* say, a later result of a multi-statement */
		settings_read_tracked(real, c, m);
	c->session.status = now;
}

void session_check_peer(struct conn *c, MYSQL *m, const struct real_api *real);

/* Before a call: its start is noted (for the read timeout), and a
 * connection idle for a while may have been closed by the server (KILL,
 * wait_timeout, restart): found out before the call, its statement is sent
 * once, on a fresh connection, instead of being written into a dead one
 * where it may or may not have arrived. */
static inline void session_check_idle(const struct shim_config *cfg,
				      const struct real_api *real, struct conn *c, MYSQL *m)
{
	c->call_start_ms = clock_coarse_ms();
	if (__builtin_expect(c->call_start_ms - c->last_used_ms >= cfg->check_idle_ms, 0))
		session_check_peer(c, m, real);
}

/* Could this statement have left state the server does not flag?  The
 * lexer's look (sql_may_hold_state); true sends it to the classifier.  (A
 * text of several statements goes there too: the server says so,
 * SERVER_MORE_RESULTS_EXIST, session_after_success.) */
static inline bool session_text_may_hold(const struct conn *c, const char *text, size_t len)
{
	return sql_may_hold_state(text, len, c->session.tracking);
}

void session_start_over(const struct shim_config *cfg, const struct real_api *real,
			struct conn *c, MYSQL *m);

/* The program's MYSQL_INIT_COMMANDs, which the client library runs again
 * on every connect, reconnects included: *held, the session state they
 * hold (SESSION_* bits, for conn->session.init_held), or false when one of them
 * may write or is not understood: a reconnect would run it again, so such
 * a handle is not the shim's to reconnect.  Read before the handle has a
 * record: no allocation and no lock for a handle passed through. */
bool session_init_commands(const struct real_api *real, MYSQL *m, unsigned *held);

/* A statement that returned a result set, or more than one result: kept
 * until they are read, so that a result lost while mysql_store_result or
 * mysql_next_result reads it can be asked for again. */
static inline void session_keep_result_of(const struct real_api *real, struct conn *c,
					  MYSQL *m, const char *text, size_t len, unsigned status)
{
	c->result_index = 0;
	(void)real;
	if (text && ((status & SERVER_MORE_RESULTS_EXIST) || client_field_count(m)))
		conn_keep_text(&c->result_of, text, len);
	else
		c->result_of.known = false;
}

/* After a call succeeded (on the success path and in recovery alike): the
 * status the server just sent is the record now (a later call the shim
 * does not see may still lose it), and what the call left in the session
 * is noted.  Observe mode changes nothing, so it notes nothing. */
static inline __attribute__((always_inline)) void session_after_success(const struct shim_config *cfg,
					 const struct real_api *real, struct conn *c, MYSQL *m,
					 const struct request *r)
{
	unsigned status = 0;
	size_t len;
	const char *text;
	bool changed;

	c->last_used_ms = clock_coarse_ms();
	if (!request_sent_before(r))
		c->result_of.known = false; /* kept again below for a statement */
	if (r->kind == REQ_SEND_QUERY) {
		/* Nothing is answered yet: the answer is noted when it is read. */
		conn_keep_text(&c->sent, r->text, r->len);
		return;
	}
	if (!client_status_known())
		return;
	status = client_status(m);
	c->session.status = status;
	if (cfg->mode != SHIM_MODE_ON)
		return;
	if ((c->session.held & SESSION_NEXT_TXN) && (status & SERVER_STATUS_IN_TRANS))
		c->session.held &= ~SESSION_NEXT_TXN; /* the transaction it was for began */
	/* the calls that change the session wholesale */
	if (__builtin_expect(request_changes_session(r), 0)) {
		if (r->kind == REQ_SET_SERVER_OPTION)
			c->session.multi_statements_off = r->flag == MYSQL_OPTION_MULTI_STATEMENTS_OFF;
		else
			session_start_over(cfg, real, c, m);
		return;
	}
	if (!c->session.insert_id_seen && client_insert_id(m))
		c->session.insert_id_seen = true;
	if (r->kind == REQ_STMT_PREPARE)
		return; /* prepared, not run */
	text = request_statement(r, &len);
	if (r->kind == REQ_REAL_QUERY || r->kind == REQ_READ_QUERY_RESULT)
		session_keep_result_of(real, c, m, text, len, status);
	if (r->stmt && !c->session.tracking && text && session_text_may_hold(c, text, len)) {
		/* a prepared SET has no value to replay: "SET x = ?" */
		c->session.held |= SESSION_UNTRACKED;
		return;
	}
	changed = (status & SERVER_SESSION_STATE_CHANGED) != 0;
	/* more results: a later statement of the text, which the look at the
	 * first word does not read, may have made state */
	if ((status & (SERVER_SESSION_STATE_CHANGED | SERVER_MORE_RESULTS_EXIST)) ||
	    (text && session_text_may_hold(c, text, len)))
		session_note_statement(real, c, m, text, len, changed);
}

/* After the shim (re)established the connection: the fresh session's own
 * status replaces the record. */
void session_note_fresh(const struct real_api *real, struct conn *c, MYSQL *m);

static inline bool session_in_transaction(const struct conn *c)
{
	return (c->session.status & SERVER_STATUS_IN_TRANS) != 0;
}

/* The connection is lost: remember what went with it. */
void session_note_loss(const struct real_api *real, struct conn *c, MYSQL *m);

/* On a fresh connection: tracking on, every setting the program made, and
 * autocommit off when it was, in one statement.  False (with the server's
 * error on the handle) when the server refused it.  Afterwards conn->session.lost
 * says what the program's statements may no longer read. */
bool session_restore(const struct real_api *real, struct conn *c, MYSQL *m,
		     bool autocommit_off);

/* After session_restore, what the server says the lost session may have
 * held although the shim saw nothing of it: a named lock taken by code the
 * shim cannot read (SESSION_LOCKS), or sequences' last values, which a
 * NEXTVAL the shim does not look for set (SESSION_SEQUENCES). */
static inline void session_note_lost_unseen(struct conn *c, unsigned lost)
{
	c->session.lost |= lost;
	if (lost)
		c->flags |= CONN_STATE_LOST;
}

/* With CONN_STATE_LOST: the lost state this call would read (0: it may
 * run), and the bookkeeping after it ran. */
unsigned session_refusal(const struct conn *c, const struct sql_verdict *v);
void session_after_lost_call(const struct real_api *real, struct conn *c, MYSQL *m,
			     const struct request *r, const struct sql_verdict *v);

/* Leave a real lost-connection error on the handle (2006, SQLSTATE HY000,
 * "MySQL server has gone away", exactly as the client library sets it)
 * without any I/O, for a call the shim fails itself: drivers such as Perl
 * DBI read the handle's error, not the return code. */
void session_set_gone_error(const struct real_api *real, struct conn *c, MYSQL *m);

#endif
