# A host down for a reason of our own says so, in show hosts, -j and
# monitor: a check script that is missing or not executable, and ICMP
# for a daemon that may not open an ICMP socket (an ordinary user in a
# network namespace whose ping_group_range allows no one).
. "$(dirname "$0")/lib.sh"

chmod 1777 "$T"
NS=hscause$$
trap 'cleanup; ip netns del "$NS" 2>/dev/null' EXIT
printf '#!/bin/sh\nexit 0\n' >"$T/noexec.sh"
chmod 644 "$T/noexec.sh"
cat >"$T/h.conf" <<CONF
interval 1
timeout 500
table missing {
	real port 8080
	check script "$T/missing.sh"
	host 127.61.0.1
}
table noexec {
	real port 8080
	check script "$T/noexec.sh"
	host 127.61.0.2
}
CONF
start_daemon "$T/h.conf"
ctl monitor >"$T/monitor" 2>&1 &
SERVERS="$SERVERS $!"
expect_status 127.61.0.1 down 5
expect_status 127.61.0.2 down 5
ctl show hosts | grep -q "error: script not found" ||
    fail "show hosts: $(ctl show hosts)"
ctl show hosts | grep -q "error: script not executable" ||
    fail "show hosts: $(ctl show hosts)"
ctl -j show hosts | grep -q '"name":"127.61.0.1".*"error":"script not found"' ||
    fail "-j: $(ctl -j show hosts)"
ok "missing and not executable scripts shown as such"
# Once the monitor is listening (it saw the table enabled), the host,
# unknown again, fails its next check.
reenable() {
	ctl table disable missing && ctl table enable missing &&
	    grep -q "table missing (id 0): enabled" "$T/monitor"
}
wait_until 5 reenable || fail "monitor: $(cat "$T/monitor")"
wait_until 3 grep -q "127.61.0.1 (id 0): unknown -> down, script not found" \
    "$T/monitor" || fail "monitor: $(cat "$T/monitor")"
ok "monitor shows the cause"
kill -TERM "$DPID"
wait_exit 10

ip netns add "$NS" && ip -n "$NS" link set lo up &&
    ip netns exec "$NS" sysctl -qw net.ipv4.ping_group_range="1 0" ||
    fail "cannot make network namespace $NS"
cat >"$T/icmp.conf" <<CONF
interval 1
timeout 200
table pinged {
	check icmp
	host 127.0.0.1
}
CONF
chmod 644 "$T/icmp.conf"
ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$HOSTSTATED" -d -f "$T/icmp.conf" -s "$SOCK" >"$LOG" 2>&1 &
DPID=$!
wait_until 5 ctl show summary || fail "daemon did not answer"
expect_status 127.0.0.1 down 5
ctl show hosts | grep -q "error: icmp socket failed" ||
    fail "show hosts: $(ctl show hosts)"
grep -q "no ICMP socket (raw or datagram): Permission denied" "$LOG" ||
    fail "the log does not say why"
ok "no ICMP socket: shown as such, the log says why"
kill -TERM "$DPID"
wait_exit 10
