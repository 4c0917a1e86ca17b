/* envcheck.c - parse the settings with the library's own parser (so the
 * doctor and the library can never disagree on what is valid), list
 * MYSQL_RECONNECT_* names it does not know (a typo is silently ignored by
 * the library), try the syslog socket the way the library sends to it, and
 * notice an LD_PRELOAD that names the library where there is none. */
#include "envcheck.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PREFIX "MYSQL_RECONNECT"
#define KNOWN_MAX 32

/* config_parse's lookup has no context argument: the tool is single-threaded. */
static const char *const *checked_vars;
static unsigned known_count;
static const char *known[KNOWN_MAX];

static const char *lookup_in_vars(const char *name)
{
	size_t len = strlen(name);

	for (const char *const *v = checked_vars; v && *v; v++)
		if (strncmp(*v, name, len) == 0 && (*v)[len] == '=')
			return *v + len + 1;
	return NULL;
}

/* Every name the parser asks for is a setting. */
static const char *record_name(const char *name)
{
	if (known_count < KNOWN_MAX)
		known[known_count++] = name;
	return NULL;
}

static bool is_known(const char *var, size_t len)
{
	for (unsigned i = 0; i < known_count; i++)
		if (strlen(known[i]) == len && strncmp(known[i], var, len) == 0)
			return true;
	return false;
}

#define NAME_MAX_COMPARED 64

static bool same_letter(char a, char b)
{
	return toupper((unsigned char)a) == toupper((unsigned char)b);
}

/* Edits (insert, delete, replace, swap two neighbours) from a to b, case
 * aside; a name longer than NAME_MAX_COMPARED is far from every setting. */
static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned d[NAME_MAX_COMPARED + 1][NAME_MAX_COMPARED + 1];

	if (la > NAME_MAX_COMPARED || lb > NAME_MAX_COMPARED)
		return UINT_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned best = d[i - 1][j - 1] + !same_letter(a[i - 1], b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) &&
			    same_letter(a[i - 2], b[j - 1]) && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* The setting within two edits of the name, the nearest first, or NULL. */
static const char *near_setting(const char *name, size_t len)
{
	const char *best = NULL;
	unsigned best_distance = 3;

	for (unsigned i = 0; i < known_count; i++) {
		size_t klen = strlen(known[i]);
		unsigned distance;

		if (klen + 2 < len || len + 2 < klen)
			continue;
		distance = edit_distance(name, len, known[i], klen);
		if (distance < best_distance) {
			best = known[i];
			best_distance = distance;
		}
	}
	return best;
}

/* A MYSQL_RECONNECT_* name the library does not read, or any name a typo
 * away from one it does (MYSQL_RECONECT, mysql_reconnect_log): the library
 * ignores both without a word. */
static void find_unknown(struct env_report *out, const char *const *vars)
{
	struct shim_config scratch;
	struct config_problems none;

	known_count = 0;
	config_parse(&scratch, record_name, &none);
	for (const char *const *v = vars; v && *v; v++) {
		size_t len = strcspn(*v, "=");
		const char *near;
		unsigned i = out->unknown_count;

		if (is_known(*v, len) || i >= ENV_UNKNOWN_MAX)
			continue;
		near = near_setting(*v, len);
		if (strncmp(*v, PREFIX, strlen(PREFIX)) != 0 && !near)
			continue;
		snprintf(out->unknown[i], sizeof(out->unknown[0]), "%.*s", (int)len, *v);
		snprintf(out->near[i], sizeof(out->near[0]), "%s", near ? near : "");
		out->unknown_count++;
	}
}

static enum syslog_state failed(enum syslog_state state, int error, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", error ? strerror(error) : "not a socket");
	return state;
}

/* Connects a datagram socket, as the library sends to it. */
static enum syslog_state try_syslog(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, rc, error;

	if (stat(path, &st) != 0)
		return failed(SYSLOG_MISSING, errno, err, errlen);
	if (!S_ISSOCK(st.st_mode))
		return failed(SYSLOG_NOT_SOCKET, 0, err, errlen);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return failed(SYSLOG_UNREACHABLE, errno, err, errlen);
	rc = connect(fd, (struct sockaddr *)&addr, sizeof(addr));
	error = errno;
	close(fd);
	if (rc == 0)
		return SYSLOG_SERVED;
	return failed(error == ECONNREFUSED ? SYSLOG_NOT_SERVED : SYSLOG_UNREACHABLE, error, err,
		      errlen);
}

/* The dynamic linker splits LD_PRELOAD at spaces and colons, reads an entry
 * with a slash as a path (relative to the working directory) and ignores,
 * with one warning, one that does not exist: the program then runs without
 * the library.  The first such entry naming libmysqlreconnect is noted.  A
 * bare name is searched for like a needed library: not judged here. */
static void find_missing_preload(struct env_report *out, const char *const *vars,
				 const char *cwd)
{
	const char *list = NULL;

	for (const char *const *v = vars; v && *v; v++)
		if (strncmp(*v, "LD_PRELOAD=", 11) == 0)
			list = *v + 11;
	while (list && *list) {
		size_t len = strcspn(list, " :");
		char entry[PATH_MAX], path[PATH_MAX + 64];
		const char *slash;
		struct stat st;

		if (len && len < sizeof(entry)) {
			memcpy(entry, list, len);
			entry[len] = '\0';
			slash = strrchr(entry, '/');
			if (entry[0] == '/' || !cwd)
				snprintf(path, sizeof(path), "%s", entry);
			else
				snprintf(path, sizeof(path), "%s/%s", cwd, entry);
			if (slash && strncmp(slash + 1, "libmysqlreconnect", 17) == 0 &&
			    stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR)) {
				snprintf(out->preload_missing, sizeof(out->preload_missing), "%s",
					 entry);
				return;
			}
		}
		list += len;
		list += strspn(list, " :");
	}
}

void env_check(struct env_report *out, const char *const *vars, const char *cwd)
{
	memset(out, 0, sizeof(*out));
	checked_vars = vars;
	config_parse(&out->config, lookup_in_vars, &out->problems);
	checked_vars = NULL;
	find_unknown(out, vars);
	find_missing_preload(out, vars, cwd);
	if (out->config.mode == SHIM_MODE_OFF || !(out->config.log_targets & LOG_TO_SYSLOG))
		out->syslog = SYSLOG_UNUSED;
	else
		out->syslog = try_syslog(out->config.syslog_socket, out->syslog_error,
					 sizeof(out->syslog_error));
}

const char *env_syslog_name(enum syslog_state s)
{
	static const char *const names[] = {"unused", "served", "missing", "not_a_socket",
					    "not_served", "unreachable"};

	return s <= SYSLOG_UNREACHABLE ? names[s] : "unknown";
}
