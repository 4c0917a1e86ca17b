/* classify.c - may a statement be re-sent on a fresh connection?
 *
 * A single forward pass over the tokens of sql_lex.h (which lexes the
 * bytes as the server does), with a small state machine per statement.
 * Layout:
 *   1. word tables and table look-up
 *   2. the body scanner: constructs that matter anywhere in a statement
 *   3. statement heads: the first keyword(s) of each statement
 *   4. the driver
 *
 * Pure: only const tables and stack state, no allocation, no recursion,
 * each input byte is looked at a bounded number of times, and nothing is
 * read outside text[0..len-1].  When in doubt the answer is "not safe". */
#include "classify.h"
#include "classify_words.h"
#include "sql_lex.h"

#include <string.h>

/* ---- 1. word tables ----------------------------------------------------- */



/* Binary search in a sorted array of fixed-size records whose first
 * member is the upper-case name. */
static long find(const void *base, size_t stride, size_t count,
		 const char *w, size_t n)
{
	const char *b = base;
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = cmpw(w, n, b + mid * stride);
		if (!d)
			return (long)mid;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

#define FIND(tab, w, n) find((tab), sizeof((tab)[0]), \
			     sizeof(tab) / sizeof((tab)[0]), (w), (n))

/* Is the n-byte word w a built-in name: may it be followed by '('
 * without being a call of a stored function?  builtins[] and its hash
 * table are generated, with the list, by scripts/gen-classify-words, whose
 * hash this must stay: over the upper-case bytes h = (h * 31 + byte) mod
 * 2^20, then linear probing from slot h mod BUILTIN_SLOTS (the table
 * always has empty slots). */
static bool builtin(const char *w, size_t n)
{
	unsigned h = 0, s;

	if (n >= sizeof builtins[0])
		return false;
	for (size_t i = 0; i < n; i++)
		h = (h * 31 + up((unsigned char)w[i])) & 0xFFFFFu;
	for (s = h % BUILTIN_SLOTS; builtin_slots[s]; s = (s + 1) % BUILTIN_SLOTS)
		if (cmpw(w, n, builtins[builtin_slots[s] - 1]) == 0)
			return true;
	return false;
}

/* Server-wide read-only variables whose @@session (bare @@) value cannot
 * differ on a fresh connection.  Sorted. */
static const char sysvars_ok[][26] = {
	"BASEDIR", "CHARACTER_SET_SYSTEM", "DATADIR", "ENFORCE_GTID_CONSISTENCY",
	"GTID_MODE", "HAVE_COMPRESS", "HAVE_CRYPT", "HAVE_DYNAMIC_LOADING",
	"HAVE_GEOMETRY", "HAVE_OPENSSL", "HAVE_PROFILING", "HAVE_QUERY_CACHE",
	"HAVE_RTREE_KEYS", "HAVE_SSL", "HAVE_STATEMENT_TIMEOUT", "HAVE_SYMLINK",
	"HOSTNAME", "INNODB_PAGE_SIZE", "INNODB_READ_ONLY", "INNODB_VERSION",
	"LARGE_FILES_SUPPORT", "LICENSE", "LOG_BIN", "LOWER_CASE_FILE_SYSTEM",
	"LOWER_CASE_TABLE_NAMES", "MAX_ALLOWED_PACKET", "PID_FILE", "PLUGIN_DIR",
	"PORT", "PROTOCOL_VERSION", "READ_ONLY", "SERVER_ID", "SERVER_UUID",
	"SKIP_NETWORKING", "SOCKET", "SUPER_READ_ONLY", "SYSTEM_TIME_ZONE", "TMPDIR",
	"VERSION", "VERSION_COMMENT", "VERSION_COMPILE_MACHINE", "VERSION_COMPILE_OS",
	"VERSION_COMPILE_ZLIB", "VERSION_MALLOC_LIBRARY", "VERSION_SOURCE_REVISION",
	"VERSION_SSL_LIBRARY",
};

/* Reads what the session's last statements left (lost with the session). */
#define LR (SQL_FACT_DEPENDS_SESSION | SQL_FACT_READS_LAST_RESULT)
/* ... and a sequence's last value in this session, which outlives them. */
#define LS (LR | SQL_FACT_READS_SEQUENCE)


/* Session variables a restored session does not have as the lost one did:
 * they describe its last statements, or are not set again.  Sorted. */
static const char sysvars_not_restored[][24] = {
	"ERROR_COUNT", "IDENTITY", "INSERT_ID", "LAST_GTID",
	"LAST_INSERT_ID", "PSEUDO_THREAD_ID", "RAND_SEED1", "RAND_SEED2", "TIMESTAMP",
	"WARNING_COUNT",
};

/* Functions that are built in but not harmless.  Sorted; none may be in
 * builtins[], which call() looks at first. */
static const struct special {
	char name[22];
	unsigned char reason;
	unsigned facts;
	char what[24];
} specials[] = {
	{ "CONNECTION_ID", SQL_REASON_SESSION, SQL_FACT_DEPENDS_SESSION, "CONNECTION_ID()" },
	{ "FOUND_ROWS", SQL_REASON_SESSION, LR, "FOUND_ROWS()" },
	{ "GET_LOCK", SQL_REASON_SIDE_EFFECT,
	  SQL_FACT_SIDE_EFFECT | SQL_FACT_CHANGES_SESSION | SQL_FACT_TAKES_LOCK, "GET_LOCK()" },
	{ "LASTVAL", SQL_REASON_SESSION, LS, "LASTVAL()" },
	{ "LAST_INSERT_ID", SQL_REASON_SESSION, LR, "LAST_INSERT_ID()" },
	{ "NEXTVAL", SQL_REASON_SIDE_EFFECT, SQL_FACT_SIDE_EFFECT, "NEXTVAL()" },
	{ "PS_CURRENT_THREAD_ID", SQL_REASON_SESSION, SQL_FACT_DEPENDS_SESSION,
	  "PS_CURRENT_THREAD_ID()" },
	{ "RELEASE_ALL_LOCKS", SQL_REASON_SIDE_EFFECT,
	  SQL_FACT_SIDE_EFFECT | SQL_FACT_CHANGES_SESSION, "RELEASE_ALL_LOCKS()" },
	{ "RELEASE_LOCK", SQL_REASON_SIDE_EFFECT,
	  SQL_FACT_SIDE_EFFECT | SQL_FACT_CHANGES_SESSION, "RELEASE_LOCK()" },
	{ "ROW_COUNT", SQL_REASON_SESSION, LR, "ROW_COUNT()" },
	{ "SETVAL", SQL_REASON_SIDE_EFFECT, SQL_FACT_SIDE_EFFECT, "SETVAL()" },
};

/* Objects of CREATE/ALTER/DROP; `what` strings are generated from them so
 * they stay static text.  Sorted. */
#define DDL_OBJECTS(X) X(DATABASE) X(EVENT) X(FUNCTION) X(INDEX) X(INSTANCE) \
	X(LOGFILE) X(PACKAGE) X(PROCEDURE) X(RESOURCE) X(ROLE) X(SCHEMA) \
	X(SEQUENCE) X(SERVER) X(TABLE) X(TABLESPACE) X(TRIGGER) X(USER) X(VIEW)
#define OBJ_NAME(o) #o,
#define OBJ_CREATE(o) "CREATE " #o,
#define OBJ_ALTER(o) "ALTER " #o,
#define OBJ_DROP(o) "DROP " #o,
static const char ddl_objects[][12] = { DDL_OBJECTS(OBJ_NAME) };
enum { DDL_CREATE, DDL_ALTER, DDL_DROP };
static const char ddl_what[3][sizeof ddl_objects / sizeof ddl_objects[0]][20] = {
	{ DDL_OBJECTS(OBJ_CREATE) }, { DDL_OBJECTS(OBJ_ALTER) }, { DDL_OBJECTS(OBJ_DROP) },
};

/* First keywords of statements. */
enum head_kind {
	H_FIXED, H_DDL, H_ANALYZE, H_BEGIN, H_CHANGE, H_TABLEVERB, H_COMMIT,
	H_ROLLBACK, H_COMPOUND, H_EXPLAIN, H_EXECUTE, H_GET, H_INSTALL, H_LOAD,
	H_LOCK, H_RELEASE, H_RENAME, H_SET, H_SHOW, H_START, H_WITH,
};
#define F_SAFE 1u      /* fixed verdict is safe */
#define F_NAME 2u      /* the next word is a name, not a function */
#define F_IC   4u      /* commits implicitly */

#define R(x) SQL_REASON_##x
#define W SQL_FACT_WRITE
#define CS SQL_FACT_CHANGES_SESSION
#define DS SQL_FACT_DEPENDS_SESSION
#define SE SQL_FACT_SIDE_EFFECT
#define PS SQL_FACT_PREPARES
#define TL SQL_FACT_TAKES_LOCK /* FLUSH: ... WITH READ LOCK, FOR EXPORT */
static const struct verb {
	char name[12];
	unsigned char head, reason;
	unsigned facts;
	unsigned char flags, arg;
	char what[20];
} verbs[] = {
	{ "ALTER", H_DDL, R(WRITE), W, F_IC, DDL_ALTER, "ALTER" },
	{ "ANALYZE", H_ANALYZE, R(WRITE), W, F_IC, 0, "ANALYZE TABLE" },
	{ "BACKUP", H_FIXED, R(SESSION), CS | TL, 0, 0, "BACKUP" },
	{ "BEGIN", H_BEGIN, 0, 0, 0, 0, "" },
	{ "BINLOG", H_FIXED, R(WRITE), W, 0, 0, "BINLOG" },
	{ "CACHE", H_FIXED, R(WRITE), W, F_IC, 0, "CACHE INDEX" },
	{ "CALL", H_FIXED, R(SIDE_EFFECT), SE | SQL_FACT_RUNS_ROUTINE, F_NAME, 0, "CALL" },
	{ "CASE", H_COMPOUND, 0, 0, 0, 0, "" },
	{ "CHANGE", H_CHANGE, R(WRITE), W, F_IC, 0, "CHANGE" },
	{ "CHECK", H_TABLEVERB, R(WRITE), W, F_IC, 0, "CHECK TABLE" },
	{ "CHECKSUM", H_FIXED, R(READ), 0, F_SAFE, 0, "CHECKSUM TABLE" },
	{ "CLONE", H_FIXED, R(WRITE), W, 0, 0, "CLONE" },
	{ "COMMIT", H_COMMIT, 0, 0, 0, 0, "" },
	{ "CREATE", H_DDL, R(WRITE), W, F_IC, DDL_CREATE, "CREATE" },
	{ "DEALLOCATE", H_FIXED, R(SESSION), CS, 0, 0, "DEALLOCATE PREPARE" },
	{ "DELETE", H_FIXED, R(WRITE), W, 0, 0, "DELETE" },
	{ "DELIMITER", H_FIXED, R(UNKNOWN), 0, 0, 0, "DELIMITER" },
	{ "DESC", H_EXPLAIN, R(READ), 0, F_SAFE, 0, "DESCRIBE" },
	{ "DESCRIBE", H_EXPLAIN, R(READ), 0, F_SAFE, 0, "DESCRIBE" },
	{ "DO", H_FIXED, R(SIDE_EFFECT), SE, 0, 0, "DO" },
	{ "DROP", H_DDL, R(WRITE), W, F_IC, DDL_DROP, "DROP" },
	{ "EXECUTE", H_EXECUTE, R(SESSION), DS, 0, 0, "EXECUTE" },
	{ "EXPLAIN", H_EXPLAIN, R(READ), 0, F_SAFE, 0, "EXPLAIN" },
	{ "FLUSH", H_FIXED, R(WRITE), W | CS | TL, F_IC, 0, "FLUSH" },
	{ "GET", H_GET, R(SESSION), DS, 0, 0, "GET DIAGNOSTICS" },
	{ "GRANT", H_FIXED, R(WRITE), W, F_IC, 0, "GRANT" },
	{ "HANDLER", H_FIXED, R(SESSION), CS | DS | PS, 0, 0, "HANDLER" },
	{ "HELP", H_FIXED, R(READ), 0, F_SAFE, 0, "HELP" },
	{ "IF", H_COMPOUND, 0, 0, 0, 0, "" },
	{ "IMPORT", H_FIXED, R(WRITE), W, F_IC, 0, "IMPORT TABLE" },
	{ "INSERT", H_FIXED, R(WRITE), W, 0, 0, "INSERT" },
	{ "INSTALL", H_INSTALL, R(WRITE), W, F_IC, 0, "INSTALL" },
	{ "KILL", H_FIXED, R(WRITE), W, 0, 0, "KILL" },
	{ "LOAD", H_LOAD, R(WRITE), W, 0, 0, "LOAD" },
	{ "LOCK", H_LOCK, R(SESSION), CS, F_IC, 0, "LOCK" },
	{ "LOOP", H_COMPOUND, 0, 0, 0, 0, "" },
	{ "OPTIMIZE", H_TABLEVERB, R(WRITE), W, F_IC, 0, "OPTIMIZE TABLE" },
	{ "PREPARE", H_FIXED, R(SESSION), CS | PS, 0, 0, "PREPARE" },
	{ "PURGE", H_FIXED, R(WRITE), W, 0, 0, "PURGE" },
	{ "RELEASE", H_RELEASE, 0, 0, 0, 0, "" },
	{ "RENAME", H_RENAME, R(WRITE), W, F_IC, 0, "RENAME" },
	{ "REPAIR", H_TABLEVERB, R(WRITE), W, F_IC, 0, "REPAIR TABLE" },
	{ "REPEAT", H_COMPOUND, 0, 0, 0, 0, "" },
	{ "REPLACE", H_FIXED, R(WRITE), W, 0, 0, "REPLACE" },
	{ "RESET", H_FIXED, R(WRITE), W, F_IC, 0, "RESET" },
	{ "RESTART", H_FIXED, R(WRITE), W, 0, 0, "RESTART" },
	{ "REVOKE", H_FIXED, R(WRITE), W, F_IC, 0, "REVOKE" },
	{ "ROLLBACK", H_ROLLBACK, 0, 0, 0, 0, "" },
	{ "SAVEPOINT", H_FIXED, R(TRANSACTION), 0, 0, SQL_TXN_SAVEPOINT, "SAVEPOINT" },
	{ "SET", H_SET, 0, 0, 0, 0, "" },
	{ "SHOW", H_SHOW, R(READ), 0, F_SAFE, 0, "SHOW" },
	{ "SHUTDOWN", H_FIXED, R(WRITE), W, 0, 0, "SHUTDOWN" },
	{ "START", H_START, R(WRITE), W, F_IC, 0, "START" },
	{ "STOP", H_START, R(WRITE), W, F_IC, 0, "STOP" },
	{ "TABLE", H_FIXED, R(READ), 0, F_SAFE | F_NAME, 0, "TABLE" },
	{ "TRUNCATE", H_FIXED, R(WRITE), W, F_IC, 0, "TRUNCATE TABLE" },
	{ "UNINSTALL", H_INSTALL, R(WRITE), W, F_IC, 0, "UNINSTALL" },
	{ "UNLOCK", H_LOCK, R(SESSION), CS, F_IC, 0, "UNLOCK" },
	{ "UPDATE", H_FIXED, R(WRITE), W, F_NAME, 0, "UPDATE" },
	{ "USE", H_FIXED, R(SESSION), CS, F_SAFE, 0, "USE" },
	{ "VALUES", H_FIXED, R(READ), 0, F_SAFE, 0, "VALUES" },
	{ "WHILE", H_COMPOUND, 0, 0, 0, 0, "" },
	{ "WITH", H_WITH, 0, 0, 0, 0, "" },
	{ "XA", H_FIXED, R(TRANSACTION), 0, 0, SQL_TXN_XA, "XA" },
};
/* The most common statement, looked at before the binary search. */
static const struct verb select_verb = {
	"SELECT", H_FIXED, R(READ), 0, F_SAFE, 0, "SELECT",
};
#undef R


/* Hot-path helpers are forced inline: a call per token costs more than
 * the work they do. */
#define HOT static inline __attribute__((always_inline))

/* ---- 2. the body scanner ----------------------------------------------- */

/* Keywords the body scanner reacts to. */
enum kw {
	K_NONE, K_AS, K_BEGIN, K_CURRVAL, K_DELETE, K_DUMPFILE, K_FOR, K_IFNE,
	K_IN, K_INSERT, K_INTO, K_LOCK, K_NAME, K_NEXT, K_NEXTVAL, K_OUTFILE,
	K_PREVIOUS, K_REPLACE, K_SELECT, K_SHARE, K_TABLE, K_UPDATE, K_VALUE,
	K_VALUES, K_WITH,
};

/* Switch on the length first: most words are not keywords and are
 * rejected by one or two byte comparisons. */
HOT unsigned char keyword(const char *p, size_t n)
{
#define K(s, id) if (up((unsigned char)*p) == s[0] && !cmpw(p, n, s)) return id
	switch (n) {
	case 2: K("AS", K_AS); K("IN", K_IN); K("IF", K_IFNE); break;
	case 3: K("FOR", K_FOR); K("KEY", K_NAME); K("NOT", K_IFNE); break;
	case 4: K("INTO", K_INTO); K("LOCK", K_LOCK); K("NEXT", K_NEXT);
		K("VIEW", K_NAME); K("WITH", K_WITH); break;
	case 5: K("BEGIN", K_BEGIN); K("EVENT", K_NAME); K("INDEX", K_NAME);
		K("SHARE", K_SHARE); K("TABLE", K_TABLE); K("VALUE", K_VALUE); break;
	case 6: K("DELETE", K_DELETE); K("EXISTS", K_IFNE); K("INSERT", K_INSERT);
		K("SELECT", K_SELECT); K("UPDATE", K_UPDATE); K("VALUES", K_VALUES);
		break;
	case 7: K("CURRVAL", K_CURRVAL); K("NEXTVAL", K_NEXTVAL);
		K("OUTFILE", K_OUTFILE); K("REPLACE", K_REPLACE);
		K("TRIGGER", K_NAME); break;
	case 8: K("DUMPFILE", K_DUMPFILE); K("FUNCTION", K_NAME);
		K("PREVIOUS", K_PREVIOUS); K("SEQUENCE", K_NAME); break;
	case 9: K("PROCEDURE", K_NAME); break;
	case 10: K("REFERENCES", K_NAME); break;
	default: break;
	}
	return K_NONE;
#undef K
}

enum { CTE_NONE, CTE_HEAD, CTE_NESTED };

/* Statement flags, in one word: separate bool fields written byte-wise
 * and read together cost store-forwarding stalls on the hot path. */
#define SF_PREV_CALL  0x001u /* previous token is a possible function name */
#define SF_PREV_QUAL  0x002u /* ... qualified (db.func) */
#define SF_PREV_UVAR  0x004u /* previous token is a @var not yet known read */
#define SF_NAME_NEXT  0x008u /* next word names a table, index, ... */
#define SF_NAME_CHAIN 0x010u /* current word was a name (for a.b) */
#define SF_AS_NEXT    0x020u /* next word follows AS */
#define SF_INTO       0x040u /* previous token was INTO */
#define SF_INTO_VARS  0x080u /* in an INTO @a, @b list */
#define SF_PROG       0x100u /* defines a stored program */
#define SF_NO_SPLIT   0x200u /* compound body: ';' does not end it */

struct stmt {
	int depth;              /* parenthesis depth */
	int cte_depth;          /* depth of the WITH being parsed */
	unsigned fl;            /* SF_* */
	unsigned cte;           /* CTE_*: looking for the statement after WITH */
	unsigned k1, k2;        /* keywords of the previous two tokens */
	unsigned prev_type, prev_ch;
	const char *prev_p;     /* previous word, for the call check */
	size_t prev_n;
	enum sql_txn txn;
};

struct ctx {
	struct lexer lx;
	struct tok la;          /* look-ahead token */
	bool have_la;
	bool unsafe, have_safe, stop;
	enum sql_reason sreason;
	const char *swhat;
	/* The current statement's verdict, here rather than in struct stmt
	 * so that unsafe() and safe() need no pointer to the statement. */
	bool st_unsafe, st_have_safe;
	enum sql_reason st_reason;
	const char *st_what;
	struct sql_verdict *out;
};

static void unsafe(struct ctx *c, enum sql_reason r, const char *what,
		   unsigned facts)
{
	c->out->facts |= facts;
	c->st_unsafe = true;
	if (!c->unsafe) {
		c->unsafe = true;
		c->out->reason = r;
		c->out->what = what;
	}
}

/* A safe verdict for the statement; "session" outranks a plain "read". */
static void safe(struct ctx *c, enum sql_reason r, const char *what,
		 unsigned facts)
{
	c->out->facts |= facts;
	if (!c->st_have_safe ||
	    (c->st_reason == SQL_REASON_READ && r != SQL_REASON_READ)) {
		c->st_have_safe = true;
		c->st_reason = r;
		c->st_what = what;
	}
}

static void commits(struct ctx *c, struct stmt *st)
{
	c->out->facts |= SQL_FACT_COMMITS;
	if (st->txn == SQL_TXN_NONE)
		st->txn = SQL_TXN_IMPLICIT_COMMIT;
}


static const struct tok *peek(struct ctx *c)
{
	if (!c->have_la) {
		if (!sql_lex_fast(&c->lx, &c->la))
			sql_lex(&c->lx, &c->la);
		c->have_la = true;
	}
	return &c->la;
}

static void skip(struct ctx *c)
{
	peek(c);
	c->have_la = false;
}

static bool is_kw(const struct tok *t, const char *kw, size_t n)
{
	return t->type == T_WORD && t->n == n && cmpw(t->p, n, kw) == 0;
}
#define KW(t, s) is_kw((t), (s), sizeof(s) - 1)

HOT bool is_punct(const struct tok *t, char ch)
{
	return t->type == T_PUNCT && t->ch == (unsigned char)ch;
}

HOT bool is_term(const struct tok *t, const struct stmt *st)
{
	return t->type == T_END || t->type == T_ERROR ||
	       (t->type == T_SEMI && !(st->fl & SF_NO_SPLIT));
}

/* Skip the peeked token if it is the keyword kw. */
static bool accept(struct ctx *c, const char *kw, size_t n)
{
	if (!is_kw(peek(c), kw, n))
		return false;
	skip(c);
	return true;
}
#define ACCEPT(c, s) accept((c), (s), sizeof(s) - 1)

/* name '(' : a built-in, harmless keyword, or a stored function or UDF
 * that may do anything. */
static void call(struct ctx *c, const char *p, size_t n, bool plain)
{
	if (plain) {
		long i;
		/* The common case first: no special is in builtins[]. */
		if (builtin(p, n))
			return;
		i = FIND(specials, p, n);
		if (i >= 0) {
			unsafe(c, specials[i].reason, specials[i].what,
			       specials[i].facts);
			return;
		}
	}
	unsafe(c, SQL_REASON_SIDE_EFFECT, "stored function call",
	       SQL_FACT_SIDE_EFFECT | SQL_FACT_RUNS_ROUTINE);
}

/* Decisions about the previous token that needed this one. */
HOT void resolve(struct ctx *c, struct stmt *st, const struct tok *t)
{
	if ((st->fl & SF_PREV_CALL) && is_punct(t, '('))
		call(c, st->prev_p, st->prev_n,
		     st->prev_type == T_WORD && !(st->fl & SF_PREV_QUAL));
	if ((st->fl & SF_PREV_UVAR)) {
		if (t->type == T_ASSIGN)
			safe(c, SQL_REASON_SESSION, "@user variable assignment",
			     SQL_FACT_CHANGES_SESSION | SQL_FACT_SETS_USER_VAR);
		else if (!c->lx.uvars_restored)
			unsafe(c, SQL_REASON_SESSION, "@user variable",
			       SQL_FACT_DEPENDS_SESSION | SQL_FACT_READS_USER_VAR);
	}
	st->fl &= ~(SF_PREV_CALL | SF_PREV_UVAR);
}

/* WITH: the first of SELECT/TABLE/VALUES or UPDATE/DELETE/INSERT/REPLACE
 * at the WITH's own depth is the statement; words before it are names. */
static unsigned cte_word(struct ctx *c, unsigned cte, unsigned char kw)
{
	static const char what[][8] = { "DELETE", "INSERT", "REPLACE", "UPDATE" };

	switch (kw) {
	case K_SELECT: case K_VALUES: case K_TABLE:
		return CTE_NONE;
	case K_DELETE: case K_INSERT: case K_REPLACE: case K_UPDATE:
		if (cte == CTE_HEAD)
			unsafe(c, SQL_REASON_WRITE,
			       what[kw == K_DELETE ? 0 : kw == K_INSERT ? 1 :
				    kw == K_REPLACE ? 2 : 3], SQL_FACT_WRITE);
		return CTE_NONE;
	default:
		return cte;
	}
}

/* Keywords that matter wherever they appear. */
HOT void body_keyword(struct ctx *c, struct stmt *st, unsigned char kw)
{
	switch (kw) {
	case K_FOR:
		if (st->k1 == K_VALUE && st->k2 == K_NEXT)
			unsafe(c, SQL_REASON_SIDE_EFFECT, "NEXT VALUE FOR",
			       SQL_FACT_SIDE_EFFECT);
		else if (st->k1 == K_VALUE && st->k2 == K_PREVIOUS)
			unsafe(c, SQL_REASON_SESSION, "PREVIOUS VALUE FOR", LS);
		break;
	case K_UPDATE:
		if (st->k1 == K_FOR)
			unsafe(c, SQL_REASON_LOCKING_READ, "FOR UPDATE",
			       SQL_FACT_LOCKING_READ);
		break;
	case K_SHARE:
		if (st->k1 == K_FOR)
			unsafe(c, SQL_REASON_LOCKING_READ, "FOR SHARE",
			       SQL_FACT_LOCKING_READ);
		else if (st->k1 == K_IN && st->k2 == K_LOCK)
			unsafe(c, SQL_REASON_LOCKING_READ, "LOCK IN SHARE MODE",
			       SQL_FACT_LOCKING_READ);
		break;
	case K_OUTFILE: case K_DUMPFILE:
		if (st->k1 == K_INTO)
			unsafe(c, SQL_REASON_SIDE_EFFECT, kw == K_OUTFILE ?
			       "INTO OUTFILE" : "INTO DUMPFILE", SQL_FACT_SIDE_EFFECT);
		break;
	case K_WITH:
		if (st->prev_type == T_PUNCT && st->prev_ch == '(' && !st->cte) {
			st->cte = CTE_NESTED;
			st->cte_depth = st->depth;
		}
		break;
	case K_BEGIN:
		if (st->fl & SF_PROG)
			st->fl |= SF_NO_SPLIT;
		break;
	case K_AS:
		st->fl |= SF_AS_NEXT;
		break;
	case K_NAME: case K_TABLE: case K_INTO:
		st->fl |= SF_NAME_NEXT;
		break;
	default:
		break;
	}
}

/* A word, `identifier` or "identifier": keyword, name or function name. */
HOT void word(struct ctx *c, struct stmt *st, const struct tok *t,
		 unsigned char kw)
{
	bool qual = st->prev_type == T_PUNCT && st->prev_ch == '.';
	bool name;

	if (qual && t->type == T_WORD && IS(t->p, t->n, "NEXTVAL"))
		unsafe(c, SQL_REASON_SIDE_EFFECT, "NEXTVAL", SQL_FACT_SIDE_EFFECT);
	else if (qual && t->type == T_WORD && IS(t->p, t->n, "CURRVAL"))
		unsafe(c, SQL_REASON_SESSION, "CURRVAL", LS);
	if ((st->fl & SF_NAME_NEXT) && kw == K_IFNE)
		return; /* CREATE TABLE IF NOT EXISTS name */
	if (st->cte && st->depth == st->cte_depth)
		st->cte = cte_word(c, st->cte, kw);
	name = (st->fl & (SF_NAME_NEXT | SF_AS_NEXT)) ||
	       (qual && (st->fl & SF_NAME_CHAIN)) ||
	       (st->cte && st->depth == st->cte_depth);
	st->fl &= ~(SF_NAME_NEXT | SF_AS_NEXT | SF_NAME_CHAIN | SF_PREV_CALL |
		    SF_PREV_QUAL);
	st->fl |= (name ? SF_NAME_CHAIN : SF_PREV_CALL) | (qual ? SF_PREV_QUAL : 0);
	body_keyword(c, st, kw);
}

HOT void punct(struct ctx *c, struct stmt *st, unsigned char ch)
{
	if (ch == '(') {
		if (st->cte && st->depth == st->cte_depth &&
		    st->prev_type == T_PUNCT && st->prev_ch == ')')
			st->cte = CTE_NONE; /* WITH ... (SELECT ...) */
		st->depth++;
	} else if (ch == ')') {
		if (st->depth == 0)
			unsafe(c, SQL_REASON_UNKNOWN, "unbalanced parentheses", 0);
		else
			st->depth--;
		if (st->cte == CTE_NESTED && st->depth < st->cte_depth)
			st->cte = CTE_NONE;
	}
	if (ch != '.')
		st->fl &= ~SF_NAME_CHAIN;
	st->fl &= ~(SF_NAME_NEXT | SF_AS_NEXT);
}

static void sysvar_read(struct ctx *c, unsigned scope, const char *p, size_t n)
{
	if (scope == S_GLOBAL || scope == S_PERSIST)
		return;
	if (scope == S_SESSION && FIND(sysvars_ok, p, n) >= 0)
		return;
	if (scope == S_SESSION && c->lx.restored && FIND(sysvars_not_restored, p, n) < 0)
		return;
	unsafe(c, SQL_REASON_SESSION, "@@session variable",
	       SQL_FACT_DEPENDS_SESSION);
}

/* One token of a statement body. */
HOT void step(struct ctx *c, struct stmt *st, const struct tok *t)
{
	bool qual = st->prev_type == T_PUNCT && st->prev_ch == '.';
	unsigned char kw = t->type == T_WORD && !qual ? keyword(t->p, t->n) : K_NONE;

	resolve(c, st, t);
	switch (t->type) {
	case T_WORD: case T_QIDENT:
		word(c, st, t, kw);
		break;
	case T_STRING:
		if (t->dq)
			word(c, st, t, K_NONE);
		else
			st->fl &= ~(SF_NAME_NEXT | SF_AS_NEXT | SF_NAME_CHAIN);
		break;
	case T_UVAR:
		if (st->fl & (SF_INTO | SF_INTO_VARS))
			safe(c, SQL_REASON_SESSION, "INTO @user variable",
			     SQL_FACT_CHANGES_SESSION | SQL_FACT_SETS_USER_VAR);
		else
			st->fl |= SF_PREV_UVAR;
		break;
	case T_SYSVAR:
		sysvar_read(c, t->scope, t->p, t->n);
		break;
	case T_PUNCT:
		punct(c, st, t->ch);
		break;
	default:
		st->fl &= ~(SF_NAME_NEXT | SF_AS_NEXT | SF_NAME_CHAIN);
		break;
	}
	if (st->fl & (SF_INTO | SF_INTO_VARS)) { /* rare: after INTO */
		if ((st->fl & SF_INTO) && t->type == T_UVAR)
			st->fl |= SF_INTO_VARS;
		else if (t->type != T_UVAR && !is_punct(t, ','))
			st->fl &= ~SF_INTO_VARS;
	}
	st->fl = (st->fl & ~SF_INTO) | (kw == K_INTO ? SF_INTO : 0);
	st->k2 = st->k1;
	st->k1 = kw;
	st->prev_type = t->type;
	st->prev_ch = t->ch;
	st->prev_p = t->p;
	st->prev_n = t->n;
}

enum { STOP_END, STOP_COMMA, STOP_FOR };
#define UNTIL_COMMA 1u
#define UNTIL_FOR   2u

/* Scan to the end of the statement (not consuming the terminator), or to
 * a top-level ',' or FOR (consumed) when asked. */
static int scan(struct ctx *c, struct stmt *st, unsigned until)
{
	struct tok *t = &c->la;

	if (!c->have_la && !sql_lex_fast(&c->lx, t))
		sql_lex(&c->lx, t);
	c->have_la = true;
	for (;;) {
		if (is_term(t, st)) {
			resolve(c, st, t);
			return STOP_END;
		}
		if (until && st->depth == 0 &&
		    (((until & UNTIL_COMMA) && is_punct(t, ',')) ||
		     ((until & UNTIL_FOR) && KW(t, "FOR")))) {
			int r = is_punct(t, ',') ? STOP_COMMA : STOP_FOR;
			resolve(c, st, t);
			c->have_la = false;
			st->prev_type = T_PUNCT;
			st->prev_ch = ',';
			st->k1 = st->k2 = K_NONE;
			return r;
		}
		step(c, st, t);
		if (!sql_lex_fast(&c->lx, t))
			sql_lex(&c->lx, t);
	}
}

/* Make the word w the body scanner's previous token (a head consumed
 * it).  Fields, not a struct tok copy: a wide load of the token just
 * written field by field stalls store forwarding. */
static void set_prev_word(struct stmt *st, const char *w, size_t n)
{
	st->prev_type = T_WORD;
	st->prev_ch = 0;
	st->prev_p = w;
	st->prev_n = n;
	st->k1 = keyword(w, n);
}

/* ---- 3. statement heads ------------------------------------------------ */

enum { HEAD_DONE, HEAD_AGAIN };

static void implicit(struct ctx *c, struct stmt *st, enum sql_reason r,
		     const char *what, unsigned facts)
{
	unsafe(c, r, what, facts | SQL_FACT_COMMITS);
	commits(c, st);
}

static void compound(struct ctx *c, struct stmt *st)
{
	unsafe(c, SQL_REASON_SIDE_EFFECT, "compound statement",
	       SQL_FACT_SIDE_EFFECT);
	st->fl |= SF_NO_SPLIT;
}

static void malformed(struct ctx *c, const char *what)
{
	if (peek(c)->type != T_ERROR)
		unsafe(c, SQL_REASON_UNKNOWN, what, 0);
}

/* The rest of a transaction statement must be exactly these words. */
static bool only_words(struct ctx *c, struct stmt *st, const char (*ok)[12],
		       size_t count)
{
	for (;;) {
		const struct tok *t = peek(c);
		size_t i;
		if (is_term(t, st))
			return true;
		for (i = 0; i < count; i++)
			if (t->type == T_WORD && cmpw(t->p, t->n, ok[i]) == 0)
				break;
		if (i == count && !is_punct(t, ','))
			return false;
		skip(c);
	}
}

static void txn_begin(struct ctx *c, struct stmt *st, const char *what)
{
	st->txn = SQL_TXN_BEGIN;
	safe(c, SQL_REASON_TRANSACTION, what, SQL_FACT_COMMITS | SQL_FACT_BEGINS);
}

static int head_begin(struct ctx *c, struct stmt *st)
{
	if (ACCEPT(c, "NOT")) {
		unsafe(c, SQL_REASON_SIDE_EFFECT, "BEGIN NOT ATOMIC",
		       SQL_FACT_SIDE_EFFECT);
		st->fl |= SF_NO_SPLIT;
		return HEAD_DONE;
	}
	ACCEPT(c, "WORK");
	txn_begin(c, st, "BEGIN");
	if (!is_term(peek(c), st))
		malformed(c, "malformed transaction statement");
	return HEAD_DONE;
}

/* COMMIT/ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE] */
static int head_end_txn(struct ctx *c, struct stmt *st, bool commit)
{
	bool no = false, release = false;

	ACCEPT(c, "WORK");
	if (!commit && ACCEPT(c, "TO")) {
		st->txn = SQL_TXN_SAVEPOINT;
		unsafe(c, SQL_REASON_TRANSACTION, "ROLLBACK TO SAVEPOINT", 0);
		return HEAD_DONE;
	}
	st->txn = commit ? SQL_TXN_COMMIT : SQL_TXN_ROLLBACK;
	for (;;) {
		const struct tok *t = peek(c);
		if (is_term(t, st))
			break;
		if (KW(t, "NO")) {
			no = true;
		} else if (KW(t, "AND") || KW(t, "CHAIN")) {
			no = false;
		} else if (KW(t, "RELEASE")) {
			release = !no;
			no = false;
		} else {
			malformed(c, "malformed transaction statement");
			break;
		}
		skip(c);
	}
	if (release)
		unsafe(c, SQL_REASON_TRANSACTION, commit ? "COMMIT RELEASE" :
		       "ROLLBACK RELEASE", commit ? SQL_FACT_COMMITS : 0);
	else
		safe(c, SQL_REASON_TRANSACTION, commit ? "COMMIT" : "ROLLBACK",
		     commit ? SQL_FACT_COMMITS : 0);
	return HEAD_DONE;
}

/* START TRANSACTION ..., START/STOP SLAVE|REPLICA|GROUP_REPLICATION */
static int head_start(struct ctx *c, struct stmt *st, const struct verb *v)
{
	static const char opts[][12] = {
		"READ", "ONLY", "WRITE", "WITH", "CONSISTENT", "SNAPSHOT",
	};
	bool start = v->what[2] == 'A';
	const struct tok *t = peek(c);

	if (start && KW(t, "TRANSACTION")) {
		skip(c);
		txn_begin(c, st, "START TRANSACTION");
		if (!only_words(c, st, opts, sizeof opts / sizeof opts[0]))
			malformed(c, "malformed transaction statement");
	} else if (KW(t, "SLAVE") || KW(t, "ALL")) {
		implicit(c, st, SQL_REASON_WRITE, start ? "START SLAVE" : "STOP SLAVE",
			 SQL_FACT_WRITE);
	} else if (KW(t, "REPLICA")) {
		implicit(c, st, SQL_REASON_WRITE, start ? "START REPLICA" :
			 "STOP REPLICA", SQL_FACT_WRITE);
	} else if (KW(t, "GROUP_REPLICATION")) {
		implicit(c, st, SQL_REASON_WRITE, start ? "START GROUP_REPLICATION" :
			 "STOP GROUP_REPLICATION", SQL_FACT_WRITE);
	} else {
		unsafe(c, SQL_REASON_WRITE, v->what, SQL_FACT_WRITE);
	}
	return HEAD_DONE;
}

/* CREATE/ALTER/DROP: skip modifiers (OR REPLACE, DEFINER = x@y,
 * ALGORITHM = x, TEMPORARY, UNIQUE, ...) up to the object word. */
static int head_ddl(struct ctx *c, struct stmt *st, const struct verb *v)
{
	const char *what = v->what;
	bool temp = false;

	for (int i = 0; i < 32; i++) {
		const struct tok *t = peek(c);
		if (t->type == T_WORD) {
			long o = FIND(ddl_objects, t->p, t->n);
			if (o >= 0) {
				what = ddl_what[v->arg][o];
				/* a body with BEGIN ... ; ... END follows */
				if (KW(t, "EVENT") || KW(t, "FUNCTION") ||
				    KW(t, "PACKAGE") || KW(t, "PROCEDURE") ||
				    KW(t, "TRIGGER"))
					st->fl |= SF_PROG;
				st->fl |= SF_NAME_NEXT;
				skip(c);
				break;
			}
			if (KW(t, "TEMPORARY"))
				temp = true;
			if (v->arg == DDL_DROP && KW(t, "PREPARE")) {
				skip(c);
				unsafe(c, SQL_REASON_SESSION, "DROP PREPARE",
				       SQL_FACT_CHANGES_SESSION);
				return HEAD_DONE;
			}
		} else if (t->type != T_STRING && t->type != T_QIDENT &&
			   !is_punct(t, '=') && !is_punct(t, '@') &&
			   !is_punct(t, '.')) {
			break;
		}
		skip(c);
	}
	if (temp && v->arg != DDL_ALTER)
		unsafe(c, SQL_REASON_SESSION, v->arg == DDL_CREATE ?
		       "CREATE TEMPORARY TABLE" : "DROP TEMPORARY TABLE",
		       SQL_FACT_CHANGES_SESSION |
		       (v->arg == DDL_CREATE ? SQL_FACT_TEMP_TABLE : 0));
	else
		implicit(c, st, SQL_REASON_WRITE, what, SQL_FACT_WRITE);
	return HEAD_DONE;
}

/* EXPLAIN/DESCRIBE [EXTENDED|PARTITIONS|FORMAT=x] [ANALYZE] ... */
static void skip_format(struct ctx *c)
{
	for (int i = 0; i < 8; i++) {
		if (ACCEPT(c, "EXTENDED") || ACCEPT(c, "PARTITIONS"))
			continue;
		if (!ACCEPT(c, "FORMAT"))
			return;
		if (is_punct(peek(c), '='))
			skip(c);
		if (peek(c)->type == T_WORD || peek(c)->type == T_STRING)
			skip(c);
	}
}

static int head_explain(struct ctx *c, const struct verb *v)
{
	skip_format(c);
	if (ACCEPT(c, "ANALYZE")) {
		/* it executes the statement: classify that one too */
		unsafe(c, SQL_REASON_SIDE_EFFECT, "EXPLAIN ANALYZE",
		       SQL_FACT_SIDE_EFFECT);
		skip_format(c);
		return HEAD_AGAIN;
	}
	safe(c, SQL_REASON_READ, v->what, 0);
	return HEAD_DONE;
}

/* ANALYZE TABLE t (a write) or MariaDB's ANALYZE <statement> (executes). */
static int head_analyze(struct ctx *c, struct stmt *st, const struct verb *v)
{
	if (!ACCEPT(c, "NO_WRITE_TO_BINLOG"))
		ACCEPT(c, "LOCAL");
	if (KW(peek(c), "TABLE") || KW(peek(c), "TABLES")) {
		implicit(c, st, SQL_REASON_WRITE, v->what, SQL_FACT_WRITE);
		return HEAD_DONE;
	}
	unsafe(c, SQL_REASON_SIDE_EFFECT, "ANALYZE", SQL_FACT_SIDE_EFFECT);
	skip_format(c);
	return HEAD_AGAIN;
}

static int head_show(struct ctx *c, const struct verb *v)
{
	const struct tok *t = peek(c);

	/* these report on the previous statements of the lost session */
	if (KW(t, "WARNINGS") || KW(t, "ERRORS") || KW(t, "COUNT") ||
	    KW(t, "PROFILE") || KW(t, "PROFILES"))
		unsafe(c, SQL_REASON_SESSION, KW(t, "WARNINGS") ? "SHOW WARNINGS" :
		       KW(t, "ERRORS") ? "SHOW ERRORS" : KW(t, "COUNT") ?
		       "SHOW COUNT(*)" : "SHOW PROFILE", SQL_FACT_DEPENDS_SESSION);
	else
		safe(c, SQL_REASON_READ, v->what, 0);
	return HEAD_DONE;
}

/* Verbs whose `what` depends on the next word. */
static int head_object(struct ctx *c, struct stmt *st, const struct verb *v)
{
	const struct tok *t = peek(c);
	bool tables = KW(t, "TABLE") || KW(t, "TABLES");

	switch (v->head) {
	case H_CHANGE:
		implicit(c, st, SQL_REASON_WRITE, KW(t, "MASTER") ? "CHANGE MASTER" :
			 KW(t, "REPLICATION") ? "CHANGE REPLICATION" : "CHANGE",
			 SQL_FACT_WRITE);
		break;
	case H_RENAME:
		implicit(c, st, SQL_REASON_WRITE, KW(t, "USER") ? "RENAME USER" :
			 tables ? "RENAME TABLE" : "RENAME", SQL_FACT_WRITE);
		break;
	case H_INSTALL: {
		bool in = v->what[0] == 'I';
		implicit(c, st, SQL_REASON_WRITE,
			 KW(t, "PLUGIN") ? (in ? "INSTALL PLUGIN" : "UNINSTALL PLUGIN") :
			 KW(t, "SONAME") ? (in ? "INSTALL SONAME" : "UNINSTALL SONAME") :
			 KW(t, "COMPONENT") ? (in ? "INSTALL COMPONENT" :
					       "UNINSTALL COMPONENT") : v->what,
			 SQL_FACT_WRITE);
		break;
	}
	case H_LOAD:
		if (KW(t, "INDEX"))
			implicit(c, st, SQL_REASON_WRITE, "LOAD INDEX", SQL_FACT_WRITE);
		else
			unsafe(c, SQL_REASON_WRITE, KW(t, "DATA") ? "LOAD DATA" :
			       KW(t, "XML") ? "LOAD XML" : "LOAD", SQL_FACT_WRITE);
		break;
	case H_LOCK: {
		bool lock = v->what[0] == 'L';
		if (tables)
			implicit(c, st, SQL_REASON_SESSION, lock ? "LOCK TABLES" :
				 "UNLOCK TABLES", SQL_FACT_CHANGES_SESSION |
				 (lock ? SQL_FACT_TAKES_LOCK : 0));
		else if (KW(t, "INSTANCE"))
			unsafe(c, SQL_REASON_SESSION, lock ? "LOCK INSTANCE" :
			       "UNLOCK INSTANCE", SQL_FACT_CHANGES_SESSION |
			       (lock ? SQL_FACT_TAKES_LOCK : 0));
		else
			malformed(c, "unknown statement");
		break;
	}
	case H_TABLEVERB:
		implicit(c, st, SQL_REASON_WRITE, v->what, SQL_FACT_WRITE);
		break;
	case H_RELEASE:
		st->txn = SQL_TXN_SAVEPOINT;
		if (KW(t, "SAVEPOINT"))
			unsafe(c, SQL_REASON_TRANSACTION, "RELEASE SAVEPOINT", 0);
		else
			malformed(c, "unknown statement");
		break;
	case H_EXECUTE:
		if (KW(t, "IMMEDIATE"))
			unsafe(c, SQL_REASON_SIDE_EFFECT, "EXECUTE IMMEDIATE",
			       SQL_FACT_SIDE_EFFECT);
		else
			unsafe(c, v->reason, v->what, v->facts);
		break;
	case H_GET:
		if (!ACCEPT(c, "CURRENT"))
			ACCEPT(c, "STACKED");
		if (KW(peek(c), "DIAGNOSTICS"))
			unsafe(c, v->reason, v->what, v->facts);
		else
			malformed(c, "unknown statement");
		break;
	default:
		break;
	}
	return HEAD_DONE;
}

/* SET autocommit = <value>: anything but a literal 0/OFF/FALSE may turn
 * autocommit on, which commits. */
static void set_autocommit(struct ctx *c, struct stmt *st)
{
	const struct tok *t = peek(c);

	if ((t->type == T_NUM && t->n == 1 && t->p[0] == '0') ||
	    KW(t, "OFF") || KW(t, "FALSE")) {
		skip(c);
		t = peek(c);
		if (is_term(t, st) || is_punct(t, ',')) {
			c->out->facts |= SQL_FACT_BEGINS;
			return;
		}
	}
	commits(c, st);
}

static bool is_assign(const struct tok *t)
{
	return t->type == T_ASSIGN || is_punct(t, '=');
}

/* The target of one SET assignment, already taken as t. */
static bool set_target(struct ctx *c, const struct tok *t,
		       unsigned char scope, bool *autocommit)
{
	if (t->type == T_SYSVAR)
		scope = t->scope;
	if (t->type == T_UVAR) {
		safe(c, SQL_REASON_SESSION, "SET @user variable",
		     SQL_FACT_CHANGES_SESSION | SQL_FACT_SETS_USER_VAR);
		return true;
	}
	if (t->type != T_SYSVAR && t->type != T_WORD && t->type != T_QIDENT)
		return false;
	if (scope == S_GLOBAL || scope == S_PERSIST) {
		unsafe(c, SQL_REASON_WRITE, scope == S_GLOBAL ? "SET GLOBAL" :
		       "SET PERSIST", SQL_FACT_WRITE);
	} else if (scope == S_UNKNOWN) {
		return false;
	} else {
		*autocommit = IS(t->p, t->n, "AUTOCOMMIT");
		safe(c, SQL_REASON_SESSION, *autocommit ? "SET autocommit" :
		     "SET", SQL_FACT_CHANGES_SESSION);
	}
	/* structured variable: keycache.key_buffer_size */
	while (t->type != T_SYSVAR && is_punct(peek(c), '.')) {
		skip(c);
		if (peek(c)->type != T_WORD && peek(c)->type != T_QIDENT)
			return false;
		skip(c);
	}
	return true;
}

enum relex { RELEX_NONE, RELEX_SQL_MODE, RELEX_CHARSET };

/* A session variable that changes how the server lexes the statements
 * after it: quotes and backslashes (sql_mode), multi-byte characters. */
static enum relex relex_target(const struct tok *t, unsigned char scope)
{
	if (t->type == T_SYSVAR)
		scope = t->scope;
	if ((t->type != T_SYSVAR && t->type != T_WORD) || scope != S_SESSION)
		return RELEX_NONE;
	if (IS(t->p, t->n, "SQL_MODE"))
		return RELEX_SQL_MODE;
	if (IS(t->p, t->n, "CHARACTER_SET_CLIENT") || IS(t->p, t->n, "CHARACTER_SET_CONNECTION"))
		return RELEX_CHARSET;
	return RELEX_NONE;
}

static bool contains_word(const char *p, size_t n, const char *kw)
{
	size_t k = 0;

	while (kw[k])
		k++;
	for (size_t i = 0; i + k <= n; i++)
		if (cmpw(p + i, k, kw) == 0)
			return true;
	return false;
}

/* Does the value v make the server lex differently from this lexer?
 * sql_mode with NO_BACKSLASH_ESCAPES or ANSI(_QUOTES); a character set
 * whose multi-byte characters may hold a backslash or quote byte.  A
 * value that is not a plain literal may be anything: yes. */
static bool relexes(enum relex what, const struct tok *v)
{
	static const char wide[][8] = {"BIG5", "CP932", "GBK", "GB18030", "SJIS"};

	if (what == RELEX_NONE)
		return false;
	if (v->type != T_STRING && v->type != T_WORD)
		return true;
	if (what == RELEX_SQL_MODE)
		return IS(v->p, v->n, "DEFAULT") || contains_word(v->p, v->n, "ANSI") ||
		       contains_word(v->p, v->n, "NO_BACKSLASH_ESCAPES");
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cmpw(v->p, v->n, wide[i]) == 0)
			return true;
	return IS(v->p, v->n, "DEFAULT");
}

/* SET [GLOBAL|SESSION|...] a = x, @b = y, NAMES ..., ... */
static int set_list(struct ctx *c, struct stmt *st, const struct tok *pre)
{
	for (;;) {
		struct tok t;
		unsigned char scope = S_SESSION;
		bool autocommit = false;

		if (pre) {
			t = *pre;
			pre = NULL;
		} else {
			if (is_term(peek(c), st))
				break;
			t = *peek(c);
			skip(c);
		}
		bool scoped = false;

		if (t.type == T_WORD && sql_lex_scope(t.p, t.n) != S_UNKNOWN &&
		    !is_assign(peek(c)) && !is_term(peek(c), st)) {
			scope = sql_lex_scope(t.p, t.n);
			scoped = true;
			t = *peek(c);
			skip(c);
		}
		if (KW(&t, "TRANSACTION")) {
			if (scope == S_GLOBAL || scope == S_PERSIST)
				unsafe(c, SQL_REASON_WRITE, "SET GLOBAL", SQL_FACT_WRITE);
			else
				safe(c, SQL_REASON_SESSION, "SET TRANSACTION",
				     SQL_FACT_CHANGES_SESSION | (scoped ? 0 : SQL_FACT_NEXT_TXN));
			return HEAD_DONE;
		}
		if (KW(&t, "NAMES") || KW(&t, "CHARSET") ||
		    (KW(&t, "CHARACTER") && ACCEPT(c, "SET"))) {
			safe(c, SQL_REASON_SESSION, KW(&t, "NAMES") ? "SET NAMES" :
			     "SET CHARACTER SET", SQL_FACT_CHANGES_SESSION);
			if (relexes(RELEX_CHARSET, peek(c)))
				c->out->facts |= SQL_FACT_RELEXES;
		} else {
			enum relex what = relex_target(&t, scope);

			if (!set_target(c, &t, scope, &autocommit) ||
			    !is_assign(peek(c)))
				break;
			skip(c);
			if (relexes(what, peek(c)))
				c->out->facts |= SQL_FACT_RELEXES;
			if (autocommit)
				set_autocommit(c, st);
		}
		if (scan(c, st, UNTIL_COMMA) != STOP_COMMA)
			return HEAD_DONE;
	}
	malformed(c, "malformed SET");
	return HEAD_DONE;
}

/* MariaDB: SET STATEMENT a = x [, ...] FOR <statement> */
static int set_statement(struct ctx *c, struct stmt *st)
{
	for (;;) {
		if (peek(c)->type != T_WORD)
			break;
		skip(c);
		if (!is_assign(peek(c)))
			break;
		skip(c);
		int r = scan(c, st, UNTIL_COMMA | UNTIL_FOR);
		if (r == STOP_FOR)
			return HEAD_AGAIN;
		if (r != STOP_COMMA)
			break;
	}
	malformed(c, "malformed SET STATEMENT");
	return HEAD_DONE;
}

static int head_set(struct ctx *c, struct stmt *st)
{
	const struct tok *t = peek(c);

	if (KW(t, "STATEMENT")) {
		skip(c);
		return set_statement(c, st);
	}
	if (KW(t, "PASSWORD")) {
		implicit(c, st, SQL_REASON_WRITE, "SET PASSWORD", SQL_FACT_WRITE);
		return HEAD_DONE;
	}
	if (KW(t, "ROLE")) {
		safe(c, SQL_REASON_SESSION, "SET ROLE",
		     SQL_FACT_CHANGES_SESSION | SQL_FACT_SETS_ROLE);
		return HEAD_DONE;
	}
	if (KW(t, "DEFAULT")) {
		struct tok d = *t;
		skip(c);
		if (KW(peek(c), "ROLE")) {
			implicit(c, st, SQL_REASON_WRITE, "SET DEFAULT ROLE",
				 SQL_FACT_WRITE);
			return HEAD_DONE;
		}
		return set_list(c, st, &d);
	}
	return set_list(c, st, NULL);
}

static int head_fixed(struct ctx *c, struct stmt *st, const struct verb *v)
{
	if (v->flags & F_SAFE) {
		safe(c, v->reason, v->what, v->facts);
	} else {
		unsafe(c, v->reason, v->what, v->facts);
		if (v->arg)
			st->txn = v->arg;
	}
	if (v->flags & F_IC)
		commits(c, st);
	if (v->flags & F_NAME)
		st->fl |= SF_NAME_NEXT;
	return HEAD_DONE;
}

/* (SELECT ...) UNION (SELECT ...), ((WITH ...)) */
static int head_parens(struct ctx *c, struct stmt *st)
{
	const struct tok *t;

	while (is_punct(peek(c), '(')) {
		skip(c);
		st->depth++;
	}
	t = peek(c);
	st->prev_type = T_PUNCT;
	st->prev_ch = '(';
	if (KW(t, "WITH")) {
		skip(c);
		st->cte = CTE_HEAD;
		st->cte_depth = st->depth;
	}
	if (KW(t, "SELECT") || KW(t, "WITH") || KW(t, "VALUES") || KW(t, "TABLE"))
		safe(c, SQL_REASON_READ, "SELECT", 0);
	else
		malformed(c, "unknown statement");
	return HEAD_DONE;
}

static int head_verb(struct ctx *c, struct stmt *st, const struct verb *v)
{
	switch (v->head) {
	case H_FIXED: return head_fixed(c, st, v);
	case H_DDL: return head_ddl(c, st, v);
	case H_ANALYZE: return head_analyze(c, st, v);
	case H_BEGIN: return head_begin(c, st);
	case H_COMMIT: return head_end_txn(c, st, true);
	case H_ROLLBACK: return head_end_txn(c, st, false);
	case H_COMPOUND: compound(c, st); return HEAD_DONE;
	case H_EXPLAIN: return head_explain(c, v);
	case H_SET: return head_set(c, st);
	case H_SHOW: return head_show(c, v);
	case H_START: return head_start(c, st, v);
	case H_WITH:
		st->cte = CTE_HEAD;
		st->cte_depth = st->depth;
		safe(c, SQL_REASON_READ, "SELECT", 0);
		return HEAD_DONE;
	default: return head_object(c, st, v);
	}
}

static int head(struct ctx *c, struct stmt *st)
{
	const char *w;
	size_t n;
	long v;

	if (is_punct(peek(c), '('))
		return head_parens(c, st);
	if (peek(c)->type != T_WORD) {
		malformed(c, "unknown statement");
		return HEAD_DONE;
	}
	w = c->la.p;
	n = c->la.n;
	skip(c);
	set_prev_word(st, w, n);
	if (is_punct(peek(c), ':')) { /* label: BEGIN/LOOP/... */
		compound(c, st);
		return HEAD_DONE;
	}
	if (st->k1 == K_SELECT) /* set_prev_word() looked the word up */
		return head_verb(c, st, &select_verb);
	v = FIND(verbs, w, n);
	if (v < 0) {
		unsafe(c, SQL_REASON_UNKNOWN, "unknown statement", 0);
		return HEAD_DONE;
	}
	return head_verb(c, st, &verbs[v]);
}

/* ---- 4. the driver ----------------------------------------------------- */

static void finish(struct ctx *c, struct stmt *st, bool first)
{
	const struct tok *t = peek(c);

	if (t->type == T_ERROR) {
		unsafe(c, SQL_REASON_UNKNOWN, t->p, 0);
		c->stop = true;
	} else {
		if (t->type == T_END)
			c->stop = true;
		if (st->depth)
			unsafe(c, SQL_REASON_UNKNOWN, "unbalanced parentheses", 0);
		if (st->cte)
			unsafe(c, SQL_REASON_UNKNOWN, "WITH without a statement", 0);
	}
	skip(c);
	if (!c->st_unsafe && !c->st_have_safe)
		unsafe(c, SQL_REASON_UNKNOWN, "unknown statement", 0);
	if (!c->st_unsafe && !c->have_safe) {
		c->have_safe = true;
		c->sreason = c->st_reason;
		c->swhat = c->st_what;
	}
	if (first)
		c->out->txn = st->txn;
}

static void statement(struct ctx *c, bool first)
{
	struct stmt st;

	memset(&st, 0, sizeof st);
	c->st_unsafe = c->st_have_safe = false;
	c->out->statements++;
	while (head(c, &st) == HEAD_AGAIN) {
		st.prev_type = T_END;
		st.k1 = st.k2 = K_NONE;
	}
	scan(c, &st, 0);
	finish(c, &st, first);
}

void sql_classify(const char *text, size_t len, unsigned flags,
		  struct sql_verdict *out)
{
	struct ctx c;

	memset(&c, 0, sizeof c);
	if (!text)
		len = 0;
	c.lx.p = text;
	c.lx.end = text + len;
	c.lx.last_end = NULL;
	c.lx.esc = !(flags & SQL_NO_BACKSLASH_ESCAPES);
	c.lx.restored = (flags & SQL_SESSION_RESTORED) != 0;
	c.lx.uvars_restored = (flags & SQL_USER_VARS_RESTORED) != 0;
	c.out = out;
	out->safe = false;
	out->txn = SQL_TXN_NONE;
	out->reason = SQL_REASON_EMPTY;
	out->what = "empty statement";
	out->facts = 0;
	out->statements = 0;
	while (!c.stop) {
		const struct tok *t = peek(&c);
		if (t->type == T_END)
			break;
		if (t->type == T_SEMI) {
			skip(&c);
			continue;
		}
		if (t->type == T_ERROR) {
			unsafe(&c, SQL_REASON_UNKNOWN, t->p, 0);
			break;
		}
		/* The server lexes what follows in another mode than this lexer
		 * (SET sql_mode='NO_BACKSLASH_ESCAPES'; SELECT '\'; ...). */
		if (out->facts & SQL_FACT_RELEXES) {
			unsafe(&c, SQL_REASON_UNKNOWN, "a statement after a change of sql_mode or "
			       "character set", 0);
			out->statements++;
			break;
		}
		statement(&c, out->statements == 0);
	}
	if (out->statements > 1)
		out->facts |= SQL_FACT_MULTI;
	if (!c.unsafe && out->statements) {
		out->safe = true;
		out->reason = c.sreason;
		out->what = c.swhat;
	}
}


const char *sql_reason_name(enum sql_reason reason)
{
	switch (reason) {
	case SQL_REASON_READ: return "read";
	case SQL_REASON_EMPTY: return "empty";
	case SQL_REASON_WRITE: return "write";
	case SQL_REASON_TRANSACTION: return "transaction";
	case SQL_REASON_SESSION: return "session";
	case SQL_REASON_SIDE_EFFECT: return "side effect";
	case SQL_REASON_LOCKING_READ: return "locking read";
	case SQL_REASON_UNKNOWN: return "unknown";
	}
	return "unknown";
}
