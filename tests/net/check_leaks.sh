# Thousands of checks of every kind, up and down, must leave the
# process with the descriptors it started with and nothing in flight.
. "$(dirname "$0")/lib.sh"
make_cert

# leak_run DESCRIPTION COUNT CHECKRUN-ARGS...  (the verdicts are the
# other tests' business: on a loaded machine a few may time out)
leak_run() {
	desc=$1
	want=$2
	shift 2
	got=$("$CHECKRUN" "$@")
	echo "$desc: $(echo "$got" | tr '\n' ' ')"
	line=$(echo "$got" | grep '^checks=')
	before=$(echo "$line" | sed 's/.*fds_before=\([0-9]*\).*/\1/')
	after=$(echo "$line" | sed 's/.*fds_after=\([0-9]*\).*/\1/')
	expect_true "$desc: every check reported once ($want)" \
	    sh -c "echo '$line' | grep -q '^checks=$want '"
	expect_true "$desc: no check left in flight" \
	    sh -c "! echo '$got' | grep -q inflight="
	expect_true "$desc: descriptors before ($before) = after ($after)" \
	    [ "$before" = "$after" ]
}

# Generous timeouts: this test is about leaks, and sanitizer builds of
# the fork-per-connection test server are slow.
start_server "$TESTSERVER" -T 600 -m http -b hello
HTTP=$PORT
start_server "$TESTSERVER" -T 600 -m http -b hello -t "$CERT" "$KEY"
HTTPS=$PORT
start_server "$TESTSERVER" -T 600 -m garbage
GARBAGE=$PORT
start_server "$TESTSERVER" -T 600 -m full
FULL=$PORT
free_port -m accept
CLOSED=$PORT
cat >"$TMP/up.sh" <<SH
#!/bin/sh
exit 0
SH
chmod +x "$TMP/up.sh"

leak_run "2000 tcp up" 2000 -n 2000 -c 100 tcp 127.0.0.1 "$HTTP"
leak_run "2000 tcp refused" 2000 -n 2000 -c 100 tcp 127.0.0.1 "$CLOSED"
leak_run "2000 http code" 2000 -n 2000 -c 100 -t 10000 http 127.0.0.1 "$HTTP"
leak_run "2000 https code" 2000 -n 2000 -c 50 -t 10000 https 127.0.0.1 "$HTTPS"
leak_run "1000 tls failures" 1000 -n 1000 -c 50 -t 10000 ssl 127.0.0.1 "$GARBAGE"
leak_run "500 connect timeouts" 500 -n 500 -c 500 -t 200 tcp 127.0.0.1 "$FULL"
leak_run "500 read timeouts" 500 -n 500 -c 500 -t 200 -e nomatch send \
    127.0.0.1 "$HTTP"
leak_run "200 scripts" 200 -n 200 -c 20 -t 10000 -P "$TMP/up.sh" script \
    127.0.0.1
if [ "$(id -u)" = 0 ]; then
	leak_run "2000 icmp" 2000 -n 2000 -c 200 icmp 127.0.0.1
fi

finish
