# Many concurrent queries from many source ports, every one with the
# same ID: upstream each has an ID of its own, drawn at random, and each
# client gets its answer back with the ID it sent.  The server's log
# (dnstool's) shows the IDs that arrived, over UDP and over TCP.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

start_nsd $NET.10 5300
dns_serve $NET.11 5300 log
dns_start "dns 5353 $NET.10" "logged 5354 $NET.11"

out=$("$DNSTOOL" -T 20 -b $NET.77 udp $NET.1 5353 2000 200 4242)
[ "$out" = "sent=2000 answered=2000 wrong=0 ports=200" ] ||
    fail "2000 queries from 200 ports: $out"
ok "2000 queries from 200 source ports, 64 at a time: each answer right"

# ids PROTO: the IDs the logging server saw, in order.
ids() {
	sed -n "s/^$1 id=//p" "$T/dns_serve.$NET.11.5300"
}
# random_ids PROTO N: N IDs arrived, nearly all different (a few repeat
# by chance), over all the ID space, not counted up one by one.
random_ids() {
	local n distinct low high steps
	wait_until 5 sh -c "[ \$(grep -c '^$1 id=' \
	    '$T/dns_serve.$NET.11.5300') -ge $2 ]" ||
	    fail "$1: the server saw $(ids "$1" | wc -l) of $2 queries"
	n=$(ids "$1" | wc -l)
	distinct=$(ids "$1" | sort -u | wc -l)
	low=$(ids "$1" | awk '$1 < 16384' | wc -l)
	high=$(ids "$1" | awk '$1 >= 49152' | wc -l)
	steps=$(ids "$1" | awk 'NR > 1 && $1 == prev + 1 { s++ }
	    { prev = $1 } END { print s + 0 }')
	[ "$n" = "$2" ] && [ "$distinct" -ge $(($2 - 10)) ] &&
	    [ "$low" -gt 0 ] && [ "$high" -gt 0 ] && [ "$steps" -lt 3 ] ||
	    fail "$1 IDs: $n seen, $distinct distinct, $low low, $high" \
	    "high, $steps steps of one"
	if ids "$1" | grep -qx 4242 && [ "$distinct" -lt 5 ]; then
		fail "$1: the clients' ID went upstream"
	fi
}

out=$("$DNSTOOL" -T 20 -b $NET.77 udp $NET.1 5354 300 300 4242)
[ "$out" = "sent=300 answered=300 wrong=0 ports=300" ] ||
    fail "udp to the logging server: $out"
random_ids udp 300
ok "UDP: 300 clients' ID 4242 rewritten to random IDs, and restored"

out=$("$DNSTOOL" -T 20 tcp $NET.1 5354 300 4242)
[ "$out" = "sent=300 answered=300 wrong=0 reordered=0" ] ||
    fail "tcp to the logging server: $out"
random_ids tcp 300
ok "TCP: 300 pipelined queries with ID 4242 rewritten, and restored"
