/* request.c - run a request; describe it for the recovery policy. */
#include "request.h"

#include <string.h>

#include <errmsg.h>

#include "stmt.h"

/* The results before the one at `index` of a statement run again, read
 * and dropped: the program has them already. */
static int skip_results(const struct real_api *real, MYSQL *m, unsigned index)
{
	for (unsigned i = 0; i < index; i++) {
		MYSQL_RES *res;

		if (!real->mysql_free_result || !real->mysql_next_result)
			return 1;
		res = real->mysql_store_result(m);

		if (res)
			real->mysql_free_result(res);
		else if (real->mysql_errno(m))
			return 1;
		if (real->mysql_next_result(m) != 0)
			return 1;
	}
	return 0;
}

int request_run_again(const struct real_api *real, MYSQL *m, const struct request *r)
{
	struct request execute = *r;

	switch (r->kind) {
	case REQ_READ_QUERY_RESULT:
		return r->text ? real->mysql_real_query(m, r->text, r->len) : 1;
	case REQ_STORE_RESULT:
	case REQ_NEXT_RESULT:
		if (!r->text || !real->mysql_store_result || real->mysql_real_query(m, r->text, r->len))
			return 1;
		/* mysql_next_result moves past the result the program is at */
		if (skip_results(real, m, r->result_index + (r->kind == REQ_NEXT_RESULT)))
			return 1;
		if (r->kind == REQ_NEXT_RESULT) {
			*r->more = 0;
			return 0;
		}
		return request_run(real, m, r);
	case REQ_STMT_STORE_RESULT:
		execute.kind = REQ_STMT_EXECUTE;
		return request_run(real, m, &execute) || request_run(real, m, r);
	default:
		return request_run(real, m, r);
	}
}

int request_refused_rc(const struct request *r)
{
	static const int refused[] = {
#define REQUEST(kind, name, properties, refused_rc, run) [REQ_##kind] = (refused_rc),
#include "requests.def"
	};

	return refused[r->kind];
}

bool request_left_error(const struct real_api *real, MYSQL *m, const struct request *r)
{
	if (real->mysql_errno(m))
		return true;
	return r->stmt_handle && real->mysql_stmt_errno && real->mysql_stmt_errno(r->stmt_handle);
}

static void statement_facts(const struct request *r, unsigned sql_flags,
			    struct call_facts *facts, struct sql_verdict *v)
{
	size_t len;
	const char *text = request_statement(r, &len);

	sql_classify(text, len, sql_flags, v);
	facts->safe = v->safe;
	facts->commits = (v->facts & SQL_FACT_COMMITS) != 0;
	/* v->txn describes the first statement: "ROLLBACK; INSERT ..." is not
	 * a rollback that may simply run again. */
	facts->rolls_back = v->txn == SQL_TXN_ROLLBACK && v->statements == 1;
	/* Not understood counts as dependent: never sent blindly. */
	facts->depends_on_session = (v->facts & SQL_FACT_DEPENDS_SESSION) ||
				    v->reason == SQL_REASON_UNKNOWN ||
				    v->reason == SQL_REASON_EMPTY;
	facts->opens_transaction = (v->facts & (SQL_FACT_BEGINS | SQL_FACT_MULTI)) ==
				   (SQL_FACT_BEGINS | SQL_FACT_MULTI);
}

void request_facts(const struct request *r, unsigned sql_flags, struct call_facts *facts,
		   struct sql_verdict *v)
{
	unsigned properties = request_properties[r->kind];

	/* API calls: what the client library sends for them. */
	memset(v, 0, sizeof(*v));
	v->what = request_name(r);
	v->reason = SQL_REASON_SESSION;
	facts->safe = true;
	facts->commits = false;
	facts->rolls_back = false;
	facts->depends_on_session = false;
	facts->opens_transaction = false;
	facts->handle_closed = false;
	if (properties & REQ_RUNS_TEXT) {
		statement_facts(r, sql_flags, facts, v);
		/* data sent with send_long_data died with the session */
		if (r->stmt && (r->kind == REQ_STMT_EXECUTE ? r->stmt->long_data
							    : r->stmt->executed_with_long_data))
			facts->depends_on_session = true;
		return;
	}
	if (properties & REQ_TRANSACTION)
		v->reason = SQL_REASON_TRANSACTION;
	else if (properties & REQ_READS)
		v->reason = SQL_REASON_READ;
	facts->commits = (properties & REQ_COMMITS) ||
			 ((properties & REQ_COMMITS_WHEN_ON) && r->flag != 0);
	facts->rolls_back = (properties & REQ_ROLLS_BACK) != 0;
	v->safe = facts->safe;
}

const char *request_name(const struct request *r)
{
	static const char *const names[] = {
#define REQUEST(kind, name, properties, refused_rc, run) [REQ_##kind] = (name),
#include "requests.def"
	};

	return names[r->kind];
}
