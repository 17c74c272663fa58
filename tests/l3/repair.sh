# A refused apply is retried and repaired: our table deleted behind our
# back is rebuilt when the pfe looks (before a show, every 2 s) or at
# the next change; an apply the kernel keeps refusing leaves the
# service "not installed" with the error in show services and the JSON
# output, until the cause is gone.
. "$(dirname "$0")/lib.sh"

start_all

# Never "active" without a rule: a show looks first.
ip netns exec $NSB nft delete table inet hoststated || fail "cannot delete"
ctl show summary | grep -q "^service.*active$" || fail "www: $(ctl show summary)"
rules | grep -q "dnat ip to" || fail "shown active without a rule: $(rules)"
grep -q "service www: rules gone from the kernel" "$LOG" || fail "loss not logged"
ok "table deleted behind our back: a show puts it back first"

# Nobody asks: the pfe looks every 2 s.
ip netns exec $NSB nft flush chain inet hoststated www_pre ||
    fail "cannot flush"
has_rule() {
	rules | grep -q "dnat ip to"
}
wait_until 5 has_rule || fail "rule not put back: $(rules)"
both_used() {
	[ "$(count 10 | sort | tr '\n' ' ')" = "web1 5 web2 5 " ]
}
wait_until 3 both_used || fail "after the repair: $(count 10 | tr '\n' ' ')"
[ "$(grep -c "service www: rules gone from the kernel" "$LOG")" = 2 ] ||
    fail "second loss not logged once: $(grep "rules gone" "$LOG")"
ok "our rule flushed: put back within seconds, both hosts served"

ip netns exec $NSB nft delete table inet hoststated || fail "cannot delete"
out=$(client -k $WEBPID_web1 failover web1 6000 $VIP 80)
echo "table deleted, web1 stopped: $out"
expect_status www active 5
rules | grep -q "$WEB2 . 8080" || fail "table not rebuilt: $(rules)"
rules | grep -q "$WEB1 . 8080" && fail "stopped host still there: $(rules)"
expect_only web2 1
ok "table deleted and a host stopped: rebuilt ($out)"

# Our map in use by someone else's rule: it cannot be replaced.
ip netns exec $NSB nft delete chain inet hoststated www_pre &&
ip netns exec $NSB nft add chain inet hoststated someone &&
ip netns exec $NSB nft add rule inet hoststated someone \
    meta l4proto tcp dnat ip to numgen inc mod 2 map @www_4 ||
    fail "cannot set the trap"
start_web web1 $NSW1 $WEB1 8080
expect_status www "not installed" 5
refused() {
	ctl show services | grep -q "layer 3: adding rules: .*busy"
}
wait_until 3 refused || fail "no error in show services: $(ctl show services)"
ctl -j show services | grep -q '"status":"not installed","layer3":{"rules":false' ||
    fail "no error in JSON: $(ctl -j show services)"
ok "refused again and again: not installed, $(ctl show services | grep 'layer 3:' | tr -s '\t ' ' ')"

ip netns exec $NSB nft delete chain inet hoststated someone ||
    fail "cannot remove the trap"
expect_status www active 7
wait_until 3 answered web1 1 || fail "web1 not used after the repair"
ok "cause gone: installed again within the retry delay"
