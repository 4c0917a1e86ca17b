/* logfmt.h - one event as one grep-able line: `event=NAME key=value ...`.
 *
 * Pure and allocation-free: the line lives in a fixed buffer; a value that
 * does not fit is cut and the line ends with ` truncated=yes`. */
#ifndef MYSQL_RECONNECT_LOGFMT_H
#define MYSQL_RECONNECT_LOGFMT_H

#include <stdbool.h>
#include <stddef.h>

#define LOGLINE_MAX 1536

struct logline {
	int severity; /* LOG_WARNING, LOG_NOTICE, ... */
	size_t len;
	bool truncated;
	char buf[LOGLINE_MAX];
};

void logline_init(struct logline *l, int severity, const char *event);
/* NULL is written as `-`; anything but [A-Za-z0-9._:/@+-] is quoted. */
void logline_str(struct logline *l, const char *key, const char *value);
/* `n` bytes of binary-safe text (statements): non-printable bytes as \xNN. */
void logline_bytes(struct logline *l, const char *key, const char *value, size_t n);
void logline_uint(struct logline *l, const char *key, unsigned long long value);
/* Statement text, at most `max` bytes of it, with every literal replaced
 * by `?` (sql_mask: lexed as the server lexes it, sql_flags say how):
 * passwords (IDENTIFIED BY '...', PASSWORD('...')) and data never reach
 * the log. */
void logline_statement(struct logline *l, const char *key, const char *text, size_t n,
		       size_t max, unsigned sql_flags);
/* Terminates the line (adds ` truncated=yes` if needed) and returns it. */
const char *logline_finish(struct logline *l);

#endif
