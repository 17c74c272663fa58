# Half-close crosses the relay both ways: a client that shuts down its
# write side still gets the whole answer (the server answers only after
# the end of the request), and a server that closes after its answer
# lets the client keep sending until it is done.
. "$(dirname "$0")/lib.sh"

serve $NET.10 9001 sink
serve $NET.10 9002 echo
cat >"$T/r.conf" <<CONF
table t {
	host $NET.10
}
protocol nosplice {
	tcp { no splice }
}
relay sink_splice {
	listen on $NET.1 port 8001
	table t port 9001
}
relay sink_copy {
	listen on $NET.1 port 8002
	protocol nosplice
	table t port 9001
}
relay echo_splice {
	listen on $NET.1 port 8003
	table t port 9002
}
relay echo_copy {
	listen on $NET.1 port 8004
	protocol nosplice
	table t port 9002
}
CONF
start_relay "$T/r.conf"
for p in 8001 8002; do
	want=$("$TCPTOOL" sum 1000000 3)
	got=$("$TCPTOOL" -T 20 send $NET.1 $p 1000000 3) || fail "send $p"
	case "$got" in
	"sent=1000000 "*"$want"*) ;;
	*) fail "answer after the client's half-close via $p: $got" ;;
	esac
done
ok "client half-close: the server's answer after the end arrives whole"

# The echo server closes its write side only after the client's end:
# the relay must keep the host's direction open after the client's.
for p in 8003 8004; do
	got=$("$TCPTOOL" -T 20 echo $NET.1 $p 3000000 5) || fail "echo $p"
	set -- $got
	[ "${3#got=}" = 3000000 ] && [ "${2#sum=}" = "${4#sum=}" ] ||
	    fail "echo after half-close via $p: $got"
done
ok "the host's direction stays open after the client's end"
[ "$(stat sink_splice errors)$(stat echo_copy errors)" = 00 ] ||
    fail "errors: $(cmd stats)"
ok "sessions ended as done"
