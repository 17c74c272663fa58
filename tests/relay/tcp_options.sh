# The protocol's tcp options on the relay's sockets, read from outside
# (sockopts borrows them): on the listener and the sessions it accepts,
# and on the connection to the host; a relay without options keeps the
# kernel's.  The listener's backlog as ss shows it.
. "$(dirname "$0")/lib.sh"
SOCKOPTS=$3

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"	# to borrow another process's sockets
	exit 77
fi
serve $NET.10 9001 echo
cat >"$T/r.conf" <<CONF
table t {
	host $NET.10
}
protocol tuned {
	tcp { nodelay, socket buffer 65536, backlog 7, ip ttl 99, ip minttl 30 }
}
relay tuned {
	listen on $NET.1 port 8001
	protocol tuned
	table t port 9001
}
relay plain {
	listen on $NET.1 port 8002
	table t port 9001
}
CONF
start_relay "$T/r.conf"
for p in 8001 8002; do
	"$TCPTOOL" -T 10 hold $NET.1 $p 1 3000 >/dev/null &
done
wait_until 5 running_is 2 || fail "sessions: $(cmd sessions)"
"$SOCKOPTS" "$RPID" >"$T/opts" || fail "sockopts"

# opts LOCAL PEER: the options of that socket.
opts() {
	awk -v l="$1" -v p="$2" '$1 == l && $2 == p {
	    $1 = $2 = ""; sub(/^ +/, ""); print }' "$T/opts"
}
tuned="nodelay=1 ttl=99 minttl=30 rcvbuf=131072 sndbuf=131072"
[ "$(opts $NET.1:8001 -)" = "$tuned" ] ||
    fail "listener: $(opts $NET.1:8001 -)"
client=$(awk -v l="$NET.1:8001" '$1 == l && $2 != "-" { print $2 }' \
    "$T/opts")
[ "$(opts $NET.1:8001 "$client")" = "$tuned" ] ||
    fail "accepted session: $(cat "$T/opts")"
grep -q " $NET.10:9001 $tuned\$" "$T/opts" ||
    fail "host side: $(cat "$T/opts")"
ok "nodelay, socket buffer, ip ttl and ip minttl on the listener, its sessions and their hosts"

kernel_ttl=$(sysctl -n net.ipv4.ip_default_ttl)
case "$(opts $NET.1:8002 -)" in
"nodelay=0 ttl=$kernel_ttl minttl=0 "*) ;;
*) fail "plain listener: $(opts $NET.1:8002 -)" ;;
esac
[ "$(grep -c " $NET.10:9001 nodelay=0 ttl=$kernel_ttl minttl=0 " \
    "$T/opts")" = 1 ] || fail "plain host side: $(cat "$T/opts")"
ok "a relay without options keeps the kernel's"

backlog() {
	ss -ltnH "src $NET.1:$1" | awk '{ print $3 }'
}
[ "$(backlog 8001)" = 7 ] || fail "backlog: $(ss -ltnH "src $NET.1:8001")"
[ "$(backlog 8002)" = 10 ] || fail "default backlog: $(backlog 8002)"
ok "backlog 7, and 10 by default"
