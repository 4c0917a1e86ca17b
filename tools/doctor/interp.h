/* interp.h - interpreters and the MySQL modules they can load. */
#ifndef DOCTOR_INTERP_H
#define DOCTOR_INTERP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "reach.h"

enum family { FAMILY_NONE, FAMILY_PERL, FAMILY_PYTHON, FAMILY_RUBY, FAMILY_LUA,
	      FAMILY_TCL, FAMILY_PHP };

struct module_kind {
	enum family family;
	const char *name;    /* as its users know it: "DBD::mysql" */
	const char *pattern; /* a glob under each search directory ('?' template for Lua) */
	bool own_protocol;   /* talks MySQL itself: never reached */
	const char *markers; /* '|'-separated words that show a script uses it */
	const char *how;     /* how it talks to the server, when not through the library */
};

#define MODULES_MAX 16
#define DIRS_ASKED_MAX 64

struct module_found {
	const struct module_kind *kind;
	char path[PATH_MAX];
	struct reach_report reach; /* binary modules; own_protocol ones: REACH_NONE */
	bool reached;
};

struct interp_report {
	enum family family;
	char asked_error[256];  /* why the interpreter could not be asked, or "" */
	unsigned dir_count;     /* directories it searches */
	unsigned count;
	struct module_found module[MODULES_MAX];
	unsigned named_count;   /* modules a script names (when a script is given) */
	const struct module_kind *named[MODULES_MAX];
};

/* The family of an interpreter, from its file name (perl5.36, python3.11...). */
enum family interp_family(const char *path);
const char *interp_family_name(enum family f);

/* True when the file really is that interpreter (it defines or imports the
 * interpreter's own entry point), not another program with such a name. */
bool interp_is_genuine(const char *path, enum family f);

/* Asks the interpreter for its module search path and looks for every
 * known MySQL module there. */
void interp_inspect(const char *interpreter, enum family f, struct interp_report *out);

/* Records which known modules `text` (a script) names. */
void interp_note_script(struct interp_report *r, const char *text, size_t len);

/* The installed module of kind `k`, or NULL. */
const struct module_found *interp_found(const struct interp_report *r,
					 const struct module_kind *k);

#endif
