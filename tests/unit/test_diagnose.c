/* The cause of an incident, from its evidence (shim/diagnose.c): one case
 * per cause of the vocabulary, and the order in which evidence counts. */
#include <string.h>

/* Cases override the defaults of UP(). */
#pragma GCC diagnostic ignored "-Woverride-init"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "diagnose.h"

struct diagnosis_case {
	char what[48];
	struct evidence e;
	char cause[32];
};

/* Reconnected, server up for an hour, session timeout 28800 s, 5 s idle. */
#define UP(...)                                                                      \
	{                                                                            \
		.reconnected = true, .idle_ms = 5000, .since_success_ms = 5100,      \
		.timeout_s = 28800, .uptime_s = 3600, __VA_ARGS__                    \
	}
/* Not reconnected: every attempt failed with `err`. */
#define REFUSED(err) {.reconnect_errno = (err), .timeout_s = -1, .uptime_s = -1}

static struct diagnosis_case cases[] = {
	{"idle past wait_timeout", UP(.lost_errno = 2013, .idle_ms = 3100, .timeout_s = 3),
	 "wait_timeout"},
	{"idle to the second (resolution)", UP(.lost_errno = 2006, .idle_ms = 2400, .timeout_s = 3),
	 "wait_timeout"},
	{"MySQL 8 says so", UP(.lost_errno = 4031), "wait_timeout"},
	{"closed early, server up", UP(.lost_errno = 2013), "killed"},
	{"the server says killed", UP(.lost_errno = 1927), "killed"},
	{"uptime shorter than the outage", UP(.lost_errno = 2013, .uptime_s = 3), "server_restarted"},
	{"connection ids started over", UP(.lost_errno = 2013, .uptime_s = 0, .since_success_ms = 300,
					   .lost_thread_id = 40, .new_thread_id = 4), "server_restarted"},
	{"expired before the restart", UP(.lost_errno = 2013, .idle_ms = 36000000,
					  .since_success_ms = 36000100, .timeout_s = 28800,
					  .uptime_s = 3600), "wait_timeout"},
	{"another server behind a proxy", UP(.lost_errno = 2013, .lost_thread_id = 900,
					     .new_thread_id = 12), "killed"},
	{"a child that cannot reconnect", {.fork = true, .reconnect_errno = 2002, .timeout_s = -1,
					    .uptime_s = -1}, "server_down"},
	{"a young server, not restarted", UP(.lost_errno = 2013, .uptime_s = 0, .since_success_ms = 5,
					     .lost_thread_id = 4, .new_thread_id = 5), "killed"},
	{"announced shutdown", UP(.lost_errno = 1053, .uptime_s = 1), "server_shutdown"},
	{"refused all along", REFUSED(2002), "server_down"},
	{"TCP refused all along", REFUSED(2003), "server_down"},
	{"handshake dropped", REFUSED(2013), "network"},
	{"statement too long", UP(.lost_errno = 2006, .packet_too_large = true), "packet_too_large"},
	{"the server said too long", UP(.lost_errno = 1153), "packet_too_large"},
	{"program's read timeout", UP(.lost_errno = 2013, .read_timeout = true), "read_timeout"},
	{"program's write timeout", UP(.lost_errno = 2013, .write_timeout = true), "write_timeout"},
	{"longer than max_allowed_packet, seen after", UP(.lost_errno = 2006, .statement_bytes = 70000,
						       .max_packet = 65536), "packet_too_large"},
	{"long but it fits", UP(.lost_errno = 2013, .statement_bytes = 60000, .max_packet = 65536),
	 "killed"},
	{"password changed", REFUSED(1045), "access_denied"},
	{"host no longer allowed", REFUSED(1130), "host_not_allowed"},
	{"database dropped", REFUSED(1049), "unknown_database"},
	{"no such host", REFUSED(2005), "dns"},
	{"max_connections", REFUSED(1040), "too_many_connections"},
	{"max_user_connections", REFUSED(1226), "too_many_connections"},
	{"max_connect_errors", REFUSED(1129), "host_blocked"},
	{"caching_sha2_password after a restart, no TLS", REFUSED(2061),
	 "secure_transport_required"},
	{"a forked child", UP(.lost_errno = 2006, .fork = true), "fork"},
	{"nothing shown", {.reconnected = true, .timeout_s = -1, .uptime_s = -1}, "unknown"},
};

ParameterizedTestParameters(diagnose, causes)
{
	return cr_make_param_array(struct diagnosis_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct diagnosis_case *c, diagnose, causes)
{
	cr_expect_str_eq(cause_name(diagnose(&c->e)), c->cause, "%s", c->what);
}

Test(diagnose, every_cause_has_a_one_token_name_and_a_remedy)
{
	for (int k = CAUSE_UNKNOWN; k <= CAUSE_SECURE_TRANSPORT_REQUIRED; k++) {
		cr_expect_eq(strchr(cause_name((enum cause)k), ' '), NULL, "%d", k);
		cr_expect_gt(strlen(cause_remedy((enum cause)k)), 10, "%s", cause_name((enum cause)k));
	}
}

Test(diagnose, early_causes_need_no_reconnect)
{
	struct evidence e = {.lost_errno = 1053, .timeout_s = -1, .uptime_s = -1};

	cr_expect_str_eq(cause_name(diagnose_early(&e)), "server_shutdown");
	e.lost_errno = 2013;
	cr_expect_eq(diagnose_early(&e), CAUSE_UNKNOWN, "a plain loss needs the evidence");
}
