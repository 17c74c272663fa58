/*
 * Explore speed: hoststated-sim --explore over a production-like
 * configuration of HOSTS hosts (tables of 20 with every check method but
 * scripts, main and backup tables, carp demotion, a relay), on one core.
 * Prints key=value lines: simulated checks per CPU second, the figure
 * that must not fall as the configuration grows.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cpu_time.h"
#include "sim/explore.h"

#define TABLE_HOSTS	20

/* sha1("ok"), the digest tables' expected page. */
#define PAGE_SHA1	"7a85f4764bbd6daf1c3545efbbf0f279a6dc0beb"

static const char *
table_check(unsigned int t)
{
	static const char *const checks[] = {
		"check http \"/\" code 200",
		"check http \"/health\" digest \"" PAGE_SHA1 "\"",
		"check send \"PING\\r\\n\" expect \"+PONG*\"",
		"check https \"/\" code 200",
		"check tcp",
		"check icmp",
	};

	return checks[t % (sizeof(checks) / sizeof(checks[0]))];
}

static int
write_config(FILE *f, unsigned int hosts)
{
	unsigned int	ntables, t, h, k = 0;

	ntables = (hosts + TABLE_HOSTS - 1) / TABLE_HOSTS;
	fprintf(f, "interval 10\ntimeout 500\n");
	for (t = 0; t < ntables; t++) {
		fprintf(f, "table t%u {\n\treal port %u\n\t%s\n", t,
		    8000 + t / 2, table_check(t));
		if (t % 5 == 4)
			fprintf(f, "\tdemote carp%u\n", t / 50);
		for (h = 0; h < TABLE_HOSTS && k < hosts; h++, k++)
			fprintf(f, "\thost 10.%u.%u.%u\n", k / 62500,
			    k / 250 % 250, k % 250 + 1);
		fprintf(f, "}\n");
	}
	/* A service per pair of tables: main and backup. */
	for (t = 0; t + 1 < ntables; t += 2)
		fprintf(f, "service s%u {\n\tvirtual host 192.0.2.1 port %u\n"
		    "\ttable t%u\n\tbackup table t%u\n}\n", t / 2,
		    8000 + t / 2, t, t + 1);
	fprintf(f, "relay r0 {\n\tlisten on 192.0.2.2 port 80\n"
	    "\ttable t0 roundrobin\n}\n");
	return ferror(f) ? -1 : 0;
}

int
main(int argc, char *argv[])
{
	struct explore_opts	eo;
	struct explore_result	er;
	char			dir[] = "/tmp/explore-speed.XXXXXX";
	char			conf[sizeof(dir) + 32];
	unsigned int		hosts = 200;
	uint64_t		runs = 1, seed = 1;
	double			c0, c1;
	FILE			*f;
	int			ch, rv;

	while ((ch = getopt(argc, argv, "n:r:s:")) != -1) {
		switch (ch) {
		case 'n':
			hosts = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			runs = strtoull(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: explore_speed [-n hosts] "
			    "[-r runs] [-s seed]\n");
			return 2;
		}
	}
	if (hosts < 2 * TABLE_HOSTS || runs == 0 || mkdtemp(dir) == NULL)
		return 2;
	(void)snprintf(conf, sizeof(conf), "%s/explore.conf", dir);
	if ((f = fopen(conf, "w")) == NULL || write_config(f, hosts) == -1 ||
	    fclose(f) == EOF)
		return 2;
	memset(&eo, 0, sizeof(eo));
	eo.runs = runs;
	eo.seed = seed;
	eo.dir = dir;
	c0 = cpu_seconds();
	rv = explore_run(conf, &eo, &er);
	c1 = cpu_seconds();
	(void)unlink(conf);
	(void)rmdir(dir);
	if (rv == -1)
		return 1;
	printf("hosts=%u\nruns=%llu\nviolations=%llu\nchecks=%llu\n", hosts,
	    (unsigned long long)er.runs, (unsigned long long)er.violations,
	    (unsigned long long)er.checks);
	printf("cpu_seconds=%.3f\nchecks_per_cpu_second=%.0f\n", c1 - c0,
	    (double)er.checks / (c1 - c0));
	return 0;
}
