/* chaos - a workload that keeps a ledger of what the server acknowledged,
 * for bench/chaos: N threads, each with its own connection, for S seconds,
 * mixing autocommit inserts, two-row transactions, reads of known values
 * and prepared inserts.  Every acknowledged row id goes to the ack file
 * ("row ID"), every acknowledged transaction ("txn GROUP").  Afterwards
 * the database must hold each acknowledged row once, no row twice, and
 * every transaction whole or not at all.  Prints "DONE ops=N errors=N
 * wrong=N" (wrong: a read that returned a wrong answer).
 *
 *   chaos --threads N --seconds S --ack FILE [--base ID] [connection options] */
#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "connopts.h"

static struct connopts opts;
static int nthreads = 4, seconds = 10;
static long long base; /* row ids start here: distinct per workload */
static FILE *ack;
static pthread_mutex_t ack_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_long ops, errors, wrong;
static time_t until;

static void acknowledge(const char *what, long long id)
{
	pthread_mutex_lock(&ack_lock);
	fprintf(ack, "%s %lld\n", what, id);
	pthread_mutex_unlock(&ack_lock);
}

static int run(MYSQL *m, const char *sql)
{
	if (mysql_query(m, sql))
		return 1;
	mysql_free_result(mysql_store_result(m));
	return 0;
}

static void insert_autocommit(MYSQL *m, long long id)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO chaos_ledger (id, grp, kind) VALUES (%lld, 0, 'a')",
		 id);
	if (run(m, sql) == 0)
		acknowledge("row", id);
	else
		errors++;
}

static void transaction(MYSQL *m, long long id)
{
	char sql[160];
	int failed;

	failed = run(m, "BEGIN");
	for (int k = 0; k < 2 && !failed; k++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO chaos_ledger (id, grp, kind) VALUES (%lld, %lld, 't')", id + k, id);
		failed = run(m, sql);
	}
	if (!failed && run(m, "COMMIT") == 0) {
		acknowledge("txn", id);
		return;
	}
	errors++;
	run(m, "ROLLBACK");
}

static void read_known(MYSQL *m, unsigned k)
{
	char sql[96];
	MYSQL_RES *res;
	MYSQL_ROW row;

	snprintf(sql, sizeof(sql), "SELECT v FROM chaos_const WHERE k = %u", k);
	if (mysql_query(m, sql) || !(res = mysql_store_result(m))) {
		errors++;
		return;
	}
	row = mysql_fetch_row(res);
	if (!row || !row[0] || strtoul(row[0], NULL, 10) != k * 7)
		wrong++;
	mysql_free_result(res);
}

static void insert_prepared(MYSQL_STMT *s, long long *value, long long id)
{
	*value = id;
	if (mysql_stmt_execute(s) == 0)
		acknowledge("row", id);
	else
		errors++;
}

static MYSQL_STMT *prepare(MYSQL *m, long long *value)
{
	static const char sql[] = "INSERT INTO chaos_ledger (id, grp, kind) VALUES (?, 0, 'p')";
	MYSQL_STMT *s = mysql_stmt_init(m);
	MYSQL_BIND bind;

	memset(&bind, 0, sizeof(bind));
	bind.buffer_type = MYSQL_TYPE_LONGLONG;
	bind.buffer = value;
	if (!s || mysql_stmt_prepare(s, sql, sizeof(sql) - 1) || mysql_stmt_bind_param(s, &bind))
		return NULL;
	return s;
}

static void *worker(void *arg)
{
	long long next = base + (long long)(intptr_t)arg * 1000000000LL + 1, value = 0;
	unsigned seed = (unsigned)(intptr_t)arg * 7919u + 1;
	MYSQL *m = mysql_init(NULL);
	MYSQL_STMT *s;

	if (!mysql_real_connect(m, opts.host, opts.user, opts.password, opts.database, opts.port,
				opts.socket, 0)) {
		fprintf(stderr, "chaos: connect: %s\n", mysql_error(m));
		errors++;
		return NULL;
	}
	s = prepare(m, &value);
	while (time(NULL) < until) {
		switch (rand_r(&seed) % 4) {
		case 0: insert_autocommit(m, next++); break;
		case 1: transaction(m, next); next += 2; break;
		case 2: read_known(m, rand_r(&seed) % 100); break;
		default:
			if (s)
				insert_prepared(s, &value, next++);
			break;
		}
		ops++;
	}
	if (s)
		mysql_stmt_close(s);
	mysql_close(m);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[64];
	const char *ack_path = NULL;
	char *rest[64];
	int n = 0;

	/* its own options; the rest are connection options */
	rest[n++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
			nthreads = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--base") == 0 && i + 1 < argc)
			base = atoll(argv[++i]);
		else if (strcmp(argv[i], "--ack") == 0 && i + 1 < argc)
			ack_path = argv[++i];
		else if (n < 63)
			rest[n++] = argv[i];
	}
	rest[n] = NULL;
	if (connopts_parse(n, rest, &opts) || !ack_path || nthreads < 1 || nthreads > 64 ||
	    !(ack = fopen(ack_path, "w"))) {
		fprintf(stderr, "usage: chaos --threads N --seconds S --ack FILE [connection options]\n");
		return 64;
	}
	mysql_library_init(0, NULL, NULL);
	until = time(NULL) + seconds;
	for (int i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, worker, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	fclose(ack);
	printf("DONE ops=%ld errors=%ld wrong=%ld\n", (long)ops, (long)errors, (long)wrong);
	mysql_library_end();
	return 0;
}
