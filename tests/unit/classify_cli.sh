#!/bin/sh
# classify_cli.sh - test the mysql-reconnect-classify command.
#   tests/unit/classify_cli.sh build/mysql-reconnect-classify
# Exits non-zero, with a diff, on the first mismatch.
set -u

cmd=${1:?usage: classify_cli.sh PATH-TO-mysql-reconnect-classify}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
tab=$(printf '\t')

# compare NAME: expected output in $tmp/expected, actual in $tmp/actual
compare() {
	if cmp -s "$tmp/expected" "$tmp/actual"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		diff -u "$tmp/expected" "$tmp/actual" | sed 's/^/     /'
		fail=1
	fi
}

# 1. lines; empty lines are skipped; CRLF line ends are accepted
printf '%s\n' \
	"SELECT id FROM users WHERE id = 1" \
	"" \
	"DELETE FROM t WHERE id = 1" \
	"SELECT LAST_INSERT_ID()" \
	"BEGIN" \
	"SELECT * FROM t FOR UPDATE" \
	"SET NAMES utf8mb4" \
	"SELECT 'a\\' FOR UPDATE -- '" \
	"/* nothing */" \
	"CALL p()" > "$tmp/in"
printf 'SELECT 1\r\n' >> "$tmp/in"
cat > "$tmp/expected" <<END
safe${tab}read: SELECT
unsafe${tab}write: DELETE
unsafe${tab}session: LAST_INSERT_ID()
safe${tab}transaction: BEGIN
unsafe${tab}locking read: FOR UPDATE
safe${tab}session: SET NAMES
safe${tab}read: SELECT
unsafe${tab}empty: empty statement
unsafe${tab}side effect: CALL
safe${tab}read: SELECT
END
"$cmd" < "$tmp/in" > "$tmp/actual"; echo "exit $?" >> "$tmp/actual"
echo "exit 0" >> "$tmp/expected"
compare "lines"

# 2. -n / --no-backslash-escapes: the backslash no longer escapes the quote
printf '%s\n' "SELECT 'a\\' FOR UPDATE -- '" > "$tmp/in"
printf 'unsafe\tlocking read: FOR UPDATE\n' > "$tmp/expected"
"$cmd" -n < "$tmp/in" > "$tmp/actual"
compare "-n"
"$cmd" --no-backslash-escapes < "$tmp/in" > "$tmp/actual"
compare "--no-backslash-escapes"

# 3. -0: NUL-terminated statements, which may span lines
printf 'SELECT 1\nFROM t\nFOR UPDATE\0UPDATE t SET a = 1\0\0SELECT 2' > "$tmp/in"
cat > "$tmp/expected" <<END
unsafe${tab}locking read: FOR UPDATE
unsafe${tab}write: UPDATE
safe${tab}read: SELECT
END
"$cmd" -0 < "$tmp/in" > "$tmp/actual"
compare "-0"

# 4. a long line (getdelim: no line length limit)
{ printf 'SELECT 1'; i=0; while [ $i -lt 2000 ]; do printf ', 1234567890'; i=$((i+1)); done
  printf ' FOR UPDATE\n'; } > "$tmp/in"
printf 'unsafe\tlocking read: FOR UPDATE\n' > "$tmp/expected"
"$cmd" < "$tmp/in" > "$tmp/actual"
compare "long line"

# 5. --help and -h print usage to stdout and exit 0
"$cmd" --help > "$tmp/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q '^Usage: mysql-reconnect-classify' "$tmp/out"; then
	echo "ok   --help"
else
	echo "FAIL --help (exit $rc)"; fail=1
fi
"$cmd" -h > "$tmp/out" 2>/dev/null; rc=$?
if [ $rc -eq 0 ] && grep -q -- '--no-backslash-escapes' "$tmp/out"; then
	echo "ok   -h"
else
	echo "FAIL -h (exit $rc)"; fail=1
fi

# 6. --version: the version the other commands print
"$cmd" --version > "$tmp/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "mysql-reconnect-classify 0.1.0" ]; then
	echo "ok   --version"
else
	echo "FAIL --version (exit $rc)"; fail=1
fi

# 7. a bad option: short usage on stderr, nothing on stdout, exit 2
"$cmd" --bogus < /dev/null > "$tmp/out" 2> "$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q 'Usage:' "$tmp/err"; then
	echo "ok   bad option"
else
	echo "FAIL bad option (exit $rc)"; fail=1
fi
"$cmd" -x < /dev/null > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && echo "ok   bad short option" || { echo "FAIL bad short option (exit $rc)"; fail=1; }

# 8. a write error (stdout is /dev/full) exits 1
if [ -w /dev/full ]; then
	echo "SELECT 1" | "$cmd" > /dev/full 2>/dev/null; rc=$?
	[ $rc -eq 1 ] && echo "ok   write error" || { echo "FAIL write error (exit $rc)"; fail=1; }
fi

# 9. empty input: no output, exit 0
"$cmd" < /dev/null > "$tmp/actual"; rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/actual" ]; then
	echo "ok   empty input"
else
	echo "FAIL empty input (exit $rc)"; fail=1
fi

# 10. FILE arguments, in turn; - is standard input; a file that cannot be
#     read is named, the others are still classified, exit 1
printf 'SELECT 1\nDELETE FROM t\n' > "$tmp/a.sql"
printf 'BEGIN\n' > "$tmp/b.sql"
cat > "$tmp/expected" <<END
safe${tab}read: SELECT
unsafe${tab}write: DELETE
safe${tab}session: SET NAMES
safe${tab}transaction: BEGIN
exit 0
END
echo "SET NAMES utf8mb4" | "$cmd" "$tmp/a.sql" - "$tmp/b.sql" > "$tmp/actual" 2>&1
echo "exit $?" >> "$tmp/actual"
compare "FILE arguments, - for standard input"
printf 'SELECT 1\0UPDATE t SET a = 1\0' > "$tmp/c.sql"
printf 'safe\tread: SELECT\nunsafe\twrite: UPDATE\n' > "$tmp/expected"
"$cmd" -0 "$tmp/c.sql" > "$tmp/actual" 2>&1
compare "a FILE argument with -0"
"$cmd" "$tmp/missing.sql" "$tmp/b.sql" > "$tmp/out" 2> "$tmp/err"; rc=$?
if [ $rc -eq 1 ] && [ "$(cat "$tmp/out")" = "safe${tab}transaction: BEGIN" ] &&
	grep -q "^mysql-reconnect-classify: $tmp/missing.sql: No such file or directory" "$tmp/err"; then
	echo "ok   a missing FILE: named, the others classified, exit 1"
else
	echo "FAIL a missing FILE (exit $rc)"; cat "$tmp/out" "$tmp/err"; fail=1
fi

if [ $fail -ne 0 ]; then
	echo "classify_cli: FAILED" >&2
	exit 1
fi
echo "classify_cli: all passed"
