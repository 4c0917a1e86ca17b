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

#include "elf_file.h"
#include "text.h"

#define DIRS_MAX 64
#define WALK_MAX 256

struct dir_list {
	unsigned count;
	char dir[DIRS_MAX][PATH_MAX];
};

static void dirs_add(struct dir_list *d, const char *dir)
{
	if (*dir && strlen(dir) < PATH_MAX && d->count < DIRS_MAX)
		snprintf(d->dir[d->count++], PATH_MAX, "%s", dir);
}

static void read_ld_conf(struct dir_list *d, const char *path, int depth);

/* "include PATTERN" (relative to the file's directory) or a directory;
 * comments and hwcap lines are ignored. */
static void read_ld_conf_line(struct dir_list *d, const char *conf, char *line, int depth)
{
	char *word, *rest, pattern[PATH_MAX];
	glob_t g;

	line[strcspn(line, "#\r\n")] = '\0';
	word = line + strspn(line, " \t");
	rest = word + strcspn(word, " \t");
	if (*rest)
		*rest++ = '\0';
	rest += strspn(rest, " \t");
	rest[strcspn(rest, " \t")] = '\0';
	if (strcmp(word, "include") == 0 && *rest) {
		const char *slash = strrchr(conf, '/');

		format_text(pattern, sizeof(pattern), "%.*s%s", rest[0] == '/' || !slash ? 0 :
			    (int)(slash - conf + 1), conf, rest);
		if (glob(pattern, 0, NULL, &g) != 0)
			return;
		for (size_t i = 0; i < g.gl_pathc; i++)
			read_ld_conf(d, g.gl_pathv[i], depth + 1);
		globfree(&g);
	} else if (word[0] == '/') {
		dirs_add(d, word);
	}
}

static void read_ld_conf(struct dir_list *d, const char *path, int depth)
{
	char line[PATH_MAX + 16];
	FILE *f;

	if (depth > 4 || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f))
		read_ld_conf_line(d, path, line, depth);
	fclose(f);
}

/* /etc/ld.so.conf's directories, then the default ones: read once. */
static const struct dir_list *system_dirs(void)
{
	static const char *const defaults[] = {"/lib64", "/usr/lib64", "/lib", "/usr/lib"};
	static struct dir_list *d;

	if (d || !(d = calloc(1, sizeof(*d))))
		return d;
	read_ld_conf(d, "/etc/ld.so.conf", 0);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		dirs_add(d, defaults[i]);
	return d;
}

static bool same_kind(const char *path, const struct elf_file *hf)
{
	unsigned char cls;
	uint16_t machine;

	return elf_identify(path, &cls, &machine) == 0 && cls == hf->elf_class &&
	       machine == hf->machine;
}

/* One directory of a ':'-separated list, $ORIGIN (or ${ORIGIN}) expanded. */
static void expand_dir(const char *entry, size_t len, const char *origin, char *out,
		       size_t size)
{
	if (len >= 7 && strncmp(entry, "$ORIGIN", 7) == 0)
		format_text(out, size, "%s%.*s", origin, (int)(len - 7), entry + 7);
	else if (len >= 9 && strncmp(entry, "${ORIGIN}", 9) == 0)
		format_text(out, size, "%s%.*s", origin, (int)(len - 9), entry + 9);
	else
		format_text(out, size, "%.*s", (int)len, entry);
}

static bool find_in_list(const char *list, const char *origin, const char *name,
			 const struct elf_file *hf, char *out, size_t size)
{
	while (list && *list) {
		size_t len = strcspn(list, ":");
		char dir[PATH_MAX];

		expand_dir(list, len, origin, dir, sizeof(dir));
		format_text(out, size, "%s/%s", dir, name);
		if (len && same_kind(out, hf))
			return true;
		list += len + (list[len] == ':');
	}
	return false;
}

/* Where the dynamic linker would find `name` for `holder`: its RPATH (when
 * it has no RUNPATH), LD_LIBRARY_PATH, its RUNPATH, then the system's
 * directories; only a file of the same machine and word size counts. */
static bool resolve(const char *name, const char *origin, const struct elf_file *hf,
		    char *out, size_t size)
{
	const struct dir_list *sys = system_dirs();

	if (strchr(name, '/')) {
		format_text(out, size, "%s", name);
		return same_kind(out, hf);
	}
	if ((hf->runpath_is_rpath && find_in_list(hf->runpath, origin, name, hf, out, size)) ||
	    find_in_list(getenv("LD_LIBRARY_PATH"), origin, name, hf, out, size) ||
	    (!hf->runpath_is_rpath && find_in_list(hf->runpath, origin, name, hf, out, size)))
		return true;
	for (unsigned i = 0; sys && i < sys->count; i++) {
		format_text(out, size, "%s/%s", sys->dir[i], name);
		if (same_kind(out, hf))
			return true;
	}
	return false;
}

/* $ORIGIN: the program's real directory (the dynamic linker reads
 * /proc/self/exe), a library's directory as found. */
static void origin_of(const char *path, bool is_program, char *origin, size_t size)
{
	char real[PATH_MAX];
	const char *slash;

	if (is_program && realpath(path, real))
		path = real;
	slash = strrchr(path, '/');
	format_text(origin, size, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
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
	bool through = strcmp(root, holder) != 0;

	out->reach = found ? REACH_LINKED : REACH_MISSING;
	snprintf(out->holder, sizeof(out->holder), "%s", holder);
	snprintf(out->library, sizeof(out->library), "%s", found ? found : name);
	if (found)
		format_text(out->detail, sizeof(out->detail), "%s%s needs %s (%s)",
			    through ? "through " : "", through ? holder : "it", name, found);
	else
		format_text(out->detail, sizeof(out->detail),
			    "%s%s needs %s, which is not found here: the program cannot start",
			    through ? "through " : "", through ? holder : "it", name);
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
		char err[128], lib[PATH_MAX], origin[PATH_MAX];

		if (elf_read(w->path[i], &f, err, sizeof(err)) != 0)
			continue;
		if (i > 0 && f.defines_client) {
			verdict(out, REACH_STATIC, w->path[i], w->path[i],
				"%s carries its own copy of the client library", w->path[i]);
			return true;
		}
		origin_of(w->path[i], i == 0, origin, sizeof(origin));
		if (f.client_needed[0]) {
			bool found = resolve(f.client_needed, origin, &f, lib, sizeof(lib));

			linked(out, w->path[0], w->path[i], f.client_needed, found ? lib : NULL);
			return true;
		}
		for (unsigned n = 0; n < f.needed_count; n++)
			if (resolve(f.needed[n], origin, &f, lib, sizeof(lib)) &&
			    w->count < WALK_MAX && !walk_seen(w, lib))
				snprintf(w->path[w->count++], PATH_MAX, "%s", lib);
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
			"%s names the client library's functions without linking it: it loads the library at run time (dlopen) and looks them up (dlsym)",
			path);
	else
		verdict(out, REACH_NONE, path, "",
			"%s neither links nor contains the client library", path);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Pointed at the client library, or at this library: not a program. */
static bool is_a_library_itself(const char *path, struct reach_report *out)
{
	if (elf_is_client_library(base_name(path)))
		verdict(out, REACH_CLIENT_ITSELF, path, path,
			"%s is the client library itself: programs that link it are reached",
			path);
	else if (strncmp(base_name(path), "libmysqlreconnect", 17) == 0)
		verdict(out, REACH_NONE, path, "",
			"%s is mysql-reconnect's own library: name the program to preload it into",
			path);
	else
		return false;
	return true;
}

/* libmysqlclient.so.24, or a file of that soname with more version
 * numbers after it (what the symbolic link points to). */
static bool named_so24(const char *path)
{
	static const char so24[] = "libmysqlclient.so.24";
	const char *base = base_name(path);
	size_t n = sizeof(so24) - 1;

	return strncmp(base, so24, n) == 0 && (base[n] == '\0' || base[n] == '.');
}

/* The Oracle libmysqlclient whose MYSQL structure the library knows
 * (shim/client_oracle.c: MySQL 9.x's libmysqlclient.so.24, x86-64). */
static bool oracle_layout_known(const char *library)
{
#if defined(__x86_64__) && defined(__LP64__)
	char resolved[PATH_MAX];

	return named_so24(library) || (realpath(library, resolved) && named_so24(resolved));
#else
	(void)library;
	(void)named_so24;
	return false;
#endif
}

bool reach_library_observed_only(const struct reach_report *r)
{
	static const char *const connector_c[] = {"mariadb_get_infov", NULL};
	static const char *const client[] = {"mysql_real_connect", NULL};

	return r->reach == REACH_LINKED && r->library[0] == '/' &&
	       elf_has_symbol(r->library, client) && !elf_has_symbol(r->library, connector_c) &&
	       !oracle_layout_known(r->library);
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
	if (foreign(path, &f, out) || is_a_library_itself(path, out))
		return;
	if (f.defines_client) {
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
	return r == REACH_LINKED || r == REACH_LOOKED_UP || r == REACH_CLIENT_ITSELF;
#else
	/* dlsym is interposed on x86-64 only */
	return r == REACH_LINKED || r == REACH_CLIENT_ITSELF;
#endif
}

const char *reach_name(enum reach r)
{
	static const char *const names[] = {"none", "linked", "looked_up", "static",
					    "foreign", "unreadable", "missing", "client_itself"};

	return r <= REACH_CLIENT_ITSELF ? names[r] : "unknown";
}
