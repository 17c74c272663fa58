/*
 * The hoststated side of the check-scale benchmark: the core's check
 * engine (hce) driven by a libevent loop with the net backend as its
 * I/O, as the daemon's HCE process runs it, over N hosts laid out as
 * layout.h says, all checked with `check tcp` or `check http "/" code
 * 200` at interval 1.  After SECONDS it prints key=value lines: checks
 * done, CPU seconds (utime+stime from /proc/self/stat, over the check
 * window only), peak RSS, and the hosts ever seen down.
 * MAX_INFLIGHT is the HCE's bound on checks in flight (default: the
 * daemon's, HCE_INFLIGHT_DEFAULT).
 * With -L it only lists the hosts ("ADDR:PORT" lines) for the run
 * script's HAProxy configuration.
 */
#include <sys/resource.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "backends/net/net_check.h"
#include "bench/check-scale/layout.h"
#include "core/hce.h"

struct bench {
	struct event_base	*base;
	struct net_checker	*nc;
	struct hce		*hce;
	struct event		*tick;
	struct config		 cfg;
	uint64_t		 results;
	uint8_t			*seen_down;
	uint64_t		 down_hosts;
	uint64_t		 down_by_error[HCE_ERROR_MAX];	/* as the HCE says */
	uint32_t		 rtt_max_ms;	/* slowest result of the checker */
	uint32_t		 queued_max;	/* hosts due, waiting for a slot */
};

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* utime + stime of this process, in seconds, as the run script reads it. */
static double
cpu_seconds(void)
{
	FILE		*f = fopen("/proc/self/stat", "r");
	char		 buf[1024], *p;
	unsigned long	 ut, st;

	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Time spent runnable but not running: how busy the machine was. */
static double
runqueue_wait(void)
{
	FILE			*f = fopen("/proc/self/schedstat", "r");
	unsigned long long	 run, wait;
	int			 n;

	if (f == NULL)
		return -1;
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return n == 2 ? (double)wait / 1e9 : -1;
}

static int
build_config(struct config *c, uint32_t n, int http)
{
	uint32_t	 ntables = n < BENCH_PORTS ? n : BENCH_PORTS, i, t;
	struct in_addr	 a;

	memset(c, 0, sizeof(*c));
	c->interval_s = 1;
	c->timeout_ms = HS_TIMEOUT_DEFAULT;
	c->hosts = calloc(n, sizeof(*c->hosts));
	c->tables = calloc(ntables, sizeof(*c->tables));
	if (c->hosts == NULL || c->tables == NULL)
		return -1;
	c->nhosts = n;
	c->ntables = ntables;
	for (t = 0; t < ntables; t++) {
		struct table_conf	*tc = &c->tables[t];

		tc->id = t;
		tc->port = bench_host_port(t);
		snprintf(tc->name, sizeof(tc->name), "bench%u", tc->port);
		snprintf(tc->base, sizeof(tc->base), "%s", tc->name);
		tc->real_port = true;
		tc->check.type = http ? CHECK_HTTP_CODE : CHECK_TCP;
		snprintf(tc->check.path, sizeof(tc->check.path), "/");
		tc->check.code = 200;
		tc->timeout_ms = HS_TIMEOUT_DEFAULT;
		tc->interval_s = 1;
		tc->copy_of = HS_ID_NONE;
		tc->host_ids = calloc(n / ntables + 1, sizeof(uint32_t));
		if (tc->host_ids == NULL)
			return -1;
	}
	for (i = 0; i < n; i++) {
		struct host_conf	*h = &c->hosts[i];
		struct table_conf	*tc = &c->tables[i % BENCH_PORTS];

		h->id = i;
		h->table_id = tc->id;
		a.s_addr = htonl(bench_host_addr(i));
		inet_ntop(AF_INET, &a, h->name, sizeof(h->name));
		if (addr_parse(h->name, &h->addr) == -1)
			return -1;
		h->weight = 1;
		tc->host_ids[tc->nhosts++] = i;
	}
	return 0;
}

static void
rearm(struct bench *b)
{
	uint64_t	 d = hce_next_deadline(b->hce), now = now_ms();
	struct timeval	 tv = { 0, 0 };

	if (d == HS_TIME_NEVER)
		return;
	if (d > now) {
		tv.tv_sec = (time_t)((d - now) / 1000);
		tv.tv_usec = (suseconds_t)((d - now) % 1000) * 1000;
	}
	evtimer_add(b->tick, &tv);
}

static void
on_tick(int fd, short what, void *arg)
{
	struct bench	*b = arg;

	hce_run(b->hce, now_ms());
	if (hce_queued(b->hce) > b->queued_max)
		b->queued_max = hce_queued(b->hce);
	rearm(b);
}

static void
on_result(void *arg, const struct check_result *r)
{
	struct bench	*b = arg;

	b->results++;
	if (r->rtt_ms > b->rtt_max_ms)
		b->rtt_max_ms = r->rtt_ms;
	hce_check_done(b->hce, r, now_ms());
}

static void
io_start(void *arg, const struct check_request *req)
{
	struct bench	*b = arg;

	net_check_start(b->nc, req);
}

static void
io_cancel(void *arg, uint32_t host_id, uint64_t seq)
{
	struct bench	*b = arg;

	net_check_cancel(b->nc, host_id, seq);
}

static void
io_send(void *arg, enum hs_peer peer, const struct msg *m)
{
	struct bench	*b = arg;
	uint32_t	 id = m->u.host_status.host_id;

	if (m->type != MSG_HOST_STATUS || id >= b->cfg.nhosts ||
	    m->u.host_status.state != HOST_DOWN)
		return;
	if (m->u.host_status.error < HCE_ERROR_MAX)
		b->down_by_error[m->u.host_status.error]++;
	if (b->seen_down[id])
		return;
	b->seen_down[id] = 1;
	b->down_hosts++;
}

static void
on_end(int fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

static void
report(const struct bench *b, double cpu, double secs)
{
	struct rusage	 ru;
	int		 e;

	getrusage(RUSAGE_SELF, &ru);
	printf("hoststated_checks=%llu\n", (unsigned long long)b->results);
	printf("hoststated_seconds=%.1f\n", secs);
	printf("hoststated_cpu_s=%.2f\n", cpu);
	printf("hoststated_cpu_s_per_1000_checks=%.4f\n",
	    b->results ? cpu * 1000.0 / (double)b->results : 0.0);
	printf("hoststated_maxrss_kb=%ld\n", ru.ru_maxrss);
	printf("hoststated_runqueue_wait_s=%.2f\n", runqueue_wait());
	printf("hoststated_rtt_max_ms=%u\n", b->rtt_max_ms);
	printf("hoststated_hce_queued_max=%u\n", b->queued_max);
	printf("hoststated_false_down=%llu\n",
	    (unsigned long long)b->down_hosts);
	/* Why hosts were seen down, in the HCE's words (spaces as _). */
	for (e = 0; e < HCE_ERROR_MAX; e++) {
		char	 key[64], *p;

		if (b->down_by_error[e] == 0)
			continue;
		snprintf(key, sizeof(key), "%s", check_error_str(e));
		for (p = key; *p != '\0'; p++)
			if (*p == ' ' || *p == '/')
				*p = '_';
		printf("hoststated_down_%s=%llu\n", key,
		    (unsigned long long)b->down_by_error[e]);
	}
}

int
main(int argc, char *argv[])
{
	static struct bench	 b;
	struct net_checker_opts	 o;
	struct hce_io		 io;
	struct timeval		 tv;
	struct in_addr		 a;
	uint32_t		 n, i, inflight;
	int			 secs, http;
	double			 cpu0;
	uint64_t		 t0;

	if (argc == 3 && strcmp(argv[1], "-L") == 0) {
		n = (uint32_t)strtoul(argv[2], NULL, 10);
		for (i = 0; i < n && n <= BENCH_HOSTS_MAX; i++) {
			a.s_addr = htonl(bench_host_addr(i));
			printf("%s:%u\n", inet_ntoa(a), bench_host_port(i));
		}
		return 0;
	}
	if ((argc != 4 && argc != 5) || (strcmp(argv[2], "tcp") != 0 &&
	    strcmp(argv[2], "http") != 0)) {
		fprintf(stderr, "usage: driver NHOSTS tcp|http SECONDS "
		    "[MAX_INFLIGHT]\n       driver -L NHOSTS\n");
		return 2;
	}
	/* The daemon's bound unless told otherwise. */
	inflight = argc == 5 ? (uint32_t)strtoul(argv[4], NULL, 10) :
	    HCE_INFLIGHT_DEFAULT;
	n = (uint32_t)strtoul(argv[1], NULL, 10);
	http = strcmp(argv[2], "http") == 0;
	secs = atoi(argv[3]);
	if (n == 0 || n > BENCH_HOSTS_MAX || secs <= 0 ||
	    build_config(&b.cfg, n, http) == -1 ||
	    (b.seen_down = calloc(n, 1)) == NULL)
		return 1;

	b.base = event_base_new();
	net_checker_opts_init(&o);
	o.result = on_result;
	o.result_arg = &b;
	b.nc = net_checker_new(b.base, &o);
	memset(&io, 0, sizeof(io));
	io.arg = &b;
	io.check_start = io_start;
	io.check_cancel = io_cancel;
	io.send = io_send;
	b.tick = evtimer_new(b.base, on_tick, &b);
	if (b.base == NULL || b.nc == NULL || b.tick == NULL)
		return 1;
	cpu0 = cpu_seconds();
	t0 = now_ms();
	if (inflight == 0 ||
	    (b.hce = hce_new(&b.cfg, &io, inflight, t0)) == NULL)
		return 1;
	printf("hoststated_max_inflight=%u\n", inflight);
	rearm(&b);
	tv.tv_sec = secs;
	tv.tv_usec = 0;
	event_base_once(b.base, -1, EV_TIMEOUT, on_end, b.base, &tv);
	event_base_dispatch(b.base);
	report(&b, cpu_seconds() - cpu0, (double)(now_ms() - t0) / 1000.0);
	hce_free(b.hce);
	net_checker_free(b.nc);
	event_free(b.tick);
	event_base_free(b.base);
	return 0;
}
