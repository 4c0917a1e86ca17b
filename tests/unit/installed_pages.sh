#!/bin/sh
# installed_pages.sh - an installation's manual pages carry one date and
# one version, and every command it installs prints that version.
#
#   tests/unit/installed_pages.sh ROOT
#
# ROOT: a `make install DESTDIR=ROOT` tree, or an unpacked Debian package.
set -u
ROOT=${1:?usage: installed_pages.sh ROOT}
fail=0
dates= versions=

bad() { echo "FAIL $*"; fail=1; }

add() { # list value: the list with value, once
	case "|$1|" in *"|$2|"*) printf '%s' "$1" ;; *) printf '%s' "${1:+$1|}$2" ;; esac
}

pages=$(find "$ROOT" -path '*/share/man/man[1-8]/*' -type f | sort)
[ -n "$pages" ] || bad "no manual pages under $ROOT"
for f in $pages; do
	case $f in
	*.gz) th=$(gzip -dc -- "$f" | grep -m1 '^\.TH ') ;;
	*) th=$(grep -m1 '^\.TH ' "$f") ;;
	esac
	# .TH NAME SECTION "DATE" "SOURCE VERSION" "MANUAL"
	date=$(printf '%s\n' "$th" | sed -n 's/^\.TH [^ ]* [0-9] "\([^"]*\)" .*/\1/p')
	version=$(printf '%s\n' "$th" | sed -n 's/^\.TH [^ ]* [0-9] "[^"]*" "mysql-reconnect \([^"]*\)".*/\1/p')
	echo "     ${f#"$ROOT"}: \"$date\", mysql-reconnect ${version:-(no version)}"
	[ -n "$version" ] || bad "${f#"$ROOT"}: .TH gives no version: $th"
	dates=$(add "$dates" "$date")
	versions=$(add "$versions" "$version")
done
case $dates in
*"|"* | "") bad "the manual pages' dates differ: $dates" ;;
*) echo "ok   every manual page is dated $dates" ;;
esac
case $versions in
*"|"* | "") bad "the manual pages' versions differ: $versions" ;;
*) echo "ok   every manual page is of mysql-reconnect $versions" ;;
esac

# Each command's --version: "NAME VERSION", the pages' version.
for cmd in $(find "$ROOT" -path '*/bin/*' -type f | sort); do
	name=${cmd##*/}
	out=$("$cmd" --version 2>&1)
	if [ "$out" = "$name $versions" ]; then
		echo "ok   $name --version: $out"
	else
		bad "$name --version: '$out', not '$name $versions'"
	fi
done

[ $fail -eq 0 ] && echo "installed pages: all checks passed"
exit $fail
