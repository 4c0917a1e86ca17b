/* mutex.h - error-checking mutexes that say where they failed.
 *
 * Only connect/close and logging setup take a lock; a failure is a shim
 * bug, reported to stderr once per site and otherwise ignored (the host
 * process must never die for it). */
#ifndef MYSQL_RECONNECT_MUTEX_H
#define MYSQL_RECONNECT_MUTEX_H

#include <pthread.h>

#define SHIM_MUTEX_INITIALIZER PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP

void shim_mutex_failed(const char *op, int err, const char *file, int line);

static inline void shim_mutex_lock_at(pthread_mutex_t *m, const char *file, int line)
{
	int err = pthread_mutex_lock(m);

	if (err)
		shim_mutex_failed("lock", err, file, line);
}

static inline void shim_mutex_unlock_at(pthread_mutex_t *m, const char *file, int line)
{
	int err = pthread_mutex_unlock(m);

	if (err)
		shim_mutex_failed("unlock", err, file, line);
}

#define shim_mutex_lock(m) shim_mutex_lock_at((m), __FILE__, __LINE__)
#define shim_mutex_unlock(m) shim_mutex_unlock_at((m), __FILE__, __LINE__)

/* After fork, in the child: back to a fresh unlocked mutex. */
static inline void shim_mutex_reinit(pthread_mutex_t *m)
{
	static const pthread_mutex_t fresh = SHIM_MUTEX_INITIALIZER;

	*m = fresh;
}

#endif
