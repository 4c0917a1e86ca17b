/* lookupmod - loaded RTLD_LOCAL by dllookup: lookups made from inside a
 * module see its own scope (the client library it links), which only the
 * caller's address tells dlsym. */
#include <dlfcn.h>

#include <mysql.h>

__attribute__((visibility("default"))) void
lookupmod_run(void (*show)(const char *, void *, const char *));

/* Calls dlsym itself (not through show) so that the caller is this module. */
static void *last;

__attribute__((visibility("default"))) void
lookupmod_run(void (*show)(const char *, void *, const char *))
{
	last = dlsym(RTLD_DEFAULT, "mysql_get_client_info");
	show(last ? "module-default(found)" : "module-default(none)", RTLD_DEFAULT, "abs");
	last = dlsym(RTLD_NEXT, "mysql_get_client_info");
	show(last ? "module-next(found)" : "module-next(none)", RTLD_DEFAULT, "abs");
	(void)mysql_get_client_info; /* links the client library */
}
