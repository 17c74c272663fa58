/*
 * Simulator speed: HOSTS hosts in TABLES tables checked every second for
 * HOURS virtual hours with random faults, through the whole simulated
 * world (hce, pfe, parent, message encoding).  Prints key=value lines:
 * simulated checks per wall-clock second and peak memory per host.
 */
#include <sys/resource.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/sim/world.h"
#include "bench/cpu_time.h"
#include "core/parse.h"

#define FAULTS_PER_HOUR	3600	/* one fault statement per virtual second */

static long
peak_rss_kib(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return ru.ru_maxrss;
}

static double
wall_seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* TABLES tables of HOSTS/TABLES hosts, one service each, interval 1. */
static struct config *
bench_config(unsigned int hosts, unsigned int tables)
{
	struct buf	 text, err;
	struct config	*conf;
	unsigned int	 t, h, per = hosts / tables;

	buf_init(&text, 64u * 1024 * 1024);
	buf_init(&err, 65536);
	buf_puts(&text, "interval 1\ntimeout 200\n");
	for (t = 0; t < tables; t++) {
		buf_printf(&text, "table t%u {\n\treal port %u\n\tcheck %s\n",
		    t, 8000 + t, t % 2 ? "tcp" : "http \"/\" code 200");
		for (h = 0; h < per; h++)
			buf_printf(&text, "\thost 10.%u.%u.%u\n", t,
			    h / 250, h % 250 + 1);
		buf_printf(&text, "}\nservice s%u {\n\tvirtual host "
		    "192.0.2.1 port %u\n\ttable t%u\n}\n", t, 8000 + t, t);
	}
	conf = text.truncated ? NULL : config_parse_string("sim-speed.conf",
	    buf_str(&text), text.len, NULL, &err, NULL);
	if (conf == NULL)
		fprintf(stderr, "%s", buf_str(&err));
	buf_free(&text);
	buf_free(&err);
	return conf;
}

/* One random fault on one random host: mostly down/up, some others. */
static void
random_fault(struct world *w, struct prng *p, uint64_t now)
{
	struct vhost	*vh = &w->vhosts[prng_below(p, w->nvhosts)];
	uint64_t	 k = prng_below(p, 100);

	if (k < 35)
		vhost_set_down(vh, now);
	else if (k < 80)
		vhost_set_up(vh, now);
	else if (k < 88)
		vhost_set_refuse(vh, now);
	else if (k < 94) {
		answer_set_latency(&vh->answer, (uint32_t)prng_below(p, 400));
		vhost_answers(vh, now);
	} else {
		answer_set_code(&vh->answer, prng_below(p, 2) ? 200 : 500);
		vhost_answers(vh, now);
	}
}

int
main(int argc, char *argv[])
{
	struct world_opts	 wo;
	struct world		*w;
	struct config		*conf;
	struct prng		 p;
	struct buf		 err;
	unsigned int		 hosts = 1000, tables = 10, hours = 24;
	uint64_t		 seed = 1, end, t, step;
	long			 rss0, rss1;
	double			 t0, t1, c0, c1;
	int			 ch;

	while ((ch = getopt(argc, argv, "H:n:s:t:")) != -1) {
		switch (ch) {
		case 'H':
			hours = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			hosts = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			tables = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: sim_speed [-H hours] "
			    "[-n hosts] [-t tables] [-s seed]\n");
			return 2;
		}
	}
	if (tables == 0 || hosts < tables || hours == 0)
		return 2;
	rss0 = peak_rss_kib();
	if ((conf = bench_config(hosts, tables)) == NULL)
		return 2;
	memset(&wo, 0, sizeof(wo));
	wo.seed = seed;
	wo.quiet = true;
	buf_init(&err, 4096);
	if ((w = world_new(conf, &wo, &err)) == NULL ||
	    world_start(w) == -1) {
		fprintf(stderr, "sim_speed: %s\n", buf_str(&err));
		return 2;
	}
	buf_free(&err);
	prng_seed(&p, seed);
	end = (uint64_t)hours * 3600 * 1000;
	step = 3600 * 1000 / FAULTS_PER_HOUR;
	t0 = wall_seconds();
	c0 = cpu_seconds();
	for (t = step; t <= end; t += step) {
		if (world_run_before(w, t) == -1) {
			fprintf(stderr, "sim_speed: %s\n", w->errstr);
			return 1;
		}
		random_fault(w, &p, t);
	}
	t1 = wall_seconds();
	c1 = cpu_seconds();
	rss1 = peak_rss_kib();
	printf("hosts=%u\ntables=%u\nvirtual_hours=%u\n", hosts, tables,
	    hours);
	printf("checks=%llu\nmessages=%llu\n",
	    (unsigned long long)w->nchecks, (unsigned long long)w->nmsgs);
	printf("wall_seconds=%.3f\nchecks_per_second=%.0f\n", t1 - t0,
	    (double)w->nchecks / (t1 - t0));
	printf("cpu_seconds=%.3f\nchecks_per_cpu_second=%.0f\n", c1 - c0,
	    (double)w->nchecks / (c1 - c0));
	printf("peak_rss_kib=%ld\nbytes_per_host=%.0f\n", rss1,
	    (double)(rss1 - rss0) * 1024.0 / hosts);
	world_free(w);
	return 0;
}
