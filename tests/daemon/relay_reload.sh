# A reload that adds and removes relays while a long transfer goes on
# through an unchanged one: the transfer ends whole, the unchanged
# listener never refuses a connection, the new relay relays, the removed
# one no longer listens.  A reload that inserts a host moves only the
# clients the new host wins (source-hash).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"

serve $NET.10 9001 source 67108864 5
serve $NET.10 9002 name ten
serve $NET.11 9002 name eleven
serve $NET.12 9002 name twelve
serve $NET.13 9002 name thirteen
conf() {
	cat <<CONF
prefork 2
table src {
	host $NET.10
}
table names {
$(for h in $1; do echo "	host $NET.$h"; done)
}
relay long {
	listen on $NET.1 port 8001
	table src port 9001
}
relay hashed {
	listen on $NET.1 port 8002
	table names port 9002 source-hash
}
relay $2 {
	listen on $NET.1 port $3
	table names port 9002
}
CONF
}
conf "11 12 13" old 8003 >"$T/h.conf"
start_daemon "$T/h.conf"
expect_status long active 5
expect_status old active 5
want=$("$TCPTOOL" sum 67108864 5)
"$TCPTOOL" -T 100 -d 1 recv $NET.1 8001 >"$T/long" &
long=$!
for c in $(seq 100 139); do
	echo "$NET.$c $("$TCPTOOL" -T 5 -b $NET.$c who $NET.1 8002)"
done >"$T/before"

# Connections to the unchanged relay all through the reload.
"$TCPTOOL" -T 60 who $NET.1 8002 400 >"$T/during" 2>&1 &
prober=$!
conf "10 11 12 13" new 8004 >"$T/h.conf"
out=$(ctl reload 2>&1) || fail "reload: $out"
expect_status new active 5
wait $prober || fail "a connection to an unchanged relay failed: $(tail -3 "$T/during")"
[ "$(wc -l <"$T/during")" = 400 ] || fail "$(wc -l <"$T/during") of 400 answered"
ok "no connection refused through the reload"

port_open $NET.1 8003 && fail "the removed relay still listens"
[ "$("$TCPTOOL" -T 5 who $NET.1 8004)" != "" ] || fail "the new relay"
[ -z "$(status old)" ] || fail "the removed relay is still shown"
ok "the new relay relays, the removed one is gone"

moved=0
to_new=0
while read -r c h; do
	a=$("$TCPTOOL" -T 5 -b $c who $NET.1 8002)
	if [ "$a" = ten ]; then
		to_new=$((to_new + 1))
	elif [ "$a" != "$h" ]; then
		moved=$((moved + 1))
	fi
done <"$T/before"
echo "clients_to_new_host=$to_new clients_moved_elsewhere=$moved of 40"
[ "$moved" = 0 ] || fail "$moved clients moved between hosts that stayed"
[ "$to_new" -gt 0 ] || fail "the inserted host took no client"
ok "a host inserted by a reload takes only its own share"

wait $long
[ "$(cat "$T/long")" = "$want" ] ||
    fail "the long transfer: $(cat "$T/long"), want $want"
ok "the long transfer through the reload is whole"
