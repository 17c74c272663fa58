#!/bin/sh
# hoststated -n on files: the seed's examples pass, and each mistake that
# needs real files is reported as FILE:LINE: message with exit status 1.
# usage: test_check_cmd.sh HOSTSTATED EXAMPLES_DIR

HOSTSTATED=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EXAMPLES=$(cd "$2" && pwd)
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
fails=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# expect_error NAME FILE:LINE WORDS ARGS...: exit 1, message on stderr
expect_error() {
	name=$1 where=$2 words=$3
	shift 3
	(cd "$T" && timeout 60 "$HOSTSTATED" -n "$@") >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		fail "$name: exit status $rc, want 1"
	elif ! grep -qF -- "$where: " "$T/err" || ! grep -qF -- "$words" "$T/err"; then
		fail "$name: want '$where: ... $words', got: $(cat "$T/err")"
	elif [ -s "$T/out" ]; then
		fail "$name: stdout not empty: $(cat "$T/out")"
	else
		echo "ok: $name"
	fi
}

expect_ok() {
	name=$1
	shift
	(cd "$T" && timeout 60 "$HOSTSTATED" -n "$@") >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] || [ "$(tail -n 1 "$T/out")" != "configuration OK" ]; then
		fail "$name: exit status $rc: $(cat "$T/out" "$T/err")"
	else
		echo "ok: $name"
	fi
}

for f in "$EXAMPLES"/*.conf "$EXAMPLES"/*/hoststated*.conf; do
	expect_ok "example $(basename "$f")" -f "$f"
done

# -v: the canonical text parses again to the same text.
(cd "$T" && "$HOSTSTATED" -n -v -f "$EXAMPLES/full.conf") >"$T/v1" 2>"$T/notes"
grep -v '^configuration OK$' "$T/v1" >"$T/canon.conf"
(cd "$T" && "$HOSTSTATED" -n -v -f canon.conf) >"$T/v2" 2>/dev/null
if ! cmp -s "$T/v1" "$T/v2"; then
	fail "-v output does not parse back to itself"
elif ! grep -q '^table "webhosts" {$' "$T/v1" ||
    ! grep -q 'note: table digests is not used' "$T/notes"; then
	fail "-v: canonical text or notes missing"
else
	echo "ok: -v round trip and notes"
fi

# -D overrides the file's macro.
printf 'port=80\ntable t {\n\treal port $port\n\tcheck tcp\n\thost 10.0.0.1\n}\n' >"$T/d.conf"
(cd "$T" && "$HOSTSTATED" -n -v -D port=8080 -f d.conf) >"$T/out" 2>&1
if grep -q 'real port 8080' "$T/out"; then
	echo "ok: -D overrides a macro"
else
	fail "-D: $(cat "$T/out")"
fi

printf 'include "missing.conf"\n' >"$T/inc1.conf"
expect_error "include not found" "inc1.conf:1" 'cannot open include file "missing.conf"' -f inc1.conf

printf '# loop\ninclude "loop2.conf"\n' >"$T/loop1.conf"
printf 'interval 10\ninclude "loop1.conf"\n' >"$T/loop2.conf"
expect_error "include loop" "loop2.conf:2" 'include loop: "loop1.conf"' -f loop1.conf

mkdir -p "$T/sub"
printf 'table t {\n\tinclude "hosts.conf"\n}\n' >"$T/sub/main.conf"
printf 'check icmp\nhost 10.0.0.1\nhost 10.0.0.300\n' >"$T/sub/hosts.conf"
expect_error "error in an included file" "hosts.conf:3" "invalid address 10.0.0.300" -f sub/main.conf
printf 'check icmp\nhost 10.0.0.1\n' >"$T/sub/hosts.conf"
expect_ok "include relative to the including file" -f sub/main.conf

i=0
while [ $i -lt 20 ]; do
	printf 'include "n%d.conf"\n' $((i + 1)) >"$T/n$i.conf"
	i=$((i + 1))
done
: >"$T/n20.conf"
expect_error "includes nested too deep" "n15.conf:1" "more than 16 nested includes" -f n0.conf

printf 'interval 10\n\001\002\003\n' >"$T/bin.conf"
expect_error "binary file" "bin.conf:2" "not a text file" -f bin.conf
printf 'interval 10\n# caf\351\n' >"$T/latin1.conf"
expect_error "invalid UTF-8" "latin1.conf:2" "not a text file" -f latin1.conf
printf 'interval 10\000\n' >"$T/nul.conf"
expect_error "NUL byte" "nul.conf:1" "not a text file" -f nul.conf

{ printf 'interval 10\n# '; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$T/long.conf"
expect_error "line too long" "long.conf:2" "line too long" -f long.conf

printf 'table t {\n\tcheck icmp\n\thost no-such-host.invalid\n}\n' >"$T/res.conf"
expect_error "unresolvable host" "res.conf:3" "cannot resolve host no-such-host.invalid" -f res.conf

expect_error "missing file" "nonexistent.conf" "cannot open" -f nonexistent.conf

cat >"$T/tls.conf" <<TLS
relay r {
	forward to 127.0.0.1 port 8080
	ssl certificate "$T/none.crt"
	ssl key "$T/server.key"
	listen on 127.0.0.1 port 8443 ssl
}
TLS
: >"$T/server.key"
expect_error "unreadable certificate" "tls.conf:5" "cannot read certificate $T/none.crt" -f tls.conf
: >"$T/none.crt"
expect_error "empty certificate" "tls.conf:5" "$T/none.crt: no PEM certificate" -f tls.conf
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 1 -subj /CN=a -keyout "$T/server.key" -out "$T/none.crt" \
    2>/dev/null || fail "openssl: a certificate"
openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/other.key" 2>/dev/null || fail "openssl: a key"
chmod 600 "$T/server.key" "$T/other.key"
expect_ok "readable certificate and its key" -f tls.conf
if grep -q "readable by others" "$T/err"; then
	fail "a key only root reads warned about: $(cat "$T/err")"
fi
chmod 644 "$T/server.key"
expect_ok "a key readable by others is no error" -f tls.conf
if grep -q "warning: key $T/server.key is readable by others" "$T/err"; then
	echo "ok: a key readable by others is warned about"
else
	fail "no warning for a key of mode 0644: $(cat "$T/err")"
fi
sed -i "s|server.key|other.key|" "$T/tls.conf"
expect_error "a key of another certificate" "tls.conf:5" "key $T/other.key does not match certificate $T/none.crt" -f tls.conf

# A check script that cannot run is a warning at its line, not an error:
# it may be installed after the configuration.
expect_warning() {	# NAME WORDS (empty: none) SCRIPT
	printf 'table s {\n\treal port 25\n\tcheck script "%s"\n\thost 10.0.0.1\n}\n' \
	    "$3" >"$T/script.conf"
	(cd "$T" && "$HOSTSTATED" -n -f script.conf) >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -ne 0 ] || [ "$(cat "$T/out")" != "configuration OK" ]; then
		fail "$1: exit status $rc: $(cat "$T/out" "$T/err")"
	elif [ -z "$2" ] && [ -s "$T/err" ]; then
		fail "$1: unexpected warning: $(cat "$T/err")"
	elif [ -n "$2" ] && ! grep -qxF -- "script.conf:3: warning: check script $3: $2" "$T/err"; then
		fail "$1: want warning '$2', got: $(cat "$T/err")"
	else
		echo "ok: $1"
	fi
}
expect_warning "missing check script" "no such file" "$T/none.sh"
printf '#!/bin/sh\nexit 0\n' >"$T/check.sh"
chmod 644 "$T/check.sh"
expect_warning "check script not executable" "not executable" "$T/check.sh"
chmod 755 "$T/check.sh"
expect_warning "executable check script" "" "$T/check.sh"

# A table with no hosts: an error where a service or relay uses it, a
# warning where nothing does (and the file is still accepted).
printf 'table empty {\n\treal port 80\n\tcheck tcp\n}\n' >"$T/empty.conf"
(cd "$T" && "$HOSTSTATED" -n -f empty.conf) >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] &&
    grep -qxF "empty.conf:1: warning: table empty has no hosts" "$T/err"; then
	echo "ok: unused table without hosts is a warning"
else
	fail "unused table without hosts: $(cat "$T/out" "$T/err")"
fi

(cd "$T" && "$HOSTSTATED" -n -x) >/dev/null 2>"$T/err"
if [ $? -eq 1 ] && grep -q '^usage: hoststated' "$T/err"; then
	echo "ok: unknown option prints usage"
else
	fail "unknown option"
fi

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
