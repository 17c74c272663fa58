# strace -c's table into system calls per request: "PRE_syscalls_per_
# request=X" and PRE_CALL=X for each call made 0.05 times a request or
# more; awk -v pre=PREFIX -v n=REQUESTS.  bench/relay-http/run and
# bench/relay-tls/run read strace through it.
$NF == "total" { t = $4 }
$1 ~ /^[0-9.]+$/ && $NF != "total" { calls[$NF] = $4 }
END {
	n = n ? n : 1
	printf "%s_syscalls_per_request=%.2f", pre, t / n
	for (s in calls)
		if (calls[s] / n >= 0.05)
			printf " %s_%s=%.2f", pre, s, calls[s] / n
	printf "\n"
}
