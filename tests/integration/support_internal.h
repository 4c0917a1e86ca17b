/* support_internal.h - what the files of the integration helpers share
 * (support.c, support_client.c, support_server.c, support_syslog.c); the
 * scenarios see only support.h. */
#ifndef MRT_SUPPORT_INTERNAL_H
#define MRT_SUPPORT_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>

#include <criterion/criterion.h>

#include "support.h"

/* The helpers themselves are the functions: the location stays the test's. */
#undef client_ask
#undef client_ok
#undef client_read
#undef client_connection_id
#undef client_finish
#undef assert_lost_error
#undef assert_ok
#undef admin_exec
#undef admin_scalar
#undef wait_connection_gone
#undef kill_and_wait
#undef server_ctl
#undef log_wait

#define MAX_CLIENTS 32

/* The helpers' assertions: the message begins with the test's own line. */
#define mrt_assert(cond, fmt, ...) cr_assert(cond, "%s: " fmt, mrt_where(), ##__VA_ARGS__)
#define mrt_assert_fail(fmt, ...) cr_assert_fail("%s: " fmt, mrt_where(), ##__VA_ARGS__)

/* support.c: small utilities */
char *xstrdup(const char *s);
char *vformat(const char *fmt, va_list ap);
const char *need_env(const char *name);

/* support_client.c: the clients of the running test, spawning, waiting */
extern struct client *clients[MAX_CLIENTS];
char **build_env(enum shim_mode mode, const char *const *extra);
void exec_child(int in_fd, int out_fd, int err_fd, char **argv, char **env);
bool wait_exit(pid_t pid, int timeout_ms, int *status);

/* support_server.c: the admin session and the server */
extern bool server_down;
void admin_disconnect(void);

#endif
