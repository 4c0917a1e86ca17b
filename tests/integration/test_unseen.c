/* State the program made where a first-word look would not see it: behind
 * a comment, in a later statement of a multi-statement text, or through an
 * API call.  Each was silent with an earlier shim and an error (or the
 * same answer) without it; each runs with and without the shim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(unseen, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

/* ---- a transaction begun by a middle statement ------------------------- */

static void create_accounts(void)
{
	admin_exec("DROP TABLE IF EXISTS apptest.acct");
	admin_exec("CREATE TABLE apptest.acct (id INT PRIMARY KEY, bal INT) ENGINE=InnoDB");
	admin_exec("INSERT INTO apptest.acct VALUES (1, 1000), (2, 1000)");
}

/* Poll until connection id sleeps in SLEEP(): the loss then lands in the
 * text's last result, after the transaction began. */
static void wait_sleeping(unsigned long id)
{
	while (admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %lu"
			    " AND STATE = 'User sleep'", id) != 1)
		mrt_poll_pause();
}

/* SELECT 1; START TRANSACTION; UPDATE ...; SELECT SLEEP(5), KILLed during
 * the sleep; then the rest of the transfer and COMMIT.  The program must
 * never commit half a transfer on a fresh session. */
static long long transfer_across_a_loss(enum shim_mode mode, const char **commit)
{
	struct client *c;
	unsigned long id;
	static char committed[256];

	create_accounts();
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	client_send(c, "SELECT 1; START TRANSACTION; UPDATE acct SET bal = bal + 100 WHERE id = 1;"
		       " SELECT SLEEP(5)");
	wait_sleeping(id);
	admin_kill(id);
	assert_lost_error(client_read(c, 10000), "the text whose last result was lost");
	client_ask(c, "UPDATE acct SET bal = bal - 100 WHERE id = 2");
	snprintf(committed, sizeof(committed), "%s", client_ask(c, "\\commit"));
	*commit = committed;
	client_finish(c);
	return admin_scalar("SELECT SUM(bal) FROM apptest.acct");
}

Test(unseen, transaction_begun_mid_text_shim)
{
	const char *commit;

	cr_assert_eq(transfer_across_a_loss(WITH_SHIM, &commit), 2000,
		     "half a transfer was committed");
	cr_assert(strncmp(commit, "ERR ", 4) == 0, "COMMIT of the lost transaction: %s", commit);
	cr_assert_eq(admin_scalar("SELECT bal FROM apptest.acct WHERE id = 1"), 1000);
}

Test(unseen, transaction_begun_mid_text_noshim)
{
	const char *commit;

	cr_assert_eq(transfer_across_a_loss(NO_SHIM, &commit), 2000);
	assert_lost_error(commit, "without the shim COMMIT meets the lost connection");
}

/* ---- behind a comment ---------------------------------------------------- */

/* The first statement after a KILL, when the session held setup. */
static const char *after_kill(enum shim_mode mode, const char *const *setup,
			      const char *statement)
{
	static char answer[256];
	struct client *c = sqlpipe_start(mode, NULL, NULL);

	for (int i = 0; setup[i]; i++)
		client_ok(c, setup[i]);
	kill_and_wait(client_connection_id(c));
	snprintf(answer, sizeof(answer), "%s", client_ask(c, statement));
	client_finish(c);
	return answer;
}

static const char *const tagged_lock[] = {"/* tag */ LOCK TABLES w_tagged WRITE", NULL};

Test(unseen, lock_behind_a_comment_shim)
{
	create_seq_table("w_tagged");
	assert_lost_error(after_kill(WITH_SHIM, tagged_lock, "INSERT INTO w_tagged VALUES (1)"),
			  "the lock went with the session: the program must know");
	cr_assert_eq(count_rows("w_tagged"), 0);
	free(log_wait("event=connection_lost", "session_state=locks", NULL));
}

Test(unseen, lock_behind_a_comment_noshim)
{
	create_seq_table("w_tagged");
	assert_lost_error(after_kill(NO_SHIM, tagged_lock, "INSERT INTO w_tagged VALUES (1)"),
			  "without the shim");
}

/* A read-only transaction the program announced: its INSERT must never run
 * in a read-write one. */
static const char *const tagged_read_only[] = {"/* tag */ SET TRANSACTION READ ONLY", NULL};

Test(unseen, read_only_transaction_behind_a_comment_shim)
{
	assert_lost_error(after_kill(WITH_SHIM, tagged_read_only, "START TRANSACTION"),
			  "the next transaction's characteristics went with the session");
	free(log_wait("event=connection_lost", "session_state=next_transaction", NULL));
}

Test(unseen, read_only_transaction_behind_a_comment_noshim)
{
	assert_lost_error(after_kill(NO_SHIM, tagged_read_only, "START TRANSACTION"),
			  "without the shim");
}

/* ---- protections the program set up ------------------------------------ */

/* mysql_set_server_option(MULTI_STATEMENTS_OFF), a guard against injected
 * statements: a fresh session has multi-statements on again. */
static const char *injected_after_kill(enum shim_mode mode)
{
	static char answer[256];
	struct client *c;
	const char *r;

	create_seq_table("w_guarded");
	admin_exec("INSERT INTO apptest.w_guarded VALUES (1)");
	c = sqlpipe_start(mode, NULL, NULL);
	client_ok(c, "\\multi 0");
	cr_assert(strncmp(client_ask(c, "SELECT 1; DELETE FROM w_guarded"), "ERR ", 4) == 0,
		  "multi-statements are off");
	kill_and_wait(client_connection_id(c));
	/* the read rides out the KILL; the next text meets the fresh session */
	r = client_ask(c, "SELECT 2");
	snprintf(answer, sizeof(answer), "%s",
		 strncmp(r, "OK", 2) ? r : client_ask(c, "SELECT 1; DELETE FROM w_guarded"));
	client_finish(c);
	return answer;
}

Test(unseen, multi_statements_off_survives_shim)
{
	const char *r = injected_after_kill(WITH_SHIM);

	cr_assert(strncmp(r, "ERR 1064 ", 9) == 0, "the injected text must be refused: %s", r);
	cr_assert_eq(count_rows("w_guarded"), 1, "the injected DELETE ran");
}

Test(unseen, multi_statements_off_survives_noshim)
{
	assert_lost_error(injected_after_kill(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_guarded"), 1);
}

/* SET ROLE NONE drops the privileges the account's default role gives: a
 * fresh session would have them again. */
static void create_role_user(void)
{
	admin_exec("DROP USER IF EXISTS 'mrt_roles'@'127.0.0.1', 'mrt_roles'@'localhost'");
	admin_exec("DROP ROLE IF EXISTS mrt_writer");
	admin_exec("CREATE ROLE mrt_writer");
	admin_exec("GRANT ALL ON apptest.* TO mrt_writer");
	for (int i = 0; i < 2; i++) {
		const char *host = i ? "localhost" : "127.0.0.1";

		admin_exec("CREATE USER 'mrt_roles'@'%s' IDENTIFIED BY 'Xq7-role-secret'", host);
		admin_exec("GRANT mrt_writer TO 'mrt_roles'@'%s'", host);
		admin_exec("SET DEFAULT ROLE mrt_writer FOR 'mrt_roles'@'%s'", host);
	}
}

static const char *delete_without_role(enum shim_mode mode)
{
	static const char *const as_role_user[] = {"--user", "mrt_roles", "--password",
						   "Xq7-role-secret", NULL};
	static char answer[256];
	struct client *c;
	const char *r;

	create_seq_table("w_roles");
	admin_exec("INSERT INTO apptest.w_roles VALUES (1)");
	create_role_user();
	c = sqlpipe_start(mode, NULL, as_role_user);
	client_ok(c, "SET ROLE NONE");
	cr_assert(strncmp(client_ask(c, "DELETE FROM w_roles"), "ERR 1142 ", 9) == 0,
		  "without its role the account may not delete");
	kill_and_wait(client_connection_id(c));
	r = client_ask(c, "SELECT 2");
	snprintf(answer, sizeof(answer), "%s",
		 strncmp(r, "OK", 2) ? r : client_ask(c, "DELETE FROM w_roles"));
	client_finish(c);
	return answer;
}

Test(unseen, role_none_survives_shim)
{
	const char *r = delete_without_role(WITH_SHIM);

	cr_assert(strncmp(r, "ERR 1142 ", 9) == 0, "the DELETE must still be denied: %s", r);
	cr_assert_eq(count_rows("w_roles"), 1, "the DELETE ran with the default role");
}

Test(unseen, role_none_survives_noshim)
{
	assert_lost_error(delete_without_role(NO_SHIM), "without the shim");
	cr_assert_eq(count_rows("w_roles"), 1);
}
