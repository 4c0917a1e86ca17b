/* client.h - the client library the program runs on, as the shim uses it.
 *
 * One small interface, two implementations: MariaDB Connector/C
 * (libmariadb.so.3, also Debian's libmysqlclient; client_mariadb.c) and
 * Oracle's libmysqlclient (client_oracle.c).  The implementation is chosen
 * once, from the functions the library exports, when the configuration is
 * read (init.c); every connection is then checked against it after its
 * connect (client_check_connected).
 *
 * Oracle's library has no function for the server status, the socket or
 * the current database: those are read from the program's MYSQL structure
 * through a layout the project verified for that soname (tests/mysql/run),
 * and checked after each connect against what the library and the server
 * say.  Connector/C's structure is read the same way for the status, the
 * one value read on every call (mariadb_get_infov costs a call and a
 * switch).  A library or a layout the shim does not know means its
 * connections are passed through, said once in the log. */
#ifndef MYSQL_RECONNECT_CLIENT_H
#define MYSQL_RECONNECT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

#include "real.h"

enum client_library {
	CLIENT_UNKNOWN,  /* followed, never recovered */
	CLIENT_MARIADB,  /* MariaDB Connector/C 3 */
	CLIENT_ORACLE,   /* Oracle libmysqlclient, a verified soname */
};

/* Where the MYSQL structure keeps what the shim reads. */
struct client_layout {
	size_t server_status; /* unsigned int */
	size_t thread_id;     /* unsigned long */
	size_t insert_id;     /* my_ulonglong: mysql_insert_id() */
	size_t field_count;   /* unsigned int: mysql_field_count() */
};

struct client {
	enum client_library library;
	char name[64];   /* for the log and the doctor: "libmysqlclient.so.24" */
	struct client_layout layout;
	unsigned features; /* FEATURE_* (real.h) this library and its functions allow */
	int reconnect_option; /* its number for MYSQL_OPT_RECONNECT, or -1 */
	char missing[128];  /* functions this implementation needs and lacks */
	/* A prepared statement stays usable across a reconnect (prepared
	 * again by the shim); Oracle's library closes every prepared
	 * MYSQL_STMT of a connection it drops (mysql_prune_stmt_list). */
	bool statements_survive;
};

/* Chosen once (client_choose); read on every call.  Zero until then. */
extern struct client client_lib;

/* Chooses the implementation for the bound library and returns the
 * features it allows.  Called once, by init.c; before it, client_lib is
 * CLIENT_UNKNOWN and nothing below is called. */
unsigned client_choose(const struct real_api *real);

/* The server status the library keeps for the handle (SERVER_STATUS_*):
 * a memory read, no call.  0 where the library is not known (offset 0,
 * the start of the structure, is never the status). */
static inline unsigned client_status(const MYSQL *m)
{
	size_t at = client_lib.layout.server_status;

	return at ? *(const unsigned *)((const char *)m + at) : 0;
}

static inline bool client_status_known(void)
{
	return client_lib.layout.server_status != 0;
}

/* mysql_insert_id() and mysql_field_count() without a call; only where
 * client_status_known(). */
static inline unsigned long long client_insert_id(const MYSQL *m)
{
	return *(const unsigned long long *)((const char *)m + client_lib.layout.insert_id);
}

static inline unsigned client_field_count(const MYSQL *m)
{
	return *(const unsigned *)((const char *)m + client_lib.layout.field_count);
}

/* After a successful connect (the program's, or the library's own
 * reconnect): does the handle look the way the layout says?  host, user
 * and port are what the program passed, or NULL / 0 when not known. */
bool client_check_connected(const struct real_api *real, MYSQL *m, const char *host,
			    const char *user, unsigned port);

/* The connection's socket, or -1 when the library has none open. */
int client_socket(const struct real_api *real, MYSQL *m);

/* The current database, or NULL. */
const char *client_schema(const struct real_api *real, MYSQL *m);

/* What the handle is connected to, read from it (a handle connected out of
 * the shim's sight); false when the library cannot say. */
struct client_identity {
	const char *host, *user, *unix_socket;
	unsigned port;
};
bool client_identity(const struct real_api *real, MYSQL *m, struct client_identity *id);

/* The program's own MYSQL_OPT_RECONNECT, and switching it for the shim's
 * own calls, without a word on the program's stderr (Oracle's library
 * prints a deprecation warning when the option is set through
 * mysql_options). */
bool client_library_reconnect(const struct real_api *real, MYSQL *m);
void client_set_library_reconnect(const struct real_api *real, MYSQL *m, bool on);

/* Is the handle using MariaDB's non-blocking API? */
bool client_nonblocking(const struct real_api *real, MYSQL *m);

/* The program's MYSQL_INIT_COMMANDs: 1 with *commands and *count set (the
 * library's own array), 0 when there are none, -1 when the library has
 * some that the shim cannot read. */
int client_init_commands(const struct real_api *real, MYSQL *m, char ***commands,
			 unsigned *count);

/* Reconnect the handle in place, with the address, credentials and
 * options it was connected with: one attempt.  prefer_ping: the
 * configured method (MYSQL_RECONNECT_METHOD=ping), where the library can
 * reconnect from mysql_ping.  *login keeps what a failed attempt would
 * take from the handle (Oracle's library forgets the user and the password
 * when a connect fails): NULL at first, freed by client_login_free. */
struct client_login {
	char *host, *user, *passwd, *db, *unix_socket;
	unsigned port;
	unsigned long flags;
};
bool client_reconnect(const struct real_api *real, MYSQL *m, bool prefer_ping,
		      struct client_login **login);

/* client_login.c: copies (NULL on ENOMEM, or without a user), and frees
 * them with the password wiped first. */
struct client_login *client_login_copy(const char *host, const char *user, const char *passwd,
				       const char *db, const char *unix_socket, unsigned port,
				       unsigned long flags);
void client_login_free(struct client_login **login);

/* Leave the library's own lost-connection error on the handle (2006, as
 * the library would set it), without sending anything. */
void client_set_gone_error(const struct real_api *real, MYSQL *m);

/* One implementation per library (client_mariadb.c, client_oracle.c). */
struct client_ops {
	bool (*check_connected)(const struct real_api *, MYSQL *, const char *host,
				const char *user, unsigned port);
	int (*socket)(const struct real_api *, MYSQL *);
	const char *(*schema)(const struct real_api *, MYSQL *);
	bool (*identity)(const struct real_api *, MYSQL *, struct client_identity *);
	bool (*library_reconnect)(const struct real_api *, MYSQL *);
	void (*set_library_reconnect)(const struct real_api *, MYSQL *, bool);
	bool (*nonblocking)(const struct real_api *, MYSQL *);
	int (*init_commands)(const struct real_api *, MYSQL *, char ***, unsigned *);
	bool (*reconnect)(const struct real_api *, MYSQL *, bool prefer_ping,
			  struct client_login **);
	void (*set_gone_error)(const struct real_api *, MYSQL *);
};

/* Fill in lib (name, layout, features) and return the operations, or NULL
 * when the bound library is not theirs. */
const struct client_ops *client_mariadb(const struct real_api *real, struct client *lib);
const struct client_ops *client_oracle(const struct real_api *real, struct client *lib);

#endif
