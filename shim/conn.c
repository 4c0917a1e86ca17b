/* conn.c - the shim's record of each connection, in a registry keyed by
 * the program's MYSQL handle (registry.h). */
#include "conn.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "registry.h"

static struct registry conns = REGISTRY_INITIALIZER;
atomic_uint conn_generation_count;

/* The last handle this thread looked up, and the registry version the
 * answer holds for: a program calls on the same handle again and again,
 * and the registry changes only when a connection opens or closes. */
static __thread const MYSQL *last_mysql;
static __thread struct conn *last_conn;
static __thread unsigned last_version = 1; /* odd: never a valid version */

struct conn *conn_find(const MYSQL *m)
{
	unsigned version;

	if (m == last_mysql && registry_version(&conns) == last_version)
		return last_conn;
	last_conn = registry_find_versioned(&conns, m, &version);
	last_mysql = m;
	last_version = version;
	return last_conn;
}

static void free_heap(struct conn *c)
{
	free(c->vars);
	free(c->statements);
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

	registry_lock(&conns);
	c = registry_get_locked(&conns, m);
	if (c) {
		conn_reset(c, m);
	} else if ((c = calloc(1, sizeof(*c)))) {
		conn_reset(c, m);
		if (!registry_add_locked(&conns, m, c)) {
			free(c);
			c = NULL;
		}
	}
	registry_unlock(&conns);
	return c;
}

void conn_forget(const MYSQL *m)
{
	struct conn *c;

	registry_lock(&conns);
	c = registry_remove_locked(&conns, m);
	registry_unlock(&conns);
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
	registry_atfork_prepare(&conns);
}

void conn_atfork_parent(void)
{
	registry_atfork_parent(&conns);
}

void conn_atfork_child(void)
{
	registry_atfork_child(&conns);
	atomic_fetch_add_explicit(&conn_generation_count, 1, memory_order_relaxed);
}
