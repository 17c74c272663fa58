# Session ticket keys across the parent's hourly rotations, in the real
# daemon with two relay processes, TLS 1.2 and 1.3: after a rotation
# both processes seal with the same new key, a ticket of the previous
# key resumes in either and is renewed under the new one; after two
# rotations it does not resume (a full handshake), while its renewal
# does.
#
# The hours pass for the parent only: libfaketime, preloaded, reads the
# clock's offset from a file the test writes.  The other processes
# chroot before the first jump, where the file cannot be opened, so
# their clocks (and the tickets' lifetimes, one period) stay real: a
# refusal is the key's doing, not the lifetime's, and a renewed ticket
# an hour old by the parent's clock still resumes.  A jump does not
# wake a sleeping process, so a control command that reaches the parent
# (log verbose) follows each; libevent then reads the clock, and the
# rotation's timer is due.  (ASan, in the sanitizer build, wants to
# come first among the libraries; libfaketime before it is harmless.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"
. "$(dirname "$0")/tls_lib.sh"

FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
[ -n "$FAKETIME_LIB" ] || fail "libfaketime is missing (tools/deps)"
ROTATE_S=$(sed -n 's/^#define TLS_TICKET_ROTATE_S[^0-9]*\([0-9]*\).*/\1/p' \
    "$(dirname "$0")/../../core/msg.h")
[ -n "$ROTATE_S" ] || fail "TLS_TICKET_ROTATE_S not found in core/msg.h"

make_ca ca
make_cert ec ca ec "DNS:ec.test"
serve $NET.10 9001 echo
cat >"$T/h.conf" <<CONF
prefork 2
interval 10
timeout 1000
protocol tickets {
	tls { session tickets, session cache disable }
}
relay tickets {
	listen on $NET.1 port 8005 ssl
	protocol tickets
	forward to $NET.10 port 9001
	ssl certificate "$PKI/ec.crt"
	ssl key "$PKI/ec.key"
}
CONF
echo "+0" >"$T/faketime"
LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$T/faketime \
    FAKETIME_NO_CACHE=1 \
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
    start_daemon "$T/h.conf" -v
expect_status tickets active 5
set -- $(relay_pids)
[ $# = 2 ] || fail "relay processes: $*"
P1=$1
P2=$2

# ticket_name FILE: the key name a saved session's ticket starts with.
ticket_name() {
	openssl sess_id -in "$1" -noout -text 2>/dev/null |
	    sed -n '/TLS session ticket:/{n;p;}' | cut -c 12-58 | tr -d ' -'
}

# connect VERSION SESSION PID: a connection offering SESSION (if the
# file exists) while process PID is stopped, so that the other accepts;
# prints tlstool's reused=0|1, and leaves the session given in SESSION.
connect() {
	local out
	kill -STOP "$3"
	out=$("$TLSTOOL" -T 10 -s "$2" -V "$1" echo $NET.1 8005 100 1)
	kill -CONT "$3"
	case $out in
	*" reused="[01]) echo "${out##* reused=}" ;;
	*) fail "TLS $1 with $3 stopped: $out" ;;
	esac
}

# fresh_name VERSION PID: the key a new ticket is sealed with while PID
# is stopped.
fresh_name() {
	rm -f "$T/fresh"
	connect "$1" "$T/fresh" "$2" >/dev/null
	ticket_name "$T/fresh"
}

# sealed_with NAME: both processes seal new tickets with key NAME.
sealed_with() {
	[ "$(fresh_name 1.3 "$P1")" = "$1" ] &&
	    [ "$(fresh_name 1.3 "$P2")" = "$1" ]
}

# new_key_sealed: both processes seal with one key not in $NAMES; it
# is then in $KEY.
new_key_sealed() {
	KEY=$(fresh_name 1.3 "$P1")
	case " $NAMES " in
	*" $KEY "*) return 1 ;;
	esac
	sealed_with "$KEY"
}

rotations() {
	grep -c 'session ticket keys rotated' "$LOG"
}

rotations_logged() {
	[ "$(rotations)" -ge "$1" ]
}

# rotate N: the parent's clock N periods on; wait for the Nth rotation
# and for both processes to seal with a key not seen before.
rotate() {
	local n=$1
	echo "+$((n * ROTATE_S + 1))s" >"$T/faketime"
	ctl log verbose >/dev/null || fail "log verbose"
	wait_until 5 rotations_logged "$n" || fail "rotation $n: not logged"
	wait_until 5 new_key_sealed ||
	    fail "rotation $n: sealed with $(fresh_name 1.3 "$P1")" \
	    "and $(fresh_name 1.3 "$P2"), keys before: $NAMES"
	[ "$(rotations)" = "$n" ] || fail "rotation $n: $(rotations) rotations"
	NAMES="$NAMES $KEY"
}

# Before any rotation: one key in both processes.
K0=$(fresh_name 1.3 "$P1")
[ ${#K0} = 32 ] || fail "no ticket: $K0"
sealed_with "$K0" || fail "processes seal with different keys at start"
NAMES=$K0
for v in 1.2 1.3; do
	[ "$(connect $v "$T/a$v" "$P2")" = 0 ] || fail "TLS $v: first session"
	[ "$(ticket_name "$T/a$v")" = "$K0" ] || fail "TLS $v: first ticket"
	cp "$T/a$v" "$T/old$v"
done
ok "at the start both relay processes seal tickets with one key"

# offer VERSION SESSION REUSED KEY WHAT: SESSION offered to each relay
# process in turn (the other stopped) is resumed or not as REUSED says,
# and the ticket given back is sealed with KEY; the last one given is
# left in $T/s.
offer() {
	local stopped
	for stopped in "$P1" "$P2"; do
		cp "$2" "$T/s"
		[ "$(connect "$1" "$T/s" "$stopped")" = "$3" ] ||
		    fail "TLS $1, $stopped stopped: $5: reused is not $3"
		[ "$(ticket_name "$T/s")" = "$4" ] ||
		    fail "TLS $1, $stopped stopped: $5: not sealed with $4"
	done
}

rotate 1
K1=$KEY
for v in 1.2 1.3; do
	offer $v "$T/old$v" 1 "$K1" "a ticket of the previous key"
	cp "$T/s" "$T/renewed$v"
done
ok "a rotation: one new key in both processes; the previous key's" \
    "ticket resumes in either and is renewed"

rotate 2
K2=$KEY
for v in 1.2 1.3; do
	offer $v "$T/old$v" 0 "$K2" "a ticket two rotations old"
	offer $v "$T/renewed$v" 1 "$K2" "the renewed ticket"
done
ok "two rotations: the old ticket gets a full handshake," \
    "its renewal resumes"
echo "keys: $K0 $K1 $K2"
