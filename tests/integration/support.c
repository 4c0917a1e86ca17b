/* support.c - helpers for the integration scenarios; see support.h. */
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <mysql.h>

extern char **environ;

#define MAX_CLIENTS 32
#define MAX_NEEDLES 16

/* ------------------------------------------------------------------------ */
/* small utilities                                                          */
/* ------------------------------------------------------------------------ */

long long mrt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The polling step: short, so conditions are noticed promptly. */
void mrt_poll_pause(void)
{
	struct timespec ts = {0, 10 * 1000000L};

	nanosleep(&ts, NULL);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	cr_assert(p != NULL, "out of memory");
	return p;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	cr_assert(vasprintf(&s, fmt, ap) >= 0, "out of memory");
	return s;
}

static const char *need_env(const char *name)
{
	const char *v = getenv(name);

	cr_assert(v && *v, "%s is not set: run the tests through tests/harness/run-integration",
		  name);
	return v;
}

const struct mrt_env *mrt(void)
{
	static struct mrt_env e;
	static bool loaded;

	if (loaded)
		return &e;
	e.dir = need_env("MRT_DIR");
	e.host = need_env("MRT_HOST");
	e.port = (unsigned)strtoul(need_env("MRT_PORT"), NULL, 10);
	e.socket = need_env("MRT_SOCKET");
	e.syslog_socket = need_env("MRT_SYSLOG_SOCKET");
	e.syslog_file = need_env("MRT_SYSLOG_FILE");
	e.app_user = need_env("MRT_APP_USER");
	e.app_password = need_env("MRT_APP_PASSWORD");
	e.db = need_env("MRT_DB");
	e.admin_user = need_env("MRT_ADMIN_USER");
	e.admin_password = need_env("MRT_ADMIN_PASSWORD");
	e.shim = need_env("MRT_SHIM");
	e.bin = need_env("MRT_BIN");
	e.server = need_env("MRT_SERVER");
	e.wrapper = need_env("MRT_WRAPPER");
	loaded = true;
	return &e;
}

/* ------------------------------------------------------------------------ */
/* spawning                                                                 */
/* ------------------------------------------------------------------------ */

static struct client *clients[MAX_CLIENTS];

static void track(struct client *c)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (!clients[i]) {
			clients[i] = c;
			return;
		}
	cr_assert_fail("more than %d clients in one test", MAX_CLIENTS);
}

static bool controlled_variable(const char *entry)
{
	return strncmp(entry, "LD_PRELOAD=", 11) == 0 ||
	       strncmp(entry, "MYSQL_RECONNECT", 15) == 0;
}

/* Our environment minus what the test controls, plus the test's choice. */
static char **build_env(enum shim_mode mode, const char *const *extra)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n])
		n++;
	for (i = 0; extra && extra[i]; i++)
		n++;
	env = calloc(n + 3, sizeof(*env));
	cr_assert(env != NULL, "out of memory");
	for (i = 0; environ[i]; i++)
		if (!controlled_variable(environ[i]))
			env[k++] = environ[i];
	if (asprintf(&env[k++], "MYSQL_RECONNECT_SYSLOG_SOCKET=%s", mrt()->syslog_socket) < 0)
		cr_assert_fail("out of memory");
	if (mode == WITH_SHIM && asprintf(&env[k++], "LD_PRELOAD=%s", mrt()->shim) < 0)
		cr_assert_fail("out of memory");
	for (i = 0; extra && extra[i]; i++)
		env[k++] = (char *)extra[i];
	env[k] = NULL;
	return env;
}

/* argv, behind the wrapper when asked. */
static char **build_argv(enum shim_mode mode, const char *const *argv)
{
	size_t n = 0, i, k = 0;
	char **out;

	while (argv[n])
		n++;
	out = calloc(n + 2, sizeof(*out));
	cr_assert(out != NULL, "out of memory");
	if (mode == WITH_WRAPPER)
		out[k++] = (char *)mrt()->wrapper;
	for (i = 0; i < n; i++)
		out[k++] = (char *)argv[i];
	out[k] = NULL;
	return out;
}

/* In the child: a clean slate, then exec.  Never returns. */
static void exec_child(int in_fd, int out_fd, int err_fd, char **argv, char **env)
{
	sigset_t all;
	int sig;

	/* Die with the test process, so a failed test leaves no client behind. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(126);
	close_range(3, ~0u, 0);
	/* Ignored signals survive exec: give the program default dispositions. */
	for (sig = 1; sig < 32; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	execve(argv[0], argv, env);
	dprintf(2, "cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void make_pipe(int fds[2])
{
	cr_assert(pipe2(fds, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
}

static void check_executable(const char *path)
{
	cr_assert(access(path, X_OK) == 0, "%s is not built (%s)", path, strerror(errno));
}

/* MRT_SHIM may be a space-separated list (a sanitizer runtime first). */
static void check_preload_list(const char *list)
{
	char *copy = strdup(list), *save = NULL;

	cr_assert(copy != NULL, "out of memory");
	for (char *lib = strtok_r(copy, " ", &save); lib; lib = strtok_r(NULL, " ", &save))
		cr_assert(access(lib, R_OK) == 0, "%s is not built", lib);
	free(copy);
}

struct client *client_spawn(enum shim_mode mode, const char *const *extra_env,
			    const char *const *argv)
{
	struct client *c = calloc(1, sizeof(*c));
	char **env = build_env(mode, extra_env);
	char **av = build_argv(mode, argv);
	int in[2], out[2];

	cr_assert(c != NULL, "out of memory");
	check_executable(av[0]);
	if (mode == WITH_SHIM)
		check_preload_list(mrt()->shim);
	make_pipe(in);
	make_pipe(out);
	fflush(NULL);
	c->pid = fork();
	cr_assert(c->pid >= 0, "fork: %s", strerror(errno));
	if (c->pid == 0)
		exec_child(in[0], out[1], 2, av, env);
	close(in[0]);
	close(out[1]);
	c->to_child = in[1];
	c->from_child = out[0];
	c->name = argv[0];
	free(env);
	free(av);
	track(c);
	return c;
}

bool mrt_over_socket(void)
{
	const char *t = getenv("MRT_TRANSPORT");

	return t && strcmp(t, "socket") == 0;
}

static const char **connection_args(const char *const *extra, const char *first,
				    const char *second)
{
	static char port[16];
	static const char *args[64];
	const struct mrt_env *e = mrt();
	size_t k = 0, i;

	snprintf(port, sizeof(port), "%u", e->port);
	args[k++] = first;
	if (second)
		args[k++] = second;
	if (mrt_over_socket()) {
		/* "localhost" is how most local programs connect: the Unix socket. */
		args[k++] = "--host";
		args[k++] = "localhost";
		args[k++] = "--socket";
		args[k++] = e->socket;
	} else {
		args[k++] = "--host";
		args[k++] = e->host;
		args[k++] = "--port";
		args[k++] = port;
	}
	args[k++] = "--user";
	args[k++] = e->app_user;
	args[k++] = "--password";
	args[k++] = e->app_password;
	args[k++] = "--database";
	args[k++] = e->db;
	for (i = 0; extra && extra[i] && k < 62; i++)
		args[k++] = extra[i];
	args[k] = NULL;
	return args;
}

static char *bin_path(const char *name)
{
	char *p;

	cr_assert(asprintf(&p, "%s/%s", mrt()->bin, name) >= 0, "out of memory");
	return p;
}

struct client *sqlpipe_start(enum shim_mode mode, const char *const *extra_env,
			     const char *const *extra_args)
{
	char *prog = bin_path("sqlpipe");
	struct client *c = client_spawn(mode, extra_env,
					connection_args(extra_args, prog, NULL));

	free(prog);
	c->name = "sqlpipe";
	return c;
}

struct client *dlhost_start(enum shim_mode mode, const char *const *extra_env,
			    const char *const *extra_args)
{
	char *prog = bin_path("dlhost"), *module = bin_path("sqlpipe_module.so");
	struct client *c = client_spawn(mode, extra_env,
					connection_args(extra_args, prog, module));

	free(prog);
	free(module);
	c->name = "dlhost";
	return c;
}

struct client *dlsymhost_start(enum shim_mode mode)
{
	char *prog = bin_path("dlsymhost");
	struct client *c = client_spawn(mode, NULL, connection_args(NULL, prog, NULL));

	free(prog);
	c->name = "dlsymhost";
	return c;
}

/* A client program in tests/clients/ run by an interpreter. */
static struct client *script_start_env(enum shim_mode mode, const char *const *env,
				       const char *interpreter, const char *name,
				       const char *const *extra)
{
	char script[4096];
	struct client *c;

	snprintf(script, sizeof(script), "%s/tests/clients/%s", need_env("MRT_ROOT"), name);
	c = client_spawn(mode, env, connection_args(extra, interpreter, script));
	c->name = name;
	return c;
}

static struct client *script_start(enum shim_mode mode, const char *interpreter,
				   const char *name, const char *const *extra)
{
	return script_start_env(mode, NULL, interpreter, name, extra);
}

struct client *dbipipe_start(enum shim_mode mode, const char *driver)
{
	const char *extra[] = {"--driver", driver, NULL};

	return script_start(mode, "/usr/bin/perl", "dbipipe.pl", extra);
}

struct client *mysqldbpipe_start(enum shim_mode mode)
{
	return script_start(mode, "/usr/bin/python3", "mysqldbpipe.py", NULL);
}

struct client *tdbcpipe_start(enum shim_mode mode)
{
	return script_start(mode, "/usr/bin/tclsh8.6", "tdbcpipe.tcl", NULL);
}

struct client *mysqltclpipe_start(enum shim_mode mode)
{
	return script_start(mode, "/usr/bin/tclsh8.6", "mysqltclpipe.tcl", NULL);
}

/* LuaSQL's connect takes no socket path: the client library reads it from
 * MYSQL_UNIX_PORT when the host is "localhost". */
struct client *luasqlpipe_start(enum shim_mode mode)
{
	static char socket_env[4200];
	const char *env[] = {socket_env, NULL};

	snprintf(socket_env, sizeof(socket_env), "MYSQL_UNIX_PORT=%s", mrt()->socket);
	return script_start_env(mode, env, "/usr/bin/lua5.1", "luasqlpipe.lua", NULL);
}

struct client *mysql2pipe_start(enum shim_mode mode, bool reconnect)
{
	const char *extra[] = {reconnect ? "--reconnect" : NULL, NULL};

	return script_start(mode, "/usr/bin/ruby", "mysql2pipe.rb", extra);
}

struct client *nonblock_start(enum shim_mode mode)
{
	char *prog = bin_path("nonblock");
	struct client *c = client_spawn(mode, NULL, connection_args(NULL, prog, NULL));

	free(prog);
	c->name = "nonblock";
	return c;
}

struct client *threads_start(enum shim_mode mode, int nthreads)
{
	char *prog = bin_path("threads"), n[16];
	const char *extra[] = {"--threads", n, NULL};
	struct client *c;
	const char *line;

	snprintf(n, sizeof(n), "%d", nthreads);
	c = client_spawn(mode, NULL, connection_args(extra, prog, NULL));
	free(prog);
	c->name = "threads";
	line = client_read(c, MRT_TIMEOUT_MS);
	cr_assert(line && strcmp(line, "READY") == 0, "threads client not ready: %s",
		  line ? line : "(no output)");
	return c;
}

/* ------------------------------------------------------------------------ */
/* talking to a client                                                      */
/* ------------------------------------------------------------------------ */

void client_send(struct client *c, const char *line)
{
	size_t len = strlen(line), off = 0;
	char *msg = malloc(len + 1);

	cr_assert(msg != NULL, "out of memory");
	memcpy(msg, line, len);
	msg[len++] = '\n';
	while (off < len) {
		ssize_t n = write(c->to_child, msg + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		cr_assert(n > 0, "writing to %s (pid %d): %s", c->name, (int)c->pid,
			  strerror(errno));
		off += (size_t)n;
	}
	free(msg);
}

/* Move one complete line from buf to line; false if none yet. */
static bool take_line(struct client *c)
{
	char *nl = memchr(c->buf, '\n', c->len);
	size_t n;

	if (!nl)
		return false;
	n = (size_t)(nl - c->buf);
	if (n >= sizeof(c->line))
		n = sizeof(c->line) - 1;
	memcpy(c->line, c->buf, n);
	c->line[n] = '\0';
	c->len -= (size_t)(nl - c->buf) + 1;
	memmove(c->buf, nl + 1, c->len);
	return true;
}

const char *client_read(struct client *c, int timeout_ms)
{
	long long deadline = mrt_now_ms() + timeout_ms;

	while (!take_line(c)) {
		struct pollfd p = {.fd = c->from_child, .events = POLLIN};
		long long left = deadline - mrt_now_ms();
		ssize_t n;

		if (left <= 0 || c->len == sizeof(c->buf))
			return NULL;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = read(c->from_child, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL; /* EOF: the client died */
		c->len += (size_t)n;
	}
	return c->line;
}

const char *client_ask(struct client *c, const char *line)
{
	const char *r;

	client_send(c, line);
	r = client_read(c, MRT_REPLY_TIMEOUT_MS);
	cr_assert(r != NULL, "%s (pid %d): no response to \"%s\" within %d ms (died or hung)",
		  c->name, (int)c->pid, line, MRT_REPLY_TIMEOUT_MS);
	return r;
}

void assert_ok(const char *response, const char *context)
{
	cr_assert(strncmp(response, "OK", 2) == 0, "%s: expected OK, got \"%s\"", context,
		  response);
}

const char *client_ok(struct client *c, const char *line)
{
	const char *r = client_ask(c, line);

	assert_ok(r, line);
	return r;
}

unsigned long client_connection_id(struct client *c)
{
	const char *r = client_ok(c, "SELECT CONNECTION_ID()");
	const char *v = strstr(r, "first=");
	unsigned long id;

	cr_assert(v != NULL, "unexpected response %s", r);
	id = strtoul(v + 6, NULL, 10);
	cr_assert(id > 0, "no connection id in %s", r);
	return id;
}

static void untrack(struct client *c)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] == c)
			clients[i] = NULL;
}

static void close_fds(struct client *c)
{
	if (c->to_child >= 0)
		close(c->to_child);
	if (c->from_child >= 0)
		close(c->from_child);
	c->to_child = c->from_child = -1;
}

/* Poll until pid exits; false on timeout. */
static bool wait_exit(pid_t pid, int timeout_ms, int *status)
{
	long long deadline = mrt_now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return true;
		if (mrt_now_ms() >= deadline)
			return false;
		mrt_poll_pause();
	}
}

int client_finish(struct client *c)
{
	bool done;

	if (c->to_child >= 0)
		close(c->to_child);
	c->to_child = -1;
	done = wait_exit(c->pid, MRT_TIMEOUT_MS, &c->status);
	if (!done)
		client_kill(c);
	cr_assert(done, "%s (pid %d) did not exit within %d ms after EOF", c->name,
		  (int)c->pid, MRT_TIMEOUT_MS);
	c->exited = true;
	close_fds(c);
	untrack(c);
	return c->status;
}

void client_kill(struct client *c)
{
	if (!c->exited) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &c->status, 0);
		c->exited = true;
	}
	close_fds(c);
	untrack(c);
}

static const char *ask_after_kill(enum shim_mode mode, const char *const *extra_args,
				  const char *const *setup, const char *question, bool read_first)
{
	static char answer[256];
	struct client *c = sqlpipe_start(mode, NULL, extra_args);
	const char *r = "OK";

	for (int i = 0; setup[i]; i++)
		client_ok(c, setup[i]);
	kill_and_wait(client_connection_id(c));
	if (read_first)
		r = client_ask(c, "SELECT 2");
	snprintf(answer, sizeof(answer), "%s", strncmp(r, "OK", 2) ? r : client_ask(c, question));
	client_finish(c);
	return answer;
}

const char *answer_after_kill(enum shim_mode mode, const char *const *extra_args,
			      const char *const *setup, const char *question)
{
	return ask_after_kill(mode, extra_args, setup, question, false);
}

const char *answer_after_transparent_kill(enum shim_mode mode, const char *const *extra_args,
					  const char *const *setup, const char *question)
{
	return ask_after_kill(mode, extra_args, setup, question, true);
}

bool is_lost_error(const char *r)
{
	/* 2026: a TLS connection that met EOF */
	static const char *const lost[] = {"ERR 2006 ", "ERR 2013 ", "ERR 1927 ", "ERR 4031 ",
					   "ERR 2026 "};
	size_t i;

	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++)
		if (strncmp(r, lost[i], strlen(lost[i])) == 0)
			return true;
	return false;
}

void assert_lost_error(const char *response, const char *context)
{
	cr_assert(is_lost_error(response),
		  "%s: expected a lost-connection error (2006/2013/1927/4031), got \"%s\"",
		  context, response);
}

/* ------------------------------------------------------------------------ */
/* run to completion                                                        */
/* ------------------------------------------------------------------------ */

struct sink {
	int fd;
	char *data;
	size_t len, cap;
};

static bool drain(struct sink *s)
{
	char tmp[4096];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return false;
	}
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->data = realloc(s->data, s->cap);
		cr_assert(s->data != NULL, "out of memory");
	}
	memcpy(s->data + s->len, tmp, (size_t)n);
	s->len += (size_t)n;
	s->data[s->len] = '\0';
	return true;
}

static void collect(struct sink *out, struct sink *err, long long deadline)
{
	while (out->fd >= 0 || err->fd >= 0) {
		struct pollfd p[2] = {{.fd = out->fd, .events = POLLIN},
				      {.fd = err->fd, .events = POLLIN}};
		long long left = deadline - mrt_now_ms();

		cr_assert(left > 0, "program output did not end within %d ms", MRT_TIMEOUT_MS);
		if (poll(p, 2, (int)left) <= 0)
			continue;
		if (p[0].revents)
			drain(out);
		if (p[1].revents)
			drain(err);
	}
}

void run_capture(enum shim_mode mode, const char *const *extra_env,
		 const char *const *argv, struct capture *cap)
{
	char **env = build_env(mode, extra_env);
	char **av = build_argv(mode, argv);
	struct sink out = {0}, err = {0};
	int o[2], e[2], devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	long long deadline = mrt_now_ms() + MRT_TIMEOUT_MS;

	check_executable(av[0]);
	make_pipe(o);
	make_pipe(e);
	fflush(NULL);
	cap->pid = fork();
	cr_assert(cap->pid >= 0, "fork: %s", strerror(errno));
	if (cap->pid == 0)
		exec_child(devnull, o[1], e[1], av, env);
	close(devnull);
	close(o[1]);
	close(e[1]);
	out.fd = o[0];
	err.fd = e[0];
	collect(&out, &err, deadline);
	cr_assert(wait_exit(cap->pid, MRT_TIMEOUT_MS, &cap->status), "%s did not exit", av[0]);
	cap->out = out.data ? out.data : xstrdup("");
	cap->err = err.data ? err.data : xstrdup("");
	cap->out_len = out.len;
	cap->err_len = err.len;
	free(env);
	free(av);
}

void capture_free(struct capture *cap)
{
	free(cap->out);
	free(cap->err);
	cap->out = cap->err = NULL;
}

/* ------------------------------------------------------------------------ */
/* admin connection                                                         */
/* ------------------------------------------------------------------------ */

static MYSQL *admin_conn;
static long long saved_wait_timeout = -1;
static bool server_down;

static void admin_disconnect(void)
{
	if (admin_conn)
		mysql_close(admin_conn);
	admin_conn = NULL;
}

static void admin_connect(void)
{
	const struct mrt_env *e = mrt();

	admin_disconnect();
	admin_conn = mysql_init(NULL);
	cr_assert(admin_conn != NULL, "mysql_init failed");
	if (!mysql_real_connect(admin_conn, e->host, e->admin_user, e->admin_password, NULL,
				e->port, NULL, CLIENT_MULTI_RESULTS)) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%u %s", mysql_errno(admin_conn),
			 mysql_error(admin_conn));
		admin_disconnect();
		cr_assert_fail("admin connection failed: %s", msg);
	}
}

/* Query with one reconnect when the server was restarted under us. */
static void admin_query(const char *sql)
{
	unsigned err;

	if (!admin_conn)
		admin_connect();
	if (mysql_query(admin_conn, sql) == 0)
		return;
	err = mysql_errno(admin_conn);
	if (err == 2006 || err == 2013 || err == 1927 || err == 4031) {
		admin_connect();
		if (mysql_query(admin_conn, sql) == 0)
			return;
	}
	cr_assert_fail("admin query \"%s\" failed: %u %s", sql, mysql_errno(admin_conn),
		       mysql_error(admin_conn));
}

static void admin_drain_results(void)
{
	do {
		MYSQL_RES *res = mysql_store_result(admin_conn);

		if (res)
			mysql_free_result(res);
	} while (mysql_next_result(admin_conn) == 0);
}

void admin_exec(const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = vformat(fmt, ap);
	va_end(ap);
	admin_query(sql);
	admin_drain_results();
	free(sql);
}

long long admin_scalar(const char *fmt, ...)
{
	va_list ap;
	char *sql;
	MYSQL_RES *res;
	MYSQL_ROW row;
	long long v = -1;

	va_start(ap, fmt);
	sql = vformat(fmt, ap);
	va_end(ap);
	admin_query(sql);
	res = mysql_store_result(admin_conn);
	cr_assert(res != NULL, "admin query \"%s\" returned no result set", sql);
	row = mysql_fetch_row(res);
	if (row && row[0])
		v = strtoll(row[0], NULL, 10);
	mysql_free_result(res);
	admin_drain_results();
	free(sql);
	return v;
}

void admin_kill(unsigned long id)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "KILL CONNECTION %lu", id);
	if (!admin_conn)
		admin_connect();
	if (mysql_query(admin_conn, sql) == 0)
		return;
	/* 1094: unknown thread id, it went away by itself: fine. */
	cr_assert(mysql_errno(admin_conn) == 1094, "%s failed: %u %s", sql,
		  mysql_errno(admin_conn), mysql_error(admin_conn));
}

int app_connection_ids(unsigned long *ids, int max)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int n = 0;

	admin_query("SELECT ID FROM information_schema.PROCESSLIST"
		    " WHERE USER = 'app' AND ID <> CONNECTION_ID() ORDER BY ID");
	res = mysql_store_result(admin_conn);
	cr_assert(res != NULL, "processlist query returned no result set");
	while ((row = mysql_fetch_row(res)) && n < max)
		ids[n++] = strtoul(row[0], NULL, 10);
	mysql_free_result(res);
	return n;
}

bool connection_exists(unsigned long id)
{
	return admin_scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %lu",
			    id) > 0;
}

void wait_connection_gone(unsigned long id)
{
	long long deadline = mrt_now_ms() + MRT_TIMEOUT_MS;

	while (connection_exists(id)) {
		cr_assert(mrt_now_ms() < deadline,
			  "connection %lu still in the processlist after %d ms", id,
			  MRT_TIMEOUT_MS);
		mrt_poll_pause();
	}
}

void kill_and_wait(unsigned long id)
{
	admin_kill(id);
	wait_connection_gone(id);
}

int kill_all_app_connections(unsigned long *killed, int max)
{
	int n = app_connection_ids(killed, max), i;

	for (i = 0; i < n; i++)
		admin_kill(killed[i]);
	for (i = 0; i < n; i++)
		wait_connection_gone(killed[i]);
	return n;
}

void set_global_wait_timeout(int seconds)
{
	if (saved_wait_timeout < 0)
		saved_wait_timeout = admin_scalar("SELECT @@GLOBAL.wait_timeout");
	admin_exec("SET GLOBAL wait_timeout = %d", seconds);
}

void restore_global_wait_timeout(void)
{
	if (saved_wait_timeout < 0)
		return;
	admin_exec("SET GLOBAL wait_timeout = %lld", saved_wait_timeout);
	saved_wait_timeout = -1;
}

void create_seq_table(const char *table)
{
	admin_exec("DROP TABLE IF EXISTS apptest.%s", table);
	admin_exec("CREATE TABLE apptest.%s (seq INT NOT NULL) ENGINE=InnoDB", table);
}

long long count_seq(const char *table, long long seq)
{
	return admin_scalar("SELECT COUNT(*) FROM apptest.%s WHERE seq = %lld", table, seq);
}

long long count_rows(const char *table)
{
	return admin_scalar("SELECT COUNT(*) FROM apptest.%s", table);
}

/* ------------------------------------------------------------------------ */
/* server control                                                           */
/* ------------------------------------------------------------------------ */

void server_ctl(const char *action)
{
	const char *argv[] = {mrt()->server, action, mrt()->dir, NULL};
	char **env = build_env(NO_SHIM, NULL);
	int status = 0, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid;

	/* The admin session does not survive; reconnect lazily. */
	admin_disconnect();
	fflush(NULL);
	pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		exec_child(devnull, 2, 2, (char **)argv, env);
	close(devnull);
	free(env);
	cr_assert(wait_exit(pid, 3 * MRT_TIMEOUT_MS, &status), "server %s hung", action);
	server_down = strcmp(action, "stop") == 0 || strcmp(action, "kill9") == 0;
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server %s failed (status %#x)",
		  action, (unsigned)status);
}

/* ------------------------------------------------------------------------ */
/* syslog file                                                              */
/* ------------------------------------------------------------------------ */

static off_t log_offset;

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

void log_mark(void)
{
	log_offset = file_size(mrt()->syslog_file);
}

static char *read_from(off_t offset)
{
	FILE *f = fopen(mrt()->syslog_file, "r");
	char *data = NULL;
	size_t len = 0, cap = 0, n;

	cr_assert(f != NULL, "cannot open %s: %s", mrt()->syslog_file, strerror(errno));
	if (fseeko(f, offset, SEEK_SET) == 0) {
		do {
			if (cap - len < 4097) {
				cap = cap ? cap * 2 : 65536;
				data = realloc(data, cap);
				cr_assert(data != NULL, "out of memory");
			}
			n = fread(data + len, 1, cap - len - 1, f);
			len += n;
		} while (n > 0);
	}
	fclose(f);
	if (!data)
		return xstrdup("");
	data[len] = '\0';
	return data;
}

char *log_since_mark(void)
{
	return read_from(log_offset);
}

/* "key=value" needles match whole tokens; others are plain substrings. */
static bool line_has(const char *line, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	bool token = strchr(needle, '=') && !strchr(needle, ' ');
	const char *p = line, *end = line + len;

	while (p + nl <= end) {
		const char *hit = memmem(p, (size_t)(end - p), needle, nl);

		if (!hit)
			return false;
		if (!token || ((hit == line || hit[-1] == ' ') &&
			       (hit + nl == end || hit[nl] == ' ')))
			return true;
		p = hit + 1;
	}
	return false;
}

static bool line_matches(const char *line, size_t len, const char *const *needles)
{
	size_t i;

	for (i = 0; needles[i]; i++)
		if (!line_has(line, len, needles[i]))
			return false;
	return true;
}

/* Count matching lines in text; *first gets a copy of the first one. */
static int scan(const char *text, const char *const *needles, char **first)
{
	const char *p = text;
	int n = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line_matches(p, len, needles)) {
			if (n == 0 && first)
				*first = strndup(p, len);
			n++;
		}
		p += len + (nl ? 1 : 0);
	}
	return n;
}

static void collect_needles(const char **out, const char *first, va_list ap)
{
	size_t k = 0;
	const char *s;

	out[k++] = first;
	while ((s = va_arg(ap, const char *)) && k < MAX_NEEDLES - 1)
		out[k++] = s;
	out[k] = NULL;
}

static char *join_needles(const char *const *needles)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; needles[i]; i++) {
		cr_assert(asprintf(&t, "%s%s\"%s\"", s, i ? " " : "", needles[i]) >= 0,
			  "out of memory");
		free(s);
		s = t;
	}
	return s;
}

/* The tail of the log for failure messages. */
static const char *tail_of(const char *text)
{
	size_t len = strlen(text);

	return len > 6000 ? text + len - 6000 : text;
}

static char *wait_lines(const char *const *needles)
{
	long long deadline = mrt_now_ms() + MRT_LOG_TIMEOUT_MS;
	char *text, *found = NULL, *what;

	for (;;) {
		text = log_since_mark();
		if (scan(text, needles, &found) > 0) {
			free(text);
			return found;
		}
		if (mrt_now_ms() >= deadline)
			break;
		free(text);
		mrt_poll_pause();
	}
	what = join_needles(needles);
	cr_assert_fail("no syslog line with %s within %d ms; log since the test began:\n%s",
		       what, MRT_LOG_TIMEOUT_MS, tail_of(text));
	return NULL;
}

char *log_wait(const char *needle, ...)
{
	const char *needles[MAX_NEEDLES];
	va_list ap;

	va_start(ap, needle);
	collect_needles(needles, needle, ap);
	va_end(ap);
	return wait_lines(needles);
}

int log_count(const char *needle, ...)
{
	const char *needles[MAX_NEEDLES];
	char *text = log_since_mark();
	va_list ap;
	int n;

	va_start(ap, needle);
	collect_needles(needles, needle, ap);
	va_end(ap);
	n = scan(text, needles, NULL);
	free(text);
	return n;
}

char *log_find(const char *needle, ...)
{
	const char *needles[MAX_NEEDLES];
	char *text = log_since_mark(), *found = NULL;
	va_list ap;

	va_start(ap, needle);
	collect_needles(needles, needle, ap);
	va_end(ap);
	scan(text, needles, &found);
	free(text);
	return found;
}

void log_barrier(void)
{
	static unsigned serial;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[128], token[64];
	const char *needles[] = {token, NULL};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0, "socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", mrt()->syslog_socket);
	snprintf(token, sizeof(token), "mrt-barrier-%d-%u", (int)getpid(), ++serial);
	snprintf(msg, sizeof(msg), "<13>mrt-barrier: %s", token);
	cr_assert(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0,
		  "sending to %s: %s", sa.sun_path, strerror(errno));
	close(fd);
	free(wait_lines(needles));
}

void log_assert_never(const char *s)
{
	char *text = read_from(0);
	const char *hit = strstr(text, s);
	char line[512] = "";

	if (hit) {
		const char *start = hit, *end = strchr(hit, '\n');

		while (start > text && start[-1] != '\n')
			start--;
		snprintf(line, sizeof(line), "%.*s",
			 (int)((end ? end : hit + strlen(hit)) - start), start);
	}
	free(text);
	cr_assert(hit == NULL, "\"%s\" appears in the syslog file: %s", s, line);
}

char *log_field(const char *line, const char *key)
{
	size_t kl = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key))) {
		if ((p == line || p[-1] == ' ') && p[kl] == '=') {
			const char *v = p + kl + 1, *end;

			if (*v == '"') {
				for (end = ++v; *end && *end != '"'; end++)
					if (*end == '\\' && end[1])
						end++;
			} else {
				end = v + strcspn(v, " ");
			}
			return strndup(v, (size_t)(end - v));
		}
		p += kl;
	}
	return NULL;
}

const char *pid_needle(char *buf, size_t size, pid_t pid)
{
	snprintf(buf, size, "pid=%d", (int)pid);
	return buf;
}

static void assert_same_incident(const char *a, const char *b, const char *what)
{
	char *ia = log_field(a, "incident"), *ib = log_field(b, "incident");

	cr_assert(ia && ib && strcmp(ia, ib) == 0,
		  "%s: not the same incident:\n  %s\n  %s", what, a, b);
	free(ia);
	free(ib);
}

void assert_recovery_logged(pid_t pid)
{
	char p[32], prefix[32], *lost, *back, *retried, *incident;

	pid_needle(p, sizeof(p), pid);
	lost = log_wait("event=connection_lost", p, NULL);
	back = log_wait("event=reconnected", p, NULL);
	retried = log_wait("event=statement_retried", "outcome=ok", p, NULL);
	cr_assert(strstr(lost, "mysql-reconnect") != NULL, "tag missing: %s", lost);
	incident = log_field(lost, "incident");
	snprintf(prefix, sizeof(prefix), "%d.", (int)pid);
	cr_assert(incident && strncmp(incident, prefix, strlen(prefix)) == 0,
		  "incident should be <pid>.<n>: %s", lost);
	assert_same_incident(lost, back, "reconnected");
	assert_same_incident(lost, retried, "statement_retried");
	free(incident);
	free(lost);
	free(back);
	free(retried);
}

void assert_cause_logged(pid_t pid, const char *cause)
{
	char p[32], needle[64], *line;

	snprintf(needle, sizeof(needle), "cause=%s", cause);
	line = log_wait("event=reconnected", needle, pid_needle(p, sizeof(p), pid), NULL);
	cr_assert(strstr(line, "remedy=") != NULL, "no remedy: %s", line);
	free(line);
}

/* ------------------------------------------------------------------------ */
/* per-test setup and teardown                                              */
/* ------------------------------------------------------------------------ */

/* A test killed by its timeout runs no teardown: repair what it may have
 * left behind (server stopped, a short wait_timeout) before the next one. */
static void repair_leftovers(void)
{
	MYSQL *probe = mysql_init(NULL);
	const struct mrt_env *e = mrt();
	bool up;

	cr_assert(probe != NULL, "mysql_init failed");
	up = mysql_real_connect(probe, e->host, e->admin_user, e->admin_password, NULL,
				e->port, NULL, 0) != NULL;
	mysql_close(probe);
	if (!up) {
		cr_log_warn("server not answering at test start: starting it");
		server_ctl("start");
	}
	if (admin_scalar("SELECT @@GLOBAL.wait_timeout") < 60) {
		cr_log_warn("global wait_timeout left short by an earlier test: resetting it");
		admin_exec("SET GLOBAL wait_timeout = DEFAULT");
	}
}

void mrt_setup(void)
{
	/* A client that dies must not take the test down with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	mrt();
	repair_leftovers();
	log_mark();
}

void mrt_teardown(void)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i])
			client_kill(clients[i]);
	if (server_down)
		server_ctl("start");
	restore_global_wait_timeout();
	admin_disconnect();
}

void assert_kill_reaches_program(const char *context)
{
	struct client *c = sqlpipe_start(NO_SHIM, NULL, NULL);

	client_ok(c, "SELECT 1");
	kill_and_wait(client_connection_id(c));
	assert_lost_error(client_ask(c, "SELECT 2"), context);
	client_finish(c);
}
