/* log.h - deliver event lines to syslog and/or stderr.
 *
 * Syslog is written directly to the configured socket (default /dev/log)
 * as RFC 3164 datagrams with the tag mysql-reconnect, non-blocking: a slow
 * or absent daemon costs a dropped line, never a blocked program.  The
 * host program's own openlog()/syslog() state is never touched. */
#ifndef MYSQL_RECONNECT_LOG_H
#define MYSQL_RECONNECT_LOG_H

#include <stdatomic.h>
#include <stdbool.h>

#include "config.h"
#include "logfmt.h"

void log_emit(const struct shim_config *cfg, struct logline *line);

/* Starts a line outside an incident: event=, program= and pid=. */
void log_start(struct logline *line, int severity, const char *event);

/* A line logged once per process (done: its own flag): false when it was
 * logged already; else the line is started with program= and pid=. */
bool log_once(atomic_bool *done, struct logline *line, int severity, const char *event);

void log_atfork_prepare(void);
void log_atfork_parent(void);
void log_atfork_child(void);

#endif
