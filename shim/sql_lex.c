/* sql_lex.c - the SQL lexer (sql_lex.h). */
#include "sql_lex.h"

#include <string.h>

/* C_PUN: punctuation that is always a token of its own (no comment,
 * number, operator or executable-comment end can start with it), which
 * the lexer's fast path takes without a second look; C_QUO: quotes, which
 * it hands straight to lex_quoted(). */
enum { C_SP = 1, C_ID = 2, C_DIG = 4, C_CTL = 8, C_HI = 16, C_PUN = 32,
       C_QUO = 64 };

/* Bytes >= 0x80 are identifier bytes, as in the server's lexer. */
static const unsigned char cclass[256] = {
	[1 ... 8] = C_CTL, ['\t' ... '\r'] = C_SP, [14 ... 31] = C_CTL,
	[' '] = C_SP, ['$'] = C_ID, ['0' ... '9'] = C_ID | C_DIG,
	['A' ... 'Z'] = C_ID, ['_'] = C_ID, ['a' ... 'z'] = C_ID,
	[127] = C_CTL, [128 ... 255] = C_ID | C_HI,
	[','] = C_PUN, ['('] = C_PUN, [')'] = C_PUN, ['='] = C_PUN,
	['<'] = C_PUN, ['>'] = C_PUN, ['+'] = C_PUN,
	['\''] = C_QUO, ['"'] = C_QUO, ['`'] = C_QUO,
};

static const char *find_close(const char *p, const char *end)
{
	while (p < end) {
		p = memchr(p, '*', (size_t)(end - p));
		if (!p || end - p < 2)
			return NULL;
		if (p[1] == '/')
			return p;
		p++;
	}
	return NULL;
}

/* At "/" "*": skip a comment, or enter an executable comment, whose
 * content is code (whatever its version: both readings are then checked
 * to end at the same "*" "/").  Optimizer hints are plain comments. */
static const char *comment(struct lexer *lx, const char **pp)
{
	const char *q = *pp + 2, *end = lx->end, *close;
	bool exec = false;

	if (q < end && *q == '!') {
		exec = true;
		q++;
	} else if (end - q >= 2 && q[0] == 'M' && q[1] == '!') {
		exec = true;
		q += 2;
	}
	close = find_close(q, end);
	if (!close)
		return "unterminated comment";
	if (!exec) {
		if (memchr(q, 0, (size_t)(close - q)))
			return "NUL byte";
		*pp = close + 2;
		return NULL;
	}
	if (lx->in_exec)
		return "nested executable comment";
	int d = 0;
	while (d < 6 && q + d < end && (cclass[(unsigned char)q[d]] & C_DIG))
		d++;
	if (d >= 5)
		q += d;
	lx->in_exec = true;
	lx->exec_close = close;
	*pp = q;
	return NULL;
}

/* "-- " needs a space or control character after it (or the end), so
 * that "1--1" stays arithmetic. */
static bool dash_comment(const char *p, const char *end)
{
	return end - p >= 2 && p[1] == '-' &&
	       (end - p == 2 || (unsigned char)p[2] <= ' ' || p[2] == 0x7f);
}

const char *sql_lex_skip_space(struct lexer *lx)
{
	const char *p = lx->p, *end = lx->end, *err = NULL;

	while (p < end && !err) {
		unsigned char ch = (unsigned char)*p;
		if (cclass[ch] & C_SP) {
			p++;
		} else if (ch == '/' && end - p >= 2 && p[1] == '*') {
			err = comment(lx, &p);
		} else if (ch == '*' && lx->in_exec && end - p >= 2 && p[1] == '/') {
			if (p != lx->exec_close)
				err = "ambiguous executable comment";
			lx->in_exec = false;
			p += 2;
		} else if (ch == '#' || (ch == '-' && dash_comment(p, end))) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *stop = nl ? nl : end;
			if (memchr(p, 0, (size_t)(stop - p)))
				err = "NUL byte";
			p = stop;
		} else {
			break;
		}
	}
	lx->p = p;
	return err;
}

/* Multi-byte character sets whose second byte can be a backslash or a
 * backtick (gbk/gb18030, big5, sjis/cp932): the server, lexing in such a
 * character set, can see a quote end where a byte-wise lexer does not. */
enum { M_NONE, M_GBK, M_BIG5, M_SJIS };

static bool mb_pair(int m, unsigned char a, unsigned char b)
{
	switch (m) {
	case M_GBK:
		return a >= 0x81 && a <= 0xfe && b >= 0x40 && b <= 0xfe && b != 0x7f;
	case M_BIG5:
		return a >= 0xa1 && a <= 0xf9 &&
		       ((b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe));
	case M_SJIS:
		return ((a >= 0x81 && a <= 0x9f) || (a >= 0xe0 && a <= 0xfc)) &&
		       b >= 0x40 && b <= 0xfc && b != 0x7f;
	default:
		return false;
	}
}

/* Does a lexer with character set model m and escapes esc end the quoted
 * text s[0..n-1] exactly at s[n] (the closing quote, which exists)? */
static bool same_end(const char *s, size_t n, char q, bool esc, int m)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = (unsigned char)s[i];
		if (mb_pair(m, b, (unsigned char)s[i + 1]))
			i += 2;
		else if (b == (unsigned char)q && s[i + 1] != q)
			return false;
		else if (b == (unsigned char)q || (b == '\\' && esc))
			i += 2;
		else
			i++;
	}
	return i == n;
}

/* Could another character set, or ANSI_QUOTES (which makes "..." an
 * identifier without escapes), end this quoted text elsewhere? */
static bool quote_ambiguous(const char *s, size_t n, char q, bool esc,
			    bool hi, bool bs)
{
	for (int m = M_NONE; m <= M_SJIS; m++) {
		if (m != M_NONE && !hi)
			break;
		if (m != M_NONE && !same_end(s, n, q, esc, m))
			return true;
		if (q == '"' && esc && bs && !same_end(s, n, q, false, m))
			return true;
	}
	return false;
}

static void lex_error(struct lexer *lx, struct tok *t, const char *what)
{
	t->type = T_ERROR;
	t->p = what;
	t->n = 0;
	lx->p = lx->end;
}

/* A quoted string or identifier starting at the quote p; the token spans
 * its content.  The inner loop only looks for the two bytes that can end
 * a plain run: the quote and (with escapes) the backslash; acc collects
 * the content's high bits for the multi-byte check. */
static void lex_quoted(struct lexer *lx, struct tok *t, const char *p)
{
	const char q = *p, *s = p + 1, *i = s, *end = lx->end;
	const bool esc = lx->esc && q != '`';
	const char stop = esc ? '\\' : q;
	unsigned acc = 0;
	bool bs = false;

	for (;;) {
		while (i < end && *i != q && *i != stop)
			acc |= (unsigned char)*i++;
		if (end - i < 2) {
			/* the last byte closes only if it is the quote */
			if (i == end || *i != q)
				i = end;
			break;
		}
		if (*i == q) {
			if (i[1] != q)
				break;
		} else {
			bs = true;
			acc |= (unsigned char)i[1];
		}
		i += 2;
	}
	if (i == end) {
		lex_error(lx, t, q == '`' ? "unterminated identifier"
					    : "unterminated string");
		return;
	}
	if (q == '`' && memchr(s, 0, (size_t)(i - s))) {
		lex_error(lx, t, "NUL byte");
		return;
	}
	if (((acc & 0x80) || (q == '"' && bs)) &&
	    quote_ambiguous(s, (size_t)(i - s), q, esc, acc & 0x80, bs)) {
		lex_error(lx, t, "ambiguous quoting");
		return;
	}
	t->type = q == '`' ? T_QIDENT : T_STRING;
	t->dq = q == '"';
	t->p = s;
	t->n = (size_t)(i - s);
	lx->p = i + 1;
}

/* X'..' and B'..': no escapes inside. */
static void lex_raw_string(struct lexer *lx, struct tok *t, const char *p)
{
	const char *close = memchr(p + 1, '\'', (size_t)(lx->end - p - 1));

	if (!close) {
		lex_error(lx, t, "unterminated string");
		return;
	}
	t->type = T_STRING;
	t->p = p + 1;
	t->n = (size_t)(close - p - 1);
	lx->p = close + 1;
}

/* Run of identifier bytes (and '.' for variable names) from p. */
static const char *id_run(const char *p, const char *end, bool dots,
			  unsigned *acc)
{
	unsigned a = 0;

	for (; p < end; p++) {
		unsigned c = cclass[(unsigned char)*p];
		if (!(c & C_ID) && !(dots && *p == '.'))
			break;
		a |= c;
	}
	*acc = a;
	return p;
}

/* A multi-byte lead byte followed by a backtick: the server may read both
 * as one character. */
static bool mb_backtick(unsigned acc, const char *q, const char *end)
{
	return (acc & C_HI) && q < end && *q == '`';
}

static void lex_word(struct lexer *lx, struct tok *t, const char *p)
{
	unsigned acc;
	const char *q = id_run(p, lx->end, false, &acc);

	if (q - p == 1 && q < lx->end && *q == '\'' &&
	    (up((unsigned char)*p) == 'X' || up((unsigned char)*p) == 'B')) {
		lex_raw_string(lx, t, q);
		return;
	}
	if (mb_backtick(acc, q, lx->end)) {
		lex_error(lx, t, "ambiguous quoting");
		return;
	}
	t->type = T_WORD;
	t->p = p;
	t->n = (size_t)(q - p);
	lx->p = q;
}

static const char *digits(const char *p, const char *end)
{
	while (p < end && (cclass[(unsigned char)*p] & C_DIG))
		p++;
	return p;
}

/* 12, 1.5, .5, 1., 1e-3; "1abc" and "0x1F" are words. */
static void lex_number(struct lexer *lx, struct tok *t, const char *p)
{
	const char *end = lx->end, *q = digits(p, end);
	bool frac = false;

	if (q < end && *q == '.') {
		q = digits(q + 1, end);
		frac = true;
	}
	if (q < end && up((unsigned char)*q) == 'E') {
		const char *r = q + 1;
		if (r < end && (*r == '+' || *r == '-'))
			r++;
		if (r < end && (cclass[(unsigned char)*r] & C_DIG))
			q = digits(r, end);
	}
	if (!frac && q < end && (cclass[(unsigned char)*q] & C_ID)) {
		lex_word(lx, t, p);
		return;
	}
	t->type = T_NUM;
	t->p = p;
	t->n = (size_t)(q - p);
	lx->p = q;
}

unsigned char sql_lex_scope(const char *w, size_t n)
{
	if (IS(w, n, "GLOBAL"))
		return S_GLOBAL;
	if (IS(w, n, "SESSION") || IS(w, n, "LOCAL"))
		return S_SESSION;
	if (IS(w, n, "PERSIST") || IS(w, n, "PERSIST_ONLY"))
		return S_PERSIST;
	return S_UNKNOWN;
}

/* @@name, @@global.name, @@session.name ...  A scope word without its dot
 * (or anything unusual) gives S_UNKNOWN: never safe. */
static void lex_sysvar(struct lexer *lx, struct tok *t, const char *p)
{
	unsigned acc;
	const char *s = p + 2, *q = id_run(s, lx->end, true, &acc);
	const char *dot = memchr(s, '.', (size_t)(q - s));

	if (mb_backtick(acc, q, lx->end)) {
		lex_error(lx, t, "ambiguous quoting");
		return;
	}
	t->type = T_SYSVAR;
	t->scope = S_SESSION;
	if (dot && sql_lex_scope(s, (size_t)(dot - s)) != S_UNKNOWN) {
		t->scope = sql_lex_scope(s, (size_t)(dot - s));
		s = dot + 1;
	} else if (q == s || sql_lex_scope(s, (size_t)(q - s)) != S_UNKNOWN) {
		t->scope = S_UNKNOWN;
	}
	t->p = s;
	t->n = (size_t)(q - s);
	lx->p = q;
}

/* '@': system variable, user variable, or the '@' of user@host (right
 * after a name or string). */
static void lex_at(struct lexer *lx, struct tok *t, const char *p)
{
	const char *end = lx->end;
	unsigned acc;

	if (end - p >= 2 && p[1] == '@') {
		lex_sysvar(lx, t, p);
		return;
	}
	if (t->adj && (lx->last == T_WORD || lx->last == T_STRING ||
		       lx->last == T_QIDENT))
		goto punct;
	if (end - p >= 2 && (p[1] == '\'' || p[1] == '"' || p[1] == '`')) {
		lex_quoted(lx, t, p + 1);
		if (t->type != T_ERROR)
			t->type = T_UVAR;
		return;
	}
	if (end - p >= 2 && (cclass[(unsigned char)p[1]] & C_ID)) {
		const char *q = id_run(p + 1, end, true, &acc);
		if (mb_backtick(acc, q, end)) {
			lex_error(lx, t, "ambiguous quoting");
			return;
		}
		t->type = T_UVAR;
		t->p = p + 1;
		t->n = (size_t)(q - p - 1);
		lx->p = q;
		return;
	}
punct:
	t->type = T_PUNCT;
	t->ch = '@';
	lx->p = p + 1;
}

static void lex_other(struct lexer *lx, struct tok *t, const char *p)
{
	unsigned char ch = (unsigned char)*p;

	switch (ch) {
	case '\'': case '"': case '`':
		lex_quoted(lx, t, p);
		return;
	case '@':
		lex_at(lx, t, p);
		return;
	case ';':
		t->type = T_SEMI;
		lx->p = p + 1;
		return;
	case 0:
		lex_error(lx, t, "NUL byte");
		return;
	case '\\':
		lex_error(lx, t, "backslash outside a string");
		return;
	case ':':
		if (lx->end - p >= 2 && p[1] == '=') {
			t->type = T_ASSIGN;
			lx->p = p + 2;
			return;
		}
		break;
	case '.':
		if (lx->end - p >= 2 && (cclass[(unsigned char)p[1]] & C_DIG) &&
		    !(t->adj && (lx->last == T_WORD || lx->last == T_QIDENT))) {
			lex_number(lx, t, p);
			return;
		}
		break;
	default:
		if (cclass[ch] & C_CTL) {
			lex_error(lx, t, "control character");
			return;
		}
	}
	t->type = T_PUNCT;
	t->ch = ch;
	lx->p = p + 1;
}

void sql_lex(struct lexer *lx, struct tok *t)
{
	const char *err = sql_lex_skip_space(lx), *p = lx->p;

	t->adj = p == lx->last_end;
	t->dq = false;
	t->ch = 0;
	t->p = p;
	t->n = 0;
	if (err) {
		lex_error(lx, t, err);
	} else if (p == lx->end) {
		if (lx->in_exec)
			lex_error(lx, t, "unterminated comment");
		else
			t->type = T_END;
	} else if (cclass[(unsigned char)*p] & C_DIG) {
		lex_number(lx, t, p);
	} else if (cclass[(unsigned char)*p] & C_ID) {
		lex_word(lx, t, p);
	} else {
		lex_other(lx, t, p);
	}
	lx->last = t->type;
	lx->last_end = lx->p;
}

bool sql_lex_fast(struct lexer *lx, struct tok *t)
{
	const char *p = lx->p, *end = lx->end, *q = p;
	unsigned cl;

	while (p < end && (cclass[(unsigned char)*p] & C_SP))
		p++;
	lx->p = p;
	t->ch = 0;
	if (p == end) {
		if (lx->in_exec)
			return false;
		t->type = T_END;
		goto done;
	}
	cl = cclass[(unsigned char)*p];
	q = p + 1;
	if (cl & C_DIG) {
		while (q < end && (cclass[(unsigned char)*q] & C_DIG))
			q++;
		if (q < end && ((cclass[(unsigned char)*q] & C_ID) || *q == '.'))
			return false; /* 1.5, 1e5, 0x1F, 1abc */
		t->type = T_NUM;
	} else if (cl & C_ID) {
		while (q < end && (cclass[(unsigned char)*q] & C_ID))
			q++;
		if (q < end && (*q == '\'' || *q == '`'))
			return false; /* X'..', B'..', a multi-byte character before ` */
		t->type = T_WORD;
	} else if (cl & C_PUN) {
		t->type = T_PUNCT;
		t->ch = (unsigned char)*p;
	} else if (cl & C_QUO) {
		lex_quoted(lx, t, p); /* as lex() would, without its set-up */
		lx->last = t->type;
		lx->last_end = lx->p;
		return true;
	} else {
		return false;
	}
done:
	/* No adj or dq: only lex() reads adj, only strings have dq. */
	t->p = p;
	t->n = (size_t)(q - p);
	lx->p = q;
	lx->last = t->type;
	lx->last_end = q;
	return true;
}

/* ---- the success path's look at a statement ----------------------------- */

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* The keyword kw (n letters, upper case, p[0] already matched) starts
 * the text at p; its last letter rejects most texts at once (SELECT is not
 * SET). */
static inline bool word_at(const char *p, const char *end, const char *kw, size_t n)
{
	return (size_t)(end - p) > n && up((unsigned char)p[n - 1]) == (unsigned char)kw[n - 1] &&
	       cmpw(p, n, kw) == 0 && (blank(p[n]) || p[n] == '/' || p[n] == '(' || p[n] == '`');
}

/* GET_LOCK around the '_' at p (the word may be any case). */
static bool get_lock_at(const char *text, const char *p, const char *end)
{
	return p - text >= 3 && end - p >= 5 && cmpw(p - 3, 8, "GET_LOCK") == 0;
}

/* Does one of the marked bytes (bit i: p[i]) start a user variable or
 * GET_LOCK?  Apart from the look's loop: most texts have no mark. */
static __attribute__((noinline)) bool marked_state(const char *text, const char *p,
						  unsigned marks, const char *end)
{
	for (; marks; marks &= marks - 1) {
		const char *at = p + __builtin_ctz(marks);

		if (*at == '@' || get_lock_at(text, at, end))
			return true;
	}
	return false;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Where a 16-byte block has '@' or '_': bit i for byte i. */
static inline unsigned marks16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
						       _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
}

/* A text shorter than a block, copied into one. */
static __attribute__((noinline)) bool mentions_state_short(const char *text, size_t len)
{
	char block[16] = {0};

	memcpy(block, text, len);
	return marked_state(text, text, marks16(block) & ((1u << len) - 1), text + len);
}

/* One pass, 16 bytes at a time; the last block overlaps the one before
 * rather than reading past the end. */
static inline bool mentions_state(const char *text, size_t len)
{
	const char *end = text + len, *last = end - 16, *p = text;

	if (len < 16)
		return mentions_state_short(text, len);
	for (;;) {
		unsigned marks = marks16(p);

		if (marks && marked_state(text, p, marks, end))
			return true;
		if (p == last)
			return false;
		p = p + 16 < last ? p + 16 : last;
	}
}
#else
static bool mentions_state(const char *text, size_t len)
{
	const char *end = text + len;

	for (const char *p = text; p < end; p++) {
		if (*p == '@' || (*p == '_' && get_lock_at(text, p, end)))
			return true;
	}
	return false;
}
#endif

bool sql_may_hold_state(const char *text, size_t len, bool tracked)
{
	const char *p = text, *end = text + len;

	while (p < end && blank(*p))
		p++;
	if (p < end) {
		/* LOCK, HANDLER, FLUSH ... WITH READ LOCK, BACKUP, and comments:
		 * / # - (and ( for a parenthesised statement) */
		/* SET (TRANSACTION for the next one, ROLE: neither tracked);
		 * CALL: a procedure the shim cannot read; untracked, also USE,
		 * CREATE [TEMPORARY] and PREPARE */
		switch (up((unsigned char)*p)) {
		case 'L': case 'H': case 'F': case 'B':
		case '/': case '#': case '-': case '(':
			return true;
		case 'S':
			if (word_at(p, end, "SET", 3))
				return true;
			break;
		case 'C':
			if (word_at(p, end, "CALL", 4) || (!tracked && word_at(p, end, "CREATE", 6)))
				return true;
			break;
		case 'U':
			if (!tracked && word_at(p, end, "USE", 3))
				return true;
			break;
		case 'P':
			if (!tracked && word_at(p, end, "PREPARE", 7))
				return true;
			break;
		}
	}
	return mentions_state(text, len);
}
