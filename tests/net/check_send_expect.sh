# check send DATA expect PATTERN [ssl]: banners, an echoed request,
# a mismatch, a silent peer and a peer that closes.
. "$(dirname "$0")/lib.sh"
make_cert

start_server "$TESTSERVER" -m banner -b "SSH-2.0-OpenSSH_9.2
"
expect_check "banner matches" "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -e "SSH-2.0-*" send 127.0.0.1 "$PORT"
expect_check "banner does not match" "up=0 error=HCE_SEND_EXPECT_FAIL" \
    "$CHECKRUN" -t 300 -e "220 *" send 127.0.0.1 "$PORT"

# The match does not depend on how the peer splits its bytes: a pattern
# without a trailing * matches the start of the banner, in one write or
# a byte at a time; a banner that cannot match fails at once.
for w in one byte; do
	start_server "$TESTSERVER" -m banner -w $w -b "SSH-2.0-OpenSSH_9.2
"
	expect_check "banner in $w write(s) begins with the pattern" \
	    "up=1 error=HCE_SEND_EXPECT_OK" \
	    "$CHECKRUN" -t 3000 -e "SSH-2.0-OpenSSH_9.2" send 127.0.0.1 "$PORT"
	expect_check "banner in $w write(s) cannot match" \
	    "up=0 error=HCE_SEND_EXPECT_FAIL" \
	    "$CHECKRUN" -t 3000 -e "SSH-1.*" send 127.0.0.1 "$PORT"
done
start_server "$TESTSERVER" -m banner -w byte -t "$CERT" "$KEY" \
    -b "220 mail.example.test ESMTP
"
expect_check "banner over TLS a byte at a time" \
    "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -t 3000 -S -e "220 *ESMTP" send 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m echo
expect_check "sent data comes back and matches" \
    "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -s "PING hoststated
" -e "PING host*" send 127.0.0.1 "$PORT"
expect_check "sent data does not match" "up=0 error=HCE_SEND_EXPECT_FAIL" \
    "$CHECKRUN" -t 300 -s "PONG
" -e "PING*" send 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m banner -B 20000
expect_check "more than 16 KiB without a match" \
    "up=0 error=HCE_SEND_EXPECT_FAIL" \
    "$CHECKRUN" -t 3000 -e "SSH-*" send 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m accept
expect_check "silent peer times out" "up=0 error=HCE_TCP_READ_TIMEOUT" \
    "$CHECKRUN" -t 300 -e "*" send 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m close
expect_check "peer closes without a word" "up=0 error=HCE_TCP_READ_FAIL" \
    "$CHECKRUN" -e "*" send 127.0.0.1 "$PORT"

free_port -m accept
expect_check "refused" "up=0 error=HCE_TCP_CONNECT_REFUSED" \
    "$CHECKRUN" -e "*" send 127.0.0.1 "$PORT"

start_server "$TESTSERVER" -m banner -b "220 mail.example.test ESMTP
" -t "$CERT" "$KEY"
expect_check "banner over TLS matches" "up=1 error=HCE_SEND_EXPECT_OK" \
    "$CHECKRUN" -S -e "220 *ESMTP*" send 127.0.0.1 "$PORT"
expect_check "banner over TLS does not match" \
    "up=0 error=HCE_SEND_EXPECT_FAIL" \
    "$CHECKRUN" -t 300 -S -e "SSH-*" send 127.0.0.1 "$PORT"

finish
