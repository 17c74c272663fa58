# Limits and bad peers: the session bound pauses accepting (the others
# wait in the backlog and are served later); running out of descriptors
# pauses it too; a host that resets mid-stream and a client that aborts
# end only their own sessions.
. "$(dirname "$0")/lib.sh"

serve $NET.10 9001 echo
serve $NET.10 9002 reset 1000000
cat >"$T/r.conf" <<CONF
sessions 5
table t {
	host $NET.10
}
relay echo {
	listen on $NET.1 port 8001
	table t port 9001
}
relay reset {
	listen on $NET.1 port 8002
	table t port 9002
}
CONF
start_relay "$T/r.conf"
"$TCPTOOL" -T 10 hold $NET.1 8001 5 2000 >"$T/held" &
held=$!
wait_until 5 running_is 5 ||
    fail "5 held sessions not seen"
# A sixth waits in the backlog until a held one ends.
start=$(date +%s%N)
got=$("$TCPTOOL" -T 10 echo $NET.1 8001 251 4)
ms=$(( ($(date +%s%N) - start) / 1000000 ))
set -- $got
[ "${3#got=}" = 251 ] && [ "${2#sum=}" = "${4#sum=}" ] ||
    fail "sixth session: $got"
echo "sixth_session_served_after_ms=$ms"
[ "$ms" -ge 1000 ] || fail "the sixth session was served at once (${ms} ms)"
wait $held
[ "$(stat echo total)" = 6 ] || fail "sessions: $(cmd stats)"
ok "the session bound holds the sixth until one ends"

# A host resetting mid-stream and a client aborting end only their own
# sessions: a 16 MiB echo crosses the relay meanwhile, whole.
"$TCPTOOL" -T 30 echo $NET.1 8001 16777216 8 >"$T/long" &
long=$!
for i in 1 2 3; do
	"$TCPTOOL" -T 5 recv $NET.1 8002 >"$T/reset.$i" || true
	"$TCPTOOL" -T 5 abort $NET.1 8001 300000 >/dev/null || true
done
wait $long
set -- $(cat "$T/long")
[ "${3#got=}" = 16777216 ] && [ "${2#sum=}" = "${4#sum=}" ] ||
    fail "the long echo beside resets: $(cat "$T/long")"
grep -q "host reset" "$T/err" 2>/dev/null || cmd stats | grep -q "reset.*errors=3" ||
    fail "host resets not counted: $(cmd stats)"
kill -0 "$RPID" || fail "the relay died"
ok "resets end only their own sessions"

# A stream that never waits does not stall the others: small sessions
# are served while 2 GiB flow through the same process.
stop_relay
cat >"$T/f.conf" <<CONF
table t {
	host $NET.10
}
relay bulk {
	listen on $NET.1 port 8003
	table t port 9003
}
relay echo {
	listen on $NET.1 port 8001
	table t port 9001
}
CONF
serve $NET.10 9003 source 2147483648 2
start_relay "$T/f.conf"
"$TCPTOOL" -T 100 recv $NET.1 8003 >"$T/bulk" &
bulk=$!
wait_until 15 stat_is bulk active 1 ||
    fail "the stream did not start: $(cat "$T/bulk")"
for i in 1 2 3 4 5; do
	got=$("$TCPTOOL" -T 20 echo $NET.1 8001 100 $i)
	set -- $got
	[ "${3#got=}" = 100 ] || fail "echo beside the stream: $got"
done
kill -0 $bulk 2>/dev/null || fail "the stream ended before the echoes"
kill $bulk
ok "small sessions are served while a stream flows"

# Out of descriptors: accept pauses, nothing crashes, service resumes.
stop_relay
sed -i 's/^sessions 5$/sessions 1000/' "$T/r.conf"
NOFILE=24 start_relay "$T/r.conf"
"$TCPTOOL" -T 10 hold $NET.1 8001 14 1500 >"$T/held" &
held=$!
wait $held
[ "$(cat "$T/held")" = "open=14 closed=0" ] ||
    fail "holding 14 sessions with 24 descriptors: $(cat "$T/held")"
kill -0 "$RPID" || fail "the relay died out of descriptors"
got=$("$TCPTOOL" -T 10 echo $NET.1 8001 1000000 6)
set -- $got
[ "${3#got=}" = 1000000 ] && [ "${2#sum=}" = "${4#sum=}" ] ||
    fail "after running out of descriptors: $got"
wait_until 5 stat_is echo total 15 ||
    fail "sessions: $(cmd stats)"
ok "out of descriptors: accept paused, every held session served later"
