# What loopback cannot show: a host that drops every packet (its route
# back to us is a blackhole) and a network with no route at all, in a
# pair of network namespaces made here.
. "$(dirname "$0")/lib.sh"
needs_root
make_cert
netns_pair

start_server ip netns exec "$SNS" "$TESTSERVER" -a 198.18.0.2 -m http
expect_check "tcp up through the veth" "up=1 error=HCE_TCP_CONNECT_OK" \
    ip netns exec "$CNS" "$CHECKRUN" tcp 198.18.0.2 "$PORT"
expect_check "http up through the veth" "up=1 error=HCE_HTTP_CODE_OK" \
    ip netns exec "$CNS" "$CHECKRUN" -C 200 http 198.18.0.2 "$PORT"

start_server ip netns exec "$SNS" "$TESTSERVER" -a 2001:db8::2 -m accept
PORT6=$PORT
expect_check "tcp over IPv6 up through the veth" \
    "up=1 error=HCE_TCP_CONNECT_OK" \
    ip netns exec "$CNS" "$CHECKRUN" tcp 2001:db8::2 "$PORT6"

ip -n "$SNS" route add blackhole 198.18.0.1/32
ip -n "$SNS" -6 route add blackhole 2001:db8::1/128
expect_check "tcp over IPv6 to a host that drops packets" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 tcp 2001:db8::2 "$PORT6"
expect_check "icmpv6 to a host that drops packets" \
    "up=0 error=HCE_ICMP_READ_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 icmp 2001:db8::2
expect_check "tcp to a host that drops packets" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 tcp 198.18.0.2 "$PORT"
expect_check "http to a host that drops packets" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 -C 200 http 198.18.0.2 "$PORT"
expect_check "ssl to a host that drops packets" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 ssl 198.18.0.2 "$PORT"
expect_check "send/expect to a host that drops packets" \
    "up=0 error=HCE_TCP_CONNECT_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 -e "*" send 198.18.0.2 "$PORT"
expect_check "icmp to a host that drops packets" \
    "up=0 error=HCE_ICMP_READ_TIMEOUT" \
    ip netns exec "$CNS" "$CHECKRUN" -t 300 icmp 198.18.0.2

expect_check "tcp to a network without a route" \
    "up=0 error=HCE_TCP_CONNECT_ERROR" \
    ip netns exec "$CNS" "$CHECKRUN" tcp 203.0.113.1 80

finish
