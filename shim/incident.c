/* incident.c - incident ids, session snapshot, common log fields. */
#include "incident.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "clock.h"
#include "log.h"

static atomic_uint incident_counter;

static void copy_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* The record, not the live status: the library may have cleared
 * SERVER_STATUS_IN_TRANS on its way to reporting the loss. */
static void incident_init(struct incident *inc, const struct shim_config *cfg,
			  const struct real_api *real, struct conn *conn, MYSQL *m,
			  const struct incident_session *session)
{
	memset(inc, 0, sizeof(*inc));
	inc->cfg = cfg;
	inc->real = real;
	inc->conn = conn;
	inc->mysql = m;
	inc->start_ms = clock_ms();
	inc->status_known = session->status_known;
	inc->status = conn->session.status;
	copy_name(inc->schema, sizeof(inc->schema), session->schema);
	copy_name(inc->charset, sizeof(inc->charset), session->charset);
}

void incident_open(struct incident *inc, const struct shim_config *cfg,
		   const struct real_api *real, struct conn *conn, MYSQL *m,
		   const struct incident_session *session)
{
	incident_init(inc, cfg, real, conn, m, session);
	snprintf(inc->id, sizeof(inc->id), "%d.%u", (int)getpid(),
		 atomic_fetch_add_explicit(&incident_counter, 1, memory_order_relaxed) + 1);
}

void incident_resume(struct incident *inc, const struct shim_config *cfg,
		     const struct real_api *real, struct conn *conn, MYSQL *m,
		     const struct incident_session *session)
{
	if (!conn->lost_incident[0]) {
		incident_open(inc, cfg, real, conn, m, session);
		return;
	}
	incident_init(inc, cfg, real, conn, m, session);
	memcpy(inc->id, conn->lost_incident, sizeof(inc->id));
}

void incident_line(const struct incident *inc, struct logline *l, int severity,
		   const char *event)
{
	const struct conn *c = inc->conn;

	logline_init(l, severity, event);
	logline_str(l, "incident", inc->id);
	logline_str(l, "program", program_invocation_short_name);
	logline_uint(l, "pid", (unsigned long long)getpid());
	if (c->id.socket_path[0] && !c->id.port) {
		logline_str(l, "socket", c->id.socket_path);
	} else {
		logline_str(l, "host", c->id.host);
		logline_uint(l, "port", c->id.port);
	}
	logline_str(l, "user", c->id.user);
	logline_str(l, "db", inc->schema[0] ? inc->schema : NULL);
}

void incident_add_error(const struct incident *inc, struct logline *l)
{
	const struct real_api *real = inc->real;
	unsigned err = real->mysql_errno ? real->mysql_errno(inc->mysql) : 0;
	const char *message = real->mysql_error ? real->mysql_error(inc->mysql) : NULL;
	char masked[512];

	logline_uint(l, "errno", err);
	if (message && (err < 2000 || err > 2999)) {
		sql_mask_message(message, masked, sizeof(masked));
		message = masked;
	}
	logline_str(l, "error", message);
}

void incident_emit(const struct incident *inc, struct logline *l)
{
	log_emit(inc->cfg, l);
}

uint64_t incident_elapsed_ms(const struct incident *inc)
{
	return clock_ms() - inc->start_ms;
}
