# show relays and show sessions against known traffic, in text and JSON;
# one line per session end in the monitor and, with log connection, in
# the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"

serve $NET.10 9001 sink
serve $NET.10 9002 echo
cat >"$T/h.conf" <<CONF
prefork 2
log connection
table t {
	host $NET.10
}
relay sink {
	listen on $NET.1 port 8001
	table t port 9001
}
relay echo {
	listen on $NET.1 port 8002
	table t port 9002
}
relay nohost {
	listen on $NET.1 port 8003
	forward to $NET.11 port 9001
}
CONF
start_daemon "$T/h.conf"
expect_status sink active 5
ctl monitor >"$T/monitor" 2>&1 &
SERVERS="$SERVERS $!"
sleep 0.5

reply=$("$TCPTOOL" -T 10 send $NET.1 8001 251 3) || fail "send"
reply=${reply#sent=251 sum=* }	# what came back: "bytes=251 sum=...\n"
rlen=$(printf '%s\n' "$reply" | wc -c)
for i in 1 2 3; do
	"$TCPTOOL" -T 10 echo $NET.1 8002 1000 $i >/dev/null || fail "echo"
done
"$TCPTOOL" -T 10 who $NET.1 8003 >/dev/null 2>&1
wait_until 5 relay_stat_is echo sessions_total 3 ||
    fail "show relays: $(ctl show relays)"
[ "$(relay_stat sink sessions_total)" = 1 ] || fail "$(ctl -j show relays)"
[ "$(relay_stat sink bytes_in)" = 251 ] || fail "$(ctl -j show relays)"
[ "$(relay_stat sink bytes_out)" = "$rlen" ] ||
    fail "sink bytes_out $(relay_stat sink bytes_out), want $rlen"
[ "$(relay_stat echo bytes_in)" = 3000 ] || fail "$(ctl -j show relays)"
[ "$(relay_stat echo bytes_out)" = 3000 ] || fail "$(ctl -j show relays)"
[ "$(relay_stat echo sessions_active)" = 0 ] || fail "$(ctl -j show relays)"
[ "$(relay_stat nohost connect_failures)" = 1 ] ||
    fail "$(ctl -j show relays)"
[ "$(relay_stat nohost errors)" = 1 ] || fail "$(ctl -j show relays)"
ctl show relays | grep -q "^	    	sessions: 0 active, 3 total, bytes: 3000 in, 3000 out, 0 connect failures, 0 errors$" ||
    fail "show relays: $(ctl show relays)"
ok "show relays: sessions, bytes each way, failures and errors, summed over processes"

# An open session: its client and host, age, idle and bytes.
"$TCPTOOL" -T 10 -b $NET.77 hold $NET.1 8002 1 2500 >/dev/null &
holder=$!
has_session() {
	ctl show sessions | grep -q "relay echo: $NET.77:[0-9]* -> $NET.10:9002, running, age "
}
wait_until 5 has_session || fail "show sessions: $(ctl show sessions)"
ctl show sessions | grep -q "^session [12]:[0-9]* relay echo: .* idle 00:00:0[0-9]\.[0-9]*, bytes in 0, out 0$" ||
    fail "show sessions: $(ctl show sessions)"
ctl -j show sessions | grep -q "\"relay\":\"echo\",\"relay_id\":1,\"client\":\"$NET.77\"" ||
    fail "show sessions -j: $(ctl -j show sessions)"
wait $holder
ok "show sessions and -j: the open session with its client and host"

ended() {
	[ "$(grep -c "session [0-9]*:[0-9]* relay $1: .*, $2, age" "$3")" = "$4" ]
}
wait_until 5 ended echo done "$T/monitor" 4 ||
    fail "monitor: $(cat "$T/monitor")"
ended nohost "connect failed" "$T/monitor" 1 || fail "monitor: $(cat "$T/monitor")"
wait_until 5 ended echo done "$LOG" 4 || fail "log lines of session ends"
ended sink done "$LOG" 1 || fail "log lines of session ends"
ok "monitor and log: one line per session end, with its reason"
