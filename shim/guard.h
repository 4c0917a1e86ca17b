/* guard.h - thread-local re-entry guard.
 *
 * While the shim runs a real client-library call, calls that come back
 * into the hooks (mysql_query -> mysql_real_query through the PLT,
 * mariadb_reconnect -> mysql_real_connect/mysql_close, the shim's own
 * recovery) pass straight through: one application call is handled once. */
#ifndef MYSQL_RECONNECT_GUARD_H
#define MYSQL_RECONNECT_GUARD_H

#include <stdbool.h>

extern __thread unsigned shim_guard_depth;

static inline bool guard_active(void)
{
	return shim_guard_depth != 0;
}

static inline void guard_enter(void)
{
	shim_guard_depth++;
}

static inline void guard_leave(void)
{
	shim_guard_depth--;
}

#endif
