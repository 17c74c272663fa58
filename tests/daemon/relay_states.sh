# Host state reaches the relays from the PFE: a backend that stops is
# checked down and new sessions go to the backup table; back up, they
# come back; an operator's host or table disable is honoured at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/relay_lib.sh"

serve $NET.11 9001 name main1
main1=$LAST
serve $NET.12 9001 name main2
main2=$LAST
serve $NET.20 9001 name sorry
cat >"$T/h.conf" <<CONF
prefork 2
interval 1
timeout 200
table web {
	real port 9001
	check tcp
	host $NET.11
	host $NET.12
}
table sorry {
	real port 9001
	check tcp
	host $NET.20
}
relay r {
	listen on $NET.1 port 8001
	table web roundrobin
	backup table sorry
}
CONF
start_daemon "$T/h.conf"
expect_status web "active (2 hosts up)" 5
hosts() {
	"$TCPTOOL" -T 10 who $NET.1 8001 "$1" | sort -u | tr '\n' ' '
}
answers() {
	[ "$(hosts 6)" = "$1" ]
}
wait_until 5 answers "main1 main2 " || fail "both main hosts: $(hosts 6)"
ok "the main table's hosts, from every relay process"

kill $main1 $main2
expect_status web empty 6
wait_until 3 answers "sorry " || fail "backup: $(hosts 6)"
ok "main table down: the backup table"

serve $NET.11 9001 name main1
expect_status $NET.11 up 6
wait_until 3 answers "main1 " || fail "main back: $(hosts 6)"
ok "a main host back up: the main table again"

ctl host disable $NET.11 >/dev/null || fail "host disable"
answers "sorry " || fail "host disabled: $(hosts 6)"
ctl host enable $NET.11 >/dev/null || fail "host enable"
expect_status $NET.11 up 6
wait_until 3 answers "main1 " || fail "host enabled: $(hosts 6)"
ctl table disable web >/dev/null || fail "table disable"
answers "sorry " || fail "table disabled: $(hosts 6)"
ok "host and table disable are honoured at once"
