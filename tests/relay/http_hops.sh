# What crosses a hop and what does not: hop-by-hop fields both ways (a
# client cannot strip what the relay adds), 1xx passed on, 204 and 304
# without bodies on a kept connection, an Upgrade turned into a tunnel
# after its 101 (and refused without websockets), a host connection
# never used again after a framing anomaly, a request that met a stale
# pooled connection sent again only when that is safe, the request in
# flight in show sessions and the session's log line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

www_files
start_nginx $NET.10 9080
hserve $NET.11 9081 -l "$T/echo.log" -H 'Connection: X-Host-Hop' \
    -H 'X-Host-Hop: 1' -H 'Keep-Alive: timeout=5' -H 'X-Kept: yes' -- echo
hserve $NET.11 9082 -- upgrade
printf 'HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' >"$T/hints"
hserve $NET.11 9083 -- raw "$T/hints"
printf 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA' >"$T/longer"
hserve $NET.12 9084 -l "$T/longer.log" -- keep "$T/longer"
printf 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok' >"$T/twolengths"
hserve $NET.12 9085 -l "$T/two.log" -- keep "$T/twolengths"
hserve $NET.13 9086 -l "$T/flaky.log" -- flaky
hserve $NET.14 9087 -- slow 1500
printf 'HTTP/1.1 413 Content Too Large\r\nContent-Length: 2\r\n\r\nno' >"$T/early"
hserve $NET.15 9088 -l "$T/early.log" -- raw "$T/early"
cat >"$T/r.conf" <<CONF
prefork 1
log connection
table web {
	host $NET.10
}
table echo {
	host $NET.11
}
table anomaly {
	host $NET.12
}
table flaky {
	host $NET.13
}
table slow {
	host $NET.14
}
table early {
	host $NET.15
}
protocol http {
	protocol http
	header append "\$REMOTE_ADDR" to "X-Forwarded-For"
	header log "X-Trace"
}
protocol nows {
	protocol http
	http no websockets
}
relay web {
	listen on $NET.1 port 8080
	protocol http
	table web port 9080
}
relay echo {
	listen on $NET.1 port 8081
	protocol http
	table echo port 9081
}
relay ws {
	listen on $NET.1 port 8082
	protocol http
	table echo port 9082
}
relay nows {
	listen on $NET.1 port 8083
	protocol nows
	table echo port 9082
}
relay hints {
	listen on $NET.1 port 8084
	protocol http
	table echo port 9083
}
relay longer {
	listen on $NET.1 port 8085
	protocol http
	table anomaly port 9084
}
relay twolengths {
	listen on $NET.1 port 8086
	protocol http
	table anomaly port 9085
}
relay flaky {
	listen on $NET.1 port 8087
	protocol http
	table flaky port 9086
}
relay slow {
	listen on $NET.1 port 8088
	protocol http
	table slow port 9087
}
relay early {
	listen on $NET.1 port 8089
	protocol http
	table early port 9088
}
CONF
start_relay "$T/r.conf"

# Hop-by-hop fields from the client: none reaches the host, nor what
# Connection names, but what the relay adds does, named or not.
req hops 'GET /h HTTP/1.1\r\nHost: a\r\nConnection: X-Hop, X-Forwarded-For, Via\r\nX-Hop: 1\r\nKeep-Alive: timeout=9\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\nUpgrade: h2c\r\nX-Forwarded-For: 192.0.2.7\r\nX-End: 1\r\n\r\nGET /h2 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
PORT=8081 raw hops | tr -d '\r' >"$T/hops.out"
head=$(sed -n '/^GET \/h HTTP/,/^$/p' "$T/hops.out")
for f in X-Hop Keep-Alive Proxy-Connection TE Upgrade; do
	! echo "$head" | grep -qi "^$f:" ||
	    fail "hop-by-hop $f reached the host: $head"
done
echo "$head" | grep -q '^X-End: 1$' || fail "an end-to-end field lost: $head"
echo "$head" | grep -q '^X-Forwarded-For: 127.0.0.1$' ||
    fail "the client removed the relay's X-Forwarded-For: $head"
echo "$head" | grep -q '^Via: 1.1 hoststated$' ||
    fail "the client removed the relay's Via: $head"
! echo "$head" | grep -q '^Connection: .*[Xx]-' ||
    fail "the client's Connection crossed: $head"
# and from the host: its Connection, what it names and Keep-Alive stay.
! grep -qi '^X-Host-Hop:\|^Keep-Alive:\|^Connection: X-Host-Hop' \
    "$T/hops.out" || fail "the host's hop-by-hop fields crossed"
grep -q '^X-Kept: yes$' "$T/hops.out" || fail "the host's own field lost"
[ "$(grep -c '^HTTP/1.1 200' "$T/hops.out")" = 2 ] ||
    fail "two answers: $(cat "$T/hops.out")"
ok "hop-by-hop fields both ways, Connection's tokens; the relay's own stay"

# 1xx other than 100 are passed on before the answer.
req hint 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'
PORT=8084 raw hint | tr -d '\r' >"$T/hint.out"
[ "$(sed -n 1p "$T/hint.out")" = "HTTP/1.1 103 Early Hints" ] &&
    grep -q '^Link: </s.css>; rel=preload$' "$T/hint.out" &&
    grep -q '^HTTP/1.1 200 OK$' "$T/hint.out" &&
    [ "$(tail -c 2 "$T/hint.out")" = ok ] ||
    fail "103 then 200: $(cat "$T/hint.out")"
ok "an interim 103 reaches the client before the answer"

# 204 and 304 carry no body: the answers after them on the same
# connection stay whole.
U=http://$NET.1:8080
lm=$(curl -s -I "$U/251" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
[ -n "$lm" ] || fail "no Last-Modified from nginx"
got=$(curl -s -w '%{http_code}:%{num_connects} ' \
    -H "If-Modified-Since: $lm" -o "$T/n304" "$U/251" \
    --next -s -w '%{http_code}:%{num_connects} ' -o "$T/n204" \
    "$U/nocontent" -o "$T/g251" "$U/251" -o "$T/g16k" "$U/16k")
[ "$got" = "304:1 204:0 200:0 200:0 " ] || fail "304, 204 and more: $got"
[ ! -s "$T/n304" ] && [ ! -s "$T/n204" ] && cmp -s "$T/www/251" "$T/g251" &&
    cmp -s "$T/www/16k" "$T/g16k" || fail "bodies around a 304 and a 204"
ok "304 and 204 without bodies, then whole answers on the same connection"

# Upgrade: the 101 goes out, then bytes both ways; without websockets
# the request goes on as a plain one, its Upgrade dropped.
got=$("$HTTPTOOL" -T 10 ws $NET.1 8082 'hello tunnel')
echo "$got" | grep -q '^HTTP/1.1 101 ' && echo "$got" | grep -q 'hello tunnel' ||
    fail "upgrade: $got"
got=$("$HTTPTOOL" -T 10 ws $NET.1 8083 'hello' | head -1)
[ "$got" = "HTTP/1.1 502 Bad Gateway" ] ||
    fail "a 101 to a request whose Upgrade was dropped: $got"
ok "Upgrade: a tunnel after 101; without websockets the host's 101 is refused"

# A response longer than its length: the client gets the length, the
# connection is not used again.
got=$(curl -s -w ' %{num_connects}' "http://$NET.1:8085/a" "http://$NET.1:8085/b")
[ "$got" = "ok 1ok 0" ] || fail "longer answer: $got"
wait_until 5 grep -q '^req 2 ' "$T/longer.log" ||
    fail "the second request went on the same host connection: $(cat "$T/longer.log")"
got=$(curl -s -w '%{http_code} ' -o /dev/null "http://$NET.1:8086/a" \
    -o /dev/null "http://$NET.1:8086/b")
[ "$got" = "502 502 " ] || fail "two lengths: $got"
wait_until 5 grep -q '^req 2 ' "$T/two.log" ||
    fail "a connection reused after a 502: $(cat "$T/two.log")"
ok "no host connection used again after bytes past the end or a 502"

# The host closed a pooled connection: a GET goes again on a new one, a
# POST (not safe to repeat) gets 502.
got=$(curl -s -w '%{http_code} ' -o /dev/null "http://$NET.1:8087/1" \
    -o /dev/null "http://$NET.1:8087/2" -o /dev/null "http://$NET.1:8087/3")
[ "$got" = "200 200 200 " ] || fail "GET on a stale connection: $got"
got=$(curl -s -w '%{http_code} ' -o /dev/null "http://$NET.1:8087/4" \
    --next -s -w '%{http_code} ' -o /dev/null -d x=1 "http://$NET.1:8087/5")
[ "$got" = "200 502 " ] || fail "POST on a stale connection: $got"
[ "$(grep -c 'POST /5' "$T/flaky.log")" = 1 ] ||
    fail "POST sent twice: $(cat "$T/flaky.log")"
ok "a stale pooled connection: a GET sent again, a POST not"

# 100-continue answered early: the host's final answer before the
# body reaches the client, whose connection then closes (the body is
# never read as a request).
got=$(curl -s -w ' %{http_code}' -H 'Expect: 100-continue' \
    --expect100-timeout 5 --data-binary @"$T/www/16k" \
    "http://$NET.1:8089/up" -o "$T/early.out" 2>&1)
[ "$got" = " 413" ] && [ "$(cat "$T/early.out")" = no ] ||
    fail "an answer before the body: $got"
[ "$(grep -c '^req' "$T/early.log")" = 1 ] ||
    fail "the body was read as a request: $(cat "$T/early.log")"
ok "Expect: 100-continue answered before the body, the body never relayed"

# The request in flight, then the session's log line.
curl -s -o /dev/null -H 'X-Trace: t-9' "http://$NET.1:8088/in/flight" &
client=$!
wait_until 5 sh -c "echo sessions >&3; sleep 0.1; grep -q 'requests 1: GET $NET.1:8088 /in/flight -, log X-Trace: t-9' '$T/out'" ||
    fail "show sessions: $(cmd sessions)"
wait $client
wait_until 5 grep -q "relay slow: .*requests 1: GET $NET.1:8088 /in/flight 200, log X-Trace: t-9" "$T/err" ||
    fail "the session's log line: $(grep 'relay slow' "$T/err")"
grep "relay slow: .*/in/flight 200" "$T/err" | grep -q 'age 00:00:0[0-9]\.[0-9]*, .*bytes in [1-9][0-9]*, out [1-9][0-9]*' ||
    fail "duration and bytes: $(grep 'relay slow' "$T/err")"
ok "show sessions: the request in flight; the log line when it ends"
