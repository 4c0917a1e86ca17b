/* dlsym.h - the interposed dlsym (x86-64), and the C library's own for the
 * shim's lookups. */
#ifndef MYSQL_RECONNECT_DLSYM_H
#define MYSQL_RECONNECT_DLSYM_H

/* The C library's dlsym, as if the shim called it directly (RTLD_NEXT is
 * relative to the shim). */
void *dlsym_libc(void *handle, const char *name);

#if defined(__x86_64__)
/* The C library's dlsym once found, NULL before (libc_dlsym.c); the
 * interposed entry (dlsym.c) jumps through it, and finds it first with
 * shim_dlsym_init. */
extern void *shim_libc_dlsym __attribute__((visibility("hidden")));
void *shim_dlsym_init(void) __attribute__((visibility("hidden")));
#endif

#endif
