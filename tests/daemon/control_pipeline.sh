# A client that pipelines thousands of "show summary" requests against
# thousands of hosts and does not read the answers: the daemon stops
# reading its requests while 1 MiB of answers waits (it neither queues
# without bound nor drops and then reuses the client), and a client
# that reads late gets every answer.
. "$(dirname "$0")/lib.sh"

{
	echo "interval 60"
	echo "timeout 200"
	echo "table big {"
	echo "	real port 8080"
	echo "	check tcp"
	for i in $(seq 1 2000); do
		echo "	host 127.69.$((i / 250)).$((i % 250 + 1))"
	done
	echo "}"
} >"$T/h.conf"
start_daemon "$T/h.conf"
pfe=$(child_pid pfe) || fail "no pfe"
peak() {
	awk '/^VmHWM:/ { print $2 }' /proc/$pfe/status
}
before=$(peak)

out=$("$RAWCLIENT" "$SOCK" pipeline 3000 0)
echo "$out"
wait_until 10 ctl show summary || fail "no answer after the pipelining client"
kill -0 "$DPID" || fail "daemon died"
after=$(peak)
echo "pfe_peak_kb_before=$before pfe_peak_kb_after=$after"
# Without a bound it would queue answers until the client was dropped
# at 64 MiB; a sanitizer's quarantine adds some to what it keeps.
[ $((after - before)) -lt $((48 * 1024)) ] ||
    fail "the pfe grew by $((after - before)) kB for one client"
ok "a client that never reads: daemon alive, pfe grew by $((after - before)) kB"

out=$("$RAWCLIENT" "$SOCK" pipeline 60 1)
echo "$out"
set -- $out
[ "$2" -ge 30 ] && [ "$4" = "$2" ] || fail "late reader: $out"
ok "a client that reads late gets every answer: $out"
