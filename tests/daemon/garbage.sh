# Garbage on the control socket: the sender gets a protocol error and
# is dropped; the daemon and its other clients carry on.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
web_conf $NET.1 >"$T/h.conf"
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
# a change is an event: the monitor goes on getting them
lines=$(wc -l <"$T/monitor")
ctl host disable $NET.1 >/dev/null && ctl host enable $NET.1 >/dev/null ||
    fail "host disable and enable"
wait_until 5 grew "$T/monitor" "$lines" || fail "monitor client stalled"
kill -0 "$MON" || fail "monitor client dropped"
ok "daemon and other clients undisturbed"

# More idle clients than the daemon takes: each one refused is told
# why, with the bound in its line; nobody is closed without a word, and
# once they are gone hoststatectl works again.
out=$("$RAWCLIENT" "$SOCK" hold 200 1000)
echo "$out"
max=$(echo "$out" | sed -n 's/.*too many control clients (\([0-9]*\)).*/\1/p')
refused=$(echo "$out" | awk '{ print $4 }')
closed=$(echo "$out" | awk '{ sub(":", "", $6); print $6 }')
[ -n "$max" ] || fail "refusals do not name the bound: $out"
[ "$closed" = 0 ] || fail "clients closed without a line: $out"
# the monitor holds a slot too
[ $((200 - refused + 1)) -le "$max" ] ||
    fail "more clients than the bound $max: $out"
[ "$refused" -ge $((200 - max)) ] || fail "too few refused: $out"
wait_until 3 ctl show summary || fail "no answer after the idle clients left"
kill -0 "$DPID" || fail "daemon died"
ok "client slots bounded at $max: $out"
