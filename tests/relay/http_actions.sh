# The protocol's actions: append, change, remove, expect, filter, hash and
# log on headers (both directions), cookies, query keys and paths, with
# the variables; what blocks answers 403 (or its status), is logged with
# key and value, and reaches no host.  The seed's sample protocol works
# as written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

start_nginx $NET.10 9080
hserve $NET.11 9081 -l "$T/echo.log" -H 'X-Secret: s3cr3t' \
    -H 'X-Debug: on' -H 'X-Status: fine' -- echo
hserve $NET.12 9081 -H 'X-Status: forbidden here' -- echo
for i in 21 22 23; do
	hserve $NET.$i 9081 -H "X-Backend: b$i" -- echo
done
cat >"$T/r.conf" <<CONF
log connection
table web {
	host $NET.10
}
table back {
	host $NET.11
}
table forbidding {
	host $NET.12
}
table pool {
	host $NET.21
	host $NET.22
	host $NET.23
}
# The seed's sample, as written there.
protocol http {
	protocol http
	header append "\$REMOTE_ADDR" to "X-Forwarded-For"
	header append "\$SERVER_ADDR:\$SERVER_PORT" to "X-Forwarded-By"
	header change "Connection" to "close"
}
protocol acts {
	protocol http
	header append "\$REMOTE_ADDR:\$REMOTE_PORT" to "X-Forwarded-For"
	header change "X-Env" to "prod \$TIMEOUT \$SERVER_NAME \$HOST"
	header remove "X-Internal"
	header expect "Host"
	header expect "curl/*" from "User-Agent"
	header filter "*evil*" from "X-Agent"
	header filter "*nope*" from "X-Legal" status 451
	header log "X-Trace"
	cookie filter "bad*" from "session"
	cookie log "session"
	cookie change "session" to "rewritten"
	cookie remove "tracking"
	cookie append "new" to "added"
	url filter "*drop*" from "q"
	url log "q"
	url change "page" to "2"
	url remove "debug"
	url append "1" to "relayed"
	path filter "*cmd=*" from "/cgi-bin/*"
	path expect "tok=*" from "/secure/*"
	path change "/old/*" to "/new/"
	path append ".html" to "/page/*"
	path remove "/strip/*"
	path log "/api/*"
	response header change "Server" to "relay \$SERVER_PORT"
	response header remove "X-Secret"
	response header append "seen" to "X-Debug"
	response header log "X-Conn"
	response header filter "*forbidden*" from "X-Status"
	response header expect "X-Req"
}
protocol byheader {
	protocol http
	header hash "X-User"
}
protocol bycookie {
	protocol http
	cookie hash "sid"
}
relay seed {
	listen on $NET.1 port 8080
	protocol http
	table web port 9080
}
relay acts {
	listen on $NET.1 port 8081
	protocol acts
	table back port 9081
	timeout 77
}
relay respblock {
	listen on $NET.1 port 8084
	protocol acts
	table forbidding port 9081
}
relay byheader {
	listen on $NET.1 port 8082
	protocol byheader
	table pool port 9081 hash
}
relay bycookie {
	listen on $NET.1 port 8083
	protocol bycookie
	table pool port 9081 hash
}
CONF
start_relay "$T/r.conf"

# The seed's protocol: the headers it adds, Connection: close to the
# host (which then closes each time), the client kept alive.
got=$(curl -s -w '%{num_connects}\n' "http://$NET.1:8080/echo" \
    "http://$NET.1:8080/echo")
want="xff=127.0.0.1 by=$NET.1:8080 conn=close via=1.1 hoststated"
[ "$(echo "$got" | grep -c "$want")" = 2 ] || fail "seed sample: $got"
[ "$(echo "$got" | grep -c '^[01]$')" = 2 ] &&
    echo "$got" | grep -q '^0$' || fail "client not kept alive: $got"
[ "$(awk '{ print $1 }' "$T/nginx.log" | sort -u | wc -l)" = 2 ] ||
    fail "Connection: close to the host was not honoured"
ok "the seed's sample protocol, as written"

U=http://$NET.1:8081
get() {
	curl -s -H 'X-Internal: secret' -H 'X-Trace: t-1' \
	    -H 'X-Forwarded-For: 192.0.2.9' \
	    -b 'session=abc; tracking=t1; other=o' "$@"
}
got=$(get -D "$T/h" "$U/page/a?q=search&page=7&debug=1" | tr -d '\r')
hdr=$(tr -d '\r' <"$T/h")
echo "$got" | grep -q "^GET /page/a.html?q=search&page=2&relayed=1 HTTP/1.1" ||
    fail "path append, url change/remove/append: $got"
echo "$got" | grep -q "^X-Forwarded-For: 192.0.2.9, 127.0.0.1:[0-9]*$" ||
    fail "header append with variables: $got"
echo "$got" | grep -q "^X-Env: prod 77 hoststated $NET.1:8081$" ||
    fail "header change with variables: $got"
! echo "$got" | grep -q '^X-Internal' || fail "header remove: $got"
echo "$got" | grep -q '^Cookie: session=rewritten; other=o; added=new$' ||
    fail "cookie change, remove, append: $got"
echo "$hdr" | grep -q "^Server: relay 8081$" ||
    fail "response header change: $hdr"
! echo "$hdr" | grep -q '^X-Secret' || fail "response header remove: $hdr"
echo "$hdr" | grep -q '^X-Debug: on, seen$' ||
    fail "response header append: $hdr"
ok "header, cookie, url and path changes, both ways, with variables"

got=$(get "$U/old/x?keep=1"; get "$U/strip/y?z=1"; get "$U/api/v1?k=v")
echo "$got" | grep -q '^GET /new/?keep=1&page=2&relayed=1 HTTP' ||
    fail "path change: $got"
echo "$got" | grep -q '^GET /strip/y HTTP' || fail "path remove: $got"
echo "$got" | grep -q '^GET /api/v1?k=v&page=2&relayed=1 HTTP' ||
    fail "url change adding its key: $got"
ok "path change and remove; url change adds a missing key"

# An asterisk-form target has no path or query to change.
req star 'OPTIONS * HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8\r\nConnection: close\r\n\r\n'
got=$(PORT=8081 raw star | tr -d '\r' | grep '^OPTIONS ')
[ "$got" = "OPTIONS * HTTP/1.1" ] || fail "OPTIONS *: $got"
ok "OPTIONS * goes on unchanged by url and path actions"

# Logged keys: in the session's line when it ends.
wait_until 5 grep -q 'log X-Trace: t-1, session: abc, q: search, X-Conn: ' \
    "$T/err" || fail "logged keys: $(grep 'relay acts' "$T/err")"
wait_until 5 grep -q 'log X-Trace: t-1, session: abc, path: /api/v1?k=v&page=2&relayed=1, X-Conn: ' \
    "$T/err" || fail "path log: $(grep 'relay acts' "$T/err")"
ok "log actions' keys and values in the session's line"

# What blocks: its status and page, a log line, and no request out.
before=$(grep -c '^req' "$T/echo.log")
block() {
	local want=$1 what=$2
	shift 2
	got=$(curl -s -o "$T/page" -w '%{http_code}' "$@")
	[ "$got" = "$want" ] || fail "$what: $got, want $want"
	grep -q "<h1>$want " "$T/page" || fail "$what: no page"
}
block 403 "header filter" -H 'X-Agent: so evil' "$U/a"
block 451 "filter's status" -H 'X-Legal: nope' "$U/a"
block 403 "header expect value" -A 'wget/1' "$U/a"
block 403 "cookie filter" -b 'session=bad1' "$U/a"
block 403 "url filter" "$U/a?q=dropit"
block 403 "path filter" "$U/cgi-bin/x.cgi?cmd=ls"
block 403 "path expect" "$U/secure/x?tok"
req nohost 'GET /a HTTP/1.0\r\nUser-Agent: curl/8\r\n\r\n'
PORT=8081 raw nohost | status_of | grep -q 403 || fail "header expect Host"
[ "$(grep -c '^req' "$T/echo.log")" = "$before" ] ||
    fail "a blocked request reached the host: $(tail -3 "$T/echo.log")"
got=$(get -o /dev/null -w '%{http_code}' "$U/secure/x?tok=1")
[ "$got" = 200 ] || fail "path expect that holds: $got"
grep -q 'blocked by header filter "X-Agent" (value "so evil"): 403' \
    "$T/err" || fail "blocked, not logged: $(grep blocked "$T/err")"
grep -q 'blocked by cookie filter "session" (value "bad1")' "$T/err" ||
    fail "cookie block not logged"
ok "expect and filter block with 403 (or their status), logged, no host"

# A blocked answer: the host's answer does not reach the client.
got=$(curl -s -o "$T/page" -w '%{http_code}' "http://$NET.1:8084/a")
[ "$got" = 403 ] && ! grep -q '^GET /a' "$T/page" ||
    fail "response filter: $got $(cat "$T/page")"
grep -q 'answer 200 to GET /a blocked by header filter "X-Status"' \
    "$T/err" || fail "response block not logged"
ok "a response filter blocks the host's answer"

# hash: the same X-User (or sid cookie) always to the same host, and
# the users spread.
for port in 8082 8083; do
	: >"$T/spread"
	for u in 1 2 3 4 5 6 7 8 9 10 11 12; do
		for k in 1 2 3; do
			if [ $port = 8082 ]; then
				curl -s -D - -o /dev/null -H "X-User: u$u" \
				    "http://$NET.1:$port/x"
			else
				curl -s -D - -o /dev/null -b "sid=u$u" \
				    "http://$NET.1:$port/x"
			fi | tr -d '\r' | sed -n 's/^X-Backend: //p'
		done | sort -u >"$T/one"
		[ "$(wc -l <"$T/one")" = 1 ] ||
		    fail "user u$u on $(cat "$T/one" | tr '\n' ' ') ($port)"
		cat "$T/one" >>"$T/spread"
	done
	[ "$(sort -u "$T/spread" | wc -l)" -ge 2 ] ||
	    fail "every user on one host ($port)"
done
ok "hash by a header and by a cookie: each user sticks to a host"
