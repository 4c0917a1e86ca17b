/* Log line formatting: one event is one line of plain ASCII whatever the
 * values contain, and it stays within its buffer. */
#include <criterion/criterion.h>
#include <string.h>
#include <syslog.h>

#include "classify.h"
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

static const char *statement_line_as(const char *text, size_t max, unsigned sql_flags)
{
	static struct logline l;

	logline_init(&l, LOG_NOTICE, "test");
	logline_statement(&l, "statement", text, strlen(text), max, sql_flags);
	return logline_finish(&l);
}

static const char *statement_line(const char *text, size_t max)
{
	return statement_line_as(text, max, 0);
}

Test(logfmt, statement_literals_are_masked)
{
	cr_expect_str_eq(statement_line("CREATE USER u IDENTIFIED BY 'hunter2'", 256),
			 "event=test statement=\"CREATE USER u IDENTIFIED BY '?'\"");
	cr_expect_str_eq(statement_line("SET PASSWORD = PASSWORD(\"s3cret\")", 256),
			 "event=test statement=\"SET PASSWORD = PASSWORD(\\\"?\\\")\"");
	cr_expect_str_eq(statement_line("SELECT 'it''s', 'a\\'b', 1", 256),
			 "event=test statement=\"SELECT '?', '?', ?\"");
	cr_expect_str_eq(statement_line("SELECT `col'x` FROM t WHERE a = 'open", 256),
			 "event=test statement=\"SELECT `col'x` FROM t WHERE a = ?\"",
			 "a quote inside a backtick name is not a literal");
	cr_expect_str_eq(statement_line("SELECT 1", 256), "event=test statement=\"SELECT ?\"");
	cr_expect_str_eq(statement_line("SELECT * FROM t WHERE card = 4111111111111111", 256),
			 "event=test statement=\"SELECT * FROM t WHERE card = ?\"",
			 "numbers are literals too");
	cr_expect_str_eq(statement_line("SELECT X'DEADBEEF', b'101', N'x', _utf8mb4'y'", 256),
			 "event=test statement=\"SELECT ?, ?, N'?', _utf8mb4'?'\"");
}

/* What fooled the naive lexer: quotes in comments, and a backslash that
 * ends a string under NO_BACKSLASH_ESCAPES. */
Test(logfmt, no_literal_leaks_past_comments_or_escapes)
{
	static const char *const cases[] = {
		"/* it's */ UPDATE u SET pw = 'hunter2' WHERE id = 7",
		"# o'clock\nUPDATE u SET pw = 'hunter2'",
		"-- it's\nUPDATE u SET pw = 'hunter2'",
		"SELECT 1 -- it's\n, 'hunter2'",
		"/*! SELECT */ 'hunter2'",
		"SELECT \"it's\", 'hunter2'",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *line = statement_line(cases[i], 256);

		cr_expect_eq(strstr(line, "hunter2"), NULL, "leaked: %s -> %s", cases[i], line);
		cr_expect_eq(strstr(line, "it's"), NULL, "comment or literal text: %s", line);
	}
	cr_expect_eq(strstr(statement_line_as("SELECT 'a\\', 'hunter2'", 256,
					      SQL_NO_BACKSLASH_ESCAPES), "hunter2"),
		     NULL, "under NO_BACKSLASH_ESCAPES 'a\\' ends at its quote");
	cr_expect_str_eq(statement_line("SELECT 1 /* note */ FROM t", 256),
			 "event=test statement=\"SELECT ? FROM t\"", "a comment becomes one space");
}

Test(logfmt, statement_is_cut_at_max)
{
	const char *line = statement_line("SELECT 'abcdef', 123456789", 12);

	cr_expect_str_eq(line, "event=test statement=\"SELECT '?', \"");
	line = statement_line("SELECT 'abcdef', 123456789", 13);
	cr_expect_str_eq(line, "event=test statement=\"SELECT '?', ?\"");
	cr_expect_eq(strstr(statement_line("INSERT INTO t VALUES ('hunter2hunter2')", 24),
			    "hunter"), NULL);
}

static const char *masked_message(const char *message)
{
	static char out[256];

	sql_mask_message(message, out, sizeof(out));
	return out;
}

/* The server quotes what it quotes without escaping it. */
Test(logfmt, server_messages_mask_from_first_to_last_quote)
{
	cr_expect_str_eq(masked_message("You have an error in your SQL syntax; check the manual "
					"near ''hunter2-secret'' at line 1"),
			 "You have an error in your SQL syntax; check the manual near '?' at line 1");
	cr_expect_str_eq(masked_message("Duplicate entry 'O'Brien:pin=4711' for key 'PRIMARY'"),
			 "Duplicate entry '?'");
	cr_expect_str_eq(masked_message("Incorrect integer value: 'x' for column `t`.`c` at row 1"),
			 "Incorrect integer value: '?' at row 1");
	cr_expect_str_eq(masked_message("Unknown column 'secret"), "Unknown column '?'",
			 "an unpaired quote masks the rest");
	cr_expect_str_eq(masked_message("Table 'apptest.w_pending' doesn't exist"),
			 "Table '?' doesn't exist", "an apostrophe in a word closes nothing");
	cr_expect_str_eq(masked_message("Duplicate entry 'O'Brien' for key 'name'"),
			 "Duplicate entry '?'");
	cr_expect_str_eq(masked_message("near 'it's' at line 1"), "near '?' at line 1");
	cr_expect_str_eq(masked_message("Lost connection to server during query"),
			 "Lost connection to server during query");
}

Test(logfmt, hex_and_binary_literals_are_masked)
{
	cr_expect_str_eq(statement_line("INSERT INTO t VALUES (0xDEADBEEF, 0b0101, 0x1G)", 256),
			 "event=test statement=\"INSERT INTO t VALUES (?, ?, 0x1G)\"",
			 "0x1G is a name, not a literal");
}
