#!/bin/sh
# Every example runs: each configuration under examples/ passes
# hoststated -n (from its own folder, as its comments say to use it), and
# each scenario replays in hoststated-sim with every expectation met.
# Other programs' files beside them (keepalived*.conf) are theirs.
# Usage: examples.sh SOURCE_ROOT HOSTSTATED HOSTSTATED_SIM
set -u
ROOT=$(cd "$1" && pwd)
HOSTSTATED=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
SIM=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
fails=0 confs=0 scenarios=0
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL - $*"
	fails=$((fails + 1))
}

for f in $(find "$ROOT/examples" -name '*.conf' ! -name 'keepalived*' |
    sort); do
	confs=$((confs + 1))
	name=${f#"$ROOT"/}
	if (cd "$(dirname "$f")" && "$HOSTSTATED" -n -f "$f") >"$T/out" \
	    2>&1 && grep -qx "configuration OK" "$T/out"; then
		echo "ok - hoststated -n $name"
	else
		fail "hoststated -n $name:"
		cat "$T/out"
	fi
done

for f in $(find "$ROOT/examples" -name '*.scenario' | sort); do
	scenarios=$((scenarios + 1))
	name=${f#"$ROOT"/}
	if "$SIM" "$f" >"$T/out" 2>&1 &&
	    tail -n 1 "$T/out" | grep -qx 'expectations: [1-9][0-9]* passed, 0 failed'; then
		echo "ok - hoststated-sim $name: $(tail -n 1 "$T/out")"
	else
		fail "hoststated-sim $name:"
		tail -n 20 "$T/out"
	fi
done

[ "$confs" -gt 0 ] && [ "$scenarios" -gt 0 ] || fail "no examples found"
echo "$confs configurations, $scenarios scenarios, $fails failed"
[ $fails -eq 0 ]
