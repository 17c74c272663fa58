# Shared by the relay engine's tests: backends from tcptool, one relay
# engine (relayrun) fed with host states on its standard input, every
# wait bounded.  Arguments of every test: RELAYRUN TCPTOOL.

RELAYRUN=$1
TCPTOOL=$2

# A loopback /24 of this run's own, so parallel runs never meet.
NET=127.$((RANDOM % 200 + 30)).$((RANDOM % 256))
T=$(mktemp -d /tmp/hoststated-relay.XXXXXX)
RPID=
SERVERS=

cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	for p in $SERVERS; do
		kill "$p" 2>/dev/null
	done
	exec 3>&- 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	echo "--- relay output"
	cat "$T/out" 2>/dev/null
	echo "--- relay log"
	cat "$T/err" 2>/dev/null
	exit 1
}

ok() {
	echo "ok: $*"
}

. "$(dirname "$0")/../wait.sh"

. "$(dirname "$0")/serve.sh"

# start_relay CONF [FLAGS...]: commands go to fd 3, output to $T/out.
# With NOFILE set, the relay runs with that many descriptors at most.
start_relay() {
	local conf=$1
	shift
	# An earlier relay's "ready" must not be taken for this one's.
	rm -f "$T/in" "$T/out"
	: >"$T/out"
	mkfifo "$T/in"
	(
		[ -n "${NOFILE:-}" ] && ulimit -n "$NOFILE"
		exec "$RELAYRUN" "$@" "$conf"
	) <"$T/in" >"$T/out" 2>"$T/err" &
	RPID=$!
	exec 3>"$T/in"
	wait_until 5 grep -q "^ready" "$T/out" || fail "relay did not start"
}

# cmd LINE: send a command and wait for its answer ("end" or one line).
cmd() {
	local before
	before=$(wc -l <"$T/out")
	echo "$*" >&3
	wait_until 5 sh -c "[ \$(wc -l <'$T/out') -gt $before ]" ||
	    fail "no answer to $*"
	case "$1" in
	stats|sessions)
		wait_until 5 sh -c "tail -n +$((before + 1)) '$T/out' |
		    grep -q '^end'" || fail "no end after $*" ;;
	esac
	tail -n +$((before + 1)) "$T/out"
}

stop_relay() {
	kill "$RPID"
	exec 3>&-
	wait "$RPID" 2>/dev/null
	RPID=
}

# stat RELAY FIELD: a counter of show relays.
stat() {
	cmd stats | awk -v r="$1" -v f="$2" '$1 == "relay" && $2 == r {
	    for (i = 3; i <= NF; i++) { split($i, kv, "=");
	    if (kv[1] == f) print kv[2] } }'
}

# running_is N: show sessions lists N open sessions.
running_is() {
	[ "$(cmd sessions | grep -c ', running,')" = "$1" ]
}

# stat_is RELAY FIELD VALUE
stat_is() {
	[ "$(stat "$1" "$2")" = "$3" ]
}

# rss_kb PID: resident memory.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}
