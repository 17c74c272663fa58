# Layer 3 weighted hosts: with weights 3 and 1, 400 new connections are
# shared about 3:1.
. "$(dirname "$0")/lib.sh"

start_all "weight 3" "weight 1"
out=$(count 400)
w1=$(echo "$out" | awk '$1 == "web1" { print $2 }')
w2=$(echo "$out" | awk '$1 == "web2" { print $2 }')
echo "400 connections: web1 ${w1:-0}, web2 ${w2:-0}"
[ -n "$w1" ] && [ -n "$w2" ] && [ $((w1 + w2)) = 400 ] ||
    fail "400 connections: $(echo $out)"
# about 3:1: between 2.5:1 and 3.5:1
[ $((w1 * 2)) -ge $((w2 * 5)) ] && [ $((w1 * 2)) -le $((w2 * 7)) ] ||
    fail "weights 3:1 gave $w1:$w2"
ok "weights 3:1: $w1:$w2 of 400"
