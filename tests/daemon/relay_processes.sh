# The relay processes: prefork of them, unprivileged and chrooted, on
# listeners the parent opened as root (a port below 1024); show summary
# says active only for a relay that listens; a relay process that dies
# takes the daemon down like any other child.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"

serve $NET.10 9001 echo
cat >"$T/h.conf" <<CONF
prefork 3
interval 1
timeout 200
table t {
	host $NET.10
}
protocol web {
	protocol http
}
protocol names {
	protocol dns
}
relay low {
	listen on $NET.1 port 81
	table t port 9001
}
relay off {
	listen on $NET.1 port 82
	table t port 9001
	disable
}
relay http {
	listen on $NET.1 port 83
	protocol web
	table t port 9001
}
relay dns {
	listen on $NET.1 port 84
	protocol names
	forward with ssl to $NET.10 port 853
}
CONF
start_daemon "$T/h.conf"
n=$(relay_pids | wc -l)
[ "$n" = 3 ] || fail "$n relay processes, want 3: $(ps -o pid,comm --ppid $DPID)"
uid=$(id -u _hoststated)
for pid in $(relay_pids); do
	u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$pid/status)
	[ "$u" = "$uid $uid $uid $uid" ] || fail "relay $pid runs as uid $u"
	[ "$(readlink /proc/$pid/root)" = /var/empty ] ||
	    fail "relay $pid root: $(readlink /proc/$pid/root)"
	[ "$(awk '/^NoNewPrivs:/ { print $2 }' /proc/$pid/status)" = 1 ] ||
	    fail "relay $pid may gain privileges"
done
ok "3 relay processes, uid $uid, chrooted, no new privileges"

expect_status low active 5
got=$("$TCPTOOL" -T 10 echo $NET.1 81 251 1)
set -- $got
[ "${3#got=}" = 251 ] && [ "${2#sum=}" = "${4#sum=}" ] ||
    fail "through port 81: $got"
ok "port 81, opened by the parent as root, relays"
[ "$(status off)" = disabled ] || fail "disabled relay: $(status off)"
port_open $NET.1 82 && fail "a disabled relay listens"
expect_status http active 5
[ "$(status dns)" = down ] || fail "dns relay: $(status dns)"
port_open $NET.1 84 && fail "an unsupported relay listens"
grep -q "relay dns: not listening: DNS over TLS is not supported" "$LOG" ||
    fail "no log line says why the dns relay does not listen"
ok "summary: low and http active, off disabled, DNS over TLS down (not listening)"

# Every process accepts: many sessions spread over them.
holders=
for i in $(seq 1 30); do
	"$TCPTOOL" -T 10 hold $NET.1 81 4 1000 >/dev/null &
	holders="$holders $!"
done
running_ge() {
	[ "$(ctl show sessions | grep -c ', running,')" -ge "$1" ]
}
wait_until 10 running_ge 60 &&
    procs=$(ctl show sessions | awk '/running/ { split($2, a, ":");
	print a[1] }' | sort -u | wc -l)
wait $holders
echo "processes_with_sessions=${procs:-0}"

pid=$(relay_pids | head -1)
others=$(pgrep -P "$DPID" | grep -vx "$pid")
kill -9 "$pid"
wait_exit 10
[ "$DAEMON_RC" != 0 ] || fail "daemon exited 0 after losing a relay process"
grep -q "lost child: relay [0-9]* terminated by signal 9" "$LOG" ||
    fail "no log line naming the relay process"
for p in $others; do
	kill -0 "$p" 2>/dev/null && fail "child $p still running"
done
port_open $NET.1 81 && fail "still listening after the daemon stopped"
ok "SIGKILL of a relay process: the daemon stops, status $DAEMON_RC"
