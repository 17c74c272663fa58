# A host that never answers: each query is shown pending, then expires
# at the relay's timeout and is counted; nothing stays behind (no
# descriptor, no memory, no row).  Over TCP the queries expire the same
# way, and the idle connection is closed at the timeout after them.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

dns_serve $NET.10 5300 silent
{
	dns_protocol "tcp { socket buffer 1048576 }"
	cat <<CONF
table t {
	host $NET.10
}
relay silent {
	listen on $NET.1 port 5353
	protocol dnsp
	table t port 5300
	timeout 2
}
CONF
} >"$T/r.conf"
start_relay "$T/r.conf"
cmd host $NET.10 up >/dev/null
cmd monitor on >/dev/null
pid=$RPID

pending() {
	[ "$(cmd sessions | grep -c \
	    "relay silent: $NET.77:[0-9]* -> $NET.10:5300, running, .*, udp q[0-9]*\.example\.com\. A$")" = "$1" ]
}
"$DNSTOOL" -T 0 -w 100 -b $NET.77 udp $NET.1 5353 100 100 >"$T/c1"
wait_until 5 pending 100 || fail "sessions: $(cmd sessions | head -3)"
ok "100 pending queries in show sessions, with their questions"

wait_until 10 stat_is silent timeouts 100 || fail "$(cmd stats)"
wait_until 5 pending 0 || fail "sessions: $(cmd sessions | head -3)"
[ "$(stat silent active)" = 0 ] && [ "$(stat silent errors)" = 100 ] ||
    fail "$(cmd stats)"
# Their ends, with the age the relay measured: the timeout, not less.
ages=$(grep "^ended session .* timeout, age " "$T/out" |
    sed 's/.*, age 00:00:\([0-9.]*\),.*/\1/' | sort -n | uniq)
first=$(echo "$ages" | head -1)
last=$(echo "$ages" | tail -1)
[ "$(grep -c '^ended session .* timeout, age ' "$T/out")" = 100 ] &&
    awk -v a="$first" -v b="$last" 'BEGIN { exit !(a >= 2.0 && b < 4.0) }' ||
    fail "ages at expiry: $first to $last"
ok "expired at the timeout (ages $first to $last s), counted, shown no more"

# No leak: rounds of 500 unanswered queries leave what the first left.
round() {
	local before
	before=$(stat silent timeouts)
	"$DNSTOOL" -T 0 -w 500 udp $NET.1 5353 500 500 >/dev/null
	wait_until 10 stat_is silent timeouts $((before + 500)) ||
	    fail "round: $(cmd stats)"
}
round
fds=$(ls /proc/$pid/fd | wc -l)
rss=$(rss_kb $pid)
for i in 1 2 3; do
	round
done
[ "$(ls /proc/$pid/fd | wc -l)" = "$fds" ] ||
    fail "descriptors: $fds, then $(ls /proc/$pid/fd | wc -l)"
# AddressSanitizer's allocator grows for a while whatever the program
# does: there its leak check at exit stands in for this bound.
if ! grep -q libasan "/proc/$pid/maps"; then
	[ $(($(rss_kb $pid) - rss)) -lt 256 ] ||
	    fail "memory grew: $rss KB, then $(rss_kb $pid) KB"
fi
[ "$(stat silent active)" = 0 ] && pending 0 || fail "$(cmd stats)"
ok "1500 more expired queries: no descriptor, no memory kept" \
    "($fds descriptors, $(rss_kb $pid) KB)"

# TCP: 10 queries in flight expire; the connection is closed when idle.
start=$(date +%s)
out=$("$DNSTOOL" -T 20 tcp $NET.1 5353 10)
took=$(($(date +%s) - start))
[ "$out" = "sent=10 answered=0 wrong=0 reordered=0" ] && [ "$took" -lt 15 ] ||
    fail "tcp: $out after ${took}s"
grep -q "^ended session .*relay silent: .*, done, .*, tcp: 10 queries, 0 pending, 10 timeouts$" "$T/out" ||
    fail "tcp end: $(grep 'tcp:' "$T/out")"
[ "$(stat silent timeouts)" = 2110 ] && [ "$(stat silent active)" = 0 ] ||
    fail "$(cmd stats)"
ok "TCP: 10 queries expired, the idle connection closed by the relay"
