/* client_mariadb.c - MariaDB Connector/C 3 (libmariadb.so.3, and Debian's
 * libmysqlclient, which is the same library).
 *
 * Connector/C says almost everything through mariadb_get_infov; the shim
 * compiles against its mysql.h, so the structure's layout is the one in
 * that header (stable within the soname), checked after each connect
 * against mariadb_get_infov and mysql_thread_id. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "client.h"

static bool check_connected(const struct real_api *real, MYSQL *m, const char *host,
			    const char *user, unsigned port)
{
	unsigned status = 0;

	(void)host, (void)user, (void)port;
	if (real->mariadb_get_infov &&
	    (real->mariadb_get_infov(m, MARIADB_CONNECTION_SERVER_STATUS, &status) ||
	     status != m->server_status))
		return false;
	if (real->mysql_insert_id && real->mysql_insert_id(m) != m->insert_id)
		return false;
	if (real->mysql_field_count && real->mysql_field_count(m) != m->field_count)
		return false;
	return !real->mysql_thread_id || real->mysql_thread_id(m) == m->thread_id;
}

static int socket_of(const struct real_api *real, MYSQL *m)
{
	return real->mysql_get_socket ? (int)real->mysql_get_socket(m) : -1;
}

static const char *schema(const struct real_api *real, MYSQL *m)
{
	const char *db = NULL;

	if (real->mariadb_get_infov)
		real->mariadb_get_infov(m, MARIADB_CONNECTION_SCHEMA, &db);
	return db;
}

static bool identity(const struct real_api *real, MYSQL *m, struct client_identity *id)
{
	if (!real->mariadb_get_infov)
		return false;
	real->mariadb_get_infov(m, MARIADB_CONNECTION_HOST, &id->host);
	real->mariadb_get_infov(m, MARIADB_CONNECTION_USER, &id->user);
	real->mariadb_get_infov(m, MARIADB_CONNECTION_PORT, &id->port);
	real->mariadb_get_infov(m, MARIADB_CONNECTION_UNIX_SOCKET, &id->unix_socket);
	return true;
}

static bool library_reconnect(const struct real_api *real, MYSQL *m)
{
	my_bool on = 0;

	return real->mysql_get_option && real->mysql_get_option(m, MYSQL_OPT_RECONNECT, &on) == 0 &&
	       on;
}

static void set_library_reconnect(const struct real_api *real, MYSQL *m, bool on)
{
	my_bool value = on;

	real->mysql_options(m, MYSQL_OPT_RECONNECT, &value);
}

/* MYSQL_OPT_NONBLOCK runs the blocking functions, the hooks included,
 * inside a coroutine that yields to the program whenever it would wait. */
static bool nonblocking(const struct real_api *real, MYSQL *m)
{
	my_bool on = 0;

	return real->mysql_get_option && real->mysql_get_option(m, MYSQL_OPT_NONBLOCK, &on) == 0 &&
	       on;
}

static int init_commands(const struct real_api *real, MYSQL *m, char ***commands,
			 unsigned *count)
{
	if (!real->mysql_get_optionv)
		return -1;
	if (real->mysql_get_optionv(m, MYSQL_INIT_COMMAND, commands, count) || !*commands)
		return 0;
	return 1;
}

/* The library's own in-place reconnection, allowed for this call only:
 * the handle keeps its options, credentials and address. */
static bool reconnect(const struct real_api *real, MYSQL *m, bool prefer_ping,
		      struct client_login **login)
{
	bool failed;

	(void)login;
	set_library_reconnect(real, m, true);
	if (!prefer_ping && real->mariadb_reconnect) {
		/* It refuses once while the stale status says "in transaction"
		 * (and clears it): the shim has already decided. */
		if (m->server_status & SERVER_STATUS_IN_TRANS)
			real->mariadb_reconnect(m);
		failed = real->mariadb_reconnect(m);
	} else {
		failed = real->mysql_ping(m) != 0;
	}
	set_library_reconnect(real, m, false);
	return !failed;
}

/* With the library's reconnect off, mariadb_reconnect only sets
 * CR_SERVER_GONE_ERROR and returns; a ping on a dead handle does the same
 * where it is not exported. */
static void set_gone_error(const struct real_api *real, MYSQL *m)
{
	set_library_reconnect(real, m, false);
	if (real->mariadb_reconnect)
		real->mariadb_reconnect(m);
	else
		real->mysql_ping(m);
}

static const struct client_ops mariadb_ops = {
	.check_connected = check_connected,
	.socket = socket_of,
	.schema = schema,
	.identity = identity,
	.library_reconnect = library_reconnect,
	.set_library_reconnect = set_library_reconnect,
	.nonblocking = nonblocking,
	.init_commands = init_commands,
	.reconnect = reconnect,
	.set_gone_error = set_gone_error,
};

/* The functions hooks.def marks MARIADB(features): what this
 * implementation needs beyond what every library has. */
#define MARIADB_ONLY (1u << 31)
#define MARIADB(features) ((features) | MARIADB_ONLY)
struct needed {
	const char *name;
	unsigned features;
};
static const struct needed needed[] = {
#define HOOK(name, ret, params, needed_by) {#name, needed_by},
#define REAL HOOK
#include "hooks.def"
};

static void note_missing(struct client *lib, const char *name)
{
	size_t used = strlen(lib->missing);

	snprintf(lib->missing + used, sizeof(lib->missing) - used, "%s%s", used ? "," : "", name);
}

const struct client_ops *client_mariadb(const struct real_api *real, struct client *lib)
{
	/* Connector/C's own functions: Oracle's library has none of them */
	if (!real->mariadb_get_infov && !real->mariadb_reconnect && !real->mysql_get_optionv)
		return NULL;
	memset(lib, 0, sizeof(*lib));
	lib->library = CLIENT_MARIADB;
	snprintf(lib->name, sizeof(lib->name), "mariadb-connector-c");
	lib->layout.server_status = offsetof(MYSQL, server_status);
	lib->layout.thread_id = offsetof(MYSQL, thread_id);
	lib->layout.insert_id = offsetof(MYSQL, insert_id);
	lib->layout.field_count = offsetof(MYSQL, field_count);
	lib->features = FEATURE_ALL;
	lib->reconnect_option = MYSQL_OPT_RECONNECT;
	lib->statements_survive = true;
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if ((needed[i].features & MARIADB_ONLY) && !real_bound(needed[i].name)) {
			lib->features &= ~needed[i].features;
			note_missing(lib, needed[i].name);
		}
	}
	if (!(lib->features & FEATURE_RECOVERY))
		lib->features &= ~(unsigned)(FEATURE_IDLE_CHECK | FEATURE_FORK | FEATURE_TRACKING);
	return &mariadb_ops;
}
