/* conn.c - registry of tracked connections.
 *
 * An open-addressing (linear probing) hash table keyed by the MYSQL
 * pointer, read under a sequence lock: a reader never writes shared memory,
 * it walks the table and retries only if a writer (connect or close of some
 * handle) changed it meanwhile.  Writers serialise on one mutex.  Deletion
 * shifts entries back, so there are no tombstones to pile up; a table that
 * fills up is replaced by a larger copy and the old one is kept, because a
 * reader may still be walking it (tables only grow: the memory kept is
 * bounded by twice the largest table). */
#include "conn.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "mutex.h"

#define FIRST_CAPACITY 256

struct slot {
	_Atomic(MYSQL *) key;
	_Atomic(struct conn *) conn;
};

struct table {
	size_t mask;
	size_t used; /* under the writer lock */
	struct table *retired;
	struct slot slot[];
};

static _Atomic(struct table *) current;
static atomic_uint sequence; /* odd while a writer changes the table */
static pthread_mutex_t writer = SHIM_MUTEX_INITIALIZER;
static atomic_uint generation;

static size_t hash(const MYSQL *m)
{
	uint64_t x = (uint64_t)(uintptr_t)m;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static MYSQL *key_at(struct table *t, size_t i)
{
	return atomic_load_explicit(&t->slot[i].key, memory_order_relaxed);
}

/* Index of m's slot, or of the empty slot that ends its probe chain. */
static size_t probe(struct table *t, const MYSQL *m)
{
	size_t i = hash(m) & t->mask;

	while (key_at(t, i) && key_at(t, i) != m)
		i = (i + 1) & t->mask;
	return i;
}

static struct conn *walk(const MYSQL *m)
{
	struct table *t = atomic_load_explicit(&current, memory_order_acquire);
	size_t i;

	if (!t)
		return NULL;
	i = probe(t, m);
	return key_at(t, i) ? atomic_load_explicit(&t->slot[i].conn, memory_order_relaxed)
			    : NULL;
}

struct conn *conn_find(const MYSQL *m)
{
	for (;;) {
		unsigned before = atomic_load_explicit(&sequence, memory_order_acquire);
		struct conn *c;

		if (before & 1)
			continue;
		c = m ? walk(m) : NULL;
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&sequence, memory_order_relaxed) == before)
			return c;
	}
}

static void write_begin(void)
{
	atomic_fetch_add_explicit(&sequence, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
}

static void write_end(void)
{
	atomic_fetch_add_explicit(&sequence, 1, memory_order_release);
}

static void set_slot(struct table *t, size_t i, MYSQL *m, struct conn *c)
{
	atomic_store_explicit(&t->slot[i].conn, c, memory_order_relaxed);
	atomic_store_explicit(&t->slot[i].key, m, memory_order_relaxed);
}

/* Writer lock held.  A larger copy of `old`, published. */
static struct table *grow(struct table *old)
{
	size_t capacity = old ? (old->mask + 1) * 2 : FIRST_CAPACITY;
	struct table *t = calloc(1, sizeof(*t) + capacity * sizeof(struct slot));

	if (!t)
		return NULL;
	t->mask = capacity - 1;
	for (size_t i = 0; old && i <= old->mask; i++) {
		MYSQL *key = key_at(old, i);

		if (key) {
			set_slot(t, probe(t, key), key,
				 atomic_load_explicit(&old->slot[i].conn, memory_order_relaxed));
			t->used++;
		}
	}
	t->retired = old;
	atomic_store_explicit(&current, t, memory_order_release);
	return t;
}

static void free_heap(struct conn *c)
{
	free(c->vars);
	free(c->statements);
	free(c->sent.text);
	free(c->result_of.text);
}

static void conn_reset(struct conn *c, MYSQL *m)
{
	free_heap(c);
	memset(c, 0, sizeof(*c));
	c->mysql = m;
	c->fork_generation = conn_generation();
}

/* Writer lock held. */
static struct conn *insert(MYSQL *m)
{
	struct table *t = atomic_load_explicit(&current, memory_order_relaxed);
	struct conn *c;

	if (!t || (t->used + 1) * 2 > t->mask + 1)
		t = grow(t);
	if (!t || !(c = calloc(1, sizeof(*c))))
		return NULL;
	conn_reset(c, m);
	set_slot(t, probe(t, m), m, c);
	t->used++;
	return c;
}

struct conn *conn_track(MYSQL *m)
{
	struct conn *c;

	shim_mutex_lock(&writer);
	c = walk(m);
	if (c) {
		conn_reset(c, m);
	} else {
		write_begin();
		c = insert(m);
		write_end();
	}
	shim_mutex_unlock(&writer);
	return c;
}

/* Is `home` cyclically within (hole, j]?  Then the entry at j may stay. */
static bool stays(size_t hole, size_t j, size_t home)
{
	return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
}

/* Writer lock held.  Backward-shift deletion keeps probe chains intact. */
static void remove_at(struct table *t, size_t hole)
{
	for (size_t j = (hole + 1) & t->mask; key_at(t, j); j = (j + 1) & t->mask) {
		MYSQL *key = key_at(t, j);

		if (stays(hole, j, hash(key) & t->mask))
			continue;
		set_slot(t, hole, key, atomic_load_explicit(&t->slot[j].conn, memory_order_relaxed));
		hole = j;
	}
	set_slot(t, hole, NULL, NULL);
	t->used--;
}

void conn_forget(const MYSQL *m)
{
	struct table *t;
	struct conn *c = NULL;
	size_t i;

	shim_mutex_lock(&writer);
	t = atomic_load_explicit(&current, memory_order_relaxed);
	if (t && m && key_at(t, i = probe(t, m))) {
		c = atomic_load_explicit(&t->slot[i].conn, memory_order_relaxed);
		write_begin();
		remove_at(t, i);
		write_end();
	}
	shim_mutex_unlock(&writer);
	if (c)
		free_heap(c);
	free(c);
}

void conn_keep_text(struct kept_text *k, const char *text, size_t len)
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

unsigned conn_generation(void)
{
	return atomic_load_explicit(&generation, memory_order_relaxed);
}

void conn_atfork_prepare(void)
{
	shim_mutex_lock(&writer);
}

void conn_atfork_parent(void)
{
	shim_mutex_unlock(&writer);
}

void conn_atfork_child(void)
{
	/* The child's thread is not the owner an error-checking mutex
	 * remembers, so it starts from a fresh, unlocked one. */
	shim_mutex_reinit(&writer);
	atomic_fetch_add_explicit(&generation, 1, memory_order_relaxed);
}
