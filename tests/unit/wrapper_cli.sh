#!/bin/sh
# wrapper_cli.sh - the mysql-reconnect wrapper: the library once in
# LD_PRELOAD, whatever was preloaded kept; the program's exit status; a
# program that cannot be run reported as a shell does (no line number of
# the wrapper's script), exit 127 or 126.
#
#   tests/unit/wrapper_cli.sh build/mysql-reconnect
set -u
W=$(realpath "${1:?usage: wrapper_cli.sh path/to/mysql-reconnect}")
LIB=$(sed -n "s/^LIBRARY='\(.*\)'$/\1/p" "$W")
OTHER=$(ls /usr/lib/*/libmariadb.so.3 | head -n 1)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wrapper.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
fail=0

check() { # description, got, expected
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		printf 'FAIL %s\n--- expected\n%s\n--- got\n%s\n' "$1" "$3" "$2"
		fail=1
	fi
}

[ -r "$LIB" ] || { echo "FAIL $W preloads $LIB, which is missing: build it first"; exit 1; }

# shellcheck disable=SC2016 # the child shell expands it
show='printf %s "$LD_PRELOAD"'
check "the library is preloaded" "$(env -u LD_PRELOAD "$W" sh -c "$show")" "$LIB"
check "in front of what was preloaded, which stays" \
	"$(LD_PRELOAD="$OTHER" "$W" sh -c "$show")" "$LIB $OTHER"
check "a nested mysql-reconnect does not preload it twice" \
	"$(env -u LD_PRELOAD "$W" "$W" sh -c "$show")" "$LIB"
check "nor when LD_PRELOAD names it already, among others" \
	"$(LD_PRELOAD="$OTHER:$LIB" "$W" sh -c "$show")" "$OTHER:$LIB"
cp "$LIB" "$TMP/libmysqlreconnect.so"
check "nor when it names another copy of it" \
	"$(LD_PRELOAD="$TMP/libmysqlreconnect.so" "$W" sh -c "$show")" "$TMP/libmysqlreconnect.so"
check "but a copy that does not exist does not count" \
	"$(LD_PRELOAD="$TMP/nowhere/libmysqlreconnect.so" "$W" sh -c "$show" 2>/dev/null)" \
	"$LIB $TMP/nowhere/libmysqlreconnect.so"

"$W" sh -c 'exit 3'
check "the program's exit status" "$?" 3

# run_fails DESCRIPTION STATUS MESSAGE PROGRAM: the wrapper cannot run it.
run_fails() {
	err=$("$W" "$4" 2>&1 >/dev/null)
	rc=$?
	check "$1: exit $2" "$rc" "$2"
	check "$1: one line, as a shell says it" "$err" "mysql-reconnect: $4: $3"
}
run_fails "a command not found" 127 "command not found" no-such-command-mrt
run_fails "a path that does not exist" 127 "No such file or directory" "$TMP/nowhere/prog"
printf '#!/bin/sh\necho ran\n' > "$TMP/not-executable"
chmod 644 "$TMP/not-executable"
run_fails "a file that is not executable" 126 "Permission denied" "$TMP/not-executable"
run_fails "a directory" 126 "Is a directory" "$TMP"
err=$(PATH="$TMP:/usr/bin:/bin" "$W" not-executable 2>&1 >/dev/null)
rc=$?
check "found in PATH, not executable: exit 126" "$rc" 126
check "... said so" "$err" "mysql-reconnect: not-executable: Permission denied"
cp "$TMP/not-executable" "$TMP/runs" && chmod 755 "$TMP/runs"
check "found in PATH, executable: run" "$(PATH="/nonexistent::$TMP" "$W" runs 2>&1)" ran

[ $fail -eq 0 ] && echo "wrapper: all checks passed"
exit $fail
