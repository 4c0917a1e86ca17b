/* events.h - every line an incident writes (events.c): one function per
 * event, one vocabulary of keys, documented in README.md ("The log") and
 * read by mysql-reconnect-report. */
#ifndef MYSQL_RECONNECT_EVENTS_H
#define MYSQL_RECONNECT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "config.h"
#include "diagnose.h"
#include "incident.h"
#include "logfmt.h"

/* The call a line is about, as plain values: the log takes no request. */
struct event_call {
	const char *name; /* "query", "commit", ... */
	const char *text; /* its statement, or NULL */
	size_t len;
};

/* A line of the incident: why (a code, or NULL), attempts, elapsed_ms,
 * outcome, remedy (or NULL).  statement_retried, statement_not_retried,
 * transaction_lost, transaction_rolled_back, commit_failed,
 * statement_refused, fork_detected. */
void event_incident(struct incident *inc, int severity, const char *event,
		    const char *outcome, const char *why, const char *remedy);

/* The same with the handle's error (errno, error) and, if not 0, the next
 * delay: reconnect_failed, statement_retried outcome=failed|lost_again,
 * gave_up after a re-send. */
void event_with_error(struct incident *inc, int severity, const char *event,
		      const char *outcome, const char *why, unsigned delay_ms);

/* connection_lost: the error, idle time, transaction, the call and its
 * class, the session state it held, the plan; the cause when the error
 * alone shows it (from the evidence recovery gathered). */
void event_connection_lost(struct incident *inc, const struct event_call *call,
			   const struct sql_verdict *v, const char *plan,
			   const struct evidence *evidence);

/* reconnected: the session restored, with the diagnosis. */
void event_reconnected(struct incident *inc, const struct evidence *evidence);

/* gave_up with why, and the diagnosis from the failed reconnects. */
void event_gave_up(struct incident *inc, const char *why, const struct evidence *evidence);

/* server_unreachable / server_back: once per outage per process. */
void event_server_state(struct incident *inc, bool back, uint64_t outage_ms);

/* statement_not_retried: longer than the server's max_allowed_packet. */
void event_too_large(struct incident *inc);

/* statement_refused: the call reads lost_state (SESSION_* bits), lost
 * with the connection. */
void event_statement_refused(struct incident *inc, const struct event_call *call,
			     const struct sql_verdict *v, unsigned lost_state);

/* call, class, statement_kind and the masked statement (if configured). */
void event_add_statement(const struct incident *inc, struct logline *line,
			 const struct event_call *call, const struct sql_verdict *v);

/* Lines outside incidents.  Once per process: */
void event_connection_adopted(const struct shim_config *cfg);
void event_library_reconnect_kept(const struct shim_config *cfg);
void event_nonblocking_passed_through(const struct shim_config *cfg);
void event_init_command_passed_through(const struct shim_config *cfg);
/* A connection failed the client-library layer's check of its structure. */
void event_layout_unverified(const struct shim_config *cfg, const char *library);
/* refused: the server refused tracking (its error is on m); else it is off */
void event_session_tracking_unavailable(const struct shim_config *cfg,
					const struct real_api *real, MYSQL *m, bool refused);
/* Each time: */
void event_library_reconnected(const struct shim_config *cfg, const char *host,
			       bool lost_transaction);
void event_used_after_close(const struct shim_config *cfg);
void event_config_invalid(const struct shim_config *cfg, const struct config_problem *p);
/* The client library lacks functions some features need: those are off
 * (all of them, and every call passed through, when passed_through). */
void event_library_features(const struct shim_config *cfg, const char *library, bool known,
			    const char *missing, const char *off, bool passed_through);

#endif
