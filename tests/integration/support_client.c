/* support_client.c - the test's clients: spawning them (with or without
 * the shim), talking to them, running them to completion. */
#include "support_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

extern char **environ;

#define MAX_NEEDLES 16

/* ------------------------------------------------------------------------ */
/* spawning                                                                 */
/* ------------------------------------------------------------------------ */

struct client *clients[MAX_CLIENTS];

static void track(struct client *c)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (!clients[i]) {
			clients[i] = c;
			return;
		}
	mrt_assert_fail("more than %d clients in one test", MAX_CLIENTS);
}

static bool controlled_variable(const char *entry)
{
	return strncmp(entry, "LD_PRELOAD=", 11) == 0 ||
	       strncmp(entry, "MYSQL_RECONNECT", 15) == 0;
}

/* Our environment minus what the test controls, plus the test's choice. */
char **build_env(enum shim_mode mode, const char *const *extra)
{
	size_t n = 0, i, k = 0;
	char **env;

	while (environ[n])
		n++;
	for (i = 0; extra && extra[i]; i++)
		n++;
	env = calloc(n + 3, sizeof(*env));
	mrt_assert(env != NULL, "out of memory");
	for (i = 0; environ[i]; i++)
		if (!controlled_variable(environ[i]))
			env[k++] = environ[i];
	if (asprintf(&env[k++], "MYSQL_RECONNECT_SYSLOG_SOCKET=%s", mrt()->syslog_socket) < 0)
		mrt_assert_fail("out of memory");
	if (mode == WITH_SHIM && asprintf(&env[k++], "LD_PRELOAD=%s", mrt()->shim) < 0)
		mrt_assert_fail("out of memory");
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
	mrt_assert(out != NULL, "out of memory");
	if (mode == WITH_WRAPPER)
		out[k++] = (char *)mrt()->wrapper;
	for (i = 0; i < n; i++)
		out[k++] = (char *)argv[i];
	out[k] = NULL;
	return out;
}

/* In the child: a clean slate, then exec.  Never returns. */
void exec_child(int in_fd, int out_fd, int err_fd, char **argv, char **env)
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
	mrt_assert(pipe2(fds, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
}

static void check_executable(const char *path)
{
	mrt_assert(access(path, X_OK) == 0, "%s is not built (%s)", path, strerror(errno));
}

/* MRT_SHIM may be a space-separated list (a sanitizer runtime first). */
static void check_preload_list(const char *list)
{
	char *copy = strdup(list), *save = NULL;

	mrt_assert(copy != NULL, "out of memory");
	for (char *lib = strtok_r(copy, " ", &save); lib; lib = strtok_r(NULL, " ", &save))
		mrt_assert(access(lib, R_OK) == 0, "%s is not built", lib);
	free(copy);
}

struct client *client_spawn(enum shim_mode mode, const char *const *extra_env,
			    const char *const *argv)
{
	struct client *c = calloc(1, sizeof(*c));
	char **env = build_env(mode, extra_env);
	char **av = build_argv(mode, argv);
	int in[2], out[2];

	mrt_assert(c != NULL, "out of memory");
	check_executable(av[0]);
	if (mode == WITH_SHIM)
		check_preload_list(mrt()->shim);
	make_pipe(in);
	make_pipe(out);
	fflush(NULL);
	c->pid = fork();
	mrt_assert(c->pid >= 0, "fork: %s", strerror(errno));
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

	mrt_assert(asprintf(&p, "%s/%s", mrt()->bin, name) >= 0, "out of memory");
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
	mrt_assert(line && strcmp(line, "READY") == 0, "threads client not ready: %s",
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

	mrt_assert(msg != NULL, "out of memory");
	memcpy(msg, line, len);
	msg[len++] = '\n';
	while (off < len) {
		ssize_t n = write(c->to_child, msg + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		mrt_assert(n > 0, "writing to %s (pid %d): %s", c->name, (int)c->pid,
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
	mrt_assert(r != NULL, "%s (pid %d): no response to \"%s\" within %d ms (died or hung)",
		  c->name, (int)c->pid, line, MRT_REPLY_TIMEOUT_MS);
	return r;
}

void assert_ok(const char *response, const char *context)
{
	mrt_assert(strncmp(response, "OK", 2) == 0, "%s: expected OK, got \"%s\"", context,
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

	mrt_assert(v != NULL, "unexpected response %s", r);
	id = strtoul(v + 6, NULL, 10);
	mrt_assert(id > 0, "no connection id in %s", r);
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
bool wait_exit(pid_t pid, int timeout_ms, int *status)
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
	mrt_assert(done, "%s (pid %d) did not exit within %d ms after EOF", c->name,
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
	mrt_assert(is_lost_error(response),
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
		mrt_assert(s->data != NULL, "out of memory");
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

		mrt_assert(left > 0, "program output did not end within %d ms", MRT_TIMEOUT_MS);
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
	mrt_assert(cap->pid >= 0, "fork: %s", strerror(errno));
	if (cap->pid == 0)
		exec_child(devnull, o[1], e[1], av, env);
	close(devnull);
	close(o[1]);
	close(e[1]);
	out.fd = o[0];
	err.fd = e[0];
	collect(&out, &err, deadline);
	mrt_assert(wait_exit(cap->pid, MRT_TIMEOUT_MS, &cap->status), "%s did not exit", av[0]);
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

