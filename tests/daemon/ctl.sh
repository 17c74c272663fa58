# Shared by the end-to-end tests: talk to a running hoststated with
# hoststatectl ($HOSTSTATECTL -s $SOCK), wait for what it shows, fail
# with its log ($LOG).  Every wait is bounded (wait_until, from
# tests/wait.sh, sourced first).

fail() {
	echo "FAIL: $*"
	echo "--- daemon log"
	cat "$LOG" 2>/dev/null
	exit 1
}

ok() {
	echo "ok: $*"
}

ctl() {
	"$HOSTSTATECTL" -s "$SOCK" "$@"
}

# status NAME: the Status column of NAME in show summary.
status() {
	ctl show summary | awk -F'\t' -v n="$1" '
	    { name = $3; sub(/ +$/, "", name) }
	    name == n { print $5; exit }'
}

# avail NAME: the Avlblty column of NAME.
avail() {
	ctl show summary | awk -F'\t' -v n="$1" '
	    { name = $3; sub(/ +$/, "", name); a = $4; sub(/ +$/, "", a) }
	    name == n { print a; exit }'
}

is_status() {
	[ "$(status "$1")" = "$2" ]
}

# expect_status NAME STATUS SECONDS
expect_status() {
	wait_until "$3" is_status "$1" "$2" ||
	    fail "$1: expected '$2', found '$(status "$1")'"
}

