# check tcp against real listeners on loopback: up over IPv4 and IPv6,
# refused, and timeout on a listener whose accept queue is full.
. "$(dirname "$0")/lib.sh"

start_server "$TESTSERVER" -m accept
expect_check "tcp up" "up=1 error=HCE_TCP_CONNECT_OK" \
    "$CHECKRUN" tcp 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -a ::1 -m accept
expect_check "tcp up over IPv6" "up=1 error=HCE_TCP_CONNECT_OK" \
    "$CHECKRUN" tcp ::1 "$PORT"

free_port -m accept
expect_check "tcp refused" "up=0 error=HCE_TCP_CONNECT_REFUSED" \
    "$CHECKRUN" tcp 127.0.0.1 "$PORT"

expect_check "tcp without a port" "up=0 error=HCE_TCP_CONNECT_ERROR" \
    "$CHECKRUN" tcp 127.0.0.1

start_server "$TESTSERVER" -m full
expect_check "tcp timeout on a full accept queue" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    "$CHECKRUN" -t 300 tcp 127.0.0.1 "$PORT"

finish
