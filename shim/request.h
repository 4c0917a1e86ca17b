/* request.h - one intercepted call, as recovery sees it: how to run it
 * again and what it means for a transaction. */
#ifndef MYSQL_RECONNECT_REQUEST_H
#define MYSQL_RECONNECT_REQUEST_H

#include <stdbool.h>

#include <mysql.h>

#include "classify.h"
#include "policy.h"
#include "real.h"
#include "stmt.h"

enum request_kind {
	REQ_REAL_QUERY,   /* mysql_real_query(text, len), and mysql_query */
	REQ_COMMIT,
	REQ_ROLLBACK,
	REQ_AUTOCOMMIT,   /* flag = mode */
	REQ_SELECT_DB,    /* text = db */
	REQ_SET_CHARSET,  /* text = charset name */
	REQ_PING,
	/* The three that change the session wholesale stay neighbours
	 * (session_after_success tests them with one compare). */
	REQ_CHANGE_USER,  /* text = user, password, db */
	REQ_RESET_CONNECTION,
	REQ_SET_SERVER_OPTION, /* flag = MYSQL_OPTION_MULTI_STATEMENTS_ON/OFF */
	REQ_SEND_QUERY,        /* mysql_send_query(text, len): sends, reads nothing */
	REQ_READ_QUERY_RESULT, /* text, len = what the last send_query sent (call.c) */
	REQ_STORE_RESULT,      /* *result; text, len = the statement it answers, and
				  result_index: which of its results (call.c) */
	REQ_NEXT_RESULT,       /* *more; the same */
	REQ_STMT_PREPARE,      /* stmt_handle, text, len */
	REQ_STMT_EXECUTE,      /* stmt_handle, stmt; text, len = what it prepared */
	REQ_STMT_STORE_RESULT, /* the same */
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

/* Runs the real function: 0 on success, non-zero on failure (also when the
 * real function could not be found).  Inline: where the kind is known (the
 * mysql_real_query hook) it is one call of the real function. */
static inline __attribute__((always_inline)) int request_run(const struct real_api *real, MYSQL *m,
								const struct request *r)
{
	switch (r->kind) {
	case REQ_REAL_QUERY:
		return real->mysql_real_query ? real->mysql_real_query(m, r->text, r->len) : 1;
	case REQ_COMMIT:
		return real->mysql_commit ? real->mysql_commit(m) : 1;
	case REQ_ROLLBACK:
		return real->mysql_rollback ? real->mysql_rollback(m) : 1;
	case REQ_AUTOCOMMIT:
		return real->mysql_autocommit ? real->mysql_autocommit(m, r->flag) : 1;
	case REQ_SELECT_DB:
		return real->mysql_select_db ? real->mysql_select_db(m, r->text) : 1;
	case REQ_SET_CHARSET:
		return real->mysql_set_character_set ? real->mysql_set_character_set(m, r->text) : 1;
	case REQ_PING:
		return real->mysql_ping ? real->mysql_ping(m) : 1;
	case REQ_RESET_CONNECTION:
		return real->mysql_reset_connection ? real->mysql_reset_connection(m) : 1;
	case REQ_SET_SERVER_OPTION:
		return real->mysql_set_server_option
			       ? real->mysql_set_server_option(m, (enum enum_mysql_set_option)r->flag)
			       : 1;
	case REQ_CHANGE_USER:
		return real->mysql_change_user
			       ? real->mysql_change_user(m, r->text, r->password, r->db)
			       : 1;
	case REQ_SEND_QUERY:
		return real->mysql_send_query ? real->mysql_send_query(m, r->text, r->len) : 1;
	case REQ_READ_QUERY_RESULT:
		return real->mysql_read_query_result ? real->mysql_read_query_result(m) : 1;
	case REQ_STORE_RESULT:
		if (!real->mysql_store_result)
			return 1;
		*r->result = real->mysql_store_result(m);
		/* NULL without an error: the statement returned no rows at all */
		return !*r->result && real->mysql_errno(m) != 0;
	case REQ_NEXT_RESULT:
		if (!real->mysql_next_result)
			return 1;
		*r->more = real->mysql_next_result(m); /* 0 more, -1 no more, >0 error */
		return *r->more > 0;
	case REQ_STMT_PREPARE:
		return real->mysql_stmt_prepare
			       ? real->mysql_stmt_prepare(r->stmt_handle, r->text, r->len) : 1;
	case REQ_STMT_EXECUTE:
		if (r->stmt && stmt_ready(real, r->stmt))
			return 1;
		return real->mysql_stmt_execute ? real->mysql_stmt_execute(r->stmt_handle) : 1;
	case REQ_STMT_STORE_RESULT:
		return real->mysql_stmt_store_result ? real->mysql_stmt_store_result(r->stmt_handle)
						     : 1;
	}
	return 1;
}

/* Runs it once more after a reconnect: the answer mysql_read_query_result
 * or mysql_store_result waited for is asked for again with
 * mysql_real_query (and stored). */
int request_run_again(const struct real_api *real, MYSQL *mysql, const struct request *r);

/* What the client library itself returns for this call when it cannot
 * send it (2006, the connection gone): the shim returns the same when it
 * fails a call itself.  Connector/C's values: mysql_real_query maps a
 * failed send to -1 and mysql_commit, mysql_rollback and mysql_autocommit
 * return it cast to my_bool; mysql_set_character_set returns the error
 * number; the rest 1. */
int request_refused_rc(const struct request *r);

/* Did the failed call leave an error where the program reads it (the
 * MYSQL handle, or the statement)? */
bool request_left_error(const struct real_api *real, MYSQL *mysql, const struct request *r);

/* Was its statement on its way to the server before the call began?  Then
 * any loss happened in flight. */
static inline bool request_sent_before(const struct request *r)
{
	return r->kind == REQ_READ_QUERY_RESULT || r->kind == REQ_STORE_RESULT ||
	       r->kind == REQ_NEXT_RESULT || r->kind == REQ_STMT_STORE_RESULT;
}

/* What recovery needs to know; `verdict` is filled for statements.
 * Classifies only here, i.e. only after a failure. */
void request_facts(const struct request *r, unsigned sql_flags, struct call_facts *facts,
		   struct sql_verdict *verdict);

/* Statement text and length (NULL for API calls that carry none). */
static inline const char *request_statement(const struct request *r, size_t *len)
{
	switch (r->kind) {
	case REQ_REAL_QUERY:
	case REQ_SEND_QUERY:
	case REQ_READ_QUERY_RESULT:
	case REQ_STORE_RESULT:
	case REQ_NEXT_RESULT:
	case REQ_STMT_PREPARE:
	case REQ_STMT_EXECUTE:
	case REQ_STMT_STORE_RESULT:
		*len = r->text ? r->len : 0;
		return r->text;
	default:
		*len = 0;
		return NULL;
	}
}

/* "query", "commit", "ping", ... */
const char *request_name(const struct request *r);

#endif
