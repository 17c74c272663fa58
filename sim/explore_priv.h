/* Shared by the files of --explore; not an interface. */
#ifndef HS_SIM_EXPLORE_PRIV_H
#define HS_SIM_EXPLORE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "sim/explore.h"

#define SCHED_TEXT_MAX	(4u * 1024 * 1024)
#define SCHED_LINE_MAX	(HS_HOSTNAME_MAX + HS_STR_MAX + 64)

struct sched_line {
	uint64_t	 t;
	char		 text[SCHED_LINE_MAX];
};

struct schedule {
	struct sched_line	*lines;
	size_t			 n;
	uint64_t		 horizon;
	uint32_t		 jitter_ms;	/* answers' jitter: 0 to this */
};

/* What a schedule can name: from the configuration. */
struct targets {
	const char	**hosts;
	size_t		 nhosts;
	const char	**tables;
	size_t		 ntables;
	const char	**services;
	size_t		 nservices;
	const char	**paths;	/* HTTP checks' paths */
	size_t		 npaths;
	uint32_t	 interval_ms;
	uint32_t	 timeout_ms;
	size_t		 nchecked;	/* configured hosts with a check */
};

/* How one run ended. */
enum run_outcome {
	RUN_OK = 0,
	RUN_VIOLATION,		/* an invariant */
	RUN_TWO_TIMELINES,	/* the same seed, two timelines */
	RUN_STOPPED,		/* the world stopped with an error */
	RUN_FAILED,		/* could not run at all */
};

struct run_report {
	uint64_t		 run;		/* index in the exploration */
	uint64_t		 seed;
	enum run_outcome	 outcome;
	uint64_t		 checks;
	uint64_t		 t;		/* when it was violated */
	struct buf		 msg;		/* what */
	struct buf		 exp;		/* expectations that fail */
};

int	 targets_init(struct targets *, const struct config *);
void	 targets_free(struct targets *);
int	 gen_schedule(uint64_t seed, const struct targets *, struct schedule *);
/* The scenario text of a schedule, up to cut, with expectations. */
void	 sched_text(const char *config, uint64_t seed, unsigned int inject,
	    const struct schedule *, uint64_t cut, const char *expects,
	    struct buf *out);
void	 report_init(struct run_report *);
void	 report_free(struct run_report *);
/* Run one seed (twice); -1 only when nothing could run. */
int	 explore_one(const struct explore_opts *, const char *config,
	    const struct targets *, struct run_report *);

#endif /* HS_SIM_EXPLORE_PRIV_H */
