# Operator commands as in the seed: host, table and service disable and
# enable change the summary; errors say what is wrong in one line.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
WEB1=$LAST_SERVER
start_server $NET.2 8080
WEB2=$LAST_SERVER
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table webhosts {
	check http "/" code 200
	host $NET.1
	host $NET.2
}
table sorry_server {
	check icmp
	host $NET.3
}
service www {
	virtual host $NET.100 port 8080
	table webhosts
	backup table sorry_server
}
CONF
start_daemon "$T/h.conf"
expect_status webhosts:8080 "active (2 hosts up)" 5
expect_status sorry_server:8080 "active (1 hosts up)" 5
expect_status www active 1
ok "all up"

# expect_ok COMMAND...: prints "command succeeded", exits 0.
expect_ok() {
	out=$(ctl "$@" 2>&1) || fail "$*: exit status $?: $out"
	[ "$out" = "command succeeded" ] || fail "$*: $out"
}
# expect_err TEXT COMMAND...: exits 1 with TEXT on stderr.
expect_err() {
	local text=$1
	shift
	out=$(ctl "$@" 2>&1 >/dev/null)
	rc=$?
	[ $rc = 1 ] || fail "$*: exit status $rc"
	[ "$out" = "hoststatectl: $text" ] || fail "$*: '$out', expected '$text'"
}

expect_ok host disable $NET.1
expect_status $NET.1 disabled 1
expect_status webhosts:8080 "active (1 hosts up)" 1
expect_ok host enable $NET.1
expect_status $NET.1 up 4
expect_status webhosts:8080 "active (2 hosts up)" 1
ok "host disable/enable by name"

id=$(ctl show summary | awk -F'\t' -v h="$NET.2 " 'index($3, h) == 1 { print $2 + 0 }')
expect_ok host dis "$id"
expect_status $NET.2 disabled 1
expect_ok host en "$id"
expect_status $NET.2 up 4
ok "host disable/enable by id $id, with prefixes"

expect_ok table disable webhosts:8080
expect_status www "active (using backup table)" 2
expect_status webhosts:8080 disabled 1
ctl show summary | grep -q "^host	.*$NET.1" &&
    fail "a disabled table's hosts are still listed: $(ctl show summary)"
expect_ok table enable webhosts:8080
expect_status webhosts:8080 "active (2 hosts up)" 4
expect_status www active 1
ok "table disable/enable, backup table in use"

# As relayd: a disabled service's main table is disabled too (its hosts
# are no longer checked); enabling the service enables its tables.
table_status() {
	ctl show tables | awk -F'\t' -v n="$1" '
	    { name = $3; sub(/ +$/, "", name) } name == n { print $5; exit }'
}
is_table_status() {
	[ "$(table_status "$1")" = "$2" ]
}
expect_ok service disable www
expect_status www disabled 1
is_table_status webhosts:8080 disabled ||
    fail "service disable left its table $(table_status webhosts:8080)"
expect_ok service enable www
expect_status www active 4
wait_until 4 is_table_status webhosts:8080 "active (2 hosts up)" ||
    fail "service enable left its table $(table_status webhosts:8080)"
ok "service disable/enable, with its main table"

expect_ok poll
expect_ok log verbose
# Verbose: the pfe says what it applies to layer 3.
expect_ok host disable $NET.2
wait_until 2 grep -q "service www: table webhosts:8080, 1 hosts" "$LOG" ||
    fail "no layer-3 line at verbose level"
expect_ok host enable $NET.2
expect_status $NET.2 up 4
expect_ok log brief
ok "poll, log verbose (layer-3 changes logged), log brief"

expect_err "no such table: nosuch" table disable nosuch
expect_err "no such host: 10.9.9.9" host disable 10.9.9.9
expect_err "no such service: nosuch" service enable nosuch
out=$(ctl s su 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "^hoststatectl: ambiguous argument: s" ||
    fail "ambiguous prefix: $rc $out"
out=$(ctl show bogus 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "^hoststatectl: unknown argument: bogus" ||
    fail "unknown word: $rc $out"
ctl sh su >/dev/null || fail "show su"
ok "unknown names and ambiguous prefixes"

out=$("$HOSTSTATECTL" -s "$T/nothere" show summary 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hoststatectl: cannot connect to $T/nothere: No such file or directory" ] ||
    fail "daemon not running: $rc $out"
ok "daemon not running"

[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode $(stat -c %a "$SOCK")"
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$HOSTSTATECTL" \
	    -s "$SOCK" "$@"
}
out=$(nobody show summary 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hoststatectl: cannot connect to $SOCK: Permission denied" ] ||
    fail "socket open to others: $rc $out"
chmod 0666 "$SOCK"
nobody show summary | grep -q "^service	.*www" || fail "show refused to a reader"
out=$(nobody host disable $NET.1 2>&1); rc=$?
[ $rc = 1 ] && [ "$out" = "hoststatectl: permission denied" ] ||
    fail "unprivileged disable: $rc $out"
expect_status $NET.1 up 1
ok "permissions: show for readers, changes for root and the socket's group"

# The seed's "what if every host goes down": the sorry server takes over.
stop_server "$WEB1"
stop_server "$WEB2"
expect_status webhosts:8080 empty 4
expect_status www "active (using backup table)" 1
expect_status $NET.1 down 1
expect_status $NET.2 down 1
ok "every web host down: backup table in use"
