/* Scenario G: the program forks while connected and the child uses and
 * closes the inherited connection.  Without the shim the child's COM_QUIT
 * on the shared socket ends the parent's session; with it the child works
 * on its own connection and the parent's survives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(fork, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static unsigned long first_value(const char *line)
{
	const char *v = strstr(line, "first=");

	cr_assert(v != NULL, "no value in %s", line);
	return strtoul(v + 6, NULL, 10);
}

Test(fork, child_closes_inherited_connection_noshim)
{
	struct client *c = sqlpipe_start(NO_SHIM, NULL, NULL);
	unsigned long parent_id = client_connection_id(c);
	const char *r;
	char *child;

	child = strdup(client_ask(c, "\\fork SELECT CONNECTION_ID()"));
	cr_assert(strncmp(child, "CHILD OK rows=1 first=", 22) == 0, "child: %s", child);
	cr_assert_eq(first_value(child), parent_id, "the child shares the parent's session");
	r = client_read(c, MRT_REPLY_TIMEOUT_MS);
	cr_assert(r && strcmp(r, "FORKED") == 0, "expected FORKED, got %s", r ? r : "(none)");
	r = client_ask(c, "SELECT 2");
	assert_lost_error(r, "without the shim the child's mysql_close ends the parent's session");
	free(child);
	client_finish(c);
}

Test(fork, child_gets_its_own_connection_shim)
{
	struct client *c = sqlpipe_start(WITH_SHIM, NULL, NULL);
	unsigned long parent_id = client_connection_id(c), child_id;
	char *child;
	const char *r;

	child = strdup(client_ask(c, "\\fork SELECT CONNECTION_ID()"));
	cr_assert(strncmp(child, "CHILD OK rows=1 first=", 22) == 0, "child: %s", child);
	child_id = first_value(child);
	r = client_read(c, MRT_REPLY_TIMEOUT_MS);
	cr_assert(r && strcmp(r, "FORKED") == 0, "expected FORKED, got %s", r ? r : "(none)");
	cr_assert_neq(child_id, parent_id, "the child used the parent's connection");
	cr_assert_str_eq(client_ask(c, "SELECT 2"), "OK rows=1 first=2",
			 "the parent's connection must survive the child's mysql_close");
	cr_assert_eq(client_connection_id(c), parent_id,
		     "the parent should still be on its own session");
	free(log_wait("event=fork_detected", NULL));
	free(log_wait("event=reconnected", "cause=fork", NULL));
	free(child);
	cr_assert_eq(client_finish(c), 0);
}
