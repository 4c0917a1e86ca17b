/* Scenario C: a connection lost inside a transaction.  The shim must not
 * let the rest of the "transaction" run on a fresh connection: statements
 * are refused until the program ends the transaction, COMMIT (or anything
 * that commits implicitly) fails, ROLLBACK succeeds, and nothing of the lost
 * transaction is ever committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(transactions, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static const char *insert(struct client *c, const char *table, int seq)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (%d)", table, seq);
	return client_ask(c, sql);
}

static void assert_err(const char *r, const char *context)
{
	cr_assert(strncmp(r, "ERR ", 4) == 0, "%s: expected ERR, got \"%s\"", context, r);
}

/* BEGIN; INSERT 1 (OK); KILL.  Returns the client. */
static struct client *lose_transaction(enum shim_mode mode, const char *table,
				       const char *const *args)
{
	struct client *c;
	unsigned long id;

	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, args);
	id = client_connection_id(c);
	client_ok(c, "BEGIN");
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	kill_and_wait(id);
	return c;
}

/* With the shim: the next statement fails and transaction_lost is logged. */
static void expect_transaction_lost(struct client *c, const char *table)
{
	char p[32];

	assert_err(insert(c, table, 2), "INSERT after the loss");
	free(log_wait("event=transaction_lost", pid_needle(p, sizeof(p), c->pid), NULL));
}

static void expect_logged(struct client *c, const char *event)
{
	char p[32];

	free(log_wait(event, pid_needle(p, sizeof(p), c->pid), NULL));
}

Test(transactions, commit_after_loss_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_commit_noshim", NULL);

	assert_lost_error(insert(c, "tx_commit_noshim", 2),
			  "without the shim the KILL must reach the program");
	assert_err(client_ask(c, "\\commit"), "COMMIT on the dead connection");
	cr_assert_eq(count_rows("tx_commit_noshim"), 0);
	client_finish(c);
}

Test(transactions, commit_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_commit", NULL);

	expect_transaction_lost(c, "tx_commit");
	assert_err(client_ask(c, "SELECT 1"), "SELECT inside the lost transaction");
	expect_logged(c, "event=statement_refused");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1",
			 "after the failed COMMIT the program works on a fresh connection");
	cr_assert_eq(count_rows("tx_commit"), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

/* A statement that ends the lost transaction by committing (COMMIT, or
 * BEGIN which commits implicitly) fails, and what follows runs fresh. */
static void ending_statement_fails(const char *table, const char *statement)
{
	struct client *c = lose_transaction(WITH_SHIM, table, NULL);

	expect_transaction_lost(c, table);
	assert_err(client_ask(c, statement), statement);
	expect_logged(c, "event=commit_failed");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	cr_assert_eq(count_rows(table), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

Test(transactions, commit_statement_after_loss_shim)
{
	ending_statement_fails("tx_commit_sql", "COMMIT");
}

Test(transactions, rollback_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_rollback", NULL);

	expect_transaction_lost(c, "tx_rollback");
	cr_assert_str_eq(client_ask(c, "ROLLBACK"), "OK affected=0",
			 "ROLLBACK of a lost transaction must succeed");
	expect_logged(c, "event=transaction_rolled_back");
	cr_assert_str_eq(insert(c, "tx_rollback", 3), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_seq("tx_rollback", 3), 1, "the INSERT after ROLLBACK is committed");
	cr_assert_eq(count_rows("tx_rollback"), 1, "rows of the lost transaction were committed");
}

Test(transactions, api_rollback_after_loss_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_api_rollback", NULL);

	expect_transaction_lost(c, "tx_api_rollback");
	cr_assert_str_eq(client_ask(c, "\\rollback"), "OK", "mysql_rollback must succeed");
	expect_logged(c, "event=transaction_rolled_back");
	cr_assert_str_eq(insert(c, "tx_api_rollback", 3), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_rows("tx_api_rollback"), 1);
	cr_assert_eq(count_seq("tx_api_rollback", 3), 1);
}

/* mysql_autocommit(0) opens the transaction implicitly: one INSERT, then
 * the connection is KILLed. */
static struct client *autocommit_off_then_kill(enum shim_mode mode, const char *table)
{
	struct client *c;
	unsigned long id;

	create_seq_table(table);
	c = sqlpipe_start(mode, NULL, NULL);
	id = client_connection_id(c);
	client_ok(c, "\\autocommit 0");
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	kill_and_wait(id);
	return c;
}

Test(transactions, autocommit_off_shim)
{
	struct client *c = autocommit_off_then_kill(WITH_SHIM, "tx_autocommit");

	expect_transaction_lost(c, "tx_autocommit");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(count_rows("tx_autocommit"), 0, "rows of the lost transaction were committed");
	client_finish(c);
}

Test(transactions, autocommit_off_noshim)
{
	struct client *c = autocommit_off_then_kill(NO_SHIM, "tx_autocommit_noshim");

	assert_lost_error(insert(c, "tx_autocommit_noshim", 2), "the KILL must reach the program");
	client_finish(c);
}

/* BEGIN and DDL commit implicitly: they must fail like COMMIT. */
Test(transactions, implicit_commit_begin_shim)
{
	ending_statement_fails("tx_begin", "BEGIN");
}

Test(transactions, implicit_commit_ddl_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_ddl", NULL);

	admin_exec("DROP TABLE IF EXISTS apptest.tx_ddl_new");
	expect_transaction_lost(c, "tx_ddl");
	assert_err(client_ask(c, "CREATE TABLE apptest.tx_ddl_new (a INT)"),
		   "DDL commits the lost transaction implicitly");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(admin_scalar("SELECT COUNT(*) FROM information_schema.TABLES"
				  " WHERE TABLE_SCHEMA = 'apptest' AND TABLE_NAME = 'tx_ddl_new'"),
		     0, "the DDL ran although the transaction was lost");
	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	cr_assert_eq(count_rows("tx_ddl"), 0, "rows of the lost transaction were committed");
	cr_assert_eq(client_finish(c), 0);
}

Test(transactions, implicit_commit_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_begin_noshim", NULL);

	assert_lost_error(client_ask(c, "BEGIN"), "the KILL must reach the program");
	cr_assert_eq(count_rows("tx_begin_noshim"), 0);
	client_finish(c);
}

/* The program set MYSQL_OPT_RECONNECT.  Without the shim the library
 * reconnects silently and the rest of the "transaction" is committed row by
 * row in autocommit mode, although the program rolls back: the hazard. */
static const char *const reconnect_args[] = {"--reconnect", NULL};

Test(transactions, reconnect_option_noshim)
{
	struct client *c = lose_transaction(NO_SHIM, "tx_reconnect_noshim", reconnect_args);
	const char *r;

	r = insert(c, "tx_reconnect_noshim", 2);
	cr_assert(strncmp(r, "OK", 2) == 0 || is_lost_error(r), "INSERT 2: %s", r);
	cr_assert_str_eq(insert(c, "tx_reconnect_noshim", 3), "OK affected=1",
			 "the library should have reconnected silently");
	cr_assert_str_eq(client_ask(c, "\\rollback"), "OK");
	client_finish(c);
	cr_assert_eq(count_seq("tx_reconnect_noshim", 1), 0, "row 1 died with the connection");
	cr_assert_eq(count_seq("tx_reconnect_noshim", 3), 1,
		     "hazard not reproduced: row 3 should be committed despite ROLLBACK");
}

Test(transactions, reconnect_option_shim)
{
	struct client *c = lose_transaction(WITH_SHIM, "tx_reconnect", reconnect_args);

	expect_transaction_lost(c, "tx_reconnect");
	assert_err(insert(c, "tx_reconnect", 3), "INSERT inside the lost transaction");
	expect_logged(c, "event=statement_refused");
	assert_err(client_ask(c, "\\commit"), "mysql_commit of the lost transaction");
	expect_logged(c, "event=commit_failed");
	cr_assert_eq(count_rows("tx_reconnect"), 0, "rows of the lost transaction were committed");
	cr_assert_str_eq(insert(c, "tx_reconnect", 4), "OK affected=1");
	cr_assert_eq(client_finish(c), 0);
	cr_assert_eq(count_seq("tx_reconnect", 4), 1);
	cr_assert_eq(count_rows("tx_reconnect"), 1);
}
