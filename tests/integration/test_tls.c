/* TLS: a TLS connection notices a dead peer differently (2026 "TLS/SSL
 * error: unexpected eof while reading"), and its socket must never be
 * swapped for one that makes OpenSSL retry a write for ever.  The client
 * verifies the private server's certificate (tests/harness/server makes a
 * CA); every fresh session must be TLS again.  Each scenario runs with and
 * without the shim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(tls, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static const char *cipher_question =
	"SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
	" WHERE VARIABLE_NAME = 'Ssl_cipher'";

static struct client *tls_client(enum shim_mode mode, const char *const *env)
{
	static char ca[512];
	static const char *args[] = {"--tls-ca", ca, NULL};
	struct client *c;
	const char *r;

	snprintf(ca, sizeof(ca), "%s/tls/ca.pem", getenv("MRT_DIR"));
	c = sqlpipe_start(mode, env, args);
	r = client_ok(c, cipher_question);
	cr_assert(strncmp(r, "OK rows=1 first=", 16) == 0 && strcmp(r + 16, "-") != 0 &&
			  strcmp(r + 16, "NULL") != 0 && r[16] != '\0',
		  "not a TLS session: %s", r);
	return c;
}

static void wait_idle_ms(int ms)
{
	long long since = mrt_now_ms();

	while (mrt_now_ms() - since < ms)
		mrt_poll_pause();
}

/* A read after an idle KILL: found by the idle check, the socket is cut
 * loose and the read sent once on a fresh TLS session. */
static const char *read_after_idle_kill(enum shim_mode mode, const char *const *env,
					bool wait_idle)
{
	static char answer[256];
	struct client *c = tls_client(mode, env);

	kill_and_wait(client_connection_id(c));
	if (wait_idle)
		wait_idle_ms(50);
	snprintf(answer, sizeof(answer), "%s", client_ask(c, "SELECT 2"));
	if (mode == WITH_SHIM && strcmp(answer, "OK rows=1 first=2") == 0) {
		const char *r = client_ok(c, cipher_question);

		cr_assert(strncmp(r, "OK rows=1 first=", 16) == 0 && r[16] != '\0' &&
				  strcmp(r + 16, "-") != 0,
			  "the fresh session is not TLS: %s", r);
	}
	cr_assert_eq(client_finish(c), 0);
	return answer;
}

Test(tls, idle_kill_shim)
{
	cr_assert_str_eq(read_after_idle_kill(WITH_SHIM, NULL, true), "OK rows=1 first=2");
	free(log_wait("event=connection_lost", "noticed=idle_check", NULL));
}

Test(tls, idle_kill_noshim)
{
	assert_lost_error(read_after_idle_kill(NO_SHIM, NULL, true), "without the shim");
}

/* No idle check: the library meets the EOF itself and says 2026. */
static const char *const no_idle_check[] = {"MYSQL_RECONNECT_CHECK_IDLE_MS=off", NULL};

Test(tls, eof_2026_is_a_lost_connection_shim)
{
	cr_assert_str_eq(read_after_idle_kill(WITH_SHIM, no_idle_check, false),
			 "OK rows=1 first=2");
	/* over the Unix socket the write meets the closed peer first: 2006 */
	free(log_wait("event=connection_lost", mrt_over_socket() ? "errno=2006" : "errno=2026",
		      "plan=reconnect_and_send_again", NULL));
}

Test(tls, eof_2026_is_a_lost_connection_noshim)
{
	assert_lost_error(read_after_idle_kill(NO_SHIM, no_idle_check, false), "without the shim");
}

/* A writer killed while idle: its INSERT is sent once, on a fresh session. */
Test(tls, idle_writer_shim)
{
	struct client *c;

	create_seq_table("w_tls_writer");
	c = tls_client(WITH_SHIM, NULL);
	kill_and_wait(client_connection_id(c));
	wait_idle_ms(50);
	assert_ok(client_ask(c, "INSERT INTO w_tls_writer VALUES (1)"), "the idle writer");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_seq("w_tls_writer", 1), 1);
}

Test(tls, idle_writer_noshim)
{
	struct client *c;

	create_seq_table("w_tls_writer");
	c = tls_client(NO_SHIM, NULL);
	kill_and_wait(client_connection_id(c));
	wait_idle_ms(50);
	assert_lost_error(client_ask(c, "INSERT INTO w_tls_writer VALUES (1)"), "without the shim");
	client_finish(c);
	cr_assert_eq(count_seq("w_tls_writer", 1), 0);
}

/* A forked child uses the TLS connection and closes it at exit: it must
 * get its own, and the parent's session must go on untouched. */
static void fork_child(enum shim_mode mode, char *child, size_t size, char *parent,
		       size_t psize)
{
	struct client *c = tls_client(mode, NULL);

	snprintf(child, size, "%s", client_ask(c, "\\fork SELECT 7"));
	cr_assert_str_eq(client_read(c, 10000), "FORKED", "the parent goes on");
	snprintf(parent, psize, "%s", client_ask(c, "SELECT 8"));
	client_finish(c);
}

Test(tls, fork_child_shim)
{
	char child[256], parent[256];

	fork_child(WITH_SHIM, child, sizeof(child), parent, sizeof(parent));
	cr_assert_str_eq(child, "CHILD OK rows=1 first=7");
	cr_assert_str_eq(parent, "OK rows=1 first=8");
	free(log_wait("event=fork_detected", NULL));
}

/* Without the shim the child writes into the parent's TLS stream. */
Test(tls, fork_child_noshim)
{
	char child[256], parent[256];

	fork_child(NO_SHIM, child, sizeof(child), parent, sizeof(parent));
	cr_assert(strcmp(parent, "OK rows=1 first=8") != 0,
		  "the child's use of the parent's TLS session must break it: %s", parent);
}

/* Inside a lost transaction a prepared INSERT is refused (the shim cuts
 * the statement's connection loose so that the library fails it): the
 * call returns an error, never spins. */
static const char *prepared_in_lost_transaction(enum shim_mode mode)
{
	static char answer[256];
	struct client *c;

	create_seq_table("w_tls_prepared");
	c = tls_client(mode, NULL);
	client_ok(c, "BEGIN");
	client_ok(c, "\\prepare INSERT INTO w_tls_prepared VALUES (?)");
	client_ok(c, "\\execute 1");
	kill_and_wait(client_connection_id(c));
	client_ask(c, "\\execute 2");
	snprintf(answer, sizeof(answer), "%s", client_ask(c, "\\execute 3"));
	client_ask(c, "\\rollback");
	client_finish(c);
	return answer;
}

Test(tls, prepared_in_lost_transaction_shim)
{
	const char *r = prepared_in_lost_transaction(WITH_SHIM);

	cr_assert(strncmp(r, "ERR ", 4) == 0, "inside the lost transaction: %s", r);
	cr_assert_eq(count_rows("w_tls_prepared"), 0);
}

Test(tls, prepared_in_lost_transaction_noshim)
{
	cr_assert(strncmp(prepared_in_lost_transaction(NO_SHIM), "ERR ", 4) == 0);
	cr_assert_eq(count_rows("w_tls_prepared"), 0);
}
