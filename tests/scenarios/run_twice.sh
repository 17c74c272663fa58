#!/bin/sh
# Run a scenario twice with its own seed: every expectation must hold and
# both timelines must be byte-identical.  Then twice with -s SEED: both
# timelines (and exit statuses) must again be identical.  The seed picks
# message interleavings and answer jitter, so the two seeds' timelines
# may differ; how much is printed.
# usage: run_twice.sh HOSTSTATED-SIM SCENARIO [SEED]
sim=$1 scenario=$2 seed=${3:-4242}
a=$(mktemp) b=$(mktemp) own=$(mktemp)
trap 'rm -f "$a" "$b" "$own"' EXIT

"$sim" "$scenario" >"$a" 2>&1
rc=$?
cat "$a"
if [ $rc -ne 0 ]; then
	echo "FAIL: $scenario: exit status $rc"
	exit 1
fi
"$sim" "$scenario" >"$b" 2>&1
if ! cmp -s "$a" "$b"; then
	diff -u "$a" "$b" | head -40
	echo "FAIL: $scenario: two runs with the same seed differ"
	exit 1
fi
cp "$a" "$own"
"$sim" -s "$seed" "$scenario" >"$a" 2>&1
rc1=$?
"$sim" -s "$seed" "$scenario" >"$b" 2>&1
rc2=$?
if [ $rc1 -ne $rc2 ] || ! cmp -s "$a" "$b"; then
	diff -u "$a" "$b" | head -40
	echo "FAIL: $scenario: two runs with -s $seed differ"
	exit 1
fi
changed=$(diff "$own" "$a" | grep -c '^>')
echo "ok: same timeline twice, with its seed and with -s $seed" \
    "($changed lines of -s $seed differ from its own seed's)"
