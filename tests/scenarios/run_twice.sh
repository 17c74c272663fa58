#!/bin/sh
# Run a scenario twice with the same seed: every expectation must hold
# and both timelines must be byte-identical.
# usage: run_twice.sh HOSTSTATED-SIM SCENARIO [SEED]
sim=$1 scenario=$2 seed=${3:-}
a=$(mktemp) b=$(mktemp)
trap 'rm -f "$a" "$b"' EXIT

set -- "$scenario"
[ -n "$seed" ] && set -- -s "$seed" "$scenario"
"$sim" "$@" >"$a" 2>&1
rc=$?
cat "$a"
if [ $rc -ne 0 ]; then
	echo "FAIL: $scenario: exit status $rc"
	exit 1
fi
"$sim" "$@" >"$b" 2>&1
if ! cmp -s "$a" "$b"; then
	diff -u "$a" "$b" | head -40
	echo "FAIL: $scenario: two runs with the same seed differ"
	exit 1
fi
echo "ok: same timeline twice ($(wc -l <"$a") lines)"
