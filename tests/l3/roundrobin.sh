# Through the virtual address: new connections reach both web servers;
# one stopped, every new connection goes to the other within about an
# interval plus a timeout (the failover time seen is printed); both
# stopped, the sorry server answers; started again, they are used again.
. "$(dirname "$0")/lib.sh"

start_all
out=$(count 100)
echo "$out" | grep -qx "web1 50" && echo "$out" | grep -qx "web2 50" ||
    fail "100 connections, round-robin: $(echo $out)"
ok "round-robin: web1 50, web2 50"

out=$(client -k $WEBPID_web1 failover web1 4000 $VIP 80)
echo "web1 stopped: $out"
case $out in failover_ms=-1*) fail "web1 still answered at the end: $out" ;; esac
expect_only web2 1
ok "web1 stopped: every new connection to web2 ($out)"

out=$(client -k $WEBPID_web2 failover web2 4000 $VIP 80)
echo "web2 stopped too: $out"
expect_only sorry 2
expect_status www "active (using backup table)" 1
ok "both stopped: the sorry server answers ($out)"

start_web web1 $NSW1 $WEB1 8080
start_web web2 $NSW2 $WEB2 8080
expect_status web "active (2 hosts up)" 5
expect_status www active 1
both_used() {
	[ "$(count 10 | sort | tr '\n' ' ')" = "web1 5 web2 5 " ]
}
wait_until 3 both_used || fail "after restart: $(count 10 | tr '\n' ' ')"
ok "both started: both used again"
