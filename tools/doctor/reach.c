/* reach.c - follow an ELF object's needed libraries the way the dynamic
 * linker would find them, and decide whether its client library calls go
 * through symbol lookup (which a preloaded library takes over) or stay
 * inside it. */
#include "reach.h"

#include <elf.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf_file.h"
#include "text.h"

#define DIRS_MAX 64
#define WALK_MAX 256

struct dir_list {
	unsigned count;
	char dir[DIRS_MAX][PATH_MAX];
};

static void dirs_add(struct dir_list *d, const char *dir, size_t len)
{
	if (!len || len >= PATH_MAX || d->count >= DIRS_MAX)
		return;
	memcpy(d->dir[d->count], dir, len);
	d->dir[d->count][len] = '\0';
	d->count++;
}

/* A ':'-separated list; $ORIGIN is the directory of the object. */
static void dirs_add_list(struct dir_list *d, const char *list, const char *origin)
{
	while (list && *list) {
		size_t len = strcspn(list, ":");
		char dir[PATH_MAX];

		if (len > 7 && strncmp(list, "$ORIGIN", 7) == 0)
			snprintf(dir, sizeof(dir), "%s%.*s", origin, (int)(len - 7), list + 7);
		else if (len == 7 && strncmp(list, "$ORIGIN", 7) == 0)
			snprintf(dir, sizeof(dir), "%s", origin);
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)len, list);
		dirs_add(d, dir, strlen(dir));
		list += len + (list[len] == ':');
	}
}

static void read_ld_conf(struct dir_list *d, const char *path, int depth);

/* "include PATTERN" or a directory; comments and hwcap lines are ignored. */
static void read_ld_conf_line(struct dir_list *d, char *line, int depth)
{
	char *word, *rest;
	glob_t g;

	line[strcspn(line, "#\r\n")] = '\0';
	word = line + strspn(line, " \t");
	rest = word + strcspn(word, " \t");
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	rest[strcspn(rest, " \t")] = '\0';
	if (strcmp(word, "include") == 0 && *rest) {
		if (glob(rest, 0, NULL, &g) != 0)
			return;
		for (size_t i = 0; i < g.gl_pathc; i++)
			read_ld_conf(d, g.gl_pathv[i], depth + 1);
		globfree(&g);
	} else if (word[0] == '/') {
		dirs_add(d, word, strlen(word));
	}
}

static void read_ld_conf(struct dir_list *d, const char *path, int depth)
{
	char line[PATH_MAX + 16];
	FILE *f;

	if (depth > 4 || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		read_ld_conf_line(d, line, depth);
	fclose(f);
}

/* The system's directories, after the object's own run path. */
static void system_dirs(struct dir_list *d)
{
	static const char *const defaults[] = {"/lib64", "/usr/lib64", "/lib", "/usr/lib"};

	dirs_add_list(d, getenv("LD_LIBRARY_PATH"), "");
	read_ld_conf(d, "/etc/ld.so.conf", 0);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		dirs_add(d, defaults[i], strlen(defaults[i]));
}

static void origin_of(const char *path, char *origin, size_t size)
{
	const char *slash = strrchr(path, '/');

	snprintf(origin, size, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
}

/* The first file named `name` in the search path of `holder` that is built
 * for the same machine and word size: where the dynamic linker would look. */
static bool resolve(const char *name, const char *holder, const struct elf_file *hf,
		    char *out, size_t size)
{
	struct dir_list d = {0};
	char origin[PATH_MAX];
	struct elf_file lib;
	char err[64];

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return access(out, R_OK) == 0;
	}
	origin_of(holder, origin, sizeof(origin));
	if (hf->runpath_is_rpath)
		dirs_add_list(&d, hf->runpath, origin);
	system_dirs(&d);
	if (!hf->runpath_is_rpath)
		dirs_add_list(&d, hf->runpath, origin);
	for (unsigned i = 0; i < d.count; i++) {
		snprintf(out, size, "%s/%s", d.dir[i], name);
		if (elf_read(out, &lib, err, sizeof(err)) == 0 &&
		    lib.machine == hf->machine && lib.elf_class == hf->elf_class)
			return true;
	}
	return false;
}

static void verdict(struct reach_report *out, enum reach r, const char *holder,
		    const char *library, const char *fmt, const char *arg)
{
	out->reach = r;
	snprintf(out->holder, sizeof(out->holder), "%s", holder);
	snprintf(out->library, sizeof(out->library), "%s", library);
	snprintf(out->detail, sizeof(out->detail), fmt, arg);
}

static void linked(struct reach_report *out, const char *root, const char *holder,
		   const char *name, const char *found)
{
	out->reach = REACH_LINKED;
	snprintf(out->holder, sizeof(out->holder), "%s", holder);
	snprintf(out->library, sizeof(out->library), "%s", found ? found : name);
	format_text(out->detail, sizeof(out->detail), "%s%s needs %s%s%s%s",
		 strcmp(root, holder) ? "through " : "", strcmp(root, holder) ? holder : "it",
		 name, found ? " (" : ", which is not found here", found ? found : "",
		 found ? ")" : "");
}

struct walk {
	unsigned count;
	char path[WALK_MAX][PATH_MAX];
};

static bool walk_seen(const struct walk *w, const char *path)
{
	for (unsigned i = 0; i < w->count; i++)
		if (strcmp(w->path[i], path) == 0)
			return true;
	return false;
}

/* Breadth-first over the needed libraries, stopping at the first client
 * library, or at a library other than a client library with its own copy. */
static bool walk_needed(struct walk *w, struct reach_report *out)
{
	for (unsigned i = 0; i < w->count; i++) {
		struct elf_file f;
		char err[128], lib[PATH_MAX];

		if (elf_read(w->path[i], &f, err, sizeof(err)) != 0)
			continue;
		if (i > 0 && f.defines_client) {
			verdict(out, REACH_STATIC, w->path[i], w->path[i],
				"%s carries its own copy of the client library", w->path[i]);
			return true;
		}
		for (unsigned n = 0; n < f.needed_count; n++) {
			bool found = resolve(f.needed[n], w->path[i], &f, lib, sizeof(lib));

			if (elf_is_client_library(f.needed[n])) {
				linked(out, w->path[0], w->path[i], f.needed[n], found ? lib : NULL);
				return true;
			}
			if (found && w->count < WALK_MAX && !walk_seen(w, lib))
				snprintf(w->path[w->count++], PATH_MAX, "%s", lib);
		}
	}
	return false;
}

static bool foreign(const char *path, const struct elf_file *f, struct reach_report *out)
{
	uint16_t own = elf_own_machine();
	unsigned own_bits = sizeof(void *) * 8;
	unsigned bits = f->elf_class == ELFCLASS64 ? 64 : 32;
	char what[64];

	if (f->machine == own && bits == own_bits)
		return false;
	snprintf(what, sizeof(what), "%u-bit %s", bits, elf_machine_name(f->machine));
	verdict(out, REACH_FOREIGN, path, "",
		"built for %s; this library is built for this machine's own word size and processor",
		what);
	return true;
}

/* Signs in the object itself, when no needed library is a client library. */
static void own_signs(const char *path, const struct elf_file *f, struct reach_report *out)
{
	if (f->has_client_errors)
		verdict(out, REACH_STATIC, path, path,
			"%s contains the client library's own error messages but needs no client library: it is linked in statically",
			path);
	else if (f->names_client)
		verdict(out, REACH_LOOKED_UP, path, "",
			"%s names mysql_real_connect without linking a client library: it loads one at run time (dlopen) and looks functions up (dlsym)",
			path);
	else
		verdict(out, REACH_NONE, path, "",
			"%s neither links nor contains the client library", path);
}

void reach_of_object(const char *path, struct reach_report *out)
{
	struct elf_file f;
	char err[256];
	struct walk *w;

	memset(out, 0, sizeof(*out));
	if (elf_read(path, &f, err, sizeof(err)) != 0) {
		verdict(out, REACH_UNREADABLE, path, "", "%s", err);
		return;
	}
	if (foreign(path, &f, out))
		return;
	if (f.defines_client && !elf_is_client_library(strrchr(path, '/') ? strrchr(path, '/') + 1 : path)) {
		verdict(out, REACH_STATIC, path, path,
			"%s defines mysql_real_connect itself: the client library is linked in statically",
			path);
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		verdict(out, REACH_UNREADABLE, path, "", "%s", "out of memory");
		return;
	}
	snprintf(w->path[w->count++], PATH_MAX, "%s", path);
	if (!walk_needed(w, out))
		own_signs(path, &f, out);
	free(w);
}

int reach_is_reached(enum reach r)
{
#if defined(__x86_64__)
	return r == REACH_LINKED || r == REACH_LOOKED_UP;
#else
	return r == REACH_LINKED; /* dlsym is interposed on x86-64 only */
#endif
}

const char *reach_name(enum reach r)
{
	static const char *const names[] = {"none", "linked", "looked_up",
					    "static", "foreign", "unreadable"};

	return r <= REACH_UNREADABLE ? names[r] : "unknown";
}
