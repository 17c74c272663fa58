# A configuration bigger than one message, and bigger than what the
# parent queues to a child at once, crosses to the children in chunks
# as they read them on reload; every host is there afterwards.
. "$(dirname "$0")/lib.sh"

# About 1.2 MB of canonical text: more than a child's channel holds.
N=30000
big_conf() {
	echo "interval 3600"
	echo "timeout 200"
	echo "table big {"
	echo "	real port 8080"
	echo "	check tcp"
	echo "	host $1"	# first: checked first
	awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++)
	    printf "\thost 127.67.%d.%d retry 999 weight 999\n",
		int(i / 250) % 250, i % 250 + 1 }'
	echo "}"
}
big_conf 127.68.0.1 >"$T/h.conf"
echo "config_bytes=$(wc -c <"$T/h.conf")"
start_daemon "$T/h.conf"
rows() {
	ctl show summary | grep -c "^host	"
}
[ "$(rows)" = $((N + 1)) ] || fail "$(rows) hosts shown at start"
big_conf 127.68.0.2 >"$T/h.conf"
out=$(ctl reload 2>&1) || fail "reload: $out"
[ "$(rows)" = $((N + 1)) ] || fail "$(rows) hosts shown after reload"
ctl show summary | grep -q "	127.68.0.2 " || fail "new host missing"
ctl show summary | grep -q "	127.68.0.1 " && fail "removed host still shown"
expect_status 127.68.0.2 down 5
ok "reload of $((N + 1)) hosts"
