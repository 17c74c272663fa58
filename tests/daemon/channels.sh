# The channels between the processes, fed by a broken peer (a message
# written into the PFE's end of its channel to the HCE, as if the PFE
# had sent it), and cut while a child hangs.
. "$(dirname "$0")/lib.sh"

[ -x "$PROCFD" ] || fail "no procfd helper: $PROCFD"
start_server $NET.1 8080
web_conf $NET.1 >"$T/h.conf"
start_daemon "$T/h.conf"
expect_status $NET.1 up 5
hce=$(child_pid hce) || fail "no hce"
pfe=$(child_pid pfe) || fail "no pfe"
fd=$(channel_fd "$pfe" "$hce") || fail "no pfe-hce channel"

# An id of another configuration generation: refused, never applied.
"$PROCFD" "$pfe" "$fd" send host_disable 99 0 || fail "procfd"
refused="hce: host_disable for id 0 of configuration 99 refused"
refused="$refused: configuration 1 is running"
wait_until 5 grep -q "$refused" "$LOG" || fail "no refusal logged"
checks() {
	ctl show hosts | awk '/total:/ { split($0, a, "total: ");
	    split(a[2], b, "/"); split(b[2], c, " "); print c[1]; exit }'
}
n=$(checks)
more() {
	[ "$(checks)" -gt "$n" ]
}
wait_until 5 more || fail "host $NET.1 no longer checked after a stale disable"
is_status $NET.1 up || fail "$NET.1 is $(status $NET.1)"
ok "a disable of another generation is refused and changes nothing"

# A message the HCE cannot accept from the PFE is a protocol error.
"$PROCFD" "$pfe" "$fd" send host_disable 1 9999 || fail "procfd"
wait_exit 10
[ "$DAEMON_RC" = 1 ] || fail "exit status $DAEMON_RC"
grep -q "protocol error from pfe: unexpected host_disable for id 9999" "$LOG" ||
    fail "no protocol error logged"
grep -q "lost child: hce exited with status 1" "$LOG" ||
    fail "the parent did not report the hce"
ok "an unacceptable message from the pfe stops the hce, and the daemon"

# A child hangs after its channel closed: the parent does not wait for
# it blocking its loop; it stops the daemon at once and kills the child
# after a grace period.
start_daemon "$T/h.conf" -v
hce=$(child_pid hce) || fail "no hce"
fd=$(channel_fd "$hce" "$DPID") || fail "no hce-parent channel"
kill -STOP "$hce"
"$PROCFD" "$hce" "$fd" shut || fail "procfd"
wait_exit 15
[ "$DAEMON_RC" = 1 ] || fail "exit status $DAEMON_RC"
[ -e "$SOCK" ] && fail "socket left behind"
grep -n -E "stopping the daemon|killing it|lost child|pfe: shut down" "$LOG"
first=$(grep -n "hce: connection closed, stopping the daemon" "$LOG" |
    cut -d: -f1)
kill_line=$(grep -n "killing it" "$LOG" | head -1 | cut -d: -f1)
[ -n "$first" ] && [ -n "$kill_line" ] || fail "lines missing"
[ "$first" -lt "$kill_line" ] ||
    fail "the parent waited for the lost hce before stopping the daemon"
grep -q "pfe: shut down" "$LOG" || fail "the pfe was not stopped"
grep -q "lost child: hce terminated by signal 9" "$LOG" ||
    fail "the hce was not killed"
ok "a hung child whose channel closed: the daemon stops at once," \
    "the child is killed after the grace period"
