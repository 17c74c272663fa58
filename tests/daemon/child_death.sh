# A child that dies takes the daemon down, non-zero, with a log line
# naming it; nothing restarts silently and the socket is removed.
. "$(dirname "$0")/lib.sh"

web_conf 127.55.0.1 >"$T/h.conf"
for child in hce pfe key; do
	start_daemon "$T/h.conf"
	pid=$(child_pid $child) || fail "no $child process"
	others=$(pgrep -P "$DPID" | grep -vx "$pid")
	kill -9 "$pid"
	wait_exit 10
	[ "$DAEMON_RC" != 0 ] || fail "daemon exited 0 after losing $child"
	grep -q "lost child: $child terminated by signal 9" "$LOG" ||
	    fail "no log line naming $child"
	[ -e "$SOCK" ] && fail "socket left behind after losing $child"
	for p in $others; do
		kill -0 "$p" 2>/dev/null && fail "child $p still running"
	done
	ok "SIGKILL of $child: exit status $DAEMON_RC, \"$(grep "lost child" "$LOG")\""
done
