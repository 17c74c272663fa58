# hoststatectl table disable switches the service to its backup table,
# and enable back; service disable removes its rules, enable restores
# them.  A connection open before the switch keeps its host (its
# conntrack entry); only new connections move.
. "$(dirname "$0")/lib.sh"

start_all

client hold "$T/go" $VIP 80 >"$T/held" &
HOLD=$!
wait_until 5 grep -q connected "$T/held" || fail "held connection: $(cat "$T/held")"
out=$(ctl table disable web) || fail "table disable: $out"
expect_status www "active (using backup table)" 1
expect_only sorry 2
ok "table disable web: new connections to the sorry server"
touch "$T/go"
wait "$HOLD"
held=$(tail -1 "$T/held")
case $held in
web1|web2) ok "the connection opened before still reaches $held" ;;
*) fail "held connection answered by: $held" ;;
esac

out=$(ctl table enable web) || fail "table enable: $out"
expect_status www active 5
wait_until 3 answered web1 1 || fail "table enable: web1 not used"
ok "table enable web: the web servers again"

out=$(ctl service disable www) || fail "service disable: $out"
[ -z "$(rules | grep www_)" ] || fail "rules left after service disable: $(rules)"
[ "$(count 5)" = "failed 5" ] || fail "disabled service still answers: $(count 5)"
ok "service disable: no rule, no redirection"
out=$(ctl service enable www) || fail "service enable: $out"
expect_status www active 5
wait_until 3 answered web2 1 || fail "service enable: web2 not used"
ok "service enable: redirection again"
