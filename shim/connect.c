/* connect.c - the connection lifecycle: connect, close, options, and
 * adopting handles connected out of the shim's sight. */
#include "connect.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "clock.h"
#include "conn.h"
#include "events.h"
#include "guard.h"
#include "init.h"
#include "real.h"
#include "recover.h"
#include "session.h"
#include "settings.h"

static void copy_name(char *dst, size_t size, const char *src, const char *fallback)
{
	snprintf(dst, size, "%s", src ? src : fallback);
}

static bool server_is_mariadb(const struct real_api *real, MYSQL *m)
{
	const char *type = NULL;
	const char *info;

	if (real->mariadb_get_infov &&
	    real->mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_TYPE, &type) == 0 && type)
		return strcmp(type, "MariaDB") == 0;
	info = real->mysql_get_server_info ? real->mysql_get_server_info(m) : NULL;
	return info && strstr(info, "MariaDB");
}

/* The library's own reconnect stays as the program set it; the shim turns
 * it off only while it handles a call itself (call.c).  Only where the
 * shim follows transactions: elsewhere it never touches the option. */
static void note_program_reconnect(const struct shim_config *cfg, const struct real_api *real,
				   struct conn *c, MYSQL *m, const my_bool *wanted)
{
	bool on;

	if (cfg->mode != SHIM_MODE_ON)
		return;
	on = wanted ? *wanted != 0 : client_library_reconnect(real, m);
	c->program_reconnect = on;
	if (on)
		event_library_reconnect_kept(cfg);
}

/* A handle the shim must not recover keeps a record that says so: its
 * calls are then found and passed on at once, not adopted again each time. */
static struct conn *pass_through(MYSQL *m)
{
	struct conn *c = conn_track(m);

	if (c)
		c->passed_through = true;
	return c;
}

static struct conn *track(const struct shim_config *cfg, const struct real_api *real, MYSQL *m,
			  const char *host, const char *user, unsigned port, const char *sock)
{
	bool local = !host || strcmp(host, "localhost") == 0;
	unsigned init_held = 0;
	struct conn *c;

	if (client_lib.library != CLIENT_UNKNOWN &&
	    !client_check_connected(real, m, host, user, port)) {
		event_layout_unverified(cfg, client_lib.name);
		return pass_through(m);
	}
	if (cfg->mode == SHIM_MODE_ON && !session_init_commands(real, m, &init_held)) {
		event_init_command_passed_through(cfg);
		return pass_through(m);
	}
	c = conn_track(m);
	if (!c)
		return NULL; /* out of memory: this handle is simply passed through */
	c->session.init_held = init_held;
	c->session.held |= init_held;
	copy_name(c->id.host, sizeof(c->id.host), host, "localhost");
	copy_name(c->id.user, sizeof(c->id.user), user, "-");
	copy_name(c->id.socket_path, sizeof(c->id.socket_path), local ? sock : NULL,
		  local ? "default" : "");
	c->id.port = local ? 0 : port;
	c->server_is_mysql = !server_is_mariadb(real, m);
	c->last_used_ms = clock_coarse_ms();
	session_note_fresh(real, c, m);
	note_program_reconnect(cfg, real, c, m, NULL);
	settings_enable_tracking(cfg, real, c, m);
	return c;
}

/* The library reconnected on its own, in a call the shim does not handle,
 * because the program asked it to (MYSQL_OPT_RECONNECT): the program has a
 * fresh session, as it would without the shim.  A transaction the shim
 * saw lost stays lost. */
void connect_note_library_reconnect(const struct shim_config *cfg, const struct real_api *real,
				    struct conn *c, MYSQL *m)
{
	bool lost_transaction = session_in_transaction(c);

	guard_enter();
	session_note_fresh(real, c, m);
	c->flags &= ~CONN_DEAD;
	if (lost_transaction) /* the library went on in autocommit: the shim does not */
		c->flags |= CONN_TXN_LOST;
	c->fork_generation = conn_generation();
	session_start_over(cfg, real, c, m);
	guard_leave();
	event_library_reconnected(cfg, c->id.host, lost_transaction);
}

/* MariaDB's non-blocking API (MYSQL_OPT_NONBLOCK) runs the blocking
 * functions, the hooks included, inside a coroutine that yields to the
 * program whenever it would wait: the shim's recovery (reconnecting,
 * waiting for the server) has no place there.  Such connections are passed
 * through, untouched, as the library would run them. */
bool connect_nonblocking(const struct real_api *real, MYSQL *m)
{
	return client_nonblocking(real, m);
}

/* A handle connected where the shim could not see it (a program that
 * calls a dlsym()ed mysql_real_connect), met at its first intercepted call
 * (say mysql_query's own call to mysql_real_query).  Its identity is read
 * from the handle; without mariadb_get_infov the shim could not follow its
 * transactions, so it is left alone. */
struct conn *connect_adopt(const struct shim_config *cfg, const struct real_api *real,
			   MYSQL *m)
{
	struct client_identity id;
	struct conn *c;

	/* a NULL handle is the program's bug: the library answers it */
	if (!m || client_lib.library == CLIENT_UNKNOWN || client_socket(real, m) < 0 ||
	    connect_nonblocking(real, m) || !client_identity(real, m, &id))
		return NULL;
	event_connection_adopted(cfg);
	guard_enter(); /* the shim's own calls on the handle pass straight through */
	c = track(cfg, real, m, id.host, id.user, id.port, id.unix_socket);
	guard_leave();
	return c;
}

/* Handles the program closed lately: a later call on one is its bug,
 * which the log names (the library answers it with its own error).
 * Approximate on purpose: a small ring, no lock, only read on the path of
 * calls on handles the shim does not follow. */
#define RECENTLY_CLOSED 64
static _Atomic(const MYSQL *) recently_closed[RECENTLY_CLOSED];
static atomic_uint closed_next;

static void note_closed(const MYSQL *m)
{
	unsigned i = atomic_fetch_add_explicit(&closed_next, 1, memory_order_relaxed);

	atomic_store_explicit(&recently_closed[i % RECENTLY_CLOSED], m, memory_order_relaxed);
}

/* Takes m out of the ring: true when it was there. */
static bool take_closed(const MYSQL *m)
{
	for (unsigned i = 0; i < RECENTLY_CLOSED; i++) {
		const MYSQL *closed = m;

		if (atomic_compare_exchange_strong(&recently_closed[i], &closed, NULL))
			return true;
	}
	return false;
}

bool connect_note_use_after_close(const struct shim_config *cfg, const MYSQL *m)
{
	if (!take_closed(m))
		return false;
	event_used_after_close(cfg);
	return true;
}

MYSQL *shim_connect(MYSQL *m, const char *host, const char *user, const char *password,
		    const char *db, unsigned int port, const char *sock, unsigned long flags)
{
	const struct real_api *real = real_api();
	const struct shim_config *cfg;
	MYSQL *connected;

	if (!real->mysql_real_connect)
		return NULL;
	if (guard_active() || (cfg = shim_config())->mode == SHIM_MODE_OFF)
		return real->mysql_real_connect(m, host, user, password, db, port, sock, flags);
	take_closed(m); /* a handle used again, the right way */
	if (m && connect_nonblocking(real, m)) {
		event_nonblocking_passed_through(cfg);
		conn_forget(m); /* a handle used blocking before, if any */
		return real->mysql_real_connect(m, host, user, password, db, port, sock, flags);
	}
	guard_enter();
	connected = real->mysql_real_connect(m, host, user, password, db, port, sock, flags);
	if (connected) {
		int saved_errno = errno;

		track(cfg, real, connected, host, user, port, sock);
		errno = saved_errno;
	}
	guard_leave();
	return connected;
}

void shim_close(MYSQL *m)
{
	const struct real_api *real = real_api();
	const struct shim_config *cfg;
	struct conn *c;

	if (!real->mysql_close)
		return;
	if (guard_active() || (cfg = shim_config())->mode == SHIM_MODE_OFF) {
		real->mysql_close(m);
		return;
	}
	guard_enter();
	c = conn_find(m);
	if (c) {
		if (!c->passed_through)
			recover_close_inherited(cfg, real, c, m);
		conn_forget(m);
		note_closed(m);
	}
	real->mysql_close(m);
	guard_leave();
}

int shim_options(MYSQL *m, enum mysql_option option, const void *arg)
{
	const struct real_api *real = real_api();
	struct conn *c;

	int rc;

	if (!real->mysql_options)
		return 1;
	rc = real->mysql_options(m, option, arg);
	/* a handle with a record: the client library is known by then */
	if (rc == 0 && arg && !guard_active() && (c = conn_find(m)) &&
	    (int)option == client_lib.reconnect_option)
		note_program_reconnect(shim_config(), real, c, m, arg);
	return rc;
}
