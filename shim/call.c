/* call.c - the success path of an intercepted call, and the hand-off to
 * recovery when it fails. */
#include "call.h"

#include <errno.h>

#include "client.h"
#include "conn.h"
#include "connect.h"
#include "guard.h"
#include "init.h"
#include "real.h"
#include "recover.h"
#include "session.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

static inline __attribute__((always_inline)) int run_guarded(const struct real_api *real, MYSQL *m,
							       const struct request *r)
{
	int rc;

	guard_enter();
	rc = request_run(real, m, r);
	guard_leave();
	return rc;
}

/* Off the success path, the request is handed on by value: the caller's
 * own never has its address taken by a function the compiler cannot see,
 * so a hook whose request is a constant has every test of it decided at
 * compile time (shim_call_query). */
#define OFF_PATH __attribute__((noinline, cold))

/* Recovery runs under the guard, and leaves errno as the failed call set it. */
static OFF_PATH int recover_failed_call(const struct shim_config *cfg,
					const struct real_api *real, struct conn *c, MYSQL *m,
					struct request r, int rc)
{
	int saved_errno = errno;

	guard_enter();
	rc = recover_after_failure(cfg, real, c, m, &r, rc);
	guard_leave();
	if (rc)
		errno = saved_errno;
	return rc;
}

/* The connection needs attention before the call: recovery deals with it
 * (under the guard) and says whether the call runs now. */
static OFF_PATH struct before_call recover_first(const struct shim_config *cfg,
						 const struct real_api *real, struct conn *c,
						 MYSQL *m, struct request r)
{
	int saved_errno = errno;
	struct before_call next;

	guard_enter();
	next = recover_before_call(cfg, real, c, m, &r);
	guard_leave();
	errno = saved_errno;
	return next;
}

static OFF_PATH void after_lost_call(const struct real_api *real, struct conn *c, MYSQL *m,
				     struct request r, const struct sql_verdict *v)
{
	session_after_lost_call(real, c, m, &r, v);
}

/* mysql_read_query_result reads the answer to what the last
 * mysql_send_query sent; mysql_store_result and mysql_next_result read the
 * results of the last statement: that statement, kept by the shim (with
 * which of its results the program is at), describes the call.  Nothing is
 * checked before: the statement is on its way or has run.  With a
 * reconnect pending, nothing was sent that could be answered: the
 * library's own error is passed on. */
static inline __attribute__((always_inline)) int
read_answer(const struct shim_config *cfg, const struct real_api *real, struct conn *c, MYSQL *m,
       const struct request *r)
{
	bool sent = r->kind == REQ_READ_QUERY_RESULT;
	struct kept_text *kept = sent ? &c->sent : r->stmt_handle ? NULL : &c->result_of;
	bool known;
	int rc;

	/* Lost or refused: nothing was sent that could be answered.  With
	 * only lost state pending the connection is live: the answer is
	 * noted (a CREATE TEMPORARY TABLE) as any other. */
	if ((c->flags & (CONN_DEAD | CONN_TXN_LOST)) || c->fork_generation != conn_generation())
		return run_guarded(real, m, r);
	known = kept && kept->known;
	if (sent) {
		kept->known = false; /* answered, or recovered below */
		session_note_before_call(real, c, m);
	} else if (r->kind == REQ_NEXT_RESULT) {
		/* the status after the last result read: a transaction that a
		 * middle statement began, the settings it changed */
		session_note_before_call(real, c, m);
	}
	/* Running it needs only the call; the statement it answers is
	 * written into the request for recovery and for the record. */
	rc = run_guarded(real, m, r);
	if (unlikely(rc != 0) || sent) {
		struct request asked = *r;

		if (known) {
			asked.text = kept->text;
			asked.len = kept->len;
			asked.result_index = c->result_index;
		}
		if (rc)
			rc = recover_failed_call(cfg, real, c, m, asked, rc);
		else
			session_after_success(cfg, real, c, m, &asked);
	}
	if (rc == 0 && r->kind == REQ_NEXT_RESULT && c->result_of.known) {
		if (*r->more == 0)
			c->result_index++;
		else
			c->result_of.known = false; /* all read */
	}
	return rc;
}

/* Before the call, the call, after it: the one success path.  Recovery
 * comes first only when the connection needs attention, and after a
 * failure. */
static inline __attribute__((always_inline)) int
call_tracked(const struct shim_config *cfg, const struct real_api *real, struct conn *c, MYSQL *m,
	     const struct request *r)
{
	struct before_call first; /* filled only when recovery came first */
	bool lost_state = false;
	int rc;

	if (unlikely(request_sent_before(r)))
		return read_answer(cfg, real, c, m, r);
	if (unlikely(c->flags || c->fork_generation != conn_generation())) {
		first = recover_first(cfg, real, c, m, *r);
		if (!first.run)
			return first.rc;
		lost_state = first.lost_state;
	}
	session_check_idle(cfg, real, c, m);
	session_note_before_call(real, c, m);
	rc = run_guarded(real, m, r);
	if (likely(rc == 0)) {
		session_after_success(cfg, real, c, m, r);
		if (unlikely(lost_state))
			after_lost_call(real, c, m, *r, &first.verdict);
		return 0;
	}
	return recover_failed_call(cfg, real, c, m, *r, rc);
}

void call_suspend_library_reconnect(const struct real_api *real, const struct conn *c, MYSQL *m)
{
	if (c->program_reconnect)
		client_set_library_reconnect(real, m, false);
}

void call_resume_library_reconnect(const struct real_api *real, const struct conn *c, MYSQL *m)
{
	if (c->program_reconnect)
		client_set_library_reconnect(real, m, true);
}

/* The program asked for the library's own reconnect: it stays on for the
 * calls the shim does not handle, and is off while the shim handles one,
 * so that nothing is re-sent or continued against the shim's rules. */
static OFF_PATH int call_with_library_reconnect_off(const struct shim_config *cfg,
						    const struct real_api *real, struct conn *c,
						    MYSQL *m, struct request call)
{
	const struct request *r = &call;
	int rc;

	call_suspend_library_reconnect(real, c, m);
	if (real->mysql_thread_id && real->mysql_thread_id(m) != c->thread_id)
		connect_note_library_reconnect(cfg, real, c, m);
	rc = call_tracked(cfg, real, c, m, r);
	call_resume_library_reconnect(real, c, m);
	return rc;
}

void call_forget_result(MYSQL *m)
{
	struct conn *c;

	if (!guard_active() && (c = conn_find(m)))
		c->result_of.known = false;
}

/* Inline, so that a hook whose request kind is known (mysql_real_query)
 * gets its own copy with every test of the kind decided. */
static inline __attribute__((always_inline)) int call(MYSQL *m, const struct request *r)
{
	const struct real_api *real = real_api();
	const struct shim_config *cfg;
	struct conn *c;

	if (guard_active())
		return request_run(real, m, r);
	cfg = shim_config();
	if (cfg->mode == SHIM_MODE_OFF)
		return request_run(real, m, r);
	c = conn_find(m);
	if (unlikely(!c)) {
		/* closed by the program: its bug, and nothing to adopt */
		if (connect_note_use_after_close(cfg, m))
			return run_guarded(real, m, r);
		c = connect_adopt(cfg, real, m);
	}
	if (!c) {
		/* no guard inside a coroutine that may yield to the program */
		if (m && connect_nonblocking(real, m))
			return request_run(real, m, r);
		return run_guarded(real, m, r);
	}
	if (unlikely(c->program_reconnect | c->passed_through)) {
		if (c->passed_through)
			return run_guarded(real, m, r);
		return call_with_library_reconnect_off(cfg, real, c, m, *r);
	}
	return call_tracked(cfg, real, c, m, r);
}

int shim_call(MYSQL *m, const struct request *r)
{
	return call(m, r);
}

int shim_call_query(MYSQL *m, const char *text, unsigned long len)
{
	const struct request r = {.kind = REQ_REAL_QUERY, .text = text, .len = len};

	return call(m, &r);
}

int shim_call_store_result(MYSQL *m, MYSQL_RES **result)
{
	const struct request r = {.kind = REQ_STORE_RESULT, .result = result};

	return call(m, &r);
}
