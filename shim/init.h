/* init.h - one-time set-up on the first intercepted call: configuration,
 * real symbols, fork handlers.  A process that never calls the client
 * library never runs any of it. */
#ifndef MYSQL_RECONNECT_INIT_H
#define MYSQL_RECONNECT_INIT_H

#include <stdatomic.h>
#include <stdbool.h>

#include "config.h"

extern struct shim_config shim_config_read;
extern atomic_bool shim_config_ready;
const struct shim_config *shim_config_first(void);

/* The configuration, read once (read-only afterwards): one load once
 * read. */
static inline const struct shim_config *shim_config(void)
{
	if (__builtin_expect(atomic_load_explicit(&shim_config_ready, memory_order_acquire), 1))
		return &shim_config_read;
	return shim_config_first();
}

#endif
