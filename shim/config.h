/* config.h - the shim's settings, read once from the environment. */
#ifndef MYSQL_RECONNECT_CONFIG_H
#define MYSQL_RECONNECT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum shim_mode { SHIM_MODE_OFF, SHIM_MODE_OBSERVE, SHIM_MODE_ON };

enum reconnect_method {
	METHOD_AUTO,      /* mariadb_reconnect() where exported, else ping */
	METHOD_RECONNECT, /* mariadb_reconnect() */
	METHOD_PING,      /* mysql_ping() with MYSQL_OPT_RECONNECT for that call */
};

#define LOG_TO_SYSLOG 0x1u
#define LOG_TO_STDERR 0x2u

#define CONFIG_SOCKET_MAX 108 /* sizeof(sun_path) */
#define CONFIG_PROBLEMS_MAX 12
#define CONFIG_VALUE_MAX 64

struct shim_config {
	enum shim_mode mode;
	unsigned attempts;       /* cap on reconnect attempts per incident; 0: none,
				    the budget decides */
	unsigned budget_ms;      /* total time one incident may take */
	unsigned backoff_ms;     /* first delay between attempts */
	unsigned backoff_max_ms; /* delay cap */
	unsigned log_targets;    /* LOG_TO_* */
	int facility;            /* syslog facility code (LOG_USER, ...) */
	bool log_statements;     /* statement text in the log (truncated) */
	enum reconnect_method method;
	bool session_tracking;   /* turn on the server's session tracking */
	unsigned check_idle_ms;  /* peek at the socket of a connection idle this
				    long before a call; CONFIG_CHECK_IDLE_OFF: never */
	char syslog_socket[CONFIG_SOCKET_MAX];
};

/* One rejected environment value: reported once, the default is used. */
struct config_problem {
	const char *variable;
	char value[CONFIG_VALUE_MAX]; /* truncated copy for the message */
	const char *expected;
	const char *default_text;
};

struct config_problems {
	unsigned count;
	struct config_problem item[CONFIG_PROBLEMS_MAX];
};

typedef const char *(*config_lookup_fn)(const char *name);

/* Pure: fills `out` from `lookup` (defaults where unset or invalid). */
void config_parse(struct shim_config *out, config_lookup_fn lookup,
		  struct config_problems *problems);

#define CONFIG_CHECK_IDLE_OFF 0xffffffffu
/* A check costs one recv(MSG_PEEK) (make bench), only on a call that
 * follows this much idleness: a program that calls back to back pays
 * nothing, and a writer idle for tens of milliseconds whose connection was
 * killed meanwhile sends its INSERT once, on a fresh connection, instead
 * of into the dead socket (2013, outcome unknown). */
#define CONFIG_CHECK_IDLE_DEFAULT 10u
#define CONFIG_CHECK_IDLE_MAX 86400000u /* one day */

/* Statement text logged at most this many bytes. */
#define CONFIG_STATEMENT_LOG_MAX 256

#endif
