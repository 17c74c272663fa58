# Reload: a broken file changes nothing and reports its errors; a good
# one adds and removes hosts, and hosts in both keep their state.
. "$(dirname "$0")/lib.sh"

start_server $NET.1 8080
start_server $NET.3 8080
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table web {
	real port 8080
	check tcp
	host $NET.1
	host $NET.2
}
CONF
start_daemon "$T/h.conf"
expect_status $NET.1 up 5
expect_status $NET.2 down 5
before=$(ctl show summary | cut -f1-3,5)

printf 'table web {\n\tcheck tcp\n\thost $NET.9\n' >"$T/bad.conf"
out=$(ctl reload "$T/bad.conf" 2>&1); rc=$?
[ $rc = 1 ] || fail "broken reload: exit status $rc"
echo "$out" | grep -q "^hoststatectl: $T/bad.conf:[0-9]*: " ||
    fail "broken reload: $out"
grep -q "reload failed: $T/bad.conf:" "$LOG" || fail "reload error not logged"
[ "$(ctl show summary | cut -f1-3,5)" = "$before" ] ||
    fail "broken reload changed the summary"
ok "broken reload: $out"

checks() {
	ctl show hosts | awk -v h="$1" '
	    $0 ~ "\t" h " " { found = 1; next }
	    found && /total:/ { split($0, a, "total: "); split(a[2], b, "/");
		split(b[2], c, " "); print c[1]; exit }'
}
n1=$(checks $NET.1)
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table web {
	real port 8080
	check tcp
	host $NET.1
	host $NET.3
}
CONF
out=$(ctl reload 2>&1) || fail "reload: $out"
[ "$out" = "command succeeded" ] || fail "reload: $out"
[ "$(status $NET.1)" = up ] || fail "kept host lost its state: $(status $NET.1)"
n2=$(checks $NET.1)
[ "$n2" -ge "$n1" ] || fail "kept host's counters reset: $n1 -> $n2"
ctl show summary | grep -q "$NET.2" && fail "removed host still shown"
expect_status $NET.3 up 4
ok "reload added $NET.3, removed $NET.2, kept $NET.1 ($n1 -> $n2 checks)"

sed -i "s/$NET.3/$NET.4/" "$T/h.conf"
kill -HUP "$DPID"
expect_status $NET.4 down 5
ctl show summary | grep -q "$NET.3" && fail "SIGHUP: old host still shown"
kill -0 "$DPID" || fail "daemon died on SIGHUP"
ok "SIGHUP reloads"

# reload FILE loads another file; reload without one rereads the file
# the daemon started with, not the last one loaded (as relayd does).
sed "s/$NET.4/$NET.5/" "$T/h.conf" >"$T/other.conf"
out=$(ctl reload "$T/other.conf" 2>&1) || fail "reload other: $out"
expect_status $NET.5 down 5
out=$(ctl reload 2>&1) || fail "reload: $out"
expect_status $NET.4 down 5
ctl show summary | grep -q "$NET.5" && fail "reload reread the last file"
ok "reload without a file rereads the startup file"
