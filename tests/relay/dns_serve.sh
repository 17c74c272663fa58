# Shared by the DNS relay's tests, after wait.sh: real DNS servers (nsd,
# each with its own configuration under $T) and dnstool's misbehaving
# ones ($DNSTOOL), remembered in $SERVERS for cleanup; dig with bounded
# waits.

# qdig ARGS...: dig that gives up after 2 seconds, without retrying.
qdig() {
	dig +time=2 +tries=1 "$@"
}

# answers ADDR PORT: a DNS server answers www.example.com there.
answers() {
	[ -n "$(qdig +short @"$1" -p "$2" www.example.com A)" ]
}

# start_nsd ADDR PORT [MARK]: nsd serving example.com on ADDR:PORT (UDP
# and TCP), with "who.example.com TXT MARK" telling it apart.  No rate
# limit: the tests ask many questions from one address.
start_nsd() {
	local addr=$1 port=$2 mark=${3:-nsd} d="$T/nsd-$1-$2" long i
	mkdir -p "$d"
	long=$(printf 'x%.0s' $(seq 1 250))
	{
		printf '$ORIGIN example.com.\n$TTL 300\n'
		printf '@ IN SOA ns1 admin 1 3600 600 86400 300\n'
		printf '@ IN NS ns1\nns1 IN A 192.0.2.53\n'
		printf 'www IN A 192.0.2.1\nwww IN AAAA 2001:db8::1\n'
		printf 'who IN TXT "%s"\n' "$mark"
		# Over 512 bytes: truncated over UDP without EDNS.
		for i in 1 2 3; do
			printf 'big IN TXT "%s%s"\n' "$i" "$long"
		done
	} >"$d/example.zone"
	cat >"$d/nsd.conf" <<NSD
server:
	ip-address: $addr@$port
	port: $port
	username: ""
	chroot: ""
	zonesdir: "$d"
	pidfile: "$d/nsd.pid"
	xfrdfile: "$d/xfrd.state"
	zonelistfile: "$d/zone.list"
	database: ""
	logfile: "$d/nsd.log"
	server-count: 1
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
zone:
	name: "example.com"
	zonefile: "example.zone"
NSD
	nsd -d -c "$d/nsd.conf" >"$d/out" 2>&1 &
	SERVERS="$SERVERS $!"
	LAST=$!
	wait_until 10 answers "$addr" "$port" ||
	    fail "nsd on $addr:$port did not start: $(cat "$d/out")"
}

# dns_serve ADDR PORT silent|reverse|evil: one of dnstool's servers.
dns_serve() {
	"$DNSTOOL" -T 30 serve "$@" >"$T/dns_serve.$1.$2" &
	SERVERS="$SERVERS $!"
	LAST=$!
	wait_until 5 grep -q serving "$T/dns_serve.$1.$2" ||
	    fail "dnstool server on $1:$2 did not start"
}

# dns_protocol: the protocol section every DNS relay of a test uses.
dns_protocol() {
	printf 'protocol dnsp {\n\tprotocol dns\n\t%s\n}\n' "${1:-}"
}

# dns_relay NAME PORT ADDR: a table NAME of the one host ADDR, and a
# relay NAME listening on $NET.1:PORT that forwards to it on port 5300.
dns_relay() {
	printf 'table %s {\n\thost %s\n}\n' "$1" "$3"
	printf 'relay %s {\n\tlisten on %s port %s\n' "$1" "$NET.1" "$2"
	printf '\tprotocol dnsp\n\ttable %s port 5300\n}\n' "$1"
}

# dns_start "NAME PORT ADDR"...: a relay engine with those relays (as
# dns_relay), each relay's host up.
dns_start() {
	local spec
	{
		dns_protocol
		for spec in "$@"; do
			# shellcheck disable=SC2086
			dns_relay $spec
		done
	} >"$T/r.conf"
	start_relay "$T/r.conf"
	for spec in "$@"; do
		cmd host "${spec##* }" up >/dev/null
	done
}
