# On the wire, captured (tcpdump, as root): queries reach nsd with IDs
# of their own, from one long-lived socket per host on a random port,
# until it has sent 10000 queries and a fresh one on another port takes
# over.
. "$(dirname "$0")/lib.sh"
DNSTOOL=$3
. "$(dirname "$0")/dns_serve.sh"
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi

start_nsd $NET.10 5300
dns_start "dns 5353 $NET.10"

# A large buffer: a busy machine must not make tcpdump drop packets.
tcpdump -i lo -B 65536 -n -l -T domain \
    "udp and dst host $NET.10 and dst port 5300" >"$T/cap" 2>"$T/cap.err" &
CAP=$!
SERVERS="$SERVERS $CAP"
wait_until 10 grep -q listening "$T/cap.err" ||
    fail "tcpdump: $(cat "$T/cap.err")"
captured() {
	[ "$(grep -c ' A? ' "$T/cap")" -ge "$1" ]
}

out=$("$DNSTOOL" -T 20 -w 200 -b $NET.77 udp $NET.1 5353 200 200 4242)
[ "$out" = "sent=200 answered=200 wrong=0 ports=200" ] || fail "$out"
wait_until 5 captured 200 || fail "captured $(grep -c ' A? ' "$T/cap")"
# "HH:MM:SS.us IP A.B.C.D.PORT > ...: ID+ A? qK.example.com. (LEN)"
distinct=$(awk '/ A\? / { print $6 }' "$T/cap" | tr -d '+' | sort -u | wc -l)
clients=$(awk '/ A\? / { print $6 }' "$T/cap" | tr -d '+' | grep -cx 4242)
[ "$distinct" -ge 190 ] && [ "$clients" -lt 3 ] ||
    fail "IDs upstream: $distinct distinct, $clients as the clients'"
ports=$(awk '/ A\? / { n = split($3, a, "."); print a[n] }' "$T/cap" |
    sort -u)
[ "$(echo "$ports" | wc -l)" = 1 ] || fail "source ports: $ports"
ok "captured: 200 IDs of the relay's own, from one source port ($ports)"

# 10000 queries on that socket, all answered, then a fresh one (the
# old one closes at once: nothing is pending on it).
out=$("$DNSTOOL" -T 60 -b $NET.77 udp $NET.1 5353 9800 100)
[ "$out" = "sent=9800 answered=9800 wrong=0 ports=100" ] || fail "$out"
out=$("$DNSTOOL" -T 60 -b $NET.77 udp $NET.1 5353 100 100)
[ "$out" = "sent=100 answered=100 wrong=0 ports=100" ] || fail "$out"
wait_until 10 captured 10100 || fail "captured $(grep -c ' A? ' "$T/cap")"
ports=$(awk '/ A\? / { n = split($3, a, "."); print a[n] }' "$T/cap" |
    sort -u)
[ "$(echo "$ports" | wc -l)" = 2 ] || fail "source ports: $ports"
ok "after 10000 queries another source port: $(echo $ports)"
