/*
 * CPU time of the benchmark's process: the figure that holds when the
 * machine is shared, unlike wall time.
 */
#ifndef HS_BENCH_CPU_TIME_H
#define HS_BENCH_CPU_TIME_H

#include <sys/resource.h>

static inline double
cpu_seconds(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

#endif /* HS_BENCH_CPU_TIME_H */
