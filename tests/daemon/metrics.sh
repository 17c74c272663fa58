# show metrics and metrics listen on: the Prometheus text, checked line
# by line by promtool (Debian's prometheus), through hoststatectl and
# scraped over HTTP from the metrics process, with the states, counters
# (an HTTP relay's requests and its own answers among them) and reload
# results it reports; the metrics process's privileges and its answers
# to requests it does not serve.

. "$(dirname "$0")/lib.sh"

command -v promtool >/dev/null || fail "promtool missing (tools/deps)"
command -v curl >/dev/null || fail "curl missing (tools/deps)"

start_server "$NET.1" 8080
MURL="http://$NET.20:9100/metrics"
cat >"$T/conf" <<CONF
interval 1
timeout 200
metrics listen on $NET.20 port 9100
table web {
	real port 8080
	check tcp
	host $NET.1
	host $NET.2
}
table none {
	real port 8080
	check tcp
	host $NET.3
}
protocol http {
	protocol http
}
relay r {
	listen on $NET.10 port 9000
	table web roundrobin
}
relay h {
	listen on $NET.11 port 9000
	protocol http
	table web roundrobin
}
relay h503 {
	listen on $NET.12 port 9000
	protocol http
	table none roundrobin
}
CONF
start_daemon "$T/conf"
expect_status "$NET.1" up 10
expect_status "$NET.2" down 10
expect_status "$NET.3" down 10

# check FILE: promtool's strict parse and lint, every line.
check() {
	promtool check metrics <"$1" >"$T/lint" 2>&1 ||
	    { cat "$T/lint"; fail "promtool: $1"; }
}

# has FILE LINE: the exact sample line.
has() {
	grep -qxF -- "$2" "$1" || { cat "$1"; fail "no line: $2"; }
}

ctl show metrics >"$T/m1" || fail "show metrics"
check "$T/m1"
has "$T/m1" "hoststated_host_up{table=\"web\",host=\"$NET.1\"} 1"
has "$T/m1" "hoststated_host_up{table=\"web\",host=\"$NET.2\"} 0"
has "$T/m1" "hoststated_host_state{table=\"web\",host=\"$NET.2\",state=\"down\"} 1"
has "$T/m1" "hoststated_table_hosts_up{table=\"web\"} 1"
has "$T/m1" "hoststated_relay_up{relay=\"r\"} 1"
has "$T/m1" "hoststated_config_generation 1"
grep -q "^hoststated_host_last_failure_info{table=\"web\",host=\"$NET.2\",reason=\"tcp connect [a-z ]*\"} 1$" \
    "$T/m1" || fail "no failure reason for $NET.2"
ok "show metrics: $(grep -vc '^#' "$T/m1") samples, promtool clean"

# A session through the relay is counted.
exec 3<>"/dev/tcp/$NET.10/9000" || fail "relay does not accept"
printf 'GET / HTTP/1.0\r\n\r\n' >&3
cat <&3 >/dev/null
exec 3<&-
sessions_counted() {
	ctl show metrics | grep -qx 'hoststated_relay_sessions_total{relay="r"} [1-9][0-9]*'
}
wait_until 5 sessions_counted || fail "relay session not counted"
ok "relay sessions counted"

# HTTP relays: requests read and the relay's own answers by reason,
# summed over the relay processes; none of it for the TCP relay.
for i in 1 2 3; do
	code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
	    "http://$NET.11:9000/$i")
	[ "$code" = 200 ] || fail "request $i through relay h: $code"
done
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://$NET.12:9000/")
[ "$code" = 503 ] || fail "no host up: $code"
http_counted() {
	ctl show metrics >"$T/mh" &&
	    grep -qx 'hoststated_relay_http_requests_total{relay="h"} 3' \
	    "$T/mh" &&
	    grep -qx 'hoststated_relay_http_error_responses_total{relay="h503",reason="unavailable"} 1' \
	    "$T/mh"
}
wait_until 5 http_counted ||
    { cat "$T/mh"; fail "HTTP requests and the 503 not counted"; }
check "$T/mh"
has "$T/mh" '# TYPE hoststated_relay_http_requests_total counter'
has "$T/mh" '# TYPE hoststated_relay_http_error_responses_total counter'
has "$T/mh" 'hoststated_relay_http_requests_total{relay="h503"} 1'
for reason in bad_request blocked client_timeout bad_gateway unavailable \
    gateway_timeout; do
	has "$T/mh" "hoststated_relay_http_error_responses_total{relay=\"h\",reason=\"$reason\"} 0"
done
! grep -q '^hoststated_relay_http_[a-z_]*{relay="r"' "$T/mh" ||
    fail "HTTP families for the TCP relay: $(grep 'relay="r"' "$T/mh")"
curl -s -m 20 "$MURL" >"$T/mh2" || fail "scrape failed"
has "$T/mh2" 'hoststated_relay_http_requests_total{relay="h"} 3'
ok "HTTP relays: 3 requests, a 503 counted as unavailable; promtool clean"

# The same over HTTP, from the metrics process.
code=$(curl -s -m 20 -o "$T/m2" -D "$T/h2" -w '%{http_code}' "$MURL") ||
    fail "scrape failed"
[ "$code" = 200 ] || fail "scrape: HTTP $code"
grep -qi '^Content-Type: text/plain; version=0.0.4' "$T/h2" ||
    fail "scrape: content type $(grep -i content-type "$T/h2")"
check "$T/m2"
has "$T/m2" "hoststated_host_up{table=\"web\",host=\"$NET.1\"} 1"
ok "scrape over HTTP: $(wc -c <"$T/m2") bytes, promtool clean"

# Scrapes at once: each gets the whole text.
pids=
for i in $(seq 1 20); do
	curl -s -m 20 -o "$T/par.$i" -w '%{http_code}\n' "$MURL" \
	    >"$T/code.$i" &
	pids="$pids $!"
done
wait $pids
for i in $(seq 1 20); do
	[ "$(cat "$T/code.$i")" = 200 ] || fail "parallel scrape $i failed"
	check "$T/par.$i"
done
ok "20 scrapes at once, all complete"

# Requests it does not serve.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.20:9100/other")
[ "$code" = 404 ] || fail "GET /other: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d x "$MURL")
[ "$code" = 405 ] || fail "POST: $code"
exec 3<>"/dev/tcp/$NET.20/9100"
printf 'GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n' >&3
line=$(head -n 1 <&3)
exec 3<&-
case $line in "HTTP/1.1 400 "*) ;; *) fail "duplicate Host: $line" ;; esac
len=$(curl -s -I "$MURL" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" { print $2 }')
[ "${len:-0}" -gt 0 ] || fail "HEAD: no Content-Length"
ok "404, 405, 400 for a bad request, HEAD with its length"

# The metrics process: unprivileged, chrooted, no capability.
pid=$(child_pid prom) || fail "no metrics process"
uid=$(awk '/^Uid:/ { print $2 }' /proc/$pid/status)
[ "$uid" != 0 ] || fail "metrics process runs as root"
[ "$(readlink /proc/$pid/root)" = /var/empty ] || fail "metrics not chrooted"
[ "$(awk '/^CapEff:/ { print $2 }' /proc/$pid/status)" = 0000000000000000 ] ||
    fail "metrics process has capabilities"
[ "$(awk '/^NoNewPrivs:/ { print $2 }' /proc/$pid/status)" = 1 ] ||
    fail "metrics process may gain privileges"
ok "metrics process: uid $uid, chrooted, no capability"

# Operator states and reload results.
ctl host disable "$NET.2" >/dev/null || fail "host disable"
ctl show metrics >"$T/m3"
has "$T/m3" "hoststated_host_state{table=\"web\",host=\"$NET.2\",state=\"disabled\"} 1"
cp "$T/conf" "$T/conf.good"
echo 'table {' >>"$T/conf"
ctl reload >/dev/null 2>&1 && fail "a broken reload succeeded"
ctl show metrics >"$T/m4"
check "$T/m4"
has "$T/m4" 'hoststated_config_reloads_total{result="failure"} 1'
has "$T/m4" 'hoststated_config_last_reload_successful 0'
cp "$T/conf.good" "$T/conf"
ctl reload >/dev/null || fail "reload"
ctl show metrics >"$T/m5"
has "$T/m5" 'hoststated_config_reloads_total{result="success"} 1'
has "$T/m5" 'hoststated_config_last_reload_successful 1'
has "$T/m5" 'hoststated_config_generation 2'
curl -s "$MURL" >"$T/m6" && check "$T/m6"
ok "disabled host, failed then good reload counted; scrape after reload"

kill "$DPID"
wait_exit 10
[ "$DAEMON_RC" = 0 ] || fail "daemon exit status $DAEMON_RC"
ok "stopped cleanly with its metrics process"
