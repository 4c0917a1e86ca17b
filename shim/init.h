/* init.h - one-time set-up on the first intercepted call: configuration,
 * real symbols, fork handlers.  A process that never calls the client
 * library never runs any of it. */
#ifndef MYSQL_RECONNECT_INIT_H
#define MYSQL_RECONNECT_INIT_H

#include "config.h"

/* The configuration, read once (read-only afterwards). */
const struct shim_config *shim_config(void);

#endif
