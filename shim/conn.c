/* conn.c - the shim's record of each connection, in a registry keyed by
 * the program's MYSQL handle (registry.h). */
#include "conn.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "registry.h"

struct registry conn_registry = REGISTRY_INITIALIZER;
atomic_uint conn_generation_count;

/* The last handle this thread looked up, and the registry version the
 * answer holds for (conn.h): a program calls on the same handle again and
 * again, and the registry changes only when a connection opens or closes. */
__thread const MYSQL *conn_last_mysql;
__thread struct conn *conn_last;
__thread unsigned conn_last_version = 1; /* odd: never a valid version */

struct conn *conn_find_in_registry(const MYSQL *m)
{
	unsigned version;

	conn_last = registry_find_versioned(&conn_registry, m, &version);
	conn_last_mysql = m;
	conn_last_version = version;
	return conn_last;
}

static void free_heap(struct conn *c)
{
	free(c->settings.vars);
	free(c->settings.statements);
	free(c->sent.text);
	free(c->result_of.text);
	client_login_free(&c->login);
}

static void conn_reset(struct conn *c, MYSQL *m)
{
	free_heap(c);
	memset(c, 0, sizeof(*c));
	c->mysql = m;
	c->fork_generation = conn_generation();
}

struct conn *conn_track(MYSQL *m)
{
	struct conn *c;

	registry_lock(&conn_registry);
	c = registry_get_locked(&conn_registry, m);
	if (c) {
		conn_reset(c, m);
	} else if ((c = calloc(1, sizeof(*c)))) {
		conn_reset(c, m);
		if (!registry_add_locked(&conn_registry, m, c)) {
			free(c);
			c = NULL;
		}
	}
	registry_unlock(&conn_registry);
	return c;
}

void conn_forget(const MYSQL *m)
{
	struct conn *c;

	registry_lock(&conn_registry);
	c = registry_remove_locked(&conn_registry, m);
	registry_unlock(&conn_registry);
	if (c)
		free_heap(c);
	free(c);
}

void conn_keep_text_grow(struct kept_text *k, const char *text, size_t len)
{
	k->known = false;
	if (!text || len > CONN_KEPT_TEXT_MAX)
		return;
	if (len > k->cap) {
		size_t cap = len < 256 ? 256 : len;
		char *grown = realloc(k->text, cap);

		if (!grown)
			return;
		k->text = grown;
		k->cap = cap;
	}
	memcpy(k->text, text, len);
	k->len = len;
	k->known = true;
}

void conn_atfork_prepare(void)
{
	registry_atfork_prepare(&conn_registry);
}

void conn_atfork_parent(void)
{
	registry_atfork_parent(&conn_registry);
}

void conn_atfork_child(void)
{
	registry_atfork_child(&conn_registry);
	atomic_fetch_add_explicit(&conn_generation_count, 1, memory_order_relaxed);
}
