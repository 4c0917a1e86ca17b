/* libc_dlsym.c - the C library's own dlsym (dlsym.h), found once: the
 * shim's lookups (real.c) and the interposed entry (dlsym.c) both use it,
 * so it lives below both. */
#include "dlsym.h"

#include <dlfcn.h>
#include <stddef.h>

#if defined(__x86_64__)

void *shim_libc_dlsym;

/* May run before a sanitizer runtime is initialised (it looks its real
 * functions up with dlsym): no instrumentation. */
#define UNINSTRUMENTED __attribute__((no_sanitize("address", "thread", "undefined")))

UNINSTRUMENTED void *shim_dlsym_init(void)
{
	void *fn = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");

	if (!fn)
		fn = dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
	__atomic_store_n(&shim_libc_dlsym, fn, __ATOMIC_RELEASE);
	return fn;
}

void *dlsym_libc(void *handle, const char *name)
{
	void *(*libc_dlsym)(void *, const char *) = shim_libc_dlsym;

	if (!libc_dlsym)
		libc_dlsym = shim_dlsym_init();
	return libc_dlsym ? libc_dlsym(handle, name) : NULL;
}

#else

void *dlsym_libc(void *handle, const char *name)
{
	return dlsym(handle, name);
}

#endif
