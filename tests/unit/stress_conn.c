/* Registry stress: readers look up their own handles without a lock while
 * writers track and forget thousands of others.  A reader must never miss
 * its handle.  Built plainly and with -fsanitize=thread; exits non-zero on
 * a miss (ThreadSanitizer aborts on a race). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"

#define READERS 4
#define WRITERS 2
#define ROUNDS 20000

void shim_mutex_failed(const char *op, int err, const char *file, int line);
void shim_mutex_failed(const char *op, int err, const char *file, int line)
{
	fprintf(stderr, "mutex %s failed (%d) at %s:%d\n", op, err, file, line);
	abort();
}

static atomic_int stop;

static void *reader(void *arg)
{
	MYSQL *mine = arg;
	long misses = 0, lookups = 0;

	while (!atomic_load(&stop)) {
		struct conn *c = conn_find(mine);

		lookups++;
		if (!c || c->mysql != mine)
			misses++;
	}
	return (void *)misses;
}

static void *writer(void *arg)
{
	uintptr_t base = (uintptr_t)arg;

	for (int round = 0; round < ROUNDS; round++) {
		MYSQL *h = (MYSQL *)(base + 16 * (round % 500));

		conn_track(h);
		if (round % 3)
			conn_forget(h);
	}
	return NULL;
}

int main(void)
{
	pthread_t r[READERS], w[WRITERS];
	long total = 0;

	for (int i = 0; i < READERS; i++) {
		MYSQL *own = (MYSQL *)(uintptr_t)(0x5000 + 16 * i);

		conn_track(own);
		pthread_create(&r[i], NULL, reader, own);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_create(&w[i], NULL, writer, (void *)(uintptr_t)(0x100000 * (i + 1)));
	for (int i = 0; i < WRITERS; i++)
		pthread_join(w[i], NULL);
	atomic_store(&stop, 1);
	for (int i = 0; i < READERS; i++) {
		void *misses;

		pthread_join(r[i], &misses);
		total += (long)misses;
	}
	printf("stress_conn: %d readers, %d writers x %d rounds: %ld missed lookups\n",
	       READERS, WRITERS, ROUNDS, total);
	return total ? 1 : 0;
}
