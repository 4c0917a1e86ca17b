/* Round trips against a real server: microseconds per successful
 * "SELECT 1" (query, store, free), to set the shim's cost beside it.
 * Connection from MRT_HOST, MRT_PORT, MRT_APP_USER, MRT_APP_PASSWORD, MRT_DB. */
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v) {
		fprintf(stderr, "bench_server: %s is not set\n", name);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long queries = argc > 1 ? atol(argv[1]) : 20000;
	MYSQL *m = mysql_init(NULL);
	double start, best = 1e30;

	if (!mysql_real_connect(m, env("MRT_HOST"), env("MRT_APP_USER"), env("MRT_APP_PASSWORD"),
				env("MRT_DB"), (unsigned)atoi(env("MRT_PORT")), NULL, 0)) {
		fprintf(stderr, "bench_server: %s\n", mysql_error(m));
		return 1;
	}
	for (int rep = 0; rep < 5; rep++) {
		start = now_us();
		for (long i = 0; i < queries / 5; i++) {
			if (mysql_real_query(m, "SELECT 1", 8)) {
				fprintf(stderr, "bench_server: %s\n", mysql_error(m));
				return 1;
			}
			mysql_free_result(mysql_store_result(m));
		}
		if ((now_us() - start) / (queries / 5) < best)
			best = (now_us() - start) / (queries / 5);
	}
	printf("%-8s %6.2f us per SELECT 1 round trip (best of 5 x %ld)\n",
	       getenv("LD_PRELOAD") && *getenv("LD_PRELOAD") ? "shim" : "no shim", best, queries / 5);
	mysql_close(m);
	return 0;
}
