/* dlhost - stands in for an interpreter (Perl, Python, Ruby) that does not
 * link the MySQL client library itself but loads an extension module that
 * does, with RTLD_LOCAL.  In such a process dlsym(RTLD_NEXT, ...) from a
 * preloaded library finds no client library functions.
 *
 *   dlhost MODULE.so [sqlpipe options...]
 *
 * Calls the module's sqlpipe_main(argc, argv) with argv[0] = MODULE. */
#include <dlfcn.h>
#include <stdio.h>

typedef int (*sqlpipe_main_fn)(int argc, char **argv);

int main(int argc, char **argv)
{
	void *module;
	sqlpipe_main_fn entry;

	if (argc < 2) {
		fprintf(stderr, "usage: dlhost MODULE.so [args...]\n");
		return 64;
	}
	module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!module) {
		fprintf(stderr, "dlhost: %s\n", dlerror());
		return 70;
	}
	/* POSIX allows converting dlsym's object pointer to a function pointer. */
	*(void **)&entry = dlsym(module, "sqlpipe_main");
	if (!entry) {
		fprintf(stderr, "dlhost: %s\n", dlerror());
		return 70;
	}
	return entry(argc - 1, argv + 1);
}
