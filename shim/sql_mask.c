/* sql_mask.c - statement text for the log, with every literal masked by
 * the server-faithful lexer (classify.h: sql_mask). */
#include "classify.h"
#include "sql_lex.h"

#include <stdbool.h>
#include <string.h>

static size_t put_bytes(char *out, size_t n, size_t cap, const char *s, size_t k)
{
	if (k > cap - n)
		k = cap - n;
	memcpy(out + n, s, k);
	return n + k;
}

/* 0x1F and 0b101 are literals to the server although the lexer reads
 * them as words (as it does 0x1G, a name). */
static bool is_prefixed_literal(const char *w, size_t n)
{
	size_t i;

	if (n < 3 || w[0] != '0' || (w[1] != 'x' && w[1] != 'b'))
		return false;
	for (i = 2; i < n; i++) {
		char ch = w[i];

		if (w[1] == 'b' ? ch != '0' && ch != '1'
				: !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
				    (ch >= 'A' && ch <= 'F')))
			return false;
	}
	return true;
}

/* The masked form of one token that starts at raw. */
static size_t put_token(char *out, size_t n, size_t cap, const struct tok *t,
			const char *raw, const char *raw_end)
{
	char quoted[3] = {'\'', '?', '\''};

	switch (t->type) {
	case T_NUM:
		return put_bytes(out, n, cap, "?", 1);
	case T_WORD:
		if (is_prefixed_literal(raw, (size_t)(raw_end - raw)))
			return put_bytes(out, n, cap, "?", 1);
		return put_bytes(out, n, cap, raw, (size_t)(raw_end - raw));
	case T_STRING:
		if (*raw != '\'' && *raw != '"')
			return put_bytes(out, n, cap, "?", 1); /* X'..', B'..' */
		quoted[0] = quoted[2] = *raw;
		return put_bytes(out, n, cap, quoted, 3);
	default:
		return put_bytes(out, n, cap, raw, (size_t)(raw_end - raw));
	}
}

size_t sql_mask(const char *text, size_t len, unsigned flags, char *out, size_t cap)
{
	struct lexer lx;
	const char *prev_end;
	size_t n = 0;

	memset(&lx, 0, sizeof lx);
	if (!text)
		len = 0;
	lx.p = prev_end = text;
	lx.end = text + len;
	lx.esc = !(flags & SQL_NO_BACKSLASH_ESCAPES);
	while (n < cap) {
		const char *err = sql_lex_skip_space(&lx), *raw = lx.p;
		struct tok t;

		if (!err && raw == lx.end && !lx.in_exec)
			break;
		if (raw > prev_end && n > 0) /* white space or comments: one space */
			n = put_bytes(out, n, cap, " ", 1);
		if (err)
			return put_bytes(out, n, cap, "?", 1);
		sql_lex(&lx, &t);
		if (t.type == T_ERROR)
			return put_bytes(out, n, cap, "?", 1);
		n = put_token(out, n, cap, &t, raw, lx.p);
		prev_end = lx.p;
	}
	return n;
}

static bool is_quote(char ch)
{
	return ch == '\'' || ch == '"' || ch == '`';
}

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* A quote that may close what the server quoted: not an apostrophe inside
 * a word of the message itself ("doesn't"), which has letters on both
 * sides.  (What the server quotes ends before a space, a comma, the end.) */
static bool may_close(const char *message, size_t at, size_t len)
{
	return is_quote(message[at]) &&
	       !(at > 0 && at + 1 < len && is_alnum(message[at - 1]) && is_alnum(message[at + 1]));
}

void sql_mask_message(const char *message, char *out, size_t cap)
{
	size_t first, last, len = 0, n;

	if (!cap)
		return;
	while (message[len])
		len++;
	for (first = 0; first < len && !is_quote(message[first]); first++)
		;
	for (last = len; last > first + 1 && !may_close(message, last - 1, len); last--)
		;
	n = put_bytes(out, 0, cap - 1, message, first);
	if (first < len) {
		n = put_bytes(out, n, cap - 1, "'?'", 3);
		/* an unpaired quote: nothing after it is safe */
		if (last > first + 1)
			n = put_bytes(out, n, cap - 1, message + last, len - last);
	}
	out[n] = '\0';
}
