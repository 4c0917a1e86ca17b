#!/bin/sh
# mysql-reconnect-report on fixed syslog and journal excerpts: one line per
# incident (newest first), the totals, the configuration problem, the exit
# status, --since and --json; other programs' lines ignored.  A gave_up
# line's attempts are its incident's failed reconnects.  Then what issue 20
# found: classic syslog with --since, another program's line carrying the
# library's text, hosts and days with reused pids, the last line's cause,
# odd journal JSON, unreadable times, and 100,000 incidents in seconds.
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

# ---- issue 20: a report that cannot hide an incident ----
TMP=$(mktemp -d "${TMPDIR:-/tmp}/report-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

# Classic syslog (rsyslog's default format: no year) with --since: the
# incident of ten minutes ago is found, and the monitoring check fires.
when=$(date -d '10 minutes ago' '+%b %e %H:%M:%S')
cat > "$TMP/classic.log" <<EOF
$when db-client mysql-reconnect[4711]: event=connection_lost incident=4711.1 program=billing pid=4711 host=db1 port=3306 errno=2013 idle_ms=5 in_transaction=no statement_kind="read: SELECT" mode=on plan=reconnect_and_send_again
$when db-client mysql-reconnect[4711]: event=gave_up incident=4711.1 program=billing pid=4711 host=db1 port=3306 attempts=3 why=budget_exhausted outcome=error_returned cause=server_down remedy="is it running?"
EOF
got=$("$REPORT" --summary --since "1 hour ago" "$TMP/classic.log" | sed -n 2p)
rc=$("$REPORT" --since "1 hour ago" "$TMP/classic.log" >/dev/null; echo $?)
check "classic syslog with --since \"1 hour ago\": the incident is found, exit 3" "$got exit $rc" \
	"1 incident(s), 1 seen by the program exit 3"
check "... and --until before it leaves it out" \
	"$("$REPORT" --summary --until "2 hours ago" "$TMP/classic.log" | sed -n 2p)" \
	"0 incident(s), 0 seen by the program"

# Another program's line carrying the library's text is not an event: an
# sshd "Invalid user" line must not turn a lost transaction into recovered.
{
	grep 'incident=100\.2' "$DIR/report-input.log" | grep -v rolled_back
	echo '2026-11-23T10:05:01.000001+00:00 db-client sshd[999]: Invalid user mysql-reconnect[100]: event=statement_retried incident=100.2 outcome=ok from 203.0.113.9 port 22'
	echo '2026-11-23T10:05:02.000001+00:00 db-client sshd[999]: mysql-reconnect[100]: event=statement_retried incident=100.2 outcome=ok'
} > "$TMP/sshd.log"
check "an sshd line with the library's text does not count" \
	"$("$REPORT" --incidents "$TMP/sshd.log" | grep -o 'outcome=[a-z_]*'; "$REPORT" "$TMP/sshd.log" >/dev/null; echo "exit $?")" \
	"$(printf 'outcome=error_returned\nexit 3')"

# Two hosts, two days, the same pids and incident ids (a pid reused, its
# count started over): 2 x 2 x 37 incidents stay 148, not 37.
for day in 2026-12-01 2026-12-02; do
	for host in web1 web2; do
		i=0
		while [ $i -lt 37 ]; do
			pid=$((4700 + i))
			echo "${day}T10:$((10 + i)):00+00:00 $host mysql-reconnect[$pid]: event=connection_lost incident=$pid.1 program=app pid=$pid host=db1 port=3306 errno=2013 mode=on"
			echo "${day}T10:$((10 + i)):01+00:00 $host mysql-reconnect[$pid]: event=statement_retried incident=$pid.1 program=app pid=$pid host=db1 port=3306 attempts=1 outcome=ok"
			i=$((i + 1))
		done
	done
done > "$TMP/hosts.log"
check "two hosts and two days with reused pids do not merge" \
	"$("$REPORT" --summary "$TMP/hosts.log" | sed -n 2p)" "148 incident(s), 0 seen by the program"

# The same pid and incident id on two days: the second day's incident gave
# up; its gave_up line's cause and attempts are the incident's, and the
# first day's recovery is not.
cat > "$TMP/gaveup.log" <<'EOF'
2026-12-01T09:00:00+00:00 db-client mysql-reconnect[4711]: event=connection_lost incident=4711.1 program=billing pid=4711 host=db1 port=3306 errno=2013 idle_ms=5 statement_kind="read: SELECT" mode=on plan=reconnect_and_send_again
2026-12-01T09:00:01+00:00 db-client mysql-reconnect[4711]: event=reconnected incident=4711.1 program=billing pid=4711 host=db1 port=3306 attempts=1 elapsed_ms=0 uptime_s=1 outage_ms=900 cause=server_restarted remedy="check the server error log"
2026-12-01T09:00:01+00:00 db-client mysql-reconnect[4711]: event=statement_retried incident=4711.1 program=billing pid=4711 host=db1 port=3306 attempts=1 outcome=ok
2026-12-02T09:00:00+00:00 db-client mysql-reconnect[4711]: event=connection_lost incident=4711.1 program=billing pid=4711 host=db1 port=3306 errno=2013 idle_ms=7 statement_kind="read: SELECT" cause=network mode=on plan=reconnect_and_send_again
2026-12-02T09:00:30+00:00 db-client mysql-reconnect[4711]: event=gave_up incident=4711.1 program=billing pid=4711 host=db1 port=3306 attempts=3 errno=2003 why=budget_exhausted outcome=error_returned cause=server_down remedy="is it running?"
EOF
check "the gave_up line's cause and attempts win" \
	"$("$REPORT" --incidents "$TMP/gaveup.log" | head -1)" \
	'2026-12-02T09:00:00+00:00 incident=4711.1 program=billing at=db1:3306 cause=server_down errno=2013 idle_ms=7 statement="read: SELECT" outcome=gave_up reconnect_failures=3 recovery_ms=- gave_up=budget_exhausted remedy="is it running?"'

# journalctl -o json with odd but valid JSON: spaces, another key order,
# \u escapes (in the identifier itself), \/ and escaped quotes, non-ASCII.
cat > "$TMP/odd.json" <<'EOF'
{ "MESSAGE" : "event=connection_lost incident=600.1 program=cron pid=600 host=db3 port=3306 errno=2013 error=\"Lost connection to \\\"db3\\\"\" idle_ms=9 statement_kind=\"read: SELECT\" mode=on plan=reconnect_and_send_again", "_PID" : "600", "SYSLOG_IDENTIFIER" : "\u006dysql-reconnect", "_HOSTNAME" : "h\u00f4te-\u00e9t\u00e9", "__REALTIME_TIMESTAMP" : "1795000000000100" }
{"SYSLOG_IDENTIFIER":"mysql-reconnect","SYSLOG_PID":"600","_HOSTNAME":"hôte-été","__REALTIME_TIMESTAMP":"1795000000500000","MESSAGE":"event=gave_up incident=600.1 program=cron pid=600 host=db3 port=3306 attempts=2 why=budget_exhausted outcome=error_returned cause=server_down remedy=\"start it \/ check \u00ab it \u00bb\""}
{"SYSLOG_IDENTIFIER":"sshd","_PID":"9","_HOSTNAME":"x","__REALTIME_TIMESTAMP":"1795000000600000","MESSAGE":"event=statement_retried incident=600.1 outcome=ok"}
EOF
check "journal JSON: escaped quotes, \\u escapes, non-ASCII" \
	"$("$REPORT" --incidents "$TMP/odd.json")" \
	'2026-11-18T11:06:40Z incident=600.1 program=cron at=db3:3306 cause=server_down errno=2013 idle_ms=9 statement="read: SELECT" outcome=gave_up reconnect_failures=2 recovery_ms=- gave_up=budget_exhausted remedy="start it / check « it »"'
check "... --json names the host" \
	"$("$REPORT" --json --incidents "$TMP/odd.json" | python3 -c 'import json, sys; print(json.load(sys.stdin)["host"])')" \
	"hôte-été"

# A line whose time cannot be read (no 30 February; a journal record
# without its time) is said once, with a count, and its incident kept.
cat > "$TMP/badtime.log" <<'EOF'
2026-02-30T10:00:00+00:00 db-client mysql-reconnect[800]: event=connection_lost incident=800.1 program=etl pid=800 host=db2 port=3306 errno=2013 mode=on
{"SYSLOG_IDENTIFIER":"mysql-reconnect","_PID":"800","_HOSTNAME":"db-client","MESSAGE":"event=gave_up incident=800.1 program=etl pid=800 host=db2 port=3306 attempts=1 why=error_not_retryable cause=access_denied"}
EOF
err=$("$REPORT" --since "1 hour ago" "$TMP/badtime.log" 2>&1 >/dev/null)
check "an unreadable time is said on stderr, once, with a count" "$err" \
	"mysql-reconnect-report: 2 line(s) with a time that could not be read: their incidents are kept whatever --since and --until say"
check "... and its incident is kept" \
	"$("$REPORT" --incidents --since "1 hour ago" "$TMP/badtime.log" 2>/dev/null | grep -o 'incident=[0-9.]*\|outcome=[a-z_]*' | tr '\n' ' ')" \
	"incident=800.1 outcome=gave_up "

# 100,000 incidents from two hosts over two days (pids reused) in under
# 10 s; one in ten gave up.
awk 'BEGIN {
	for (d = 1; d <= 2; d++) for (h = 1; h <= 2; h++) for (i = 0; i < 25000; i++) {
		pid = 1000 + i % 500; id = pid "." (int(i / 500) + 1)
		t = sprintf("2026-12-0%dT%02d:%02d:%02d.%06d+00:00 db%d", d, int(i / 3600) % 24, int(i / 60) % 60, i % 60, i, h)
		printf "%s mysql-reconnect[%d]: event=connection_lost incident=%s program=app pid=%d host=db port=3306 errno=2013 mode=on\n", t, pid, id, pid
		if (i % 10 == 0)
			printf "%s mysql-reconnect[%d]: event=gave_up incident=%s program=app pid=%d host=db port=3306 attempts=2 why=budget_exhausted cause=server_down\n", t, pid, id, pid
		else
			printf "%s mysql-reconnect[%d]: event=reconnected incident=%s program=app pid=%d host=db port=3306 attempts=1 elapsed_ms=%d cause=wait_timeout\n", t, pid, id, pid, i % 100
	}
}' > "$TMP/big.log"
start=$(date +%s%N)
got=$(timeout 60 "$REPORT" --summary "$TMP/big.log" | sed -n 2p)
ms=$((($(date +%s%N) - start) / 1000000))
echo "     100,000 incidents: ${ms} ms"
check "100,000 incidents, two hosts, two days, in under 10 s" \
	"$got $([ "$ms" -lt 10000 ] && echo fast || echo "slow: $ms ms")" \
	"100000 incident(s), 10000 seen by the program fast"
exit $fail
