# Match rules send requests to other tables (by Host, path, header,
# cookie, method); the first that matches decides, the relay's table
# takes the rest; each request of a kept connection is routed on its
# own.  A rule's table with no host up answers 503.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/http_lib.sh"

for i in 11 12 13 14 15; do
	hserve $NET.$i 9081 -H "X-Backend: b$i" -- echo
done
cat >"$T/r.conf" <<CONF
table main {
	host $NET.11
}
table api {
	host $NET.12
}
table static {
	real port 9081
	host $NET.13
}
table beta {
	host $NET.14
}
table writes {
	host $NET.15
}
table empty {
	check tcp
	host $NET.16
}
protocol route {
	protocol http
	match request host "api.example.*" forward to api
	match request path "/static/*" forward to static
	match request header "X-Beta" value "y*" forward to beta
	match request cookie "beta" forward to beta
	match request method POST path "/w/*" forward to writes
	match request url "down" value "1" forward to empty
}
relay r {
	listen on $NET.1 port 8080
	protocol route
	table main port 9081
}
CONF
start_relay "$T/r.conf"
U=http://$NET.1:8080

backend() {
	curl -s -D - -o /dev/null "$@" | tr -d '\r' | sed -n 's/^X-Backend: //p'
}
check() {
	local want=$1 what=$2
	shift 2
	got=$(backend "$@")
	[ "$got" = "$want" ] || fail "$what: $got, want $want"
}
check b11 "no rule" "$U/x"
check b12 "Host" -H 'Host: api.example.org' "$U/x"
check b13 "path" "$U/static/a.css"
check b14 "header value" -H 'X-Beta: yes' "$U/x"
check b11 "header value not matching" -H 'X-Beta: no' "$U/x"
check b14 "cookie" -b 'beta=1' "$U/x"
check b15 "method and path" -d 'x=1' "$U/w/save"
check b11 "path without its method" "$U/w/save"
check b12 "first rule first" -H 'Host: api.example.org' "$U/static/a.css"
ok "match rules by Host, path, header, cookie and method; the rest to the relay's table"

# One kept connection, each request to its own table.
got=$(curl -s -D "$T/hdrs" -o /dev/null -o /dev/null -o /dev/null "$U/a" \
    "$U/static/b" "$U/c" -w '%{num_connects} ')
[ "$got" = "1 0 0 " ] || fail "one connection, three routes: $got"
got=$(tr -d '\r' <"$T/hdrs" | sed -n 's/^X-Backend: //p' | tr '\n' ' ')
[ "$got" = "b11 b13 b11 " ] || fail "one connection, three routes: $got"
ok "each request of a kept connection is routed on its own"

got=$(curl -s -o "$T/page" -w '%{http_code}' "$U/x?down=1")
[ "$got" = 503 ] && grep -q '503 Service Unavailable' "$T/page" ||
    fail "a rule's table without a host up: $got"
ok "a rule's table with no host up: 503"
