/* Configuration parsing: defaults, valid values, and bad values that get
 * one problem each and fall back to the documented default. */
#include <criterion/criterion.h>
#include <string.h>
#include <syslog.h>

#include "config.h"

static const char *const *env_table;

static const char *lookup(const char *name)
{
	for (const char *const *e = env_table; e && *e; e += 2)
		if (strcmp(e[0], name) == 0)
			return e[1];
	return NULL;
}

static void parse(const char *const *env, struct shim_config *c, struct config_problems *p)
{
	env_table = env;
	config_parse(c, lookup, p);
}

Test(config, defaults)
{
	struct shim_config c;
	struct config_problems p;

	parse(NULL, &c, &p);
	cr_expect_eq(p.count, 0);
	cr_expect_eq(c.mode, SHIM_MODE_ON);
	cr_expect_eq(c.attempts, 0, "no cap: the budget decides");
	cr_expect_eq(c.budget_ms, 30000);
	cr_expect_eq(c.backoff_ms, 100);
	cr_expect_eq(c.backoff_max_ms, 2000);
	cr_expect_eq(c.log_targets, LOG_TO_SYSLOG);
	cr_expect_eq(c.facility, LOG_USER);
	cr_expect_not(c.log_statements);
	cr_expect_eq(c.method, METHOD_AUTO);
	cr_expect_eq(c.check_idle_ms, 10);
	cr_expect(c.session_tracking);
	cr_expect_str_eq(c.syslog_socket, "/dev/log");
}

Test(config, check_idle)
{
	static const char *const every[] = {"MYSQL_RECONNECT_CHECK_IDLE_MS", "0", NULL};
	static const char *const never[] = {"MYSQL_RECONNECT_CHECK_IDLE_MS", "OFF", NULL};
	static const char *const observe[] = {"MYSQL_RECONNECT", "observe",
					      "MYSQL_RECONNECT_CHECK_IDLE_MS", "5", NULL};
	struct shim_config c;
	struct config_problems p;

	parse(every, &c, &p);
	cr_expect_eq(p.count, 0);
	cr_expect_eq(c.check_idle_ms, 0, "0: before every call");
	parse(never, &c, &p);
	cr_expect_eq(c.check_idle_ms, CONFIG_CHECK_IDLE_OFF);
	parse(observe, &c, &p);
	cr_expect_eq(c.check_idle_ms, CONFIG_CHECK_IDLE_OFF, "observe changes nothing");
}

Test(config, valid_values)
{
	static const char *const env[] = {
		"MYSQL_RECONNECT", "Observe",
		"MYSQL_RECONNECT_ATTEMPTS", "3",
		"MYSQL_RECONNECT_BUDGET_MS", "0",
		"MYSQL_RECONNECT_BACKOFF_MS", "50",
		"MYSQL_RECONNECT_BACKOFF_MAX_MS", "400",
		"MYSQL_RECONNECT_LOG", "both",
		"MYSQL_RECONNECT_SYSLOG_FACILITY", "local3",
		"MYSQL_RECONNECT_LOG_STATEMENTS", "on",
		"MYSQL_RECONNECT_METHOD", "ping",
		"MYSQL_RECONNECT_SYSLOG_SOCKET", "/tmp/x/log.sock",
		NULL,
	};
	struct shim_config c;
	struct config_problems p;

	parse(env, &c, &p);
	cr_expect_eq(p.count, 0);
	cr_expect_eq(c.mode, SHIM_MODE_OBSERVE);
	cr_expect_eq(c.attempts, 3);
	cr_expect_eq(c.budget_ms, 0);
	cr_expect_eq(c.backoff_ms, 50);
	cr_expect_eq(c.backoff_max_ms, 400);
	cr_expect_eq(c.log_targets, LOG_TO_SYSLOG | LOG_TO_STDERR);
	cr_expect_eq(c.facility, LOG_LOCAL3);
	cr_expect(c.log_statements);
	cr_expect_eq(c.method, METHOD_PING);
	cr_expect_str_eq(c.syslog_socket, "/tmp/x/log.sock");
}

Test(config, off_and_empty)
{
	static const char *const env[] = {"MYSQL_RECONNECT", "off", "MYSQL_RECONNECT_ATTEMPTS", "",
					  NULL};
	struct shim_config c;
	struct config_problems p;

	parse(env, &c, &p);
	cr_expect_eq(p.count, 0, "an empty value means the default");
	cr_expect_eq(c.mode, SHIM_MODE_OFF);
	cr_expect_eq(c.attempts, 0);
}

struct bad_case {
	const char *variable;
	const char *value;
	const char *default_text;
};

Test(config, bad_values_fall_back_with_one_problem_each)
{
	static const struct bad_case cases[] = {
		{"MYSQL_RECONNECT", "maybe", "on"},
		{"MYSQL_RECONNECT_ATTEMPTS", "banana", "0"},
		{"MYSQL_RECONNECT_ATTEMPTS", "1001", "0"},
		{"MYSQL_RECONNECT_ATTEMPTS", "-3", "0"},
		{"MYSQL_RECONNECT_ATTEMPTS", "12abc", "0"},
		{"MYSQL_RECONNECT_ATTEMPTS", "99999999999999999999", "0"},
		{"MYSQL_RECONNECT_BUDGET_MS", "30s", "30000"},
		{"MYSQL_RECONNECT_BUDGET_MS", " 100", "30000"},
		{"MYSQL_RECONNECT_BACKOFF_MS", "0", "100"},
		{"MYSQL_RECONNECT_LOG", "file", "syslog"},
		{"MYSQL_RECONNECT_SYSLOG_FACILITY", "local9", "user"},
		{"MYSQL_RECONNECT_LOG_STATEMENTS", "sometimes", "off"},
		{"MYSQL_RECONNECT_METHOD", "magic", "auto"},
		{"MYSQL_RECONNECT_CHECK_IDLE_MS", "never", "10"},
		{"MYSQL_RECONNECT_SESSION_TRACKING", "maybe", "on"},
		{"MYSQL_RECONNECT_CHECK_IDLE_MS", "86400001", "10"},
		{"MYSQL_RECONNECT_SYSLOG_SOCKET", "relative/path", "/dev/log"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *env[] = {cases[i].variable, cases[i].value, NULL};
		struct shim_config c, d;
		struct config_problems p, q;

		parse(env, &c, &p);
		parse(NULL, &d, &q);
		cr_expect_eq(p.count, 1, "%s=%s: one problem", cases[i].variable, cases[i].value);
		if (p.count != 1)
			continue;
		cr_expect_str_eq(p.item[0].variable, cases[i].variable);
		cr_expect_str_eq(p.item[0].value, cases[i].value);
		cr_expect_str_eq(p.item[0].default_text, cases[i].default_text);
		cr_expect_neq(p.item[0].expected, NULL);
		cr_expect(memcmp(&c, &d, sizeof(c)) == 0, "%s=%s: defaults used",
			  cases[i].variable, cases[i].value);
	}
}

Test(config, long_values_are_truncated_in_the_report)
{
	char value[500];
	const char *env[] = {"MYSQL_RECONNECT_LOG", value, NULL};
	struct shim_config c;
	struct config_problems p;

	memset(value, 'x', sizeof(value) - 1);
	value[sizeof(value) - 1] = '\0';
	parse(env, &c, &p);
	cr_assert_eq(p.count, 1);
	cr_expect_eq(strlen(p.item[0].value), CONFIG_VALUE_MAX - 1);
}

Test(config, socket_path_too_long)
{
	char path[200] = "/";
	const char *env[] = {"MYSQL_RECONNECT_SYSLOG_SOCKET", path, NULL};
	struct shim_config c;
	struct config_problems p;

	memset(path + 1, 'a', 150);
	parse(env, &c, &p);
	cr_expect_eq(p.count, 1);
	cr_expect_str_eq(c.syslog_socket, "/dev/log");
}

Test(config, backoff_cap_never_below_first_delay)
{
	static const char *const env[] = {"MYSQL_RECONNECT_BACKOFF_MS", "500",
					  "MYSQL_RECONNECT_BACKOFF_MAX_MS", "100", NULL};
	struct shim_config c;
	struct config_problems p;

	parse(env, &c, &p);
	cr_expect_eq(c.backoff_max_ms, 500);
}
