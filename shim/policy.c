/* policy.c - recovery decisions.  See README.md, "What is retried". */
#include "policy.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include "server_errors.h"

enum lost_kind policy_lost_kind(unsigned err, bool server_is_mysql)
{
	switch (err) {
	case CR_SERVER_GONE_ERROR:
		return LOST_NOT_SENT;
	case CR_SERVER_LOST:
	case CR_SERVER_LOST_EXTENDED:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
	/* A TLS connection that met EOF or a broken stream: the library has
	 * closed it.  Only calls on a connection ask: at connect, 2026 is a
	 * handshake that failed for good (policy_error_is_final). */
	case CR_SSL_CONNECTION_ERROR:
	/* Connector/C's write error where it queued several commands (a
	 * prepared statement prepared again): some may have gone out. */
	case MARIADB_CR_ERR_NET_WRITE:
		return LOST_IN_FLIGHT;
	case ER_NET_PACKET_TOO_LARGE:
		return LOST_BY_STATEMENT;
	case MYSQL_ER_CLIENT_INTERACTION_TIMEOUT:
		return server_is_mysql ? LOST_NOT_SENT : LOST_NONE;
	default:
		return LOST_NONE;
	}
}

bool policy_error_is_final(unsigned err)
{
	switch (err) {
	case ER_ACCESS_DENIED_ERROR:
	case ER_DBACCESS_DENIED_ERROR:
	case ER_BAD_DB_ERROR:
	case ER_HOST_NOT_PRIVILEGED:
	case ER_HOST_IS_BLOCKED:
	case ER_NOT_SUPPORTED_AUTH_MODE:
	case ER_ACCESS_DENIED_NO_PASSWORD_ERROR:
	case ER_MUST_CHANGE_PASSWORD:
	case ER_MUST_CHANGE_PASSWORD_LOGIN:
	case ER_ACCOUNT_HAS_BEEN_LOCKED:
	case MYSQL_ER_ACCOUNT_LOCKED:
	case CR_AUTH_PLUGIN_CANNOT_LOAD:
	/* 2061: caching_sha2_password wants a secure transport until the
	 * server caches the password again: no retry mends it */
	case CR_AUTH_PLUGIN_ERR:
	case CR_SSL_CONNECTION_ERROR:
		return true;
	default:
		return false;
	}
}

unsigned policy_backoff_ms(const struct shim_config *cfg, unsigned attempt, uint32_t random)
{
	uint64_t base = cfg->backoff_ms;
	unsigned half;

	for (unsigned i = 2; i < attempt && base < cfg->backoff_max_ms; i++)
		base *= 2;
	if (base > cfg->backoff_max_ms)
		base = cfg->backoff_max_ms;
	half = (unsigned)(base / 2);
	return (unsigned)(base - half) + random % (half + 1);
}

enum loss_action policy_on_loss(enum lost_kind kind, bool in_transaction, bool holds_state,
				const struct call_facts *call, const char **why)
{
	if (in_transaction || call->opens_transaction) {
		if (call->rolls_back) {
			*why = "rollback_of_lost_transaction";
			return ACTION_ROLLBACK_FRESH;
		}
		if (call->commits && !call->opens_transaction) {
			/* The transaction ended with this call, committed or not:
			 * nobody can tell, so the program must be told. */
			*why = "transaction_end_outcome_unknown";
			return ACTION_RETURN_ERROR;
		}
		*why = in_transaction ? "in_transaction" : "transaction_begun_by_text";
		return ACTION_TRANSACTION_LOST;
	}
	if (holds_state && kind != LOST_BY_STATEMENT && kind != LOST_READ_TIMEOUT) {
		*why = "session_state_lost";
		return ACTION_RETURN_ERROR;
	}
	return policy_may_send_again(kind, call, why) ? ACTION_RESEND : ACTION_RETURN_ERROR;
}

bool policy_may_send_again(enum lost_kind kind, const struct call_facts *call,
			   const char **why)
{
	if (kind == LOST_BY_STATEMENT) {
		*why = "statement_broke_connection";
		return false;
	}
	if (call->handle_closed) {
		*why = "statement_handle_closed";
		return false;
	}
	if (kind == LOST_READ_TIMEOUT) {
		/* each copy would go on running on the server, and the program
		 * would wait a multiple of its own timeout */
		*why = "read_timeout";
		return false;
	}
	if (kind == LOST_NOT_SENT && call->depends_on_session) {
		*why = "depends_on_lost_session";
		return false;
	}
	if (kind == LOST_NOT_SENT) {
		*why = "never_reached_server";
		return true;
	}
	if (!call->safe) {
		*why = "unsafe_statement";
		return false;
	}
	*why = "safe_statement";
	return true;
}

bool policy_may_send_once_more(enum lost_kind kind, unsigned in_flight, unsigned sends,
			       const struct call_facts *call, const char **why)
{
	if (in_flight >= 2) {
		*why = "lost_in_flight_twice";
		return false;
	}
	if (sends >= POLICY_RESENDS_MAX) {
		*why = "statement_keeps_losing_connection";
		return false;
	}
	return policy_may_send_again(kind, call, why);
}

enum lost_txn_action policy_in_lost_transaction(const struct call_facts *call)
{
	if (call->rolls_back)
		return LOST_TXN_ROLLBACK;
	if (call->commits)
		return LOST_TXN_END;
	return LOST_TXN_REFUSE;
}
