# The children run as the unprivileged user, chrooted, without a way
# back to privileges; the parent stays root.  SIGTERM stops everything
# cleanly and removes the socket.
. "$(dirname "$0")/lib.sh"

web_conf 127.56.0.1 >"$T/h.conf"
# A relay too, so that a relay process is checked as well.
cp "$T/h.conf" "$T/r.conf"
printf 'prefork 1\nrelay r {\n\tlisten on 127.56.0.1 port 8001\n' \
    >>"$T/r.conf"
printf '\ttable web\n}\n' >>"$T/r.conf"
start_daemon "$T/r.conf"
uid=$(id -u _hoststated)
for child in hce pfe r1; do
	pid=$(child_pid $child) || fail "no $child process"
	u=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$pid/status)
	[ "$u" = "$uid $uid $uid $uid" ] || fail "$child runs as uid $u"
	g=$(awk '/^Groups:/ { $1 = ""; print }' /proc/$pid/status)
	[ "$g" = " $(id -g _hoststated)" ] || fail "$child groups:$g"
	root=$(readlink /proc/$pid/root)
	[ "$root" = /var/empty ] || fail "$child root is $root"
	nnp=$(awk '/^NoNewPrivs:/ { print $2 }' /proc/$pid/status)
	[ "$nnp" = 1 ] || fail "$child NoNewPrivs $nnp"
	ok "$child: uid $uid, root $root, no new privileges"
	# Capabilities: none, but the pfe keeps CAP_NET_ADMIN (bit 12) for
	# nftables, permitted and effective, and nothing in reserve.
	want=0000000000000000
	[ $child = pfe ] && want=0000000000001000
	caps=$(awk '/^Cap(Prm|Eff|Bnd):/ { printf "%s ", $2 }' /proc/$pid/status)
	[ "$caps" = "$want $want $want " ] ||
	    fail "$child capabilities (permitted, effective, bounding): $caps"
	caps=$(awk '/^Cap(Inh|Amb):/ { printf "%s ", $2 }' /proc/$pid/status)
	[ "$caps" = "0000000000000000 0000000000000000 " ] ||
	    fail "$child capabilities (inheritable, ambient): $caps"
	ok "$child: capabilities $want only"
done
[ "$(awk '/^Uid:/ { print $2 }' /proc/$DPID/status)" = 0 ] ||
    fail "parent is not root"
[ "$(stat -c %U:%G:%a "$SOCK")" = "root:root:660" ] ||
    fail "socket is $(stat -c %U:%G:%a "$SOCK")"
ok "parent root, socket root:root 0660"

# Only the PFE holds the control socket; the parent and the HCE do not.
inode=$(awk -v p="$SOCK" '$8 == p { print $7; exit }' /proc/net/unix)
[ -n "$inode" ] || fail "control socket not in /proc/net/unix"
holds() {
	ls -l /proc/$1/fd 2>/dev/null | grep -q "socket:\[$inode\]"
}
holds "$(child_pid pfe)" || fail "the pfe does not hold the control socket"
holds "$(child_pid hce)" && fail "the hce holds the control socket"
holds "$DPID" && fail "the parent holds the control socket"
ok "control socket held by the pfe only"

out=$("$HOSTSTATED" -d -f "$T/h.conf" -s "$SOCK" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "a daemon is already running" ||
    fail "second daemon on the same socket: $rc $out"
ctl show summary >/dev/null || fail "first daemon lost its socket"
ok "a second daemon refuses a socket in use"

children=$(pgrep -P "$DPID")
kill -TERM "$DPID"
wait_exit 10
[ "$DAEMON_RC" = 0 ] || fail "SIGTERM: exit status $DAEMON_RC"
[ -e "$SOCK" ] && fail "socket left behind"
for p in $children; do
	kill -0 "$p" 2>/dev/null && fail "child $p still running"
done
ok "SIGTERM: exit 0, no socket, no children"

start_daemon "$T/h.conf"
kill -INT "$DPID"
wait_exit 10
[ "$DAEMON_RC" = 0 ] || fail "SIGINT: exit status $DAEMON_RC"
[ -e "$SOCK" ] && fail "socket left behind after SIGINT"
ok "SIGINT: exit 0, no socket"

start_daemon "$T/h.conf"
out=$(ctl stop 2>&1) || fail "stop: $out"
[ "$out" = "command succeeded" ] || fail "stop: $out"
wait_exit 10
[ "$DAEMON_RC" = 0 ] || fail "stop: exit status $DAEMON_RC"
[ -e "$SOCK" ] && fail "socket left behind after stop"
ok "hoststatectl stop: exit 0, no socket"
