# Each method's distribution and stickiness, with host states fed as the
# PFE sends them.  Three backends answer their own name.
. "$(dirname "$0")/lib.sh"

for h in 11 12 13; do
	serve $NET.$h 9001 name h$h
	serve $NET.$h 9002 echo
done
cat >"$T/r.conf" <<CONF
table t {
	host $NET.11
	host $NET.12
	host $NET.13
}
relay rr {
	listen on $NET.1 port 8001
	table t port 9001 roundrobin
}
relay rnd {
	listen on $NET.1 port 8002
	table t port 9001 random
}
relay src {
	listen on $NET.1 port 8003
	table t port 9001 source-hash
}
relay lb {
	listen on $NET.1 port 8004
	table t port 9001 loadbalance
}
relay hash {
	listen on $NET.1 port 8005
	table t port 9001 hash
}
relay least {
	listen on $NET.1 port 8006
	table t port 9002 least-states
}
CONF
start_relay "$T/r.conf"

# count PORT N: "h11=A h12=B h13=C" over N connections
count() {
	"$TCPTOOL" -T 30 who $NET.1 "$1" "$2" | sort | uniq -c |
	    awk '{ printf "%s=%s ", $2, $1 }'
}

got=$(count 8001 30)
[ "$got" = "h11=10 h12=10 h13=10 " ] || fail "roundrobin: $got"
ok "roundrobin: $got"

got=$(count 8002 300)
echo "random: $got"
for h in h11 h12 h13; do
	n=$(echo "$got" | tr ' ' '\n' | awk -F= -v h=$h '$1 == h { print $2 }')
	[ -n "$n" ] && [ "$n" -gt 50 ] || fail "random: $got"
done
ok "random: every host gets a share"

# source-hash and loadbalance: a client sticks; clients spread.
for p in 8003 8004; do
	: >"$T/first"
	for c in $(seq 100 139); do
		a=$("$TCPTOOL" -T 5 -b $NET.$c who $NET.1 $p 3 | sort -u)
		[ "$(echo "$a" | wc -l)" = 1 ] ||
		    fail "port $p: client $NET.$c moved: $a"
		echo "$NET.$c $a" >>"$T/first"
	done
	spread=$(awk '{ print $2 }' "$T/first" | sort -u | wc -l)
	[ "$spread" = 3 ] || fail "port $p: 40 clients on $spread hosts"
	cp "$T/first" "$T/first.$p"
done
ok "source-hash and loadbalance: each client sticks, clients spread"

# A host going down moves only its own clients.
cmd host $NET.12 down >/dev/null
for p in 8003 8004; do
	while read -r c h; do
		a=$("$TCPTOOL" -T 5 -b $c who $NET.1 $p)
		[ "$a" != h12 ] || fail "port $p: $c still sent to a down host"
		[ "$h" = h12 ] || [ "$a" = "$h" ] ||
		    fail "port $p: $c moved from $h to $a though $h is up"
	done <"$T/first.$p"
done
cmd host $NET.12 up >/dev/null
ok "a host down moves only its clients"

# hash without hash values: the relay's address decides, so every
# client goes to one host.
got=$(for c in $(seq 100 119); do
	"$TCPTOOL" -T 5 -b $NET.$c who $NET.1 8005; done | sort -u | wc -l)
[ "$got" = 1 ] || fail "hash: clients on $got hosts"
ok "hash: sticky to the relay's address"

# least-states: open sessions count, per process.
"$TCPTOOL" -T 10 hold $NET.1 8006 6 1500 >/dev/null &
holder=$!
wait_until 5 running_is 6 ||
    fail "6 held sessions not seen"
got=$(cmd sessions | awk '/running/ { split($7, a, ":"); print a[1] }' |
    sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')
[ "$got" = "2 2 2 " ] || fail "least-states: $got; $(cmd sessions)"
wait $holder
ok "least-states: 6 open sessions, 2 on each host"
