/* Log line formatting: one event is one line of plain ASCII whatever the
 * values contain, and it stays within its buffer. */
#include <criterion/criterion.h>
#include <string.h>
#include <syslog.h>

#include "logfmt.h"

static const char *line_with(const char *key, const char *value, size_t n)
{
	static struct logline l;

	logline_init(&l, LOG_NOTICE, "test");
	logline_bytes(&l, key, value, n);
	return logline_finish(&l);
}

Test(logfmt, bare_and_quoted_values)
{
	struct logline l;

	logline_init(&l, LOG_WARNING, "connection_lost");
	logline_str(&l, "host", "db-1.example.com");
	logline_uint(&l, "port", 3306);
	logline_str(&l, "error", "Lost connection to server during query");
	logline_str(&l, "db", NULL);
	logline_str(&l, "empty", "");
	cr_expect_str_eq(logline_finish(&l),
			 "event=connection_lost host=db-1.example.com port=3306 "
			 "error=\"Lost connection to server during query\" db=- empty=\"\"");
	cr_expect_eq(l.severity, LOG_WARNING);
}

Test(logfmt, escapes_quotes_backslashes_controls_and_binary)
{
	static const char value[] = "a\"b\\c\nd\0e\xff";

	cr_expect_str_eq(line_with("statement", value, sizeof(value) - 1),
			 "event=test statement=\"a\\\"b\\\\c\\x0ad\\x00e\\xff\"");
}

Test(logfmt, equals_sign_is_quoted)
{
	cr_expect_str_eq(line_with("k", "a=b", 3), "event=test k=\"a=b\"");
}

Test(logfmt, long_value_is_cut_and_marked)
{
	static char big[10000];
	const char *line;

	memset(big, 'x', sizeof(big));
	line = line_with("statement", big, sizeof(big));
	cr_expect_lt(strlen(line), LOGLINE_MAX);
	cr_expect_eq(strchr(line, '\n'), NULL);
	cr_expect(strstr(line, "\" truncated=yes") != NULL, "ends quoted and marked: %s",
		  line + strlen(line) - 30);
}

Test(logfmt, long_escaped_value_is_cut_and_marked)
{
	static char big[5000];
	const char *line;

	memset(big, '\x01', sizeof(big));
	line = line_with("statement", big, sizeof(big));
	cr_expect_lt(strlen(line), LOGLINE_MAX);
	cr_expect(strstr(line, "truncated=yes") != NULL);
}

Test(logfmt, nothing_added_after_truncation)
{
	static char big[3000];
	struct logline l;

	memset(big, 'y', sizeof(big));
	logline_init(&l, LOG_NOTICE, "test");
	logline_bytes(&l, "a", big, sizeof(big));
	logline_str(&l, "after", "z");
	cr_expect_eq(strstr(logline_finish(&l), "after="), NULL);
}

static const char *statement_line(const char *text, size_t max)
{
	static struct logline l;

	logline_init(&l, LOG_NOTICE, "test");
	logline_statement(&l, "statement", text, strlen(text), max);
	return logline_finish(&l);
}

Test(logfmt, statement_literals_are_masked)
{
	cr_expect_str_eq(statement_line("CREATE USER u IDENTIFIED BY 'hunter2'", 256),
			 "event=test statement=\"CREATE USER u IDENTIFIED BY '?'\"");
	cr_expect_str_eq(statement_line("SET PASSWORD = PASSWORD(\"s3cret\")", 256),
			 "event=test statement=\"SET PASSWORD = PASSWORD(\\\"?\\\")\"");
	cr_expect_str_eq(statement_line("SELECT 'it''s', 'a\\'b', 1", 256),
			 "event=test statement=\"SELECT '?', '?', 1\"");
	cr_expect_str_eq(statement_line("SELECT `col'x` FROM t WHERE a = 'open", 256),
			 "event=test statement=\"SELECT `col'x` FROM t WHERE a = '?\"",
			 "a quote inside a backtick name is not a literal");
	cr_expect_str_eq(statement_line("SELECT 1", 256), "event=test statement=\"SELECT 1\"");
}

Test(logfmt, statement_is_cut_at_max)
{
	const char *line = statement_line("SELECT 'abcdef', 123456789", 12);

	cr_expect_str_eq(line, "event=test statement=\"SELECT '?', \"");
	cr_expect_eq(strstr(statement_line("INSERT INTO t VALUES ('hunter2hunter2')", 24),
			    "hunter"), NULL);
}
