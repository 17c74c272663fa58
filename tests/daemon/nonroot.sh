# Started by an ordinary user: no chroot, one warning, and layer-3
# services are refused.
. "$(dirname "$0")/lib.sh"

chmod 1777 "$T"
asnobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
cat >"$T/l3.conf" <<CONF
table web {
	real port 8080
	check tcp
	host 127.58.0.1
}
service www {
	virtual host 127.58.0.100 port 80
	table web
}
CONF
chmod 644 "$T/l3.conf"
out=$(asnobody "$HOSTSTATED" -d -f "$T/l3.conf" -s "$SOCK" 2>&1); rc=$?
[ $rc = 1 ] || fail "layer-3 as non-root: exit status $rc"
echo "$out" | grep -q "service www: layer-3 services need root" ||
    fail "layer-3 as non-root: $out"
ok "layer-3 refused: $out"

web_conf 127.58.0.1 >"$T/h.conf"
chmod 644 "$T/h.conf"
# Not through the function: $! must be the daemon itself.
setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$HOSTSTATED" -d -f "$T/h.conf" -s "$SOCK" >"$LOG" 2>&1 &
DPID=$!
wait_until 5 ctl show summary || fail "daemon did not answer"
expect_status 127.58.0.1 down 5
[ "$(grep -c "not running as root" "$LOG")" = 1 ] || fail "warning not given once"
pid=$(child_pid hce) || fail "no hce"
[ "$(readlink /proc/$pid/root)" = / ] || fail "chrooted without root"
kill -TERM "$DPID"
wait_exit 10
[ "$DAEMON_RC" = 0 ] || fail "exit status $DAEMON_RC"
ok "non-root monitor runs unchrooted, warned once"
