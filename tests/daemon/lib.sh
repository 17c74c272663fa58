# Shared by the daemon's end-to-end tests: start hoststated on a
# configuration of real servers on loopback and talk to it with
# hoststatectl.  Arguments of every test: HOSTSTATED HOSTSTATECTL
# WEBSERVER RAWCLIENT.  Every wait is bounded.

HOSTSTATED=$1
HOSTSTATECTL=$2
WEBSERVER=$3
RAWCLIENT=$4

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
# A network namespace of the test's own: a daemon with services installs
# nftables rules, which must reach neither the host nor another test.
if [ -z "${HS_TEST_NETNS:-}" ]; then
	HS_TEST_NETNS=$$ exec unshare --net -- bash "$0" "$@"
fi
ip link set lo up || { echo "FAIL: no loopback in the test's namespace"; exit 1; }
# The README's way of creating the unprivileged user and the chroot.
"$(dirname "$0")/../../tools/setup-user" ||
    { echo "FAIL: tools/setup-user"; exit 1; }
. "$(dirname "$0")/../wait.sh"
. "$(dirname "$0")/ctl.sh"

# A loopback /24 of this run's own: tests of another build running at
# the same time must not answer for ours.
NET=127.$((RANDOM % 200 + 30)).$((RANDOM % 256))
T=$(mktemp -d /tmp/hoststated-test.XXXXXX)
chmod 755 "$T"
SOCK=$T/hoststated.sock
LOG=$T/log
DPID=
SERVERS=

cleanup() {
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill "$DPID" 2>/dev/null
		sleep 0.5
		kill -9 "$DPID" 2>/dev/null
	fi
	for p in $SERVERS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

# start_server ADDR PORT: a web server, remembered for cleanup.
start_server() {
	"$WEBSERVER" -T 60 "$1" "$2" &
	SERVERS="$SERVERS $!"
	LAST_SERVER=$!
	wait_until 5 bash -c "exec 3<>/dev/tcp/$1/$2" ||
	    fail "web server on $1:$2 did not start"
	kill -0 "$LAST_SERVER" 2>/dev/null ||
	    fail "web server on $1:$2 exited: another one answers there"
}

stop_server() {
	kill "$1"
	wait "$1" 2>/dev/null
}

# web_conf ADDR: a configuration of one table checking ADDR:8080 by tcp
# every second.
web_conf() {
	printf 'interval 1\ntimeout 200\ntable web {\n\treal port 8080\n'
	printf '\tcheck tcp\n\thost %s\n}\n' "$1"
}

# start_daemon CONF [FLAGS...]: in the foreground, logging to $LOG.
start_daemon() {
	local conf=$1
	shift
	"$HOSTSTATED" -d -f "$conf" -s "$SOCK" "$@" >"$LOG" 2>&1 &
	DPID=$!
	wait_until 5 ctl show summary || fail "daemon did not answer"
}

# child_pid NAME: the pid of the daemon's child hoststated-NAME.
child_pid() {
	local p
	for p in $(pgrep -P "$DPID"); do
		if [ "$(cat /proc/$p/comm 2>/dev/null)" = "hoststated-$1" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# grew FILE LINES: FILE has more than LINES lines.
grew() {
	[ "$(wc -l <"$1")" -gt "$2" ]
}

# channel_fd PID PEER: the descriptor of process PID whose socket's
# other end process PEER holds (one end of their socketpair).
channel_fd() {
	local f link peer_inodes="" own=""
	for f in /proc/$2/fd/*; do
		link=$(readlink "$f") || continue
		case $link in
		socket:*) peer_inodes="$peer_inodes ${link//[^0-9]/}" ;;
		esac
	done
	for f in /proc/$1/fd/*; do
		link=$(readlink "$f") || continue
		case $link in
		socket:*) own="$own ${f##*/}:${link//[^0-9]/}" ;;
		esac
	done
	ss -xn | awk -v own="$own" -v peers="$peer_inodes" '
	    BEGIN {
		n = split(own, o, " ")
		for (i = 1; i <= n; i++) {
			split(o[i], p, ":")
			fd[p[2]] = p[1]
		}
		m = split(peers, q, " ")
		for (i = 1; i <= m; i++) theirs[q[i]] = 1
	    }
	    ($6 in fd) && ($8 in theirs) { print fd[$6]; found = 1; exit }
	    END { exit !found }'
}

# wait_exit SECONDS: the daemon's exit status (fails if it keeps running).
wait_exit() {
	wait_until "$1" sh -c "! kill -0 $DPID 2>/dev/null" ||
	    fail "daemon still running after $1 s"
	wait "$DPID"
	DAEMON_RC=$?
	DPID=
}
