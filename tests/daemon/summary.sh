# The summary shows the hosts' real states, and a server that stops
# answering goes down within one interval plus the timeout.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
cat >"$T/h.conf" <<CONF
web1 = "127.0.0.9"
interval 1
timeout 200
socket "$T/unused.sock"
table web {
	real port 8080
	check http "/" code 200
	host \$web1
	host $NET.2
}
service www {
	virtual host $NET.100 port 80
	table web
}
CONF
# -D overrides the file's macro; -s wins over the file's socket.
start_daemon "$T/h.conf" -D web1=$NET.1
[ -e "$T/unused.sock" ] && fail "the configured socket was used despite -s"

expect_status $NET.1 up 5
expect_status $NET.2 down 5
expect_status web "active (1 hosts up)" 2
expect_status www active 2
[ "$(avail $NET.1)" = "100.00%" ] || fail "availability $(avail $NET.1)"
[ "$(avail $NET.2)" = "0.00%" ] || fail "availability $(avail $NET.2)"
ctl show summary | head -1 | grep -q "^Type	  Id	Name *	Avlblty	Status$" ||
    fail "summary header: $(ctl show summary | head -1)"
ok "summary matches the servers"

ctl show hosts | grep -q "total: .* checks, error: tcp connect refused" ||
    fail "show hosts gives no error line: $(ctl show hosts)"
ctl -j show summary | grep -q "\"name\":\"$NET.1\",\"availability\":100.00,\"status\":\"up\"" ||
    fail "json: $(ctl -j show summary)"
ok "show hosts and -j"

start=$(date +%s%N)
stop_server "$LAST_SERVER"
# interval 1 s + timeout 0.2 s, and slack for a loaded machine.
expect_status $NET.1 down 4
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "down_after_ms=$ms"
expect_status web empty 1
expect_status www down 1
grep -q "host $NET.1, check http code .*state up -> down" "$LOG" ||
    fail "no log line for the state change"
ok "stopped server is down after ${ms} ms"
