# TLS termination: openssl s_client and curl against "listen ... ssl"
# relays with ECDSA P-256 and RSA 2048 certificates, TLS 1.2 and 1.3; a
# version or cipher the protocol leaves out is refused; SNI chooses the
# keypair; random bytes come back byte-exact; clients that send garbage
# or stall in the handshake are closed at the relay's timeout while the
# others go on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

make_ca ca
make_cert ec ca ec "DNS:ec.test,IP:$NET.1"
make_cert rsa ca rsa "DNS:rsa.test,IP:$NET.1"
make_cert a ca ec "DNS:a.test"
make_cert b ca rsa "DNS:b.test"
serve $NET.10 9001 echo
start_server $NET.10 8080
cat >"$T/h.conf" <<CONF
prefork 2
interval 1
timeout 200
log connection
table echo {
	host $NET.10
}
table web {
	real port 8080
	host $NET.10
}
protocol only12 {
	tls { no tlsv1.3, ciphers "ECDHE-ECDSA-AES128-GCM-SHA256" }
}
protocol only13 {
	tls { no tlsv1.2, ecdhe "P-384" }
}
protocol dhe {
	tls { no tlsv1.3, edh, ciphers "DHE-RSA-AES128-GCM-SHA256" }
}
protocol clientorder {
	tls { no cipher-server-preference, no client-renegotiation }
}
protocol byname {
	tls keypair a certificate "$PKI/a.crt" key "$PKI/a.key"
	tls keypair b certificate "$PKI/b.crt" key "$PKI/b.key"
}
relay ec {
	listen on $NET.1 port 8441 ssl
	table echo port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
	timeout 3
}
relay rsa {
	listen on $NET.1 port 8442 tls
	table echo port 9001
	tls certificate "$PKI/rsa.crt"
	tls key "$PKI/rsa.key"
}
relay only12 {
	listen on $NET.1 port 8443 ssl
	protocol only12
	table echo port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
relay only13 {
	listen on $NET.1 port 8444 ssl
	protocol only13
	table echo port 9001
	ssl certificate "$PKI/rsa.crt"
	ssl key "$PKI/rsa.key"
}
relay byname {
	listen on $NET.1 port 8445 ssl
	protocol byname
	table echo port 9001
}
relay clientorder {
	listen on $NET.1 port 8447 ssl
	protocol clientorder
	table echo port 9001
	ssl certificate "$PKI/rsa.crt"
	ssl key "$PKI/rsa.key"
}
relay dhe {
	listen on $NET.1 port 8448 ssl
	protocol dhe
	table echo port 9001
	ssl certificate "$PKI/rsa.crt"
	ssl key "$PKI/rsa.key"
}
relay web {
	listen on $NET.1 port 8446 ssl
	table web
	ssl certificate "$PKI/rsa.crt"
	ssl key "$PKI/rsa.key"
}
CONF
"$HOSTSTATED" -n -f "$T/h.conf" >/dev/null 2>"$T/n.err" ||
    fail "-n: $(cat "$T/n.err")"
start_daemon "$T/h.conf"
for r in ec rsa only12 only13 clientorder dhe byname web; do
	expect_status $r active 5
done

# Both key types, both versions, verified against the CA.
for r in ec:8441 rsa:8442; do
	for v in 1.2 1.3; do
		out=$(s_client -connect $NET.1:${r#*:} -tls${v/./_} \
		    -CAfile "$PKI/ca.crt" -verify_return_error)
		echo "$out" | grep -q "^New, TLSv$v" ||
		    fail "${r%:*} TLS $v: $(echo "$out" | tail -5)"
		echo "$out" | grep -q "Verify return code: 0 (ok)" ||
		    fail "${r%:*} TLS $v: not verified"
	done
done
ok "ECDSA and RSA certificates, TLS 1.2 and 1.3, verified by the CA"

# Each signature the key process makes: RSA PKCS#1 (TLS 1.2 only), RSA
# PSS, ECDSA with either digest.
for c in "8442 1_2 RSA+SHA256 RSA" "8442 1_2 RSA-PSS+SHA384 RSA-PSS" \
    "8442 1_3 rsa_pss_rsae_sha512 RSA-PSS" "8441 1_2 ECDSA+SHA384 ECDSA" \
    "8441 1_3 ecdsa_secp256r1_sha256 ECDSA"; do
	set -- $c
	out=$(s_client -connect $NET.1:$1 -tls$2 -sigalgs "$3" \
	    -CAfile "$PKI/ca.crt" -verify_return_error)
	echo "$out" | grep -q "^Peer signature type: $4$" ||
	    fail "signature $3 on $1: $(echo "$out" | grep -i "signature\|error")"
done
ok "RSA PKCS#1 and PSS, ECDSA SHA-256 and SHA-384 signatures"

body=$(curl -s --cacert "$PKI/ca.crt" --resolve "rsa.test:8446:$NET.1" \
    https://rsa.test:8446/) || fail "curl through the web relay"
[ "$body" = ok ] || fail "curl got: $body"
for v in --tlsv1.2 --tlsv1.3; do
	curl -s $v --tls-max ${v#--tlsv} --cacert "$PKI/ca.crt" \
	    --resolve "rsa.test:8446:$NET.1" https://rsa.test:8446/ |
	    grep -qx ok || fail "curl $v"
done
ok "curl over HTTPS to a plain web server, TLS 1.2 and 1.3"

s_client -connect $NET.1:8443 -tls1_3 | grep -q "^New, TLSv1.3" &&
    fail "only12 accepted TLS 1.3"
s_client -connect $NET.1:8444 -tls1_2 | grep -q "^New, TLSv1.2" &&
    fail "only13 accepted TLS 1.2"
s_client -connect $NET.1:8443 -tls1_2 | grep -q \
    "^New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" ||
    fail "only12 refused its own cipher"
s_client -connect $NET.1:8443 -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384 |
    grep -q "^New, TLSv1.2" && fail "only12 accepted a cipher it leaves out"
s_client -connect $NET.1:8442 -tls1_2 -cipher AES128-GCM-SHA256 |
    grep -q "^New, TLSv1.2" && fail "key exchange by RSA encryption accepted"
ok "a version or a cipher outside the protocol's is refused"

# ecdhe: only the curves named; the relay's cipher order, unless told
# otherwise; no renegotiation.
s_client -connect $NET.1:8444 -tls1_3 -groups X25519 |
    grep -q "^New, TLSv1.3" && fail "ecdhe P-384 accepted X25519"
s_client -connect $NET.1:8444 -tls1_3 -groups X25519:P-384 |
    grep -q "^Server Temp Key: ECDH, secp384r1" || fail "ecdhe P-384 refused it"
two=ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384
got=$(s_client -connect $NET.1:8442 -tls1_2 -cipher $two |
    sed -n 's/^New, TLSv1.2, Cipher is //p')
[ "$got" = ECDHE-RSA-AES256-GCM-SHA384 ] ||
    fail "the relay's order: $got"
got=$(s_client -connect $NET.1:8447 -tls1_2 -cipher $two |
    sed -n 's/^New, TLSv1.2, Cipher is //p')
[ "$got" = ECDHE-RSA-AES128-GCM-SHA256 ] ||
    fail "no cipher-server-preference: $got"
# DHE only with edh.
s_client -connect $NET.1:8448 -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 |
    grep -q "^New, TLSv1.2, Cipher is DHE-RSA-AES128-GCM-SHA256" ||
    fail "edh: no DHE"
s_client -connect $NET.1:8442 -tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256 |
    grep -q "^New, TLSv1.2" && fail "DHE without edh"
# A TLS 1.2 client asking to renegotiate is refused.
for p in 8442 8447; do
	(sleep 0.5; echo R; sleep 1) | timeout 10 openssl s_client \
	    -connect $NET.1:$p -tls1_2 >"$T/reneg" 2>&1
	grep -q "RENEGOTIATING" "$T/reneg" &&
	    grep -q "no renegotiation" "$T/reneg" ||
	    fail "renegotiation via $p: $(tail -3 "$T/reneg")"
done
ok "ecdhe, edh and cipher-server-preference as set; renegotiation refused"

[ "$(subject_of -connect $NET.1:8445 -servername a.test)" = a ] ||
    fail "SNI a.test: $(subject_of -connect $NET.1:8445 -servername a.test)"
[ "$(subject_of -connect $NET.1:8445 -servername b.test)" = b ] ||
    fail "SNI b.test: $(subject_of -connect $NET.1:8445 -servername b.test)"
[ "$(subject_of -connect $NET.1:8445 -noservername)" = a ] ||
    fail "no SNI: not the first keypair"
[ "$(subject_of -connect $NET.1:8445 -servername c.test)" = a ] ||
    fail "unknown name: not the first keypair"
ok "SNI picks the keypair whose certificate names the host"

for p in 8441 8442; do
	got=$("$TLSTOOL" -T 30 echo $NET.1 $p 8388608 7) || fail "echo $p"
	set -- $got
	[ "${1#sent=}" = 8388608 ] && [ "${3#got=}" = 8388608 ] &&
	    [ "${2#sum=}" = "${4#sum=}" ] || fail "8 MiB through $p: $got"
done
ok "8 MiB of random bytes each way over TLS, byte-exact"

# Garbage instead of a ClientHello: the session ends, counted.
errors=$(relay_stat ec errors)
"$TCPTOOL" -T 10 send $NET.1 8441 4096 5 >/dev/null
wait_until 5 relay_stat_is ec errors $((errors + 1)) ||
    fail "garbage not counted: $(relay_stat ec errors)"
grep -q "relay ec: .*tls handshake failed" "$LOG" ||
    fail "no session line says the handshake failed"
ok "garbage instead of a handshake ends its session, counted and logged"

# Twenty clients stall in their handshake; another is served meanwhile,
# and the stalled ones are closed at the timeout (3 s), not before.
stallers=
for i in $(seq 20); do
	"$TLSTOOL" -T 20 stall $NET.1 8441 $((i % 8)) 10000 >"$T/stall.$i" &
	stallers="$stallers $!"
done
stalled_open() {
	[ "$(ctl show sessions | grep -c 'relay ec: .*running')" -ge 20 ]
}
wait_until 5 stalled_open ||
    fail "stalled sessions not open: $(ctl show sessions | wc -l)"
start=$(date +%s%N)
got=$("$TLSTOOL" -T 10 echo $NET.1 8441 1048576 3) || fail "echo while stalled"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
set -- $got
[ "${2#sum=}" = "${4#sum=}" ] || fail "echo while stalled: $got"
echo "echo_1MiB_beside_20_stalled_ms=$ms"
# shellcheck disable=SC2086
wait $stallers
for i in $(seq 20); do
	read -r what after t <"$T/stall.$i"
	[ "$what $after" = "closed after" ] || fail "stalled client $i: $what"
	[ "$t" -ge 2500 ] && [ "$t" -le 8000 ] ||
	    fail "stalled client $i closed after $t ms, timeout 3 s"
done
ok "stalled handshakes end at the timeout; others are served meanwhile"
