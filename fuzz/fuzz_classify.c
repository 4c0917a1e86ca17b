/* fuzz_classify.c - libFuzzer target for sql_classify().
 *
 * Built with clang -fsanitize=fuzzer,address,undefined compiling
 * shim/classify.c directly.  The input is passed with its exact length (no
 * NUL terminator is added, so ASan catches any read past the end), with
 * both lexing modes, and the verdict's invariants are checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../shim/classify.h"

/* Masking for the log: never more than asked, never past the input. */
static void check_mask(const char *text, size_t len, unsigned flags)
{
	char out[4096];
	size_t caps[] = {0, 1, 7, 64, sizeof(out)};

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (sql_mask(text, len, flags, out, caps[i]) > caps[i])
			abort();
}

static void check(const char *text, size_t len, unsigned flags)
{
	struct sql_verdict v;

	memset(&v, 0x5a, sizeof v);
	sql_classify(text, len, flags, &v);
	if (!v.what || !sql_reason_name(v.reason))
		abort();
	if (v.reason > SQL_REASON_UNKNOWN || v.txn > SQL_TXN_XA)
		abort();
	if (v.safe && v.reason != SQL_REASON_READ && v.reason != SQL_REASON_SESSION &&
	    v.reason != SQL_REASON_TRANSACTION)
		abort();
	if (v.safe && v.statements == 0)
		abort();
	if (v.reason == SQL_REASON_EMPTY && (v.safe || v.statements != 0))
		abort();
	/* each statement needs at least one byte and a ';' between two */
	if (v.statements > len || (len && v.statements > len / 2 + 1))
		abort();
	if ((v.statements > 1) != !!(v.facts & SQL_FACT_MULTI))
		abort();
	if (v.facts & ~SQL_FACT_ALL)
		abort();
	if ((v.facts & SQL_FACT_READS_SEQUENCE) && !(v.facts & SQL_FACT_READS_LAST_RESULT))
		abort();
	/* reading lost state depends on the session; creating state changes it */
	if ((v.facts & (SQL_FACT_READS_USER_VAR | SQL_FACT_READS_LAST_RESULT)) &&
	    !(v.facts & SQL_FACT_DEPENDS_SESSION))
		abort();
	if ((v.facts & (SQL_FACT_TEMP_TABLE | SQL_FACT_TAKES_LOCK | SQL_FACT_SETS_USER_VAR |
			SQL_FACT_PREPARES)) &&
	    !(v.facts & SQL_FACT_CHANGES_SESSION))
		abort();
	if (v.txn != SQL_TXN_NONE && v.statements == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a heap copy of exactly `size` bytes: reads past it are reported */
	char *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	check(copy, size, 0);
	check(copy, size, SQL_NO_BACKSLASH_ESCAPES);
	check_mask(copy, size, 0);
	check_mask(copy, size, SQL_NO_BACKSLASH_ESCAPES);
	free(copy);
	return 0;
}
