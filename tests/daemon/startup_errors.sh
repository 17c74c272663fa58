# Every reason not to start is one clear message and exit status 1,
# before anything is left behind.
. "$(dirname "$0")/lib.sh"

# expect_start_error TEXT ARGS...: hoststated -d ARGS fails with TEXT.
expect_start_error() {
	local text=$1
	shift
	out=$(timeout 10 "$HOSTSTATED" -d "$@" 2>&1); rc=$?
	[ $rc = 1 ] || fail "$*: exit status $rc: $out"
	echo "$out" | grep -qF -- "$text" || fail "$*: '$out', expected '$text'"
	[ -e "$SOCK" ] && fail "$*: socket left behind"
	ok "$text"
}

good() {
	cat <<CONF
interval 1
timeout 200
$1
table web {
	real port 8080
	check tcp
	host 127.64.0.1
}
CONF
}

expect_start_error "$T/missing.conf" -f "$T/missing.conf" -s "$SOCK"

printf 'table web {\n\tcheck tcp\n' >"$T/broken.conf"
expect_start_error "$T/broken.conf:" -f "$T/broken.conf" -s "$SOCK"

good 'user "nosuchuser"' >"$T/user.conf"
expect_start_error "unknown user nosuchuser" -f "$T/user.conf" -s "$SOCK"

good "chroot \"$T/nowhere\"" >"$T/chroot.conf"
expect_start_error "chroot directory $T/nowhere" -f "$T/chroot.conf" -s "$SOCK"

good "" >"$T/h.conf"
expect_start_error "control socket $T/nodir/s.sock: bind" -f "$T/h.conf" \
    -s "$T/nodir/s.sock"

long=$T/$(printf '%0200d' 0)/s.sock
expect_start_error "control socket path too long" -f "$T/h.conf" -s "$long"

# A stale socket (no daemon behind it) is replaced.
touch "$SOCK"
start_daemon "$T/h.conf"
ok "stale socket file replaced"
