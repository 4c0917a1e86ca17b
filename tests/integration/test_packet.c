/* A statement over the server's max_allowed_packet breaks the connection
 * every time it is sent (over TCP the server answers 1153 and closes, over
 * the Unix socket the client may see 2006): it is never sent again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

static long long saved_max_packet = -1;

static void packet_setup(void)
{
	mrt_setup();
	saved_max_packet = admin_scalar("SELECT @@GLOBAL.max_allowed_packet");
	admin_exec("SET GLOBAL max_allowed_packet = 8192");
}

static void packet_teardown(void)
{
	if (saved_max_packet > 0)
		admin_exec("SET GLOBAL max_allowed_packet = %lld", saved_max_packet);
	mrt_teardown();
}

TestSuite(packet, .init = packet_setup, .fini = packet_teardown, .timeout = 120);

/* SELECT '<n x's>' */
static char *big_select(size_t n)
{
	char *sql = malloc(n + 32);

	cr_assert(sql != NULL);
	strcpy(sql, "SELECT '");
	memset(sql + 8, 'x', n);
	strcpy(sql + 8 + n, "'");
	return sql;
}

static const char *too_large(enum shim_mode mode, struct client **out)
{
	struct client *c = sqlpipe_start(mode, NULL, NULL);
	char *sql = big_select(4 << 20); /* larger than the socket buffers */
	const char *r;

	client_ok(c, "SELECT 1");
	r = client_ask(c, sql);
	free(sql);
	*out = c;
	return r;
}

Test(packet, too_large_noshim)
{
	struct client *c;
	const char *r = too_large(NO_SHIM, &c);

	cr_assert(strncmp(r, "ERR ", 4) == 0, "the statement must fail: %s", r);
	client_finish(c);
}

Test(packet, too_large_shim)
{
	struct client *c;
	const char *r = too_large(WITH_SHIM, &c);
	char p[32];

	cr_assert(strncmp(r, "ERR ", 4) == 0, "the statement must fail: %s", r);
	pid_needle(p, sizeof(p), c->pid);
	free(log_wait("event=connection_lost", p, NULL));
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2", "the next call works");
	free(log_wait("cause=packet_too_large", p, NULL));
	cr_assert_eq(client_finish(c), 0);
	log_barrier();
	cr_assert_eq(log_count("event=statement_retried", p, NULL), 0,
		     "a statement over max_allowed_packet was sent again");
	cr_assert_eq(log_count("event=connection_lost", p, NULL), 1);
}
