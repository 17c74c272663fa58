# Shared by the relay's end-to-end tests through the daemon: hoststated
# with its relay processes, tcptool's backends and clients, hoststatectl.
# Arguments of every test: HOSTSTATED HOSTSTATECTL TCPTOOL.  As root.

HOSTSTATED=$1
HOSTSTATECTL=$2
TCPTOOL=$3

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
for try in 1 2 3 4 5 6 7 8 9 10; do
	id _hoststated >/dev/null 2>&1 && break
	useradd -r -d /var/empty -s /usr/sbin/nologin _hoststated 2>/dev/null ||
	    sleep 0.3
done
mkdir -p /var/empty

# A loopback /24 of this run's own.
NET=127.$((RANDOM % 200 + 30)).$((RANDOM % 256))
T=$(mktemp -d /tmp/hoststated-relay.XXXXXX)
chmod 755 "$T"
SOCK=$T/hoststated.sock
LOG=$T/log
DPID=
PIDS=

cleanup() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill "$DPID" 2>/dev/null
		sleep 0.5
		kill -9 "$DPID" 2>/dev/null
	fi
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

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

wait_until() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while [ $i -lt $limit ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

port_open() {
	bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# serve ADDR PORT MODE...: a tcptool backend, remembered for cleanup.
serve() {
	local addr=$1 port=$2
	"$TCPTOOL" -T 120 serve "$@" &
	PIDS="$PIDS $!"
	LAST=$!
	wait_until 5 port_open "$addr" "$port" ||
	    fail "backend on $addr:$port did not start"
}

start_daemon() {
	local conf=$1
	shift
	"$HOSTSTATED" -d -f "$conf" -s "$SOCK" "$@" >"$LOG" 2>&1 &
	DPID=$!
	wait_until 10 ctl show summary || fail "daemon did not answer"
}

status() {
	ctl show summary | awk -F'\t' -v n="$1" '
	    { name = $3; sub(/ +$/, "", name) }
	    name == n { print $5; exit }'
}

is_status() {
	[ "$(status "$1")" = "$2" ]
}

expect_status() {
	wait_until "$3" is_status "$1" "$2" ||
	    fail "$1: expected '$2', found '$(status "$1")'"
}

# relay_stat RELAY FIELD: from show relays -j.
relay_stat() {
	ctl -j show relays | tr '{' '\n' | grep "\"name\":\"$1\"" |
	    sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

relay_stat_is() {
	[ "$(relay_stat "$1" "$2")" = "$3" ]
}

# relay_pids: the relay processes' pids.
relay_pids() {
	local p
	for p in $(pgrep -P "$DPID"); do
		case "$(cat /proc/$p/comm 2>/dev/null)" in
		hoststated-r[0-9]*) echo "$p" ;;
		esac
	done
}

wait_exit() {
	wait_until "$1" sh -c "! kill -0 $DPID 2>/dev/null" ||
	    fail "daemon still running after $1 s"
	wait "$DPID"
	DAEMON_RC=$?
	DPID=
}
