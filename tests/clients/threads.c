/* threads - a multi-threaded legacy client: each thread owns a connection
 * and runs a read loop, counting successes and errors.
 *
 *   threads [--threads N] [--host H] [--port N] [--socket S] [--user U]
 *           [--password P] [--database D]
 *
 * Prints READY once every thread has connected (CONNECT_ERR ... and exit 2
 * if one cannot).  A "stats" line prints the running "TOTAL ok=<n> err=<n>"
 * (so a test can poll until errors show up), and "EACH <ok> <ok> ..." with
 * every thread's own count (so it can wait until each has gone on).  On a "stop" line or EOF on
 * stdin it stops the threads and prints "thread <i> ok=<n> err=<n>
 * last_error=<text>" per thread and "TOTAL ok=<n> err=<n>". */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#define MAX_THREADS 256

struct options {
	const char *host, *socket, *user, *password, *db;
	unsigned port;
	int threads;
};

struct worker {
	pthread_t tid;
	int index;
	MYSQL *conn;
	atomic_ulong ok, err; /* read by "stats" while the thread runs */
	char last_error[512];
};

static struct options opts;
static struct worker workers[MAX_THREADS];
static atomic_bool stopping;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int connected, failed;
static char connect_error[600];

static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"threads", required_argument, NULL, 't'},
		{"host", required_argument, NULL, 'h'},
		{"port", required_argument, NULL, 'P'},
		{"socket", required_argument, NULL, 'S'},
		{"user", required_argument, NULL, 'u'},
		{"password", required_argument, NULL, 'p'},
		{"database", required_argument, NULL, 'D'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opts.threads = 8;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': opts.threads = atoi(optarg); break;
		case 'h': opts.host = optarg; break;
		case 'P': opts.port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': opts.socket = optarg; break;
		case 'u': opts.user = optarg; break;
		case 'p': opts.password = optarg; break;
		case 'D': opts.db = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc || opts.threads < 1 || opts.threads > MAX_THREADS)
		return -1;
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void record_error(struct worker *w)
{
	char *p;

	w->err++;
	snprintf(w->last_error, sizeof(w->last_error), "%u %s",
		 mysql_errno(w->conn), mysql_error(w->conn));
	for (p = w->last_error; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

static void run_one(struct worker *w)
{
	char sql[64];
	MYSQL_RES *res;

	snprintf(sql, sizeof(sql), "SELECT %d, NOW()", w->index);
	if (mysql_real_query(w->conn, sql, (unsigned long)strlen(sql)) != 0) {
		record_error(w);
		pause_ms(10); /* a dead connection fails at once: do not spin */
		return;
	}
	res = mysql_store_result(w->conn);
	if (!res) {
		record_error(w);
		return;
	}
	mysql_free_result(res);
	w->ok++;
	pause_ms(2); /* leave the CPU to the server and the test */
}

static bool connect_worker(struct worker *w)
{
	w->conn = mysql_init(NULL);
	if (w->conn && mysql_real_connect(w->conn, opts.host, opts.user, opts.password,
					  opts.db, opts.port, opts.socket, 0))
		return true;
	pthread_mutex_lock(&lock);
	snprintf(connect_error, sizeof(connect_error), "%u %s",
		 w->conn ? mysql_errno(w->conn) : 2008u,
		 w->conn ? mysql_error(w->conn) : "mysql_init failed");
	failed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	return false;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	mysql_thread_init();
	if (connect_worker(w)) {
		pthread_mutex_lock(&lock);
		connected++;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
		while (!atomic_load(&stopping))
			run_one(w);
	}
	if (w->conn)
		mysql_close(w->conn);
	mysql_thread_end();
	return NULL;
}

/* True when all threads connected; false when one failed. */
static bool wait_all_connected(void)
{
	bool ok;

	pthread_mutex_lock(&lock);
	while (connected + failed < opts.threads)
		pthread_cond_wait(&changed, &lock);
	ok = failed == 0;
	pthread_mutex_unlock(&lock);
	return ok;
}

static void print_totals(void)
{
	unsigned long ok = 0, err = 0;
	int i;

	for (i = 0; i < opts.threads; i++) {
		ok += atomic_load(&workers[i].ok);
		err += atomic_load(&workers[i].err);
	}
	printf("TOTAL ok=%lu err=%lu\n", ok, err);
	fflush(stdout);
}

static void print_each(void)
{
	int i;

	printf("EACH");
	for (i = 0; i < opts.threads; i++)
		printf(" %lu", atomic_load(&workers[i].ok));
	printf("\n");
	fflush(stdout);
}

static void wait_for_stop(void)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		if (strncmp(line, "stop", 4) == 0)
			break;
		if (strncmp(line, "stats", 5) == 0) {
			print_totals();
			print_each();
		}
	}
}

static void report(void)
{
	int i;

	for (i = 0; i < opts.threads; i++) {
		struct worker *w = &workers[i];

		printf("thread %d ok=%lu err=%lu last_error=%s\n", i,
		       atomic_load(&w->ok), atomic_load(&w->err), w->last_error);
	}
	print_totals();
}

static void stop_and_join(void)
{
	int i;

	atomic_store(&stopping, true);
	for (i = 0; i < opts.threads; i++)
		pthread_join(workers[i].tid, NULL);
}

int main(int argc, char **argv)
{
	int i;

	if (parse_options(argc, argv) != 0) {
		fprintf(stderr, "usage: threads [--threads N] [--host H] [--port N] [--socket S]"
				" [--user U] [--password P] [--database D]\n");
		return 64;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "threads: mysql_library_init failed\n");
		return 70;
	}
	for (i = 0; i < opts.threads; i++) {
		workers[i].index = i;
		if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0) {
			fprintf(stderr, "threads: pthread_create failed\n");
			return 70;
		}
	}
	if (!wait_all_connected()) {
		stop_and_join();
		printf("CONNECT_ERR %s\n", connect_error);
		return 2;
	}
	printf("READY\n");
	fflush(stdout);
	wait_for_stop();
	stop_and_join();
	report();
	mysql_library_end();
	return 0;
}
