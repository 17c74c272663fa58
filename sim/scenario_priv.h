/* Shared by the files of the scenario parser; not an interface. */
#ifndef HS_SIM_SCENARIO_PRIV_H
#define HS_SIM_SCENARIO_PRIV_H

#include <stdbool.h>

#include "core/buf.h"
#include "sim/scenario.h"

struct words {
	char	*w[SCEN_WORDS_MAX];
	bool	 quoted[SCEN_WORDS_MAX];
	int	 n;
	char	 store[SCEN_LINE_MAX * 2];
};

struct pstate {
	const char		*name;
	int			 line;
	struct scenario		*sc;
	struct buf		*err;
	int			 nerr;
	/* Inline configuration being collected. */
	bool			 in_config;
	int			 depth;
	struct buf		 config;
};

void		 perr(struct pstate *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
struct scen_stmt *stmt_new(struct pstate *, uint64_t, enum scen_kind);
char		*pdup(struct pstate *, const char *);
/* Words from index i as written (quotes restored), for the timeline. */
char		*join_words(struct pstate *, const struct words *, int i);
int		 parse_number(const char *, uint64_t max, uint64_t *);
/* "at TIME ..." statements (scenario_at.c). */
int		 parse_at(struct pstate *, const struct words *);

#endif /* HS_SIM_SCENARIO_PRIV_H */
