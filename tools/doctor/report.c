/* report.c - the doctor's findings as text (one "key: value" line per fact,
 * the verdict last) or as one JSON object. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"

/* The length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_length(const unsigned char *p)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
		 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;

	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && p[0] == 0xe0 && p[1] < 0xa0) || (n == 3 && p[0] == 0xed && p[1] >= 0xa0) ||
	    (n == 4 && p[0] == 0xf0 && p[1] < 0x90) || (n == 4 && p[0] == 0xf4 && p[1] >= 0x90))
		return 0; /* overlong, surrogate, beyond U+10FFFF */
	return n;
}

/* Every value the text report prints comes from the system: a path (a
 * process's program may be named "x\nverdict:  can help"), an environment
 * value, an interpreter's answer.  So each line is escaped as a whole (the
 * formats themselves hold no control character): a control character, C0
 * or C1, becomes \n, \t, \r or \xHH, a byte that is not UTF-8 \xHH, and
 * a backslash \\, so that a value can neither start a line of its own nor
 * reach the terminal as a control sequence. */
static void put_escaped(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_length(p);

		if (*p == '\\')
			fputs("\\\\", out);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p == '\r')
			fputs("\\r", out);
		else if (n == 1 && (*p < 0x20 || *p == 0x7f))
			fprintf(out, "\\x%02x", *p);
		else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) /* U+0080..U+009F */
			fprintf(out, "\\x%02x\\x%02x", p[0], p[1]);
		else if (n)
			fwrite(p, 1, n, out);
		else
			fprintf(out, "\\x%02x", *p);
		p += n ? n : 1;
	}
}

/* One line of the text report, escaped (see put_escaped). */
__attribute__((format(printf, 2, 3))) static void line(FILE *out, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	put_escaped(out, text);
	putc('\n', out);
	free(text);
}

static const char *kind_name(enum target_kind k)
{
	return k == TARGET_SCRIPT ? "script" : k == TARGET_PROCESS ? "process" : "program";
}

static void text_modules(FILE *out, const struct interp_report *r)
{
	if (r->asked_error[0])
		line(out, "modules:  %s", r->asked_error);
	else if (!r->count)
		line(out, "modules:  none of the known MySQL modules in %u directories searched",
		    r->dir_count);
	for (unsigned i = 0; i < r->count; i++) {
		const struct module_found *m = &r->module[i];

		line(out, "module:   %s: %s: %s (%s)", m->kind->name,
		    m->reached ? "reached" : "not reached", m->path, m->reach.detail);
	}
	for (unsigned i = 0; i < r->named_count; i++)
		line(out, "uses:     %s%s", r->named[i]->name,
		    interp_found(r, r->named[i]) ? "" : " (named by the script, not installed)");
}

static void text_process(FILE *out, const struct proc_report *p)
{
	line(out, "process:  %d, program %s", p->pid, p->exe[0] ? p->exe : p->exe_error);
	if (!p->maps_read)
		line(out, "loaded:   cannot read /proc/%d/maps (run as its user or root)", p->pid);
	else
		line(out, "loaded:   client library %s; mysql-reconnect %s",
		    p->client_library[0] ? p->client_library : "not loaded",
		    p->shim[0] ? p->shim : "not loaded");
	if (!p->environ)
		line(out, "settings: cannot read its environment: %s", p->environ_error);
}

static void text_environment(FILE *out, const struct env_report *e)
{
	for (unsigned i = 0; i < e->problems.count; i++) {
		const struct config_problem *p = &e->problems.item[i];

		line(out, "setting:  %s=%s is not valid (expected %s): the library uses %s",
		    p->variable, p->value, p->expected, p->default_text);
	}
	for (unsigned i = 0; i < e->unknown_count; i++)
		if (e->near[i][0])
			line(out, "setting:  %s is not a setting of the library (a typo of %s?): "
			    "ignored", e->unknown[i], e->near[i]);
		else
			line(out, "setting:  %s is not a setting of the library (a typo?): ignored",
			    e->unknown[i]);
	if (e->config.mode == SHIM_MODE_OFF)
		line(out, "setting:  MYSQL_RECONNECT=off: the library passes everything through");
	if (e->syslog == SYSLOG_SERVED)
		line(out, "syslog:   %s is served", e->config.syslog_socket);
	else if (e->syslog != SYSLOG_UNUSED)
		line(out, "syslog:   %s: %s: incident reports would be lost (start the syslog "
		    "daemon, or set MYSQL_RECONNECT_LOG=stderr)",
		    e->config.syslog_socket, e->syslog_error);
}

static void text_report(FILE *out, const struct diagnosis *d)
{
	line(out, "target:   %s (%s)", d->target, kind_name(d->kind));
	if (d->kind == TARGET_SCRIPT)
		line(out, "script:   %s, run by %s", d->script, d->program);
	if (d->kind == TARGET_PROCESS)
		text_process(out, &d->proc);
	if (d->family != FAMILY_NONE) {
		line(out, "program:  %s (%s interpreter)", d->program,
		    interp_family_name(d->family));
		text_modules(out, &d->interp);
	} else if (d->program[0]) {
		line(out, "program:  %s: %s", d->program, d->reach.detail);
	}
	if (d->set_id)
		line(out, "note:     a set-user-ID or set-group-ID program: run by another user, the "
		    "dynamic linker preloads only set-user-ID libraries from the system "
		    "directories, and the library ignores MYSQL_RECONNECT_* settings");
	if (d->env.preload_missing[0] && d->kind == TARGET_PROCESS)
		line(out, "note:     its LD_PRELOAD names %s, which does not exist: the dynamic "
		    "linker ignored it and the process runs unprotected; restart it with the "
		    "installed library's path (`mysql-reconnect --help` names it), or under "
		    "mysql-reconnect", d->env.preload_missing);
	else if (d->env.preload_missing[0])
		line(out, "note:     LD_PRELOAD names %s, which does not exist: the dynamic linker "
		    "ignores it with one warning and the program runs unprotected; give the "
		    "installed library's path (`mysql-reconnect --help` names it), or run "
		    "`mysql-reconnect PROGRAM`", d->env.preload_missing);
	else if (d->preload_ignored)
		line(out, "note:     its LD_PRELOAD names libmysqlreconnect, but the library is not "
		    "loaded: the dynamic linker ignored it (a wrong path, another "
		    "architecture, or a set-user-ID program)");
	text_environment(out, &d->env);
	line(out, "verdict:  %s: %s", d->can_help ? "can help" : "cannot help", d->verdict);
	line(out, "advice:   %s", d->advice);
}

/* Each line escaped: see put_escaped. */
void report_text(const struct diagnosis *d)
{
	text_report(stdout, d);
}

/* A JSON string; a byte that is not UTF-8 (a path may hold any) becomes
 * U+FFFD, so that every reader can parse the object. */
static void json_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_length(p);

		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else if (n)
			fwrite(p, 1, n, stdout);
		else
			fputs("\\ufffd", stdout);
		p += n ? n : 1;
	}
	putchar('"');
}

static void json_field(const char *name, const char *value, const char *after)
{
	json_string(name);
	putchar(':');
	json_string(value);
	fputs(after, stdout);
}

static void json_reach(const struct reach_report *r)
{
	printf("{\"reach\":");
	json_string(reach_name(r->reach));
	printf(",\"library\":");
	json_string(r->library);
	printf(",\"evidence\":");
	json_string(r->detail);
	putchar('}');
}

static void json_modules(const struct interp_report *r)
{
	printf(",\"interpreter\":");
	json_string(interp_family_name(r->family));
	printf(",\"modules\":[");
	for (unsigned i = 0; i < r->count; i++) {
		const struct module_found *m = &r->module[i];

		printf("%s{", i ? "," : "");
		json_field("name", m->kind->name, ",");
		json_field("path", m->path, ",");
		printf("\"reached\":%s,\"how\":", m->reached ? "true" : "false");
		json_reach(&m->reach);
		putchar('}');
	}
	printf("],\"script_uses\":[");
	for (unsigned i = 0; i < r->named_count; i++) {
		printf("%s", i ? "," : "");
		json_string(r->named[i]->name);
	}
	putchar(']');
	if (r->asked_error[0]) {
		printf(",\"modules_error\":");
		json_string(r->asked_error);
	}
}

static void json_process(const struct proc_report *p)
{
	printf(",\"process\":{\"pid\":%d,", p->pid);
	json_field("client_library", p->client_library, ",");
	json_field("mysql_reconnect", p->shim, ",");
	printf("\"maps_read\":%s,\"environment_read\":%s}", p->maps_read ? "true" : "false",
	       p->environ ? "true" : "false");
}

static void json_environment(const struct env_report *e)
{
	printf(",\"settings\":{\"invalid\":[");
	for (unsigned i = 0; i < e->problems.count; i++) {
		printf("%s{", i ? "," : "");
		json_field("variable", e->problems.item[i].variable, ",");
		json_field("value", e->problems.item[i].value, ",");
		json_field("default", e->problems.item[i].default_text, "}");
	}
	printf("],\"unknown\":[");
	for (unsigned i = 0; i < e->unknown_count; i++) {
		printf("%s", i ? "," : "");
		json_string(e->unknown[i]);
	}
	printf("],\"unknown_near\":[");
	for (unsigned i = 0; i < e->unknown_count; i++) {
		printf("%s", i ? "," : "");
		json_string(e->near[i]);
	}
	printf("],\"off\":%s},\"syslog\":{", e->config.mode == SHIM_MODE_OFF ? "true" : "false");
	json_field("socket", e->config.syslog_socket, ",");
	json_field("state", env_syslog_name(e->syslog), ",");
	json_field("error", e->syslog_error, "}");
}

void report_json(const struct diagnosis *d)
{
	putchar('{');
	json_field("target", d->target, ",");
	json_field("kind", kind_name(d->kind), ",");
	json_field("program", d->program, ",");
	if (d->kind == TARGET_SCRIPT)
		json_field("script", d->script, ",");
	printf("\"client\":");
	json_reach(&d->reach);
	if (d->family != FAMILY_NONE)
		json_modules(&d->interp);
	if (d->kind == TARGET_PROCESS)
		json_process(&d->proc);
	json_environment(&d->env);
	printf(",\"set_id\":%s,\"preload_ignored\":%s,", d->set_id ? "true" : "false",
	       d->preload_ignored ? "true" : "false");
	json_field("preload_missing", d->env.preload_missing, "");
	printf(",\"can_help\":%s,", d->can_help ? "true" : "false");
	json_field("verdict", d->verdict, ",");
	json_field("advice", d->advice, "");
	printf(",\"exit\":%d}\n", d->can_help ? 0 : 1);
}
