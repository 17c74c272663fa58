# The session timeout closes both sides of an idle session, and does not
# fire while bytes trickle, with splice and without; a session that
# spliced and then went silent is closed too.
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

# 1 MiB each way, then silence: the splicing relay's session takes pipes
# (kept in the pool after), the copying one's none; both time out.
pipes() {
	ls -l "/proc/$RPID/fd" | grep -c 'pipe:'
}
before=$(pipes)
for p in 8002 8001; do
	out=$("$TCPTOOL" -T 10 burst $NET.1 $p 1048576 3500)
	[ "$out" = "got=1048576 closed=1" ] || fail "burst via $p: $out"
	[ $p = 8001 ] || [ "$(pipes)" = "$before" ] ||
	    fail "the copying relay spliced"
done
[ "$(pipes)" -gt "$before" ] || fail "the splicing relay did not splice"
n=$(grep -c ", timeout, " "$T/err")
[ "$n" = 4 ] || fail "$n timeout session ends logged, want 4"
ok "a session silent after a spliced burst is closed after its timeout"

# Many sessions of relays with different timeouts, opened together and
# interleaved: each ends after its own relay's timeout, not another's.
stop_relay
cat >"$T/m.conf" <<CONF
table t {
	host $NET.10
}
relay one {
	listen on $NET.1 port 8011
	table t port 9001
	timeout 1
}
relay two {
	listen on $NET.1 port 8012
	table t port 9001
	timeout 2
}
relay three {
	listen on $NET.1 port 8013
	table t port 9001
	timeout 3
}
CONF
start_relay "$T/m.conf" -v
clients=
for p in 8013 8011 8012 8011 8013 8012; do
	"$TCPTOOL" -T 10 hold $NET.1 $p 20 4500 >"$T/many.$p.$!" &
	clients="$clients $!"
done
wait $clients
cat "$T"/many.* | grep -v '^open=20 closed=20$' &&
    fail "held sessions not all closed by their timeouts"
# ages_of RELAY: the ages, in ms, of its sessions ended by the timeout.
ages_of() {
	grep "relay $1: .*, timeout, age " "$T/err" |
	    sed 's/.*, timeout, age \([0-9]*\):\([0-9]*\):\([0-9]*\)\.\([0-9]*\),.*/\1 \2 \3 \4/' |
	    awk '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }'
}
for r in one:1000 two:2000 three:3000; do
	ages=$(ages_of ${r%:*} | sort -n)
	n=$(echo "$ages" | grep -c .)
	lo=$(echo "$ages" | head -1) hi=$(echo "$ages" | tail -1)
	echo "relay ${r%:*}: $n sessions timed out, ages ${lo}..${hi} ms"
	[ "$n" = 40 ] || fail "relay ${r%:*}: $n timeouts, want 40"
	[ "$lo" -ge "${r#*:}" ] && [ "$hi" -lt $((${r#*:} + 900)) ] ||
	    fail "relay ${r%:*}: ages $lo..$hi ms for a timeout of ${r#*:} ms"
done
ok "120 sessions of three timeouts, interleaved: each ended by its own"
