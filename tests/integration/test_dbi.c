/* Perl DBI programs (DBD::mysql and DBD::MariaDB), the way most of them run:
 * RaiseError on, AutoCommit off.  DBI takes the error from the handle
 * (errno, message), not from the return code, so a call the shim fails
 * without a real error on the handle looks like a success to it, and a
 * COMMIT of a lost transaction would "succeed" with nothing committed. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(dbi, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static const char *insert(struct client *c, const char *table, int seq)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "INSERT INTO apptest.%s (seq) VALUES (%d)", table, seq);
	return client_ask(c, sql);
}

static void commit_after_loss(enum shim_mode mode, const char *driver)
{
	char table[64];
	struct client *c;
	unsigned long id;

	snprintf(table, sizeof(table), "dbi_%s_%s", driver, mode == NO_SHIM ? "noshim" : "shim");
	create_seq_table(table);
	c = dbipipe_start(mode, driver);
	id = client_connection_id(c);
	cr_assert_str_eq(insert(c, table, 1), "OK affected=1");
	kill_and_wait(id);
	/* The statement that meets the loss, one refused inside the lost
	 * transaction, and its COMMIT: each must raise a lost-connection error. */
	assert_lost_error(insert(c, table, 2), "INSERT that meets the loss");
	assert_lost_error(insert(c, table, 3), "INSERT inside the lost transaction");
	assert_lost_error(client_ask(c, "\\commit"), "COMMIT of the lost transaction");
	cr_assert_eq(count_rows(table), 0, "rows of the lost transaction were committed");
	client_finish(c);
}

Test(dbi, dbd_mysql_commit_noshim) { commit_after_loss(NO_SHIM, "mysql"); }
Test(dbi, dbd_mysql_commit_shim) { commit_after_loss(WITH_SHIM, "mysql"); }
Test(dbi, dbd_mariadb_commit_noshim) { commit_after_loss(NO_SHIM, "MariaDB"); }
Test(dbi, dbd_mariadb_commit_shim) { commit_after_loss(WITH_SHIM, "MariaDB"); }
