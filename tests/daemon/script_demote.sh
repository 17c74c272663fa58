# check script runs in the parent as the unprivileged user; a demoting
# table that empties demotes its carp group, and shutdown releases it;
# a host given by name keeps its address through a reload.
. "$(dirname "$0")/lib.sh"

chmod 1777 "$T"
cat >"$T/up.sh" <<SCRIPT
#!/bin/sh
id -u >"$T/ran-as"
[ -e "$T/flag" ]
SCRIPT
chmod 755 "$T/up.sh"
touch "$T/flag"
cat >"$T/h.conf" <<CONF
interval 1
timeout 500
table scripted {
	real port 8080
	check script "$T/up.sh"
	host localhost
}
table lonely {
	real port 8080
	check tcp
	demote carp
	host 127.60.0.1
}
CONF
start_daemon "$T/h.conf"
expect_status localhost up 5
[ "$(cat "$T/ran-as")" = "$(id -u _hoststated)" ] ||
    fail "script ran as uid $(cat "$T/ran-as")"
ok "script check up, run as _hoststated"
rm "$T/flag"
expect_status localhost down 4
ctl show hosts | grep -q "error: script failed" || fail "no script error shown"
ok "script exiting 1 turns the host down"

wait_until 4 grep -q "carp group carp: demote counter +1" "$LOG" ||
    fail "empty demoting table did not demote"
ok "empty table demotes carp"

out=$(ctl reload 2>&1) || fail "reload: $out"
is_status localhost down || fail "localhost lost its state on reload"
ok "host by name kept through reload"

kill -TERM "$DPID"
wait_exit 10
grep -q "carp group carp: demote counter -1" "$LOG" ||
    fail "demotion not released at shutdown"
ok "demotion released at shutdown"
