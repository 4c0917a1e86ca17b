/* The shim interposes dlsym (x86-64) to reach programs that call the client
 * library only through dlsym()ed pointers, such as Tcl's tdbc::mysql.  Every
 * lookup but those must answer exactly as without the shim. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

TestSuite(dlsym, .init = mrt_setup, .fini = mrt_teardown, .timeout = 120);

static char *lookups(enum shim_mode mode)
{
	char prog[4096], module[4096];
	const char *argv[] = {prog, module, NULL};
	struct capture cap;
	char *out;

	snprintf(prog, sizeof(prog), "%s/dllookup", mrt()->bin);
	snprintf(module, sizeof(module), "%s/lookupmod.so", mrt()->bin);
	run_capture(mode, NULL, argv, &cap);
	cr_assert_eq(cap.status, 0, "dllookup failed: %s%s", cap.out, cap.err);
	out = strdup(cap.out);
	capture_free(&cap);
	return out;
}

/* Cuts off the last line (the client library's own mysql_real_query,
 * looked up in its handle) and returns it. */
static char *last_line(char *out)
{
	char *end = out + strlen(out) - 1, *start;

	*end = '\0';
	start = strrchr(out, '\n');
	cr_assert(start != NULL, "%s", out);
	*start = '\0';
	return start + 1;
}

Test(dlsym, lookups_answer_as_without_the_shim)
{
	char *plain = lookups(NO_SHIM), *shim = lookups(WITH_SHIM);
	char *plain_last = last_line(plain), *shim_last = last_line(shim);

	cr_assert(strstr(plain, "module-default(found)") && strstr(plain, "module-next(found)"),
		  "the module's own scope must be searched:\n%s", plain);
	cr_assert_str_eq(shim, plain, "a lookup answered differently with the shim");
	cr_assert_str_eq(plain_last, "module mysql_real_query: libmariadb.so.3 -");
	cr_assert_str_eq(shim_last, "module mysql_real_query: libmysqlreconnect.so -",
			 "the client library's own function is answered with the hook");
	free(plain);
	free(shim);
}

/* tdbc::mysql: a read after a KILL. */
static void tdbc_kill(enum shim_mode mode)
{
	struct client *c = tdbcpipe_start(mode);
	const char *r;

	cr_assert_str_eq(client_ask(c, "SELECT 1"), "OK rows=1 first=1");
	for (int round = 0; round < 2; round++) {
		char want[32], sql[32];

		kill_all_app_connections((unsigned long[16]){0}, 16);
		snprintf(sql, sizeof(sql), "SELECT %d", 10 + round);
		snprintf(want, sizeof(want), "OK rows=1 first=%d", 10 + round);
		r = client_ask(c, sql);
		if (mode == NO_SHIM) {
			assert_lost_error(r, "without the shim the KILL must reach the program");
			break;
		}
		cr_assert_str_eq(r, want, "round %d", round);
	}
	if (mode == WITH_SHIM)
		assert_recovery_logged(c->pid);
	client_finish(c);
}

Test(dlsym, tdbc_kill_noshim) { tdbc_kill(NO_SHIM); }
Test(dlsym, tdbc_kill_shim) { tdbc_kill(WITH_SHIM); }
