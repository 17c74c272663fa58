/*
 * hoststated-sim --explore: random fault schedules over a configuration,
 * with the invariants checked after every event.  A violation is written
 * out as a scenario that replays it.  Runs can be spread over several
 * processes; what is printed does not depend on how many.
 */
#ifndef HS_SIM_EXPLORE_H
#define HS_SIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

#define EXPLORE_KEEP_DEFAULT	100	/* replay scenarios written */
#define EXPLORE_JOBS_MAX	256
#define EXPLORE_PROGRESS_S	2.0	/* seconds between progress lines */

struct explore_opts {
	uint64_t	 runs;
	uint64_t	 seed;
	const char	*dir;		/* where replay scenarios go */
	unsigned int	 inject;	/* WORLD_INJECT_*: a broken world */
	bool		 verbose;
	unsigned int	 max_reports;	/* replays kept; 0: the default */
	unsigned int	 jobs;		/* processes; 0 or 1: this one */
	bool		 progress;	/* a line on stderr now and then */
	double		 progress_s;	/* that often; 0: after each run */
};

struct explore_result {
	uint64_t	 runs;
	uint64_t	 violations;
	uint64_t	 kept;			/* replay scenarios written */
	uint64_t	 checks;
	char		 first_file[1024];	/* first scenario written */
};

/*
 * Exit status: 0 no violation, 1 violations (scenarios written), 2 a
 * configuration or I/O error.
 */
int	explore_config(const char *config, const struct explore_opts *);
int	explore_run(const char *config, const struct explore_opts *,
	    struct explore_result *);

#endif /* HS_SIM_EXPLORE_H */
