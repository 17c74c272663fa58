#!/bin/sh
# golden.sh STORY MODE CONF GOLDEN: the story's output must be GOLDEN.
# "apply" runs as root in a network namespace of its own; MODE "-" is
# no argument (a story with one mode).
# HS_GOLDEN_UPDATE=1 rewrites GOLDEN instead (review the diff).
story=$1 mode=$2 conf=$3 want=$4
if [ "$mode" = apply ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root"
		exit 77
	fi
	set -- unshare --net -- "$story" "$mode" "$conf"
elif [ "$mode" = - ]; then
	set -- "$story" "$conf"
else
	set -- "$story" "$mode" "$conf"
fi
got=$(mktemp) || exit 1
trap 'rm -f "$got"' EXIT
"$@" >"$got" 2>&1 || { cat "$got"; echo "FAIL: $story exited $?"; exit 1; }
if [ "${HS_GOLDEN_UPDATE:-}" = 1 ]; then
	cp "$got" "$want"
	echo "updated $want"
	exit 0
fi
if ! diff -u "$want" "$got"; then
	echo "FAIL: output differs from $want"
	exit 1
fi
echo "ok: $(grep -c '^# ' "$want") steps as in $want"
