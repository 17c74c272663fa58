# A reader cannot lock out those who may change state.  Read-only users
# (the socket opened to all) hold as many monitors as they can; root's
# commands still get through, a refused reader is told why in one line
# (never killed by SIGPIPE), and the log says so without a line per
# refusal.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
web_conf $NET.1 >"$T/h.conf"
start_daemon "$T/h.conf"
expect_status $NET.1 up 5
chmod 0666 "$SOCK"

# as uid $1: rawclient ARGS..., or hoststatectl ARGS...
as_user() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# monitors UID...: each reader asks for 200 monitors, far more than the
# daemon has slots, and holds what it gets.
monitors() {
	local uid
	for uid in "$@"; do
		as_user $uid "$RAWCLIENT" "$SOCK" monitors 200 60000 \
		    >"$T/monitors.$uid" 2>&1 &
		SERVERS="$SERVERS $!"
	done
	for uid in "$@"; do
		wait_until 10 grep -q "^monitors" "$T/monitors.$uid" ||
		    fail "reader $uid: $(cat "$T/monitors.$uid")"
		cat "$T/monitors.$uid"
	done
}
# One reader alone meets its own bound first (readers racing may meet
# the slots' bound before any of them meets its own)...
monitors 65534
grep -q "refused [1-9]" "$T/monitors.65534" ||
    fail "a reader got every slot it asked for"
grep -q "too many control connections from uid 65534" \
    "$T/monitors.65534" || fail "no per-user bound"
# ... and together readers leave room for root.
monitors 65533 65532 65531
grep -q "no control slot left for read-only clients" "$T"/monitors.* ||
    fail "readers took every slot"

out=$(ctl host disable $NET.1 2>&1) || fail "root locked out: $out"
[ "$out" = "command succeeded" ] || fail "root: $out"
out=$(ctl host enable $NET.1 2>&1) || fail "root locked out: $out"
ok "root's commands get through while readers hold monitors"

out=$(as_user 65534 "$HOSTSTATECTL" -s "$SOCK" show summary 2>&1)
rc=$?
[ $rc = 1 ] || fail "refused reader: exit status $rc ($out)"
case $out in
"hoststatectl: too many control connections from uid 65534"*) ;;
"hoststatectl: no control slot left for read-only clients"*) ;;
*) fail "refused reader: '$out'" ;;
esac
[ "$(echo "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
ok "a refused reader is told why: $out"

n=$(grep -c "control: refusing a connection" "$LOG")
[ "$n" -ge 1 ] && [ "$n" -le 3 ] ||
    fail "$n 'refusing' lines for hundreds of refusals"
ok "refusals logged in $n line(s)"
kill -0 "$DPID" || fail "daemon died"
