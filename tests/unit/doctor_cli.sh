#!/bin/sh
# mysql-reconnect-doctor on real programs: its verdict (exit status) and the
# evidence it gives for a C client linked with the shared client library and
# one linked with its static archive, Debian's mariadb client (static), php
# (mysqlnd), python3 with MySQLdb and PyMySQL, perl, ruby, lua, tcl, scripts
# naming a module, a shell wrapper, running processes, settings and the
# syslog socket, --json, a foreign and a truncated ELF file, usage errors.
#
#   doctor_cli.sh DOCTOR SHIM DYNAMIC_CLIENT STATIC_CLIENT
set -u
DOCTOR=${1:?usage: doctor_cli.sh DOCTOR SHIM DYNAMIC_CLIENT STATIC_CLIENT}
SHIM=$(realpath "${2:?}")
DYNAMIC=${3:?}
STATIC=${4:?}
LIBMARIADB=$(ls /usr/lib/*/libmariadb.so.3 | head -n 1)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/doctor.XXXXXX")
PIDS=
fail=0

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# expect DESCRIPTION STATUS PATTERN DOCTOR-ARGS...: the exit status, and an
# extended regular expression the output must match.
expect() {
	desc=$1 status=$2 pattern=$3
	shift 3
	if [ "${1-}" = env ]; then # env VAR=... "$DOCTOR" ARGS
		out=$("$@" 2>&1)
	else
		out=$("$DOCTOR" "$@" 2>&1)
	fi
	rc=$?
	if [ "$rc" = "$status" ] && printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
		echo "ok   $desc"
	else
		echo "FAIL $desc: exit $rc (wanted $status), output should match: $pattern"
		printf '%s\n' "$out" | sed 's/^/     /'
		fail=1
	fi
}

# A process to look at, with the environment given; its pid in $PID.
start() {
	env "$@" sleep 60 2>/dev/null &
	PID=$!
	PIDS="$PIDS $PID"
	# Until the dynamic linker has mapped what it preloads.
	i=0
	while [ "$(readlink "/proc/$PID/exe")" != "$(command -v sleep)" ] ||
		! grep -q 'libc\.so' "/proc/$PID/maps" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 500 ] || break
		sleep 0.01
	done
}

expect "C client linked with the shared client library: can help" 0 \
	'program: .*needs libmariadb\.so\.3 \(/.*libmariadb\.so\.3\)' "$DYNAMIC"
expect "C client linked with the static archive: cannot help" 1 \
	'verdict: +cannot help: .*defines mysql_real_connect itself' "$STATIC"
expect "Debian's mariadb client is linked statically" 1 \
	'cannot help: .*linked in statically' mariadb
expect "a program that does not use the client library" 1 \
	'neither links nor contains the client library' /bin/true
expect "php: mysqli and PDO_MYSQL use mysqlnd" 1 \
	'module: +mysqli: not reached: .*mysqlnd' php
expect "php: the verdict names both modules" 1 \
	'none reached: mysqli, PDO_MYSQL' php
expect "python3: MySQLdb is reached" 0 \
	'module: +MySQLdb \(mysqlclient\): reached: .*_mysql.*\.so \(it needs libmariadb\.so\.3' \
	/usr/bin/python3
expect "python3: PyMySQL is not" 0 'module: +PyMySQL: not reached: .*pure Python' /usr/bin/python3
expect "perl: DBD::mysql and DBD::MariaDB" 0 'Perl modules reached: DBD::mysql, DBD::MariaDB' perl
expect "ruby: mysql2" 0 'Ruby module reached: mysql2' ruby
expect "lua: LuaSQL" 0 'module: +LuaSQL MySQL: reached: .*luasql/mysql\.so' lua5.1
expect "tcl: mysqltcl links the library" 0 'module: +mysqltcl: reached: .*needs libmariadb' tclsh
expect "tcl: tdbc::mysql looks it up at run time" 0 \
	'module: +tdbc::mysql: reached: .*dlopen.*dlsym' tclsh

printf '#!/usr/bin/python3\nimport pymysql\npymysql.connect()\n' > "$TMP/pymysql-app"
printf '#!/usr/bin/env python3\nimport MySQLdb\nMySQLdb.connect()\n' > "$TMP/mysqldb-app"
printf '#!/usr/bin/perl -w\nuse DBI;\nDBI->connect("DBI:MariaDB:database=x");\n' > "$TMP/dbi-app"
printf '#!/bin/sh\nexec /usr/bin/python3 "$@"\n' > "$TMP/wrapper"
printf '#!/nonexistent/interpreter\n' > "$TMP/broken"
chmod 755 "$TMP"/*
expect "a Python script using PyMySQL: cannot help" 1 \
	'verdict: +cannot help: Python modules found, none reached: PyMySQL$' "$TMP/pymysql-app"
expect "... the module it uses is named" 1 '^uses: +PyMySQL$' "$TMP/pymysql-app"
expect "a Python script using MySQLdb (#!/usr/bin/env): can help" 0 \
	'run by /usr/bin/python3' env PATH=/usr/bin:/bin "$DOCTOR" "$TMP/mysqldb-app"
expect "a Perl script using DBD::MariaDB: can help" 0 \
	'verdict: +can help: Perl module reached: DBD::MariaDB$' "$TMP/dbi-app"
expect "a shell wrapper: examine what it runs" 1 \
	'advice: +examine the program the script runs' "$TMP/wrapper"
expect "a script whose interpreter is missing" 1 'names no interpreter found here' "$TMP/broken"

# A foreign machine, and a truncated file: read safely, never crash.
cp "$DYNAMIC" "$TMP/foreign"
printf '\267\000' | dd of="$TMP/foreign" bs=1 seek=18 conv=notrunc 2>/dev/null # EM_AARCH64
expect "a program built for another machine" 1 'built for 64-bit AArch64' "$TMP/foreign"
# Sections stripped (as sstrip does: no section header table): the needed
# libraries are read from the PT_DYNAMIC segment.
cp "$DYNAMIC" "$TMP/sectionless"
printf '\000\000\000\000\000\000\000\000' | dd of="$TMP/sectionless" bs=1 seek=40 conv=notrunc 2>/dev/null
printf '\000\000' | dd of="$TMP/sectionless" bs=1 seek=60 conv=notrunc 2>/dev/null # e_shoff, e_shnum
expect "a program without section headers" 0 'program: .*: it needs libmariadb\.so\.3' \
	"$TMP/sectionless"
head -c 200 "$DYNAMIC" > "$TMP/truncated"
expect "a truncated ELF file" 1 'verdict: +cannot help' "$TMP/truncated"
expect "a text file" 1 'not an ELF file' /etc/hostname

start LD_PRELOAD="$SHIM $LIBMARIADB" MYSQL_RECONNECT_LOG=none
expect "a process with the client library and the shim loaded" 0 \
	"loaded: +client library .*libmariadb\.so\.3; mysql-reconnect $SHIM" "$PID"
expect "... the verdict says it is in place" 0 'advice: +it is in place' "$PID"
start LD_PRELOAD="$LIBMARIADB" MYSQL_RECONNECT_BUDGET_MS=soon MYSQL_RECONNECT_BUDGETMS=1
expect "a process with the client library only: restart it" 0 \
	'advice: +a running process cannot take the library' "$PID"
expect "... its own settings are checked" 0 \
	'setting: +MYSQL_RECONNECT_BUDGET_MS=soon is not valid .*the library uses 30000' "$PID"
expect "... and a misspelt one is named" 0 \
	'setting: +MYSQL_RECONNECT_BUDGETMS is not a setting of the library' "$PID"
start MYSQL_RECONNECT_LOG=none
expect "a process without the client library" 1 'mysql-reconnect not loaded' "$PID"
# A name a typo away from a setting's, without the MYSQL_RECONNECT_ prefix
# the library reads, is ignored by it without a word.
start MYSQL_RECONECT=observe
expect "a process's MYSQL_RECONECT is a typo of MYSQL_RECONNECT" 1 \
	'^setting: +MYSQL_RECONECT is not a setting of the library \(a typo of MYSQL_RECONNECT\?\): ignored$' \
	"$PID"
expect "the doctor's own MYSQL_RECONECT_BUDGET_MS (two edits)" 0 \
	'^setting: +MYSQL_RECONECT_BUDGET_M is not a setting .*\(a typo of MYSQL_RECONNECT_BUDGET_MS\?\)' \
	env MYSQL_RECONECT_BUDGET_M=100 "$DOCTOR" "$DYNAMIC"
expect "... swapped letters, and lower case" 0 \
	'^setting: +mysql_reconnect_LGO is not a setting .*\(a typo of MYSQL_RECONNECT_LOG\?\)' \
	env mysql_reconnect_LGO=none "$DOCTOR" "$DYNAMIC"
expect "... but not a name three edits away" 0 '^verdict:' env MYSQL_CONECT_X=1 "$DOCTOR" "$DYNAMIC"
if printf '%s\n' "$out" | grep -q 'MYSQL_CONECT_X'; then
	echo "FAIL ... MYSQL_CONECT_X was taken for a setting"
	fail=1
fi
start LD_PRELOAD=/nonexistent/libmysqlreconnect.so
expect "a process whose LD_PRELOAD names a library that does not exist" 1 \
	'^note: +its LD_PRELOAD names /nonexistent/libmysqlreconnect\.so, which does not exist: .*runs unprotected; restart it with the installed library' \
	"$PID"
if [ "$(printf '%s\n' "$out" | grep -c '^note:')" = 1 ]; then
	echo "ok   ... in one line"
else
	echo "FAIL ... in one line:"
	printf '%s\n' "$out" | sed 's/^/     /'
	fail=1
fi
# Relative to the process's working directory, not the doctor's.
mkdir -p "$TMP/cwd" && cp "$SHIM" "$TMP/cwd/libmysqlreconnect.so"
(cd "$TMP/cwd" && start LD_PRELOAD="./libmysqlreconnect.so" MYSQL_RECONNECT_LOG=none &&
	echo "$PID" > "$TMP/cwd/pid")
PID=$(cat "$TMP/cwd/pid")
PIDS="$PIDS $PID"
expect "a process's relative LD_PRELOAD is read from its own directory" 1 \
	"loaded: .*mysql-reconnect $TMP/cwd/libmysqlreconnect\.so" "$PID"
if printf '%s\n' "$out" | grep -q 'does not exist'; then
	echo "FAIL ... and it exists there:"
	printf '%s\n' "$out" | sed 's/^/     /'
	fail=1
fi
# The doctor's own LD_PRELOAD, when it examines a program.  (Built with
# ASan, given a preload that exists, it must be told that its runtime need
# not come first.)
NOORDER="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
expect "the doctor's own LD_PRELOAD naming a library that does not exist" 0 \
	'^note: +LD_PRELOAD names /usr/local/lib/nowhere/libmysqlreconnect\.so, which does not exist: the dynamic linker ignores it with one warning and the program runs unprotected; give the installed library' \
	env LD_PRELOAD="/usr/local/lib/nowhere/libmysqlreconnect.so" "$DOCTOR" "$DYNAMIC"
expect "... among other preloads, colon-separated" 0 \
	'^note: +LD_PRELOAD names nowhere/libmysqlreconnect\.so, which does not exist' \
	env ASAN_OPTIONS="$NOORDER" LD_PRELOAD="$LIBMARIADB:nowhere/libmysqlreconnect.so" \
	"$DOCTOR" "$DYNAMIC"
expect "... but not one that exists" 0 '^verdict:' env ASAN_OPTIONS="$NOORDER" \
	LD_PRELOAD="$SHIM" MYSQL_RECONNECT_LOG=none "$DOCTOR" "$DYNAMIC"
if printf '%s\n' "$out" | grep -q 'does not exist'; then
	echo "FAIL ... an existing LD_PRELOAD was said not to exist"
	fail=1
fi

cp "$DYNAMIC" "$TMP/set-uid" && chmod 4755 "$TMP/set-uid"
expect "a set-user-ID program is pointed out" 0 'note: +a set-user-ID or set-group-ID program' \
	"$TMP/set-uid"

# --- how the dynamic linker finds libraries ----------------------------------
# A library named like a system one (libz.so.1), found first through the
# program's RUNPATH ($ORIGIN/lib), needs the client library: ld.so loads it,
# so the doctor must find it before /lib's libz.
mkdir -p "$TMP/rp/lib" "$TMP/elsewhere" "$TMP/m"
exec 3>&2 2>"$TMP/cc.log" # the compilers' messages, shown if a check fails
echo 'void zz(void) {}' | cc -x c -shared -fPIC -Wl,-soname,libz.so.1 -Wl,--no-as-needed \
	-o "$TMP/rp/lib/libz.so.1" - -L"$(dirname "$LIBMARIADB")" -l:libmariadb.so.3
echo 'void zz(void); int main(void) { zz(); return 0; }' | cc -x c -o "$TMP/rp/app" - \
	-x none "$TMP/rp/lib/libz.so.1" -Wl,--allow-shlib-undefined \
	-Wl,--enable-new-dtags,-rpath,'$ORIGIN/lib'
expect "RUNPATH comes before the system directories" 0 \
	"through $TMP/rp/lib/libz.so.1 needs libmariadb" "$TMP/rp/app"
ln -s "$TMP/rp/app" "$TMP/elsewhere/app"
expect "\$ORIGIN is the program's real directory, not a symlink's" 0 \
	"through $TMP/rp/lib/libz.so.1 needs libmariadb" "$TMP/elsewhere/app"
# A program whose client library is not installed cannot even start.
echo 'void mysql_real_connect(void) {}' | cc -x c -shared -fPIC \
	-Wl,-soname,libmysqlclient.so.21 -o "$TMP/m/libmysqlclient.so.21" -
echo 'void mysql_real_connect(void); int main(void) { mysql_real_connect(); return 0; }' |
	cc -x c -o "$TMP/m/app" - -x none "$TMP/m/libmysqlclient.so.21"
# A library without mariadb_get_infov (Oracle's libmysqlclient): reached,
# but losses are only logged.
mkdir -p "$TMP/o"
cp "$TMP/m/libmysqlclient.so.21" "$TMP/o/libmysqlclient.so.21"
echo 'void mysql_real_connect(void); int main(void) { mysql_real_connect(); return 0; }' |
	cc -x c -o "$TMP/o/app" - -x none "$TMP/o/libmysqlclient.so.21" -Wl,-rpath,"$TMP/o"
rm "$TMP/m/libmysqlclient.so.21"
expect "a needed client library that is not installed" 1 \
	'needs libmysqlclient\.so\.21, which is not found here' "$TMP/m/app"
expect "Oracle's libmysqlclient.so.21 (no known layout): losses only logged" 1 \
	'neither MariaDB Connector/C nor the Oracle libmysqlclient.*recovers none' "$TMP/o/app"
# libmysqlclient.so.24 (MySQL 9.x), whose structure the library knows.
mkdir -p "$TMP/o24"
echo 'void mysql_real_connect(void) {}' | cc -x c -shared -fPIC \
	-Wl,-soname,libmysqlclient.so.24 -o "$TMP/o24/libmysqlclient.so.24" -
echo 'void mysql_real_connect(void); int main(void) { mysql_real_connect(); return 0; }' |
	cc -x c -o "$TMP/o24/app" - -x none "$TMP/o24/libmysqlclient.so.24" -Wl,-rpath,"$TMP/o24"
expect "Oracle's libmysqlclient.so.24: can help" 0 'can help' "$TMP/o24/app"
exec 2>&3 3>&-
[ -x "$TMP/rp/app" ] && [ -x "$TMP/m/app" ] || cat "$TMP/cc.log"
expect "the client library itself" 0 'is the client library itself' "$LIBMARIADB"
expect "the doctor itself is no copy of the client library" 1 \
	'neither links nor contains' "$DOCTOR"

# --- never run a program because of its name --------------------------------
mkdir -p "$TMP/fake"
printf '#include <stdio.h>\n#include <unistd.h>\nint main(int c, char **v) { if (c > 1) { FILE *f = fopen("%s", "w"); if (f) fclose(f); return 0; } sleep(60); return 0; }\n' \
	"$TMP/fake/RAN" | cc -x c -o "$TMP/fake/python3" - || fail=1
expect "a program named like an interpreter is not one" 1 \
	'neither links nor contains' "$TMP/fake/python3"
"$TMP/fake/python3" &
PIDS="$PIDS $!"
expect "... nor when it runs" 1 'neither links nor contains' "$!"
if [ -e "$TMP/fake/RAN" ]; then
	echo "FAIL the doctor ran a program because it is named python3"
	fail=1
else
	echo "ok   ... and it was never run"
fi
start LD_PRELOAD="$LIBMARIADB"
expect "a process: its interpreter is never run, its maps are read" 0 \
	'has the client library .*libmariadb\.so\.3 loaded' "$PID"

# --- scripts ------------------------------------------------------------------
printf '#!/usr/bin/perl\nuse DBI;\nDBI->connect("dbi:mysqlPP:database=x");\n' > "$TMP/pp-app"
printf '#!/usr/bin/perl\nprint "hello\\n";\n' > "$TMP/hello"
printf '#!/usr/bin/env -u PERL5OPT perl\nuse DBD::mysql;\n' > "$TMP/env-u"
chmod 755 "$TMP/pp-app" "$TMP/hello" "$TMP/env-u"
expect "DBD::mysqlPP is not DBD::mysql" 1 '^uses: +DBD::mysqlPP \(named by the script' \
	"$TMP/pp-app"
expect "a script that names no MySQL module" 1 \
	'verdict: +cannot help: the script names no MySQL module' "$TMP/hello"
expect "#!/usr/bin/env -u NAME perl" 0 'run by /usr/bin/perl' "$TMP/env-u"

# --- files and processes it cannot read ------------------------------------------
mkfifo "$TMP/fifo"
if timeout 10 "$DOCTOR" "$TMP/fifo" >/dev/null 2>&1; [ $? -ne 124 ]; then
	echo "ok   a FIFO does not block it"
else
	echo "FAIL the doctor blocked on a FIFO"
	fail=1
fi
if command -v runuser >/dev/null && [ "$(id -u)" = 0 ] &&
	runuser -u nobody -- "$DOCTOR" --version >/dev/null 2>&1; then
	out=$(runuser -u nobody -- "$DOCTOR" $$ 2>&1)
	if [ $? = 2 ] && printf '%s' "$out" | grep -q "cannot read /proc/$$/exe"; then
		echo "ok   another user's process: a usage error, with the reason"
	else
		echo "FAIL another user's process: $out"
		fail=1
	fi
else
	echo "skip another user's process (not root, or nobody cannot run $DOCTOR)"
fi
kthread=
for d in /proc/[0-9]*; do
	if [ -z "$(cat "$d/cmdline" 2>/dev/null)" ] && ! readlink "$d/exe" >/dev/null 2>&1 &&
		[ -e "$d/stat" ]; then
		kthread=${d#/proc/}
		break
	fi
done
if [ -n "$kthread" ]; then
	expect "a kernel thread" 1 'no program file: a kernel thread' "$kthread"
else
	echo "skip a kernel thread (none visible here)"
fi
d=$(printf '%s/u\377\001' "$TMP")
mkdir -p "$d" && cp /bin/true "$d/t"
if "$DOCTOR" --json "$d/t" | /usr/bin/python3 -c 'import json, sys; json.load(sys.stdin)'; then
	echo "ok   --json with a path that is not UTF-8 is still valid JSON"
else
	echo "FAIL --json with a path that is not UTF-8"
	fail=1
fi
if "$DOCTOR" "$d/t" | grep -q "$(printf '\001')"; then
	echo "FAIL a control character in a path reached the terminal"
	fail=1
else
	echo "ok   a control character in a path does not reach the terminal"
fi
# No value can forge a line of the text output: a program's path, a
# process's program and a setting's value, each holding a newline.
forged=$(printf '%s/f\nverdict:  can help: forged' "$TMP")
mkdir -p "$forged" && cp "$(command -v sleep)" "$forged/sleep"
"$forged/sleep" 60 &
FPID=$!
PIDS="$PIDS $FPID"
i=0
while [ "$(readlink "/proc/$FPID/exe")" != "$forged/sleep" ] && [ $i -lt 500 ]; do
	i=$((i + 1))
	sleep 0.01
done
for what in program process setting; do
	case $what in
	program) out=$("$DOCTOR" "$forged/sleep" 2>&1) ;;
	process) out=$("$DOCTOR" "$FPID" 2>&1) ;;
	setting) out=$(env MYSQL_RECONNECT_BUDGET_MS="$(printf '1\nverdict:  can help: forged')" \
		"$DOCTOR" /bin/true 2>&1) ;;
	esac
	if [ "$(printf '%s\n' "$out" | grep -c '^verdict:')" = 1 ] &&
		! printf '%s\n' "$out" | grep -q '^verdict:  can help: forged' &&
		printf '%s\n' "$out" | grep -qF '\nverdict:  can help: forged'; then
		echo "ok   a newline in the $what's name or value is escaped: no line of its own"
	else
		echo "FAIL a newline in the $what's name or value forged a line:"
		printf '%s\n' "$out" | sed 's/^/     /'
		fail=1
	fi
done

expect "an unserved syslog socket is reported" 0 \
	"syslog: +$TMP/nosuch: No such file or directory: incident reports would be lost" \
	env MYSQL_RECONNECT_SYSLOG_SOCKET="$TMP/nosuch" "$DOCTOR" "$DYNAMIC"
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(60)' \
	"$TMP/log" &
PIDS="$PIDS $!"
i=0
while [ ! -S "$TMP/log" ] && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.01; done
expect "a served syslog socket" 0 "syslog: +$TMP/log is served" \
	env MYSQL_RECONNECT_SYSLOG_SOCKET="$TMP/log" "$DOCTOR" "$DYNAMIC"
expect "MYSQL_RECONNECT=off is pointed out" 0 'MYSQL_RECONNECT=off: the library passes' \
	env MYSQL_RECONNECT=off "$DOCTOR" "$DYNAMIC"

json=$("$DOCTOR" --json /usr/bin/python3)
if printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["can_help"] is True and d["exit"] == 0, d
names = {m["name"]: m for m in d["modules"]}
assert names["MySQLdb (mysqlclient)"]["how"]["reach"] == "linked"
assert names["PyMySQL"]["reached"] is False'; then
	echo "ok   --json: one valid object with the modules and the verdict"
else
	echo "FAIL --json: $json"
	fail=1
fi

expect "no argument is a usage error" 2 'give one PROGRAM'
expect "an empty name is a usage error" 2 ': no such file, command or process' ""
expect "an unknown option is a usage error" 2 "Try 'mysql-reconnect-doctor --help'" --bogus x
expect "a missing program is a usage error" 2 'no such file, command or process' /nonexistent
expect "--help" 0 'Exit status: 0 it can help, 1 it cannot, 2 usage error' --help
expect "--version" 0 '^mysql-reconnect-doctor [0-9]' --version

[ $fail -eq 0 ] && echo "doctor: all checks passed"
exit $fail
