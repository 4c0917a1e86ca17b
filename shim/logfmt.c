/* logfmt.c - key=value line formatting. */
#include "logfmt.h"

#include <stdio.h>
#include <string.h>

#include "classify.h"

/* Room kept for " truncated=yes" and the NUL. */
#define RESERVE 16

static bool put(struct logline *l, const char *s, size_t n)
{
	if (l->truncated || l->len + n > sizeof(l->buf) - RESERVE) {
		l->truncated = true;
		return false;
	}
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	return true;
}

static bool put_char(struct logline *l, char c)
{
	return put(l, &c, 1);
}

void logline_init(struct logline *l, int severity, const char *event)
{
	l->severity = severity;
	l->len = 0;
	l->truncated = false;
	put(l, "event=", 6);
	put(l, event, strlen(event));
}

static bool is_bare(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("._:/@+-,", c) != NULL;
}

static bool needs_quotes(const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (!is_bare((unsigned char)v[i]))
			return true;
	return false;
}

/* Quoted value: \" and \\ escaped, bytes outside printable ASCII as \xNN,
 * so one event is always exactly one line of plain text. */
static void put_quoted(struct logline *l, const char *v, size_t n)
{
	char hex[5];
	size_t i;

	if (!put_char(l, '"'))
		return;
	for (i = 0; i < n && !l->truncated; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\') {
			put_char(l, '\\');
			put_char(l, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			put(l, hex, 4);
		} else {
			put_char(l, (char)c);
		}
	}
	if (l->truncated) {
		/* Close the quote inside the reserve so the line stays parseable. */
		l->buf[l->len++] = '"';
		return;
	}
	put_char(l, '"');
}

void logline_bytes(struct logline *l, const char *key, const char *value, size_t n)
{
	if (l->truncated)
		return;
	put_char(l, ' ');
	put(l, key, strlen(key));
	put_char(l, '=');
	if (!value) {
		put_char(l, '-');
		return;
	}
	/* Too long for the room left: quoted, so that it is cut visibly. */
	if (needs_quotes(value, n) || l->len + n > sizeof(l->buf) - RESERVE)
		put_quoted(l, value, n);
	else
		put(l, value, n);
}

void logline_str(struct logline *l, const char *key, const char *value)
{
	logline_bytes(l, key, value, value ? strlen(value) : 0);
}

void logline_statement(struct logline *l, const char *key, const char *text, size_t n,
		       size_t max, unsigned sql_flags)
{
	char masked[LOGLINE_MAX];

	if (max > sizeof(masked))
		max = sizeof(masked);
	logline_bytes(l, key, masked, sql_mask(text, n, sql_flags, masked, max));
}

void logline_uint(struct logline *l, const char *key, unsigned long long value)
{
	char digits[24];

	snprintf(digits, sizeof(digits), "%llu", value);
	logline_str(l, key, digits);
}

const char *logline_finish(struct logline *l)
{
	static const char mark[] = " truncated=yes";

	if (l->truncated) {
		memcpy(l->buf + l->len, mark, sizeof(mark) - 1);
		l->len += sizeof(mark) - 1;
	}
	l->buf[l->len] = '\0';
	return l->buf;
}
