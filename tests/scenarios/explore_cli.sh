#!/bin/sh
# hoststated-sim --explore as an operator runs it; one behaviour per
# mode.  usage: explore_cli.sh HOSTSTATED-SIM CONFIG SCENARIO MODE
#   scenario-given  a scenario for a configuration (and the reverse) is
#                   refused with a message that says so
#   progress        progress lines on stderr, none with -q, stdout alike
#   jobs            -j 3 prints what one process prints, writes the same
#   keep            --keep N writes N replays and says how many of all
sim=$1 conf=$2 scenario=$3 mode=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*"
	exit 1
}

has() {	# file pattern
	while IFS= read -r line; do
		case $line in
		$2) return 0 ;;
		esac
	done <"$1"
	return 1
}

case $mode in
scenario-given)
	"$sim" --explore 1 "$scenario" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/err"
	[ $rc -eq 2 ] || fail "exit status $rc, want 2"
	has "$tmp/err" "*is a scenario, not a configuration*--explore N *" ||
	    fail "no message saying it is a scenario"
	"$sim" "$conf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/err"
	[ $rc -eq 2 ] || fail "exit status $rc, want 2"
	has "$tmp/err" "*is a configuration, not a scenario*" ||
	    fail "no message saying it is a configuration"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "more than the message"
	;;
progress)
	"$sim" --explore 3 --progress 0 -s 1 -o "$tmp" "$conf" >"$tmp/out" \
	    2>"$tmp/err" || fail "exit status $?"
	cat "$tmp/err"
	for n in 1 2 3; do
		has "$tmp/err" "explore: $n/3 runs, 0 violations, * checks,*" ||
		    fail "no progress line for run $n"
	done
	"$sim" --explore 3 --progress 0 -q -s 1 -o "$tmp" "$conf" \
	    >"$tmp/quiet" 2>"$tmp/err" || fail "exit status $?"
	[ -s "$tmp/err" ] && fail "-q still printed progress"
	cmp -s "$tmp/out" "$tmp/quiet" || fail "progress changed stdout"
	;;
jobs)
	mkdir "$tmp/one" "$tmp/three"
	"$sim" --explore 40 -q -s 3 --inject drop-table-remove -o "$tmp/one" \
	    "$conf" >"$tmp/out1"
	rc1=$?
	"$sim" --explore 40 -q -j 3 -s 3 --inject drop-table-remove \
	    -o "$tmp/three" "$conf" >"$tmp/out3"
	rc3=$?
	cat "$tmp/out3"
	[ $rc1 -eq 1 ] && [ $rc3 -eq 1 ] || fail "exit status $rc1, $rc3"
	sed "s|$tmp/one|DIR|" "$tmp/out1" >"$tmp/a"
	sed "s|$tmp/three|DIR|" "$tmp/out3" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || { diff -u "$tmp/a" "$tmp/b"; \
	    fail "-j 3 printed something else"; }
	diff -r "$tmp/one" "$tmp/three" || fail "-j 3 wrote other replays"
	;;
keep)
	"$sim" --explore 40 -q -s 3 --inject drop-table-remove --keep 3 \
	    -o "$tmp" "$conf" >"$tmp/out"
	rc=$?
	cat "$tmp/out"
	[ $rc -eq 1 ] || fail "exit status $rc, want 1"
	n=$(ls "$tmp"/explore-*.scenario | wc -l)
	[ "$n" -eq 3 ] || fail "$n replay scenarios, want 3"
	v=$(grep -c "invariant violated" "$tmp/out")
	[ "$v" -gt 3 ] || fail "only $v violations: pick another seed"
	has "$tmp/out" "explore: 40 runs, $v violations, * checks (seed 3)" ||
	    fail "no summary"
	has "$tmp/out" "explore: 3 replay scenarios written to $tmp (*" ||
	    fail "does not say how many replays it kept"
	;;
*)
	fail "unknown mode $mode"
	;;
esac
echo "ok: $mode"
