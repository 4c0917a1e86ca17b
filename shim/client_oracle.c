/* client_oracle.c - Oracle's libmysqlclient.
 *
 * It exports neither mysql_get_socket nor mariadb_get_infov: the socket,
 * the status, the current database and the credentials are read from the
 * program's MYSQL structure, whose layout Oracle's mysql.h makes public.
 * Only layouts verified here (offsetof() in Oracle's own headers, compiled
 * in the test root, tests/mysql/run) are used, and each connection is
 * checked against them after its connect.  Its MYSQL_OPT_RECONNECT (15,
 * not Connector/C's 20, which is Oracle's MYSQL_OPT_SSL_CERT) prints a
 * deprecation warning on the program's stderr whenever it is set, so the
 * shim reads and writes the structure's flag instead. */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <errmsg.h>

#include "client.h"
#include "sock.h"

struct oracle_layout {
	const char *soname;
	unsigned long version_min, version_max; /* mysql_get_client_version() */
	size_t vio, fd;                          /* net.vio (pointer), net.fd (int) */
	size_t last_errno, last_error, sqlstate; /* net.* */
	size_t host, user, passwd, unix_socket, db; /* char * */
	size_t thread_id, port, client_flag, server_status;
	size_t insert_id, field_count;          /* uint64_t, unsigned int */
	size_t init_commands;                   /* options.init_commands (pointer) */
	size_t reconnect;                       /* bool */
	int reconnect_option;                   /* MYSQL_OPT_RECONNECT */
};

static const struct oracle_layout layouts[] = {
#if defined(__x86_64__) && defined(__LP64__)
	/* MySQL 9.x (Debian sid's libmysqlclient24), verified on 9.7.4 */
	{"libmysqlclient.so.24", 90000, 99999, 0, 40, 132, 137, 649, 672, 680, 688, 696, 728, 784,
	 800, 808, 832, 768, 828, 920, 1097, 15},
#endif
};

static const struct oracle_layout *L;

#define AT(m, field, type) (*(type *)((char *)(m) + L->field))

static bool check_connected(const struct real_api *real, MYSQL *m, const char *host,
			    const char *user, unsigned port)
{
	const char *h = AT(m, host, const char *), *u = AT(m, user, const char *);
	struct stat st;

	if (!AT(m, vio, void *) || fstat(AT(m, fd, int), &st) || !S_ISSOCK(st.st_mode))
		return false;
	if (!real->mysql_thread_id || real->mysql_thread_id(m) != AT(m, thread_id, unsigned long))
		return false;
	if (AT(m, server_status, unsigned) > 0xffffu) /* SERVER_STATUS_* fit in 16 bits */
		return false;
	if ((real->mysql_insert_id && real->mysql_insert_id(m) != AT(m, insert_id, uint64_t)) ||
	    (real->mysql_field_count && real->mysql_field_count(m) != AT(m, field_count, unsigned)))
		return false;
	if (!h || (host && *host && strcmp(h, host) != 0))
		return false;
	if (!u || (user && *user && strcmp(u, user) != 0))
		return false;
	return !port || AT(m, unix_socket, const char *) || AT(m, port, unsigned) == port;
}

static int socket_of(const struct real_api *real, MYSQL *m)
{
	(void)real;
	return AT(m, vio, void *) ? AT(m, fd, int) : -1;
}

static const char *schema(const struct real_api *real, MYSQL *m)
{
	(void)real;
	return AT(m, db, const char *);
}

static bool identity(const struct real_api *real, MYSQL *m, struct client_identity *id)
{
	(void)real;
	id->host = AT(m, host, const char *);
	id->user = AT(m, user, const char *);
	id->unix_socket = AT(m, unix_socket, const char *);
	id->port = AT(m, port, unsigned);
	return AT(m, vio, void *) != NULL;
}

static bool library_reconnect(const struct real_api *real, MYSQL *m)
{
	(void)real;
	return AT(m, reconnect, bool);
}

static void set_library_reconnect(const struct real_api *real, MYSQL *m, bool on)
{
	(void)real;
	AT(m, reconnect, bool) = on;
}

static bool nonblocking(const struct real_api *real, MYSQL *m)
{
	(void)real, (void)m;
	return false; /* its non-blocking calls are other functions, not hooked */
}

/* Its mysql_get_option cannot return them: the shim only sees that there
 * are some. */
static int init_commands(const struct real_api *real, MYSQL *m, char ***commands,
			 unsigned *count)
{
	(void)real, (void)commands, (void)count;
	return AT(m, init_commands, void *) ? -1 : 0;
}

/* A failed mysql_real_connect frees the handle's user, password and
 * database: what the next attempt needs is copied first. */
static struct client_login *login_take(MYSQL *m)
{
	return client_login_copy(AT(m, host, const char *), AT(m, user, const char *),
				 AT(m, passwd, const char *), AT(m, db, const char *),
				 AT(m, unix_socket, const char *), AT(m, port, unsigned),
				 AT(m, client_flag, unsigned long));
}

/* mysql_real_connect on a handle the library has let go of reconnects it
 * in place, with the options it keeps (TLS, timeouts, character set);
 * on one it still holds it fails with 2058.  A connection the server ended
 * with an error packet (4031) or that the shim found closed is still held:
 * it is cut loose and a ping lets the library notice. */
static bool reconnect(const struct real_api *real, MYSQL *m, bool prefer_ping,
		      struct client_login **login)
{
	bool program_reconnect = AT(m, reconnect, bool);
	bool ok;

	(void)prefer_ping;
	if (!*login)
		*login = login_take(m);
	if (!*login)
		return false;
	if (AT(m, vio, void *)) {
		AT(m, reconnect, bool) = false;
		sock_detach(AT(m, fd, int));
		real->mysql_ping(m);
		AT(m, reconnect, bool) = program_reconnect;
		if (AT(m, vio, void *))
			return false;
	}
	/* CLIENT_REMEMBER_OPTIONS: a failed attempt must not free the options */
	ok = real->mysql_real_connect(m, (*login)->host, (*login)->user, (*login)->passwd,
				      (*login)->db, (*login)->port, (*login)->unix_socket,
				      (*login)->flags | CLIENT_REMEMBER_OPTIONS) != NULL;
	AT(m, reconnect, bool) = program_reconnect;
	if (ok)
		client_login_free(login);
	return ok;
}

/* The error as the library sets it, written where mysql_errno,
 * mysql_sqlstate and mysql_error read it. */
static void set_gone_error(const struct real_api *real, MYSQL *m)
{
	static const char message[] = "MySQL server has gone away";

	(void)real;
	AT(m, last_errno, unsigned) = CR_SERVER_GONE_ERROR;
	memcpy((char *)m + L->last_error, message, sizeof(message));
	memcpy((char *)m + L->sqlstate, "HY000", 6);
}

static const struct client_ops oracle_ops = {
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

/* The loaded file's name, or what it links to, is the soname or the
 * soname with the rest of the version after it. */
static bool named(const char *path, const char *soname)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(soname);

	return strncmp(base, soname, n) == 0 && (base[n] == '\0' || base[n] == '.');
}

static bool is_soname(void *fn, const char *soname)
{
	Dl_info info;
	char resolved[PATH_MAX];

	if (!fn || !dladdr(fn, &info) || !info.dli_fname)
		return false;
	return named(info.dli_fname, soname) ||
	       (realpath(info.dli_fname, resolved) && named(resolved, soname));
}

const struct client_ops *client_oracle(const struct real_api *real, struct client *lib)
{
	unsigned long version;

	if (real->mariadb_get_infov || !real->mysql_get_client_version)
		return NULL;
	version = real->mysql_get_client_version();
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		if (version < layouts[i].version_min || version > layouts[i].version_max ||
		    !is_soname((void *)real->mysql_real_query, layouts[i].soname))
			continue;
		L = &layouts[i];
		memset(lib, 0, sizeof(*lib));
		lib->library = CLIENT_ORACLE;
		snprintf(lib->name, sizeof(lib->name), "%s", L->soname);
		lib->layout.server_status = L->server_status;
		lib->layout.thread_id = L->thread_id;
		lib->layout.insert_id = L->insert_id;
		lib->layout.field_count = L->field_count;
		lib->features = FEATURE_ALL;
		lib->reconnect_option = L->reconnect_option;
		return &oracle_ops;
	}
	return NULL;
}
