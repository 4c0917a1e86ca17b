/* registry.c - the lock-free handle -> record map (registry.h).
 *
 * An open-addressing (linear probing) hash table keyed by the handle's
 * address, read under a sequence lock: a reader never writes shared
 * memory, it walks the table and retries only if a writer changed it
 * meanwhile.  Writers serialise on one mutex.  Deletion shifts entries
 * back, so there are no tombstones to pile up; a table that fills up is
 * replaced by a larger copy and the old one is kept, because a reader may
 * still be walking it (tables only grow: the memory kept is bounded by
 * twice the largest table). */
#include "registry.h"

#include <stdint.h>
#include <stdlib.h>

#define FIRST_CAPACITY 256

struct slot {
	_Atomic(const void *) key;
	_Atomic(void *) value;
};

struct registry_table {
	size_t mask;
	size_t used; /* under the writer lock */
	struct registry_table *retired;
	struct slot slot[];
};

static size_t hash(const void *key)
{
	uint64_t x = (uint64_t)(uintptr_t)key;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (size_t)x;
}

static const void *key_at(struct registry_table *t, size_t i)
{
	return atomic_load_explicit(&t->slot[i].key, memory_order_relaxed);
}

static void *value_at(struct registry_table *t, size_t i)
{
	return atomic_load_explicit(&t->slot[i].value, memory_order_relaxed);
}

/* Index of key's slot, or of the empty slot that ends its probe chain. */
static size_t probe(struct registry_table *t, const void *key)
{
	size_t i = hash(key) & t->mask;

	while (key_at(t, i) && key_at(t, i) != key)
		i = (i + 1) & t->mask;
	return i;
}

static void *walk(struct registry *r, const void *key)
{
	struct registry_table *t = atomic_load_explicit(&r->current, memory_order_acquire);
	size_t i;

	if (!t)
		return NULL;
	i = probe(t, key);
	return key_at(t, i) ? value_at(t, i) : NULL;
}

void *registry_find_versioned(struct registry *r, const void *key, unsigned *version)
{
	for (;;) {
		unsigned before = atomic_load_explicit(&r->sequence, memory_order_acquire);
		void *value;

		if (before & 1)
			continue;
		value = key ? walk(r, key) : NULL;
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&r->sequence, memory_order_relaxed) == before) {
			if (version)
				*version = before;
			return value;
		}
	}
}

/* The odd count is visible before any change to the table: the acquire
 * half keeps the stores that follow from moving above it. */
static void write_begin(struct registry *r)
{
	atomic_fetch_add_explicit(&r->sequence, 1, memory_order_acq_rel);
}

static void write_end(struct registry *r)
{
	atomic_fetch_add_explicit(&r->sequence, 1, memory_order_release);
}

void registry_lock(struct registry *r)
{
	shim_mutex_lock(&r->writer);
}

void registry_unlock(struct registry *r)
{
	shim_mutex_unlock(&r->writer);
}

void *registry_get_locked(struct registry *r, const void *key)
{
	return key ? walk(r, key) : NULL;
}

static void set_slot(struct registry_table *t, size_t i, const void *key, void *value)
{
	atomic_store_explicit(&t->slot[i].value, value, memory_order_relaxed);
	atomic_store_explicit(&t->slot[i].key, key, memory_order_relaxed);
}

/* A larger copy of the current table, published. */
static struct registry_table *grow(struct registry *r, struct registry_table *old)
{
	size_t capacity = old ? (old->mask + 1) * 2 : FIRST_CAPACITY;
	struct registry_table *t = calloc(1, sizeof(*t) + capacity * sizeof(struct slot));

	if (!t)
		return NULL;
	t->mask = capacity - 1;
	for (size_t i = 0; old && i <= old->mask; i++) {
		const void *key = key_at(old, i);

		if (key) {
			set_slot(t, probe(t, key), key, value_at(old, i));
			t->used++;
		}
	}
	t->retired = old;
	atomic_store_explicit(&r->current, t, memory_order_release);
	return t;
}

bool registry_add_locked(struct registry *r, const void *key, void *value)
{
	struct registry_table *t = atomic_load_explicit(&r->current, memory_order_relaxed);

	if (!t || (t->used + 1) * 2 > t->mask + 1)
		t = grow(r, t);
	if (!t)
		return false;
	write_begin(r);
	set_slot(t, probe(t, key), key, value);
	t->used++;
	write_end(r);
	return true;
}

/* Is `home` cyclically within (hole, j]?  Then the entry at j may stay. */
static bool stays(size_t hole, size_t j, size_t home)
{
	return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
}

/* Backward-shift deletion keeps probe chains intact. */
static void remove_at(struct registry_table *t, size_t hole)
{
	for (size_t j = (hole + 1) & t->mask; key_at(t, j); j = (j + 1) & t->mask) {
		const void *key = key_at(t, j);

		if (stays(hole, j, hash(key) & t->mask))
			continue;
		set_slot(t, hole, key, value_at(t, j));
		hole = j;
	}
	set_slot(t, hole, NULL, NULL);
	t->used--;
}

void *registry_remove_locked(struct registry *r, const void *key)
{
	struct registry_table *t = atomic_load_explicit(&r->current, memory_order_relaxed);
	void *value;
	size_t i;

	if (!t || !key || !key_at(t, i = probe(t, key)))
		return NULL;
	value = value_at(t, i);
	write_begin(r);
	remove_at(t, i);
	write_end(r);
	return value;
}

void registry_atfork_prepare(struct registry *r)
{
	shim_mutex_lock(&r->writer);
}

void registry_atfork_parent(struct registry *r)
{
	shim_mutex_unlock(&r->writer);
}

void registry_atfork_child(struct registry *r)
{
	/* The child's thread is not the owner an error-checking mutex
	 * remembers, so it starts from a fresh, unlocked one. */
	shim_mutex_reinit(&r->writer);
}
