#!/bin/sh
# mysql-reconnect-report on fixed syslog and journal excerpts: one line per
# incident (newest first), the totals, the configuration problem, the exit
# status, --since and --json; other programs' lines ignored.  A gave_up
# line's attempts are its incident's failed reconnects.
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

check "incident lines, newest first" "$("$REPORT" --incidents "$DIR/report-input.log")" \
"2026-11-23T10:08:00.000001+00:00 incident=300.1 program=etl at=db2:3306 cause=server_down errno=2013 idle_ms=1 statement=\"read: SELECT\" outcome=gave_up reconnect_failures=12 recovery_ms=- gave_up=budget_exhausted remedy=\"is it running?\"
2026-11-23T10:07:00.000001+00:00 incident=200.1 program=report at=default cause=- errno=2006 idle_ms=900000 statement=\"read: SELECT\" outcome=observed reconnect_failures=0 recovery_ms=-
2026-11-23T10:05:00.000001+00:00 incident=100.2 program=billing at=db1:3306 cause=killed errno=1927 idle_ms=5 statement=\"write: INSERT\" outcome=rolled_back reconnect_failures=0 recovery_ms=- transaction=lost remedy=\"find who runs KILL\"
2026-11-23T10:00:01.000001+00:00 incident=100.1 program=billing at=db1:3306 cause=server_restarted errno=2013 idle_ms=120 timeout_s=28800 uptime_s=1 statement=\"read: SELECT\" outcome=recovered reconnect_failures=1 recovery_ms=1450 remedy=\"check the server error log\""

summary=$("$REPORT" --summary < "$DIR/report-input.log")
check "summary from standard input" "$summary" "$(printf '%s\n' \
	"" \
	"4 incident(s), 2 seen by the program" \
	"  outcome gave_up                    1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  outcome observed                   1 incident(s)     0 seen by the program  recovery_ms p50=- p99=-" \
	"  outcome recovered                  1 incident(s)     0 seen by the program  recovery_ms p50=1450 p99=1450" \
	"  outcome rolled_back                1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  cause   -                          1 incident(s)     0 seen by the program  recovery_ms p50=- p99=-" \
	"  cause   killed                     1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  cause   server_down                1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  cause   server_restarted           1 incident(s)     0 seen by the program  recovery_ms p50=1450 p99=1450" \
	"  program billing                    2 incident(s)     1 seen by the program  recovery_ms p50=1450 p99=1450" \
	"  program etl                        1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  program report                     1 incident(s)     0 seen by the program  recovery_ms p50=- p99=-" \
	"  server  db1:3306                   2 incident(s)     1 seen by the program  recovery_ms p50=1450 p99=1450" \
	"  server  db2:3306                   1 incident(s)     1 seen by the program  recovery_ms p50=- p99=-" \
	"  server  default                    1 incident(s)     0 seen by the program  recovery_ms p50=- p99=-" \
	"  config problem: MYSQL_RECONNECT_ATTEMPTS=banana (expected a whole number from 1 to 1000; default 12 used)")"

"$REPORT" "$DIR/report-input.log" >/dev/null
check "exit 3 when an incident reached the program" "$?" "3"
grep -v 'incident=[23]00\|incident=100.2' "$DIR/report-input.log" | "$REPORT" >/dev/null
check "exit 0 when every incident was hidden" "$?" "0"

check "--since keeps the later incidents" \
	"$("$REPORT" --incidents --since "2026-11-23T10:06:00+00:00" "$DIR/report-input.log" | cut -d' ' -f2)" \
	"$(printf 'incident=300.1\nincident=200.1')"
"$REPORT" --since "not a date" "$DIR/report-input.log" 2>/dev/null
check "--since with no date exits 1" "$?" "1"

check "journal JSON input" "$("$REPORT" --incidents "$DIR/report-journal.json")" \
"2026-11-18T11:06:40Z incident=400.1 program=cron at=db3:3306 cause=wait_timeout errno=2013 idle_ms=30000000 timeout_s=28800 uptime_s=999999 statement=\"read: SELECT\" outcome=recovered reconnect_failures=0 recovery_ms=3 remedy=\"raise wait_timeout\""

check "journal short input (no year)" \
	"$(sed 's/^2026-11-23T\(..:..:..\)[^ ]*/Nov 23 \1/' "$DIR/report-input.log" | "$REPORT" --incidents | cut -d' ' -f1-4)" \
"$(printf '%s\n' 'Nov 23 10:08:00 incident=300.1' 'Nov 23 10:07:00 incident=200.1' \
	'Nov 23 10:05:00 incident=100.2' 'Nov 23 10:00:01 incident=100.1')"

json_ok=ok
"$REPORT" --json "$DIR/report-input.log" | while IFS= read -r line; do
	printf '%s' "$line" | python3 -c 'import json, sys; json.load(sys.stdin)' || echo bad
done | grep -q bad && json_ok=bad
check "--json prints valid JSON lines" "$json_ok" "ok"
check "--json ends with the summary" "$("$REPORT" --json "$DIR/report-input.log" | tail -1 | cut -c1-45)" \
	'{"summary":{"incidents":4,"seen_by_program":2'

check "nothing found" "$(echo 'Nov 23 other[1]: hello' | "$REPORT")" "no mysql-reconnect events found"
"$REPORT" /nonexistent/file 2>/dev/null
check "unreadable file exits 1" "$?" "1"
"$REPORT" --bogus 2>/dev/null
check "bad option exits 2" "$?" "2"
check "help" "$("$REPORT" --help | head -1)" "Usage: mysql-reconnect-report [OPTION]... [FILE]..."
check "--version" "$("$REPORT" --version)" "mysql-reconnect-report 0.1.0"
exit $fail
