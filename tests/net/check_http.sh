# check http[s] code / digest against a real HTTP server on loopback:
# the request a server sees, each status outcome, each digest kind,
# and a server that is slow, closes early or sends too much.
. "$(dirname "$0")/lib.sh"
make_cert

start_server "$TESTSERVER" -m http -c 200 -b "hello" -l "$TMP/req.log"
P200=$PORT
expect_check "http code 200 up" "up=1 error=HCE_HTTP_CODE_OK detail=200" \
    "$CHECKRUN" -P /status -C 200 http 127.0.0.1 "$P200"
expect_logged "request line is GET PATH HTTP/1.0" \
    "$TMP/req.log" "^request: GET /status HTTP/1.0"
expect_true "Host is the address and port by default" \
    grep -q "^Host: 127.0.0.1:$P200" "$TMP/req.log"
expect_true "User-Agent is hoststated" \
    grep -q "^User-Agent: hoststated" "$TMP/req.log"
expect_check "http with host NAME" "up=1 error=HCE_HTTP_CODE_OK" \
    "$CHECKRUN" -H www.example.test -C 200 http 127.0.0.1 "$P200"
expect_logged "Host is the table's host name" \
    "$TMP/req.log" "^Host: www.example.test"

expect_check "http wrong status" "up=0 error=HCE_HTTP_CODE_FAIL detail=200" \
    "$CHECKRUN" -C 404 http 127.0.0.1 "$P200"
start_server "$TESTSERVER" -m http -c 500
expect_check "http server error" "up=0 error=HCE_HTTP_CODE_FAIL detail=500" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"

# However the answer is split: the status line decides, whatever comes
# with it (50 KB in one write), and a byte at a time adds up the same.
start_server "$TESTSERVER" -m http -c 200 -B 51200 -w one
expect_check "http code: 50 KB answer in one write" \
    "up=1 error=HCE_HTTP_CODE_OK detail=200" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m http -c 200 -b "hello" -w byte
expect_check "http code: answer a byte at a time" \
    "up=1 error=HCE_HTTP_CODE_OK detail=200" \
    "$CHECKRUN" -t 3000 -C 200 http 127.0.0.1 "$PORT"
hex=$(printf hello | openssl dgst -sha256 -r | cut -d' ' -f1)
expect_check "http digest: answer a byte at a time" \
    "up=1 error=HCE_HTTP_DIGEST_OK" \
    "$CHECKRUN" -t 3000 -d "$hex" http 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m banner -b "garbage here
"
expect_check "http malformed status line" "up=0 error=HCE_HTTP_CODE_ERROR" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m banner -B 5000
expect_check "http status line longer than 4 KiB" \
    "up=0 error=HCE_HTTP_CODE_ERROR" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m banner -w one -b "HTTP/1.0 200 $(head -c 5000 \
    /dev/zero | tr '\0' x)
"
expect_check "a valid status line longer than 4 KiB, in one read" \
    "up=0 error=HCE_HTTP_CODE_ERROR" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -a ::1 -m http -c 200 -l "$TMP/req6.log"
expect_check "http over IPv6" "up=1 error=HCE_HTTP_CODE_OK" \
    "$CHECKRUN" -C 200 http ::1 "$PORT"
expect_logged "Host is the bracketed IPv6 address and port" \
    "$TMP/req6.log" "^Host: \[::1\]:$PORT"

start_server "$TESTSERVER" -m slow -d 1500 -c 200
expect_check "http slow server past the timeout" \
    "up=0 error=HCE_TCP_READ_TIMEOUT" \
    "$CHECKRUN" -t 300 -C 200 http 127.0.0.1 "$PORT"
expect_check "http slow server within the timeout" \
    "up=1 error=HCE_HTTP_CODE_OK" \
    "$CHECKRUN" -t 3000 -C 200 http 127.0.0.1 "$PORT"

# The checker itself stalled (a busy machine) while the host answered
# in time: the host is not to blame.
start_server "$TESTSERVER" -m slow -d 100 -c 200
expect_check "http: a stall of the checker is not the host's slowness" \
    "up=1 error=HCE_HTTP_CODE_OK" \
    "$CHECKRUN" -t 300 -Z 600 -C 200 http 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m close
expect_check "http server closing early" "up=0 error=HCE_TCP_READ_FAIL" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"

free_port -m http
expect_check "http refused" "up=0 error=HCE_TCP_CONNECT_REFUSED" \
    "$CHECKRUN" -C 200 http 127.0.0.1 "$PORT"

# Digests of the body "hello", computed here by the openssl tool.
for kind in md5 sha1 sha256 sha512; do
	hex=$(printf hello | openssl dgst -"$kind" -r | cut -d' ' -f1)
	expect_check "http digest $kind ok" "up=1 error=HCE_HTTP_DIGEST_OK" \
	    "$CHECKRUN" -d "$hex" http 127.0.0.1 "$P200"
done
bad=$(printf other | openssl dgst -sha1 -r | cut -d' ' -f1)
expect_check "http digest mismatch" "up=0 error=HCE_HTTP_DIGEST_FAIL" \
    "$CHECKRUN" -d "$bad" http 127.0.0.1 "$P200"

# The body is hashed as it streams: no size bound but the timeout.
start_server "$TESTSERVER" -m http -B 2200000
big=$(head -c 2200000 /dev/zero | tr '\0' x | openssl dgst -sha256 -r |
    cut -d' ' -f1)
expect_check "http digest of a body over 2 MiB" \
    "up=1 error=HCE_HTTP_DIGEST_OK" \
    "$CHECKRUN" -t 3000 -d "$big" http 127.0.0.1 "$PORT"
expect_check "http digest of a body over 2 MiB, mismatch" \
    "up=0 error=HCE_HTTP_DIGEST_FAIL" \
    "$CHECKRUN" -t 3000 -d "$bad" http 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m http -c 200 -b "hello" -t "$CERT" "$KEY" \
    -l "$TMP/tls.log"
expect_check "https code 200 up" "up=1 error=HCE_HTTP_CODE_OK detail=200" \
    "$CHECKRUN" -C 200 https 127.0.0.1 "$PORT"
expect_check "https wrong status" "up=0 error=HCE_HTTP_CODE_FAIL" \
    "$CHECKRUN" -C 302 https 127.0.0.1 "$PORT"
hex=$(printf hello | openssl dgst -sha1 -r | cut -d' ' -f1)
expect_check "https digest ok" "up=1 error=HCE_HTTP_DIGEST_OK" \
    "$CHECKRUN" -d "$hex" https 127.0.0.1 "$PORT"
expect_check "https with host NAME" "up=1 error=HCE_HTTP_CODE_OK" \
    "$CHECKRUN" -H secure.example.test -C 200 https 127.0.0.1 "$PORT"
expect_logged "https sends SNI from host NAME" \
    "$TMP/tls.log" "^sni: secure.example.test$"

start_server "$TESTSERVER" -m slow -d 1500 -t "$CERT" "$KEY"
expect_check "https slow server past the timeout" \
    "up=0 error=HCE_TLS_READ_TIMEOUT" \
    "$CHECKRUN" -t 500 -C 200 https 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m garbage
expect_check "https against a server that is not TLS" \
    "up=0 error=HCE_TLS_CONNECT_FAIL" \
    "$CHECKRUN" -C 200 https 127.0.0.1 "$PORT"

finish
