/* report.c - the doctor's findings as text (one "key: value" line per fact,
 * the verdict last) or as one JSON object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"

static const char *kind_name(enum target_kind k)
{
	return k == TARGET_SCRIPT ? "script" : k == TARGET_PROCESS ? "process" : "program";
}

static void text_modules(FILE *out, const struct interp_report *r)
{
	if (r->asked_error[0])
		fprintf(out, "modules:  %s\n", r->asked_error);
	else if (!r->count)
		fprintf(out, "modules:  none of the known MySQL modules in %u directories searched\n",
		       r->dir_count);
	for (unsigned i = 0; i < r->count; i++) {
		const struct module_found *m = &r->module[i];

		fprintf(out, "module:   %s: %s: %s (%s)\n", m->kind->name,
		       m->reached ? "reached" : "not reached", m->path, m->reach.detail);
	}
	for (unsigned i = 0; i < r->named_count; i++)
		fprintf(out, "uses:     %s%s\n", r->named[i]->name,
		       interp_found(r, r->named[i]) ? "" : " (named by the script, not installed)");
}

static void text_process(FILE *out, const struct proc_report *p)
{
	fprintf(out, "process:  %d, program %s\n", p->pid, p->exe[0] ? p->exe : p->exe_error);
	if (!p->maps_read)
		fprintf(out, "loaded:   cannot read /proc/%d/maps (run as its user or root)\n", p->pid);
	else
		fprintf(out, "loaded:   client library %s; mysql-reconnect %s\n",
		       p->client_library[0] ? p->client_library : "not loaded",
		       p->shim[0] ? p->shim : "not loaded");
	if (!p->environ)
		fprintf(out, "settings: cannot read its environment: %s\n", p->environ_error);
}

static void text_environment(FILE *out, const struct env_report *e)
{
	for (unsigned i = 0; i < e->problems.count; i++) {
		const struct config_problem *p = &e->problems.item[i];

		fprintf(out, "setting:  %s=%s is not valid (expected %s): the library uses %s\n",
		       p->variable, p->value, p->expected, p->default_text);
	}
	for (unsigned i = 0; i < e->unknown_count; i++)
		fprintf(out, "setting:  %s is not a setting of the library (a typo?): ignored\n",
		       e->unknown[i]);
	if (e->config.mode == SHIM_MODE_OFF)
		fprintf(out, "setting:  MYSQL_RECONNECT=off: the library passes everything through\n");
	if (e->syslog == SYSLOG_SERVED)
		fprintf(out, "syslog:   %s is served\n", e->config.syslog_socket);
	else if (e->syslog != SYSLOG_UNUSED)
		fprintf(out, "syslog:   %s: %s: incident reports would be lost (start the syslog "
		       "daemon, or set MYSQL_RECONNECT_LOG=stderr)\n",
		       e->config.syslog_socket, e->syslog_error);
}

static void text_report(FILE *out, const struct diagnosis *d)
{
	fprintf(out, "target:   %s (%s)\n", d->target, kind_name(d->kind));
	if (d->kind == TARGET_SCRIPT)
		fprintf(out, "script:   %s, run by %s\n", d->script, d->program);
	if (d->kind == TARGET_PROCESS)
		text_process(out, &d->proc);
	if (d->family != FAMILY_NONE) {
		fprintf(out, "program:  %s (%s interpreter)\n", d->program,
		       interp_family_name(d->family));
		text_modules(out, &d->interp);
	} else if (d->program[0]) {
		fprintf(out, "program:  %s: %s\n", d->program, d->reach.detail);
	}
	if (d->set_id)
		fprintf(out, "note:     a set-user-ID or set-group-ID program: run by another user, the "
		       "dynamic linker preloads only set-user-ID libraries from the system "
		       "directories, and the library ignores MYSQL_RECONNECT_* settings\n");
	if (d->preload_ignored)
		fprintf(out, "note:     its LD_PRELOAD names libmysqlreconnect, but the library is not "
		       "loaded: the dynamic linker ignored it (a wrong path, another "
		       "architecture, or a set-user-ID program)\n");
	text_environment(out, &d->env);
	fprintf(out, "verdict:  %s: %s\n", d->can_help ? "can help" : "cannot help", d->verdict);
	fprintf(out, "advice:   %s\n", d->advice);
}

/* Paths and environment values come from the system: a control character
 * in one must not reach the terminal. */
void report_text(const struct diagnosis *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return;
	text_report(out, d);
	if (fclose(out) != 0) {
		free(buf);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if ((buf[i] > 0 && buf[i] < 0x20 && buf[i] != '\n') || buf[i] == 0x7f)
			buf[i] = '?';
	fwrite(buf, 1, len, stdout);
	free(buf);
}

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
	printf(",\"set_id\":%s,\"preload_ignored\":%s", d->set_id ? "true" : "false",
	       d->preload_ignored ? "true" : "false");
	printf(",\"can_help\":%s,", d->can_help ? "true" : "false");
	json_field("verdict", d->verdict, ",");
	json_field("advice", d->advice, "");
	printf(",\"exit\":%d}\n", d->can_help ? 0 : 1);
}
