/* proc.c - a running process: its program, the libraries mapped into it
 * (is the client library there? is mysql-reconnect?), and its environment,
 * where MYSQL_RECONNECT_* settings live. */
#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_file.h"

#define ENVIRON_MAX (1024 * 1024)

bool proc_is_pid(const char *text, int *pid)
{
	char path[64], *end;
	long v;
	struct stat st;

	if (!*text || text[strspn(text, "0123456789")] != '\0')
		return false;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || v <= 0 || v > 0x7fffffff)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld", v);
	if (stat(path, &st) != 0)
		return false;
	*pid = (int)v;
	return true;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void note_mapping(struct proc_report *r, const char *path)
{
	const char *name = base_name(path);

	if (!r->client_library[0] && elf_is_client_library(name))
		snprintf(r->client_library, sizeof(r->client_library), "%s", path);
	if (!r->shim[0] && strncmp(name, "libmysqlreconnect", 17) == 0)
		snprintf(r->shim, sizeof(r->shim), "%s", path);
}

static void read_maps(struct proc_report *r)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", r->pid);
	if (!(f = fopen(path, "re")))
		return;
	r->maps_read = true;
	while (fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/');

		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		note_mapping(r, file);
	}
	fclose(f);
}

static void read_environ(struct proc_report *r)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/environ", r->pid);
	if (!(f = fopen(path, "re"))) {
		snprintf(r->environ_error, sizeof(r->environ_error), "%s", strerror(errno));
		return;
	}
	r->environ = malloc(ENVIRON_MAX);
	if (r->environ)
		r->environ_len = fread(r->environ, 1, ENVIRON_MAX - 1, f);
	if (r->environ)
		r->environ[r->environ_len] = '\0';
	fclose(f);
}

void proc_inspect(int pid, struct proc_report *out)
{
	char path[64];
	ssize_t n;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	n = readlink(path, out->exe, sizeof(out->exe) - 1);
	if (n < 0) {
		out->exe_errno = errno;
		snprintf(out->exe_error, sizeof(out->exe_error), "%s", strerror(errno));
		out->exe[0] = '\0';
	} else {
		out->exe[n] = '\0';
	}
	read_maps(out);
	read_environ(out);
}

void proc_release(struct proc_report *r)
{
	free(r->environ);
	r->environ = NULL;
}

const char *proc_getenv(const struct proc_report *r, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; r->environ && i < r->environ_len; i += strlen(r->environ + i) + 1)
		if (strncmp(r->environ + i, name, len) == 0 && r->environ[i + len] == '=')
			return r->environ + i + len + 1;
	return NULL;
}
