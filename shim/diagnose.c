/* diagnose.c - the cause of an incident (diagnose.h). */
#include "diagnose.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include "server_errors.h"

enum cause diagnose_early(const struct evidence *e)
{
	if (e->fork)
		return CAUSE_FORK;
	if (e->read_timeout)
		return CAUSE_READ_TIMEOUT;
	if (e->write_timeout)
		return CAUSE_WRITE_TIMEOUT;
	if (e->packet_too_large || e->lost_errno == ER_NET_PACKET_TOO_LARGE ||
	    e->lost_errno == CR_NET_PACKET_TOO_LARGE)
		return CAUSE_PACKET_TOO_LARGE;
	if (e->lost_errno == ER_SERVER_SHUTDOWN)
		return CAUSE_SERVER_SHUTDOWN;
	if (e->lost_errno == MYSQL_ER_CLIENT_INTERACTION_TIMEOUT)
		return CAUSE_WAIT_TIMEOUT;
	return CAUSE_UNKNOWN;
}

/* The server turned every reconnect away: why, from its last answer. */
static enum cause refused(unsigned err)
{
	switch (err) {
	case CR_UNKNOWN_HOST:
		return CAUSE_DNS;
	case ER_ACCESS_DENIED_ERROR:
	case ER_DBACCESS_DENIED_ERROR:
		return CAUSE_ACCESS_DENIED;
	case ER_HOST_NOT_PRIVILEGED:
		return CAUSE_HOST_NOT_ALLOWED;
	case ER_BAD_DB_ERROR:
		return CAUSE_UNKNOWN_DATABASE;
	case ER_CON_COUNT_ERROR:
	case ER_TOO_MANY_USER_CONNECTIONS:
	case ER_USER_LIMIT_REACHED:
		return CAUSE_TOO_MANY_CONNECTIONS;
	case ER_HOST_IS_BLOCKED:
		return CAUSE_HOST_BLOCKED;
	case CR_AUTH_PLUGIN_ERR:
		return CAUSE_SECURE_TRANSPORT_REQUIRED;
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
		return CAUSE_SERVER_DOWN;
	case CR_SERVER_LOST:
	case CR_SERVER_GONE_ERROR:
		return CAUSE_NETWORK; /* it answered, then dropped the handshake */
	default:
		return CAUSE_UNKNOWN;
	}
}

/* Did the server restart during the outage?  Its uptime (a resolution of
 * a second) is shorter than the outage, or the connection ids it hands
 * out in increasing order went back, with an uptime that allows it (behind
 * a proxy the fresh session may be on another, long-running server). */
static bool restarted(const struct evidence *e)
{
	uint64_t up_ms = (uint64_t)e->uptime_s * 1000;

	if (e->uptime_s >= 0 && up_ms + 1000 <= e->since_success_ms)
		return true;
	return e->new_thread_id && e->new_thread_id < e->lost_thread_id &&
	       (e->uptime_s < 0 || up_ms <= e->since_success_ms + 1000);
}

/* Idle as long as the session's timeout (a resolution of a second)? */
static bool timed_out(const struct evidence *e)
{
	return e->timeout_s > 0 && e->idle_ms + 1000 >= (uint64_t)e->timeout_s * 1000;
}

enum cause diagnose(const struct evidence *e)
{
	enum cause early;

	/* Gave up: the reconnects' own failure says the most. */
	if (!e->reconnected && e->reconnect_errno && refused(e->reconnect_errno) != CAUSE_UNKNOWN)
		return refused(e->reconnect_errno);
	early = diagnose_early(e);
	if (early != CAUSE_UNKNOWN || !e->reconnected)
		return early;
	/* the command byte counts: a Unix socket may only have said 2006 */
	if (e->max_packet && e->statement_bytes >= e->max_packet)
		return CAUSE_PACKET_TOO_LARGE;
	if (restarted(e)) {
		/* the timeout had closed it before the restart happened */
		if (timed_out(e) && e->uptime_s >= 0 &&
		    e->since_success_ms - (uint64_t)e->timeout_s * 1000 > (uint64_t)e->uptime_s * 1000)
			return CAUSE_WAIT_TIMEOUT;
		return CAUSE_SERVER_RESTARTED;
	}
	if (e->lost_errno == ER_CONNECTION_KILLED)
		return CAUSE_KILLED;
	if (timed_out(e))
		return CAUSE_WAIT_TIMEOUT;
	if (e->uptime_s >= 0 && e->timeout_s > 0)
		return CAUSE_KILLED; /* closed while the server stayed up, before its timeout */
	return CAUSE_UNKNOWN;
}

static const struct {
	const char *name;
	const char *remedy;
} causes[] = {
	[CAUSE_UNKNOWN] = {"unknown", "check the server's error log and the network at this time"},
	[CAUSE_WAIT_TIMEOUT] = {"wait_timeout", "the connection sat idle past the server's "
				"wait_timeout: raise it for this user, or have the program use or "
				"ping its connection more often"},
	[CAUSE_KILLED] = {"killed", "the connection was closed before its timeout while the "
			  "server stayed up: find who runs KILL (a DBA, pt-kill) in the server's "
			  "logs, or a proxy or firewall that drops idle connections"},
	[CAUSE_SERVER_RESTARTED] = {"server_restarted", "the server restarted (uptime shorter "
				    "than the outage): planned, or a crash; its error log says "
				    "which (a crash leaves a stack trace, perhaps of the "
				    "statement itself)"},
	[CAUSE_SERVER_SHUTDOWN] = {"server_shutdown", "the server was shut down: check its "
				   "restart or maintenance schedule"},
	[CAUSE_SERVER_DOWN] = {"server_down", "the server refused every connection: is it "
			       "running, listening (skip_networking, bind_address) and not "
			       "behind a firewall?"},
	[CAUSE_NETWORK] = {"network", "the server is up but the connection was reset: check the "
			   "network and any proxy between"},
	[CAUSE_PACKET_TOO_LARGE] = {"packet_too_large", "the statement is longer than "
				    "max_allowed_packet: raise it on the server and the client, "
				    "or send less at once"},
	[CAUSE_READ_TIMEOUT] = {"read_timeout", "the statement ran longer than the program's "
				"own MYSQL_OPT_READ_TIMEOUT and may still be running on the "
				"server: find out why it is slow, or raise the timeout"},
	[CAUSE_WRITE_TIMEOUT] = {"write_timeout", "sending took longer than the program's own "
				 "MYSQL_OPT_WRITE_TIMEOUT: the server stopped reading (overloaded, "
				 "or the network); check both"},
	[CAUSE_ACCESS_DENIED] = {"access_denied", "the server no longer accepts this user's "
				 "credentials (password changed, user dropped or locked)"},
	[CAUSE_HOST_NOT_ALLOWED] = {"host_not_allowed", "this host may not connect as this "
				    "user any more: check the user's host part"},
	[CAUSE_UNKNOWN_DATABASE] = {"unknown_database", "the program's database no longer "
				    "exists on the server"},
	[CAUSE_DNS] = {"dns", "the server's host name could not be resolved: check DNS"},
	[CAUSE_TOO_MANY_CONNECTIONS] = {"too_many_connections", "the server is at "
					"max_connections (or the user's limit): raise it or find "
					"who holds the connections"},
	[CAUSE_HOST_BLOCKED] = {"host_blocked", "the server blocked this host after "
				"max_connect_errors failed connects: run FLUSH HOSTS, and find "
				"what failed"},
	[CAUSE_FORK] = {"fork", "a forked child used its parent's connection: it gets its own"},
	[CAUSE_USED_AFTER_CLOSE] = {"used_after_close", "the program called the client library "
				    "on a handle it had closed: a bug in the program (it gets the "
				    "library's error)"},
	[CAUSE_SECURE_TRANSPORT_REQUIRED] = {"secure_transport_required", "the account uses "
					     "caching_sha2_password and the server's cache no "
					     "longer has it (always after a restart): connect over "
					     "TLS or the Unix socket, or give the client the "
					     "server's RSA public key"},
};

const char *cause_name(enum cause cause)
{
	return causes[cause].name;
}

const char *cause_remedy(enum cause cause)
{
	return causes[cause].remedy;
}
