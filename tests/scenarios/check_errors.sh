#!/bin/sh
# A scenario with errors is refused before it runs (exit 2, nothing on
# the timeline), with exactly the expected lines, in order.
# usage: check_errors.sh HOSTSTATED-SIM SCENARIO EXPECTED
sim=$1 scenario=$2 want=$3
out=$(mktemp) err=$(mktemp) got=$(mktemp)
trap 'rm -f "$out" "$err" "$got"' EXIT

"$sim" "$scenario" >"$out" 2>"$err"
rc=$?
dir=$(dirname "$scenario")/
# Names as given on the command line: compare them without the folder.
while IFS= read -r line; do
	case $line in
	"$dir"*) printf '%s\n' "${line#"$dir"}" ;;
	*) printf '%s\n' "$line" ;;
	esac
done <"$err" >"$got"
cat "$got"
if [ "$rc" -ne 2 ]; then
	echo "FAIL: exit status $rc, want 2"
	exit 1
fi
if [ -s "$out" ]; then
	cat "$out"
	echo "FAIL: the run started"
	exit 1
fi
if ! cmp -s "$want" "$got"; then
	diff -u "$want" "$got"
	echo "FAIL: not the expected errors"
	exit 1
fi
echo "ok: $(wc -l <"$got") errors in one pass, in line order"
