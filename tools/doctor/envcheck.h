/* envcheck.h - the MYSQL_RECONNECT_* settings a program would run with, and
 * whether the syslog socket they name is served. */
#ifndef DOCTOR_ENVCHECK_H
#define DOCTOR_ENVCHECK_H

#include <limits.h>
#include <stdbool.h>

#include "../../shim/config.h"

#define ENV_UNKNOWN_MAX 8

enum syslog_state { SYSLOG_UNUSED, SYSLOG_SERVED, SYSLOG_MISSING, SYSLOG_NOT_SOCKET,
		    SYSLOG_NOT_SERVED, SYSLOG_UNREACHABLE };

struct env_report {
	struct shim_config config;
	struct config_problems problems;
	unsigned unknown_count; /* MYSQL_RECONNECT_* names the library does not read,
				   and names within two edits of a setting's */
	char unknown[ENV_UNKNOWN_MAX][64];
	char near[ENV_UNKNOWN_MAX][64]; /* the setting it is likely meant to be, or "" */
	enum syslog_state syslog;
	char syslog_error[128];
	char preload_missing[PATH_MAX]; /* an LD_PRELOAD entry naming libmysqlreconnect
					   that does not exist, or "" */
};

/* `vars`: the environment to check ("NAME=value", NULL-terminated); `cwd`:
 * the directory a relative LD_PRELOAD entry is read from (a process's
 * /proc/PID/cwd), NULL for the doctor's own. */
void env_check(struct env_report *out, const char *const *vars, const char *cwd);

const char *env_syslog_name(enum syslog_state s);

#endif
