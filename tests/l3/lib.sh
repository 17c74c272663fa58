# Shared by the layer-3 tests: a small network of namespaces of this
# run's own, with hoststated balancing real HTTP servers through
# nftables.  Arguments of every test: HOSTSTATED HOSTSTATECTL WEBSERVER
# L3CLIENT.  Every wait is bounded; everything is removed at exit.
#
#   client  198.18.1.2 (and .10-.29)  --  198.18.1.1 balancer (VIP :80)
#   balancer 198.18.2.1 -- 198.18.2.2 web1   (port 8080, answers "web1")
#   balancer 198.18.3.1 -- 198.18.3.2 web2   (port 8080, answers "web2")
#   balancer 198.18.4.1 -- 198.18.4.2 sorry  (port 80, answers "sorry")
# The balancer forwards; hoststated runs in its namespace.

HOSTSTATED=$1
HOSTSTATECTL=$2
WEBSERVER=$3
L3CLIENT=$4

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
for tool in ip nft; do
	command -v $tool >/dev/null ||
	    { echo "FAIL: $tool missing (tools/deps installs it)"; exit 1; }
done

RUN=$$
NSC=hs${RUN}c
NSB=hs${RUN}b
NSW1=hs${RUN}w1
NSW2=hs${RUN}w2
NSS=hs${RUN}s
VIP=198.18.1.1
WEB1=198.18.2.2
WEB2=198.18.3.2
SORRY=198.18.4.2
T=$(mktemp -d /tmp/hoststated-l3.XXXXXX)
chmod 755 "$T"
SOCK=$T/hoststated.sock
LOG=$T/log
DPID=
SERVERS=

# Where this library is: the test's own folder, or as the caller says.
L3DIR=${L3DIR:-$(dirname "$0")}
. "$L3DIR/../wait.sh"
. "$L3DIR/../daemon/ctl.sh"
# The README's way of creating the unprivileged user and the chroot.
"$L3DIR/../../tools/setup-user" || { echo "FAIL: tools/setup-user"; exit 1; }

cleanup() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill "$DPID" 2>/dev/null
		wait_until 3 sh -c "! kill -0 $DPID 2>/dev/null"
		kill -9 "$DPID" 2>/dev/null
	fi
	for p in $SERVERS; do
		kill "$p" 2>/dev/null
	done
	for ns in $NSC $NSB $NSW1 $NSW2 $NSS; do
		ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del $ns 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a veth pair, /24 each side.
link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4" &&
	ip -n "$1" addr add "$3/24" dev "$2" &&
	ip -n "$4" addr add "$6/24" dev "$5" &&
	ip -n "$1" link set "$2" up &&
	ip -n "$4" link set "$5" up
}

net_up() {
	local ns i
	for ns in $NSC $NSB $NSW1 $NSW2 $NSS; do
		ip netns add $ns && ip -n $ns link set lo up ||
		    fail "cannot create namespace $ns"
	done
	link $NSC hsc$RUN 198.18.1.2 $NSB hsb$RUN $VIP &&
	link $NSW1 hs1w$RUN $WEB1 $NSB hs1b$RUN 198.18.2.1 &&
	link $NSW2 hs2w$RUN $WEB2 $NSB hs2b$RUN 198.18.3.1 &&
	link $NSS hssw$RUN $SORRY $NSB hssb$RUN 198.18.4.1 ||
	    fail "cannot link the namespaces"
	for i in $(seq 10 29); do
		ip -n $NSC addr add 198.18.1.$i/24 dev hsc$RUN
	done
	ip -n $NSC route add default via $VIP &&
	ip -n $NSW1 route add default via 198.18.2.1 &&
	ip -n $NSW2 route add default via 198.18.3.1 &&
	ip -n $NSS route add default via 198.18.4.1 &&
	ip netns exec $NSB sysctl -qw net.ipv4.ip_forward=1 ||
	    fail "cannot route"
}

# start_web NAME NS ADDR PORT: sets WEBPID_NAME.  The server exits by
# itself after WEB_LIFETIME seconds (default 300), should the run's
# cleanup never come.
start_web() {
	local pid
	ip netns exec "$2" "$WEBSERVER" -c -T "${WEB_LIFETIME:-300}" -b "$1" \
	    "$3" "$4" &
	pid=$!
	eval "WEBPID_$1=$pid"
	SERVERS="$SERVERS $pid"
	wait_until 5 ip netns exec $NSB bash -c "exec 3<>/dev/tcp/$3/$4" ||
	    fail "web server $1 on $3:$4 did not start"
	kill -0 $pid 2>/dev/null ||
	    fail "web server $1 on $3:$4 exited: another one answers there"
}

stop_web() {
	local pid
	eval "pid=\$WEBPID_$1"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

start_servers() {
	start_web web1 $NSW1 $WEB1 8080
	start_web web2 $NSW2 $WEB2 8080
	start_web sorry $NSS $SORRY 80
}

# write_conf FILE [EXTRA_WEB_HOST_OPTIONS1 [EXTRA2 [SERVICE_EXTRA]]]
write_conf() {
	cat >"$1" <<CONF
interval 1
timeout 200
table web {
	real port 8080
	check http "/" code 200
	host $WEB1 $2
	host $WEB2 $3
}
table sorry {
	real port 80
	check tcp
	host $SORRY
}
service www {
	virtual host $VIP port 80
	table web
	backup table sorry
	$4
}
CONF
}

# start_daemon CONF: hoststated in the balancer's namespace.
start_daemon() {
	ip netns exec $NSB "$HOSTSTATED" -d -f "$1" -s "$SOCK" >>"$LOG" 2>&1 &
	DPID=$!
	wait_until 5 ctl show summary || fail "daemon did not answer"
}

stop_daemon() {
	kill "$DPID"
	wait_until 10 sh -c "! kill -0 $DPID 2>/dev/null" ||
	    fail "daemon did not stop"
	wait "$DPID" 2>/dev/null
	DPID=
}

client() {
	ip netns exec $NSC "$L3CLIENT" "$@"
}

# count N [SRC]: "NAME COUNT" lines for N new connections to the VIP.
count() {
	if [ -n "${2:-}" ]; then
		client -b "$2" count "$1" $VIP 80
	else
		client count "$1" $VIP 80
	fi
}

# answered NAME N: every one of N new connections reaches NAME.
answered() {
	[ "$(count "$2")" = "$1 $2" ]
}

# expect_only NAME SECONDS: wait until new connections reach NAME only.
expect_only() {
	wait_until "$2" answered "$1" 10 ||
	    fail "new connections: expected $1 only, got: $(count 10 | tr '\n' ' ')"
}

rules() {
	ip netns exec $NSB nft list table inet hoststated 2>/dev/null
}

# The services are up and both web servers are served.
ready() {
	expect_status www active 10
	expect_status web "active (2 hosts up)" 10
	expect_status sorry "active (1 hosts up)" 10
}

# The network, the servers, hoststated on write_conf's configuration
# (its arguments as write_conf's after the file), ready.
start_all() {
	net_up
	start_servers
	write_conf "$T/h.conf" "${1:-}" "${2:-}" "${3:-}"
	start_daemon "$T/h.conf"
	ready
}
