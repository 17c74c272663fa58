# hoststatectl monitor streams every change, each line with a timestamp.
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
ctl -j monitor >"$T/monitor.json" 2>&1 &
MONJ=$!
SERVERS="$SERVERS $MON $MONJ"
sleep 0.3

ctl host disable $NET.1 >/dev/null || fail "host disable"
ctl host enable $NET.1 >/dev/null || fail "host enable"
expect_status $NET.1 up 4
stop_server "$LAST_SERVER"
expect_status $NET.1 down 4

seen() {
	grep -q "$1" "$T/monitor"
}
wait_until 2 seen "host $NET.1 (id 0): disabled" || fail "no disable event"
wait_until 2 seen "host $NET.1 (id 0): enabled" || fail "no enable event"
wait_until 2 seen "host $NET.1 (id 0): up -> down" || fail "no down event"
ts='^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{3\} '
bad=$(grep -vc "$ts" "$T/monitor")
[ "$bad" = 0 ] || fail "lines without a timestamp: $(grep -v "$ts" "$T/monitor")"
grep -q '^{"time":"[0-9T:.-]*","data":{"event":' "$T/monitor.json" ||
    fail "json monitor: $(head -3 "$T/monitor.json")"
kill -0 $MON || fail "monitor ended"
echo "monitor_lines=$(wc -l <"$T/monitor")"
head -5 "$T/monitor"
ok "monitor sees disable, enable and a host going down"
