# Cancelled checks (a reload, a disable, an interval overrun) report
# nothing, in whatever phase they were, and give back every descriptor.
. "$(dirname "$0")/lib.sh"
make_cert

# cancel_run DESCRIPTION COUNT CHECKRUN-ARGS...
cancel_run() {
	desc=$1
	want=$2
	shift 2
	got=$("$CHECKRUN" "$@" 2>&1)
	echo "$desc: $(echo "$got" | tr '\n' ' ')"
	line=$(echo "$got" | grep 'checks=')
	before=$(echo "$line" | sed 's/.*fds_before=\([0-9]*\).*/\1/')
	after=$(echo "$line" | sed 's/.*fds_after=\([0-9]*\).*/\1/')
	expect_true "$desc: all $want cancelled, none reported" \
	    sh -c "echo '$line' | grep -q '^cancelled=$want checks=0 '"
	expect_true "$desc: nothing left in flight" \
	    sh -c "! echo '$got' | grep -q inflight="
	expect_true "$desc: descriptors before ($before) = after ($after)" \
	    [ "$before" = "$after" ]
}

start_server "$TESTSERVER" -m full
cancel_run "cancel while connecting" 200 -n 200 -X 100 -t 1000 \
    tcp 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m accept
cancel_run "cancel during the TLS handshake" 200 -n 200 -X 200 -t 2000 \
    ssl 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m slow -d 2000 -t "$CERT" "$KEY"
cancel_run "cancel while reading over TLS" 100 -n 100 -X 500 -t 3000 \
    https 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m slow -d 2000
cancel_run "cancel while reading" 200 -n 200 -X 300 -t 3000 \
    http 127.0.0.1 "$PORT"
start_server "$TESTSERVER" -m banner -b "220 ready
"
cancel_run "cancel while expecting" 200 -n 200 -X 300 -t 2000 \
    -e "*SSH-*" send 127.0.0.1 "$PORT"

cat >"$TMP/hang.sh" <<SH
#!/bin/sh
echo \$\$ >"$TMP/hang.pid"
exec sleep 60
SH
chmod +x "$TMP/hang.sh"
cancel_run "cancel a script check" 1 -X 200 -t 1000 -P "$TMP/hang.sh" \
    script 10.0.0.1
expect_check "the parent's late answer is ignored" "stale script answer" \
    "$CHECKRUN" -X 200 -t 500 -P "$TMP/hang.sh" script 10.0.0.1

finish
