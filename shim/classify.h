/* classify.h - may a statement be re-sent on a fresh connection?
 *
 * A pure lexer-level classifier for the bytes handed to mysql_real_query():
 * no allocation, no global state, thread-safe, never reads past `len`
 * (embedded NUL bytes are ordinary bytes).  The shim calls it only after a
 * failure, so a successful query never pays for it. */
#ifndef MYSQL_RECONNECT_CLASSIFY_H
#define MYSQL_RECONNECT_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

/* Flags describing how the server lexes (taken from its status flags). */
#define SQL_NO_BACKSLASH_ESCAPES 0x1u /* SERVER_STATUS_NO_BACKSLASH_ESCAPES */
/* The fresh session will have every session variable the lost one had
 * (session.c restores them first): reading @@var does not depend on the
 * lost session, except for the variables that describe its last
 * statements (@@last_insert_id, @@warning_count, @@timestamp ...). */
#define SQL_SESSION_RESTORED     0x2u
/* Every user variable the lost session had is set again, to the same
 * value, before the statement is sent again: reading one does not depend
 * on the lost session. */
#define SQL_USER_VARS_RESTORED   0x4u

/* Effect of the FIRST statement of the text on transaction boundaries. */
enum sql_txn {
	SQL_TXN_NONE = 0,        /* none */
	SQL_TXN_BEGIN,           /* BEGIN, START TRANSACTION (commits an open one) */
	SQL_TXN_COMMIT,          /* COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE] */
	SQL_TXN_ROLLBACK,        /* ROLLBACK [WORK] ... (not TO SAVEPOINT) */
	SQL_TXN_IMPLICIT_COMMIT, /* DDL, LOCK TABLES, SET autocommit=1, ... */
	SQL_TXN_SAVEPOINT,       /* SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT */
	SQL_TXN_XA,              /* XA START/END/PREPARE/COMMIT/ROLLBACK/RECOVER */
};

/* Category of the construct that decided the verdict. */
enum sql_reason {
	SQL_REASON_READ = 0,     /* "read": plain read, safe */
	SQL_REASON_EMPTY,        /* "empty": only whitespace/comments: unsafe */
	SQL_REASON_WRITE,        /* "write": INSERT, UPDATE, DELETE, DDL, ... */
	SQL_REASON_TRANSACTION,  /* "transaction": BEGIN, COMMIT, XA, ... */
	SQL_REASON_SESSION,      /* "session": changes or depends on session state */
	SQL_REASON_SIDE_EFFECT,  /* "side effect": NEXTVAL, GET_LOCK, INTO OUTFILE, CALL, ... */
	SQL_REASON_LOCKING_READ, /* "locking read": FOR UPDATE, LOCK IN SHARE MODE, ... */
	SQL_REASON_UNKNOWN,      /* "unknown": not understood: unsafe */
};

/* Facts (bit mask) gathered over ALL statements of the text. */
#define SQL_FACT_WRITE            0x01u /* modifies data or schema */
#define SQL_FACT_COMMITS          0x02u /* some statement commits, explicitly or implicitly (incl. BEGIN) */
#define SQL_FACT_CHANGES_SESSION  0x04u /* USE, SET, user vars, temp tables, LOCK TABLES, PREPARE, GET_LOCK ... */
#define SQL_FACT_DEPENDS_SESSION  0x08u /* LAST_INSERT_ID(), FOUND_ROWS(), @var, EXECUTE, ... */
#define SQL_FACT_SIDE_EFFECT      0x10u /* effects beyond the result set */
#define SQL_FACT_LOCKING_READ     0x20u
#define SQL_FACT_MULTI            0x40u /* more than one statement */
/* Session state a fresh connection does not have (session.c keeps track). */
#define SQL_FACT_TEMP_TABLE       0x0080u /* CREATE TEMPORARY TABLE */
#define SQL_FACT_TAKES_LOCK       0x0100u /* LOCK TABLES, GET_LOCK(), FLUSH (WITH READ
					      LOCK), LOCK INSTANCE, BACKUP */
#define SQL_FACT_SETS_USER_VAR    0x0200u /* SET @a, @a := x, INTO @a */
#define SQL_FACT_READS_USER_VAR   0x0400u /* reads @a */
#define SQL_FACT_PREPARES         0x0800u /* PREPARE, HANDLER: named session objects */
#define SQL_FACT_READS_LAST_RESULT 0x1000u /* LAST_INSERT_ID(), ROW_COUNT(), FOUND_ROWS(),
					      LASTVAL(), PREVIOUS VALUE FOR, CURRVAL */
#define SQL_FACT_NEXT_TXN         0x2000u /* SET TRANSACTION ... for the next transaction
					      only (no SESSION): the server does not report it */
#define SQL_FACT_SETS_ROLE        0x4000u /* SET ROLE: privileges a reconnect would change */
#define SQL_FACT_BEGINS          0x10000u /* BEGIN, START TRANSACTION, SET autocommit=0:
					      a transaction may be open after it */
#define SQL_FACT_RUNS_ROUTINE    0x20000u /* CALL, a stored function: code the shim
					      cannot read (it may lock, set @vars ...) */
#define SQL_FACT_READS_SEQUENCE  0x40000u /* LASTVAL(), PREVIOUS VALUE FOR, CURRVAL:
					      a sequence's last value in this session */
#define SQL_FACT_RELEXES          0x8000u
#define SQL_FACT_ALL             0x7ffffu /* every fact above */ /* changes how the server lexes what follows
					      (sql_mode, the character set) */

struct sql_verdict {
	/* May be re-sent on a fresh connection without the program observing
	 * a difference, PROVIDED the lost connection was not inside a
	 * transaction (the recovery policy checks that separately).  So
	 * BEGIN, COMMIT, ROLLBACK, SET NAMES, USE and SELECT are safe;
	 * anything writing, locking, side-effecting, depending on the lost
	 * session, empty or not understood is not.  A multi-statement text is
	 * safe only when every statement is. */
	bool safe;
	enum sql_txn txn;       /* effect of the first statement */
	enum sql_reason reason; /* deciding category (first unsafe construct, else the read) */
	const char *what;       /* static text naming it: "SELECT", "DELETE", "LAST_INSERT_ID()" */
	unsigned facts;         /* SQL_FACT_* over all statements */
	unsigned statements;    /* number of non-empty statements */
};

/* Classify `len` bytes at `text` (NULL allowed when len is 0). */
void sql_classify(const char *text, size_t len, unsigned flags, struct sql_verdict *out);

/* Copies `len` bytes at `text` to `out` (at most `cap` bytes) with every
 * literal replaced by ?: quoted strings (their quotes kept), numbers,
 * X'..' and B'..'.  It lexes as sql_classify does (comments, executable
 * comments, both quote kinds, NO_BACKSLASH_ESCAPES from `flags`); comments
 * become one space; whatever the lexer cannot read is masked to the end.
 * Returns the length written.  For logging statement text. */
size_t sql_mask(const char *text, size_t len, unsigned flags, char *out, size_t cap);

/* A server's error message for the log, NUL-terminated in out.  What it
 * quotes is the program's data ("Duplicate entry 'alice@example.com'",
 * "... near 'IDENTIFIED BY ...'") and is not escaped: the excerpt may hold
 * quotes of its own ("near ''secret''", "entry 'O'Brien'").  So everything
 * from the first quote (', " or `) to the last is one masked span '?'. */
void sql_mask_message(const char *message, char *out, size_t cap);

/* "read", "write", "transaction", ... (static strings). */
const char *sql_reason_name(enum sql_reason reason);

#endif
