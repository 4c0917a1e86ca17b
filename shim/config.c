/* config.c - parse MYSQL_RECONNECT_* variables into one struct.
 *
 * Pure: the caller passes the lookup function (secure_getenv in the shim,
 * a table in the unit tests).  A bad value never stops anything: it is
 * recorded as a problem and the documented default is used. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

struct named_value {
	const char *name;
	int value;
};

static const struct named_value mode_names[] = {
	{"on", SHIM_MODE_ON},      {"1", SHIM_MODE_ON},       {"yes", SHIM_MODE_ON},
	{"true", SHIM_MODE_ON},    {"off", SHIM_MODE_OFF},    {"0", SHIM_MODE_OFF},
	{"no", SHIM_MODE_OFF},     {"false", SHIM_MODE_OFF},  {"observe", SHIM_MODE_OBSERVE},
	{NULL, 0},
};

static const struct named_value bool_names[] = {
	{"on", 1}, {"1", 1}, {"yes", 1}, {"true", 1},
	{"off", 0}, {"0", 0}, {"no", 0}, {"false", 0},
	{NULL, 0},
};

static const struct named_value log_names[] = {
	{"syslog", LOG_TO_SYSLOG},
	{"stderr", LOG_TO_STDERR},
	{"both", LOG_TO_SYSLOG | LOG_TO_STDERR},
	{"none", 0},
	{NULL, 0},
};

static const struct named_value method_names[] = {
	{"auto", METHOD_AUTO}, {"reconnect", METHOD_RECONNECT}, {"ping", METHOD_PING},
	{NULL, 0},
};

static const struct named_value facility_names[] = {
	{"user", LOG_USER},     {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0},
	{"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
	{"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
	{"local7", LOG_LOCAL7}, {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV},
	{"cron", LOG_CRON},     {"mail", LOG_MAIL},     {"syslog", LOG_SYSLOG},
	{NULL, 0},
};

static void add_problem(struct config_problems *p, const char *variable,
			const char *value, const char *expected,
			const char *default_text)
{
	struct config_problem *item;

	if (p->count >= CONFIG_PROBLEMS_MAX)
		return;
	item = &p->item[p->count++];
	item->variable = variable;
	item->expected = expected;
	item->default_text = default_text;
	strncpy(item->value, value, sizeof(item->value) - 1);
	item->value[sizeof(item->value) - 1] = '\0';
}

/* Unset and empty both mean "use the default". */
static const char *lookup_set(config_lookup_fn lookup, const char *name)
{
	const char *v = lookup(name);

	return v && *v ? v : NULL;
}

static bool find_name(const struct named_value *table, const char *text, int *out)
{
	for (; table->name; table++) {
		if (strcasecmp(table->name, text) == 0) {
			*out = table->value;
			return true;
		}
	}
	return false;
}

static int parse_named(config_lookup_fn lookup, struct config_problems *p,
		       const char *variable, const struct named_value *table,
		       const char *expected, const char *default_text, int fallback)
{
	const char *text = lookup_set(lookup, variable);
	int value;

	if (!text)
		return fallback;
	if (find_name(table, text, &value))
		return value;
	add_problem(p, variable, text, expected, default_text);
	return fallback;
}

/* Decimal digits only, within [min, max]. */
static bool parse_unsigned(const char *text, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*text < '0' || *text > '9')
		return false;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static unsigned parse_number(config_lookup_fn lookup, struct config_problems *p,
			     const char *variable, unsigned min, unsigned max,
			     const char *expected, const char *default_text,
			     unsigned fallback)
{
	const char *text = lookup_set(lookup, variable);
	unsigned value;

	if (!text)
		return fallback;
	if (parse_unsigned(text, min, max, &value))
		return value;
	add_problem(p, variable, text, expected, default_text);
	return fallback;
}

/* "off", or milliseconds. */
static unsigned parse_check_idle(config_lookup_fn lookup, struct config_problems *p)
{
	static const char variable[] = "MYSQL_RECONNECT_CHECK_IDLE_MS";
	const char *text = lookup_set(lookup, variable);
	unsigned value;

	if (!text)
		return CONFIG_CHECK_IDLE_DEFAULT;
	if (strcasecmp(text, "off") == 0)
		return CONFIG_CHECK_IDLE_OFF;
	if (parse_unsigned(text, 0, CONFIG_CHECK_IDLE_MAX, &value))
		return value;
	add_problem(p, variable, text, "off, or milliseconds from 0 to 86400000", "10");
	return CONFIG_CHECK_IDLE_DEFAULT;
}

static void parse_socket(struct shim_config *c, config_lookup_fn lookup,
			 struct config_problems *p)
{
	const char *text = lookup_set(lookup, "MYSQL_RECONNECT_SYSLOG_SOCKET");

	strcpy(c->syslog_socket, "/dev/log");
	if (!text)
		return;
	if (text[0] != '/' || strlen(text) >= sizeof(c->syslog_socket)) {
		add_problem(p, "MYSQL_RECONNECT_SYSLOG_SOCKET", text,
			    "an absolute path shorter than 108 bytes", "/dev/log");
		return;
	}
	strcpy(c->syslog_socket, text);
}

void config_parse(struct shim_config *c, config_lookup_fn lookup,
		  struct config_problems *p)
{
	memset(c, 0, sizeof(*c));
	memset(p, 0, sizeof(*p));
	c->mode = parse_named(lookup, p, "MYSQL_RECONNECT", mode_names,
			      "on, off or observe", "on", SHIM_MODE_ON);
	c->attempts = parse_number(lookup, p, "MYSQL_RECONNECT_ATTEMPTS", 0, 1000,
				   "a whole number from 0 (no cap) to 1000", "0", 0);
	c->budget_ms = parse_number(lookup, p, "MYSQL_RECONNECT_BUDGET_MS", 0, 3600000,
				    "milliseconds from 0 to 3600000", "30000", 30000);
	c->backoff_ms = parse_number(lookup, p, "MYSQL_RECONNECT_BACKOFF_MS", 1, 600000,
				     "milliseconds from 1 to 600000", "100", 100);
	c->backoff_max_ms = parse_number(lookup, p, "MYSQL_RECONNECT_BACKOFF_MAX_MS", 1,
					 600000, "milliseconds from 1 to 600000",
					 "2000", 2000);
	if (c->backoff_max_ms < c->backoff_ms)
		c->backoff_max_ms = c->backoff_ms;
	c->log_targets = (unsigned)parse_named(lookup, p, "MYSQL_RECONNECT_LOG", log_names,
					       "syslog, stderr, both or none", "syslog",
					       LOG_TO_SYSLOG);
	c->facility = parse_named(lookup, p, "MYSQL_RECONNECT_SYSLOG_FACILITY",
				  facility_names, "user, daemon or local0 to local7",
				  "user", LOG_USER);
	c->log_statements = parse_named(lookup, p, "MYSQL_RECONNECT_LOG_STATEMENTS",
					bool_names, "on or off", "off", 0);
	c->method = parse_named(lookup, p, "MYSQL_RECONNECT_METHOD", method_names,
				"auto, reconnect or ping", "auto", METHOD_AUTO);
	c->session_tracking = parse_named(lookup, p, "MYSQL_RECONNECT_SESSION_TRACKING",
					  bool_names, "on or off", "on", 1);
	c->check_idle_ms = parse_check_idle(lookup, p);
	if (c->mode != SHIM_MODE_ON)
		c->check_idle_ms = CONFIG_CHECK_IDLE_OFF; /* observe changes nothing */
	parse_socket(c, lookup, p);
}
