#!/bin/sh
# install_deps.sh - scripts/install-deps installs only what is missing and
# never upgrades or removes an installed package, without the network:
# dpkg-query, id and apt-get are stand-ins on PATH; apt-get -s prints
# canned simulations in apt-get's own format.
#
#   tests/unit/install_deps.sh [scripts/install-deps]
set -u
TOOL=$(realpath "${1:-$(dirname "$0")/../../scripts/install-deps}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/install-deps.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
fail=0
mkdir "$TMP/bin"

# dpkg-query -W -f=... PKG: "installed" for the packages in $INSTALLED.
cat > "$TMP/bin/dpkg-query" <<'STUB'
#!/bin/sh
for p; do :; done
case " $INSTALLED " in *" $p "*) printf installed ;; *) exit 1 ;; esac
STUB
# id -u: $UID_IS.
cat > "$TMP/bin/id" <<'STUB'
#!/bin/sh
echo "${UID_IS:-0}"
STUB
# apt-get -s: $SIMULATION; anything else is logged, to stderr too (so that
# its place among install-deps' messages shows).
cat > "$TMP/bin/apt-get" <<'STUB'
#!/bin/sh
echo "apt-get $*" >> "$APT_LOG"
case " $* " in
*" -s "*) cat "$SIMULATION"; exit "${SIMULATION_STATUS:-0}" ;;
esac
echo "(apt-get $*)" >&2
STUB
chmod 755 "$TMP/bin/"*

ALL="gcc make libc6-dev pkg-config libmariadb-dev python3"
# run NAME [VAR=value...]: install-deps build with the stand-ins; sets $rc,
# $out (stdout and stderr) and $log (the apt-get calls).
run() {
	name=$1
	shift
	: > "$TMP/apt.log"
	out=$(env PATH="$TMP/bin:$PATH" APT_LOG="$TMP/apt.log" SIMULATION="$TMP/sim" "$@" \
		"$TOOL" build 2>&1)
	rc=$?
	log=$(cat "$TMP/apt.log")
}
check() {
	if [ "$2" = yes ]; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		printf '%s\n' "--- output (exit $rc)" "$out" "--- apt-get calls" "$log" | sed 's/^/     /'
		fail=1
	fi
}
has() { printf '%s\n' "$1" | grep -qE -- "$2"; }

# 1. Everything is there: silent, no apt-get at all.
run "all installed" INSTALLED="$ALL"
check "everything installed: silent, exit 0, apt-get never run" \
	"$([ "$rc" = 0 ] && [ -z "$out" ] && [ -z "$log" ] && echo yes)"

# 2. Two missing, which need two new packages: said, then installed with
#    --no-upgrade; nothing upgraded.
cat > "$TMP/sim" <<'SIM'
Reading package lists...
Building dependency tree...
Reading state information...
The following additional packages will be installed:
  libmariadb3 mariadb-common
The following NEW packages will be installed:
  libmariadb-dev libmariadb3 mariadb-common pkg-config
0 upgraded, 4 newly installed, 0 to remove and 12 not upgraded.
Inst mariadb-common (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [all])
Inst libmariadb3 (1:10.11.14-0+deb12u2 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64]) []
Inst libmariadb-dev (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [amd64])
Inst pkg-config (1.8.1-1 Debian:12.15/oldstable [amd64])
Conf mariadb-common (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [all])
Conf libmariadb3 (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [amd64])
Conf libmariadb-dev (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [amd64])
Conf pkg-config (1.8.1-1 Debian:12.15/oldstable [amd64])
SIM
run "new packages only" INSTALLED="gcc make libc6-dev python3"
check "missing packages: simulated with --no-install-recommends first" \
	"$(has "$log" '^apt-get -s install --no-install-recommends pkg-config libmariadb-dev$' && echo yes)"
check "... what will be installed is said: 4 packages, named" \
	"$(has "$out" 'installing 4 package\(s\), upgrading none: mariadb-common libmariadb3 libmariadb-dev pkg-config$' && echo yes)"
check "... then installed with --no-upgrade, exit 0" \
	"$([ "$rc" = 0 ] && has "$log" '^apt-get install -y --no-install-recommends --no-upgrade pkg-config libmariadb-dev$' && echo yes)"
said=$(printf '%s\n' "$out" | grep -n 'upgrading none' | cut -d: -f1)
ran=$(printf '%s\n' "$out" | grep -n '^(apt-get install' | cut -d: -f1)
check "... said before it is done" "$([ -n "$said" ] && [ -n "$ran" ] && [ "$said" -lt "$ran" ] && echo yes)"

# 3. The simulation upgrades installed libraries (as `make test` once did):
#    refused, the upgrades named, the command to run by hand given.
cat > "$TMP/sim" <<'SIM'
Reading package lists...
The following packages will be upgraded:
  libpcre2-8-0 libssh2-1
2 upgraded, 1 newly installed, 0 to remove and 10 not upgraded.
Inst libpcre2-8-0 [10.42-1] (10.42-1+deb12u1 Debian-Security:12/stable-security [amd64])
Inst libssh2-1 [1.10.0-3+b1] (1.10.0-3+deb12u1 Debian:12.15/oldstable [amd64]) []
Inst pkg-config (1.8.1-1 Debian:12.15/oldstable [amd64])
Conf libpcre2-8-0 (10.42-1+deb12u1 Debian-Security:12/stable-security [amd64])
Conf libssh2-1 (1.10.0-3+deb12u1 Debian:12.15/oldstable [amd64])
Conf pkg-config (1.8.1-1 Debian:12.15/oldstable [amd64])
SIM
run "an upgrade" INSTALLED="gcc make libc6-dev libmariadb-dev python3"
check "an installation that would upgrade: refused, exit 1, nothing installed" \
	"$([ "$rc" = 1 ] && ! has "$log" '^apt-get install' && echo yes)"
check "... the upgrades are named, with their versions" \
	"$(has "$out" '^  libpcre2-8-0 10\.42-1 -> 10\.42-1\+deb12u1$' && has "$out" '^  libssh2-1 1\.10\.0-3\+b1 -> 1\.10\.0-3\+deb12u1$' && echo yes)"
check "... and the command to run by hand" \
	"$(has "$out" 'run: apt-get install --no-install-recommends pkg-config$' && echo yes)"

# 4. A removal is refused too.
cat > "$TMP/sim" <<'SIM'
Remv libmysqlclient21 [8.0.36-1debian12]
Inst libmariadb-dev (1:10.11.14-0+deb12u2 Debian:12.15/oldstable [amd64])
SIM
run "a removal" INSTALLED="gcc make libc6-dev pkg-config python3"
check "an installation that would remove a package: refused" \
	"$([ "$rc" = 1 ] && has "$out" '^  libmysqlclient21 removed$' && ! has "$log" '^apt-get install' && echo yes)"

# 5. Not root: the line to run, nothing run.
run "not root" INSTALLED="gcc make python3" UID_IS=1000
check "not root: the sudo line, exit 1, apt-get never run" \
	"$([ "$rc" = 1 ] && has "$out" 'run: sudo apt-get install -y --no-install-recommends libc6-dev pkg-config libmariadb-dev' && [ -z "$log" ] && echo yes)"

[ $fail -eq 0 ] && echo "install-deps: all checks passed"
exit $fail
