# Without -d the daemon detaches, logs to syslog and still answers;
# SIGTERM stops it and removes the socket.  Without -s it uses the
# configuration's socket.
. "$(dirname "$0")/lib.sh"

cat >"$T/h.conf" <<CONF
interval 1
timeout 200
socket "$SOCK"
table web {
	real port 8080
	check tcp
	host 127.62.0.1
}
CONF
"$HOSTSTATED" -f "$T/h.conf" >"$LOG" 2>&1
rc=$?
[ $rc = 0 ] || fail "hoststated exited $rc before detaching"
wait_until 5 ctl show summary || fail "detached daemon does not answer"
expect_status 127.62.0.1 down 5
ok "detached, answering on the configured socket"
# The children share the command line; the parent keeps the name.
pid=
for p in $(pgrep -x -f "$HOSTSTATED -f $T/h.conf"); do
	[ "$(cat /proc/$p/comm)" = hoststated ] && pid=$p
done
[ -n "$pid" ] || fail "no detached daemon"
DPID=$pid	# for the cleanup if a check below fails
# Before detaching, one warning if no syslog daemon would get the lines.
if [ -S /dev/log ] && logger -u /dev/log -- "hoststated test" 2>/dev/null; then
	grep -q "no syslog daemon" "$LOG" && fail "warned with syslog running"
else
	grep -q "no syslog daemon listens on /dev/log" "$LOG" ||
	    fail "no warning that syslog is absent"
	ok "warned that syslog is absent"
fi
grep -v "no syslog daemon" "$LOG" | grep -q . &&
    fail "output after detaching: $(cat "$LOG")"
kill -TERM "$pid"
wait_until 5 sh -c "! kill -0 $pid 2>/dev/null" || fail "daemon did not stop"
DPID=
[ -e "$SOCK" ] && fail "socket left behind"
ok "SIGTERM stops the detached daemon"
