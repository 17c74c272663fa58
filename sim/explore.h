/*
 * hoststated-sim --explore: random fault schedules over a configuration,
 * with the invariants checked after every event.  A violation is written
 * out as a scenario that replays it.
 */
#ifndef HS_SIM_EXPLORE_H
#define HS_SIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

struct explore_opts {
	uint64_t	 runs;
	uint64_t	 seed;
	const char	*dir;		/* where replay scenarios go */
	unsigned int	 inject;	/* WORLD_INJECT_*: a broken world */
	bool		 verbose;
	unsigned int	 max_reports;	/* 0: 10 */
};

struct explore_result {
	uint64_t	 runs;
	uint64_t	 violations;
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
