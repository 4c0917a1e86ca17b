/* client_login.c - what a reconnect needs to log in again, kept between
 * attempts (client.h), with the password wiped when it is let go. */
#include <stdlib.h>
#include <string.h>

#include "client.h"

static char *copy(const char *s, bool *failed)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		*failed = true;
	return c;
}

struct client_login *client_login_copy(const char *host, const char *user, const char *passwd,
				       const char *db, const char *unix_socket, unsigned port,
				       unsigned long flags)
{
	struct client_login *l = calloc(1, sizeof(*l));
	bool failed = false;

	if (!l)
		return NULL;
	l->host = copy(host, &failed);
	l->user = copy(user, &failed);
	l->passwd = copy(passwd, &failed);
	l->db = copy(db, &failed);
	l->unix_socket = copy(unix_socket, &failed);
	l->port = port;
	l->flags = flags;
	if (failed || !l->user)
		client_login_free(&l);
	return l;
}

void client_login_free(struct client_login **login)
{
	struct client_login *l = *login;

	if (!l)
		return;
	if (l->passwd) {
		explicit_bzero(l->passwd, strlen(l->passwd));
		free(l->passwd);
	}
	free(l->host);
	free(l->user);
	free(l->db);
	free(l->unix_socket);
	free(l);
	*login = NULL;
}
