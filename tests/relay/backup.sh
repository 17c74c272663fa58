# A backup table takes over while no host of the main table is up, and
# gives back when one comes back; no host anywhere: the client's
# connection is closed at once and counted as an error.
. "$(dirname "$0")/lib.sh"

serve $NET.11 9001 name main1
serve $NET.12 9001 name main2
serve $NET.20 9001 name sorry
cat >"$T/r.conf" <<CONF
table web {
	check tcp
	real port 9001
	host $NET.11
	host $NET.12
}
table sorry {
	check tcp
	real port 9001
	host $NET.20
}
relay r {
	listen on $NET.1 port 8001
	table web roundrobin
	backup table sorry
}
CONF
start_relay "$T/r.conf"
# Checked hosts are unknown until the PFE says otherwise.
got=$("$TCPTOOL" -T 5 who $NET.1 8001)
[ -z "$got" ] || fail "answered before any host was known up: $got"
[ "$(stat r errors)" = 1 ] || fail "no host up not counted: $(cmd stats)"
ok "no host up: closed at once, one error counted"

cmd host $NET.20 up >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 4 | sort -u)
[ "$got" = sorry ] || fail "backup not used: $got"
cmd host $NET.11 up >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 4 | sort -u)
[ "$got" = main1 ] || fail "main table not back: $got"
cmd host $NET.12 up >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 4 | sort -u | tr '\n' ' ')
[ "$got" = "main1 main2 " ] || fail "both main hosts: $got"
ok "backup while the main table is empty, main again once a host is up"

cmd host $NET.11 down >/dev/null
cmd host $NET.12 up disabled >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 4 | sort -u)
[ "$got" = sorry ] || fail "backup after main down and disabled: $got"
cmd host $NET.12 up table-disabled >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 2 | sort -u)
[ "$got" = sorry ] || fail "backup after main table disabled: $got"
cmd host $NET.12 up >/dev/null
got=$("$TCPTOOL" -T 5 who $NET.1 8001 2 | sort -u)
[ "$got" = main2 ] || fail "main again: $got"
ok "disabled hosts and tables are skipped"
