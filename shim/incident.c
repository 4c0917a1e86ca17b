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

unsigned incident_server_status(const struct real_api *real, MYSQL *m, bool *known)
{
	unsigned status = 0;

	*known = real->mariadb_get_infov &&
		 real->mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &status) == 0;
	return *known ? status : 0;
}

static void copy_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static void snapshot_session(struct incident *inc)
{
	const char *schema = NULL;

	/* The record, not the live status: the library may have cleared
	 * SERVER_STATUS_IN_TRANS on its way to reporting the loss. */
	incident_server_status(inc->real, inc->mysql, &inc->status_known);
	inc->status = inc->conn->status;
	if (inc->real->mariadb_get_infov)
		inc->real->mariadb_get_infov(inc->mysql, MARIADB_CONNECTION_SCHEMA, &schema);
	copy_name(inc->schema, sizeof(inc->schema), schema);
	copy_name(inc->charset, sizeof(inc->charset),
		  inc->real->mysql_character_set_name
			  ? inc->real->mysql_character_set_name(inc->mysql)
			  : NULL);
}

static void incident_init(struct incident *inc, const struct shim_config *cfg,
			  const struct real_api *real, struct conn *conn, MYSQL *m)
{
	memset(inc, 0, sizeof(*inc));
	inc->cfg = cfg;
	inc->real = real;
	inc->conn = conn;
	inc->mysql = m;
	inc->start_ms = clock_ms();
	snapshot_session(inc);
}

void incident_open(struct incident *inc, const struct shim_config *cfg,
		   const struct real_api *real, struct conn *conn, MYSQL *m)
{
	incident_init(inc, cfg, real, conn, m);
	snprintf(inc->id, sizeof(inc->id), "%d.%u", (int)getpid(),
		 atomic_fetch_add_explicit(&incident_counter, 1, memory_order_relaxed) + 1);
}

void incident_resume(struct incident *inc, const struct shim_config *cfg,
		     const struct real_api *real, struct conn *conn, MYSQL *m)
{
	if (!conn->lost_incident[0]) {
		incident_open(inc, cfg, real, conn, m);
		return;
	}
	incident_init(inc, cfg, real, conn, m);
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
	if (c->socket_path[0] && !c->port) {
		logline_str(l, "socket", c->socket_path);
	} else {
		logline_str(l, "host", c->host);
		logline_uint(l, "port", c->port);
	}
	logline_str(l, "user", c->user);
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
