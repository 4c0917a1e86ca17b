/* dllookup - prints what dlsym() answers for lookups of every kind, so that
 * a test can compare the answers with and without the shim preloaded (which
 * interposes dlsym): a real handle, RTLD_DEFAULT and RTLD_NEXT from the
 * program and from a module loaded RTLD_LOCAL (lookupmod.so, which links
 * the client library: only its own scope has it), missing names and their
 * dlerror() text.  One line per lookup: "<what>: <object>|NULL <dlerror>". */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static const char *object_of(void *fn)
{
	Dl_info info;
	const char *slash;

	if (!fn)
		return "NULL";
	if (!dladdr(fn, &info) || !info.dli_fname)
		return "?";
	slash = strrchr(info.dli_fname, '/');
	return slash ? slash + 1 : info.dli_fname;
}

static void show(const char *what, void *handle, const char *name)
{
	void *fn;
	const char *err;

	dlerror();
	fn = dlsym(handle, name);
	err = dlerror();
	printf("%s %s: %s %s\n", what, name, object_of(fn), err ? err : "-");
}

int main(int argc, char **argv)
{
	void *libm = dlopen("libm.so.6", RTLD_NOW | RTLD_LOCAL);
	void *mod = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
	void (*run)(void (*)(const char *, void *, const char *));

	if (!libm || !mod) {
		printf("dlopen failed: %s\n", dlerror());
		return 1;
	}
	show("libm", libm, "cos");
	show("libm", libm, "no_such_symbol");
	show("default", RTLD_DEFAULT, "printf");
	show("default", RTLD_DEFAULT, "mysql_get_client_info");
	show("default", RTLD_DEFAULT, "no_such_symbol");
	show("next", RTLD_NEXT, "malloc");
	show("next", RTLD_NEXT, "mysql_get_client_info");
	show("next", RTLD_NEXT, "no_such_symbol");
	show("module", mod, "mysql_get_client_info");
	*(void **)&run = dlsym(mod, "lookupmod_run");
	if (run)
		run(show);
	/* Last, the one answer the shim changes: its hook, which forwards to
	 * exactly this function. */
	show("module", mod, "mysql_real_query");
	return 0;
}
