# Nothing of ours remains after a clean stop (SIGTERM), nor when the
# parent alone is killed (the pfe notices and flushes); after a crash of
# every process, a restart removes what was left; no other table is
# ever touched.
. "$(dirname "$0")/lib.sh"

net_up
start_servers
ip netns exec $NSB nft add table inet someone_else || fail "cannot add"
write_conf "$T/h.conf"

start_daemon "$T/h.conf"
ready
rules | grep -q "dnat ip to" || fail "no rules: $(rules)"
stop_daemon
[ -z "$(rules)" ] || fail "left after SIGTERM: $(rules)"
ok "SIGTERM: nothing of ours remains"

start_daemon "$T/h.conf"
ready
kill -9 "$DPID"
wait "$DPID" 2>/dev/null
DPID=
wait_until 5 sh -c "! ip netns exec $NSB nft list table inet hoststated" ||
    fail "left after SIGKILL of the parent: $(rules)"
ok "SIGKILL of the parent: the pfe removed our table"

start_daemon "$T/h.conf"
ready
# Frozen first, so that none sees another die and cleans up.
kill -STOP $(pgrep -P "$DPID") "$DPID"
kill -9 $(pgrep -P "$DPID") "$DPID"
wait "$DPID" 2>/dev/null
DPID=
rules | grep -q "dnat ip to" || fail "a crash should leave the rules: $(rules)"
ok "SIGKILL of every process: the rules stay behind"
sed -i "s/virtual host $VIP port 80/virtual host $VIP port 81/" "$T/h.conf"
start_daemon "$T/h.conf"
ready
rules | grep -q "tcp dport 80 " && fail "the crashed run's rule is still there: $(rules)"
rules | grep -q "tcp dport 81 " || fail "no rule for the new port: $(rules)"
ok "restart after the crash: what it left is gone"
stop_daemon
[ -z "$(rules)" ] || fail "left after the last stop: $(rules)"
ip netns exec $NSB nft list table inet someone_else >/dev/null ||
    fail "another table was touched"
ok "another table left alone"
