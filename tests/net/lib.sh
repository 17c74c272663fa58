# Shared by the net tests: start test servers, run one check through
# the backend, compare what a user would see, clean up everything.
# Usage in a test: . lib.sh "$@" (checkrun and testserver paths).
CHECKRUN=$1
TESTSERVER=$2
TMP=$(mktemp -d /tmp/hsnet.XXXXXX)
PIDS=""
NETNS=""
FAILS=0
PASSES=0

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for n in $NETNS; do ip netns del "$n" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

needs_root() {
	if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
		echo "SKIP: needs root"
		exit 77
	fi
}

# start_server [ip netns exec NS] TESTSERVER-ARGS...: sets PORT.
start_server() {
	out=$TMP/port.$(date +%s%N)
	"$@" >"$out" &
	PIDS="$PIDS $!"
	i=0
	while [ ! -s "$out" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$out")
	if [ -z "$PORT" ]; then
		echo "FAIL - test server did not start: $*"
		exit 1
	fi
}

# A port where nothing listens: a server's, once it is gone.
free_port() {
	start_server "$TESTSERVER" "$@"
	kill "$!"
	wait "$!" 2>/dev/null
}

# expect_check DESCRIPTION EXPECTED [ip netns exec NS] CHECKRUN-ARGS...
expect_check() {
	local edesc ewant egot
	edesc=$1
	ewant=$2
	shift 2
	egot=$("$@" 2>&1)
	case "$egot" in
	*"$ewant"*)
		PASSES=$((PASSES + 1))
		echo "ok - $edesc: $egot" ;;
	*)
		FAILS=$((FAILS + 1))
		echo "FAIL - $edesc: expected '$ewant', got '$egot'" ;;
	esac
}

# expect_true DESCRIPTION COMMAND...: a plain assertion.
expect_true() {
	local edesc
	edesc=$1
	shift
	if "$@"; then
		PASSES=$((PASSES + 1))
		echo "ok - $edesc"
	else
		FAILS=$((FAILS + 1))
		echo "FAIL - $edesc"
	fi
}

make_cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 1 -subj /CN=hoststated-test \
	    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null
	CERT="$TMP/cert.pem"
	KEY="$TMP/key.pem"
}

# netns_pair: a client namespace CNS and a server namespace SNS joined
# by a veth pair, 198.18.0.1 and 198.18.0.2 (benchmark test range) and
# 2001:db8::1 and ::2 (documentation range), so nothing touches the
# host's own network.
netns_pair() {
	CNS=hsc$$
	SNS=hss$$
	ip netns add "$CNS" && NETNS="$NETNS $CNS" &&
	ip netns add "$SNS" && NETNS="$NETNS $SNS" &&
	ip link add "vc$$" netns "$CNS" type veth peer name "vs$$" \
	    netns "$SNS" &&
	ip -n "$CNS" addr add 198.18.0.1/24 dev "vc$$" &&
	ip -n "$SNS" addr add 198.18.0.2/24 dev "vs$$" &&
	ip -n "$CNS" addr add 2001:db8::1/64 dev "vc$$" nodad &&
	ip -n "$SNS" addr add 2001:db8::2/64 dev "vs$$" nodad &&
	ip -n "$CNS" link set "vc$$" up && ip -n "$CNS" link set lo up &&
	ip -n "$SNS" link set "vs$$" up && ip -n "$SNS" link set lo up || {
		echo "SKIP: needs root (cannot create network namespaces)"
		exit 77
	}
	# IPv6 neighbour discovery waits for the link-local addresses.
	i=0
	while [ -n "$(ip -n "$CNS" -6 addr show tentative)$(ip -n "$SNS" -6 \
	    addr show tentative)" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

finish() {
	echo "passed=$PASSES failed=$FAILS"
	[ "$FAILS" -eq 0 ]
	exit $?
}
