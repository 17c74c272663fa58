#!/bin/bash
# meson install into a staging root: every file where an operator looks
# for it, a sample configuration only where none exists, a systemd unit
# that systemd-analyze accepts, and the installed daemon running as the
# unit runs it: with no capability beyond the unit's bounding set.
# Usage: install.sh BUILD_DIR SOURCE_ROOT
set -u
BUILD=$1
ROOT=$2
fails=0
fail() { echo "FAIL - $*"; fails=$((fails + 1)); }
ok() { echo "ok - $*"; }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root"
	exit 77
fi
T=$(mktemp -d /tmp/hsinstall.XXXXXX)
DPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

DEST=$T/root
DESTDIR=$DEST meson install -C "$BUILD" --no-rebuild >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; fail "meson install"; exit 1; }
prefix=$(meson introspect --buildoptions "$BUILD" |
    grep -o '"name": "prefix", "value": "[^"]*"' | sed 's/.*"value": "//;s/"$//')
[ -n "$prefix" ] || prefix=/usr/local
P=$DEST$prefix

for f in sbin/hoststated sbin/hoststatectl bin/hoststated-sim; do
	[ -x "$P/$f" ] && ok "$f" || fail "$f not installed"
done
for f in man5/hoststated.conf.5 man8/hoststated.8 man8/hoststatectl.8; do
	[ -f "$P/share/man/$f" ] && ok "$f" || fail "man page $f not installed"
done
[ -f "$P/share/man/man1/hoststated-sim.1" ] && ok "man1/hoststated-sim.1" ||
    fail "man page man1/hoststated-sim.1 not installed"
for f in backup.conf relay.conf loopback.conf seed-backup.scenario; do
	[ -f "$P/share/doc/hoststated/examples/$f" ] && ok "example $f" ||
	    fail "example $f not installed"
done
unit=$P/lib/systemd/system/hoststated.service
[ -f "$unit" ] && ok "systemd unit" || fail "no systemd unit"
[ -f "$P/lib/sysusers.d/hoststated.conf" ] && ok "sysusers.d file" ||
    fail "no sysusers.d file"
[ -f "$P/lib/tmpfiles.d/hoststated.conf" ] && ok "tmpfiles.d file" ||
    fail "no tmpfiles.d file"
cmp -s "$DEST/etc/hoststated.conf" "$ROOT/examples/loopback.conf" &&
    ok "sample /etc/hoststated.conf" || fail "no sample /etc/hoststated.conf"
"$P/sbin/hoststated" -n -f "$DEST/etc/hoststated.conf" >/dev/null ||
    fail "the sample configuration does not pass hoststated -n"

# An operator's configuration survives a second install.
echo "# mine" >>"$DEST/etc/hoststated.conf"
DESTDIR=$DEST meson install -C "$BUILD" --no-rebuild >/dev/null 2>&1
grep -q "# mine" "$DEST/etc/hoststated.conf" &&
    ok "an existing configuration is kept" ||
    fail "install replaced an existing configuration"

# The unit as systemd reads it, its programs those of the staging root:
# an unknown key is only a warning there, so any output is a failure.
mkdir -p "$T/unit"
sed "s#$prefix/#$P/#g" "$unit" >"$T/unit/hoststated.service"
if out=$(systemd-analyze verify --man=no "$T/unit/hoststated.service" 2>&1) &&
    [ -z "$out" ]; then
	ok "systemd-analyze verify"
else
	fail "systemd-analyze verify: $out"
fi
grep -q "^Type=notify" "$unit" && grep -q "^ExecReload=.*hoststatectl reload" \
    "$unit" && grep -q "^Restart=on-failure" "$unit" &&
    ok "notify, reload through hoststatectl, restart on failure" ||
    fail "unit lacks Type=notify, ExecReload or Restart"

# The installed daemon with only the unit's capabilities: it still
# chroots, drops privileges and checks (raw ICMP socket).
"$ROOT/tools/setup-user" || fail "tools/setup-user"
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' |
    sed 's/cap_/+/g; s/ /,/g')
cat >"$T/h.conf" <<CONF
interval 1
timeout 200
table loopback {
	check icmp
	host 127.0.0.1
}
CONF
setpriv --bounding-set=-all,$caps --inh-caps=-all --no-new-privs \
    "$P/sbin/hoststated" -d -f "$T/h.conf" -s "$T/sock" >"$T/log" 2>&1 &
DPID=$!
up=
for i in $(seq 1 50); do
	if "$P/sbin/hoststatectl" -s "$T/sock" show summary 2>/dev/null |
	    grep -q "127.0.0.1.*up"; then
		up=1
		break
	fi
	sleep 0.1
done
[ -n "$up" ] && ok "runs and checks with the unit's capabilities ($caps)" ||
    { fail "does not work with the unit's capabilities"; cat "$T/log"; }
"$P/sbin/hoststatectl" -s "$T/sock" stop >/dev/null 2>&1
wait "$DPID"
DPID=

echo "failed=$fails"
[ "$fails" -eq 0 ]
