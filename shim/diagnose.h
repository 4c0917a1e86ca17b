/* diagnose.h - why a connection was lost, from the evidence gathered at
 * incident time (never on the success path), in the vocabulary of the
 * MySQL manual's "MySQL server has gone away" (B.3.2.7).  Pure. */
#ifndef MYSQL_RECONNECT_DIAGNOSE_H
#define MYSQL_RECONNECT_DIAGNOSE_H

#include <stdbool.h>
#include <stdint.h>

enum cause {
	CAUSE_UNKNOWN,
	CAUSE_WAIT_TIMEOUT,
	CAUSE_KILLED,
	CAUSE_SERVER_RESTARTED,
	CAUSE_SERVER_SHUTDOWN,
	CAUSE_SERVER_DOWN,
	CAUSE_NETWORK,
	CAUSE_PACKET_TOO_LARGE,
	CAUSE_READ_TIMEOUT,
	CAUSE_WRITE_TIMEOUT,
	CAUSE_ACCESS_DENIED,
	CAUSE_HOST_NOT_ALLOWED,
	CAUSE_UNKNOWN_DATABASE,
	CAUSE_DNS,
	CAUSE_TOO_MANY_CONNECTIONS,
	CAUSE_HOST_BLOCKED,
	CAUSE_FORK,
	CAUSE_USED_AFTER_CLOSE,
	CAUSE_SECURE_TRANSPORT_REQUIRED,
};

struct evidence {
	unsigned lost_errno;       /* the error the loss was noticed with */
	unsigned reconnect_errno;  /* the last reconnect attempt's error; 0: none failed */
	bool reconnected;
	bool fork;                 /* a child used its parent's connection */
	bool read_timeout;         /* the program's own MYSQL_OPT_READ_TIMEOUT fired */
	bool write_timeout;        /* ... or its MYSQL_OPT_WRITE_TIMEOUT */
	bool packet_too_large;     /* longer than the server's max_allowed_packet */
	uint64_t idle_ms;          /* from the last success to the call that lost it */
	uint64_t since_success_ms; /* from the last success to the reconnect */
	long long timeout_s;       /* the session's wait_timeout (the server set it from
				      interactive_timeout for an interactive client);
				      -1 unknown */
	long long uptime_s;        /* the server's, read after the reconnect; -1 unknown */
	unsigned long long statement_bytes; /* of the statement the loss met; 0 none */
	unsigned long long max_packet;      /* the server's max_allowed_packet; 0 unknown */
	unsigned long lost_thread_id, new_thread_id; /* the server's connection ids of the
							 lost session and the fresh one;
							 0 unknown */
};

enum cause diagnose(const struct evidence *e);

/* "wait_timeout", "killed", ...: the `cause=` of the log. */
const char *cause_name(enum cause cause);

/* One line: what to do about it. */
const char *cause_remedy(enum cause cause);

/* Decided from the error alone, before any reconnect (the rest need
 * evidence a reconnect brings): CAUSE_UNKNOWN when not. */
enum cause diagnose_early(const struct evidence *e);

#endif
