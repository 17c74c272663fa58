# HTTP relays with TLS towards their hosts, nginx with a certificate as
# the host (httptool behind it echoes what it gets): ALPN http/1.1 and
# TLS 1.3 with the host; one kept TLS connection serves many clients;
# the host verified by a ca file, refused when another CA signed it
# (502, logged), as is one that speaks no TLS; SNI for a host named by
# name; sessions resumed when the host closes after every answer; two
# relays whose TLS differs never share a connection; bodies byte-exact
# both ways, TLS on both legs, with the protocol's actions too; an
# upgrade's tunnel over TLS; a reload's new TLS context takes none of
# the old connections; a ticket or key update while a connection is
# idle keeps it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

[ -n "${HTTPTOOL:-}" ] && [ -n "${TLSTOOL:-}" ] ||
    fail "HTTPTOOL or TLSTOOL is not set"
command -v nginx >/dev/null || fail "nginx not installed (tools/deps)"
make_ca ca
make_ca other
make_cert web ca ec "DNS:localhost,IP:$NET.20"
make_cert front ca ec "DNS:front.test"
make_cert late ca ec "IP:$NET.10"
"$TLSTOOL" -T 120 -c "$PKI/late.crt" -k "$PKI/late.key" \
    serve $NET.10 9444 late &
SERVERS="$SERVERS $!"
"$TLSTOOL" -T 120 -c "$PKI/late.crt" -k "$PKI/late.key" \
    serve $NET.10 9445 lateonly &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.10 9444 || fail "tlstool serve did not start"
wait_until 5 port_open $NET.10 9445 || fail "tlstool serve did not start"
LP=$((20000 + RANDOM % 20000))
"$HTTPTOOL" -T 120 serve $NET.10 9081 echo &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.10 9081 || fail "httptool did not start"
"$HTTPTOOL" -T 120 serve $NET.10 9083 upgrade &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.10 9083 || fail "httptool (upgrade) did not start"
mkdir -p "$T/nginx/www"
head -c 2097152 /dev/urandom >"$T/nginx/www/big"
cat >"$T/nginx/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events {
	worker_connections 128;
}
http {
	access_log off;
	ssl_certificate $PKI/web.crt;
	ssl_certificate_key $PKI/web.key;
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_session_cache shared:s:1m;
	keepalive_timeout 60s;
	server {
		listen $NET.20:8443 ssl;
		listen 127.0.0.1:$LP ssl;
		location /info {
			return 200 "sni=\$ssl_server_name reused=\$ssl_session_reused conn=\$connection alpn=\$ssl_alpn_protocol tls=\$ssl_protocol\n";
		}
		location /ws {
			proxy_pass http://$NET.10:9083;
			proxy_http_version 1.1;
			proxy_set_header Upgrade \$http_upgrade;
			proxy_set_header Connection upgrade;
		}
		location /big {
			root $T/nginx/www;
		}
		location / {
			proxy_pass http://$NET.10:9081;
			proxy_http_version 1.1;
			proxy_request_buffering off;
		}
	}
	server {
		listen $NET.20:8444 ssl;
		keepalive_requests 1;
		location / {
			return 200 "reused=\$ssl_session_reused conn=\$connection\n";
		}
	}
}
CONF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" >"$T/nginx/out" 2>&1 &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.20 8443 ||
    fail "nginx did not start: $(cat "$T/nginx/out" "$T/nginx/error.log")"
wait_until 5 port_open 127.0.0.1 $LP || fail "nginx: 127.0.0.1:$LP taken"

# The configuration, with CA as the verifying protocol's ca file.
conf() {
	cat <<CONF
prefork 1
interval 1
timeout 200
table web {
	real port 8443
	host $NET.20
}
protocol web {
	protocol http
}
protocol verified {
	protocol http
	tls { ca file "$PKI/$1.crt" }
}
protocol acts {
	protocol http
	header append "\$REMOTE_ADDR" to "X-Forwarded-For"
	header change "X-Env" to "prod \$SERVER_PORT"
	header remove "X-Internal"
	header filter "*evil*" from "X-Agent"
	url append "1" to "relayed"
	response header change "Server" to "relay \$SERVER_PORT"
}
protocol wrongca {
	protocol http
	tls { ca file "$PKI/other.crt" }
}
relay unverified {
	listen on $NET.1 port 8001
	protocol web
	forward with tls to $NET.20 port 8443
}
relay verified {
	listen on $NET.1 port 8002
	protocol verified
	table web with ssl
}
relay wrongca {
	listen on $NET.1 port 8003
	protocol wrongca
	forward with tls to <web> port 8443
}
relay named {
	listen on $NET.1 port 8004
	protocol verified
	forward with ssl to localhost port $LP
}
relay oneshot {
	listen on $NET.1 port 8005
	protocol web
	forward with tls to $NET.20 port 8444
}
relay notls {
	listen on $NET.1 port 8006
	protocol web
	forward with tls to $NET.10 port 9081
}
relay acts {
	listen on $NET.1 port 8444 ssl
	protocol acts
	forward with tls to $NET.20 port 8443
	ssl certificate "$PKI/front.crt"
	ssl key "$PKI/front.key"
}
relay late {
	listen on $NET.1 port 8007
	protocol web
	forward with tls to $NET.10 port 9444
}
relay lateonly {
	listen on $NET.1 port 8008
	protocol web
	forward with tls to $NET.10 port 9445
}
relay both {
	listen on $NET.1 port 8443 ssl
	protocol web
	forward with tls to $NET.20 port 8443
	ssl certificate "$PKI/front.crt"
	ssl key "$PKI/front.key"
}
CONF
}
conf ca >"$T/h.conf"
start_daemon "$T/h.conf" -v
for r in unverified verified wrongca named oneshot notls late lateonly acts \
    both; do
	expect_status $r active 5
done

# get PORT PATH: the body of a GET through the relay on PORT.
get() {
	curl -s -m 10 "http://$NET.1:$1$2"
}
conn_of() {
	get "$1" /info | sed -n 's/.* conn=\([0-9]*\) .*/\1/p'
}

out=$(get 8001 /info)
echo "$out" | grep -q "^sni= reused=. conn=[0-9]* alpn=http/1.1 tls=TLSv1.3$" ||
    fail "forward with tls: $out"
ok "HTTP over TLS to the host: TLS 1.3, ALPN http/1.1, no SNI for an address"

# Clients one after the other: one kept connection to the host.
first=$(conn_of 8001)
for i in 1 2 3 4 5; do
	c=$(conn_of 8001)
	[ -n "$c" ] && [ "$c" = "$first" ] ||
	    fail "client $i: host connection $c, not the kept $first"
done
ok "six clients in turn, one kept TLS connection to the host ($first)"

out=$(get 8002 /info)
echo "$out" | grep -q "^sni= reused=. conn=[0-9]* alpn=http/1.1" ||
    fail "table with ssl, verified: $out"
ok "a table with ssl, the host verified by the ca file"

code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://$NET.1:8003/info")
[ "$code" = 502 ] || fail "a host another CA signed: $code"
wait_until 5 grep -q "relay wrongca: host TLS handshake failed: certificate verify failed" "$LOG" ||
    fail "no log line for the refused host: $(grep wrongca "$LOG")"
ok "a host whose certificate the ca file does not sign: 502, logged"

code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://$NET.1:8006/info")
[ "$code" = 502 ] || fail "a host that speaks no TLS: $code"
wait_until 5 grep -q "relay notls: host TLS handshake failed" "$LOG" ||
    fail "no log line for the host without TLS: $(grep notls "$LOG")"
ok "a host that answers the hello in plain HTTP: 502, logged"

get 8004 /info | grep -q "^sni=localhost reused=. conn=[0-9]* alpn=http/1.1" ||
    fail "SNI towards a host by name: $(get 8004 /info)"
ok "SNI and verification by the name the configuration gives"

# Each answer closes the connection: each next one resumes the session.
get 8005 / | grep -q "^reused=" || fail "oneshot: $(get 8005 /)"
n=0 prev=
for i in 1 2 3 4 5; do
	out=$(get 8005 /)
	c=${out#*conn=}
	[ "$c" != "$prev" ] || fail "oneshot: connection $c kept"
	prev=$c
	case $out in reused=r*) n=$((n + 1)) ;; esac
done
[ "$n" = 5 ] || fail "sessions resumed with the host: $n of 5"
ok "a new connection to the host resumes its session: $n of 5"

# A ticket and a key update reach the kept connection while it is idle
# (50 ms after each answer): it stays kept.
first=$(get 8007 /)
for i in 2 3 4; do
	sleep 1
	got=$(get 8007 /)
	[ "$got" = "${first% *} req=$i" ] ||
	    fail "after a ticket while idle: $got, first $first"
done
ok "a ticket and a key update while idle: the connection stays kept"

# A host whose only ticket comes while the connection is idle, and which
# closes it 200 ms later: the next connection resumes with that ticket.
# host_gone ANSWER: the host's process that gave ANSWER has ended.
host_gone() {
	local pid=${1%% *}

	! kill -0 "${pid#conn=}" 2>/dev/null
}
for i in 1 2 3; do
	a=$(get 8008 /)
	case $a in *" req=1 reused="[01]) ;; *) fail "lateonly: $a" ;; esac
	wait_until 5 host_gone "$a" || fail "the host did not close: $a"
	sleep 0.2	# for the relay to read the close of its kept one
	b=$(get 8008 /)
	[ "${b##* }" = reused=1 ] && [ "${a%% *}" != "${b%% *}" ] ||
	    fail "a ticket given while idle was not offered: $a, then $b"
	wait_until 5 host_gone "$b" || fail "the host did not close: $b"
done
ok "a ticket given to an idle kept connection resumes the next one"

# The unverified relay's kept connection is not the verified one's,
# though both go to $NET.20:8443.
a=$(conn_of 8001) b=$(conn_of 8002) a2=$(conn_of 8001) b2=$(conn_of 8002)
[ "$a" = "$a2" ] && [ "$b" = "$b2" ] && [ "$a" != "$b" ] ||
    fail "kept connections: unverified $a $a2, verified $b $b2"
ok "relays whose TLS differs keep their own connections ($a, $b)"

head -c 300000 /dev/urandom >"$T/body"
want=$(curl -s --data-binary @"$T/body" "http://$NET.10:9081/x" |
    grep '^body=')
https() {
	curl -s -m 10 --cacert "$PKI/ca.crt" \
	    --resolve "front.test:8443:$NET.1" "$@"
}
for u in "http://$NET.1:8001/x" https://front.test:8443/x; do
	got=$(https --data-binary @"$T/body" "$u" | grep '^body=')
	[ -n "$want" ] && [ "$got" = "$want" ] ||
	    fail "$u: $got, want $want"
	got=$(https -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
	    "$u" | grep '^body=')
	[ "$got" = "$want" ] || fail "$u chunked: $got, want $want"
done
want=$(sha256sum <"$T/nginx/www/big")
got=$(https https://front.test:8443/big | sha256sum)
[ "$got" = "$want" ] || fail "2 MiB from the host over both legs"
ok "300 KB up, whole and chunked, and 2 MiB down, byte-exact"

# The protocol's actions with TLS on both legs: what the host behind
# nginx gets, and what the client gets back.
got=$(curl -s -m 10 --cacert "$PKI/ca.crt" -D "$T/acts.h" \
    --resolve "front.test:8444:$NET.1" -H 'X-Internal: secret' \
    -H 'X-Env: dev' "https://front.test:8444/a?q=1" |
    tr -d '\r')
echo "$got" | grep -q '^GET /a?q=1&relayed=1 HTTP/1.1' ||
    fail "url append over both legs: $got"
echo "$got" | grep -q '^X-Env: prod 8444$' ||
    fail "header change over both legs: $got"
echo "$got" | grep -q "^X-Forwarded-For: 127.0.0.1" ||
    fail "header append over both legs: $got"
! echo "$got" | grep -qi '^X-Internal' ||
    fail "header remove over both legs: $got"
grep -q '^Server: relay 8444' "$T/acts.h" ||
    fail "response header change: $(cat "$T/acts.h")"
code=$(curl -s -m 10 --cacert "$PKI/ca.crt" -o /dev/null -w '%{http_code}' \
    --resolve "front.test:8444:$NET.1" -H 'X-Agent: so evil' \
    "https://front.test:8444/a")
[ "$code" = 403 ] || fail "header filter over both legs: $code"
ok "the protocol's actions with TLS on both legs"

# nginx ends an upgraded connection at either side's end, so the client
# reads its echo back before it closes (no half close).
ws_echo() {
	local line status=
	exec 3<>"/dev/tcp/$NET.1/8001" || return 1
	printf 'GET /ws HTTP/1.1\r\nHost: ws.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' >&3
	while IFS= read -r -t 5 line <&3; do
		line=${line%$'\r'}
		[ -n "$status" ] || status=$line
		[ -n "$line" ] || break
	done
	printf '%s' "$1" >&3
	IFS= read -r -t 5 -N ${#1} line <&3
	exec 3<&-
	echo "$status|$line"
}
got=$(ws_echo 'hello tunnel')
case $got in
"HTTP/1.1 101 "*"|hello tunnel") ;;
*) fail "upgrade over TLS to the host: $got" ;;
esac
ok "a 101 from the host over TLS, then bytes both ways"

# A reload makes new TLS contexts: the next request a new connection.
before=$(conn_of 8002)
[ "$(conn_of 8002)" = "$before" ] || fail "verified: not kept before"
ctl reload >/dev/null || fail "reload"
conn_not() {
	after=$(conn_of 8002)
	[ -n "$after" ] && [ "$after" != "$1" ]
}
wait_until 5 conn_not "$before" ||
    fail "after a reload: connection $after, before $before"
ok "after a reload, a new TLS connection to the host ($before, then $after)"
