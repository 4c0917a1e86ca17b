/* events.c - every line an incident writes, with one vocabulary (README.md,
 * "The log"): identity and incident first (incident.h), then the keys of
 * each event.  Keys: attempts (reconnect attempts so far in the incident),
 * elapsed_ms, errno/error, why (a code: why the shim did what it did),
 * statement_kind ("read: SELECT"), outcome, cause/remedy and the evidence
 * of the diagnosis (idle_ms, timeout_s, uptime_s, outage_ms). */
#include "events.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <errmsg.h>

#include "clock.h"
#include "diagnose.h"
#include "log.h"
#include "session_state.h"


void event_incident(struct incident *inc, int severity, const char *event,
		    const char *outcome, const char *why, const char *remedy)
{
	struct logline l;

	incident_line(inc, &l, severity, event);
	if (why)
		logline_str(&l, "why", why);
	logline_uint(&l, "attempts", inc->attempt);
	logline_uint(&l, "elapsed_ms", incident_elapsed_ms(inc));
	logline_str(&l, "outcome", outcome);
	if (remedy)
		logline_str(&l, "remedy", remedy);
	incident_emit(inc, &l);
}

void event_statement_refused(struct incident *inc, const struct event_call *call,
			     const struct sql_verdict *v, unsigned lost_state)
{
	char names[128];
	struct logline l;

	incident_line(inc, &l, LOG_ERR, "statement_refused");
	event_add_statement(inc, &l, call, v);
	logline_str(&l, "lost_state", session_state_names(lost_state, names, sizeof(names)));
	logline_str(&l, "outcome", "error_returned");
	logline_str(&l, "remedy", "it reads session state lost with the connection; it fails "
		    "until the program sets that up again or reconnects");
	incident_emit(inc, &l);
}

void event_add_statement(const struct incident *inc, struct logline *l,
			 const struct event_call *call, const struct sql_verdict *v)
{
	char kind[96];
	size_t len = call->len;
	const char *text = call->text;

	snprintf(kind, sizeof(kind), "%s: %s", sql_reason_name(v->reason),
		 v->what ? v->what : "-");
	logline_str(l, "call", call->name);
	logline_str(l, "class", v->safe ? "safe" : "unsafe");
	logline_str(l, "statement_kind", kind);
	if (text && inc->cfg->log_statements) {
		logline_statement(l, "statement", text, len, CONFIG_STATEMENT_LOG_MAX,
				  inc->status & SERVER_STATUS_NO_BACKSLASH_ESCAPES
					  ? SQL_NO_BACKSLASH_ESCAPES : 0);
		logline_uint(l, "statement_bytes", len);
	}
}

/* ---- diagnosis ---------------------------------------------------- */

static void add_cause(struct logline *l, enum cause cause)
{
	logline_str(l, "cause", cause_name(cause));
	logline_str(l, "remedy", cause_remedy(cause));
}

/* On connection_lost, the causes the error alone shows. */
static void add_early_cause(struct logline *l, const struct evidence *e)
{
	enum cause cause = diagnose_early(e);

	if (cause != CAUSE_UNKNOWN)
		add_cause(l, cause);
}

/* On the line that ends the reconnecting (reconnected, gave_up): the
 * cause and its evidence. */
static void add_diagnosis(struct logline *l, const struct evidence *e)
{
	logline_uint(l, "idle_ms", e->idle_ms);
	if (e->timeout_s >= 0)
		logline_uint(l, "timeout_s", (unsigned long long)e->timeout_s);
	if (e->uptime_s >= 0)
		logline_uint(l, "uptime_s", (unsigned long long)e->uptime_s);
	logline_uint(l, "outage_ms", e->since_success_ms);
	add_cause(l, diagnose(e));
}

void event_connection_lost(struct incident *inc, const struct event_call *call,
			   const struct sql_verdict *v, const char *plan,
			   const struct evidence *evidence)
{
	struct logline l;
	uint64_t last = inc->conn->last_used_ms;

	incident_line(inc, &l, LOG_WARNING, "connection_lost");
	incident_add_error(inc, &l);
	logline_uint(&l, "idle_ms", last ? clock_coarse_ms() - last : 0);
	if (inc->found_closed)
		logline_str(&l, "noticed", "idle_check");
	logline_str(&l, "in_transaction",
		    !inc->status_known ? "unknown"
		    : inc->status & SERVER_STATUS_IN_TRANS ? "yes" : "no");
	event_add_statement(inc, &l, call, v);
	if (inc->conn->session.held & SESSION_UNRESTORABLE) {
		char names[128];

		logline_str(&l, "session_state",
			    session_state_names(inc->conn->session.held, names, sizeof(names)));
	}
	logline_str(&l, "mode", inc->cfg->mode == SHIM_MODE_OBSERVE ? "observe" : "on");
	logline_str(&l, "plan", plan);
	add_early_cause(&l, evidence);
	incident_emit(inc, &l);
}

static void start_with_error(struct incident *inc, struct logline *l, int severity,
			     const char *event, const char *outcome, const char *why,
			     unsigned delay_ms)
{
	incident_line(inc, l, severity, event);
	logline_uint(l, "attempts", inc->attempt);
	incident_add_error(inc, l);
	if (why)
		logline_str(l, "why", why);
	logline_uint(l, "elapsed_ms", incident_elapsed_ms(inc));
	if (delay_ms)
		logline_uint(l, "next_delay_ms", delay_ms);
	logline_str(l, "outcome", outcome);
}

void event_with_error(struct incident *inc, int severity, const char *event,
		      const char *outcome, const char *why, unsigned delay_ms)
{
	struct logline l;

	start_with_error(inc, &l, severity, event, outcome, why, delay_ms);
	incident_emit(inc, &l);
}

/* The reconnecting ended without a connection: why, from its errors. */
void event_gave_up(struct incident *inc, const char *why, const struct evidence *evidence)
{
	struct logline l;

	start_with_error(inc, &l, LOG_ERR, "gave_up", "error_returned", why, 0);
	add_diagnosis(&l, evidence);
	incident_emit(inc, &l);
}

void event_reconnected(struct incident *inc, const struct evidence *evidence)
{
	struct logline l;
	const char *charset = inc->real->mysql_character_set_name(inc->mysql);

	incident_line(inc, &l, LOG_NOTICE, "reconnected");
	logline_uint(&l, "attempts", inc->attempt);
	logline_uint(&l, "elapsed_ms", incident_elapsed_ms(inc));
	logline_str(&l, "charset", charset);
	logline_str(&l, "autocommit",
		    inc->status_known && !(inc->status & SERVER_STATUS_AUTOCOMMIT) ? "off" : "on");
	add_diagnosis(&l, evidence);
	incident_emit(inc, &l);
}

/* One line per change of a server's state, whichever handle saw it. */
void event_server_state(struct incident *inc, bool back, uint64_t outage_ms)
{
	struct logline l;

	incident_line(inc, &l, back ? LOG_NOTICE : LOG_WARNING,
		      back ? "server_back" : "server_unreachable");
	if (back)
		logline_uint(&l, "outage_ms", outage_ms);
	else
		incident_add_error(inc, &l);
	logline_str(&l, "note", back ? "it accepts connections again"
					    : "it refuses connections; one handle of this process "
					      "probes it, the others wait for it");
	incident_emit(inc, &l);
}


/* A statement longer than the server takes is never sent again. */
void event_too_large(struct incident *inc)
{
	struct logline l;

	incident_line(inc, &l, LOG_ERR, "statement_not_retried");
	logline_str(&l, "why", cause_name(CAUSE_PACKET_TOO_LARGE));
	logline_uint(&l, "attempts", inc->attempt);
	logline_uint(&l, "elapsed_ms", incident_elapsed_ms(inc));
	logline_str(&l, "outcome", "error_returned");
	add_cause(&l, CAUSE_PACKET_TOO_LARGE);
	incident_emit(inc, &l);
}

/* ---- lines outside incidents: once per process, or per program bug -- */

/* A line with a note, the first time only. */
static void notice_once(const struct shim_config *cfg, atomic_bool *logged, const char *event,
			const char *note)
{
	struct logline l;

	if (!log_once(logged, &l, LOG_NOTICE, event))
		return;
	logline_str(&l, "note", note);
	log_emit(cfg, &l);
}

void event_connection_adopted(const struct shim_config *cfg)
{
	static atomic_bool logged;

	notice_once(cfg, &logged, "connection_adopted",
		    "the program connected without the shim seeing it (dlsym); its connections "
		    "are followed from their first intercepted call");
}

void event_library_reconnect_kept(const struct shim_config *cfg)
{
	static atomic_bool logged;

	notice_once(cfg, &logged, "library_reconnect_kept",
		    "the program enabled MYSQL_OPT_RECONNECT: the calls the shim handles are "
		    "recovered by its rules (no write re-sent, no lost transaction continued); "
		    "every other call keeps the library's own reconnect");
}

void event_nonblocking_passed_through(const struct shim_config *cfg)
{
	static atomic_bool logged;

	notice_once(cfg, &logged, "nonblocking_passed_through",
		    "the program uses the non-blocking API (MYSQL_OPT_NONBLOCK): its connections "
		    "are passed through, without recovery");
}

void event_init_command_passed_through(const struct shim_config *cfg)
{
	static atomic_bool logged;

	notice_once(cfg, &logged, "init_command_passed_through",
		    "the program's MYSQL_INIT_COMMAND may write, or the client library cannot show "
		    "it to the shim, and the library runs it again on every reconnect: such "
		    "connections are passed through, without recovery");
}

void event_layout_unverified(const struct shim_config *cfg, const char *library)
{
	static atomic_bool logged;
	struct logline l;

	if (!log_once(&logged, &l, LOG_WARNING, "library_layout_unverified"))
		return;
	logline_str(&l, "library", library);
	logline_str(&l, "outcome", "passed_through");
	logline_str(&l, "note", "a connection did not look the way the shim knows this client "
				"library's MYSQL structure: such connections are passed through, "
				"without recovery");
	log_emit(cfg, &l);
}

void event_session_tracking_unavailable(const struct shim_config *cfg,
					const struct real_api *real, MYSQL *m, bool refused)
{
	static atomic_bool logged;
	struct logline l;

	if (!log_once(&logged, &l, LOG_NOTICE, "session_tracking_unavailable"))
		return;
	if (refused) {
		logline_uint(&l, "errno", real->mysql_errno(m));
		logline_str(&l, "error", real->mysql_error(m));
	} else {
		logline_str(&l, "note", "MYSQL_RECONNECT_SESSION_TRACKING=off");
	}
	logline_str(&l, "mode", "statements");
	logline_str(&l, "remedy", "the program's own SET and USE statements are sent again after "
		    "a reconnect; other changes to its session make a loss reach it "
		    "(MariaDB 10.3+ and MySQL 5.7+ report session changes)");
	log_emit(cfg, &l);
}

void event_config_invalid(const struct shim_config *cfg, const struct config_problem *p)
{
	struct logline line;

	logline_init(&line, LOG_WARNING, "config_invalid");
	logline_str(&line, "program", program_invocation_short_name);
	logline_uint(&line, "pid", (unsigned long long)getpid());
	logline_str(&line, "variable", p->variable);
	logline_str(&line, "value", p->value);
	logline_str(&line, "expected", p->expected);
	logline_str(&line, "default", p->default_text);
	logline_str(&line, "remedy", "fix the variable in the program's environment; the default is used");
	log_emit(cfg, &line);
}

void event_library_features(const struct shim_config *cfg, const char *library, bool known,
			    const char *missing, const char *off, bool passed_through)
{
	struct logline line;

	logline_init(&line, LOG_WARNING, "library_features");
	logline_str(&line, "program", program_invocation_short_name);
	logline_uint(&line, "pid", (unsigned long long)getpid());
	logline_str(&line, "library", library[0] ? library : "-");
	logline_str(&line, "known", known ? "yes" : "no");
	logline_str(&line, "missing", missing[0] ? missing : "-");
	logline_str(&line, "off", off);
	logline_str(&line, "outcome", passed_through ? "every_call_passed_through" : "features_off");
	logline_str(&line, "note", passed_through
			    ? "the client library lacks functions the shim needs: it changes nothing"
			    : !known ? "the shim does not know this client library or its version: a "
				       "lost connection is logged and reaches the program as without it"
			    : "the client library lacks functions these features need: they are off; "
			      "a lost connection they would have handled reaches the program");
	log_emit(cfg, &line);
}

void event_library_reconnected(const struct shim_config *cfg, const char *host,
			       bool lost_transaction)
{
	struct logline l;

	log_start(&l, LOG_NOTICE, "library_reconnected");
	logline_str(&l, "host", host);
	logline_str(&l, "in_transaction", lost_transaction ? "yes" : "no");
	logline_str(&l, "note", "the client library reconnected on its own (the program set "
		    "MYSQL_OPT_RECONNECT) in a call the shim does not handle: the program goes on "
		    "in a fresh session, as without the shim");
	log_emit(cfg, &l);
}

void event_used_after_close(const struct shim_config *cfg)
{
	struct logline l;

	log_start(&l, LOG_ERR, "used_after_close");
	logline_str(&l, "cause", cause_name(CAUSE_USED_AFTER_CLOSE));
	logline_str(&l, "remedy", cause_remedy(CAUSE_USED_AFTER_CLOSE));
	log_emit(cfg, &l);
}
