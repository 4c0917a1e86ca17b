/* mysql-reconnect-doctor - can libmysqlreconnect help this program?
 *
 * Looks at a program file, a script (through its interpreter) or a running
 * process, says with evidence whether its MySQL client library calls can be
 * intercepted by a preloaded library, and checks the MYSQL_RECONNECT_*
 * settings and the syslog socket.  Exit 0: it can help; 1: it cannot;
 * 2: usage error.  Reads files and /proc only; the one program it runs is
 * an interpreter, asked where it looks for modules. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "diagnosis.h"
#include "text.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

#define SCRIPT_READ_MAX (1024 * 1024)

extern char **environ;

static const char usage_text[] =
	"Usage: mysql-reconnect-doctor [--json] PROGRAM|SCRIPT|PID\n"
	"Say whether libmysqlreconnect can help a program, and why.\n"
	"\n"
	"PROGRAM is a file or a command found in PATH; SCRIPT a file starting with #!\n"
	"(its interpreter's MySQL modules are examined); PID a running process (the\n"
	"libraries it has loaded, and the settings in its environment).\n"
	"\n"
	"  -j, --json     one JSON object instead of text\n"
	"  -h, --help     print this help and exit\n"
	"      --version  print the version and exit\n"
	"\n"
	"Exit status: 0 it can help, 1 it cannot, 2 usage error.\n";

static bool executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* A command name is looked up in PATH, as the shell would. */
static bool find_program(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, F_OK) == 0;
	}
	while (path && *path) {
		size_t len = strcspn(path, ":");

		snprintf(out, size, "%.*s/%s", len ? (int)len : 1, len ? path : ".", name);
		if (executable_file(out))
			return true;
		path += len + (path[len] == ':');
	}
	return false;
}

/* The first megabyte of a regular file; never blocks on a FIFO or a tty. */
static char *read_head(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *text = NULL;
	ssize_t n = -1;

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (text = malloc(SCRIPT_READ_MAX + 1)))
		n = read(fd, text, SCRIPT_READ_MAX);
	close(fd);
	if (n < 0) {
		free(text);
		return NULL;
	}
	*len = (size_t)n;
	text[*len] = '\0';
	return text;
}

/* "#!/usr/bin/perl -w" or "#!/usr/bin/env [-S] python3": the interpreter. */
static bool shebang_interpreter(const char *text, char *out, size_t size)
{
	char line[PATH_MAX], *save = NULL, *word;

	if (strncmp(text, "#!", 2) != 0)
		return false;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(text + 2, "\n"), text + 2);
	word = strtok_r(line, " \t\r", &save);
	if (!word)
		return false;
	if (strcmp(strrchr(word, '/') ? strrchr(word, '/') + 1 : word, "env") != 0) {
		snprintf(out, size, "%s", word);
		return true;
	}
	/* env's options and NAME=VALUE words; -u/-C take the next word too. */
	while ((word = strtok_r(NULL, " \t\r", &save)) && (word[0] == '-' || strchr(word, '='))) {
		if (strcmp(word, "-u") == 0 || strcmp(word, "-C") == 0 ||
		    strcmp(word, "--unset") == 0 || strcmp(word, "--chdir") == 0)
			strtok_r(NULL, " \t\r", &save);
	}
	return word && find_program(word, out, size);
}

static void set_verdict(struct diagnosis *d, bool can_help, const char *verdict,
			const char *advice)
{
	d->can_help = can_help;
	snprintf(d->verdict, sizeof(d->verdict), "%s", verdict);
	snprintf(d->advice, sizeof(d->advice), "%s", advice);
}

static const char advice_run[] =
	"run it as `mysql-reconnect PROGRAM ARGS...` (or with LD_PRELOAD naming "
	"libmysqlreconnect.so); try MYSQL_RECONNECT=observe first";
static const char advice_observed[] =
	"its client library is neither MariaDB Connector/C nor the Oracle libmysqlclient "
	"mysql-reconnect knows (libmysqlclient.so.24, MySQL 9.x, x86-64): it follows the "
	"program's calls and logs every lost connection, but recovers none; link the "
	"program against libmariadb.so.3 or libmysqlclient.so.24 for recovery";
static const char advice_static[] =
	"calls inside one file never pass through the dynamic linker, so no preloaded "
	"library can reach them; link the program against the shared client library "
	"(libmariadb.so.3 or libmysqlclient.so)";

static void decide_object(struct diagnosis *d)
{
	const struct reach_report *r = &d->reach;

	switch (r->reach) {
	case REACH_LINKED:
	case REACH_LOOKED_UP:
		if (reach_library_observed_only(r))
			set_verdict(d, false, r->detail, advice_observed);
		else if (reach_is_reached(r->reach))
			set_verdict(d, true, r->detail, advice_run);
		else
			set_verdict(d, false, r->detail,
				    "dlsym() is interposed on x86-64 only: link the program against "
				    "the shared client library");
		break;
	case REACH_STATIC:
		set_verdict(d, false, r->detail, advice_static);
		break;
	case REACH_MISSING:
		set_verdict(d, false, r->detail,
			    "install the client library it needs, or correct its run path "
			    "(LD_LIBRARY_PATH, RUNPATH)");
		break;
	case REACH_CLIENT_ITSELF:
		set_verdict(d, true, r->detail, "name a program that uses it");
		break;
	case REACH_FOREIGN:
		set_verdict(d, false, r->detail, "build the library for that machine and word size");
		break;
	case REACH_NONE:
		set_verdict(d, false, r->detail,
			    "it does not use the MySQL client library: nothing to intercept");
		break;
	default:
		set_verdict(d, false, r->detail, "give the doctor a program, script or process id");
	}
}

static void module_list(const struct interp_report *r, bool reached, bool named_only,
			char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < r->count && used < size; i++) {
		const struct module_found *m = &r->module[i];
		bool named = false;

		for (unsigned n = 0; n < r->named_count; n++)
			named |= r->named[n] == m->kind;
		if (m->reached != reached || (named_only && !named))
			continue;
		used += (size_t)snprintf(out + used, size - used, "%s%s", used ? ", " : "",
					 m->kind->name);
	}
}

/* An interpreter is judged by the modules it has installed, a script by
 * the ones it names. */
static void decide_interpreter(struct diagnosis *d)
{
	const struct interp_report *r = &d->interp;
	bool named_only = d->kind == TARGET_SCRIPT && r->named_count > 0;
	char yes[512], no[512], text[1024];

	if (r->asked_error[0]) {
		set_verdict(d, false, r->asked_error, "check that the interpreter runs");
		return;
	}
	if (d->kind == TARGET_SCRIPT && !r->named_count) {
		set_verdict(d, false, "the script names no MySQL module the doctor knows",
			    "if it loads one from another file, run the doctor on that file, or "
			    "on the process once it has connected");
		return;
	}
	module_list(r, true, named_only, yes, sizeof(yes));
	module_list(r, false, named_only, no, sizeof(no));
	if (yes[0]) {
		format_text(text, sizeof(text), "%s %s reached: %s%s%s", interp_family_name(r->family),
			 strchr(yes, ',') ? "modules" : "module", yes,
			 no[0] ? "; not reached: " : "", no);
		set_verdict(d, true, text,
			    no[0] ? "programs that use the modules reached are helped; the "
				    "others are not" : advice_run);
	} else if (no[0]) {
		snprintf(text, sizeof(text), "%s modules found, none reached: %s",
			 interp_family_name(r->family), no);
		set_verdict(d, false, text,
			    "use a module that links the shared client library (see "
			    "mysql-reconnect-doctor(1))");
	} else {
		snprintf(text, sizeof(text), "no %s MySQL module%s is installed for this interpreter",
			 interp_family_name(r->family), named_only ? " that the script names" : "");
		set_verdict(d, false, text, "install a module that links the shared client library");
	}
}

/* Set-user-ID, set-group-ID (with group execute) or file capabilities: the
 * dynamic linker runs such a program in secure mode for other users. */
static bool secure_mode_program(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	return (st.st_mode & S_ISUID) ||
	       ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)) ||
	       getxattr(path, "security.capability", NULL, 0) > 0;
}

/* What the file is: its reach, and whether it is an interpreter. */
static void examine_file(struct diagnosis *d, const char *path)
{
	char real[PATH_MAX];

	snprintf(d->program, sizeof(d->program), "%s", path);
	d->set_id = secure_mode_program(path);
	reach_of_object(path, &d->reach);
	d->family = interp_family(realpath(path, real) ? real : path);
	if (d->reach.reach != REACH_NONE || !interp_is_genuine(path, d->family))
		d->family = FAMILY_NONE;
}

static void examine_program(struct diagnosis *d, const char *path)
{
	examine_file(d, path);
	if (d->family == FAMILY_NONE) {
		decide_object(d);
		return;
	}
	interp_inspect(path, d->family, &d->interp);
	decide_interpreter(d);
}

/* A shell wrapper, say: what matters is what it runs. */
static void not_an_interpreter(struct diagnosis *d, const char *interpreter)
{
	char text[PATH_MAX + 128];

	format_text(text, sizeof(text),
		    "a script run by %s, which does not use the client library itself",
		    interpreter);
	set_verdict(d, false, text,
		    "examine the program the script runs (mysql-reconnect-doctor PROGRAM)");
}

static void examine_script(struct diagnosis *d, const char *path, const char *text,
			   size_t len)
{
	char interpreter[PATH_MAX];

	d->kind = TARGET_SCRIPT;
	snprintf(d->script, sizeof(d->script), "%s", path);
	if (!shebang_interpreter(text, interpreter, sizeof(interpreter)) ||
	    !executable_file(interpreter)) {
		snprintf(d->program, sizeof(d->program), "%s", path);
		set_verdict(d, false, "its #! line names no interpreter found here",
			    "check the script's first line");
		return;
	}
	examine_file(d, interpreter);
	if (d->family == FAMILY_NONE) {
		if (d->reach.reach == REACH_NONE)
			not_an_interpreter(d, interpreter);
		else
			decide_object(d);
		return;
	}
	interp_inspect(interpreter, d->family, &d->interp);
	interp_note_script(&d->interp, text, len);
	decide_interpreter(d);
}

/* A process's interpreter is never run: it may be anything under that name
 * in another mount namespace; what it has loaded says enough. */
static void interpreter_not_loaded(struct diagnosis *d, int pid)
{
	char text[256];

	format_text(text, sizeof(text),
		    "process %d is a %s interpreter with no client library loaded (yet)", pid,
		    interp_family_name(d->family));
	set_verdict(d, false, text,
		    "run the doctor on its script, or on the process once it has connected");
}

static void process_verdict(struct diagnosis *d, int pid)
{
	const struct proc_report *p = &d->proc;
	char text[1024];

	format_text(text, sizeof(text), "process %d has the client library %s loaded%s%s", pid,
		    p->client_library, p->shim[0] ? " and mysql-reconnect " : "", p->shim);
	if (!p->shim[0])
		set_verdict(d, true, text,
			    "a running process cannot take the library: restart it with "
			    "mysql-reconnect or LD_PRELOAD");
	else if (d->env.config.mode == SHIM_MODE_OFF)
		set_verdict(d, true, text, "it is loaded but MYSQL_RECONNECT=off: it does nothing");
	else
		set_verdict(d, true, text,
			    "it is in place; its incidents go where MYSQL_RECONNECT_LOG says "
			    "(syslog by default: mysql-reconnect-report summarises them)");
}

/* 0, or 2 when the process cannot be examined (a usage error: wrong user). */
static int examine_process(struct diagnosis *d, int pid)
{
	struct proc_report *p = &d->proc;
	char exe[64];

	d->kind = TARGET_PROCESS;
	proc_inspect(pid, p);
	if (!p->exe[0] && p->exe_errno == ENOENT) {
		snprintf(d->program, sizeof(d->program), "%s", "");
		format_text(d->verdict, sizeof(d->verdict),
			    "process %d has no program file: a kernel thread", pid);
		snprintf(d->advice, sizeof(d->advice), "%s", "name a user process");
		return 0;
	}
	if (!p->exe[0]) {
		fprintf(stderr, "mysql-reconnect-doctor: cannot read /proc/%d/exe: %s (run as "
				"its user or root)\n", pid, strerror(p->exe_errno));
		return 2;
	}
	/* Through /proc: the very file it runs, whatever its name is now. */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	examine_file(d, exe);
	snprintf(d->program, sizeof(d->program), "%s", p->exe);
	d->preload_ignored = !p->shim[0] && proc_getenv(p, "LD_PRELOAD") &&
			     strstr(proc_getenv(p, "LD_PRELOAD"), "libmysqlreconnect");
	return 0;
}

static void decide_process(struct diagnosis *d, int pid)
{
	if (!d->program[0])
		return; /* a kernel thread: said already */
	/* A library mapped beside a static copy, or in a foreign program,
	 * does not make its calls reachable. */
	if (d->reach.reach == REACH_STATIC || d->reach.reach == REACH_FOREIGN)
		decide_object(d);
	else if (d->proc.client_library[0])
		process_verdict(d, pid);
	else if (d->family != FAMILY_NONE)
		interpreter_not_loaded(d, pid);
	else
		decide_object(d);
}

/* The environment checked: the process's own, or the doctor's. */
static const char **environment_of(const struct diagnosis *d)
{
	const char **vars;
	size_t count = 0, i = 0;

	if (d->kind != TARGET_PROCESS)
		return (const char **)environ;
	for (size_t off = 0; d->proc.environ && off < d->proc.environ_len;
	     off += strlen(d->proc.environ + off) + 1)
		count++;
	vars = calloc(count + 1, sizeof(*vars));
	for (size_t off = 0; vars && off < d->proc.environ_len;
	     off += strlen(d->proc.environ + off) + 1)
		vars[i++] = d->proc.environ + off;
	return vars;
}

static int examine(struct diagnosis *d, const char *target)
{
	char path[PATH_MAX], cwd[64], *text;
	size_t len;
	const char **vars;
	int pid = 0;

	d->target = target;
	if (proc_is_pid(target, &pid)) {
		if (examine_process(d, pid) != 0)
			return 2;
	} else if (!find_program(target, path, sizeof(path))) {
		fprintf(stderr, "mysql-reconnect-doctor: %s: no such file, command or process\n",
			target);
		return 2;
	} else if ((text = read_head(path, &len)) && strncmp(text, "#!", 2) == 0) {
		examine_script(d, path, text, len);
		free(text);
	} else {
		free(text);
		examine_program(d, path);
	}
	vars = environment_of(d);
	snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", pid);
	env_check(&d->env, vars, d->kind == TARGET_PROCESS ? cwd : NULL);
	if (vars != (const char **)environ)
		free(vars);
	if (d->kind == TARGET_PROCESS)
		decide_process(d, pid); /* after its settings are read */
	return d->can_help ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct diagnosis *d;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': puts("mysql-reconnect-doctor " VERSION); return 0;
		default:
			fputs("Try 'mysql-reconnect-doctor --help'.\n", stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "mysql-reconnect-doctor: give one PROGRAM, SCRIPT or PID (try --help)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN); /* an interpreter that exits before reading its script */
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "mysql-reconnect-doctor: out of memory\n");
		return 2;
	}
	rc = examine(d, argv[optind]);
	if (rc != 2)
		(json ? report_json : report_text)(d);
	proc_release(&d->proc);
	free(d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "mysql-reconnect-doctor: cannot write the report: %s\n",
			strerror(errno));
		return 2;
	}
	return rc;
}
