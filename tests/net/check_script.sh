# check script PATH: run by the parent's script runner with the host as
# argument; exit 0 is up, anything else down, a hanging script (and its
# own children) is killed at the timeout.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/up.sh" <<SH
#!/bin/sh
echo "\$1" >"$TMP/arg"
ls /proc/self/fd >"$TMP/fds"
exit 0
SH
cat >"$TMP/down.sh" <<SH
#!/bin/sh
exit 1
SH
cat >"$TMP/hang.sh" <<SH
#!/bin/sh
sleep 60 &
echo \$! >"$TMP/child.pid"
echo \$\$ >"$TMP/hang.pid"
sleep 60
SH
chmod +x "$TMP/up.sh" "$TMP/down.sh" "$TMP/hang.sh"

expect_check "script exiting 0 is up" "up=1 error=HCE_SCRIPT_OK detail=0" \
    "$CHECKRUN" -P "$TMP/up.sh" script web1.example.test
expect_true "script got the host as its argument" \
    grep -qx "web1.example.test" "$TMP/arg"
expect_true "script inherits no descriptor above 2" \
    [ "$(grep -cvx '[0-2]' "$TMP/fds")" -le 1 ]
expect_check "script exiting 1 is down" \
    "up=0 error=HCE_SCRIPT_FAIL detail=1" \
    "$CHECKRUN" -P "$TMP/down.sh" script 10.0.0.1
expect_check "a missing script says so" "up=0 error=HCE_SCRIPT_NOT_FOUND" \
    "$CHECKRUN" -P "$TMP/missing.sh" script 10.0.0.1
cp "$TMP/down.sh" "$TMP/noexec.sh" && chmod 644 "$TMP/noexec.sh"
expect_check "a script that is not executable says so" \
    "up=0 error=HCE_SCRIPT_NOT_EXECUTABLE" \
    "$CHECKRUN" -P "$TMP/noexec.sh" script 10.0.0.1
expect_check "hanging script is killed at the timeout" \
    "up=0 error=HCE_SCRIPT_TIMEOUT" \
    "$CHECKRUN" -t 500 -P "$TMP/hang.sh" script 10.0.0.1
# Dead: a pid that was written, with no such process or a zombie left
# to an init that does not reap.
dead() {
	[ -n "$1" ] || return 1
	st=$(ps -o stat= -p "$1")
	[ -z "$st" ] || [ "${st#Z}" != "$st" ]
}
# dead_soon PIDFILE: the killed process is reaped by the kernel in a
# moment; wait for that, bounded.
dead_soon() {
	i=0
	while ! dead "$(cat "$1" 2>/dev/null)" && [ $i -lt 50 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	dead "$(cat "$1" 2>/dev/null)"
}
expect_true "the hanging script is gone" dead_soon "$TMP/hang.pid"
expect_true "its own child is gone too" dead_soon "$TMP/child.pid"

# As root, the runner drops to the daemon's user for scripts.
if [ "$(id -u)" = 0 ]; then
	mkdir "$TMP/shared" && chmod 777 "$TMP/shared" && chmod 755 "$TMP"
	cat >"$TMP/whoami.sh" <<SH
#!/bin/sh
id -u >"$TMP/shared/uid"
id -g >"$TMP/shared/gid"
SH
	chmod 755 "$TMP/whoami.sh"
	expect_check "script run as the unprivileged user" "up=1 error=HCE_SCRIPT_OK" \
	    "$CHECKRUN" -u 65534 -P "$TMP/whoami.sh" script 10.0.0.1
	expect_true "its uid is 65534" grep -qx 65534 "$TMP/shared/uid"
	expect_true "its gid is 65534" grep -qx 65534 "$TMP/shared/gid"
	cp "$TMP/whoami.sh" "$TMP/rootonly.sh" && chmod 700 "$TMP/rootonly.sh"
	expect_check "a script only root may run is not executable for it" \
	    "up=0 error=HCE_SCRIPT_NOT_EXECUTABLE" \
	    "$CHECKRUN" -u 65534 -P "$TMP/rootonly.sh" script 10.0.0.1
fi

finish
