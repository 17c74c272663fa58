# Garbage on the control socket: the sender gets a protocol error and
# is dropped; the daemon and its other clients carry on.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table web {
	real port 8080
	check tcp
	host $NET.1
}
CONF
start_daemon "$T/h.conf"
expect_status $NET.1 up 5
ctl monitor >"$T/monitor" 2>&1 &
MON=$!
SERVERS="$SERVERS $MON"

for kind in header short huge unexpected; do
	out=$("$RAWCLIENT" "$SOCK" $kind)
	case "$out" in
	"FAIL protocol error"*) ;;
	*) fail "$kind: $out" ;;
	esac
	ok "$kind: $out"
done

start=$(date +%s)
n=0
while [ $n -lt 100 ] && [ $(( $(date +%s) - start )) -lt 10 ]; do
	"$RAWCLIENT" "$SOCK" random $n $(( (n * 37) % 2000 + 1 )) >>"$T/random" ||
	    fail "random $n: cannot connect"
	n=$((n + 1))
done
echo "random_clients=$n $(sort "$T/random" | cut -c1-20 | uniq -c | tr '\n' ' ')"
kill -0 "$DPID" || fail "daemon died"
is_status $NET.1 up || fail "state disturbed: $(status $NET.1)"
lines=$(wc -l <"$T/monitor")
sleep 1.5
[ "$(wc -l <"$T/monitor")" -gt "$lines" ] || fail "monitor client stalled"
kill -0 "$MON" || fail "monitor client dropped"
ok "daemon and other clients undisturbed"

# More idle clients than the daemon takes: the extra ones are closed,
# and once they are gone hoststatectl works again.
out=$("$RAWCLIENT" "$SOCK" hold 200 1000)
echo "$out"
closed=${out##* }
[ "$closed" -ge 60 ] || fail "too many clients accepted: $out"
wait_until 3 ctl show summary || fail "no answer after the idle clients left"
kill -0 "$DPID" || fail "daemon died"
ok "client slots bounded: $out"
