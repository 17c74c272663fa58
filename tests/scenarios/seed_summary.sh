#!/bin/sh
# Run an example scenario and compare its "show summary" output with the
# seed's sample, column for column once tabs are expanded.
# usage: seed_summary.sh HOSTSTATED-SIM SCENARIO SEED-SAMPLE
sim=$1 scenario=$2 sample=$3
out=$(mktemp) got=$(mktemp)
trap 'rm -f "$out" "$got"' EXIT

if ! "$sim" "$scenario" >"$out"; then
	cat "$out"
	echo "FAIL: $scenario: expectations failed"
	exit 1
fi
# The rows printed, verbatim as hoststatectl prints them, after the
# time-stamped "hoststatectl show ..." line.
awk '/^\[ *[0-9.]+s\]  hoststatectl show/ { take = 1; next }
     take && /^(Type|service|table|host|relay)\t/ { print; next }
     take { exit }' "$out" | expand -t 8 >"$got"
if ! diff -u "$sample" "$got"; then
	echo "FAIL: $scenario: summary differs from the seed's sample"
	exit 1
fi
echo "ok: $(wc -l <"$got") lines match the seed's sample"
