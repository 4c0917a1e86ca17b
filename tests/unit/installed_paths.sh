#!/bin/sh
# installed_paths.sh - the manual pages and the wrapper of an installation
# name the library where that installation put it.  A page that gives
# another installation's path (say /usr/local/lib/... in the Debian
# package) sends its reader to a file that does not exist: the dynamic
# linker ignores such an LD_PRELOAD with one warning, and the program runs
# unprotected.
#
#   tests/unit/installed_paths.sh ROOT
#
# ROOT: a `make install DESTDIR=ROOT` tree, or an unpacked Debian package.
# Every absolute path naming libmysqlreconnect*.so in an installed manual
# page (plain or gzipped) or in bin/mysql-reconnect must be a file under
# ROOT; libmysqlreconnect(8), mysql-reconnect(1) and the wrapper must name
# one; all must name the same; no @PLACEHOLDER@ may be left.
set -u
ROOT=${1:?usage: installed_paths.sh ROOT}
fail=0
named=

bad() { echo "FAIL $*"; fail=1; }

contents() {
	case $1 in
	*.gz) gzip -dc -- "$1" ;;
	*) cat -- "$1" ;;
	esac
}

# check FILE MUST-NAME: the library paths FILE names, each installed.
check() {
	file=$1 must=$2 rel=${1#"$ROOT"}
	# \- is troff's hyphen.
	text=$(contents "$file" | sed 's/\\-/-/g')
	left=$(printf '%s\n' "$text" | grep -oE '@[A-Z_]+@' | sort -u | tr '\n' ' ')
	[ -z "$left" ] || bad "$rel: placeholder(s) left: $left"
	paths=$(printf '%s\n' "$text" |
		grep -oE "(^|[^[:alnum:]_.~/-])/[^[:space:]\"'\`]*libmysqlreconnect[^[:space:]/\"'\`]*\\.so" |
		sed 's|^[^/]*||' | sort -u)
	if [ -z "$paths" ]; then
		[ "$must" = no ] || bad "$rel names no path of the library"
		return
	fi
	for p in $paths; do
		if [ -f "$ROOT$p" ]; then
			echo "ok   $rel names $p, which is installed"
		else
			bad "$rel names $p, which this installation does not have"
		fi
		case " $named " in *" $p "*) ;; *) named="$named $p" ;; esac
	done
}

pages=$(find "$ROOT" -path '*/share/man/man[1-8]/*' -type f | sort)
wrapper=$(find "$ROOT" -path '*/bin/mysql-reconnect' -type f)
[ -n "$pages" ] || bad "no manual pages under $ROOT"
[ -n "$wrapper" ] || bad "no bin/mysql-reconnect under $ROOT"
for f in $pages $wrapper; do
	case ${f##*/} in
	libmysqlreconnect.8* | mysql-reconnect.1* | mysql-reconnect) check "$f" yes ;;
	*) check "$f" no ;;
	esac
done
set -- $named
[ $# -le 1 ] || bad "the pages and the wrapper name different libraries:$named"

[ $fail -eq 0 ] && echo "installed paths: all checks passed"
exit $fail
