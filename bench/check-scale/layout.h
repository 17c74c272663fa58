/*
 * Where the benchmark's host i listens, shared by the listener and the
 * configurations the run script writes for both daemons (which ask the
 * listener with -L): BENCH_PORTS ports per address, addresses counting
 * up from 127.1.0.1.
 */
#ifndef HS_BENCH_LAYOUT_H
#define HS_BENCH_LAYOUT_H

#include <stdint.h>

#define BENCH_HOSTS_MAX		100000
#define BENCH_PORTS		100
#define BENCH_PORT_BASE		20000
#define BENCH_ADDR_BASE		0x7f010001u	/* 127.1.0.1, host order */

static inline uint32_t
bench_host_addr(uint32_t i)
{
	return BENCH_ADDR_BASE + i / BENCH_PORTS;
}

static inline uint16_t
bench_host_port(uint32_t i)
{
	return (uint16_t)(BENCH_PORT_BASE + i % BENCH_PORTS);
}

#endif /* HS_BENCH_LAYOUT_H */
