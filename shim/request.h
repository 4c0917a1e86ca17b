/* request.h - one intercepted call, as recovery sees it: how to run it
 * again and what it means for a transaction. */
#ifndef MYSQL_RECONNECT_REQUEST_H
#define MYSQL_RECONNECT_REQUEST_H

#include <stdbool.h>

#include <errmsg.h>
#include <mysql.h>

#include "classify.h"
#include "policy.h"
#include "real.h"
#include "stmt.h"

enum request_kind {
#define REQUEST(kind, name, properties, refused_rc, run) REQ_##kind,
#include "requests.def"
};

/* The properties of each kind (requests.def). */
#define REQ_TEXT            0x01u
#define REQ_RUNS_TEXT       0x02u
#define REQ_SENT_BEFORE     0x04u
#define REQ_WHOLESALE       0x08u
#define REQ_COMMITS         0x10u
#define REQ_ROLLS_BACK      0x20u
#define REQ_COMMITS_WHEN_ON 0x40u
#define REQ_TRANSACTION     0x80u
#define REQ_READS           0x100u

/* A constant table in each file: where the kind is known, a property is a
 * constant too. */
static const unsigned request_properties[] = {
#define REQUEST(kind, name, properties, refused_rc, run) [REQ_##kind] = (properties),
#include "requests.def"
};

struct stmt;

struct request {
	enum request_kind kind;
	const char *text;
	unsigned long len;
	const char *password;
	const char *db;
	my_bool flag;
	MYSQL_RES **result;    /* REQ_STORE_RESULT: where the result goes */
	int *more;             /* REQ_NEXT_RESULT: what mysql_next_result returned */
	unsigned result_index;
	MYSQL_STMT *stmt_handle;
	struct stmt *stmt;     /* the shim's record of it (stmt.h), or NULL */
};

static inline int request_store_result(const struct real_api *real, MYSQL *m,
				       const struct request *r)
{
	if (!real->mysql_store_result)
		return 1;
	*r->result = real->mysql_store_result(m);
	/* NULL without an error: the statement returned no rows at all */
	return !*r->result && real->mysql_errno(m) != 0;
}

static inline int request_next_result(const struct real_api *real, MYSQL *m,
				      const struct request *r)
{
	if (!real->mysql_next_result)
		return 1;
	*r->more = real->mysql_next_result(m); /* 0 more, -1 no more, >0 error */
	return *r->more > 0;
}

static inline int request_stmt_execute(const struct real_api *real, const struct request *r)
{
	if (r->stmt && stmt_ready(real, r->stmt))
		return 1;
	return real->mysql_stmt_execute ? real->mysql_stmt_execute(r->stmt_handle) : 1;
}

/* Runs the real function: 0 on success, non-zero on failure (also when the
 * real function could not be found).  Inline: where the kind is known (the
 * mysql_real_query hook) it is one call of the real function. */
static inline __attribute__((always_inline)) int request_run(const struct real_api *real, MYSQL *m,
								const struct request *r)
{
	switch (r->kind) {
#define CALL(function, arguments) (real->function ? (int)real->function arguments : 1)
#define REQUEST(kind, name, properties, refused_rc, run) \
	case REQ_##kind:                                 \
		return run;
#include "requests.def"
	}
	return 1;
}

/* Runs it once more after a reconnect: the answer mysql_read_query_result
 * or mysql_store_result waited for is asked for again with
 * mysql_real_query (and stored). */
int request_run_again(const struct real_api *real, MYSQL *mysql, const struct request *r);

/* What the client library itself returns for this call when it cannot
 * send it (2006, the connection gone): the shim returns the same when it
 * fails a call itself (requests.def). */
int request_refused_rc(const struct request *r);

/* Did the failed call leave an error where the program reads it (the
 * MYSQL handle, or the statement)? */
bool request_left_error(const struct real_api *real, MYSQL *mysql, const struct request *r);

/* Was its statement on its way to the server before the call began?  Then
 * any loss happened in flight. */
static inline bool request_sent_before(const struct request *r)
{
	return request_properties[r->kind] & REQ_SENT_BEFORE;
}

/* mysql_change_user and mysql_reset_connection: a new session; nothing of
 * the old one is read. */
static inline bool request_starts_session_over(const struct request *r)
{
	unsigned both = REQ_WHOLESALE | REQ_ROLLS_BACK;

	return (request_properties[r->kind] & both) == both;
}

/* mysql_change_user, mysql_reset_connection, mysql_set_server_option: the
 * session record starts over (or notes the option). */
static inline bool request_changes_session(const struct request *r)
{
	return request_properties[r->kind] & REQ_WHOLESALE;
}

/* What recovery needs to know; `verdict` is filled for statements.
 * Classifies only here, i.e. only after a failure. */
void request_facts(const struct request *r, unsigned sql_flags, struct call_facts *facts,
		   struct sql_verdict *verdict);

/* Statement text and length (NULL for API calls that carry none). */
static inline const char *request_statement(const struct request *r, size_t *len)
{
	if (request_properties[r->kind] & REQ_TEXT) {
		*len = r->text ? r->len : 0;
		return r->text;
	}
	*len = 0;
	return NULL;
}

/* "query", "commit", "ping", ... */
const char *request_name(const struct request *r);

#endif
