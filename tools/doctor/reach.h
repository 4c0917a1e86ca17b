/* reach.h - can a preloaded library reach the client library calls of one
 * ELF object (a program or an interpreter's extension module)? */
#ifndef DOCTOR_REACH_H
#define DOCTOR_REACH_H

#include <limits.h>
#include <stdbool.h>

enum reach {
	REACH_NONE,       /* no sign of the client library */
	REACH_LINKED,     /* needs a shared client library: reached */
	REACH_LOOKED_UP,  /* loads it at run time and looks functions up (dlsym) */
	REACH_STATIC,     /* carries its own copy: calls stay inside, unreachable */
	REACH_FOREIGN,    /* built for another machine or word size */
	REACH_UNREADABLE, /* not a file the doctor can read as ELF */
	REACH_MISSING,    /* needs a client library that is not installed */
	REACH_CLIENT_ITSELF, /* the client library itself: programs using it are reached */
};

struct reach_report {
	enum reach reach;
	char library[PATH_MAX]; /* the client library (path, or the needed name) */
	char holder[PATH_MAX];  /* the object that needs it or holds the copy */
	char detail[512];       /* the evidence, one sentence */
};

void reach_of_object(const char *path, struct reach_report *out);

/* True when `r` means the library can intercept the calls. */
int reach_is_reached(enum reach r);

/* A reached client library that is neither MariaDB Connector/C (it has
 * mariadb_get_infov) nor an Oracle libmysqlclient whose structure the
 * library knows (libmysqlclient.so.24 on x86-64): the library follows its
 * calls but can only log lost connections.  False when the file cannot be
 * read. */
bool reach_library_observed_only(const struct reach_report *r);

/* "linked", "looked_up", ... for --json. */
const char *reach_name(enum reach r);

#endif
