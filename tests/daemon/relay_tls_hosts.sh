# TLS towards the hosts: "forward with ssl" and relayd's "with tls" to
# an address and to a table, nginx with a certificate behind; without a
# ca file the host is not verified, with one it must be, and a host
# whose certificate another CA signed is refused (a failed connect);
# SNI goes to a host named by name; a relay process resumes its session
# with each host.  TLS on both legs carries random bytes byte-exact.
# Session tickets made by one relay process resume in the other; the
# session cache resumes in the process that made it, unless disabled.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

command -v nginx >/dev/null || fail "nginx not installed (tools/deps)"
make_ca ca
make_ca other
make_cert web ca rsa "DNS:localhost,IP:$NET.20,IP:127.0.0.1"
make_cert ec ca ec "IP:$NET.1"
make_cert echo ca ec "IP:$NET.10"
# A port of this run's own on 127.0.0.1, for the host named localhost.
LP=$((20000 + RANDOM % 20000))
mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events {
	worker_connections 64;
}
http {
	access_log off;
	ssl_certificate $PKI/web.crt;
	ssl_certificate_key $PKI/web.key;
	ssl_session_cache shared:s:1m;
	server {
		listen $NET.20:8443 ssl;
		listen 127.0.0.1:$LP ssl;
		location / {
			return 200 "sni=\$ssl_server_name reused=\$ssl_session_reused\n";
		}
	}
}
CONF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" >"$T/nginx/out" 2>&1 &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.20 8443 ||
    fail "nginx did not start: $(cat "$T/nginx/out" "$T/nginx/error.log")"
wait_until 5 port_open 127.0.0.1 $LP || fail "nginx: 127.0.0.1:$LP taken"
"$TLSTOOL" -T 120 -c "$PKI/echo.crt" -k "$PKI/echo.key" \
    serve $NET.10 9443 echo &
SERVERS="$SERVERS $!"
wait_until 5 port_open $NET.10 9443 || fail "tlstool serve did not start"
serve $NET.10 9001 echo

cat >"$T/h.conf" <<CONF
prefork 2
interval 1
timeout 200
table web {
	real port 8443
	host $NET.20
}
protocol verified {
	tls { ca file "$PKI/ca.crt" }
}
protocol wrongca {
	tls { ca file "$PKI/other.crt" }
}
protocol tickets {
	tls { session tickets, session cache disable }
}
protocol nocache {
	tls { session cache disable }
}
relay unverified {
	listen on $NET.1 port 8001
	forward with ssl to $NET.20 port 8443
}
relay verified {
	listen on $NET.1 port 8002
	protocol verified
	table web with tls
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
relay cache {
	listen on $NET.1 port 8006 ssl
	forward to $NET.10 port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
relay nocache {
	listen on $NET.1 port 8007 ssl
	protocol nocache
	forward to $NET.10 port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
relay both {
	listen on $NET.1 port 8005 ssl
	protocol tickets
	forward with ssl to $NET.10 port 9443
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
CONF
start_daemon "$T/h.conf"
for r in unverified verified wrongca named cache nocache both; do
	expect_status $r active 5
done

# get PORT: what nginx answers through the relay on PORT.
get() {
	curl -s -m 10 "http://$NET.1:$1/"
}

get 8001 | grep -q "^sni= reused=" ||
    fail "forward with ssl, unverified: $(get 8001)"
get 8002 | grep -q "^sni= reused=" ||
    fail "table with tls, verified: $(get 8002)"
ok "forward with ssl to an address, a table with tls, verified by the CA"

errors=$(relay_stat wrongca errors)
out=$(get 8003) && [ -n "$out" ] && fail "a host another CA signed: $out"
wait_until 5 relay_stat_is wrongca errors $((errors + 1)) ||
    fail "refused host not counted: $(relay_stat wrongca errors)"
ok "a host whose certificate the ca file does not sign is refused"

get 8004 | grep -q "^sni=localhost " ||
    fail "SNI towards a host by name: $(get 8004)"
ok "SNI names the host as the configuration does"

# Each relay process makes one full handshake with the host, then
# resumes: of eight sessions at least six are resumed.
n=0
for i in $(seq 8); do
	get 8001 | grep -q "reused=r" && n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "sessions resumed with the host: $n of 8"
ok "sessions resumed with the host: $n of 8"

for s in 1 2 3; do
	got=$("$TLSTOOL" -T 30 echo $NET.1 8005 4194304 $s) ||
	    fail "echo over both legs"
	set -- $got
	[ "${1#sent=}" = 4194304 ] && [ "${3#got=}" = 4194304 ] &&
	    [ "${2#sum=}" = "${4#sum=}" ] || fail "4 MiB over both legs: $got"
done
ok "4 MiB of random bytes each way, TLS on both legs, byte-exact"

# A ticket from one relay process, presented to each while the other
# is stopped (both accept on the same socket).
set -- $(relay_pids)
[ $# = 2 ] || fail "relay processes: $*"
for v in 1.2 1.3; do
	rm -f "$T/sess"
	"$TLSTOOL" -T 10 -s "$T/sess" -V $v echo $NET.1 8005 1000 1 |
	    grep -q " reused=0$" || fail "first session, TLS $v"
	for stopped in "$1" "$2" "$1"; do
		kill -STOP "$stopped"
		out=$("$TLSTOOL" -T 10 -s "$T/sess" -V $v \
		    echo $NET.1 8005 1000 1)
		kill -CONT "$stopped"
		case $out in
		*" reused=1") ;;
		*) fail "TLS $v, process $stopped stopped: not resumed: $out" ;;
		esac
	done
done
ok "a session ticket resumes in either relay process, TLS 1.2 and 1.3"

# Without tickets, the session cache of the process that accepts (the
# other one stopped) resumes; "session cache disable" does not.
kill -STOP "$2"
for v in 1.2 1.3; do
	for p in 8006:1 8007:0; do
		rm -f "$T/sess"
		"$TLSTOOL" -T 10 -s "$T/sess" -V $v echo $NET.1 ${p%:*} 100 1 \
		    >/dev/null || fail "first session on ${p%:*}"
		out=$("$TLSTOOL" -T 10 -s "$T/sess" -V $v \
		    echo $NET.1 ${p%:*} 100 1)
		case $out in
		*" reused=${p#*:}") ;;
		*) kill -CONT "$2"; fail "TLS $v on ${p%:*}: $out" ;;
		esac
	done
done
kill -CONT "$2"
ok "the session cache resumes, TLS 1.2 and 1.3; session cache disable does not"
