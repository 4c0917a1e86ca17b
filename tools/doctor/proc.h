/* proc.h - what a running process has loaded, from /proc. */
#ifndef DOCTOR_PROC_H
#define DOCTOR_PROC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct proc_report {
	int pid;
	char exe[PATH_MAX];           /* /proc/PID/exe, or "" when not readable */
	char exe_error[128];
	int exe_errno;                 /* why exe could not be read: ENOENT for a kernel thread */
	bool maps_read;
	char client_library[PATH_MAX]; /* mapped client library, or "" */
	char shim[PATH_MAX];           /* mapped libmysqlreconnect, or "" */
	char *environ;                 /* NUL-separated, or NULL when not readable */
	size_t environ_len;
	char environ_error[128];
};

/* True when `text` is a process id of a live process. */
bool proc_is_pid(const char *text, int *pid);

/* Fills `out`; free with proc_release. */
void proc_inspect(int pid, struct proc_report *out);
void proc_release(struct proc_report *r);

/* A variable of the process's environment, or NULL. */
const char *proc_getenv(const struct proc_report *r, const char *name);

#endif
