/* registry.h - a map from a client-library handle (MYSQL *, MYSQL_STMT *)
 * to the shim's record of it.
 *
 * Looked up on every intercepted call, so the lookup is lock-free and
 * allocation-free; only adding and removing take the registry's writer
 * lock.  A handle is used by one thread at a time (the client library's
 * own rule), so a record is only touched by the thread using its handle. */
#ifndef MYSQL_RECONNECT_REGISTRY_H
#define MYSQL_RECONNECT_REGISTRY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "mutex.h"

struct registry_table;

struct registry {
	_Atomic(struct registry_table *) current;
	atomic_uint sequence; /* odd while a writer changes the table */
	pthread_mutex_t writer;
};

#define REGISTRY_INITIALIZER {.writer = SHIM_MUTEX_INITIALIZER}

/* Lock-free; NULL when key is not there (or NULL).  *version, if not
 * NULL, is the registry's version the answer holds for. */
void *registry_find_versioned(struct registry *r, const void *key, unsigned *version);

static inline void *registry_find(struct registry *r, const void *key)
{
	return registry_find_versioned(r, key, NULL);
}

/* Changes with every add and remove (odd while one is under way): an
 * answer of registry_find_versioned holds while this is its version.  A
 * record is freed only after its removal, so it also still exists. */
static inline unsigned registry_version(struct registry *r)
{
	return atomic_load_explicit(&r->sequence, memory_order_acquire);
}

/* Writers: under registry_lock. */
void registry_lock(struct registry *r);
void registry_unlock(struct registry *r);
void *registry_get_locked(struct registry *r, const void *key);
/* Adds key (not there yet) -> value; false when out of memory. */
bool registry_add_locked(struct registry *r, const void *key, void *value);
/* Removes key; its value, or NULL. */
void *registry_remove_locked(struct registry *r, const void *key);

/* fork(): the writer lock is held across it, and fresh in the child. */
void registry_atfork_prepare(struct registry *r);
void registry_atfork_parent(struct registry *r);
void registry_atfork_child(struct registry *r);

#endif
