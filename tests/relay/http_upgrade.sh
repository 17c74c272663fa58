# A 101 answers what the client offered (RFC 9110 7.8): the host's
# Upgrade must name only protocols of the request's Upgrade, in any case
# (one of several offered will do), or the client gets 502, counted as
# a bad gateway, and the host's connection is closed; a 101 that names
# one the client offered becomes a tunnel.  An offer too long to keep is
# not one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

hserve $NET.11 9080 -- upgrade
hserve $NET.11 9081 -- upgrade WebSocket
hserve $NET.11 9082 -l "$T/other.log" -- upgrade h2c
hserve $NET.11 9083 -l "$T/none.log" -- upgrade -
hserve $NET.11 9084 -l "$T/extra.log" -- upgrade 'websocket, h2c'
hserve $NET.11 9085 -- upgrade foo/2
cat >"$T/r.conf" <<CONF
prefork 1
table up {
	host $NET.11
}
protocol http {
	protocol http
}
relay same {
	listen on $NET.1 port 8080
	protocol http
	table up port 9080
}
relay case {
	listen on $NET.1 port 8081
	protocol http
	table up port 9081
}
relay other {
	listen on $NET.1 port 8082
	protocol http
	table up port 9082
}
relay none {
	listen on $NET.1 port 8083
	protocol http
	table up port 9083
}
relay extra {
	listen on $NET.1 port 8084
	protocol http
	table up port 9084
}
relay version {
	listen on $NET.1 port 8085
	protocol http
	table up port 9085
}
CONF
start_relay "$T/r.conf"

# ws PORT OFFER: the status line and the echo through a tunnel.
ws() {
	"$HTTPTOOL" -T 10 ws $NET.1 "$1" 'hello tunnel' "$2" 2>&1
}

# tunnels PORT OFFER: a 101, then the bytes come back.
tunnels() {
	local got
	got=$(ws "$1" "$2")
	echo "$got" | grep -q '^HTTP/1.1 101 ' &&
	    echo "$got" | grep -q 'hello tunnel' ||
	    fail "offer \"$2\" on port $1: $got"
}

tunnels 8080 websocket
tunnels 8081 websocket
tunnels 8080 'foo, websocket'
tunnels 8081 'h2c,WEBSOCKET'
tunnels 8085 'bar, foo'
tunnels 8085 'foo/2'
ok "a 101 naming an offered protocol (any case, one of several) tunnels"

# refused PORT OFFER: a 502 that says why.
refused() {
	local got
	got=$(ws "$1" "$2")
	[ "$(echo "$got" | head -n 1 | tr -d '\r')" = \
	    "HTTP/1.1 502 Bad Gateway" ] ||
	    fail "offer \"$2\" on port $1: $got"
	! echo "$got" | grep -q 'hello tunnel' ||
	    fail "bytes crossed after a refused 101: $got"
	echo "$got" | grep -q "$3" || fail "no reason on port $1: $got"
}

refused 8082 websocket 'a protocol the request did not offer'
refused 8084 websocket 'a protocol the request did not offer'
refused 8085 'foo/1' 'a protocol the request did not offer'
refused 8083 websocket 'Bad Gateway'
# An offer too long to keep goes on as a plain request: the host's 101
# is then unasked.
refused 8080 "$(printf 'x%.0s' $(seq 1 120)), websocket" 'unasked'
for r in other extra version none; do
	[ "$(stat $r http_bad_gateway)" = 1 ] ||
	    fail "relay $r: the 502 not counted: $(cmd stats)"
done
[ "$(stat same http_bad_gateway)" = 1 ] ||
    fail "only the unasked 101 counted on relay same: $(cmd stats)"
ok "a 101 naming another protocol, one more, another version or none: 502"

# The host's connection closes with the 502, while the client still
# holds its own open (it reads only after 6 s).
: >"$T/other.log"
req offer 'GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n'
PORT=8082 raw offer 6000 >"$T/held.out" &
held=$!
wait_until 5 grep -q '^closed ' "$T/other.log" ||
    fail "the host's connection open after a refused 101: $(cat "$T/other.log")"
wait $held
[ "$(status_of <"$T/held.out")" = 502 ] ||
    fail "the held client: $(cat "$T/held.out")"
grep -q 'relay other: .*the host switched GET /ws to "h2c", the request offered "websocket": 502' \
    "$T/err" || fail "no log line for the refused 101"
ok "the host's connection closed, the refusal logged with both sides"
