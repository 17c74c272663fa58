# examples/l7-quickstart runs as its comments say: two web servers, the
# relay in front of them, a session to each in turn, and its metrics.
# The example's addresses move to this run's own loopback /24 (tests of
# other builds may run at the same time); nothing else changes.

. "$(dirname "$0")/lib.sh"

EX=$(dirname "$0")/../../examples/l7-quickstart/hoststated.conf
sed -e "s/127\.0\.0\./$NET./g" "$EX" >"$T/conf"
grep -q "$NET.2" "$T/conf" || fail "example has no host 127.0.0.2"
start_server "$NET.2" 8081
start_server "$NET.3" 8081
start_daemon "$T/conf"
expect_status "$NET.2" up 10
expect_status "$NET.3" up 10
expect_status www active 10

# get: one request through the relay; prints the server's answer.
get() {
	curl -s -m 5 "http://$NET.1:8080/" || fail "curl through the relay"
}
get >"$T/a" && get >"$T/b"
[ -s "$T/a" ] && [ -s "$T/b" ] || fail "empty answers"
ok "two sessions through the relay"
stop_server "$LAST_SERVER"
expect_status "$NET.3" down 10
get >"$T/c"
[ -s "$T/c" ] || fail "no answer with one server down"
ok "one server down: sessions go to the other"
curl -s -m 5 "http://$NET.1:9177/metrics" >"$T/m" || fail "scrape"
grep -qx 'hoststated_relay_sessions_total{relay="www"} 3' "$T/m" ||
    fail "sessions not counted: $(grep relay_sessions "$T/m")"
ok "metrics count the three sessions"
