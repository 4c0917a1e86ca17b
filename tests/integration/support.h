/* support.h - helpers for the integration scenarios.
 *
 * The test binary links libmariadb for its own admin connection and is never
 * preloaded.  Client programs (build/tests/sqlpipe, ...) are spawned with or
 * without the shim and driven line by line through pipes.  The environment
 * comes from tests/harness/env.sh (MRT_*), set up by run-integration. */
#ifndef MRT_SUPPORT_H
#define MRT_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Upper bound for anything we poll for; failures say what was awaited. */
#define MRT_TIMEOUT_MS 30000
/* A log line arrives within milliseconds of the event: waiting longer only
 * makes a broken shim's run slow. */
#define MRT_LOG_TIMEOUT_MS 10000
/* Reading a response: longer than the shim's default 30 s budget. */
#define MRT_REPLY_TIMEOUT_MS 45000

/* Monotonic milliseconds; a short pause between two looks at a condition. */
long long mrt_now_ms(void);
void mrt_poll_pause(void);

struct mrt_env {
	const char *dir, *host, *socket, *syslog_socket, *syslog_file;
	const char *app_user, *app_password, *db, *admin_user, *admin_password;
	const char *shim, *bin, *server, *wrapper;
	unsigned port;
};

/* The MRT_* environment (fails the test if incomplete). */
const struct mrt_env *mrt(void);

/* Every test: .init = mrt_setup, .fini = mrt_teardown.  Setup marks the
 * syslog offset; teardown kills leftover clients, restores globals and
 * restarts the server if a test left it stopped. */
void mrt_setup(void);
void mrt_teardown(void);

/* --- client processes ------------------------------------------------------ */

enum shim_mode {
	NO_SHIM,      /* plain run: the control */
	WITH_SHIM,    /* LD_PRELOAD=$MRT_SHIM */
	WITH_WRAPPER, /* build/mysql-reconnect PROGRAM ARGS... */
};

struct client {
	pid_t pid;
	int to_child;   /* its stdin */
	int from_child; /* its stdout */
	char buf[16384];
	size_t len;
	char line[8192]; /* the last line read */
	bool exited;
	int status;
	const char *name;
};

/* Spawn argv[0] (a path) with stdin/stdout on pipes, stderr inherited.
 * The environment is ours minus LD_PRELOAD and MYSQL_RECONNECT*, plus
 * MYSQL_RECONNECT_SYSLOG_SOCKET, plus LD_PRELOAD per mode, plus extra_env
 * ("NAME=value" strings, NULL-terminated, may be NULL). */
struct client *client_spawn(enum shim_mode mode, const char *const *extra_env,
			    const char *const *argv);

/* True when MRT_TRANSPORT=socket: clients connect to "localhost" over the
 * server's Unix socket instead of TCP (the runner sets it for a second pass). */
bool mrt_over_socket(void);

/* sqlpipe with the app credentials (TCP, or the Unix socket when
 * mrt_over_socket()), plus extra_args (may be NULL). */
struct client *sqlpipe_start(enum shim_mode mode, const char *const *extra_env,
			     const char *const *extra_args);
/* The same client as an extension module loaded RTLD_LOCAL by dlhost. */
struct client *dlhost_start(enum shim_mode mode, const char *const *extra_env,
			    const char *const *extra_args);
/* A program that calls the client library only through dlsym()ed pointers:
 * the shim never sees it connect and must adopt its handle. */
struct client *dlsymhost_start(enum shim_mode mode);
/* tests/clients/dbipipe.pl under /usr/bin/perl: a DBI program with
 * RaiseError and AutoCommit off; driver "mysql" or "MariaDB". */
struct client *dbipipe_start(enum shim_mode mode, const char *driver);
/* tests/clients/mysql2pipe.rb under /usr/bin/ruby: Ruby mysql2, which sends
 * with mysql_send_query; reconnect: its `reconnect: true`. */
struct client *mysql2pipe_start(enum shim_mode mode, bool reconnect);
/* tests/clients/mysqldbpipe.py under /usr/bin/python3: Python MySQLdb,
 * autocommit off as by default. */
struct client *mysqldbpipe_start(enum shim_mode mode);
/* tests/clients/tdbcpipe.tcl under tclsh8.6: Tcl's tdbc::mysql, which
 * reaches the client library only through dlsym(). */
struct client *tdbcpipe_start(enum shim_mode mode);
/* tests/clients/mysqltclpipe.tcl: Tcl's mysqltcl, linked with the library. */
struct client *mysqltclpipe_start(enum shim_mode mode);
/* tests/clients/luasqlpipe.lua under lua5.1: LuaSQL's MySQL driver. */
struct client *luasqlpipe_start(enum shim_mode mode);
/* A client of MariaDB's non-blocking API (mysql_*_start/_cont). */
struct client *nonblock_start(enum shim_mode mode);
/* The multi-threaded client; waits for its READY line. */
struct client *threads_start(enum shim_mode mode, int nthreads);

void client_send(struct client *c, const char *line);
/* The next line, or NULL on timeout or EOF. */
const char *client_read(struct client *c, int timeout_ms);
/* Send a line and return the response; fails the test if none comes. */
const char *client_ask(struct client *c, const char *line);
/* client_ask + the response must start with "OK". */
const char *client_ok(struct client *c, const char *line);
/* The client's server-side connection id (asks SELECT CONNECTION_ID()). */
unsigned long client_connection_id(struct client *c);
/* Close its stdin, wait (bounded) for it to exit; returns the wait status. */
int client_finish(struct client *c);
/* SIGKILL and reap (used by teardown for leftovers). */
void client_kill(struct client *c);

/* True for "ERR <n> ..." with n one of the connection-loss errors
 * (2006, 2013, 1927, 4031, 2026 over TLS). */
bool is_lost_error(const char *response);
void assert_lost_error(const char *response, const char *context);
void assert_ok(const char *response, const char *context);

/* Run a program to completion capturing stdout and stderr (malloc'ed). */
struct capture {
	char *out, *err;
	size_t out_len, err_len;
	int status;
	pid_t pid;
};
void run_capture(enum shim_mode mode, const char *const *extra_env,
		 const char *const *argv, struct capture *cap);
void capture_free(struct capture *cap);

/* --- admin connection (root-like, never preloaded) -------------------------- */

/* Run SQL (printf-style); fails the test on error.  Reconnects once when the
 * server was restarted under it. */
void admin_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* First column of the first row as a number (-1 for NULL / no row). */
long long admin_scalar(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* KILL a connection; an id that is already gone is fine. */
void admin_kill(unsigned long id);
/* Ids of the app user's connections (never the admin's own); returns count. */
int app_connection_ids(unsigned long *ids, int max);
bool connection_exists(unsigned long id);
/* Poll until the id is no longer in the processlist. */
void wait_connection_gone(unsigned long id);
/* KILL + wait gone. */
void kill_and_wait(unsigned long id);
/* KILL every app connection, wait until all are gone; returns how many. */
int kill_all_app_connections(unsigned long *killed, int max);
/* SET GLOBAL wait_timeout; teardown restores the original value. */
void set_global_wait_timeout(int seconds);
void restore_global_wait_timeout(void);
/* (Re)create apptest.<table> (seq INT NOT NULL, no key: duplicates show). */
void create_seq_table(const char *table);
/* How many rows of apptest.<table> have this seq. */
long long count_seq(const char *table, long long seq);
long long count_rows(const char *table);

/* --- server control (tests/harness/server) ---------------------------------- */

void server_ctl(const char *action); /* start, stop, kill9, restart */

/* --- syslog file ------------------------------------------------------------ */

/* Remember the current end of the syslog file (done by mrt_setup). */
void log_mark(void);
/* Make sure everything sent to the syslog socket so far is in the file: send
 * a barrier message and wait for it (one socket, one queue: order is kept). */
void log_barrier(void);
/* Poll until a line after the mark contains every needle (NULL-terminated);
 * returns it (malloc'ed); fails the test with the log on timeout.  A needle
 * "key=value" matches as a whole space-separated token. */
char *log_wait(const char *needle, ...) __attribute__((sentinel));
/* Lines after the mark with every needle (call log_barrier first). */
int log_count(const char *needle, ...) __attribute__((sentinel));
/* The first such line or NULL (malloc'ed). */
char *log_find(const char *needle, ...) __attribute__((sentinel));
/* Everything after the mark (malloc'ed). */
char *log_since_mark(void);
/* The whole file never contains s. */
void log_assert_never(const char *s);
/* The value of key= in a log line (malloc'ed, quotes removed) or NULL. */
char *log_field(const char *line, const char *key);

/* The shim's incident for this pid: connection_lost, reconnected and
 * statement_retried outcome=ok, all with one incident=<pid>.<n>. */
void assert_recovery_logged(pid_t pid);

/* Its incident's reconnected line names this cause (cause=...). */
void assert_cause_logged(pid_t pid, const char *cause);

/* sqlpipe (extra_args may be NULL) runs each line of setup (each must
 * succeed), its connection is KILLed, then it is asked `question`: the
 * answer (a static buffer). */
const char *answer_after_kill(enum shim_mode mode, const char *const *extra_args,
			      const char *const *setup, const char *question);

/* The same, but a read rides out the KILL first (with the shim: a fresh
 * session), and `question` meets what that session has.  If the read
 * fails, its answer. */
const char *answer_after_transparent_kill(enum shim_mode mode, const char *const *extra_args,
					  const char *const *setup, const char *question);

/* The control run: sqlpipe without the shim, its connection KILLed between
 * two SELECTs, must see the lost connection itself. */
void assert_kill_reaches_program(const char *context);

/* "pid=<pid>" for needles (static buffer per call site is the caller's). */
const char *pid_needle(char *buf, size_t size, pid_t pid);


/* ---- failures name the test's own line ------------------------------------
 * A helper that fails says where in the test it was called from: each
 * helper below is also a macro that notes __FILE__ and __LINE__ first
 * (mrt_at), and the helpers' failure messages begin with it. */
void mrt_at(const char *file, int line);
const char *mrt_where(void);

#define MRT_AT(call) (mrt_at(__FILE__, __LINE__), (call))
#define client_ask(...) MRT_AT((client_ask)(__VA_ARGS__))
#define client_ok(...) MRT_AT((client_ok)(__VA_ARGS__))
#define client_read(...) MRT_AT((client_read)(__VA_ARGS__))
#define client_connection_id(...) MRT_AT((client_connection_id)(__VA_ARGS__))
#define client_finish(...) MRT_AT((client_finish)(__VA_ARGS__))
#define assert_lost_error(...) MRT_AT((assert_lost_error)(__VA_ARGS__))
#define assert_ok(...) MRT_AT((assert_ok)(__VA_ARGS__))
#define admin_exec(...) MRT_AT((admin_exec)(__VA_ARGS__))
#define admin_scalar(...) MRT_AT((admin_scalar)(__VA_ARGS__))
#define wait_connection_gone(...) MRT_AT((wait_connection_gone)(__VA_ARGS__))
#define kill_and_wait(...) MRT_AT((kill_and_wait)(__VA_ARGS__))
#define server_ctl(...) MRT_AT((server_ctl)(__VA_ARGS__))
#define log_wait(...) MRT_AT((log_wait)(__VA_ARGS__))

#endif
