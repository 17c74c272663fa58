# With lib.sh, for the relay's end-to-end tests: tcptool's backends and
# clients ($TCPTOOL), the relays' counters and processes.

# serve ADDR PORT MODE...: a tcptool backend, remembered for cleanup.
serve() {
	local addr=$1 port=$2
	"$TCPTOOL" -T 120 serve "$@" &
	SERVERS="$SERVERS $!"
	LAST=$!
	wait_until 5 port_open "$addr" "$port" ||
	    fail "backend on $addr:$port did not start"
}

port_open() {
	bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# relay_stat RELAY FIELD: a counter of show relays -j.
relay_stat() {
	ctl -j show relays | tr '{' '\n' | grep "\"name\":\"$1\"" |
	    sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"
}

relay_stat_is() {
	[ "$(relay_stat "$1" "$2")" = "$3" ]
}

# relay_pids: the relay processes.
relay_pids() {
	local p
	for p in $(pgrep -P "$DPID"); do
		case "$(cat /proc/$p/comm 2>/dev/null)" in
		hoststated-r[0-9]*) echo "$p" ;;
		esac
	done
}
