# An HTTP relay's protocol actions behind a TLS listener, end to end:
# each request action as the host sees it and each answer action as
# curl sees it, the variables naming the TLS client and listener, the
# blocks answered in TLS and reaching no host, hash and match rules;
# TLS 1.2 and 1.3; ALPN selects http/1.1 for clients that offer it and
# nothing for a client offering only h2 (which gets an HTTP/1.1 answer,
# never h2); several requests on one TLS connection, each acted on;
# answers of megabytes whole, to a client that reads at once or pauses;
# an answer ended by the host's close; an upgrade tunnelled in TLS.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

[ -n "${HTTPTOOL:-}" ] || fail "HTTPTOOL is not set"
make_ca ca
make_cert web ca ec "DNS:web.test"

# hserve ADDR PORT [httptool options...]: an echo backend.
hserve() {
	local addr=$1 port=$2
	shift 2
	"$HTTPTOOL" -T 100 "$@" serve "$addr" "$port" echo &
	SERVERS="$SERVERS $!"
	wait_until 5 port_open "$addr" "$port" ||
	    fail "httptool on $addr:$port did not start"
}
hserve $NET.10 9081 -l "$T/echo.log" -H 'X-Secret: s3cr3t' \
    -H 'X-Debug: on' -H 'X-Status: fine'
hserve $NET.12 9081 -H 'X-Status: forbidden here'
for i in 21 22 23; do
	hserve $NET.$i 9081 -H "X-Backend: b$i"
done
hserve $NET.30 9081 -H "X-Backend: beta"
# An answer that ends at the host's close, and a host that upgrades.
head -c 300000 /dev/urandom >"$T/closed.body"
{
	printf 'HTTP/1.1 200 OK\r\nServer: httptool\r\n\r\n'
	cat "$T/closed.body"
} >"$T/closed.http"
for m in "50 raw $T/closed.http" "60 upgrade"; do
	set -- $m
	"$HTTPTOOL" -T 100 serve $NET.$1 9081 "${@:2}" &
	SERVERS="$SERVERS $!"
	wait_until 5 port_open $NET.$1 9081 || fail "httptool $2 did not start"
done
# A 4 MiB answer, the same to every request: the relay copies it into
# TLS (never splices: the client's leg is encrypted).
head -c 4194304 /dev/urandom >"$T/big.body"
{
	printf 'HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\n'
	printf 'Server: httptool\r\nX-Secret: s3cr3t\r\n\r\n'
	cat "$T/big.body"
} >"$T/big.http"
"$HTTPTOOL" -T 100 serve $NET.40 9081 keep "$T/big.http" &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.40 9081 || fail "httptool keep did not start"
cat >"$T/h.conf" <<CONF
prefork 1
interval 1
timeout 200
log connection
table back {
	check tcp
	host $NET.10
}
table forbidding {
	check tcp
	host $NET.12
}
table pool {
	check tcp
	host $NET.21
	host $NET.22
	host $NET.23
}
table beta {
	check tcp
	host $NET.30
}
table closed {
	check tcp
	host $NET.50
}
table upgrade {
	check tcp
	host $NET.60
}
table big {
	check tcp
	host $NET.40
}
protocol acts {
	protocol http
	header append "\$REMOTE_ADDR:\$REMOTE_PORT" to "X-Forwarded-For"
	header append "\$SERVER_ADDR:\$SERVER_PORT" to "X-Forwarded-By"
	header change "X-Env" to "prod \$TIMEOUT \$SERVER_NAME \$HOST"
	header remove "X-Internal"
	header expect "Host"
	header filter "*evil*" from "X-Agent"
	header filter "*nope*" from "X-Legal" status 451
	header log "X-Trace"
	cookie filter "bad*" from "session"
	cookie change "session" to "rewritten"
	cookie remove "tracking"
	cookie append "new" to "added"
	url filter "*drop*" from "q"
	url change "page" to "2"
	url remove "debug"
	url append "1" to "relayed"
	path filter "*cmd=*" from "/cgi-bin/*"
	path expect "tok=*" from "/secure/*"
	path change "/old/*" to "/new/"
	path append ".html" to "/page/*"
	path remove "/strip/*"
	response header change "Server" to "relay \$SERVER_PORT"
	response header remove "X-Secret"
	response header append "seen" to "X-Debug"
	response header filter "*forbidden*" from "X-Status"
	match request header "X-Beta" value "y*" forward to beta
}
protocol byheader {
	protocol http
	header hash "X-User"
}
relay acts {
	listen on $NET.1 port 8443 ssl
	protocol acts
	table back port 9081
	timeout 77
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay respblock {
	listen on $NET.1 port 8444 ssl
	protocol acts
	table forbidding port 9081
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay closed {
	listen on $NET.1 port 8447 ssl
	protocol acts
	table closed port 9081
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay upgrade {
	listen on $NET.1 port 8448 ssl
	protocol acts
	table upgrade port 9081
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay big {
	listen on $NET.1 port 8446 ssl
	protocol acts
	table big port 9081
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay byheader {
	listen on $NET.1 port 8445 ssl
	protocol byheader
	table pool port 9081 hash
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
CONF
start_daemon "$T/h.conf"
for r in acts respblock byheader big closed upgrade; do
	expect_status $r active 10
done
U=https://web.test:8443
# https ARGS...: curl through the relays, the name resolved to them.
https() {
	curl -s -m 10 --cacert "$PKI/ca.crt" \
	    --resolve "web.test:8443:$NET.1" --resolve "web.test:8444:$NET.1" \
	    --resolve "web.test:8445:$NET.1" --resolve "web.test:8446:$NET.1" \
	    --resolve "web.test:8447:$NET.1" \
	    "$@"
}
get() {
	https -H 'X-Internal: secret' -H 'X-Trace: t-1' \
	    -H 'X-Forwarded-For: 192.0.2.9' \
	    -b 'session=abc; tracking=t1; other=o' "$@"
}

# has TEXT PATTERN WHAT, lacks TEXT PATTERN WHAT: a line of TEXT
# matches PATTERN, or none does (in any case).
has() {
	echo "$1" | grep -q "$2" || fail "TLS $v: $3: $1"
}
lacks() {
	! echo "$1" | grep -qi "$2" || fail "TLS $v: $3: $1"
}

# check_acted VERSION: one request's actions, both ways, over that TLS
# version; the variables name this client's port and the listener.
check_acted() {
	local v=$1 got hdr port
	got=$(get -v --tlsv$v --tls-max $v -D "$T/h" \
	    -w 'local_port=%{local_port}\n' \
	    "$U/page/a?q=search&page=7&debug=1" 2>"$T/v" | tr -d '\r')
	hdr=$(tr -d '\r' <"$T/h")
	grep -q "SSL connection using TLSv$v" "$T/v" ||
	    fail "TLS $v: $(grep SSL "$T/v")"
	port=$(echo "$got" | sed -n 's/^local_port=//p')
	has "$got" "^GET /page/a.html?q=search&page=2&relayed=1 HTTP/1.1" \
	    "path append, url change/remove/append"
	has "$got" "^X-Forwarded-For: 192.0.2.9, 127.0.0.1:$port$" \
	    "\$REMOTE_ADDR:\$REMOTE_PORT (port $port)"
	has "$got" "^X-Forwarded-By: $NET.1:8443$" \
	    "\$SERVER_ADDR:\$SERVER_PORT"
	has "$got" "^X-Env: prod 77 hoststated web.test:8443$" \
	    "header change with variables"
	lacks "$got" '^X-Internal' "header remove"
	has "$got" '^Cookie: session=rewritten; other=o; added=new$' \
	    "cookie change, remove, append"
	has "$hdr" "^Server: relay 8443$" "response header change"
	lacks "$hdr" '^X-Secret' "response header remove"
	has "$hdr" '^X-Debug: on, seen$' "response header append"
}
check_acted 1.2
check_acted 1.3
ok "header, cookie, url and path actions both ways over TLS 1.2 and 1.3," \
    "variables of the TLS client"

got=$(get "$U/old/x?keep=1"; get "$U/strip/y?z=1")
echo "$got" | grep -q '^GET /new/?keep=1&page=2&relayed=1 HTTP' ||
    fail "path change: $got"
echo "$got" | grep -q '^GET /strip/y HTTP' || fail "path remove: $got"
ok "path change and remove over TLS"

# What blocks: its status and page in TLS, and no request out.
before=$(grep -c '^req' "$T/echo.log")
block() {
	local want=$1 what=$2 got
	shift 2
	got=$(https -o "$T/page" -w '%{http_code}' "$@")
	[ "$got" = "$want" ] || fail "$what: $got, want $want"
	grep -q "<h1>$want " "$T/page" || fail "$what: no page"
}
block 403 "header filter" -H 'X-Agent: so evil' "$U/a"
block 451 "filter's status" -H 'X-Legal: nope' "$U/a"
block 403 "cookie filter" -b 'session=bad1' "$U/a"
block 403 "url filter" "$U/a?q=dropit"
block 403 "path filter" "$U/cgi-bin/x.cgi?cmd=ls"
block 403 "path expect" "$U/secure/x?tok"
block 403 "header expect Host" --http1.0 -H "Host:" "$U/a"
[ "$(grep -c '^req' "$T/echo.log")" = "$before" ] ||
    fail "a blocked request reached the host: $(tail -3 "$T/echo.log")"
got=$(https -o /dev/null -w '%{http_code}' "$U/secure/x?tok=1")
[ "$got" = 200 ] || fail "path expect that holds: $got"
got=$(https -o "$T/page" -w '%{http_code}' "https://web.test:8444/a")
[ "$got" = 403 ] && ! grep -q '^GET /a' "$T/page" ||
    fail "response filter: $got $(cat "$T/page")"
grep -q 'blocked by header filter "X-Agent" (value "so evil"): 403' \
    "$LOG" || fail "block not logged: $(grep blocked "$LOG")"
grep -q 'answer 200 to GET /a blocked by header filter "X-Status"' \
    "$LOG" || fail "response block not logged"
ok "filters and expects block over TLS with their status, logged, no host"

wait_until 5 grep -q 'log X-Trace: t-1' "$LOG" ||
    fail "logged key: $(grep 'relay acts' "$LOG")"
ok "a log action's key and value in the session's line"

got=$(https -D - -o /dev/null -H 'X-Beta: yes' "$U/x" | tr -d '\r' |
    sed -n 's/^X-Backend: //p')
[ "$got" = beta ] || fail "match request header: $got"
: >"$T/spread"
for u in 1 2 3 4 5 6 7 8; do
	for k in 1 2; do
		https -D - -o /dev/null -H "X-User: u$u" \
		    "https://web.test:8445/x" | tr -d '\r' |
		    sed -n 's/^X-Backend: //p'
	done | sort -u >"$T/one"
	[ "$(wc -l <"$T/one")" = 1 ] ||
	    fail "user u$u on $(tr '\n' ' ' <"$T/one")"
	cat "$T/one" >>"$T/spread"
done
[ "$(sort -u "$T/spread" | wc -l)" -ge 2 ] || fail "every user on one host"
ok "match rules and header hash choose the host over TLS"

# ALPN: http/1.1 whether offered alone (curl --http1.1) or after h2.
https -v --http1.1 -o /dev/null "$U/x" 2>&1 |
    grep -q "ALPN.*server accepted.*http/1.1" ||
    fail "curl --http1.1: no http/1.1 accepted by ALPN"
got=$(https -v --http2 -o /dev/null -w 'version=%{http_version}\n' "$U/x" 2>&1)
echo "$got" | grep -q "ALPN.*offers h2" &&
    echo "$got" | grep -q "ALPN.*server accepted.*http/1.1" &&
    echo "$got" | grep -q '^version=1.1$' ||
    fail "curl offering h2 and http/1.1: $(echo "$got" | grep 'ALPN\|version')"
for v in 1_2 1_3; do
	s_client -connect $NET.1:8443 -servername web.test -tls$v \
	    -alpn h2,http/1.1 | grep -q "^ALPN protocol: http/1.1$" ||
	    fail "s_client -alpn h2,http/1.1 (TLS $v)"
done
ok "ALPN: http/1.1 chosen for a client offering it alone or after h2"

# Only h2 offered: no protocol is selected (the handshake goes on), an
# HTTP/1.1 request is served, and h2's preface gets an HTTP/1.1 error.
out=$(s_client -connect $NET.1:8443 -servername web.test -alpn h2)
echo "$out" | grep -q "^No ALPN negotiated$" ||
    fail "only h2 offered: $(echo "$out" | grep -i alpn)"
out=$(printf 'GET /x HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\n\r\n' |
    timeout 10 openssl s_client -quiet -connect $NET.1:8443 \
    -servername web.test -alpn h2 2>/dev/null | tr -d '\r')
echo "$out" | grep -q '^HTTP/1.1 200 ' &&
    echo "$out" | grep -q '^X-Forwarded-By: ' ||
    fail "only h2 offered, then HTTP/1.1: $out"
out=$(printf 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' |
    timeout 10 openssl s_client -quiet -connect $NET.1:8443 \
    -servername web.test -alpn h2 2>/dev/null | tr -d '\r')
echo "$out" | head -1 | grep -q '^HTTP/1.1 505 ' ||
    fail "h2's preface: $out"
kill -0 "$(relay_pids)" || fail "the relay process is gone"
ok "only h2 offered: no ALPN, HTTP/1.1 served," \
    "h2's preface answered 505 in HTTP/1.1"

# Keep-alive: five requests on one TLS connection, each acted on.
for v in 1.2 1.3; do
	args=()
	for i in 1 2 3 4 5; do
		args+=(-o "$T/b$i" "$U/page/k$i?debug=1")
	done
	got=$(get --tlsv$v --tls-max $v -D "$T/h" \
	    -w '%{num_connects}\n' "${args[@]}" | tr '\n' ' ')
	[ "$got" = "1 0 0 0 0 " ] || fail "TLS $v: connections: $got"
	for i in 1 2 3 4 5; do
		tr -d '\r' <"$T/b$i" |
		    grep -q "^GET /page/k$i.html?page=2&relayed=1 HTTP/1.1" &&
		    tr -d '\r' <"$T/b$i" | grep -q '^X-Forwarded-By: ' &&
		    ! tr -d '\r' <"$T/b$i" | grep -qi '^X-Internal' ||
		    fail "TLS $v: request $i: $(cat "$T/b$i")"
	done
	[ "$(tr -d '\r' <"$T/h" | grep -c '^Server: relay 8443$')" = 5 ] &&
	    [ "$(tr -d '\r' <"$T/h" | grep -ci '^X-Secret')" = 0 ] &&
	    [ "$(tr -d '\r' <"$T/h" | grep -c '^X-Debug: on, seen$')" = 5 ] ||
	    fail "TLS $v: answers: $(cat "$T/h")"
done
ok "five requests on one TLS connection (1.2 and 1.3), each acted on both ways"

# A blocked request between two on one TLS connection: the relay's
# answer closes it (Connection: close), the next request comes on a new
# one and is acted on.
got=$(https -w '%{http_code}:%{num_connects}\n' -o /dev/null -D "$T/h" \
    -o /dev/null -o "$T/b3" "$U/page/m1" "$U/a?q=dropit" "$U/page/m3" |
    tr '\n' ' ')
[ "$got" = "200:1 403:0 200:1 " ] || fail "allowed, blocked, allowed: $got"
tr -d '\r' <"$T/h" | grep -q '^Connection: close$' ||
    fail "the block's answer: $(cat "$T/h")"
tr -d '\r' <"$T/b3" | grep -q '^GET /page/m3.html?page=2&relayed=1 HTTP/1.1' ||
    fail "after a block: $(cat "$T/b3")"
ok "a block between two requests closes the TLS connection;" \
    "the next is acted on"

# Three requests in one write, so in one TLS record: the relay reads
# the two behind the first out of what OpenSSL holds, and acts on each.
req=""
for i in 1 2 3; do
	req="${req}GET /page/p$i HTTP/1.1\r\nHost: web.test\r\n"
	[ $i = 3 ] && req="${req}Connection: close\r\n"
	req="${req}\r\n"
done
out=$(printf "$req" | timeout 10 openssl s_client -quiet -ign_eof \
    -connect $NET.1:8443 -servername web.test 2>/dev/null | tr -d '\r' |
    grep '^HTTP/\|^GET \|^Server: ' | tr '\n' '|')
want=""
for i in 1 2 3; do
	want="${want}HTTP/1.1 200 OK|Server: relay 8443|"
	want="${want}GET /page/p$i.html?page=2&relayed=1 HTTP/1.1|"
done
[ "$out" = "$want" ] || fail "three pipelined requests: $out"
ok "three pipelined requests in one TLS record, each answered and acted on"

# Large answers: 4 MiB twice on one TLS connection, byte-exact, their
# heads acted on; then to a client that stops reading for a while, so
# that the socket fills and the relay must wait to write.
want=$(sha256sum <"$T/big.body")
for v in 1.2 1.3; do
	got=$(https --tlsv$v --tls-max $v -D "$T/h" -o "$T/big1" -o "$T/big2" \
	    -w '%{num_connects}\n' https://web.test:8446/a \
	    https://web.test:8446/b | tr '\n' ' ')
	[ "$got" = "1 0 " ] || fail "TLS $v: 4 MiB answers: connections $got"
	for f in big1 big2; do
		[ "$(sha256sum <"$T/$f")" = "$want" ] ||
		    fail "TLS $v: $f: $(wc -c <"$T/$f") bytes, not the host's"
	done
	[ "$(tr -d '\r' <"$T/h" | grep -c '^Server: relay 8446$')" = 2 ] &&
	    [ "$(tr -d '\r' <"$T/h" | grep -ci '^X-Secret')" = 0 ] ||
	    fail "TLS $v: 4 MiB answers' heads: $(cat "$T/h")"
	got=$(https --tlsv$v --tls-max $v https://web.test:8446/c |
	    { sleep 1; sha256sum; })
	[ "$got" = "$want" ] || fail "TLS $v: 4 MiB to a client that pauses"
done
ok "4 MiB answers on one TLS connection (1.2 and 1.3), byte-exact," \
    "heads acted on, a pausing client too"

# An answer without a length, ended by the host's close: whole, its
# head acted on, and the TLS connection closed after it.
got=$(https -D "$T/h" -o "$T/closed" -w '%{http_code}' \
    https://web.test:8447/a) || fail "close-delimited answer: curl failed"
[ "$got" = 200 ] && cmp -s "$T/closed" "$T/closed.body" ||
    fail "close-delimited answer: $got, $(wc -c <"$T/closed") bytes"
tr -d '\r' <"$T/h" | grep -q '^Server: relay 8447$' ||
    fail "close-delimited answer's head: $(cat "$T/h")"
ok "an answer ended by the host's close comes whole over TLS, acted on"

# An upgrade: the 101 acted on, then bytes both ways inside TLS.
coproc UP { timeout 10 openssl s_client -quiet -connect $NET.1:8448 \
    -servername web.test 2>/dev/null; }
printf 'GET / HTTP/1.1\r\nHost: web.test\r\nConnection: Upgrade\r\n'"\
"'Upgrade: websocket\r\n\r\n' >&"${UP[1]}"
head=""
while IFS= read -r -t 5 line <&"${UP[0]}"; do
	line=${line%$'\r'}
	[ -z "$line" ] && break
	head="$head$line|"
done
case $head in
"HTTP/1.1 101 "*"|Server: relay 8448|"*) ;;
*) fail "upgrade over TLS: $head" ;;
esac
printf 'through the tunnel\n' >&"${UP[1]}"
IFS= read -r -t 5 line <&"${UP[0]}" || line="(nothing)"
[ "$line" = "through the tunnel" ] || fail "upgraded, the echo: $line"
kill "$UP_PID" 2>/dev/null
ok "an upgrade over TLS: the 101 acted on, then bytes both ways"
