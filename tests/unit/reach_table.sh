#!/bin/sh
# The README's reach table must be what the tests show.  For each row
# between <!-- reach:begin --> and <!-- reach:end -->:
#   - column 3 ("reached") starts with "yes" or "no": mysql-reconnect-doctor
#     on the row's target (column 4, in backticks) must exit 0 or 1 to match;
#   - every `suite/name*` in column 5 must name integration tests that exist,
#     or scenarios of make test-mysql (`oracle/...`, `mariadb/...`) when
#     MYSQL_RUNNER (tests/mysql/run) is given.
#
#   reach_table.sh README DOCTOR INTEGRATION_BINARY [MYSQL_RUNNER]
set -u
set -f # `transactions/*` names tests, not files
README=${1:?usage: reach_table.sh README DOCTOR INTEGRATION_BINARY}
DOCTOR=${2:?}
TESTS=${3:?}
MYSQL_RUNNER=${4:-}
ROOT=$(cd "$(dirname "$README")" && pwd)
fail=0 rows=0

# "suite: N tests" then "├── name" lines: one "suite/name" per line.
list=$("$TESTS" --list 2>/dev/null | awk '
	/^[a-z_0-9]+: [0-9]+ tests?$/ { suite = $1; sub(":", "", suite); next }
	{ name = $NF; if (suite != "") print suite "/" name }')
[ -n "$list" ] || { echo "FAIL cannot list the integration tests of $TESTS"; exit 1; }
if [ -n "$MYSQL_RUNNER" ]; then
	mysql_list=$("$MYSQL_RUNNER" --list) ||
		{ echo "FAIL cannot list the scenarios of $MYSQL_RUNNER"; exit 1; }
	list=$(printf '%s\n%s\n' "$list" "$mysql_list")
fi

table=$(sed -n '/<!-- reach:begin -->/,/<!-- reach:end -->/p' "$README" | grep '^| ' | grep -v '^|---' |
	sed '1d')
[ -n "$table" ] || { echo "FAIL no reach table in $README"; exit 1; }

check_row() { # family, reached, target, tests
	family=$1 reached=$2 target=$3 tests=$4
	case $reached in
	yes*) want=0 ;;
	no*) want=1 ;;
	*) echo "FAIL $family: column 3 must start with yes or no: $reached"; fail=1; return ;;
	esac
	# Targets in the build or source tree are named from the project root.
	case $target in
	build/* | tests/*) target=$ROOT/$target ;;
	esac
	(cd "$ROOT" && "$DOCTOR" "$target" >/dev/null 2>&1)
	got=$?
	if [ "$got" = "$want" ]; then
		echo "ok   $family: the doctor agrees ($reached)"
	else
		echo "FAIL $family: the table says $reached, the doctor on $target exits $got"
		fail=1
	fi
	for t in $tests; do
		if printf '%s\n' "$list" | grep -q "^$(printf '%s' "$t" | sed 's/\*/.*/g')\$"; then
			echo "ok   $family: $t exists"
		else
			echo "FAIL $family: no integration test $t"
			fail=1
		fi
	done
}

while IFS='|' read -r _ family how reached target tests _; do
	target=$(printf '%s' "$target" | sed -n 's/^[^`]*`\([^`]*\)`.*/\1/p')
	tests=$(printf '%s' "$tests" | grep -o '`[a-z_0-9]*/[a-z_0-9*]*`' | tr -d '`')
	family=$(printf '%s' "$family" | sed 's/^ *//; s/ *$//')
	reached=$(printf '%s' "$reached" | sed 's/^ *//; s/ *$//')
	rows=$((rows + 1))
	check_row "$family" "$reached" "$target" "$tests"
done <<ROWS
$table
ROWS

[ $fail -eq 0 ] && echo "reach table: $rows rows agree with the doctor and the tests"
exit $fail
