# DNS over TCP (RFC 7766): many queries in one write on one connection,
# pipelined to the host past the relay's bound on queries in flight, all
# answered; a host that answers out of order: each answer still finds
# its query and goes back with the client's ID.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

start_nsd $NET.10 5300
dns_serve $NET.11 5300 reverse
dns_start "dns 5353 $NET.10" "rev 5354 $NET.11"

out=$("$DNSTOOL" -T 20 tcp $NET.1 5353 2000)
[ "$out" = "sent=2000 answered=2000 wrong=0 reordered=0" ] || fail "$out"
[ "$(stat dns queries)" = 2000 ] && [ "$(stat dns total)" = 1 ] ||
    fail "$(cmd stats)"
ok "2000 queries in one write, one connection: all answered, in order"

out=$("$DNSTOOL" -T 20 tcp $NET.1 5354 100)
[ "$out" = "sent=100 answered=100 wrong=0 reordered=1" ] || fail "$out"
ok "answers out of order: each matched to its query"

# Every client its own connection to the host, all at once.
pids=
for i in $(seq 1 20); do
	"$DNSTOOL" -T 20 tcp $NET.1 5353 50 >"$T/c$i" &
	pids="$pids $!"
done
# Only the clients: the relay and the servers are children too.
# shellcheck disable=SC2086
wait $pids
for i in $(seq 1 20); do
	[ "$(cat "$T/c$i")" = "sent=50 answered=50 wrong=0 reordered=0" ] ||
	    fail "client $i: $(cat "$T/c$i")"
done
wait_until 5 stat_is dns active 0 || fail "$(cmd stats)"
ok "20 connections at once, 50 queries each"
