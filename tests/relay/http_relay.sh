# HTTP relaying: keep-alive on both sides with bodies of every size over
# HTTP/1.1 and HTTP/1.0, HEAD then GET, pipelined requests answered in
# order, chunked bodies both ways (extensions, trailers), 100-continue,
# a 64 MiB PUT, and host connections kept and used from the first
# request of a session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

www_files
start_nginx $NET.10 9080
hserve $NET.11 9081 -l "$T/echo.log" -- echo
hserve $NET.11 9082 -- chunked
hserve $NET.11 9083 -- continue
cat >"$T/r.conf" <<CONF
table web {
	host $NET.10
}
table back {
	host $NET.11
}
protocol http {
	protocol http
}
relay web {
	listen on $NET.1 port 8080
	protocol http
	table web port 9080
}
relay echo {
	listen on $NET.1 port 8081
	protocol http
	table back port 9081
}
relay chunked {
	listen on $NET.1 port 8082
	protocol http
	table back port 9082
}
relay continue {
	listen on $NET.1 port 8083
	protocol http
	table back port 9083
}
CONF
start_relay "$T/r.conf"
U=http://$NET.1:8080

# Every size, twice, on one client connection; the host's side too.
got=$(curl -s -w '%{http_code}:%{num_connects} ' -o "$T/g0" "$U/0" \
    -o "$T/g1" "$U/1" -o "$T/g251" "$U/251" -o "$T/g16k" "$U/16k" \
    -o "$T/g1m" "$U/1m" -o "$T/g1" "$U/1" -o "$T/g1m" "$U/1m")
[ "$got" = "200:1 200:0 200:0 200:0 200:0 200:0 200:0 " ] ||
    fail "HTTP/1.1 keep-alive: $got"
for f in 0 1 251 16k 1m; do
	cmp -s "$T/www/$f" "$T/g$f" || fail "HTTP/1.1: body of $f differs"
done
[ "$(awk '{ print $1 }' "$T/nginx.log" | sort -u | wc -l)" = 1 ] ||
    fail "the host saw more than one connection: $(cat "$T/nginx.log")"
ok "HTTP/1.1 keep-alive, bodies of 0, 1, 251, 16384, 1048576 bytes"

got=$(curl -s -0 -H 'Connection: keep-alive' \
    -w '%{http_code}:%{num_connects} ' -o "$T/g0" "$U/0" -o "$T/g251" \
    "$U/251" -o "$T/g1m" "$U/1m" -o "$T/g16k" "$U/16k")
[ "$got" = "200:1 200:0 200:0 200:0 " ] || fail "HTTP/1.0 keep-alive: $got"
for f in 0 251 16k 1m; do
	cmp -s "$T/www/$f" "$T/g$f" || fail "HTTP/1.0: body of $f differs"
done
got=$(curl -s -0 -w '%{http_code}:%{num_connects} ' -o "$T/g1" "$U/1" \
    -o "$T/g251" "$U/251")
[ "$got" = "200:1 200:1 " ] || fail "HTTP/1.0 without keep-alive: $got"
ok "HTTP/1.0 with and without keep-alive"

# HEAD then GET on one connection: a head without body, then the body.
got=$(curl -s -I "$U/251" --next -s -o "$T/g251" \
    -w '%{http_code}:%{num_connects}' "$U/251")
echo "$got" | grep -q '^Content-Length: 251' || fail "HEAD: $got"
echo "$got" | grep -q '^200:0$' || fail "GET after HEAD: $got"
cmp -s "$T/www/251" "$T/g251" || fail "GET after HEAD: body differs"
ok "HEAD then GET on one connection"

# Three requests in one write: three answers, in order.
req pipe 'GET /echo?1 HTTP/1.1\r\nHost: a\r\n\r\nGET /echo?2 HTTP/1.1\r\nHost: b\r\n\r\nGET /echo?3 HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n'
got=$(raw pipe | grep -o 'uri=/echo?[0-9] host=[a-z]' | tr '\n' ' ')
[ "$got" = "uri=/echo?1 host=a uri=/echo?2 host=b uri=/echo?3 host=c " ] ||
    fail "pipelined: $got"
ok "pipelined requests answered in order"

# A chunked request body, with extensions and trailers; one trailer
# that must not cross (a length) stays behind.
head -c 300000 /dev/urandom >"$T/body"
want=$(curl -s -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
    "http://$NET.11:9081/x" | grep '^body=')
got=$(curl -s -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
    "http://$NET.1:8081/x" | grep '^body=')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "chunked body: $got, want $want"
req trail 'POST /t HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;a=1;b="x y"\r\nhello\r\n6\r\n world\r\n0;end\r\nX-Check: 42\r\nContent-Length: 3\r\n\r\n'
PORT=8081 raw trail >"$T/trail.out"
grep -q '^body=11 ' "$T/trail.out" || fail "chunked with extensions: $(cat "$T/trail.out")"
grep -q '^trailer X-Check: 42' "$T/trail.out" || fail "trailer lost"
! grep -q '^trailer Content-Length' "$T/trail.out" ||
    fail "a Content-Length trailer crossed"
ok "chunked request bodies, extensions and trailers"

req chunked 'GET /c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
PORT=8082 raw chunked >"$T/chunked.out"
grep -q '^Transfer-Encoding: chunked' "$T/chunked.out" &&
    grep -q ';part=1' "$T/chunked.out" &&
    grep -q '^X-Sum: ' "$T/chunked.out" &&
    grep -q '^GET /c HTTP/1.1' "$T/chunked.out" ||
    fail "chunked answer: $(cat "$T/chunked.out")"
got=$(curl -s "http://$NET.1:8082/c" "http://$NET.1:8082/d" -w '%{num_connects} ' | grep -c '^body=0')
[ "$got" = 2 ] || fail "chunked answers on one connection: $got"
ok "chunked answers, their extensions and trailers, on a kept connection"

# 100-continue: the host's 100 reaches the client, which then sends.
got=$(curl -sv -H 'Expect: 100-continue' --data-binary @"$T/www/16k" \
    "http://$NET.1:8083/up" 2>&1)
echo "$got" | grep -q '^< HTTP/1.1 100 Continue' || fail "no 100: $got"
echo "$got" | grep -q '^body=16384 ' || fail "100-continue body: $got"
ok "Expect: 100-continue"

# 64 MiB up, through the relay, into nginx; stored whole.
head -c 67108864 /dev/urandom >"$T/64m"
got=$(curl -s -T "$T/64m" -o /dev/null -w '%{http_code}' "$U/put/64m")
[ "$got" = 201 ] || fail "PUT: $got"
cmp -s "$T/64m" "$T/www/put/64m" || fail "PUT: the stored body differs"
got=$(curl -s -o "$T/back" -w '%{http_code}' "$U/put/64m")
[ "$got" = 200 ] && cmp -s "$T/64m" "$T/back" || fail "GET 64 MiB: $got"
ok "a 64 MiB PUT and GET, checksummed"

# Two clients, one after the other: the second's request goes out on
# the connection the first one used (the pool, from the first request).
c1=$(curl -s -D - -o /dev/null "http://$NET.1:8081/a" | tr -d '\r' |
    awk '/^X-Conn:/ { c = $2 } /^X-Req:/ { r = $2 } END { print c, r }')
c2=$(curl -s -D - -o /dev/null "http://$NET.1:8081/b" | tr -d '\r' |
    awk '/^X-Conn:/ { c = $2 } /^X-Req:/ { r = $2 } END { print c, r }')
[ "${c1% *}" = "${c2% *}" ] && [ "${c2#* }" = $(( ${c1#* } + 1 )) ] ||
    fail "host connections: first $c1, second $c2"
ok "a new session's first request takes a kept host connection"

# Closing: a client that said "Connection: close" and sent nothing more
# is not waited for (its session ends though it holds its end open);
# one whose request the relay refused unread is (the rest of its bytes
# must not turn the close into a reset that destroys the answer).
exec 4<>"/dev/tcp/$NET.1/8080"
printf 'GET /251 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' >&4
timeout 5 cat <&4 >"$T/closed.out" || fail "no end after Connection: close"
grep -q '^HTTP/1.1 200 ' "$T/closed.out" || fail "close: $(head -1 "$T/closed.out")"
wait_until 5 running_is 0 ||
    fail "the session waits for the client's end: $(cmd sessions)"
exec 4>&-
exec 4<>"/dev/tcp/$NET.1/8080"
printf 'GET /251 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n' >&4
timeout 5 cat <&4 >"$T/refused.out" || fail "no end after a refusal"
grep -q '^HTTP/1.1 400 ' "$T/refused.out" ||
    fail "refused: $(head -1 "$T/refused.out")"
running_is 1 || fail "a refused client is not read to its end: $(cmd sessions)"
exec 4>&-
wait_until 5 running_is 0 || fail "the refused client's session stays"
ok "Connection: close ends the session at once; a refusal reads to the client's end"
