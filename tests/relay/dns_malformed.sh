# Malformed messages, from clients or hosts, are dropped and counted;
# over TCP the framing holds and the next query is answered.  A host
# that sends garbage, an answer with another ID and one with another
# question before the right answer: only the right one reaches the
# client.  A host whose answer comes first from another port of its
# address: only the one from the port the query went to is taken.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

start_nsd $NET.10 5300
dns_serve $NET.11 5300 evil
dns_serve $NET.12 5300 spoof
dns_start "dns 5353 $NET.10" "evil 5354 $NET.11" "spoof 5355 $NET.12"

out=$("$DNSTOOL" garbage $NET.1 5353 udp)
[ "$out" = "sent=8" ] || fail "$out"
wait_until 5 stat_is dns malformed 8 || fail "$(cmd stats)"
[ "$(stat dns queries)" = 0 ] && [ "$(stat dns answers)" = 0 ] ||
    fail "$(cmd stats)"
ok "UDP: 8 malformed queries dropped and counted, none forwarded"

out=$("$DNSTOOL" -T 10 garbage $NET.1 5353 tcp)
[ "$out" = "sent=9 answered=1" ] || fail "$out"
[ "$(stat dns malformed)" = 17 ] && [ "$(stat dns queries)" = 1 ] ||
    fail "$(cmd stats)"
ok "TCP: 9 malformed messages dropped, the query after them answered"

[ "$(qdig +short @$NET.1 -p 5353 www.example.com)" = 192.0.2.1 ] ||
    fail "the relay stopped answering"
ok "the relay answers as before"

out=$("$DNSTOOL" -T 10 udp $NET.1 5354 20 5)
[ "$out" = "sent=20 answered=20 wrong=0 ports=5" ] || fail "$out"
wait_until 5 stat_is evil unmatched 40 || fail "$(cmd stats)"
[ "$(stat evil malformed)" = 20 ] && [ "$(stat evil answers)" = 20 ] ||
    fail "$(cmd stats)"
ok "a host's garbage dropped, answers with a wrong ID or question unmatched"

for i in $(seq 1 10); do
	out=$(qdig @$NET.1 -p 5355 q$i.example.com A)
	echo "$out" | grep -q 'status: NOERROR' || fail "query $i: $out"
done
[ "$(stat spoof answers)" = 10 ] || fail "$(cmd stats)"
ok "answers from another port of the host's address never taken"
