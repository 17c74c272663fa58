# HTTP relays behind a TLS listener: curl over HTTPS, two requests on one
# connection (and one host connection), a 300 KB body each way checked by
# its sum, 2 MiB answers byte-exact, a refusal answered in TLS.  (TLS
# towards the hosts: relay_https_hosts.sh.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

[ -n "${HTTPTOOL:-}" ] || fail "HTTPTOOL is not set"
make_ca ca
make_cert web ca ec "DNS:web.test"
"$HTTPTOOL" -T 100 serve $NET.10 9081 echo &
SERVERS="$SERVERS $!"
wait_until 5 bash -c "exec 3<>/dev/tcp/$NET.10/9081" ||
    fail "httptool did not start"
head -c 2097152 /dev/urandom >"$T/big"
{ printf 'HTTP/1.1 200 OK\r\nContent-Length: 2097152\r\n\r\n'
  cat "$T/big"; } >"$T/big.http"
"$HTTPTOOL" -T 100 serve $NET.10 9082 keep "$T/big.http" &
SERVERS="$SERVERS $!"
wait_until 5 bash -c "exec 3<>/dev/tcp/$NET.10/9082" ||
    fail "httptool (keep) did not start"
cat >"$T/h.conf" <<CONF
prefork 1
interval 1
timeout 200
table echo {
	check tcp
	host $NET.10
}
protocol web {
	protocol http
}
relay https {
	listen on $NET.1 port 8443 ssl
	protocol web
	table echo port 9081
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
relay big {
	listen on $NET.1 port 8444 ssl
	protocol web
	forward to $NET.10 port 9082
	ssl certificate "$PKI/web.crt"
	ssl key "$PKI/web.key"
}
CONF
start_daemon "$T/h.conf"
expect_status https active 10
U=https://web.test:8443
https() {
	curl -s --cacert "$PKI/ca.crt" --resolve "web.test:8443:$NET.1" "$@"
}

got=$(https -D - -o /dev/null -o /dev/null -w '%{http_code}:%{num_connects}\n' \
    "$U/a" "$U/b" | tr -d '\r' | grep -E '^X-Conn|^[0-9]{3}:' | tr '\n' ' ')
echo "$got" | grep -Eq '^X-Conn: ([0-9]+) 200:1 X-Conn: \1 200:0 $' ||
    fail "two requests on one connection: $got"
ok "HTTPS: two requests on one client and one host connection"

head -c 300000 /dev/urandom >"$T/body"
want=$(curl -s --data-binary @"$T/body" "http://$NET.10:9081/x" |
    grep '^body=')
got=$(https --data-binary @"$T/body" "$U/x" | grep '^body=')
[ -n "$want" ] && [ "$got" = "$want" ] || fail "body: $got, want $want"
got=$(https -H 'Transfer-Encoding: chunked' --data-binary @"$T/body" \
    "$U/x" | grep '^body=')
[ "$got" = "$want" ] || fail "chunked body: $got, want $want"
ok "HTTPS: a 300 KB body through, whole and chunked"

# Each on a new connection, its request right behind the handshake.
for i in 1 2 3 4 5 6 7 8; do
	got=$(https -m 5 -o /dev/null -w "%{http_code}" \
	    -H "Content-Length: 5" -H 'Transfer-Encoding: chunked' -d 'x' \
	    "$U/x")
	[ "$got" = 400 ] || fail "a refusal over TLS ($i): $got"
done
ok "HTTPS: a refused request gets its status over TLS"

# Answers larger than a TLS record, to a client on one connection.
want=$(sha256sum <"$T/big")
for i in 1 2 3; do
	got=$(curl -s -m 10 --cacert "$PKI/ca.crt" \
	    --resolve "web.test:8444:$NET.1" https://web.test:8444/ | sha256sum)
	[ "$got" = "$want" ] || fail "2 MiB answer over TLS ($i)"
done
ok "HTTPS: 2 MiB answers byte-exact"
