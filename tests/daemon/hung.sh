# A hung PFE: hoststatectl does not wait for it long, and says why in
# one line.  (It gives up within its own timeout; the test allows three
# times that before calling it a hang.)
. "$(dirname "$0")/lib.sh"

web_conf $NET.1 >"$T/h.conf"
start_daemon "$T/h.conf"
pfe=$(child_pid pfe) || fail "no pfe"
kill -STOP "$pfe"
start=$(date +%s.%N)
out=$(timeout 30 "$HOSTSTATECTL" -s "$SOCK" show summary 2>&1)
rc=$?
end=$(date +%s.%N)
kill -CONT "$pfe"
awk -v a="$start" -v b="$end" 'BEGIN { printf "hung_pfe_wait_s=%.1f\n", b - a }'
[ $rc != 124 ] || fail "hoststatectl still waiting after 30 s"
[ $rc = 1 ] || fail "exit status $rc: $out"
case $out in
"hoststatectl: no answer from hoststated within "[0-9]*" seconds") ;;
*) fail "message: '$out'" ;;
esac
ok "hung pfe: $out"
wait_until 5 ctl show summary || fail "no answer once the pfe runs again"
ok "answers again once the pfe runs"
