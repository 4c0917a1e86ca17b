/* What the shim adds to a successful call: nanoseconds, allocations and
 * system calls per mysql_real_query against the project's stand-in client
 * library (tests/stub/) in its instant mode: every statement succeeds at
 * once and returns rows.  Run it with and without LD_PRELOAD.
 *
 *   bench_success_path [CALLS]   prints ns/call and allocations
 *   BENCH_API=query: through mysql_query instead of mysql_real_query
 *
 * Allocations are counted by interposing malloc & co. in this program (the
 * shim's calls resolve to these too).  The Makefile counts system calls
 * with strace at two call counts: a per-call syscall would show up as a
 * difference. */
#include <mysql.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stub.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static atomic_long allocations;

void *malloc(size_t n)
{
	atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static MYSQL handle;
	static const char query[] = "SELECT id, name FROM users WHERE id = 42";
	long calls = argc > 1 ? atol(argv[1]) : 20000000;
	const char *api = getenv("BENCH_API");
	int use_query = api && api[0] == 'q';
	double best = 1e30;
	long allocs;

	stub_reset(STUB_TCP);
	stub_instant(true);
	if (!mysql_real_connect(&handle, "127.0.0.1", "u", "p", "db", 3306, NULL, 0))
		return 1;
	mysql_real_query(&handle, query, sizeof(query) - 1); /* first call binds */
	allocs = atomic_load(&allocations);
	for (int rep = 0; rep < 5; rep++) {
		double start = now_ns();

		for (long i = 0; i < calls / 5; i++)
			if (use_query ? mysql_query(&handle, query)
				      : mysql_real_query(&handle, query, sizeof(query) - 1))
				return 1;
		if ((now_ns() - start) / (calls / 5) < best)
			best = (now_ns() - start) / (calls / 5);
	}
	allocs = atomic_load(&allocations) - allocs;
	{
		const char *preload = getenv("LD_PRELOAD");
		const char *label = getenv("BENCH_LABEL");
		char name[64];

		snprintf(name, sizeof(name), "%s%s",
			 label ? label : preload && *preload ? "shim" : "no shim",
			 use_query ? ", mysql_query" : "");
		printf("%-21s %6.1f ns/call, %ld allocations in %ld successful calls\n", name, best,
		       allocs, calls);
	}
	mysql_close(&handle);
	return allocs ? 2 : 0;
}
