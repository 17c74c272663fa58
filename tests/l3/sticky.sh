# sticky-address: each client address keeps its host; when that host
# stops, its clients move to the other and the others stay; when it is
# back, every client is where it was before.
. "$(dirname "$0")/lib.sh"

start_all "" "" "sticky-address"

# where: "SRC NAME" for 20 client addresses, 5 connections each.
where() {
	local i out
	for i in $(seq 10 29); do
		out=$(count 5 198.18.1.$i)
		case $out in
		"web1 5"|"web2 5"|"sorry 5") echo "198.18.1.$i ${out% 5}" ;;
		*) echo "198.18.1.$i mixed: $(echo $out)" ;;
		esac
	done
}
before=$(where)
echo "$before" | grep -q mixed && fail "a client moved between hosts: $before"
n1=$(echo "$before" | grep -c ' web1$')
n2=$(echo "$before" | grep -c ' web2$')
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "all clients on one host: $before"
ok "20 clients stick: $n1 on web1, $n2 on web2"

out=$(client -k $WEBPID_web1 failover web1 4000 $VIP 80)
echo "web1 stopped: $out"
during=$(where)
[ "$(echo "$during" | grep -c ' web2$')" = 20 ] ||
    fail "with web1 stopped: $during"
ok "web1 stopped: its clients moved to web2, web2's stayed"

start_web web1 $NSW1 $WEB1 8080
expect_status web "active (2 hosts up)" 5
after=$(where)
[ "$after" = "$before" ] || fail "after web1 came back: $after, before: $before"
ok "web1 back: every client where it was before"
