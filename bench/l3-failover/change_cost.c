/*
 * The cost of one layer-3 table change with nftables: a service whose
 * table holds N hosts, filled once (first_fill), then its table replaced
 * again and again, one host leaving and coming back (one transaction
 * each), through one libnftables context kept for the process's life,
 * as the daemon does; and, side by side, the same transactions through
 * one "nft -f" process each (a new context per change, as some
 * balancers do).  Run it in a network namespace of its own.  Prints
 * key=value lines.
 *
 * usage: change_cost [-s] [-r ROUNDS] [-n PATH_TO_NFT] HOSTS
 *	-s: sticky-address (dealt slots) instead of round-robin
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/nft/nft.h"
#include "backends/nft/ruleset.h"

#define ROUNDS_DEFAULT	20

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* User and system CPU of who (RUSAGE_SELF or RUSAGE_CHILDREN), in ms. */
static double
cpu_ms(int who)
{
	struct rusage	ru;

	getrusage(who, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
hosts_init(struct l3_host *h, size_t n)
{
	size_t	i;

	memset(h, 0, n * sizeof(*h));
	for (i = 0; i < n; i++) {
		h[i].id = (uint32_t)i;
		h[i].addr.family = HS_AF_INET;
		h[i].addr.bytes[0] = 10;
		h[i].addr.bytes[1] = (uint8_t)(i >> 16);
		h[i].addr.bytes[2] = (uint8_t)(i >> 8);
		h[i].addr.bytes[3] = (uint8_t)i;
		h[i].port = 8080;
		h[i].weight = 1;
	}
}

/* Change i: every other one without the first host, from the full table. */
static void
change_hosts(struct l3_table *lt, struct l3_host *h, size_t n, int i)
{
	lt->hosts = i % 2 ? h : h + 1;
	lt->nhosts = i % 2 ? n : n - 1;
}

/* The text of the next change from *maps, which then holds the result. */
static void
next_text(const struct service_conf *svc, const struct l3_table *lt,
    struct nft_maps *maps, struct buf *text, struct buf *err)
{
	struct nft_maps	next;

	buf_reset(text);
	(void)nft_text_table_replace(svc, lt, maps, &next, text, err);
	nft_maps_clear(maps, false);
	*maps = next;
}

/* One "nft -f" process on text; 0 if it succeeded. */
static int
nft_cli(const char *nft, const char *text)
{
	char	path[] = "/tmp/change_cost.XXXXXX";
	int	fd, st = -1;
	pid_t	pid;
	FILE	*f;

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	if ((pid = fork()) == 0) {
		execl(nft, nft, "-f", path, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, &st, 0);
	unlink(path);
	return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

struct run {
	double	*ms;
	double	 cpu;
	size_t	 bytes;
	int	 failed;
};

static void
report(const char *who, const struct run *r, int rounds)
{
	qsort(r->ms, (size_t)rounds, sizeof(double), cmp_double);
	printf("%s_median_ms=%.3f\n%s_max_ms=%.3f\n%s_cpu_ms_per_change=%.3f\n",
	    who, r->ms[rounds / 2], who, r->ms[rounds - 1], who,
	    r->cpu / rounds);
	if (r->failed > 0)
		printf("%s_failed=%d\n", who, r->failed);
}

int
main(int argc, char *argv[])
{
	struct service_conf	 svc;
	struct table_conf	 tab;
	struct l3_table		 lt;
	struct l3_host		*h;
	struct nft_backend	*nb;
	struct nft_maps		 maps;
	struct buf		 text, err;
	struct run		 ours, cli;
	const char		*nft = "/usr/sbin/nft";
	int			 ch, rounds = ROUNDS_DEFAULT, i;
	size_t			 n;
	double			 t0, c0;
	bool			 sticky = false;

	while ((ch = getopt(argc, argv, "n:r:s")) != -1) {
		if (ch == 'n')
			nft = optarg;
		else if (ch == 'r' && atoi(optarg) > 0)
			rounds = atoi(optarg);
		else if (ch == 's')
			sticky = true;
		else
			goto usage;
	}
	if (argc - optind != 1 || (n = strtoul(argv[optind], NULL, 10)) < 2)
		goto usage;
	memset(&svc, 0, sizeof(svc));
	(void)snprintf(svc.name, sizeof(svc.name), "bench");
	svc.nvirts = 1;
	(void)addr_parse("198.18.1.1", &svc.virts[0].addr);
	svc.virts[0].port = 80;
	svc.sticky = sticky;
	memset(&tab, 0, sizeof(tab));
	(void)snprintf(tab.name, sizeof(tab.name), "web");
	tab.port = 8080;
	tab.nhosts = n;
	if ((h = calloc(n, sizeof(*h))) == NULL)
		return 1;
	hosts_init(h, n);
	memset(&lt, 0, sizeof(lt));
	lt.table = &tab;
	lt.hosts = h;
	lt.nhosts = n;
	buf_init(&text, NFT_TEXT_MAX);
	buf_init(&err, 1024);
	ours.ms = calloc((size_t)rounds, sizeof(double));
	cli.ms = calloc((size_t)rounds, sizeof(double));
	if ((nb = nft_backend_new(&err)) == NULL || ours.ms == NULL ||
	    cli.ms == NULL || nft_flush(nb, &err) == -1 ||
	    nft_rules_add(nb, &svc, &err) == -1) {
		fprintf(stderr, "change_cost: %s\n", buf_str(&err));
		return 1;
	}
	ours.failed = cli.failed = 0;
	ours.cpu = cli.cpu = 0;
	c0 = cpu_ms(RUSAGE_SELF);
	t0 = now_ms();
	if (nft_table_replace(nb, &svc, &lt, &err) == -1) {
		fprintf(stderr, "change_cost: %s\n", buf_str(&err));
		return 1;
	}
	printf("first_fill_ms=%.3f\nfirst_fill_cpu_ms=%.3f\n", now_ms() - t0,
	    cpu_ms(RUSAGE_SELF) - c0);
	for (i = 0; i < rounds; i++) {
		change_hosts(&lt, h, n, i);
		c0 = cpu_ms(RUSAGE_SELF);
		t0 = now_ms();
		ours.failed += nft_table_replace(nb, &svc, &lt, &err) == -1;
		ours.ms[i] = now_ms() - t0;
		ours.cpu += cpu_ms(RUSAGE_SELF) - c0;
	}
	/* The same history again: the maps as the kernel holds them now. */
	memset(&maps, 0, sizeof(maps));
	maps.known = true;
	lt.hosts = h;
	lt.nhosts = n;
	next_text(&svc, &lt, &maps, &text, &err);
	for (i = 0; i < rounds; i++) {
		change_hosts(&lt, h, n, i);
		next_text(&svc, &lt, &maps, &text, &err);
	}
	/* The next changes, one nft process each. */
	for (i = rounds; i < 2 * rounds; i++) {
		change_hosts(&lt, h, n, i);
		next_text(&svc, &lt, &maps, &text, &err);
		cli.bytes = text.len;
		c0 = cpu_ms(RUSAGE_CHILDREN);
		t0 = now_ms();
		cli.failed += nft_cli(nft, buf_str(&text)) == -1;
		cli.ms[i - rounds] = now_ms() - t0;
		cli.cpu += cpu_ms(RUSAGE_CHILDREN) - c0;
	}
	printf("hosts=%zu\nmode=%s\nrounds=%d\ntransaction_bytes=%zu\n", n,
	    sticky ? "sticky" : "roundrobin", rounds, cli.bytes);
	report("hoststated", &ours, rounds);
	report("nft_cli", &cli, rounds);
	printf("time_ratio_hoststated_to_nft_cli=%.3f\n",
	    ours.ms[rounds / 2] / cli.ms[rounds / 2]);
	nft_maps_clear(&maps, false);
	(void)nft_flush(nb, &err);
	nft_backend_free(nb);
	return 0;
usage:
	fprintf(stderr, "usage: change_cost [-s] [-r rounds] [-n nft] hosts\n");
	return 2;
}
