/*
 * hoststated-sim: run a failure scenario against a configuration in
 * virtual time, or explore random fault schedules (--explore).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/world.h"
#include "sim/explore.h"
#include "sim/run.h"
#include "sim/scenario.h"

#define EXIT_EXPECT	1
#define EXIT_SCENARIO	2

static void
usage(void)
{
	fprintf(stderr, "usage: hoststated-sim [-v] [-s seed] scenario\n"
	    "       hoststated-sim --explore N [-qv] [-j jobs] [-s seed] "
	    "[-o dir] [--keep N]\n"
	    "                      [--progress seconds] "
	    "[--inject fault] config\n");
	exit(EXIT_SCENARIO);
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
run_one(const char *path, const struct run_opts *ro)
{
	struct scenario		sc;
	struct run_result	res;
	struct buf		err;

	buf_init(&err, 1024 * 1024);
	if (scenario_load(path, &sc, &err) == -1) {
		if (sim_file_is_config(path))
			fprintf(stderr, "hoststated-sim: %s is a "
			    "configuration, not a scenario: explore it with "
			    "hoststated-sim --explore N %s, or replay a "
			    "scenario that says config \"%s\"\n", path, path,
			    path);
		else
			fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return EXIT_SCENARIO;
	}
	buf_free(&err);
	if (scenario_run(&sc, ro, &res) == -1) {
		scenario_free(&sc);
		return EXIT_SCENARIO;
	}
	scenario_free(&sc);
	fflush(stdout);
	return res.failed > 0 ? EXIT_EXPECT : 0;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "explore", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "inject", required_argument, NULL, 'i' },
		{ "keep", required_argument, NULL, 'k' },
		{ "progress", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts		ro;
	struct explore_opts	eo;
	uint64_t		runs = 0, n;
	bool			explore = false;
	int			ch;

	memset(&ro, 0, sizeof(ro));
	memset(&eo, 0, sizeof(eo));
	ro.out = stdout;
	ro.err = stderr;
	eo.dir = ".";
	eo.progress = true;
	eo.progress_s = EXPLORE_PROGRESS_S;
	while ((ch = getopt_long(argc, argv, "e:hj:o:qs:v", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 'e':
			if (parse_u64(optarg, &runs) == -1 || runs == 0)
				usage();
			explore = true;
			break;
		case 'i':
			/* A deliberately broken world, to see explore catch it. */
			if (world_inject_word(optarg) == 0)
				usage();
			eo.inject |= world_inject_word(optarg);
			break;
		case 'j':
			if (parse_u64(optarg, &n) == -1 || n == 0 ||
			    n > EXPLORE_JOBS_MAX)
				usage();
			eo.jobs = (unsigned int)n;
			break;
		case 'k':
			if (parse_u64(optarg, &n) == -1 || n == 0 ||
			    n > UINT32_MAX)
				usage();
			eo.max_reports = (unsigned int)n;
			break;
		case 'o':
			eo.dir = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, &n) == -1 || n > 86400)
				usage();
			eo.progress_s = (double)n;
			break;
		case 'q':
			eo.progress = false;
			break;
		case 's':
			if (parse_u64(optarg, &ro.seed) == -1)
				usage();
			ro.seed_set = true;
			break;
		case 'v':
			ro.verbose = true;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (!explore)
		return run_one(argv[0], &ro);
	eo.runs = runs;
	eo.seed = ro.seed_set ? ro.seed : 1;
	eo.verbose = ro.verbose;
	return explore_config(argv[0], &eo);
}
