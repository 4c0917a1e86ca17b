/* client.c - choose the client-library implementation, and call it. */
#include "client.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

struct client client_lib;
static const struct client_ops *ops;

/* The file the library was loaded from, for the log. */
static void name_file(const struct real_api *real, char *name, size_t size)
{
	Dl_info info;
	const char *slash;

	if (!real->mysql_real_query || !dladdr((void *)real->mysql_real_query, &info) ||
	    !info.dli_fname)
		return;
	slash = strrchr(info.dli_fname, '/');
	snprintf(name, size, "%s", slash ? slash + 1 : info.dli_fname);
}

unsigned client_choose(const struct real_api *real)
{
	unsigned features = real_features();

	ops = client_mariadb(real, &client_lib);
	if (!ops)
		ops = client_oracle(real, &client_lib);
	if (!ops) {
		memset(&client_lib, 0, sizeof(client_lib));
		client_lib.library = CLIENT_UNKNOWN;
		client_lib.reconnect_option = -1;
		name_file(real, client_lib.name, sizeof(client_lib.name));
		client_lib.features = features & FEATURE_CALLS; /* followed, nothing more */
		return client_lib.features;
	}
	client_lib.features &= features;
	return client_lib.features;
}

bool client_check_connected(const struct real_api *real, MYSQL *m, const char *host,
			    const char *user, unsigned port)
{
	return ops && ops->check_connected(real, m, host, user, port);
}

int client_socket(const struct real_api *real, MYSQL *m)
{
	return ops ? ops->socket(real, m) : -1;
}

const char *client_schema(const struct real_api *real, MYSQL *m)
{
	return ops ? ops->schema(real, m) : NULL;
}

bool client_identity(const struct real_api *real, MYSQL *m, struct client_identity *id)
{
	memset(id, 0, sizeof(*id));
	return ops && ops->identity(real, m, id);
}

bool client_library_reconnect(const struct real_api *real, MYSQL *m)
{
	return ops && ops->library_reconnect(real, m);
}

void client_set_library_reconnect(const struct real_api *real, MYSQL *m, bool on)
{
	if (ops)
		ops->set_library_reconnect(real, m, on);
}

bool client_nonblocking(const struct real_api *real, MYSQL *m)
{
	return ops && ops->nonblocking(real, m);
}

int client_init_commands(const struct real_api *real, MYSQL *m, char ***commands,
			 unsigned *count)
{
	*commands = NULL;
	*count = 0;
	return ops ? ops->init_commands(real, m, commands, count) : -1;
}

bool client_reconnect(const struct real_api *real, MYSQL *m, bool prefer_ping,
		      struct client_login **login)
{
	return ops && ops->reconnect(real, m, prefer_ping, login);
}

void client_set_gone_error(const struct real_api *real, MYSQL *m)
{
	if (ops)
		ops->set_gone_error(real, m);
}
