# check ssl: a handshake with a self-signed certificate is up (the
# certificate is not verified); a peer that does not speak TLS or
# closes is a handshake failure; a silent peer is a timeout.
. "$(dirname "$0")/lib.sh"
make_cert

start_server "$TESTSERVER" -m accept -t "$CERT" "$KEY" -l "$TMP/sni.log"
expect_check "tls up with a self-signed certificate" \
    "up=1 error=HCE_TLS_CONNECT_OK" "$CHECKRUN" ssl 127.0.0.1 "$PORT"
expect_check "tls up, SNI from the check's host name" \
    "up=1 error=HCE_TLS_CONNECT_OK" \
    "$CHECKRUN" -H www.example.test ssl 127.0.0.1 "$PORT"
expect_logged "the server saw SNI www.example.test" \
    "$TMP/sni.log" "^sni: www.example.test$"
expect_logged "no SNI is sent for a numeric address" \
    "$TMP/sni.log" "^sni: $"

start_server "$TESTSERVER" -a ::1 -m accept -t "$CERT" "$KEY"
expect_check "tls up over IPv6" "up=1 error=HCE_TLS_CONNECT_OK" \
    "$CHECKRUN" ssl ::1 "$PORT"

start_server "$TESTSERVER" -m garbage
expect_check "tls handshake failure: peer speaks garbage" \
    "up=0 error=HCE_TLS_CONNECT_FAIL" "$CHECKRUN" ssl 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m close
expect_check "tls handshake failure: peer closes" \
    "up=0 error=HCE_TLS_CONNECT_FAIL" "$CHECKRUN" ssl 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m accept
expect_check "tls timeout: peer never answers the hello" \
    "up=0 error=HCE_TLS_CONNECT_TIMEOUT" \
    "$CHECKRUN" -t 300 ssl 127.0.0.1 "$PORT"

free_port -m accept
expect_check "tls on a closed port is refused" \
    "up=0 error=HCE_TCP_CONNECT_REFUSED" "$CHECKRUN" ssl 127.0.0.1 "$PORT"

finish
