/* mysql-reconnect-doctor - can libmysqlreconnect help this program?
 *
 * Looks at a program file, a script (through its interpreter) or a running
 * process, says with evidence whether its MySQL client library calls can be
 * intercepted by a preloaded library, and checks the MYSQL_RECONNECT_*
 * settings and the syslog socket.  Exit 0: it can help; 1: it cannot;
 * 2: usage error.  Reads files and /proc only; the one program it runs is
 * an interpreter, asked where it looks for modules. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static char *read_head(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *text;

	*len = 0;
	if (!f)
		return NULL;
	text = malloc(SCRIPT_READ_MAX + 1);
	if (text)
		*len = fread(text, 1, SCRIPT_READ_MAX, f);
	if (text)
		text[*len] = '\0';
	fclose(f);
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
	while ((word = strtok_r(NULL, " \t\r", &save)) && (word[0] == '-' || strchr(word, '=')))
		;
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
		if (reach_is_reached(r->reach))
			set_verdict(d, true, r->detail, advice_run);
		else
			set_verdict(d, false, r->detail,
				    "dlsym() is interposed on x86-64 only: link the program against "
				    "the shared client library");
		break;
	case REACH_STATIC:
		set_verdict(d, false, r->detail, advice_static);
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

/* A script that names modules is judged by those; otherwise by what the
 * interpreter has installed. */
static void decide_interpreter(struct diagnosis *d)
{
	const struct interp_report *r = &d->interp;
	bool named_only = d->kind == TARGET_SCRIPT && r->named_count > 0;
	char yes[512], no[512], text[1024];

	if (r->asked_error[0]) {
		set_verdict(d, false, r->asked_error, "check that the interpreter runs");
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
		snprintf(text, sizeof(text), "no %s MySQL module %s", interp_family_name(r->family),
			 named_only || d->kind != TARGET_SCRIPT ? "is installed for this interpreter"
								: "is named by the script or installed");
		set_verdict(d, false, text, "install a module that links the shared client library");
	}
}

static void examine_program(struct diagnosis *d, const char *path)
{
	char real[PATH_MAX];

	struct stat st;

	snprintf(d->program, sizeof(d->program), "%s", path);
	d->set_id = stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID));
	reach_of_object(path, &d->reach);
	d->family = interp_family(realpath(path, real) ? real : path);
	if (d->family == FAMILY_NONE || d->reach.reach == REACH_UNREADABLE ||
	    d->reach.reach == REACH_FOREIGN) {
		d->family = FAMILY_NONE;
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
	examine_program(d, interpreter);
	if (d->family == FAMILY_NONE) {
		if (d->reach.reach == REACH_NONE)
			not_an_interpreter(d, interpreter);
		return;
	}
	interp_note_script(&d->interp, text, len);
	decide_interpreter(d);
}

static void examine_process(struct diagnosis *d, int pid)
{
	struct proc_report *p = &d->proc;
	char exe[64], text[1024];

	d->kind = TARGET_PROCESS;
	proc_inspect(pid, p);
	/* Its file by name, unless replaced since it started: then through /proc. */
	snprintf(exe, sizeof(exe), "/proc/%d/exe", pid);
	if (!p->exe[0] || strstr(p->exe, " (deleted)") || access(p->exe, R_OK) != 0)
		examine_program(d, p->exe[0] ? exe : "/nonexistent");
	else
		examine_program(d, p->exe);
	d->preload_ignored = !p->shim[0] && proc_getenv(p, "LD_PRELOAD") &&
			     strstr(proc_getenv(p, "LD_PRELOAD"), "libmysqlreconnect");
	if (!p->client_library[0])
		return; /* not loaded (yet): the program's verdict stands */
	format_text(text, sizeof(text), "process %d has the client library %s loaded%s%s", pid,
		 p->client_library, p->shim[0] ? " and mysql-reconnect " : "", p->shim);
	set_verdict(d, true, text,
		    p->shim[0] ? "it is in place: incidents go to syslog; mysql-reconnect-report "
				 "summarises them"
			       : "a running process cannot take the library: restart it with "
				 "mysql-reconnect or LD_PRELOAD");
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
	char path[PATH_MAX], *text;
	size_t len;
	const char **vars;
	int pid;

	d->target = target;
	if (proc_is_pid(target, &pid)) {
		examine_process(d, pid);
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
	env_check(&d->env, vars);
	if (vars != (const char **)environ)
		free(vars);
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
	return fflush(stdout) == 0 || rc == 2 ? rc : 2;
}
