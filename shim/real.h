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

#include <mysql.h>

struct real_api {
#define HOOK(name, ret, params, required) ret(*name) params;
#define REAL HOOK
#include "hooks.def"
};

/* Bound on first use (pthread_once); entries may be NULL. */
const struct real_api *real_api(void);

/* The function bound for a name in the table, or NULL. */
void *real_bound(const char *name);

/* Comma-separated names of required symbols that could not be bound, or "". */
const char *real_missing(void);

#endif
