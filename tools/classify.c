/* mysql-reconnect-classify - classify SQL statements the way the shim does
 * after a lost connection: may each one be re-sent on a fresh connection?
 *
 * Reads one statement per line (or NUL-terminated with -0) from each FILE
 * ("-": standard input), or from standard input, and prints
 * "safe|unsafe<TAB>reason: what" for each. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shim/classify.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

static const char usage_text[] =
	"Usage: mysql-reconnect-classify [-0] [-n] [-h] [--version] [FILE]...\n"
	"Read SQL statements from each FILE, one per line, and print whether each\n"
	"may be re-sent on a fresh connection.  With no FILE, or when FILE is -,\n"
	"read standard input.\n"
	"\n"
	"  -0, --null                   statements are NUL-terminated, not lines\n"
	"  -n, --no-backslash-escapes   lex as with sql_mode NO_BACKSLASH_ESCAPES\n"
	"  -h, --help                   print this help and exit\n"
	"      --version                print the version and exit\n"
	"\n"
	"Output: one line per non-empty statement: \"safe\" or \"unsafe\", a TAB,\n"
	"then \"REASON: WHAT\", e.g. \"unsafe\\twrite: DELETE\".\n";

static int classify_stream(FILE *in, const char *name, int delim, unsigned flags)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	errno = 0;
	while ((n = getdelim(&buf, &cap, delim, in)) >= 0) {
		struct sql_verdict v;
		size_t len = (size_t)n;

		if (len && buf[len - 1] == (char)delim)
			len--;
		if (delim == '\n' && len && buf[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		sql_classify(buf, len, flags, &v);
		if (printf("%s\t%s: %s\n", v.safe ? "safe" : "unsafe",
			   sql_reason_name(v.reason), v.what) < 0) {
			rc = 1;
			break;
		}
	}
	if (ferror(in)) {
		fprintf(stderr, "mysql-reconnect-classify: %s: read error: %s\n", name,
			strerror(errno));
		rc = 1;
	}
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "null", no_argument, NULL, '0' },
		{ "no-backslash-escapes", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned flags = 0;
	int delim = '\n', opt, rc;

	while ((opt = getopt_long(argc, argv, "0nh", longopts, NULL)) != -1) {
		switch (opt) {
		case '0':
			delim = '\0';
			break;
		case 'n':
			flags |= SQL_NO_BACKSLASH_ESCAPES;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return fflush(stdout) ? 1 : 0;
		case 'V':
			puts("mysql-reconnect-classify " VERSION);
			return fflush(stdout) ? 1 : 0;
		default:
			fputs("Usage: mysql-reconnect-classify [-0] [-n] [-h] [--version]"
			      " [FILE]...\n", stderr);
			return 2;
		}
	}
	if (optind == argc) {
		rc = classify_stream(stdin, "standard input", delim, flags);
	} else {
		/* Like cat: a file that cannot be read is named, the others are
		 * classified, and the exit status is 1. */
		rc = 0;
		for (int i = optind; i < argc; i++) {
			bool is_stdin = strcmp(argv[i], "-") == 0;
			FILE *in = is_stdin ? stdin : fopen(argv[i], "re");

			if (!in) {
				fprintf(stderr, "mysql-reconnect-classify: %s: %s\n", argv[i],
					strerror(errno));
				rc = 1;
				continue;
			}
			if (classify_stream(in, is_stdin ? "standard input" : argv[i], delim,
					    flags))
				rc = 1;
			if (is_stdin)
				clearerr(stdin);
			else
				fclose(in);
		}
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mysql-reconnect-classify: write error\n");
		rc = 1;
	}
	return rc;
}
