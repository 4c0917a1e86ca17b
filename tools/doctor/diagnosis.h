/* diagnosis.h - everything the doctor found about one program or process,
 * and its verdict. */
#ifndef DOCTOR_DIAGNOSIS_H
#define DOCTOR_DIAGNOSIS_H

#include <limits.h>
#include <stdbool.h>

#include "envcheck.h"
#include "interp.h"
#include "proc.h"
#include "reach.h"

enum target_kind { TARGET_PROGRAM, TARGET_SCRIPT, TARGET_PROCESS };

struct diagnosis {
	const char *target;            /* as given on the command line */
	enum target_kind kind;
	char program[PATH_MAX];        /* the file examined */
	char script[PATH_MAX];         /* a script's path (TARGET_SCRIPT) */
	enum family family;            /* the program is this interpreter */
	struct reach_report reach;     /* the program itself */
	struct interp_report interp;   /* family != FAMILY_NONE */
	struct proc_report proc;       /* TARGET_PROCESS */
	struct env_report env;
	bool set_id;                   /* a set-user-ID or set-group-ID program */
	bool preload_ignored;          /* the process's LD_PRELOAD names the library,
					  which is not mapped */
	bool can_help;
	char verdict[1024];            /* why, one sentence */
	char advice[1024];             /* what to do */
};

/* Output, plain or JSON Lines (one object). */
void report_text(const struct diagnosis *d);
void report_json(const struct diagnosis *d);

#endif
