#!/bin/sh
# licence.sh - the project's licence is stated once and agrees everywhere:
# LICENSE holds the MIT licence, debian/copyright declares it (Expat, as
# Debian calls it) for every file with the same text in a standalone License
# paragraph, and the README names it.
#
#   tests/unit/licence.sh [SOURCE-DIR]   (default: the tree this script is in)
set -u
ROOT=${1:-$(dirname "$0")/../..}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/licence.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
fail=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

if [ -f "$ROOT/LICENSE" ] && [ "$(head -n 1 "$ROOT/LICENSE")" = "MIT License" ] &&
	grep -qx 'Copyright (c) 2026 the mysql-reconnect authors' "$ROOT/LICENSE"; then
	ok "LICENSE is the MIT licence, copyright the mysql-reconnect authors"
else
	bad "LICENSE is missing, or not the MIT licence of the mysql-reconnect authors"
fi

# The paragraphs of debian/copyright (separated by empty lines), one per
# file: the one for `Files: *`, and the standalone `License: Expat` one.
awk -v dir="$TMP" '
	/^$/ { n++; next }
	{ print > (dir "/para." n) }
' "$ROOT/debian/copyright"
files_star= expat=
for p in "$TMP"/para.*; do
	[ -f "$p" ] || continue
	grep -qx 'Files: \*' "$p" && files_star=$p
	[ "$(head -n 1 "$p")" = "License: Expat" ] && expat=$p
done
if [ -n "$files_star" ] && grep -qx 'License: Expat' "$files_star" &&
	grep -qx 'Copyright: 2026 the mysql-reconnect authors' "$files_star"; then
	ok "debian/copyright: Files: * are the mysql-reconnect authors', License: Expat"
else
	bad "debian/copyright: no Files: * paragraph with License: Expat and the authors' copyright"
fi
# The standalone paragraph's text, unfolded (" ." is an empty line), is
# LICENSE's from "Permission" on.
if [ -n "$expat" ]; then
	sed -n '2,$p' "$expat" | sed 's/^ \.$//; s/^ //' > "$TMP/expat"
	sed -n '/^Permission is hereby granted/,$p' "$ROOT/LICENSE" > "$TMP/mit"
	if [ -s "$TMP/mit" ] && cmp -s "$TMP/mit" "$TMP/expat"; then
		ok "debian/copyright: the License: Expat paragraph holds LICENSE's text"
	else
		bad "debian/copyright: the License: Expat paragraph differs from LICENSE"
		diff -u "$TMP/mit" "$TMP/expat" | sed 's/^/     /'
	fi
else
	bad "debian/copyright: no standalone License: Expat paragraph"
fi
if grep -qi 'undecided' "$ROOT/debian/copyright"; then
	bad "debian/copyright still says the licence is undecided"
fi

if sed -n '/^## Licence$/,/^## /p' "$ROOT/README.md" | grep -q 'MIT licence.*LICENSE'; then
	ok "README: a Licence section names the MIT licence and LICENSE"
else
	bad "README: no Licence section naming the MIT licence and LICENSE"
fi

[ $fail -eq 0 ] && echo "licence: all checks passed"
exit $fail
