# hoststatectl monitor streams every change, each line with a timestamp,
# and every command that changes or tries to change state, but nothing
# for checks that change nothing; -j gives JSON for events, rows and
# failures alike.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
web_conf $NET.1 >"$T/h.conf"
start_daemon "$T/h.conf"
expect_status $NET.1 up 5

ctl monitor >"$T/monitor" 2>&1 &
MON=$!
ctl -j monitor >"$T/monitor.json" 2>&1 &
MONJ=$!
SERVERS="$SERVERS $MON $MONJ"
# Both monitors are subscribed once a command shows in both.
subscribed() {
	ctl log brief >/dev/null && grep -q "log: brief" "$T/monitor" &&
	    grep -q '"event":"log"' "$T/monitor.json"
}
wait_until 5 subscribed || fail "monitors not subscribed: $(cat "$T/monitor")"

# Checks that change nothing are no events: the steady host is checked
# twice more (the counts reach show hosts within a second) and the
# monitor prints nothing for it.
checks() {
	ctl -j show hosts | sed -n 's/.*"check_cnt":\([0-9]*\).*/\1/p'
}
c0=$(checks)
more_checks() {
	[ "$(checks)" -ge $((c0 + 2)) ]
}
wait_until 5 more_checks || fail "check counts stuck at $(checks)"
grep -q "host $NET.1 (id 0): up, " "$T/monitor" &&
    fail "an unchanged check was an event: $(cat "$T/monitor")"
ok "unchanged checks: counted in show hosts, no monitor line"

seen() {
	grep -q "$1" "$T/monitor"
}
ctl host disable $NET.1 >/dev/null || fail "host disable"
ctl host enable $NET.1 >/dev/null || fail "host enable"
expect_status $NET.1 up 4
ctl poll >/dev/null || fail "poll"
ctl log verbose >/dev/null || fail "log verbose"
ctl log brief >/dev/null || fail "log brief"
printf 'table broken {\n' >"$T/bad.conf"
ctl reload "$T/bad.conf" >/dev/null 2>&1 && fail "broken reload succeeded"
ctl host disable nosuch >/dev/null 2>&1 && fail "disable of nothing"
stop_server "$LAST_SERVER"
expect_status $NET.1 down 4
for line in "host $NET.1 (id 0): disabled" "host $NET.1 (id 0): enabled" \
    "poll: checking every host now" "log: verbose" "log: brief" \
    "reload failed: $T/bad.conf:" "host disable failed: no such host: nosuch" \
    "host $NET.1 (id 0): up -> down"; do
	wait_until 2 seen "$line" || fail "no event: $line"
done
ts='^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{3\} '
bad=$(grep -vc "$ts" "$T/monitor")
[ "$bad" = 0 ] || fail "lines without a timestamp: $(grep -v "$ts" "$T/monitor")"
grep -q '^{"time":"[0-9T:.-]*","data":{"event":' "$T/monitor.json" ||
    fail "json monitor: $(head -3 "$T/monitor.json")"
# a check that passed has its result, and no error
grep -q '"new_state":"up","result":"tcp connect ok","error":null' \
    "$T/monitor.json" || fail "json: a passed check has an error"
refused='"result":"tcp connect refused","error":"tcp connect refused"'
grep -q "\"new_state\":\"down\",$refused" "$T/monitor.json" ||
    fail "json: a failed check has no error"
kill -0 $MON || fail "monitor ended"
echo "monitor_lines=$(wc -l <"$T/monitor")"
grep -E "poll|log:|failed" "$T/monitor"
ok "monitor sees every command, failed ones too, and a host going down"

# JSON rows: a host down has its error; one up again has none, and its
# last failure with the time it was seen.
last='"last_error":"tcp connect refused"'
last="$last"',"last_error_time":"[0-9-]*T[0-9:.]*Z"'
out=$(ctl -j show hosts)
down='"status":"down",.*"error":"tcp connect refused"'
echo "$out" | grep -q "$down,$last" || fail "json down host: $out"
start_server $NET.1 8080
expect_status $NET.1 up 4
out=$(ctl -j show hosts)
echo "$out"
echo "$out" | grep -q "\"status\":\"up\",.*\"error\":null,$last" ||
    fail "json up host: $out"
ok "json: an up host has no error, its last failure is kept with its time"

out=$(ctl -j host disable nosuch); rc=$?
[ $rc = 1 ] || fail "-j failure: exit status $rc"
[ "$out" = '{"result":"command failed","error":"no such host: nosuch"}' ] ||
    fail "-j failure: $out"
out=$(ctl -j show bogus); rc=$?
want='{"result":"command failed","error":"unknown argument: bogus"}'
[ $rc = 1 ] && [ "$out" = "$want" ] || fail "-j usage failure: $rc $out"
ok "-j failures are JSON: $out"
