/*
 * Running a scenario: load its configuration, build the simulated world,
 * apply the timed statements in order and print the timeline.
 */
#ifndef HS_SIM_RUN_H
#define HS_SIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backends/sim/world.h"
#include "core/buf.h"
#include "core/config.h"
#include "sim/scenario.h"

struct world;

struct run_opts {
	uint64_t	 seed;
	bool		 seed_set;	/* -s overrides the scenario's seed */
	bool		 verbose;
	FILE		*out;		/* timeline; NULL: hash it only */
	FILE		*err;		/* scenario and configuration errors */
	/* Called after every event, with the world (explore). */
	void		(*after_event)(void *, struct world *);
	/* Told what each event changed (explore's invariants). */
	void		(*changed)(void *, enum world_change, uint32_t id);
	void		*after_arg;
};

struct run_result {
	unsigned int	 passed;
	unsigned int	 failed;
	uint64_t	 hash;		/* FNV-1a of the timeline */
	uint64_t	 checks;
	uint64_t	 end_ms;
};

/*
 * Returns 0 when the scenario ran (expectations may have failed), -1 on
 * a scenario or configuration error, printed as FILE:LINE: message.
 */
int		 scenario_run(const struct scenario *, const struct run_opts *,
		    struct run_result *);
/* Parse a configuration as the simulator does (resolver, defines). */
struct config	*sim_config_load(const struct scenario *, const char *path,
		    struct buf *err);
/* A file that parses as a configuration (given instead of a scenario). */
bool		 sim_file_is_config(const char *path);
/* The timeline's time prefix, 16 columns so tabs keep their stops. */
void		 sim_time_prefix(uint64_t ms, char *, size_t);

#endif /* HS_SIM_RUN_H */
