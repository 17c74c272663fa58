#!/bin/sh
# The manual pages: mandoc finds nothing to warn about, every keyword of
# the configuration grammar (the lexer's keyword table) is documented in
# hoststated.conf(5), every hoststatectl command word in hoststatectl(8),
# and every host fault and expectation of a scenario in hoststated-sim(1).
# Usage: check_man.sh SOURCE_ROOT
set -u
ROOT=$1
DOCS=$ROOT/docs
fails=0

fail() {
	echo "FAIL - $*"
	fails=$((fails + 1))
}

if ! command -v mandoc >/dev/null; then
	echo "FAIL - mandoc is not installed (tools/deps installs it)"
	exit 1
fi

for page in "$DOCS"/*.[158]; do
	out=$(mandoc -Tlint -W warning "$page" 2>&1)
	if [ -n "$out" ]; then
		fail "mandoc -Tlint $(basename "$page"):"
		echo "$out"
	else
		echo "ok - mandoc -Tlint $(basename "$page")"
	fi
done

# The words of a C table: every string literal between "NAME[] = {"
# and its closing "};".
table_words() {
	sed -n "/$2\\[\\] = {/,/^};/p" "$1" | grep -o '"[^"]*"' | tr -d '"'
}

# A word documented as a keyword: an argument of Ic, Cm or Fl.
documented() {
	w=$(printf '%s' "$1" | sed 's/[.]/\\&/g')
	grep -Eq "^\\.(.* )?(Ic|Cm|Fl) ([^ ]+ )*(\\\\&)?$w( |$)" "$2"
}

n=0
for kw in $(table_words "$ROOT/core/lex.c" keywords); do
	n=$((n + 1))
	documented "$kw" "$DOCS/hoststated.conf.5" ||
	    fail "keyword '$kw' is not documented in hoststated.conf(5)"
done
[ "$n" -gt 50 ] || fail "only $n keywords found in core/lex.c"
echo "ok - $n configuration keywords checked"

n=0
for t in show_words host_words table_words service_words log_words \
    top_words; do
	for w in $(table_words "$ROOT/core/ctl_parse.c" "$t"); do
		n=$((n + 1))
		documented "$w" "$DOCS/hoststatectl.8" ||
		    fail "command word '$w' is not documented in hoststatectl(8)"
	done
done
[ "$n" -gt 15 ] || fail "only $n command words found in core/ctl_parse.c"
echo "ok - $n hoststatectl command words checked"

n=0
for t in faults kinds; do
	for w in $(table_words "$ROOT/sim/scenario_at.c" "$t"); do
		n=$((n + 1))
		documented "$w" "$DOCS/hoststated-sim.1" ||
		    fail "scenario word '$w' is not documented in" \
		    "hoststated-sim(1)"
	done
done
[ "$n" -gt 15 ] || fail "only $n scenario words found in sim/scenario_at.c"
echo "ok - $n scenario words checked"

echo "failed=$fails"
[ "$fails" -eq 0 ]
