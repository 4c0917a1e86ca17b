/* incident.h - one lost connection, from detection to outcome: its id,
 * the session to restore, and the common fields of its log lines. */
#ifndef MYSQL_RECONNECT_INCIDENT_H
#define MYSQL_RECONNECT_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "conn.h"
#include "logfmt.h"
#include "real.h"

struct incident {
	char id[32];
	const struct shim_config *cfg;
	const struct real_api *real;
	struct conn *conn;
	MYSQL *mysql;
	uint64_t start_ms;
	unsigned attempt;   /* reconnect attempts so far */
	unsigned sends_lost_in_flight; /* sends of the statement lost in flight so far */
	bool read_timeout;  /* the program's own read timeout fired */
	bool write_timeout; /* ... its write timeout */
	bool server_refusing; /* it waited on another handle that the server refused */
	bool found_closed;  /* the idle check cut the socket before the call */
	unsigned server_error; /* ... after the server sent this error (0: none seen) */
	/* The session as it was when the connection was lost. */
	bool status_known;  /* the client library reports server status */
	unsigned status;    /* SERVER_STATUS_* */
	char schema[CONN_NAME_MAX];
	char charset[64];
};

/* What the caller read of the session when the loss was found: whether
 * the library reports the server status at all, the database and the
 * character set (NULL when unknown). */
struct incident_session {
	bool status_known;
	const char *schema;
	const char *charset;
};

/* A new incident (new id) on conn. */
void incident_open(struct incident *inc, const struct shim_config *cfg,
		   const struct real_api *real, struct conn *conn, MYSQL *mysql,
		   const struct incident_session *session);

/* The incident that left conn dead or its transaction lost, continued. */
void incident_resume(struct incident *inc, const struct shim_config *cfg,
		     const struct real_api *real, struct conn *conn, MYSQL *mysql,
		     const struct incident_session *session);

/* Starts a line: event, incident, program, pid, host, port, user, db. */
void incident_line(const struct incident *inc, struct logline *line, int severity,
		   const char *event);

/* errno= and error= of the handle's last error. */
void incident_add_error(const struct incident *inc, struct logline *line);

void incident_emit(const struct incident *inc, struct logline *line);

uint64_t incident_elapsed_ms(const struct incident *inc);

#endif
