# check icmp: echo over a raw socket and over an unprivileged datagram
# socket, many checks over one socket, and a host that ignores echo
# requests in a network namespace made here.
. "$(dirname "$0")/lib.sh"
needs_root

expect_check "icmp 127.0.0.1 up (raw socket)" "up=1 error=HCE_ICMP_OK" \
    "$CHECKRUN" icmp 127.0.0.1
expect_check "icmp ::1 up (raw socket)" "up=1 error=HCE_ICMP_OK" \
    "$CHECKRUN" icmp ::1
expect_check "500 concurrent echoes over one socket" \
    "checks=500 up=500" "$CHECKRUN" -n 500 -c 500 icmp 127.0.0.1

# As root, a namespace pair that cannot be made (the name is taken)
# fails the test instead of skipping it.
ip netns add "hsc$$" && NETNS="$NETNS hsc$$"
out=$( (netns_pair) 2>&1 )
rc=$?
expect_true "no namespace pair as root is a failure, not a skip" \
    sh -c "[ $rc = 1 ] && echo '$out' | grep -q '^FAIL: cannot create'"
ip netns del "hsc$$"

netns_pair
expect_check "icmp through a veth up" "up=1 error=HCE_ICMP_OK" \
    ip netns exec "$CNS" "$CHECKRUN" icmp 198.18.0.2
# An unprivileged user: no raw socket, and datagram sockets only where
# ping_group_range allows them (a per-namespace setting).
if command -v setpriv >/dev/null; then
	NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
	ip netns exec "$CNS" sysctl -qw net.ipv4.ping_group_range="1 0"
	expect_check "unprivileged, no ICMP socket allowed: down, and why" \
	    "up=0 error=HCE_ICMP_SOCKET_ERROR" \
	    ip netns exec "$CNS" $NOBODY "$CHECKRUN" icmp 198.18.0.2
	expect_check "unprivileged, no ICMP socket allowed: said why" \
	    "no ICMP socket (raw or datagram): Permission denied" \
	    ip netns exec "$CNS" $NOBODY "$CHECKRUN" icmp 198.18.0.2
fi
ip netns exec "$CNS" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
if [ -n "${NOBODY:-}" ]; then
	expect_check "unprivileged user falls back to a datagram socket" \
	    "up=1 error=HCE_ICMP_OK" \
	    ip netns exec "$CNS" $NOBODY "$CHECKRUN" icmp 198.18.0.2
fi
expect_check "icmp up over a datagram socket" "up=1 error=HCE_ICMP_OK" \
    ip netns exec "$CNS" "$CHECKRUN" -D icmp 198.18.0.2
expect_check "200 echoes over one datagram socket" "checks=200 up=200" \
    ip netns exec "$CNS" "$CHECKRUN" -D -n 200 -c 200 icmp 198.18.0.2
expect_check "icmp ::1 up over a datagram socket" "up=1 error=HCE_ICMP_OK" \
    ip netns exec "$CNS" "$CHECKRUN" -D icmp ::1

expect_check "icmpv6 through a veth up" "up=1 error=HCE_ICMP_OK" \
    ip netns exec "$CNS" "$CHECKRUN" icmp 2001:db8::2

ip netns exec "$SNS" sysctl -qw net.ipv4.icmp_echo_ignore_all=1
ip netns exec "$SNS" sysctl -qw net.ipv6.icmp.echo_ignore_all=1
expect_check "IPv6 host ignoring echo requests" \
    "up=0 error=HCE_ICMP_READ_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 icmp 2001:db8::2
expect_check "host ignoring echo requests" \
    "up=0 error=HCE_ICMP_READ_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 icmp 198.18.0.2
expect_check "host ignoring echo requests (datagram socket)" \
    "up=0 error=HCE_ICMP_READ_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -D -t 300 icmp 198.18.0.2

out=$(ip netns exec "$CNS" "$CHECKRUN" -n 100 -X 100 -t 1000 icmp 198.18.0.2)
echo "cancelled echoes: $out"
expect_true "cancelled echoes report nothing, leak nothing" \
    sh -c "echo '$out' | grep -q '^cancelled=100 checks=0 ' &&
    echo '$out' | grep -q 'fds_before=\([0-9]*\) fds_after=\1\$'"

finish
