# With lib.sh, for the relay's end-to-end tests: tcptool's backends and
# clients ($TCPTOOL), the relays' counters and processes.

. "$(dirname "$0")/../relay/serve.sh"

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
