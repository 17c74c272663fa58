# dig through a DNS relay to nsd: over UDP and TCP the answers are the
# server's own; an answer too big for UDP is truncated and dig's retry
# over TCP gets it whole; several queries share one TCP connection.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

start_nsd $NET.10 5300
dns_start "dns 5353 $NET.10"

# What a client sees, without what differs from one query to the next.
view() {
	qdig "$@" +noall +answer +authority +comments |
	    grep -v -e '^;; ->>HEADER' -e '^;; Query time' -e '^;; WHEN' \
	    -e '^;; SERVER' -e '^;; MSG SIZE'
}
for q in "www.example.com A" "www.example.com AAAA" \
    "nothere.example.com A" "example.com SOA"; do
	for t in +notcp +tcp; do
		# shellcheck disable=SC2086
		direct=$(view $t @$NET.10 -p 5300 $q)
		# shellcheck disable=SC2086
		relayed=$(view $t @$NET.1 -p 5353 $q)
		[ -n "$direct" ] && [ "$direct" = "$relayed" ] ||
		    fail "$q $t: relayed answer differs:
$relayed
direct:
$direct"
	done
done
[ "$(stat dns queries)" = 8 ] && [ "$(stat dns answers)" = 8 ] ||
    fail "counters: $(cmd stats)"
ok "dig over UDP and TCP: the server's answers, header and records"

# Too big for 512 bytes: truncated over UDP, whole over TCP.
out=$(qdig +noedns +ignore @$NET.1 -p 5353 big.example.com TXT)
echo "$out" | grep -q 'flags: qr aa tc' || fail "not truncated: $out"
out=$(qdig +noedns @$NET.1 -p 5353 big.example.com TXT)
[ "$(echo "$out" | grep -c '^big.example.com.*TXT')" = 3 ] ||
    fail "no TCP retry: $out"
ok "a truncated UDP answer, then dig's retry over TCP, whole"

before=$(stat dns total)
out=$(qdig +tcp +keepopen +short @$NET.1 -p 5353 www.example.com \
    who.example.com TXT ns1.example.com)
[ "$out" = '192.0.2.1
"nsd"
192.0.2.53' ] || fail "keepopen: $out"
[ "$(stat dns total)" = $((before + 1)) ] ||
    fail "three queries, not one connection: $(cmd stats)"
ok "three queries on one TCP connection"
