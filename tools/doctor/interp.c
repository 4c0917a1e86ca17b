/* interp.c - find the MySQL modules an interpreter would load, by asking the
 * interpreter for its own search path (its environment, PERL5LIB,
 * PYTHONPATH..., included) and looking there, as it would. */
#include "interp.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "elf_file.h"

#define ASK_TIMEOUT_MS 10000
#define ASK_OUTPUT_MAX 65536

/* PHP's extensions are built with mysqlnd unless they link the library. */
#define PHP_MYSQLND "it uses mysqlnd, PHP's own implementation of the protocol"

static const struct module_kind kinds[] = {
	{FAMILY_PERL, "DBD::mysql", "auto/DBD/mysql/mysql.so", false,
	 "DBD::mysql|dbi:mysql", NULL},
	{FAMILY_PERL, "DBD::MariaDB", "auto/DBD/MariaDB/MariaDB.so", false,
	 "DBD::MariaDB|dbi:MariaDB", NULL},
	{FAMILY_PERL, "DBD::mysqlPP", "DBD/mysqlPP.pm", true, "mysqlPP",
	 "pure Perl: it speaks the protocol itself"},
	{FAMILY_PYTHON, "MySQLdb (mysqlclient)", "MySQLdb/_mysql*.so", false, "MySQLdb", NULL},
	{FAMILY_PYTHON, "mariadb (MariaDB Connector/Python)", "mariadb/_mariadb*.so", false,
	 "import mariadb|from mariadb", NULL},
	{FAMILY_PYTHON, "mysql.connector (C extension)", "_mysql_connector*.so", false,
	 "mysql.connector", NULL},
	{FAMILY_PYTHON, "mysql.connector (pure Python)", "mysql/connector/__init__.py", true,
	 "mysql.connector", "pure Python unless its C extension is used"},
	{FAMILY_PYTHON, "PyMySQL", "pymysql/__init__.py", true, "pymysql",
	 "pure Python: it speaks the protocol itself"},
	{FAMILY_RUBY, "mysql2", "mysql2/mysql2.so", false, "mysql2", NULL},
	{FAMILY_RUBY, "trilogy", "trilogy.rb", true, "trilogy",
	 "its own C implementation of the protocol"},
	{FAMILY_LUA, "LuaSQL MySQL", "luasql/mysql", false, "luasql.mysql", NULL},
	{FAMILY_TCL, "mysqltcl", "mysqltcl*/libmysqltcl*.so", false, "mysqltcl", NULL},
	{FAMILY_TCL, "tdbc::mysql", "tdbcmysql*/libtdbcmysql*.so", false, "tdbc::mysql", NULL},
	{FAMILY_PHP, "mysqli", "mysqli.so", false, "mysqli", PHP_MYSQLND},
	{FAMILY_PHP, "PDO_MYSQL", "pdo_mysql.so", false, "PDO|mysql:host", PHP_MYSQLND},
};

#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))

/* What each interpreter is asked, to print one search directory per line. */
static const struct {
	enum family family;
	const char *name;
	const char *prefixes; /* '|'-separated file name stems */
	const char *option;   /* NULL: the script goes to standard input */
	const char *script;
	const char *signature[4]; /* the interpreter defines or imports one of these */
} families[] = {
	{FAMILY_PERL, "Perl", "perl", "-e", "print join(qq{\\n}, @INC), qq{\\n};",
	 {"perl_parse", NULL}},
	{FAMILY_PYTHON, "Python", "python|pypy", "-c",
	 "import sys\nprint('\\n'.join(p for p in sys.path if p))", {"Py_BytesMain", "Py_Main", NULL}},
	{FAMILY_RUBY, "Ruby", "ruby", "-e",
	 "puts $LOAD_PATH; (Gem.path.each { |p| puts p + '/gems/*/lib', p + '/extensions/*/*/*' } rescue nil)",
	 {"ruby_init", "ruby_setup", NULL}},
	{FAMILY_LUA, "Lua", "lua|luajit", "-e",
	 "for p in package.cpath:gmatch('[^;]+') do print(p) end", {"luaL_newstate", NULL}},
	/* `exit`: wish would otherwise stay open in its event loop. */
	{FAMILY_TCL, "Tcl", "tclsh|wish", NULL, "puts [join $auto_path \\n]\nexit\n",
	 {"Tcl_MainEx", "Tcl_Main", "Tk_MainEx", NULL}},
	{FAMILY_PHP, "PHP", "php", "-r", "echo ini_get('extension_dir'), \"\\n\";",
	 {"php_execute_script", NULL}},
};

#define FAMILY_COUNT (sizeof(families) / sizeof(families[0]))

/* A stem and then only a version: "python3.11", "lua5.1", "php8.2"; never
 * "php-fpm8.2" or "python3-config", which are other programs. */
static bool named_one_of(const char *name, const char *stems)
{
	while (*stems) {
		size_t len = strcspn(stems, "|");

		if (strncmp(name, stems, len) == 0 &&
		    name[len + strspn(name + len, "0123456789.")] == '\0')
			return true;
		stems += len + (stems[len] == '|');
	}
	return false;
}

enum family interp_family(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	for (size_t i = 0; i < FAMILY_COUNT; i++)
		if (named_one_of(name, families[i].prefixes))
			return families[i].family;
	return FAMILY_NONE;
}

static size_t family_index(enum family f)
{
	size_t i = 0;

	while (i < FAMILY_COUNT - 1 && families[i].family != f)
		i++;
	return i;
}

bool interp_is_genuine(const char *path, enum family f)
{
	return f != FAMILY_NONE && elf_has_symbol(path, families[family_index(f)].signature);
}

/* The doctor runs the interpreter to ask its module path.  As root, only one
 * that root owns and nobody else may change. */
static bool safe_to_run(const char *path, char *why, size_t size)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(why, size, "cannot stat %s: %s", path, strerror(errno));
		return false;
	}
	if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		snprintf(why, size,
			 "%s was not asked for its modules: as root the doctor runs only "
			 "interpreters owned by root and writable by root alone", path);
		return false;
	}
	return true;
}

const char *interp_family_name(enum family f)
{
	for (size_t i = 0; i < FAMILY_COUNT; i++)
		if (families[i].family == f)
			return families[i].name;
	return "none";
}

static void child_run(char *const argv[], int in_fd, int out_fd)
{
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	dup2(in_fd >= 0 ? in_fd : null_fd, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(null_fd, STDERR_FILENO);
	/* Its own process group, so that a timeout kills whatever it started. */
	setpgid(0, 0);
	if (chdir("/") != 0)
		_exit(127);
	/* The question must not be answered by a preloaded library. */
	unsetenv("LD_PRELOAD");
	signal(SIGPIPE, SIG_DFL); /* the doctor ignores it; exec keeps that */
	execv(argv[0], argv);
	_exit(127);
}

static long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Reads the child's output until it closes it or the timeout passes. */
static size_t read_output(int fd, char *out, size_t size, const struct timespec *start)
{
	size_t used = 0;

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long left = ASK_TIMEOUT_MS - ms_since(start);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		n = read(fd, out + used, size - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == size - 1)
			break;
	}
	out[used] = '\0';
	return used;
}

/* Short scripts fit in a pipe: no deadlock with the child's output.  A
 * child that exits without reading fails the write (SIGPIPE is ignored);
 * its exit status tells. */
static void write_script(int fd, const char *script)
{
	size_t len = strlen(script), done = 0;

	while (done < len) {
		ssize_t n = write(fd, script + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
}

/* The child's exit status, or -1 (and it is killed) once the timeout passes. */
static int wait_child(pid_t pid, const struct timespec *start)
{
	const struct timespec pause = {0, 5 * 1000 * 1000};
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (r < 0 && errno != EINTR)
			return -1;
		if (ms_since(start) >= ASK_TIMEOUT_MS) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/* Runs argv with `script` on its standard input (or none); its standard
 * output goes to `out`.  0 when it exited 0 in time. */
static int run_capture(char *const argv[], const char *script, char *out, size_t size)
{
	int out_pipe[2], in_pipe[2] = {-1, -1};
	struct timespec start;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &start);

	if (pipe2(out_pipe, O_CLOEXEC) != 0)
		return -1;
	if (script && pipe2(in_pipe, O_CLOEXEC) != 0) {
		close(out_pipe[0]);
		close(out_pipe[1]);
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child_run(argv, in_pipe[0], out_pipe[1]);
	close(out_pipe[1]);
	if (script) {
		close(in_pipe[0]);
		if (pid > 0)
			write_script(in_pipe[1], script);
		else
			close(in_pipe[1]);
	}
	if (pid > 0)
		read_output(out_pipe[0], out, size, &start);
	close(out_pipe[0]);
	return pid > 0 && wait_child(pid, &start) == 0 ? 0 : -1;
}

static bool ask_search_path(const char *interpreter, enum family f, char *out, size_t size)
{
	for (size_t i = 0; i < FAMILY_COUNT; i++) {
		if (families[i].family != f)
			continue;
		if (families[i].option) {
			char *argv[] = {(char *)interpreter, (char *)families[i].option,
					(char *)families[i].script, NULL};

			return run_capture(argv, NULL, out, size) == 0;
		} else {
			char *argv[] = {(char *)interpreter, NULL};

			return run_capture(argv, families[i].script, out, size) == 0;
		}
	}
	return false;
}

/* Lua's search path is a list of templates: "?" is the module's name. */
static bool find_lua(const char *template, const char *name, char *path, size_t size)
{
	const char *q = strchr(template, '?');

	if (!q)
		return false;
	snprintf(path, size, "%.*s%s%s", (int)(q - template), template, name, q + 1);
	return access(path, R_OK) == 0;
}

static bool find_in_dir(const char *dir, const struct module_kind *k, char *path, size_t size)
{
	char pattern[PATH_MAX];
	glob_t g;
	bool found;

	if (k->family == FAMILY_LUA)
		return find_lua(dir, k->pattern, path, size);
	snprintf(pattern, sizeof(pattern), "%s/%s", dir, k->pattern);
	if (glob(pattern, 0, NULL, &g) != 0)
		return false;
	found = g.gl_pathc > 0;
	if (found)
		snprintf(path, size, "%s", g.gl_pathv[0]);
	globfree(&g);
	return found;
}

static void add_found(struct interp_report *r, const struct module_kind *k, const char *path)
{
	struct module_found *m;

	if (r->count >= MODULES_MAX)
		return;
	m = &r->module[r->count++];
	m->kind = k;
	snprintf(m->path, sizeof(m->path), "%s", path);
	if (k->own_protocol) {
		m->reach.reach = REACH_NONE;
		snprintf(m->reach.detail, sizeof(m->reach.detail), "%s", k->how);
	} else {
		reach_of_object(path, &m->reach);
		if (m->reach.reach == REACH_NONE && k->how)
			snprintf(m->reach.detail, sizeof(m->reach.detail), "%s", k->how);
	}
	m->reached = !k->own_protocol && reach_is_reached(m->reach.reach);
}

/* The first directory holding it wins, as in the interpreter. */
static void find_modules(struct interp_report *r, enum family f, char *dirs)
{
	char *save = NULL;

	for (char *d = strtok_r(dirs, "\n", &save); d; d = strtok_r(NULL, "\n", &save)) {
		r->dir_count++;
		for (size_t i = 0; i < KIND_COUNT; i++) {
			char path[PATH_MAX];

			if (kinds[i].family != f || interp_found(r, &kinds[i]))
				continue;
			if (find_in_dir(d, &kinds[i], path, sizeof(path)))
				add_found(r, &kinds[i], path);
		}
	}
}

void interp_inspect(const char *interpreter, enum family f, struct interp_report *out)
{
	char *dirs;

	memset(out, 0, sizeof(*out));
	out->family = f;
	if (!safe_to_run(interpreter, out->asked_error, sizeof(out->asked_error)))
		return;
	dirs = malloc(ASK_OUTPUT_MAX);
	if (!dirs) {
		snprintf(out->asked_error, sizeof(out->asked_error), "out of memory");
		return;
	}
	if (ask_search_path(interpreter, f, dirs, ASK_OUTPUT_MAX))
		find_modules(out, f, dirs);
	if (!out->dir_count)
		snprintf(out->asked_error, sizeof(out->asked_error),
			 "%s did not say where it looks for modules (it failed, printed "
			 "nothing, or took over %d s)", interpreter, ASK_TIMEOUT_MS / 1000);
	free(dirs);
}

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* A marker as a whole word: "DBD::mysql" is not "DBD::mysqlPP". */
static bool names_marker(const char *text, size_t len, const char *markers)
{
	while (*markers) {
		size_t mlen = strcspn(markers, "|");

		for (size_t i = 0; mlen && i + mlen <= len; i++)
			if (strncasecmp(text + i, markers, mlen) == 0 &&
			    (i == 0 || !word_char(text[i - 1]) || !word_char(markers[0])) &&
			    (i + mlen == len || !word_char(text[i + mlen])))
				return true;
		markers += mlen + (markers[mlen] == '|');
	}
	return false;
}

void interp_note_script(struct interp_report *r, const char *text, size_t len)
{
	r->named_count = 0;
	for (size_t i = 0; i < KIND_COUNT; i++)
		if (kinds[i].family == r->family && r->named_count < MODULES_MAX &&
		    names_marker(text, len, kinds[i].markers))
			r->named[r->named_count++] = &kinds[i];
}

const struct module_found *interp_found(const struct interp_report *r,
					 const struct module_kind *k)
{
	for (unsigned i = 0; i < r->count; i++)
		if (r->module[i].kind == k)
			return &r->module[i];
	return NULL;
}
