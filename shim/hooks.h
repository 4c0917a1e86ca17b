/* hooks.h - the exported hooks, by name. */
#ifndef MYSQL_RECONNECT_HOOKS_H
#define MYSQL_RECONNECT_HOOKS_H

/* The shim's hook for a client-library function name, or NULL. */
void *hook_named(const char *name);

#endif
