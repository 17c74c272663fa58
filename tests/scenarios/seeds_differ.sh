#!/bin/sh
# Two seeds give two different timelines of the same scenario, and each
# seed gives the same timeline twice.
# usage: seeds_differ.sh HOSTSTATED-SIM SCENARIO SEED-A SEED-B
sim=$1 scenario=$2 sa=$3 sb=$4
a1=$(mktemp) a2=$(mktemp) b1=$(mktemp) b2=$(mktemp)
trap 'rm -f "$a1" "$a2" "$b1" "$b2"' EXIT

for run in "$sa $a1" "$sa $a2" "$sb $b1" "$sb $b2"; do
	set -- $run
	"$sim" -s "$1" "$scenario" >"$2" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		cat "$2"
		echo "FAIL: $scenario -s $1: exit status $rc"
		exit 1
	fi
done
for pair in "$sa $a1 $a2" "$sb $b1 $b2"; do
	set -- $pair
	if ! cmp -s "$2" "$3"; then
		diff -u "$2" "$3" | head -40
		echo "FAIL: two runs with -s $1 differ"
		exit 1
	fi
done
if cmp -s "$a1" "$b1"; then
	cat "$a1"
	echo "FAIL: -s $sa and -s $sb give the same timeline"
	exit 1
fi
diff -u "$a1" "$b1" | head -60
n=$(diff "$a1" "$b1" | grep -c '^[<>]')
echo "ok: -s $sa and -s $sb differ ($n lines), each the same twice"
