# A configuration bigger than one message crosses to the children in
# chunks on reload; every host is there afterwards.
. "$(dirname "$0")/lib.sh"

big_conf() {
	echo "interval 1"
	echo "timeout 200"
	echo "table big {"
	echo "	real port 8080"
	echo "	check tcp"
	for i in $(seq 1 2000); do
		echo "	host 127.67.$((i / 250)).$((i % 250 + 1))"
	done
	echo "	host $1"
	echo "}"
}
big_conf 127.68.0.1 >"$T/h.conf"
echo "config_bytes=$(wc -c <"$T/h.conf")"
start_daemon "$T/h.conf"
rows() {
	ctl show summary | grep -c "^host	"
}
[ "$(rows)" = 2001 ] || fail "$(rows) hosts shown at start"
big_conf 127.68.0.2 >"$T/h.conf"
out=$(ctl reload 2>&1) || fail "reload: $out"
[ "$(rows)" = 2001 ] || fail "$(rows) hosts shown after reload"
ctl show summary | grep -q "	127.68.0.2 " || fail "new host missing"
ctl show summary | grep -q "	127.68.0.1 " && fail "removed host still shown"
expect_status 127.68.0.2 down 5
ok "reload of 2001 hosts"
