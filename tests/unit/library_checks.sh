#!/bin/sh
# The built library: exports exactly the interposed functions listed in
# the export map made from shim/hooks.def (unversioned, so versioned references bind to them),
# and never links a client library (it finds the real one at run time).
set -u
usage="usage: library_checks.sh build/libmysqlreconnect.so build/exports.map"
LIB=${1:?$usage}
MAP=${2:?$usage}
DEF=$(dirname "$0")/../../shim/hooks.def
fail=0

exported=$(nm -D --defined-only "$LIB" | awk '$2 == "T" { print $3 }' | sort)
listed=$(sed -n 's/^[[:space:]]*\(m[a-z_]*\);.*/\1/p' "$MAP" | sort)
# dlsym is interposed on x86-64 only (shim/dlsym.c)
exported=$(echo "$exported" | grep -v '^dlsym$')
hooks=$(sed -n 's/^HOOK(\([a-z_]*\),.*/\1/p' "$DEF" | sort)
if [ "$hooks" != "$listed" ]; then
	printf 'FAIL %s does not list the hooks of hooks.def\n' "$MAP"
	fail=1
fi
if [ "$exported" = "$listed" ] && [ -n "$listed" ]; then
	echo "ok   exports exactly the $(echo "$listed" | wc -l) hooks of hooks.def"
else
	printf 'FAIL exported symbols differ from the hooks of hooks.def\n--- exported\n%s\n--- listed\n%s\n' \
		"$exported" "$listed"
	fail=1
fi

needed=$(readelf -d "$LIB" | awk '/NEEDED/ { print $NF }')
case $needed in
*mariadb* | *mysql*)
	echo "FAIL links a client library: $needed"
	fail=1
	;;
*) echo "ok   links no client library ($(echo $needed | tr -d '[]'))" ;;
esac

if readelf -d "$LIB" | grep -q 'STATIC_TLS'; then
	echo "ok   thread-local guard uses the initial-exec model (no allocation on first use)"
else
	echo "FAIL thread-local storage is not initial-exec"
	fail=1
fi
exit $fail
