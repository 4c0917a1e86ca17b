/* policy.h - what to do about a failed call.  Pure decisions, no I/O. */
#ifndef MYSQL_RECONNECT_POLICY_H
#define MYSQL_RECONNECT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

enum lost_kind {
	LOST_NONE,         /* not a lost connection: the error is the program's */
	LOST_NOT_SENT,     /* lost before the statement reached the server */
	LOST_IN_FLIGHT,    /* lost after sending: it may have been executed */
	LOST_BY_STATEMENT, /* the statement itself broke it (packet too large) */
	LOST_READ_TIMEOUT, /* in flight, and the program's own read timeout fired:
			      it may still be running on the server */
};

/* 2006: the client library found the connection dead before or while
 * writing the command, so the server cannot have executed it.  4031
 * (ER_CLIENT_INTERACTION_TIMEOUT, only on a MySQL server) is the server's
 * notice that it closed an idle connection before reading the statement. */
enum lost_kind policy_lost_kind(unsigned err, bool server_is_mysql);

/* Reconnect errors that retrying cannot fix (access denied, unknown db ...). */
bool policy_error_is_final(unsigned err);

/* Delay before attempt `attempt` (2, 3, ...): exponential, capped, with
 * "equal jitter" from `random` so that many clients do not reconnect in
 * lock step. */
unsigned policy_backoff_ms(const struct shim_config *cfg, unsigned attempt, uint32_t random);

/* What the program's call is, as far as recovery cares. */
struct call_facts {
	bool safe;       /* may be re-sent outside a transaction */
	bool commits;    /* COMMIT, BEGIN or an implicit commit */
	bool rolls_back; /* ROLLBACK (or change_user) */
	bool depends_on_session; /* reads state of the lost session */
	bool opens_transaction;  /* a text that begins a transaction and goes on
				    (START TRANSACTION; UPDATE ...): the program
				    may be inside one, whatever result was lost */
	bool handle_closed; /* its statement handle died with the connection */
};

/* A statement that keeps losing the connection is sent again at most this
 * many times. */
#define POLICY_RESENDS_MAX 3

enum loss_action {
	ACTION_RESEND,          /* reconnect now and re-send */
	ACTION_RETURN_ERROR,    /* program gets the error; reconnect before its next call */
	ACTION_TRANSACTION_LOST,/* program gets the error; its transaction is gone */
	ACTION_ROLLBACK_FRESH,  /* transaction gone and it asked to roll back: reconnect, run it */
};

/* Outside a transaction: may the call run on the fresh connection?  A
 * statement that never reached the server may, unless it reads state of
 * the lost session; one that may have been executed only if it is safe. */
bool policy_may_send_again(enum lost_kind kind, const struct call_facts *call,
			   const char **why);

/* A statement sent again was lost again.  in_flight: how many of its
 * sends were lost in flight, this one included (twice: it may be what
 * breaks the connection, or kills the server); sends: how many times it
 * was sent again. */
bool policy_may_send_once_more(enum lost_kind kind, unsigned in_flight, unsigned sends,
			       const struct call_facts *call, const char **why);

/* The connection was lost during a call.  holds_state: the session held
 * state a reconnect cannot restore (temporary tables, locks, user
 * variables, ...): the program must be told, as without the shim. */
enum loss_action policy_on_loss(enum lost_kind kind, bool in_transaction, bool holds_state,
				const struct call_facts *call, const char **why);

enum lost_txn_action {
	LOST_TXN_ROLLBACK, /* reconnect and run the rollback: it succeeds */
	LOST_TXN_END,      /* fails, and ends the lost transaction (COMMIT, implicit commit) */
	LOST_TXN_REFUSE,   /* fails: the program is still inside the lost transaction */
};

/* A call while the program's transaction is lost. */
enum lost_txn_action policy_in_lost_transaction(const struct call_facts *call);

#endif
