# Backpressure: a client reading slowly makes the relay stop reading the
# server; 64 MiB waiting never come up into the relay's memory, which
# stays within its session buffers, with splice and without.
. "$(dirname "$0")/lib.sh"

serve $NET.10 9001 source 67108864 11
serve $NET.10 9002 slow 1
cat >"$T/r.conf" <<CONF
table t {
	host $NET.10
}
protocol nosplice {
	tcp { no splice, session buffer 65536 }
}
relay splice {
	listen on $NET.1 port 8001
	table t port 9001
}
relay copy {
	listen on $NET.1 port 8002
	protocol nosplice
	table t port 9001
}
relay upload {
	listen on $NET.1 port 8003
	protocol nosplice
	table t port 9002
}
CONF
start_relay "$T/r.conf"
base=$(rss_kb "$RPID")
want=$("$TCPTOOL" sum 67108864 11)
# The bound: two buffers per session and the pools, far below 64 MiB.
limit=$((base + 4096))
for p in 8001 8002; do
	"$TCPTOOL" -T 100 -d 2 recv $NET.1 $p >"$T/slow.$p" &
	client=$!
	peak=$base
	# 64 KiB every 2 ms at most: sample while it reads
	for i in $(seq 1 30); do
		sleep 0.1
		r=$(rss_kb "$RPID")
		[ "$r" -gt "$peak" ] && peak=$r
	done
	in=$(stat $( [ $p = 8001 ] && echo splice || echo copy ) out)
	echo "port_${p}_rss_base_kb=$base rss_peak_kb=$peak bytes_to_client_after_3s=$in"
	[ "$peak" -le "$limit" ] ||
	    fail "relay memory grew to ${peak} kB (base ${base} kB) via $p"
	[ "$in" -lt 67108864 ] || fail "the client was not slow enough"
	kill $client
	wait $client 2>/dev/null
done
ok "memory stays under its bound while 64 MiB wait, splice and copy"

# And the data arrive whole when the client reads faster.
got=$("$TCPTOOL" -T 60 recv $NET.1 8002) || fail "recv"
[ "$got" = "$want" ] || fail "64 MiB after backpressure: $got, want $want"
ok "a full transfer after a slow one is whole"

# Client to server: a slow server holds back the client, not the relay.
"$TCPTOOL" -T 100 send $NET.1 8003 67108864 12 >"$T/up" &
client=$!
peak=$base
for i in $(seq 1 20); do
	sleep 0.1
	r=$(rss_kb "$RPID")
	[ "$r" -gt "$peak" ] && peak=$r
done
echo "upload_rss_peak_kb=$peak"
[ "$peak" -le "$limit" ] || fail "relay memory grew to ${peak} kB uploading"
kill $client
ok "a slow server holds the client back, not the relay's memory"
