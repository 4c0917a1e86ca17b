/* sql_lex.h - the SQL lexer the classifier and the log's literal masking
 * share: it reads bytes the way the server's lexer does (comments,
 * executable comments, quoting, NO_BACKSLASH_ESCAPES, multi-byte
 * characters).  Pure: no allocation, no writable data. */
#ifndef MYSQL_RECONNECT_SQL_LEX_H
#define MYSQL_RECONNECT_SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* ASCII upper case; locale-independent on purpose. */
static inline unsigned char up(unsigned char ch)
{
	return (unsigned char)(ch - 'a') < 26 ? (unsigned char)(ch - 32) : ch;
}

/* Compare the n-byte word w, folded, with the upper-case NUL-terminated
 * kw: <0, 0, >0 like strcmp.  Words never contain NUL bytes. */
static inline int cmpw(const char *w, size_t n, const char *kw)
{
	for (size_t i = 0; i < n; i++) {
		int d = (int)up((unsigned char)w[i]) - (int)(unsigned char)kw[i];
		if (d)
			return d;
	}
	return kw[n] ? -1 : 0;
}

#define IS(w, n, kw) ((n) == sizeof(kw) - 1 && cmpw((w), (n), (kw)) == 0)

enum tok_type {
	T_END, T_SEMI, T_WORD, T_NUM, T_QIDENT, T_STRING, T_UVAR, T_SYSVAR,
	T_PUNCT, T_ASSIGN, T_ERROR,
};
enum scope { S_SESSION, S_GLOBAL, S_PERSIST, S_UNKNOWN };

struct tok {
	const char *p;          /* word, identifier or variable name; error text */
	size_t n;
	/* Word-sized fields: byte stores read back by a wider load stall. */
	unsigned type, ch;      /* ch: the punctuation character */
	unsigned scope;         /* T_SYSVAR */
	unsigned adj;           /* nothing between this and the previous token */
	unsigned dq;            /* "double-quoted" (an identifier with ANSI_QUOTES) */
};

struct lexer {
	const char *p, *end;
	const char *exec_close; /* raw end of the open executable comment */
	const char *last_end;   /* end of the previous token */
	unsigned last;          /* type of the previous token */
	bool esc;               /* backslash escapes in strings */
	bool restored;          /* SQL_SESSION_RESTORED */
	bool uvars_restored;    /* SQL_USER_VARS_RESTORED */
	bool in_exec;           /* inside an executable comment */
};

/* The next token; T_END at the end, T_ERROR (t->p: why) when the text
 * cannot be read as the server would. */
void sql_lex(struct lexer *lx, struct tok *t);

/* The common tokens (plain words and numbers, simple punctuation, the
 * end, after plain white space) without the general machinery; false
 * (white space skipped) when the token needs sql_lex(). */
bool sql_lex_fast(struct lexer *lx, struct tok *t);

/* The scope a word names (GLOBAL, SESSION/LOCAL, PERSIST...), or
 * S_UNKNOWN. */
unsigned char sql_lex_scope(const char *w, size_t n);

/* Skips white space and comments: NULL, or why the text cannot be read. */
const char *sql_lex_skip_space(struct lexer *lx);

/* The success path's look at a statement that ran: could it have left
 * state the server does not report (LOCK TABLES, HANDLER, FLUSH ... WITH
 * READ LOCK, BACKUP, SET TRANSACTION, SET ROLE, CALL, a user variable
 * assigned anywhere, GET_LOCK(); without tracking, also USE, CREATE and
 * PREPARE)?  Its first word and one pass over its bytes for '@' and
 * GET_LOCK: true sends it to the classifier, which decides.  A text that
 * starts with a comment always goes there: only the first word is read. */
bool sql_may_hold_state(const char *text, size_t len, bool tracked);

#endif
