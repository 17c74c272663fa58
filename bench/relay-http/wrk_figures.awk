# wrk's output (with --latency) into "requests per_sec p99_us errors";
# bench/relay-http/run and bench/relay-tls/run read wrk through it.
function us(v) {
	if (v ~ /us$/) return v + 0
	if (v ~ /ms$/) return v * 1000
	if (v ~ /m$/) return v * 60e6
	if (v ~ /s$/) return v * 1e6
	return v
}
/ requests in / { n = $1 }
/^Requests\/sec:/ { r = $2 }
/^ +99% / { p = us($2) }
/Socket errors:/ { e = $4 + $6 + $8 + $10; sub(/,/, "", e) }
/Non-2xx/ { e += $5 }
END { printf "%d %.0f %.0f %d\n", n, r, p, e }
