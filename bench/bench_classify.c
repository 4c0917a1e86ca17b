/* bench_classify.c - nanoseconds per sql_classify() call.
 *
 * Short point select (~100 bytes), a 1 KiB and a 1 MiB statement; the
 * minimum over several repetitions, with ns/byte so that linearity shows.
 * Only warns when the short select exceeds the 100 ns target: timings
 * depend on the machine and its load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../shim/classify.h"

#define TARGET_NS 100.0

static const char point_select[] =
	"SELECT id, name, email FROM users WHERE id = 12345 AND status = 'active' LIMIT 1";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A read-only SELECT of about `size` bytes: a long IN list with strings,
 * function calls and comments, so the lexer sees a realistic mix. */
static char *make_statement(size_t size, size_t *len)
{
	static const char head[] = "SELECT id, CONCAT(first, ' ', last) AS name, "
		"COALESCE(email, '') FROM users /* big list */ WHERE id IN (1";
	static const char item[] = ", 12345, 'it''s', UPPER('x')";
	static const char tail[] = ") AND status = 'active' ORDER BY id LIMIT 10";
	char *buf = malloc(size + sizeof head + sizeof item + sizeof tail);
	size_t n = 0;

	if (!buf) {
		perror("malloc");
		exit(1);
	}
	memcpy(buf, head, sizeof head - 1);
	n = sizeof head - 1;
	while (n + sizeof item - 1 + sizeof tail - 1 < size) {
		memcpy(buf + n, item, sizeof item - 1);
		n += sizeof item - 1;
	}
	memcpy(buf + n, tail, sizeof tail - 1);
	n += sizeof tail - 1;
	*len = n;
	return buf;
}

/* Minimum over `reps` repetitions of the mean time of `iters` calls. */
static double measure(const char *text, size_t len, long iters, int reps)
{
	double best = 1e300;
	volatile unsigned sink = 0;

	for (int r = 0; r < reps; r++) {
		double t0 = now_ns();
		for (long i = 0; i < iters; i++) {
			struct sql_verdict v;
			sql_classify(text, len, 0, &v);
			sink += v.safe + v.statements;
		}
		double per = (now_ns() - t0) / (double)iters;
		if (per < best)
			best = per;
	}
	(void)sink;
	return best;
}

static double report(const char *name, const char *text, size_t len,
		     long iters, int reps)
{
	struct sql_verdict v;
	double ns = measure(text, len, iters, reps);

	sql_classify(text, len, 0, &v);
	printf("%-14s %9zu bytes %14.1f ns/call %8.3f ns/byte  (%s %s: %s)\n",
	       name, len, ns, ns / (double)len, v.safe ? "safe" : "unsafe",
	       sql_reason_name(v.reason), v.what);
	return ns;
}

int main(void)
{
	size_t len1k, len1m;
	char *s1k = make_statement(1024, &len1k);
	char *s1m = make_statement(1024 * 1024, &len1m);
	double shortns;

	shortns = report("point select", point_select, sizeof point_select - 1,
			 200000, 15);
	report("1 KiB select", s1k, len1k, 20000, 10);
	report("1 MiB select", s1m, len1m, 20, 7);
	if (shortns > TARGET_NS)
		printf("warning: point select took %.1f ns, above the %.0f ns target\n",
		       shortns, TARGET_NS);
	else
		printf("point select within the %.0f ns target\n", TARGET_NS);
	free(s1k);
	free(s1m);
	return 0;
}
