# Sourced by the benchmarks: bench_build BUILD SRC [MESON OPTIONS...]
# sets up a release build of SRC in BUILD.  A build directory left by
# another checkout (the default ones are shared, under $TMPDIR) is made
# again rather than rebuilt from a tree that may be gone.
bench_build() {
	local build=$1 src info
	src=$(cd "$2" && pwd -P) || return 1
	shift 2
	info=$build/meson-info/meson-info.json
	if [ -f "$build/build.ninja" ] &&
	    ! grep -q "\"source\": \"$src\"" "$info" 2>/dev/null; then
		echo "note=$build was set up for another tree: made again" >&2
		rm -rf "$build"
	fi
	[ -f "$build/build.ninja" ] ||
	    meson setup "$build" "$src" -Dbuildtype=release "$@" >/dev/null
}
