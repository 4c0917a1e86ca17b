/* conn.h - what the shim knows about each of the program's connections.
 *
 * Looked up on every intercepted call, lock-free (registry.h); only
 * connect and close (never a query) take the registry's writer lock.  A
 * MYSQL handle is used by one thread at a time (the client library's own
 * rule), so a conn is only touched by the thread that currently uses its
 * handle. */
#ifndef MYSQL_RECONNECT_CONN_H
#define MYSQL_RECONNECT_CONN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mysql.h>

#include "registry.h"

/* Needs attention before the next call. */
#define CONN_DEAD     0x1u /* lost and not re-established: reconnect first */
#define CONN_TXN_LOST 0x2u /* the program's transaction died with it */
#define CONN_STATE_LOST 0x4u /* session state died with it: some statements fail */

#define CONN_NAME_MAX 256

/* A copy of a statement the program sent, kept while its answer is due:
 * the buffer only grows, so keeping one costs no allocation once warm. */
struct client_login;
struct strlist;

/* The session record: the transaction, and state a fresh connection
 * cannot have (session.h, session.c). */
struct conn_session {
	unsigned status;           /* transaction record: SERVER_STATUS_* before the
				      current call */
	bool tracking;             /* the server reports this session's changes */
	bool insert_id_seen;       /* the session's LAST_INSERT_ID() was set */
	bool insert_id_at_loss;    /* ... and it was lost */
	bool keep_in_trans;        /* the shim's own 2006 cleared IN_TRANS */
	bool multi_statements_off; /* the program's mysql_set_server_option */
	unsigned held;             /* SESSION_* state a reconnect cannot restore */
	unsigned init_held;        /* ... of it, what the init commands hold */
	unsigned lost;             /* SESSION_* state lost with the last session */
};

/* What the program set in its session, to be set again on a fresh one
 * (settings.c, which alone reads and writes it). */
struct conn_settings {
	struct strlist *vars;       /* system variables the program changed (heap) */
	struct strlist *statements; /* ... or its SET/USE statements (heap) */
	bool user_vars_recorded;    /* SET @k = literal recorded */
};

/* Evidence of the last loss, kept for its diagnosis (diagnose.h) until the
 * reconnect that brings the rest: noted by recovery (recover.c). */
struct conn_loss {
	unsigned error;            /* the error it was noticed with */
	unsigned long thread_id;   /* the lost session's */
	uint64_t idle_ms;
	bool in_fork;              /* a child used its parent's connection */
	bool read_timeout, write_timeout; /* the program's own timeouts fired */
	unsigned long long statement_bytes;
};

/* What the connection is to, for the log and for the server record
 * (connect.c).  Never the password. */
struct conn_identity {
	char host[CONN_NAME_MAX];
	char user[CONN_NAME_MAX];
	char socket_path[CONN_NAME_MAX];
	unsigned port;
};

struct kept_text {
	char *text;  /* heap */
	size_t len, cap;
	bool known;  /* text holds the statement; false: none, or too long */
};

struct conn {
	MYSQL *mysql;
	unsigned flags;            /* CONN_* */
	unsigned fork_generation;  /* process generation it belongs to */
	bool server_is_mysql;      /* for error 4031 */
	bool program_reconnect;    /* the program's MYSQL_OPT_RECONNECT (call.c) */
	bool passed_through;       /* not the shim's to recover (connect.c): every
				      call goes straight to the library */
	unsigned long thread_id;   /* of the session the shim knows */
	uint64_t session_number;   /* counts the sessions the shim has seen */
	struct conn_session session; /* session.c's */
	struct conn_settings settings; /* settings.c's */
	struct kept_text sent;     /* sent by mysql_send_query, answer not read yet */
	struct kept_text result_of; /* ran and returned results, not all read yet */
	unsigned result_index;     /* which of them the program is at (0: the first) */
	uint64_t last_used_ms;     /* end of the last successful call */
	uint64_t call_start_ms;    /* start of the current call */
	bool found_closed;         /* the idle check found the peer gone */
	unsigned found_closed_error; /* ... and the error the server sent first, or 0 */
	char lost_incident[32];    /* incident that left the flags set */
	struct client_login *login; /* kept between reconnect attempts (client.h) */
	struct conn_loss loss;     /* recovery's */
	struct conn_identity id;   /* connect.c's */
};

/* Lock-free; NULL when the handle was not connected through the shim.
 * The last handle a thread looked up is answered from a thread-local
 * copy while the registry has not changed (conn.c). */
struct conn *conn_find_in_registry(const MYSQL *mysql);
extern __thread const MYSQL *conn_last_mysql;
extern __thread struct conn *conn_last;
extern __thread unsigned conn_last_version;
extern struct registry conn_registry;

static inline struct conn *conn_find(const MYSQL *mysql)
{
	if (mysql == conn_last_mysql && registry_version(&conn_registry) == conn_last_version)
		return conn_last;
	return conn_find_in_registry(mysql);
}

/* Starts (or restarts) tracking a freshly connected handle. NULL on ENOMEM. */
struct conn *conn_track(MYSQL *mysql);

/* Keeps a copy of text (at most CONN_KEPT_TEXT_MAX bytes, else unknown). */
#define CONN_KEPT_TEXT_MAX (1024u * 1024u)
void conn_keep_text_grow(struct kept_text *k, const char *text, size_t len);

static inline void conn_keep_text(struct kept_text *k, const char *text, size_t len)
{
	if (__builtin_expect(text && len <= k->cap, 1)) { /* the buffer is warm */
		memcpy(k->text, text, len);
		k->len = len;
		k->known = true;
		return;
	}
	conn_keep_text_grow(k, text, len);
}

/* Stops tracking (mysql_close). */
void conn_forget(const MYSQL *mysql);

/* Bumped in every forked child: a conn from an older generation shares its
 * socket with the parent. */
extern atomic_uint conn_generation_count;

static inline unsigned conn_generation(void)
{
	return atomic_load_explicit(&conn_generation_count, memory_order_relaxed);
}

void conn_atfork_prepare(void);
void conn_atfork_parent(void);
void conn_atfork_child(void);

#endif
