/* dlsym.h - the interposed dlsym (x86-64), and the C library's own for the
 * shim's lookups. */
#ifndef MYSQL_RECONNECT_DLSYM_H
#define MYSQL_RECONNECT_DLSYM_H

/* The C library's dlsym, as if the shim called it directly (RTLD_NEXT is
 * relative to the shim). */
void *dlsym_libc(void *handle, const char *name);

#endif
