# relayd's black-box cases for TCP relays: bytes go through unchanged,
# client to server and server to client, with splice on and off; then
# 64 MiB of random bytes each way at once, checksummed.
. "$(dirname "$0")/lib.sh"

serve $NET.10 9001 sink
serve $NET.10 9002 source 251 42
serve $NET.10 9003 echo
cat >"$T/r.conf" <<CONF
table sink {
	host $NET.10
}
table source {
	host $NET.10
}
protocol nosplice {
	tcp { no splice }
}
relay up_splice {
	listen on $NET.1 port 8001
	table sink port 9001
}
relay up_copy {
	listen on $NET.1 port 8002
	protocol nosplice
	table sink port 9001
}
relay down_splice {
	listen on $NET.1 port 8003
	table source port 9002
}
relay down_copy {
	listen on $NET.1 port 8004
	protocol nosplice
	table source port 9002
}
relay echo_splice {
	listen on $NET.1 port 8005
	table sink port 9003
}
relay echo_copy {
	listen on $NET.1 port 8006
	protocol nosplice
	table sink port 9003
}
CONF
start_relay "$T/r.conf"
want=$("$TCPTOOL" sum 251 7)
for p in 8001 8002; do
	got=$("$TCPTOOL" -T 10 send $NET.1 $p 251 7) || fail "send to $p"
	case "$got" in
	*"$want"*) ;;
	*) fail "client to server through $p: sent $want, server got: $got" ;;
	esac
done
ok "251 bytes client to server, splice on and off"

want=$("$TCPTOOL" sum 251 42)
for p in 8003 8004; do
	got=$("$TCPTOOL" -T 10 recv $NET.1 $p) || fail "recv from $p"
	[ "$got" = "$want" ] ||
	    fail "server to client through $p: sent $want, got $got"
done
ok "251 bytes server to client, splice on and off"

for p in 8005 8006; do
	start=$(date +%s%N)
	got=$("$TCPTOOL" -T 60 echo $NET.1 $p 67108864 99) || fail "echo $p"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	set -- $got
	[ "${1#sent=}" = 67108864 ] && [ "${3#got=}" = 67108864 ] &&
	    [ "${2#sum=}" = "${4#sum=}" ] ||
	    fail "64 MiB each way through $p: $got"
	echo "echo_64MiB_each_way_port_$p=${ms}ms"
done
ok "64 MiB each way, checksums equal, splice on and off"
[ "$(stat up_splice errors)" = 0 ] && [ "$(stat echo_copy errors)" = 0 ] ||
    fail "errors counted: $(cmd stats)"
ok "no session ended in error"
