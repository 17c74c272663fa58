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

# expect_logged DESCRIPTION FILE PATTERN: a server logs what it saw
# before it answers; wait (bounded) for the line rather than a while.
expect_logged() {
	local i=0
	while ! grep -q "$3" "$2" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	expect_true "$1" grep -q "$3" "$2"
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
# host's own network.  Addresses are usable at once (no duplicate
# address detection) and each side knows the other's link address: the
# first packets do not wait for a neighbour discovery, whose timing a
# loaded machine stretches past a check's timeout.  As root, a pair
# that cannot be made is a failure.
netns_pair() {
	CNS=hsc$$
	SNS=hss$$
	netns_make || {
		echo "FAIL: cannot create the network namespaces $CNS, $SNS"
		exit 1
	}
}

netns_link_addr() {	# NS DEV
	ip -n "$1" -o link show dev "$2" |
	    sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

netns_make() {
	local ns cmac smac
	ip netns add "$CNS" && NETNS="$NETNS $CNS" &&
	ip netns add "$SNS" && NETNS="$NETNS $SNS" || return 1
	for ns in "$CNS" "$SNS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		    net.ipv6.conf.default.accept_dad=0 || return 1
	done
	ip link add "vc$$" netns "$CNS" type veth peer name "vs$$" \
	    netns "$SNS" &&
	ip -n "$CNS" addr add 198.18.0.1/24 dev "vc$$" &&
	ip -n "$SNS" addr add 198.18.0.2/24 dev "vs$$" &&
	ip -n "$CNS" addr add 2001:db8::1/64 dev "vc$$" nodad &&
	ip -n "$SNS" addr add 2001:db8::2/64 dev "vs$$" nodad &&
	ip -n "$CNS" link set "vc$$" up && ip -n "$CNS" link set lo up &&
	ip -n "$SNS" link set "vs$$" up && ip -n "$SNS" link set lo up ||
	    return 1
	cmac=$(netns_link_addr "$CNS" "vc$$")
	smac=$(netns_link_addr "$SNS" "vs$$")
	[ -n "$cmac" ] && [ -n "$smac" ] &&
	ip -n "$CNS" neigh replace 198.18.0.2 lladdr "$smac" dev "vc$$" \
	    nud permanent &&
	ip -n "$CNS" neigh replace 2001:db8::2 lladdr "$smac" dev "vc$$" \
	    nud permanent &&
	ip -n "$SNS" neigh replace 198.18.0.1 lladdr "$cmac" dev "vs$$" \
	    nud permanent &&
	ip -n "$SNS" neigh replace 2001:db8::1 lladdr "$cmac" dev "vs$$" \
	    nud permanent
}

finish() {
	echo "passed=$PASSES failed=$FAILS"
	[ "$FAILS" -eq 0 ]
	exit $?
}
