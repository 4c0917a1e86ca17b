#!/bin/sh
# mysql-reconnect-report on a fixed syslog excerpt: one line per incident,
# the totals, the configuration problem; other programs' lines ignored.
set -u
REPORT=${1:?usage: report_cli.sh path/to/mysql-reconnect-report}
DIR=$(dirname "$0")/fixtures
fail=0

check() { # description, command output, expected
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		printf -- '--- expected\n%s\n--- got\n%s\n' "$3" "$2"
		fail=1
	fi
}

check "incident lines" "$("$REPORT" --incidents "$DIR/report-input.log")" \
"2026-11-23T10:00:01.000001+00:00 incident=100.1 program=billing at=db1:3306 cause=lost_during_query errno=2013 idle_ms=120 statement=\"read: SELECT\" outcome=recovered reconnect_failures=1 recovery_ms=1450
2026-11-23T10:05:00.000001+00:00 incident=100.2 program=billing at=db1:3306 cause=killed errno=1927 idle_ms=5 statement=\"write: INSERT\" outcome=rolled_back reconnect_failures=0 recovery_ms=- transaction=lost
2026-11-23T10:07:00.000001+00:00 incident=200.1 program=report at=default cause=server_gone errno=2006 idle_ms=900000 statement=\"read: SELECT\" outcome=observed reconnect_failures=0 recovery_ms=-
2026-11-23T10:08:00.000001+00:00 incident=300.1 program=etl at=db2:3306 cause=lost_during_query errno=2013 idle_ms=1 statement=\"read: SELECT\" outcome=gave_up reconnect_failures=0 recovery_ms=- gave_up=budget_exhausted"

summary=$("$REPORT" --summary < "$DIR/report-input.log" | sort)
check "summary from standard input" "$summary" "$(printf '%s\n' \
	"" \
	"  cause   killed           1" \
	"  cause   lost_during_query 2" \
	"  cause   server_gone      1" \
	"  config problem: MYSQL_RECONNECT_ATTEMPTS=banana (expected a whole number from 1 to 1000; default 12 used)" \
	"  outcome gave_up          1" \
	"  outcome observed         1" \
	"  outcome recovered        1" \
	"  outcome rolled_back      1" \
	"4 incident(s)" | sort)"

check "nothing found" "$(echo 'Nov 23 other[1]: hello' | "$REPORT")" "no mysql-reconnect events found"
"$REPORT" /nonexistent/file 2>/dev/null
check "unreadable file exits 1" "$?" "1"
"$REPORT" --bogus 2>/dev/null
check "bad option exits 2" "$?" "2"
check "help" "$("$REPORT" --help | head -1)" "Usage: mysql-reconnect-report [OPTION]... [FILE]..."
exit $fail
