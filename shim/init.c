/* init.c - configuration, fork handlers and the first log lines. */
#include "init.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "client.h"
#include "conn.h"
#include "events.h"
#include "log.h"
#include "mutex.h"
#include "real.h"
#include "server.h"
#include "stmt.h"

struct shim_config shim_config_read;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static const char *lookup_env(const char *name)
{
	/* secure_getenv: a set-uid program's caller must not steer it. */
	return secure_getenv(name);
}

static void atfork_prepare(void)
{
	log_atfork_prepare();
	conn_atfork_prepare();
	stmt_atfork_prepare();
	server_atfork_prepare();
}

static void atfork_parent(void)
{
	server_atfork_parent();
	stmt_atfork_parent();
	conn_atfork_parent();
	log_atfork_parent();
}

static void atfork_child(void)
{
	server_atfork_child();
	stmt_atfork_child();
	conn_atfork_child();
	log_atfork_child();
}

/* A feature the client library cannot support is off from the start, as
 * a setting: it then costs nothing on any call (no idle check without the
 * library's socket, no tracking without its tracking functions, nothing
 * but observing on a library the shim does not know). */
static void apply_library_features(void)
{
	unsigned features = client_choose(real_api());
	char off[96], missing[384];

	if (features == FEATURE_ALL)
		return;
	snprintf(missing, sizeof(missing), "%s%s%s", real_missing(),
		 real_missing()[0] && client_lib.missing[0] ? "," : "", client_lib.missing);
	event_library_features(&shim_config_read, client_lib.name, client_lib.library != CLIENT_UNKNOWN,
			       missing,
			       real_feature_names(FEATURE_ALL & ~features, off, sizeof(off)),
			       !(features & FEATURE_CALLS));
	if (!(features & FEATURE_CALLS))
		shim_config_read.mode = SHIM_MODE_OFF;
	else if (!(features & FEATURE_RECOVERY) && shim_config_read.mode == SHIM_MODE_ON)
		shim_config_read.mode = SHIM_MODE_OBSERVE; /* losses are logged, nothing changed */
	if (!(features & FEATURE_IDLE_CHECK))
		shim_config_read.check_idle_ms = CONFIG_CHECK_IDLE_OFF;
	if (!(features & FEATURE_TRACKING))
		shim_config_read.session_tracking = false;
}

static void init(void)
{
	struct config_problems problems;

	config_parse(&shim_config_read, lookup_env, &problems);
	for (unsigned i = 0; i < problems.count; i++)
		event_config_invalid(&shim_config_read, &problems.item[i]);
	if (shim_config_read.mode == SHIM_MODE_OFF)
		return;
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	apply_library_features();
}

/* Checked before pthread_once (init.h) so that a read configuration
 * costs one load. */
atomic_bool shim_config_ready;

const struct shim_config *shim_config_first(void)
{
	pthread_once(&init_once, init);
	atomic_store_explicit(&shim_config_ready, true, memory_order_release);
	return &shim_config_read;
}
