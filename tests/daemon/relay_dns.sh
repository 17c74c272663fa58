# A DNS relay run by the daemon: the parent opens its UDP and TCP
# listeners, every relay process answers on them, the table's hosts are
# checked; show relays sums its DNS counters over the processes, show
# sessions lists its pending queries, and the log has a line for each
# query's end.  A reload moves the relay to another table and adds a
# DNS relay, whose UDP listener the parent opens.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
# dns_serve.sh: nsd and dnstool's servers.
. "$(dirname "$0")/../relay/dns_serve.sh"

start_nsd $NET.10 5300 a
start_nsd $NET.12 5300 b
dns_serve $NET.11 5300 silent
cat >"$T/h.conf" <<CONF
prefork 2
interval 1
timeout 200
log connection
table ns {
	real port 5300
	check tcp
	host $NET.10
}
table mute {
	real port 5300
	check tcp
	host $NET.11
}
protocol dnsp {
	protocol dns
}
relay dns {
	listen on $NET.1 port 5353
	protocol dnsp
	table ns
}
relay silent {
	listen on $NET.1 port 5354
	protocol dnsp
	table mute
	timeout 3
}
CONF
start_daemon "$T/h.conf"
expect_status ns "active (1 hosts up)" 10
expect_status mute "active (1 hosts up)" 10
expect_status dns active 5

for t in +notcp +tcp; do
	[ "$(qdig $t +short @$NET.1 -p 5353 www.example.com)" = 192.0.2.1 ] ||
	    fail "dig $t: $(qdig $t @$NET.1 -p 5353 www.example.com)"
done
ok "dig through the daemon's DNS relay, over UDP and TCP"

out=$("$DNSTOOL" -T 20 -b $NET.77 udp $NET.1 5353 1000 100)
[ "$out" = "sent=1000 answered=1000 wrong=0 ports=100" ] || fail "$out"
wait_until 5 relay_stat_is dns answers 1002 ||
    fail "show relays: $(ctl -j show relays)"
[ "$(relay_stat dns queries)" = 1002 ] &&
    [ "$(relay_stat dns timeouts)" = 0 ] ||
    fail "show relays: $(ctl -j show relays)"
ctl show relays | grep -q "dns: 1002 queries, 1002 answers, 0 timeouts, 0 malformed, 0 unmatched$" ||
    fail "show relays: $(ctl show relays)"
ok "1000 queries from 100 ports: all answered, counted over the processes"

"$DNSTOOL" garbage $NET.1 5353 udp >/dev/null
wait_until 5 relay_stat_is dns malformed 8 ||
    fail "show relays: $(ctl -j show relays)"
ok "malformed queries dropped and counted"

"$DNSTOOL" -T 0 -w 10 -b $NET.78 udp $NET.1 5354 10 10 >/dev/null
pending() {
	[ "$(ctl show sessions | grep -c "relay silent: $NET.78:[0-9]* -> $NET.11:5300, running, .*, udp q[0-9]*\.example\.com\. A$")" = "$1" ]
}
wait_until 5 pending 10 || fail "show sessions: $(ctl show sessions)"
ok "show sessions: 10 pending queries with their questions"
wait_until 10 relay_stat_is silent timeouts 10 ||
    fail "show relays: $(ctl -j show relays)"
wait_until 5 pending 0 || fail "show sessions: $(ctl show sessions)"
wait_until 5 sh -c "[ \$(grep -c 'relay silent: $NET.78:.*, timeout, age' '$LOG') = 10 ]" ||
    fail "log: $(grep 'relay silent' "$LOG")"
ok "the queries expired at the timeout, each logged"

sed -e 's/^\ttable ns$/\ttable other/' "$T/h.conf" >"$T/h2.conf"
cat >>"$T/h2.conf" <<CONF
table other {
	real port 5300
	check tcp
	host $NET.12
}
relay added {
	listen on $NET.1 port 5355
	protocol dnsp
	table ns
}
CONF
out=$(ctl reload "$T/h2.conf" 2>&1) || fail "reload: $out"
who() {
	[ "$(qdig $2 +short @$NET.1 -p "$1" who.example.com TXT)" = "\"$3\"" ]
}
for t in +notcp +tcp; do
	wait_until 10 who 5353 $t b || fail "dns after the reload, $t:" \
	    "$(qdig $t @$NET.1 -p 5353 who.example.com TXT)"
	wait_until 10 who 5355 $t a || fail "added relay, $t:" \
	    "$(qdig $t @$NET.1 -p 5355 who.example.com TXT)"
done
ok "reloaded: the relay on its new table, a new relay on UDP and TCP"

# show metrics: the DNS counters of DNS relays, and only of them.
metric() {
	ctl show metrics | sed -n "s/^hoststated_relay_dns_$1{relay=\"$2\"} //p"
}
[ "$(metric queries_total dns)" -ge 1002 ] &&
    [ "$(metric malformed_total dns)" = 8 ] &&
    [ "$(metric timeouts_total silent)" = 10 ] ||
    fail "metrics: $(ctl show metrics | grep relay_dns)"
ok "show metrics: the DNS counters"
