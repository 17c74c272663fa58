# Shared by the end-to-end tests' libraries: bounded waits.

# wait_until SECONDS COMMAND...: true once COMMAND succeeds.
wait_until() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while [ $i -lt $limit ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

port_open() {
	bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}
