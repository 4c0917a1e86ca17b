/* support_syslog.c - the lines the shim wrote to the private syslog. */
#include "support_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <criterion/criterion.h>

#define MAX_NEEDLES 16

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

	mrt_assert(f != NULL, "cannot open %s: %s", mrt()->syslog_file, strerror(errno));
	if (fseeko(f, offset, SEEK_SET) == 0) {
		do {
			if (cap - len < 4097) {
				cap = cap ? cap * 2 : 65536;
				data = realloc(data, cap);
				mrt_assert(data != NULL, "out of memory");
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
		mrt_assert(asprintf(&t, "%s%s\"%s\"", s, i ? " " : "", needles[i]) >= 0,
			  "out of memory");
		free(s);
		s = t;
	}
	return s;
}

/* For a failure message: the test's own last lines of the log (the log
 * since the test began), not pages of it. */
#define TAIL_LINES 12

static const char *tail_of(const char *text)
{
	const char *p = text + strlen(text);
	int lines = 0;

	while (p > text && lines <= TAIL_LINES)
		if (*--p == '\n' && p[1] != '\0')
			lines++;
	return lines > TAIL_LINES ? p + 1 : text;
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
	mrt_assert_fail("no syslog line with %s within %d ms; the test's last %d log lines:\n%s",
		       what, MRT_LOG_TIMEOUT_MS, TAIL_LINES, tail_of(text));
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

	mrt_assert(fd >= 0, "socket: %s", strerror(errno));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", mrt()->syslog_socket);
	snprintf(token, sizeof(token), "mrt-barrier-%d-%u", (int)getpid(), ++serial);
	snprintf(msg, sizeof(msg), "<13>mrt-barrier: %s", token);
	mrt_assert(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0,
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
	mrt_assert(hit == NULL, "\"%s\" appears in the syslog file: %s", s, line);
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

	mrt_assert(ia && ib && strcmp(ia, ib) == 0,
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
	mrt_assert(strstr(lost, "mysql-reconnect") != NULL, "tag missing: %s", lost);
	incident = log_field(lost, "incident");
	snprintf(prefix, sizeof(prefix), "%d.", (int)pid);
	mrt_assert(incident && strncmp(incident, prefix, strlen(prefix)) == 0,
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
	mrt_assert(strstr(line, "remedy=") != NULL, "no remedy: %s", line);
	free(line);
}

