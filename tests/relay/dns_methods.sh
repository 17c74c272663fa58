# Host selection as for the other relays: round robin over a table's
# nsd servers query by query over UDP; a TCP connection keeps its host;
# the backup table when the main table has no host up; SERVFAIL at once
# when no host is up anywhere; source-hash keeps a client on its host.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"

start_nsd $NET.11 5300 a
start_nsd $NET.12 5300 b
start_nsd $NET.20 5300 sorry
{
	dns_protocol
	cat <<CONF
table main {
	host $NET.11
	host $NET.12
}
table sorry {
	host $NET.20
}
relay rr {
	listen on $NET.1 port 5353
	protocol dnsp
	table main port 5300 roundrobin
	backup table sorry
}
relay sh {
	listen on $NET.1 port 5354
	protocol dnsp
	table main port 5300 source-hash
}
CONF
} >"$T/r.conf"
start_relay "$T/r.conf"
for h in 11 12 20; do
	cmd host $NET.$h up >/dev/null
done

who() {
	qdig +short "$@" who.example.com TXT | tr -d '"'
}
got=$(for i in 1 2 3 4 5 6; do who @$NET.1 -p 5353; done | tr '\n' ' ')
[ "$got" = "a b a b a b " ] || [ "$got" = "b a b a b a " ] ||
    fail "round robin over UDP: $got"
ok "UDP: each query to the next host ($got)"

got=$(qdig +short +tcp +keepopen @$NET.1 -p 5353 who.example.com TXT \
    who.example.com TXT who.example.com TXT | sort -u | wc -l)
[ "$got" = 1 ] || fail "a TCP connection's queries went to $got hosts"
ok "TCP: a connection's queries to its host"

cmd host $NET.11 down >/dev/null
got=$(for i in 1 2 3 4; do who @$NET.1 -p 5353; done | sort -u)
[ "$got" = b ] || fail "host a down: $got"
cmd host $NET.12 down >/dev/null
got=$(for i in 1 2 3 4; do who @$NET.1 -p 5353; done | sort -u)
[ "$got" = sorry ] || fail "main table down: $got"
ok "a host down: the others; the main table down: the backup table"

cmd host $NET.20 down >/dev/null
before=$(stat rr errors)
for t in +notcp +tcp; do
	out=$(qdig $t @$NET.1 -p 5353 who.example.com TXT)
	echo "$out" | grep -q 'status: SERVFAIL' || fail "no host $t: $out"
done
[ "$(stat rr errors)" = $((before + 2)) ] || fail "$(cmd stats)"
ok "no host up: SERVFAIL at once over UDP and TCP, counted"

cmd host $NET.11 up >/dev/null
cmd host $NET.12 up >/dev/null
for i in $(seq 30 45); do
	a=$(who -b $NET.$i @$NET.1 -p 5354)
	b=$(who -b $NET.$i @$NET.1 -p 5354)
	[ -n "$a" ] && [ "$a" = "$b" ] || fail "client $NET.$i: $a, then $b"
	echo "$a"
done | sort -u >"$T/hosts"
[ "$(wc -l <"$T/hosts")" = 2 ] || fail "16 clients on $(cat "$T/hosts")"
ok "source-hash: each client keeps its host, the clients spread"
