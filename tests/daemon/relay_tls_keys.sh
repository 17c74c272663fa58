# The private keys live in the key process only: after handshakes with
# an ECDSA and an RSA key, no relay process (nor the parent, HCE or
# PFE) has the keys' secret numbers or PEM text in its memory or a key
# file open, while the key process (the control: the search finds what
# is there) has them; it runs chrooted and unprivileged.  A relay that
# asks it for anything but a signature is a protocol error; a key file
# others can read is warned about; a reload brings new keys, or fails
# on a key that is not its certificate's.  (Its SIGKILL: child_death.sh.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

[ -x "$KEYGREP" ] || fail "no keygrep helper: $KEYGREP"
make_ca ca
make_cert ec ca ec "IP:$NET.1"
make_cert rsa ca rsa "IP:$NET.1"
serve $NET.10 9001 echo
cat >"$T/h.conf" <<CONF
prefork 2
relay ec {
	listen on $NET.1 port 8441 ssl
	forward to $NET.10 port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
relay rsa {
	listen on $NET.1 port 8442 ssl
	forward to $NET.10 port 9001
	ssl certificate "$PKI/rsa.crt"
	ssl key "$PKI/rsa.key"
}
CONF
start_daemon "$T/h.conf"
expect_status ec active 5
expect_status rsa active 5
grep -q "readable by others" "$LOG" &&
    fail "a key of mode 0600 warned about: $(grep "readable" "$LOG")"

# Enough handshakes that each relay process signs with both keys.
for i in $(seq 8); do
	for p in 8441 8442; do
		s_client -connect $NET.1:$p -CAfile "$PKI/ca.crt" |
		    grep -q "Verify return code: 0 (ok)" ||
		    fail "handshake $i on $p"
	done
done
key=$(child_pid key) || fail "no key process"
relays=$(relay_pids | tr '\n' ' ')
[ "$(echo "$relays" | wc -w)" = 2 ] || fail "relay processes: $relays"
others="$relays $DPID $(child_pid hce) $(child_pid pfe)"

for k in ec rsa; do
	# shellcheck disable=SC2086
	"$KEYGREP" "$PKI/$k.key" $key $others >"$T/grep.$k" ||
	    fail "keygrep: $(cat "$T/grep.$k")"
	grep -q "^$key found " "$T/grep.$k" ||
	    fail "the $k key not found in the key process: $(cat "$T/grep.$k")"
	for p in $others; do
		grep -q "^$p clean [1-9]" "$T/grep.$k" ||
		    fail "the $k key in process $p ($(cat /proc/$p/comm)):" \
		    "$(grep "^$p " "$T/grep.$k")"
	done
	for p in $others; do
		ls -l /proc/$p/fd 2>/dev/null | grep -q "$PKI/$k.key" &&
		    fail "process $p has $PKI/$k.key open"
	done
done
ok "no relay (nor parent, hce, pfe) holds a key; the key process does:" \
    "$(grep "^$key " "$T/grep.ec")"

uid=$(id -u _hoststated)
u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$key/status)
[ "$u" = "$uid $uid $uid $uid" ] || fail "key process runs as uid $u"
root=$(readlink /proc/$key/root)
[ "$root" = / ] && fail "key process not chrooted"
ok "the key process runs as uid $uid, chrooted to $root"

# A relay asking the key process for anything but a signature.
relay=${relays%% *}
fd=$(channel_fd "$relay" "$key") || fail "no relay-key channel"
"$PROCFD" "$relay" "$fd" send host_disable 1 0 || fail "procfd"
wait_exit 10
[ "$DAEMON_RC" != 0 ] || fail "daemon exited 0 after a protocol error"
grep -q "protocol error from relay [12]: unexpected host_disable" "$LOG" ||
    fail "no protocol error logged"
ok "a relay asking the key process for something else: protocol error," \
    "exit status $DAEMON_RC"

chmod 644 "$PKI/rsa.key"
start_daemon "$T/h.conf"
expect_status rsa active 5
grep -q "key $PKI/rsa.key is readable by others (mode 0644)" "$LOG" ||
    fail "no warning for a key of mode 0644"
grep -q "key $PKI/ec.key is readable by others" "$LOG" &&
    fail "a key of mode 0600 warned about"
ok "a key file readable by others is warned about"

# A reload brings another certificate and key: new handshakes present
# it, signed by the key process with the new key.  A reload whose key
# is not its certificate's fails and the running pair stays.
make_cert ec2 ca ec "IP:$NET.1"
sed "s|$PKI/ec\.|$PKI/ec2.|g" "$T/h.conf" >"$T/h2.conf"
out=$(ctl reload "$T/h2.conf" 2>&1) || fail "reload: $out"
new_cert() {
	[ "$(subject_of -connect $NET.1:8441)" = ec2 ]
}
wait_until 5 new_cert ||
    fail "after the reload: $(subject_of -connect $NET.1:8441)"
s_client -connect $NET.1:8441 -CAfile "$PKI/ca.crt" |
    grep -q "Verify return code: 0 (ok)" || fail "handshake after the reload"
ok "a reload's certificate and key serve the next handshakes"

sed "s|$PKI/ec2\.key|$PKI/rsa.key|" "$T/h2.conf" >"$T/bad.conf"
out=$(ctl reload "$T/bad.conf" 2>&1) && fail "a mismatched key reloaded"
echo "$out" | grep -q "does not match" ||
    fail "mismatched key: $out"
[ "$(subject_of -connect $NET.1:8441)" = ec2 ] ||
    fail "the running certificate changed: $(subject_of -connect $NET.1:8441)"
s_client -connect $NET.1:8441 -CAfile "$PKI/ca.crt" |
    grep -q "Verify return code: 0 (ok)" || fail "handshake after a failed reload"
ok "a reload with a key of another certificate fails: $out"
