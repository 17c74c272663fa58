# Shared by the relay's end-to-end tests, after wait.sh: tcptool
# ($TCPTOOL) backends, remembered in $SERVERS for cleanup.

# serve ADDR PORT MODE...: a backend; its pid in $LAST.
serve() {
	local addr=$1 port=$2
	"$TCPTOOL" -T 120 serve "$@" &
	SERVERS="$SERVERS $!"
	LAST=$!
	wait_until 5 port_open "$addr" "$port" ||
	    fail "backend on $addr:$port did not start"
}
