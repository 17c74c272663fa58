# A connect that fails is retried on another host, up to retry times;
# each failed connect counts, and without retries the client is closed.
. "$(dirname "$0")/lib.sh"

serve $NET.12 9001 name alive
cat >"$T/r.conf" <<CONF
table t {
	host $NET.11
	host $NET.12
}
relay retry {
	listen on $NET.1 port 8001
	table t port 9001 roundrobin retry 1
}
relay noretry {
	listen on $NET.1 port 8002
	table t port 9001 roundrobin
}
relay fixed {
	listen on $NET.1 port 8003
	forward to $NET.11 port 9001 retry 2
}
CONF
start_relay "$T/r.conf"
# $NET.11 refuses (nothing listens there) and nothing marks it down:
# round-robin tries it first in every other session, whose retry then
# goes to the other host.
got=$("$TCPTOOL" -T 10 who $NET.1 8001 10 | sort | uniq -c | awk '{ print $1, $2 }')
[ "$got" = "10 alive" ] || fail "with retry 1: $got"
n=$(stat retry connect_fail)
[ "$n" -ge 5 ] || fail "retry: $n connect failures counted, want 5 or more"
[ "$(stat retry errors)" = 0 ] || fail "retry: $(cmd stats)"
ok "a refused connect is retried on the other host ($n failed connects)"

got=$("$TCPTOOL" -T 10 who $NET.1 8002 10 | grep -c alive)
[ "$got" = 5 ] || fail "without retry: $got of 10 answered, want 5"
[ "$(stat noretry errors)" = 5 ] || fail "without retry: $(cmd stats)"
ok "without retries a refused connect closes the client"

got=$("$TCPTOOL" -T 10 who $NET.1 8003)
[ -z "$got" ] || fail "fixed target answered: $got"
[ "$(stat fixed connect_fail)" = 3 ] ||
    fail "fixed target, retry 2: $(stat fixed connect_fail) tries, want 3"
ok "a fixed target is tried retry + 1 times"
