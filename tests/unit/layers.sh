#!/bin/sh
# layers.sh - the library's objects against shim/layers: every use (a
# global symbol referenced by one object and defined by another) points to
# the same layer or one below, no objects use each other in a circle, and
# every object has a layer.
#
#   layers.sh OBJECT_DIR LAYERS_FILE      (build/obj/shim shim/layers)
set -u
usage="usage: layers.sh build/obj/shim shim/layers"
DIR=${1:?$usage}
LAYERS=${2:?$usage}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for o in "$DIR"/*.o; do
	name=$(basename "$o" .o)
	nm --defined-only -g "$o" | awk -v n="$name" 'NF == 3 { print "D", $3, n }'
	nm -u "$o" | awk -v n="$name" '{ print "U", $2, n }'
done >"$tmp/symbols"
sed -e 's/#.*//' "$LAYERS" | awk -F: 'NF == 2 { split($2, o, " "); for (i in o) print o[i], NR, $1 }' \
	>"$tmp/layers"

awk -v layers="$tmp/layers" '
BEGIN {
	while ((getline line < layers) > 0) {
		split(line, f, " ")
		rank[f[1]] = f[2] + 0
		lname[f[1]] = f[3]
	}
}
$1 == "D" { def[$2] = $3; objs[$3] = 1; next }
$1 == "U" { use[$3, $2] = 1; objs[$3] = 1 }
END {
	bad = 0
	for (o in objs)
		if (!(o in rank)) {
			printf "FAIL %s.o has no layer in shim/layers\n", o
			bad = 1
		}
	for (k in use) {
		split(k, p, SUBSEP)
		from = p[1]
		to = def[p[2]]
		if (to == "" || to == from)
			continue
		if (!((from, to) in edge)) {
			edge[from, to] = p[2]
		}
		if ((from in rank) && (to in rank) && rank[to] < rank[from]) {
			printf "FAIL %s (%s) uses %s (%s, above it): %s\n", from, lname[from],
			       to, lname[to], p[2]
			bad = 1
		}
	}
	# Peel off objects that nothing left uses, or that use nothing left:
	# what remains lies on a circle (or between two).
	n = 0
	for (o in objs) { left[o] = 1; n++ }
	do {
		removed = 0
		for (o in left) { ins[o] = 0; outs[o] = 0 }
		for (k in edge) {
			split(k, p, SUBSEP)
			if ((p[1] in left) && (p[2] in left)) {
				outs[p[1]]++
				ins[p[2]]++
			}
		}
		for (o in left)
			if (ins[o] == 0 || outs[o] == 0) {
				delete left[o]
				removed++
			}
		n -= removed
	} while (removed > 0)
	if (n > 0) {
		circle = ""
		for (o in left)
			circle = circle " " o
		printf "FAIL objects that use each other in a circle:%s\n", circle
		bad = 1
	}
	if (!bad) {
		count = 0
		for (k in edge)
			count++
		printf "ok   layers: %d uses between objects, none upwards, no circle\n", count
	}
	exit bad
}' "$tmp/symbols"
