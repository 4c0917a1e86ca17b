/* recover.c - reconnect in place, restore the session, re-send what is
 * safe, and keep the program out of a transaction it has lost.
 * The rules are in README.md ("What is retried"). */
#include "recover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "client.h"
#include "clock.h"
#include "events.h"
#include "incident.h"
#include "policy.h"
#include "server.h"
#include "session.h"
#include "sock.h"
#include "stmt.h"

static __thread uint32_t random_state;

static uint32_t next_random(void)
{
	uint32_t x = random_state;

	if (!x)
		x = (uint32_t)clock_ms() ^ (uint32_t)getpid() ^ (uint32_t)(uintptr_t)&random_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	random_state = x ? x : 1;
	return random_state;
}

static void sleep_ms(unsigned ms)
{
	struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&left, &left) == -1 && errno == EINTR)
		;
}

#define PROBE_EVERY_MS 25 /* while the server is away, a look every 25-37 ms */

/* The backoff delay, cut short when a server that refused connections
 * accepts them again: a bare non-blocking connect every few tens of
 * milliseconds, jittered so that many clients do not arrive in step.  A
 * server that accepted and then refused (too many connections, a blocked
 * host) is left alone for the whole delay.  A probe that connects is one
 * aborted connection on the server; the reconnect that follows resets the
 * host's error count. */
static void wait_for_server(const struct incident *inc, unsigned delay_ms)
{
	const struct conn *c = inc->conn;
	unsigned err = inc->real->mysql_errno(inc->mysql);
	uint64_t until = clock_ms() + delay_ms;

	if (err != CR_CONNECTION_ERROR && err != CR_CONN_HOST_ERROR) {
		sleep_ms(delay_ms);
		return;
	}
	for (;;) {
		uint64_t now = clock_ms();
		unsigned pause = PROBE_EVERY_MS + next_random() % (PROBE_EVERY_MS / 2);

		if (now >= until)
			return;
		if (until - now < pause)
			pause = (unsigned)(until - now);
		sleep_ms(pause);
		if (sock_accepts(c->id.port ? c->id.host : NULL, c->id.port, c->id.socket_path, 20))
			return;
	}
}

static unsigned last_errno(const struct incident *inc)
{
	return inc->real->mysql_errno(inc->mysql);
}

static bool lost_error(const struct incident *inc)
{
	return policy_lost_kind(last_errno(inc), inc->conn->server_is_mysql) != LOST_NONE;
}

/* What the next call on the connection must deal with first (CONN_*), and
 * the incident that left it, which that call continues. */
static void leave_pending(struct incident *inc, unsigned flags)
{
	inc->conn->flags |= flags;
	memcpy(inc->conn->lost_incident, inc->id, sizeof(inc->conn->lost_incident));
}

/* The number the server answers to sql (one row, one column), asked on
 * the fresh connection; `unknown` when it cannot say. */
static unsigned long long server_number(const struct incident *inc, const char *sql,
					unsigned long long unknown)
{
	const struct real_api *real = inc->real;
	unsigned long long value = unknown;
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (!real->mysql_store_result || !real->mysql_fetch_row || !real->mysql_free_result ||
	    real->mysql_real_query(inc->mysql, sql, strlen(sql)) ||
	    !(res = real->mysql_store_result(inc->mysql)))
		return unknown;
	row = real->mysql_fetch_row(res);
	if (row && row[0])
		value = strtoull(row[0], NULL, 10);
	real->mysql_free_result(res);
	return value;
}

/* The server's max_allowed_packet; 0 when unknown. */
static unsigned long long server_max_packet(const struct incident *inc)
{
	return server_number(inc, "SELECT @@max_allowed_packet", 0);
}

/* The system schemas, whose code a program does not call by accident. */
#define USER_SCHEMA(column) \
	" " column " NOT IN ('sys', 'mysql', 'information_schema', 'performance_schema')"

/* A view whose definition the account cannot read may call anything. */
#define UNREADABLE_VIEWS \
	"(SELECT COUNT(*) FROM information_schema.VIEWS WHERE" USER_SCHEMA("TABLE_SCHEMA") \
	" AND (VIEW_DEFINITION IS NULL OR VIEW_DEFINITION = ''))"

/* A read lost in flight may have run code the shim cannot see: a view's
 * column may call a stored function that writes, so sending the read again
 * would write twice.  The server's evidence decides: stored functions whose
 * declared characteristics allow writing (anything but NO SQL or READS SQL
 * DATA; CONTAINS SQL is the default), or views the account cannot read,
 * outside the system schemas.  Unknown counts as yes.  Functions the
 * account cannot see at all are not counted. */
static bool server_functions_may_write(const struct incident *inc)
{
	static const char sql[] =
		"SELECT (SELECT COUNT(*) FROM information_schema.ROUTINES"
		" WHERE ROUTINE_TYPE = 'FUNCTION' AND" USER_SCHEMA("ROUTINE_SCHEMA")
		" AND SQL_DATA_ACCESS NOT IN ('NO SQL', 'READS SQL DATA')) + " UNREADABLE_VIEWS;

	return server_number(inc, sql, 1) != 0;
}

/* A named lock (GET_LOCK) taken by code the shim cannot read (a stored
 * function in a SELECT, a trigger, a view) dies with the session, and no
 * tracker reports it.  The server's evidence decides: a routine whose body
 * names GET_LOCK, or whose body the account cannot read and whose declared
 * characteristics allow more than reading (not NO SQL, not READS SQL DATA),
 * a trigger or a view that names it, or a view the account cannot read,
 * outside the system schemas.  Unknown counts as yes.  (The unescaped _
 * matches any byte: more, never less, under any sql_mode.) */
static bool server_code_may_lock(const struct incident *inc)
{
	static const char sql[] =
		"SELECT (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE"
		USER_SCHEMA("ROUTINE_SCHEMA") " AND (ROUTINE_DEFINITION LIKE '%GET_LOCK%'"
		" OR (ROUTINE_DEFINITION IS NULL"
		" AND SQL_DATA_ACCESS NOT IN ('NO SQL', 'READS SQL DATA'))))"
		" + (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE"
		USER_SCHEMA("EVENT_OBJECT_SCHEMA") " AND ACTION_STATEMENT LIKE '%GET_LOCK%')"
		" + (SELECT COUNT(*) FROM information_schema.VIEWS WHERE"
		USER_SCHEMA("TABLE_SCHEMA") " AND VIEW_DEFINITION LIKE '%GET_LOCK%')"
		" + " UNREADABLE_VIEWS;

	return server_number(inc, sql, 1) != 0;
}

/* A sequence's last value (LASTVAL, PREVIOUS VALUE FOR) is the session's
 * and dies with it; the shim does not look for NEXTVAL on the success
 * path.  Where the server has sequences (MariaDB 10.3+), reading one after
 * a reconnect is refused until the program starts over. */
static bool server_has_sequences(const struct incident *inc)
{
	static const char sql[] =
		"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_TYPE = 'SEQUENCE'"
		" AND" USER_SCHEMA("TABLE_SCHEMA");

	return server_number(inc, sql, 1) != 0;
}

/* ---- the evidence for the diagnosis -------------------------------- */

/* The evidence of a loss is kept with the connection: the reconnect that
 * brings the rest may come with the program's next call. */
static void note_loss(struct incident *inc, const struct event_call *call)
{
	uint64_t last = inc->conn->last_used_ms;
	/* the server's own word, when the idle check read it, says more than
	 * the library's 2006 for a socket the shim cut */
	unsigned err = inc->server_error ? inc->server_error : last_errno(inc);
	uint64_t idle_ms = last ? clock_coarse_ms() - last : 0;
	size_t len = call->text ? call->len : 0;

	inc->conn->loss.error = err;
	inc->conn->loss.thread_id = inc->conn->thread_id;
	inc->conn->loss.idle_ms = idle_ms;
	inc->conn->loss.read_timeout = inc->read_timeout;
	inc->conn->loss.write_timeout = inc->write_timeout;
	inc->conn->loss.statement_bytes = len;
}

static void gather(const struct incident *inc, struct evidence *e, bool reconnected)
{
	const struct conn *c = inc->conn;

	*e = (struct evidence){
		.lost_errno = c->loss.error,
		.reconnect_errno = reconnected ? 0
				   : inc->server_refusing ? CR_CONNECTION_ERROR : last_errno(inc),
		.reconnected = reconnected,
		.fork = c->loss.in_fork,
		.read_timeout = inc->read_timeout || c->loss.read_timeout,
		.write_timeout = inc->write_timeout || c->loss.write_timeout,
		.statement_bytes = c->loss.statement_bytes,
		.idle_ms = c->loss.idle_ms,
		.since_success_ms = c->last_used_ms ? clock_coarse_ms() - c->last_used_ms : 0,
		.timeout_s = -1,
		.uptime_s = -1,
		.lost_thread_id = c->loss.thread_id,
		.new_thread_id = reconnected ? c->thread_id : 0,
	};
}

/* The lost session's idle timeout and the server's max_allowed_packet,
 * read on the fresh session once the program's settings are back (the
 * server set wait_timeout from interactive_timeout at connect for an
 * interactive client); the server's uptime from COM_STATISTICS.  Plain
 * @@ variables and mysql_stat() work on MariaDB and every MySQL.  Two
 * round trips per incident. */
static void read_server_evidence(const struct incident *inc, struct evidence *e)
{
	static const char sql[] = "SELECT @@session.wait_timeout, @@max_allowed_packet";
	const struct real_api *real = inc->real;
	const char *stat, *uptime;
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (real->mysql_store_result && real->mysql_fetch_row && real->mysql_free_result &&
	    !real->mysql_real_query(inc->mysql, sql, sizeof(sql) - 1) &&
	    (res = real->mysql_store_result(inc->mysql))) {
		row = real->mysql_fetch_row(res);
		if (row && row[0])
			e->timeout_s = strtoll(row[0], NULL, 10);
		if (row && row[1])
			e->max_packet = strtoull(row[1], NULL, 10);
		real->mysql_free_result(res);
	}
	/* "Uptime: 3600  Threads: 1  Questions: ..." */
	static const char uptime_key[] = "Uptime: ";

	stat = real->mysql_stat ? real->mysql_stat(inc->mysql) : NULL;
	if (stat && (uptime = strstr(stat, uptime_key)))
		e->uptime_s = strtoll(uptime + sizeof(uptime_key) - 1, NULL, 10);
}

/* The evidence, with the server's own on a fresh session. */
static const struct evidence *evidence_of(const struct incident *inc, struct evidence *e,
					  bool reconnected)
{
	gather(inc, e, reconnected);
	if (reconnected)
		read_server_evidence(inc, e);
	return e;
}

/* ---- reconnecting ------------------------------------------------- */

/* The session as the library holds it when the loss is found. */
static const struct incident_session *session_now(const struct real_api *real, MYSQL *m,
						  struct incident_session *snap)
{
	snap->status_known = client_status_known();
	snap->schema = client_schema(real, m);
	snap->charset = real->mysql_character_set_name ? real->mysql_character_set_name(m) : NULL;
	return snap;
}

/* One attempt against an unreachable or frozen server must not outlast the
 * budget: the connect timeout (which Connector/C also applies to the
 * handshake) is capped for the attempt.  Returns whether it was changed;
 * *previous is the program's own value, to put back. */
static bool cap_connect_timeout(const struct incident *inc, unsigned *previous)
{
	unsigned seconds;
	uint64_t left, elapsed = incident_elapsed_ms(inc);

	*previous = 0;
	if (!inc->real->mysql_get_option ||
	    inc->real->mysql_get_option(inc->mysql, MYSQL_OPT_CONNECT_TIMEOUT, previous))
		return false;
	left = elapsed < inc->cfg->budget_ms ? inc->cfg->budget_ms - elapsed : 0;
	seconds = left > 1000 ? (unsigned)((left + 999) / 1000) : 1;
	if (*previous && *previous <= seconds)
		return false;
	inc->real->mysql_options(inc->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
	return true;
}

/* One in-place reconnection by the client-library layer: the program's
 * MYSQL keeps its options, credentials and address. */
static bool reconnect_once(const struct incident *inc)
{
	const struct real_api *real = inc->real;
	unsigned program_timeout;
	bool timeout_capped = cap_connect_timeout(inc, &program_timeout);
	bool ok = client_reconnect(real, inc->mysql, inc->cfg->method == METHOD_PING,
				   &inc->conn->login);

	if (timeout_capped)
		real->mysql_options(inc->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &program_timeout);
	return ok;
}

/* Database, character set, then every setting the program made and
 * autocommit, as they were. */
static bool restore_session(const struct incident *inc)
{
	const struct real_api *real = inc->real;
	const char *schema = client_schema(real, inc->mysql);
	const char *charset;

	if (inc->schema[0] && (!schema || strcmp(schema, inc->schema) != 0) &&
	    real->mysql_select_db(inc->mysql, inc->schema))
		return false;
	charset = real->mysql_character_set_name(inc->mysql);
	if (inc->charset[0] && (!charset || strcmp(charset, inc->charset) != 0) &&
	    real->mysql_set_character_set(inc->mysql, inc->charset))
		return false;
	if (!session_restore(real, inc->conn, inc->mysql,
			     inc->status_known && !(inc->status & SERVER_STATUS_AUTOCOMMIT)))
		return false;
	session_note_lost_unseen(inc->conn, (server_code_may_lock(inc) ? SESSION_LOCKS : 0) |
					     (server_has_sequences(inc) ? SESSION_SEQUENCES : 0));
	return true;
}

/* NULL to go on (with *delay_ms set), else why to stop. */
static const char *stop_reason(const struct incident *inc, unsigned *delay_ms)
{
	if (policy_error_is_final(last_errno(inc)))
		return "error_not_retryable";
	if (inc->cfg->attempts && inc->attempt >= inc->cfg->attempts)
		return "attempts_exhausted";
	*delay_ms = policy_backoff_ms(inc->cfg, inc->attempt + 1, next_random());
	if (incident_elapsed_ms(inc) + *delay_ms > inc->cfg->budget_ms)
		return "budget_exhausted";
	return NULL;
}

/* A call the shim fails itself leaves a lost-connection error (2006) where
 * the program reads it: on the MYSQL handle, and for a statement call on
 * the statement, set by the library running it on a cut-off connection
 * (which is then reconnected by the next call). */
static int fail_call(struct incident *inc, const struct request *r)
{
	/* Cutting a live connection ends its transaction: then that is lost. */
	if (r->stmt && stmt_fail_lost(inc->real, r->stmt, r->kind, r->text, r->len))
		leave_pending(inc, CONN_DEAD | (session_in_transaction(inc->conn) ? CONN_TXN_LOST : 0));
	session_set_gone_error(inc->real, inc->conn, inc->mysql);
	return request_refused_rc(r);
}

/* After giving up, the program must see a lost connection (2006), not the
 * error of the shim's last connect attempt or session restore. */
static void rearm_lost_error(const struct incident *inc)
{
	/* 2026 after a connect attempt is its TLS handshake failing */
	if (!lost_error(inc) || last_errno(inc) == CR_SSL_CONNECTION_ERROR)
		session_set_gone_error(inc->real, inc->conn, inc->mysql);
}

/* A failed attempt is logged unless it only repeats that the server
 * refuses connections, which the process already said once. */
static void note_failed_attempt(struct incident *inc, struct server *srv, unsigned delay_ms)
{
	unsigned err = last_errno(inc);

	if (err != CR_CONNECTION_ERROR && err != CR_CONN_HOST_ERROR) {
		event_with_error(inc, LOG_WARNING, "reconnect_failed", "retrying", NULL, delay_ms);
		return;
	}
	/* the next attempt, at the latest: the delay, and a slow connect */
	if (server_refused(srv, clock_ms() + delay_ms + 2000))
		event_server_state(inc, false, 0);
}

static bool reconnect(struct incident *inc)
{
	struct server *srv = server_of(inc->conn);
	struct evidence e;

	for (;;) {
		unsigned delay_ms = 0;
		uint64_t outage_ms;
		const char *stop;
		bool connected;

		/* Another handle probes the server: wait for it, then arrive
		 * a little apart from the others. */
		switch (server_await(srv, inc->start_ms + inc->cfg->budget_ms)) {
		case SERVER_EXPIRED:
			inc->server_refusing = true;
			event_gave_up(inc, "budget_exhausted", evidence_of(inc, &e, false));
			rearm_lost_error(inc);
			leave_pending(inc, CONN_DEAD);
			return false;
		case SERVER_BACK:
			sleep_ms(next_random() % 20);
			break;
		default:
			break;
		}
		inc->attempt++;
		connected = reconnect_once(inc);
		if (connected && server_back(srv, &outage_ms))
			event_server_state(inc, true, outage_ms);
		if (connected && restore_session(inc)) {
			session_note_fresh(inc->real, inc->conn, inc->mysql);
			leave_pending(inc, 0); /* what the lost state refuses later belongs here */
			inc->conn->flags &= ~CONN_DEAD;
			inc->conn->fork_generation = conn_generation();
			event_reconnected(inc, evidence_of(inc, &e, true));
			inc->conn->loss.in_fork = inc->conn->loss.read_timeout = false;
			return true;
		}
		/* A fresh session that refused the program's settings would
		 * answer differently: no retry can mend that. */
		stop = connected && !lost_error(inc) ? "session_not_restored"
						     : stop_reason(inc, &delay_ms);
		if (stop) {
			server_release(srv);
			event_gave_up(inc, stop, evidence_of(inc, &e, false));
			rearm_lost_error(inc);
			leave_pending(inc, CONN_DEAD);
			return false;
		}
		note_failed_attempt(inc, srv, delay_ms);
		wait_for_server(inc, delay_ms);
	}
}

/* ---- decisions ---------------------------------------------------- */

/* The call, as the log takes it. */
static struct event_call event_call_of(const struct request *r)
{
	struct event_call call = {.name = request_name(r)};

	call.text = request_statement(r, &call.len);
	return call;
}

/* How the server lexes the text, and whether the fresh session will have
 * the lost one's settings and user variables (so reading them does not
 * depend on it). */
static unsigned sql_flags(const struct incident *inc)
{
	const struct conn *c = inc->conn;
	bool untracked = (c->session.held | c->session.lost) & SESSION_UNTRACKED;

	return (inc->status & SERVER_STATUS_NO_BACKSLASH_ESCAPES ? SQL_NO_BACKSLASH_ESCAPES : 0) |
	       (c->session.tracking && !untracked ? SQL_SESSION_RESTORED : 0) |
	       (!untracked && !((c->session.held | c->session.lost) & SESSION_USER_VARS) ? SQL_USER_VARS_RESTORED
									  : 0);
}

/* What the call is, and whether its statement handle outlives the
 * connection in this client library. */
static void facts_of(const struct incident *inc, const struct request *r,
		     struct call_facts *facts, struct sql_verdict *verdict)
{
	request_facts(r, sql_flags(inc), facts, verdict);
	facts->handle_closed = r->stmt && r->kind != REQ_STMT_PREPARE &&
			       !client_lib.statements_survive;
}

/* Also after a transparent re-send: the one-shot refusals a reconnect
 * sets up (ROW_COUNT(), LAST_INSERT_ID()) end with the statement that
 * sets them up again. */
static void succeeded(struct incident *inc, const struct request *r)
{
	struct call_facts facts;
	struct sql_verdict verdict;

	session_after_success(inc->cfg, inc->real, inc->conn, inc->mysql, r);
	if (!(inc->conn->flags & CONN_STATE_LOST))
		return;
	facts_of(inc, r, &facts, &verdict);
	session_after_lost_call(inc->real, inc->conn, inc->mysql, r, &verdict);
}

/* Did the call last at least the program's own timeout `option`? */
static bool timed_out(const struct real_api *real, const struct conn *c, MYSQL *m,
		      enum mysql_option option)
{
	unsigned seconds = 0;

	if (!real->mysql_get_option || real->mysql_get_option(m, option, &seconds) || !seconds)
		return false;
	/* the coarse clock may be 10 ms behind */
	return clock_coarse_ms() - c->call_start_ms + 20 >= (uint64_t)seconds * 1000;
}

/* Lost after the program's own read (or write) timeout: the library gave
 * up waiting, the server may still be running it.  Which one fired goes
 * to the incident's evidence. */
static bool read_timed_out(const struct real_api *real, const struct conn *c, MYSQL *m)
{
	return timed_out(real, c, m, MYSQL_OPT_READ_TIMEOUT) ||
	       timed_out(real, c, m, MYSQL_OPT_WRITE_TIMEOUT);
}

/* A statement longer than the server takes breaks the connection every
 * time it is sent; over a Unix socket the client may only see 2006.  Only
 * a statement of 1 KiB or more (the least max_allowed_packet) is checked:
 * one query on the fresh connection. */
static bool fits_server(const struct incident *inc, const struct request *r)
{
	size_t len;
	unsigned long long max;

	request_statement(r, &len);
	if (len < 1024)
		return true;
	max = server_max_packet(inc);
	return !max || len + 1 <= max; /* the command byte counts */
}

/* Reconnect and send r again, as long as each loss allows it: a write that
 * never reached the server is sent once more, but if that send is lost in
 * flight it is not sent a third time. */
static int resend(struct incident *inc, const struct request *r, const struct call_facts *facts,
		  int rc)
{
	for (unsigned sends = 1;; sends++) {
		enum lost_kind kind;
		const char *why;

		if (!reconnect(inc))
			return rc;
		if (!fits_server(inc, r)) {
			rc = fail_call(inc, r);
			event_too_large(inc);
			return rc;
		}
		if (inc->conn->session.lost & SESSION_BLOCKING) {
			rc = fail_call(inc, r);
			event_incident(inc, LOG_ERR, "statement_not_retried", "error_returned",
				       "session_state_lost",
				       "the server has code that may have taken a named lock in the lost "
				       "session: the program decides");
			return rc;
		}
		if (inc->sends_lost_in_flight && server_functions_may_write(inc)) {
			rc = fail_call(inc, r);
			event_incident(inc, LOG_ERR, "statement_not_retried", "error_returned",
				       "stored_functions_may_write",
				       "it may have run, and the server has stored functions that may "
				       "write (a view can call them): the program decides whether to run it "
				       "again");
			return rc;
		}
		inc->conn->call_start_ms = clock_coarse_ms();
		rc = request_run_again(inc->real, inc->mysql, r);
		if (rc == 0) {
			succeeded(inc, r);
			event_incident(inc, LOG_NOTICE, "statement_retried", "ok", NULL, NULL);
			return 0;
		}
		kind = policy_lost_kind(last_errno(inc), inc->conn->server_is_mysql);
		if (kind == LOST_NONE) {
			/* The statement's own error, on a healthy connection (or
			 * none: it could not be run again at all). */
			if (!request_left_error(inc->real, inc->mysql, r))
				fail_call(inc, r);
			event_with_error(inc, LOG_NOTICE, "statement_retried", "failed", NULL, 0);
			return rc;
		}
		if (kind == LOST_IN_FLIGHT && read_timed_out(inc->real, inc->conn, inc->mysql))
			kind = LOST_READ_TIMEOUT;
		inc->sends_lost_in_flight += kind == LOST_IN_FLIGHT || kind == LOST_READ_TIMEOUT;
		if (!policy_may_send_once_more(kind, inc->sends_lost_in_flight, sends, facts, &why)) {
			event_with_error(inc, LOG_ERR, "gave_up", "error_returned", why, 0);
			leave_pending(inc, CONN_DEAD);
			return rc;
		}
		event_with_error(inc, LOG_WARNING, "statement_retried", "lost_again", why, 0);
	}
}

static int rollback_fresh(struct incident *inc, const struct request *r, int rc)
{
	if (!reconnect(inc)) {
		leave_pending(inc, CONN_TXN_LOST);
		return rc;
	}
	inc->conn->flags &= ~CONN_TXN_LOST;
	rc = request_run_again(inc->real, inc->mysql, r);
	if (rc == 0)
		succeeded(inc, r);
	event_incident(inc, LOG_NOTICE, "transaction_rolled_back", rc ? "failed" : "ok", NULL,
		    "the lost transaction's work is gone; the program rolled back and goes on");
	return rc;
}

static const char *plan_name(enum loss_action action)
{
	switch (action) {
	case ACTION_RESEND:
		return "reconnect_and_send_again";
	case ACTION_ROLLBACK_FRESH:
		return "reconnect_and_rollback";
	case ACTION_TRANSACTION_LOST:
		return "fail_until_transaction_ends";
	case ACTION_RETURN_ERROR:
	default:
		return "return_error_reconnect_on_next_call";
	}
}

static const char *remedy_not_retried(const char *why)
{
	static const struct {
		const char *why, *remedy;
	} remedies[] = {
		{"depends_on_lost_session",
		 "it never ran, but it reads state of the lost session: the program decides"},
		{"statement_handle_closed",
		 "the client library closes a connection's prepared statements when it drops "
		 "it: the program must prepare them again, as without the shim"},
	};

	for (size_t i = 0; i < sizeof(remedies) / sizeof(remedies[0]); i++) {
		if (strcmp(why, remedies[i].why) == 0)
			return remedies[i].remedy;
	}
	return "it may have reached the server: the program decides whether to run it again";
}

static int act_on_loss(struct incident *inc, enum loss_action action, const char *why,
		       const struct request *r, const struct call_facts *facts, int rc)
{
	switch (action) {
	case ACTION_RESEND:
		return resend(inc, r, facts, rc);
	case ACTION_ROLLBACK_FRESH:
		return rollback_fresh(inc, r, rc);
	case ACTION_TRANSACTION_LOST:
		leave_pending(inc, CONN_DEAD | CONN_TXN_LOST);
		event_incident(inc, LOG_ERR, "transaction_lost", "error_returned", why,
			    "the program must ROLLBACK; its statements fail until it ends the transaction");
		return rc;
	case ACTION_RETURN_ERROR:
	default:
		leave_pending(inc, CONN_DEAD);
		event_incident(inc, LOG_ERR, "statement_not_retried", "error_returned", why,
			    remedy_not_retried(why));
		return rc;
	}
}

int recover_after_failure(const struct shim_config *cfg, const struct real_api *real,
			  struct conn *c, MYSQL *m, const struct request *r, int rc)
{
	enum lost_kind kind = policy_lost_kind(real->mysql_errno(m), c->server_is_mysql);
	struct event_call call = event_call_of(r);
	struct incident inc;
	struct incident_session snap;
	bool in_transaction;
	struct call_facts facts;
	struct sql_verdict verdict;
	enum loss_action action;
	const char *why = NULL;
	bool found_closed = c->found_closed;
	struct evidence early;

	c->found_closed = false;
	if (kind == LOST_NONE)
		return rc;
	if (request_sent_before(r))
		kind = LOST_IN_FLIGHT; /* it may have run, whatever the library noticed */
	else if (found_closed)
		/* The idle check cut the socket before this call: whatever
		 * the library says (Oracle's says 2013 over TLS), nothing left. */
		kind = LOST_NOT_SENT;
	if (kind == LOST_IN_FLIGHT && read_timed_out(real, c, m))
		kind = LOST_READ_TIMEOUT;
	incident_open(&inc, cfg, real, c, m, session_now(real, m, &snap));
	inc.found_closed = found_closed;
	inc.server_error = found_closed ? c->found_closed_error : 0;
	inc.read_timeout = kind == LOST_READ_TIMEOUT && timed_out(real, c, m, MYSQL_OPT_READ_TIMEOUT);
	inc.write_timeout = kind == LOST_READ_TIMEOUT && !inc.read_timeout;
	facts_of(&inc, r, &facts, &verdict);
	if (cfg->mode == SHIM_MODE_OBSERVE || !inc.status_known) {
		/* Without the server status the shim cannot tell a
		 * transaction from autocommit: pass through. */
		note_loss(&inc, &call);
		event_connection_lost(&inc, &call, &verdict,
				      !(client_lib.features & FEATURE_RECOVERY) ? "pass_through_library_lacks_functions"
				      : inc.status_known ? "observe_only" : "pass_through_status_unknown",
				      evidence_of(&inc, &early, false));
		return rc;
	}
	in_transaction = session_in_transaction(c);
	inc.sends_lost_in_flight = kind == LOST_IN_FLIGHT;
	session_note_loss(real, c, m);
	action = policy_on_loss(kind, in_transaction, c->session.held & SESSION_UNRESTORABLE, &facts,
				&why);
	note_loss(&inc, &call);
	event_connection_lost(&inc, &call, &verdict, plan_name(action),
			      evidence_of(&inc, &early, false));
	return act_on_loss(&inc, action, why, r, &facts, rc);
}

/* ---- before a call ------------------------------------------------ */

static struct before_call done(int rc)
{
	return (struct before_call){.rc = rc};
}

static int in_lost_transaction(struct incident *inc, const struct request *r)
{
	struct call_facts facts;
	struct sql_verdict verdict;
	int rc;

	facts_of(inc, r, &facts, &verdict);
	switch (policy_in_lost_transaction(&facts)) {
	case LOST_TXN_ROLLBACK:
		return rollback_fresh(inc, r, request_refused_rc(r));
	case LOST_TXN_END:
		inc->conn->flags &= ~CONN_TXN_LOST;
		rc = fail_call(inc, r);
		event_incident(inc, LOG_ERR, "commit_failed", "error_returned", request_name(r),
			    "the transaction was lost with its connection and is not committed; run it again");
		return rc;
	case LOST_TXN_REFUSE:
	default:
		rc = fail_call(inc, r);
		event_incident(inc, LOG_ERR, "statement_refused", "error_returned", "transaction_lost",
			    "the program must ROLLBACK; its statements fail until it ends the transaction");
		return rc;
	}
}

/* The session state the program built is gone: a statement that would
 * read it fails, as it would without the shim, until the program sets it
 * up again or starts over; any other runs, and its success is noted. */
static struct before_call without_lost_state(struct incident *inc, const struct request *r)
{
	struct before_call next = {.run = true, .lost_state = true};
	struct call_facts facts;
	unsigned reads;

	facts_of(inc, r, &facts, &next.verdict);
	reads = request_starts_session_over(r) ? 0 : session_refusal(inc->conn, &next.verdict);
	if (reads) {
		struct event_call call = event_call_of(r);
		int rc = fail_call(inc, r);

		event_statement_refused(inc, &call, &next.verdict, reads);
		return done(rc);
	}
	return next;
}

/* The child's copy of the descriptor is pointed at an unconnected socket,
 * so nothing the child does can reach the parent's connection. */
static bool detach_socket(const struct real_api *real, MYSQL *m)
{
	int fd;

	if (!(client_lib.features & FEATURE_FORK))
		return false;
	fd = client_socket(real, m);
	return fd < 0 || sock_detach(fd);
}

static void on_fork(const struct shim_config *cfg, const struct real_api *real,
		    struct conn *c, MYSQL *m)
{
	struct incident inc;
	struct incident_session snap;
	bool in_transaction, detached;

	c->fork_generation = conn_generation();
	c->loss.in_fork = true;
	c->loss.idle_ms = 0;
	session_note_before_call(real, c, m); /* the parent's status, as inherited */
	incident_open(&inc, cfg, real, c, m, session_now(real, m, &snap));
	in_transaction = inc.status & SERVER_STATUS_IN_TRANS;
	detached = cfg->mode == SHIM_MODE_ON && detach_socket(real, m);
	if (detached) {
		/* Fails on the detached socket: the handle now carries a
		 * lost-connection error and no socket. */
		real->mysql_ping(m);
		leave_pending(&inc, CONN_DEAD | (in_transaction ? CONN_TXN_LOST : 0));
	}
	event_incident(&inc, LOG_NOTICE, "fork_detected",
		    detached ? "reconnect_before_next_call" : "passed_through",
		    in_transaction ? "inherited_transaction" : "inherited_connection",
		    "a forked child used its parent's connection; it gets its own");
}

struct before_call recover_before_call(const struct shim_config *cfg,
				       const struct real_api *real, struct conn *c, MYSQL *m,
				       const struct request *r)
{
	struct before_call next = {.run = true};
	struct incident inc;
	struct incident_session snap;

	if (c->fork_generation != conn_generation())
		on_fork(cfg, real, c, m);
	if (!c->flags)
		return next;
	incident_resume(&inc, cfg, real, c, m, session_now(real, m, &snap));
	if (c->flags & CONN_TXN_LOST)
		return done(in_lost_transaction(&inc, r));
	if ((c->flags & CONN_DEAD) && !reconnect(&inc))
		return done(request_refused_rc(r));
	if (c->flags & CONN_STATE_LOST)
		return without_lost_state(&inc, r);
	return next;
}

void recover_close_inherited(const struct shim_config *cfg, const struct real_api *real,
			     struct conn *c, MYSQL *m)
{
	if (cfg->mode == SHIM_MODE_ON && c->fork_generation != conn_generation())
		detach_socket(real, m);
}
