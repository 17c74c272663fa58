# Errors and limits: every refusal of the parser's checklist with its
# status, before any byte reaches a host; 502 for a host that cannot be
# reached, answers wrongly or not at all, and a host closing mid-body;
# 503 with no host up; 504 for a slow host; 408 for a client that stalls
# or trickles its request; CONNECT refused; a relay's cap on sessions;
# a client sending garbage disturbs no other session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello' >"$T/twolengths"
printf 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: a\r\n b\r\n\r\nhello' >"$T/fold"
hserve $NET.11 9081 -l "$T/echo.log" -- echo
hserve $NET.12 9081 -- cut 100
hserve $NET.13 9081 -- raw "$T/twolengths"
hserve $NET.14 9081 -- raw "$T/fold"
hserve $NET.15 9081 -- slow 4000
hserve $NET.18 9081 -- slow 300
cat >"$T/r.conf" <<CONF
prefork 1
table echo {
	host $NET.11
}
table cut {
	host $NET.12
}
table twolengths {
	host $NET.13
}
table fold {
	host $NET.14
}
table slow {
	host $NET.15
}
table refused {
	host $NET.16
	host $NET.19
}
table down {
	check tcp
	host $NET.17
}
table slowish {
	host $NET.18
}
protocol http {
	protocol http
}
relay echo {
	listen on $NET.1 port 8080
	protocol http
	table echo port 9081
	timeout 1
}
relay cut {
	listen on $NET.1 port 8081
	protocol http
	table cut port 9081
}
relay twolengths {
	listen on $NET.1 port 8082
	protocol http
	table twolengths port 9081
}
relay fold {
	listen on $NET.1 port 8083
	protocol http
	table fold port 9081
}
relay slow {
	listen on $NET.1 port 8084
	protocol http
	table slow port 9081
	timeout 1
}
relay refused {
	listen on $NET.1 port 8085
	protocol http
	table refused port 9081 retry 1
}
relay down {
	listen on $NET.1 port 8086
	protocol http
	table down port 9081
}
relay capped {
	listen on $NET.1 port 8087
	protocol http
	table slowish port 9081
	sessions 2
}
CONF
start_relay "$T/r.conf"
# The one connection so far is hserve's probe.
wait_until 5 grep -q '^conn 1$' "$T/echo.log" || fail "echo's probe"

# Each refusal: its status, and the host never hears of it.
n=0
refuse() {
	local want=$1 text=$2
	n=$((n + 1))
	req "r$n" "$text"
	got=$(raw "r$n" | tee "$T/r$n.out" | status_of)
	[ "$got" = "$want" ] || fail "request $n ($text): $got, want $want"
	grep -q '^Connection: close' "$T/r$n.out" || fail "request $n: kept"
}
H='Host: a\r\n'
refuse 400 "POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
refuse 400 "POST / HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello"
refuse 400 "POST / HTTP/1.1\r\n${H}Content-Length: +5\r\n\r\nhello"
refuse 400 "POST / HTTP/1.1\r\n${H}Content-Length: 99999999999999999999\r\n\r\n"
refuse 400 "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked, gzip\r\n\r\n"
refuse 501 "POST / HTTP/1.1\r\n${H}Transfer-Encoding: foo, chunked\r\n\r\n"
refuse 400 "GET / HTTP/1.1\r\n${H}X-A: a\rb\r\n\r\n"
refuse 400 "GET / HTTP/1.1\r\n${H}X-A: a\000b\r\n\r\n"
refuse 400 "GET / HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n"
refuse 400 "GET / HTTP/1.1\r\n${H}X-A : a\r\n\r\n"
refuse 400 "GET /a b HTTP/1.1\r\n${H}\r\n"
refuse 400 "GET / HTTP/1.1\r\n${H}Host: b\r\n\r\n"
refuse 400 "GET http://b/ HTTP/1.1\r\n${H}\r\n"
refuse 400 "GET / HTTP/1.1\r\nX-A: a\r\n\r\n"
refuse 400 "GET / HTTP/1.1\nHost: a\n\n"
refuse 400 "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
refuse 400 "GET / HTTP/1.0\r\nContent-Length: 2\r\n\r\nab"
refuse 505 "GET / HTTP/2.0\r\n${H}\r\n"
refuse 414 "GET /$(head -c 9000 /dev/zero | tr '\0' a) HTTP/1.1\r\n${H}\r\n"
refuse 431 "GET / HTTP/1.1\r\n${H}X-A: $(head -c 9000 /dev/zero | tr '\0' a)\r\n\r\n"
refuse 405 "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"
refuse 417 "GET / HTTP/1.1\r\n${H}Expect: teapot\r\n\r\n"
grep -q '<p>Content-Length with Transfer-Encoding</p>' "$T/r1.out" ||
    fail "the page does not say why: $(cat "$T/r1.out")"
[ "$(cat "$T/echo.log")" = "conn 1" ] ||
    fail "a refused request reached the host: $(cat "$T/echo.log")"
ok "$n refusals, each with its status, none reaching the host"

# Chunk framing is checked as it streams: 400, the host's request cut.
refuse 400 "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"
refuse 400 "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n11111111111111111\r\n"
refuse 400 "POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"
ok "bad chunk sizes and chunk data without CRLF: 400"

# The host's faults.
got=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.1:8082/")
[ "$got" = 502 ] || fail "two lengths from the host: $got"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.1:8083/")
[ "$got" = 502 ] || fail "obs-fold from the host: $got"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.1:8085/")
[ "$got" = 502 ] || fail "nothing listens: $got"
[ "$(stat refused connect_fail)" = 2 ] ||
    fail "refused: not tried on the other host"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.1:8086/")
[ "$got" = 503 ] || fail "no host up: $got"
curl -s -o "$T/cut" "http://$NET.1:8081/"
rc=$?
[ $rc = 18 ] && [ "$(wc -c <"$T/cut")" = 100 ] ||
    fail "host closing mid-body: curl $rc, $(wc -c <"$T/cut") bytes"
got=$(curl -s -o /dev/null -w '%{http_code}' "http://$NET.1:8084/")
[ "$got" = 504 ] || fail "slow host: $got"
ok "502 (malformed answers, unreachable host), 503, 504, a cut body ends the session"

# A stalled request (half a head, then silence) and a trickled one.
req half 'GET / HTTP/1.1\r\nHost: a\r\nX-A: '
got=$(raw half 1500 | status_of)
[ "$got" = 408 ] || fail "stalled request: $got"
req slowhead 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'
got=$("$HTTPTOOL" -T 20 trickle $NET.1 8080 "$T/slowhead" 80 | status_of)
[ "$got" = 408 ] || fail "trickled request: $got"
[ "$(stat echo http_client_timeout)" = 2 ] ||
    fail "client timeouts counted: $(cmd stats)"
ok "408 for a request stalled or trickled past the timeout"

# sessions 2: a third client waits until one of two ends.
"$TCPTOOL" -T 10 hold $NET.1 8087 2 1500 >/dev/null &
holder=$!
wait_until 5 stat_is capped active 2 || fail "two sessions not held"
got=$(curl -s -m 0.7 -o /dev/null -w '%{http_code}' "http://$NET.1:8087/" ||
    true)
[ "$got" = 000 ] || fail "a third session was served: $got"
wait $holder
got=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://$NET.1:8087/")
[ "$got" = 200 ] || fail "served once the others ended: $got"
ok "a relay's sessions cap holds the next client until one ends"

# Garbage on one session, a request on another at the same time.
curl -s -o "$T/long" -w '%{http_code}' "http://$NET.1:8087/slow" >"$T/long.code" &
client=$!
for i in 1 2 3 4 5; do
	head -c 2000 /dev/urandom >"$T/garbage"
	PORT=8087 raw garbage >/dev/null
done
wait $client
[ "$(cat "$T/long.code")" = 200 ] && grep -q '^GET /slow' "$T/long" ||
    fail "a session beside garbage: $(cat "$T/long.code")"
ok "garbage on other sessions disturbs none"
