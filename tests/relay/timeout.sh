# The session timeout closes both sides of an idle session, and does not
# fire while bytes trickle, with splice and without.
. "$(dirname "$0")/lib.sh"

serve $NET.10 9001 echo
cat >"$T/r.conf" <<CONF
table t {
	host $NET.10
}
protocol nosplice {
	tcp { no splice }
}
relay splice {
	listen on $NET.1 port 8001
	table t port 9001
	timeout 2
}
relay copy {
	listen on $NET.1 port 8002
	protocol nosplice
	table t port 9001
	timeout 2
}
CONF
start_relay "$T/r.conf" -v
# idle: held open and silent for 3.5 s; a byte every 500 ms for 3.5 s
# (longer than the timeout, never idle for it); both relays at once.
clients=
for p in 8001 8002; do
	"$TCPTOOL" -T 10 hold $NET.1 $p 1 3500 >"$T/idle.$p" &
	clients="$clients $!"
	"$TCPTOOL" -T 20 trickle $NET.1 $p 7 500 >"$T/trickle.$p" &
	clients="$clients $!"
done
wait $clients
for p in 8001 8002; do
	[ "$(cat "$T/idle.$p")" = "open=1 closed=1" ] ||
	    fail "idle session via $p: $(cat "$T/idle.$p")"
	[ "$(cat "$T/trickle.$p")" = "sent=7 got=7" ] ||
	    fail "trickle via $p: $(cat "$T/trickle.$p")"
done
n=$(grep -c ", timeout, " "$T/err")
[ "$n" = 2 ] || fail "$n timeout session ends logged, want 2"
ok "an idle session is closed after its timeout"
ok "a trickle keeps a session alive past the timeout"
