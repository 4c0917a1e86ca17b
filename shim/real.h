/* real.h - the client library's own functions, found at run time.
 *
 * The shim never links the client library.  The table is bound once, on
 * the first intercepted call (by then the caller's client library is
 * loaded), first with dlsym(RTLD_NEXT) and, when the library was
 * dlopen()ed RTLD_LOCAL by an extension module, from the loaded object
 * itself.  A symbol that would resolve to the shim is refused.  The list
 * is hooks.def. */
#ifndef MYSQL_RECONNECT_REAL_H
#define MYSQL_RECONNECT_REAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

/* What the shim does depends on what the library it found exports: each
 * function in hooks.def names the features that need it.  A library that
 * lacks one has those features off; never a call through NULL. */
enum real_feature {
	FEATURE_CALLS = 1u << 0,      /* follow calls at all; without it, pass through */
	FEATURE_RECOVERY = 1u << 1,   /* transaction record, reconnect in place, restore */
	FEATURE_IDLE_CHECK = 1u << 2, /* look at an idle connection's socket */
	FEATURE_FORK = 1u << 3,       /* a forked child's own connection */
	FEATURE_TRACKING = 1u << 4,   /* the server's session tracking */
};
#define FEATURE_ALL 0x1fu

struct real_api {
#define HOOK(name, ret, params, needed_by) ret(*name) params;
#define REAL HOOK
#include "hooks.def"
};

/* Bound on first use (pthread_once); entries may be NULL.  One load once
 * bound. */
extern struct real_api real_api_bound;
extern atomic_bool real_api_ready;
const struct real_api *real_api_first(void);

static inline const struct real_api *real_api(void)
{
	if (__builtin_expect(atomic_load_explicit(&real_api_ready, memory_order_acquire), 1))
		return &real_api_bound;
	return real_api_first();
}

/* The function bound for a name in the table, or NULL. */
void *real_bound(const char *name);

/* The features the bound library's functions allow (FEATURE_*); the
 * client-library layer (client.h) narrows them to what it knows of the
 * library itself. */
unsigned real_features(void);

/* Comma-separated names of the functions some feature needed that could
 * not be bound, or "". */
const char *real_missing(void);

/* "recovery,idle_check": the names of the FEATURE_* bits. */
const char *real_feature_names(unsigned bits, char *buf, size_t size);

#endif
