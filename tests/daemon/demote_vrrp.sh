# Without carp, a demote group's counter goes to its demote file
# (keepalived's track_file reads it) and to its demote script, run as
# root with the group and the counter; the global group is 0 while the
# daemon runs and 128 once it has stopped.  A script others may write
# is refused.
. "$(dirname "$0")/lib.sh"

cat >"$T/vrrp.sh" <<SCRIPT
#!/bin/sh
echo "\$(id -u) \$1 \$2" >>"$T/script.log"
SCRIPT
chmod 755 "$T/vrrp.sh"
cp "$T/vrrp.sh" "$T/open.sh"
chmod 777 "$T/open.sh"
start_server $NET.1 8080
WEB=$LAST_SERVER
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
demote lb
demote lb file "$T/lb.demote" script "$T/open.sh"
demote web file "$T/web.demote" script "$T/vrrp.sh"
table webhosts {
	real port 8080
	check tcp
	demote web
	host $NET.1
}
CONF
start_daemon "$T/h.conf"
expect_status $NET.1 up 5
[ "$(cat "$T/lb.demote")" = 0 ] || fail "global group at start: $(cat "$T/lb.demote")"
[ ! -e "$T/web.demote" ] || [ "$(cat "$T/web.demote")" = 0 ] ||
    fail "web group at start: $(cat "$T/web.demote")"
ok "global group 0 at start"

stop_server $WEB
expect_status $NET.1 down 4
wait_until 3 grep -qx 1 "$T/web.demote" || fail "web.demote: $(cat "$T/web.demote")"
wait_until 3 grep -qx "0 web 1" "$T/script.log" ||
    fail "script: $(cat "$T/script.log" 2>/dev/null)"
ok "empty table: web.demote holds 1, the script ran as root with 'web 1'"

start_server $NET.1 8080
expect_status $NET.1 up 4
wait_until 3 grep -qx 0 "$T/web.demote" || fail "web.demote: $(cat "$T/web.demote")"
wait_until 3 grep -qx "0 web 0" "$T/script.log" || fail "no script for 0"
ok "back up: 0 again"

kill -TERM "$DPID"
wait_exit 10
[ "$(cat "$T/lb.demote")" = 128 ] || fail "global group at exit: $(cat "$T/lb.demote")"
[ "$(cat "$T/web.demote")" = 0 ] || fail "web group at exit: $(cat "$T/web.demote")"
grep -q " lb " "$T/script.log" && fail "a script others may write ran"
grep -q "demote script $T/open.sh: refused" "$LOG" || fail "refusal not logged"
ls "$T" | grep -q '\.tmp$' && fail "temporary file left: $(ls "$T")"
ok "at exit: global group 128, the others 0; the open script refused"
