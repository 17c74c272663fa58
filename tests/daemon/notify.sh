# Readiness for the service manager (sd_notify): READY=1 once the
# control socket answers, RELOADING=1 then READY=1 around every reload,
# good or broken, and STOPPING=1 on SIGTERM.  The fifth argument is
# notify_listen, the stand-in for systemd's notification socket.
. "$(dirname "$0")/lib.sh"
NOTIFY_LISTEN=$5

"$NOTIFY_LISTEN" "$T/notify" 60 >"$T/notes" 2>&1 &
SERVERS="$SERVERS $!"
wait_until 5 test -S "$T/notify" || fail "notify_listen did not start"

cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table web {
	real port 8080
	check tcp
	host $NET.1
}
CONF
count() {
	grep -c "$1" "$T/notes"
}
has_count() {
	[ "$(count "$1")" -ge "$2" ]
}

NOTIFY_SOCKET=$T/notify start_daemon "$T/h.conf"
wait_until 5 has_count READY=1 1 || fail "no READY=1: $(cat "$T/notes")"
ok "READY=1 once started"

ctl reload >/dev/null || fail "reload failed"
wait_until 5 has_count READY=1 2 || fail "no READY=1 after the reload"
[ "$(count RELOADING=1)" = 1 ] || fail "no RELOADING=1 before it"
ok "RELOADING=1 then READY=1 around a reload"

echo "table {" >"$T/broken.conf"
ctl reload "$T/broken.conf" >/dev/null 2>&1 && fail "broken reload succeeded"
wait_until 5 has_count READY=1 3 || fail "no READY=1 after a failed reload"
[ "$(count RELOADING=1)" = 2 ] || fail "no RELOADING=1 before it"
ok "a failed reload is followed by READY=1 too"

kill -TERM "$DPID"
wait_exit 5
wait_until 5 has_count STOPPING=1 1 || fail "no STOPPING=1"
ok "STOPPING=1 on SIGTERM"
