#!/bin/sh
# Run a scenario that must fail: check the exit status and that the
# output (stdout and stderr) has a line matching a shell pattern.
# usage: check_exit.sh HOSTSTATED-SIM SCENARIO STATUS PATTERN
sim=$1 scenario=$2 want=$3 pattern=$4
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$sim" "$scenario" >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -ne "$want" ]; then
	echo "FAIL: exit status $rc, want $want"
	exit 1
fi
while IFS= read -r line; do
	case $line in
	$pattern)
		echo "ok: exit $rc and \"$line\""
		exit 0
		;;
	esac
done <"$out"
echo "FAIL: no line matches: $pattern"
exit 1
