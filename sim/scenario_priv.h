/* Shared by the files of the scenario parser; not an interface. */
#ifndef HS_SIM_SCENARIO_PRIV_H
#define HS_SIM_SCENARIO_PRIV_H

#include <stdarg.h>
#include <stdbool.h>

#include "core/buf.h"
#include "core/config.h"
#include "sim/scenario.h"

struct words {
	char	*w[SCEN_WORDS_MAX];
	bool	 quoted[SCEN_WORDS_MAX];
	int	 n;
	char	 store[SCEN_LINE_MAX * 2];
};

/* Errors are kept, then printed in line order (line 0: the file's). */
struct scen_error {
	int		 line;
	bool		 raw;		/* printed as it is */
	char		*text;
};

struct scen_errors {
	struct scen_error	*v;
	size_t			 n;
	size_t			 dropped;	/* past SCEN_ERRORS_MAX */
};

struct pstate {
	const char		*name;
	int			 line;
	struct scenario		*sc;
	struct scen_errors	*errs;
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
void		 stmt_free(struct scen_stmt *);
/*
 * Parse into sc, keeping what parsed when some lines did not; the
 * number of errors (each in errs).
 */
int		 scenario_parse_all(const char *name, const char *text,
		    size_t len, struct scenario *, struct scen_errors *);
int		 scenario_read(const char *path, char **text, size_t *len,
		    struct buf *err);

/* scenario_errors.c */
void		 errors_add(struct scen_errors *, int line, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
void		 errors_vadd(struct scen_errors *, int line, const char *fmt,
		    va_list) __attribute__((format(printf, 3, 0)));
/* Lines of "NAME:LINE: message" text: at their lines when NAME is name. */
void		 errors_add_text(struct scen_errors *, const char *name,
		    const char *text);
void		 errors_print(struct scen_errors *, const char *name,
		    struct buf *out);
void		 errors_free(struct scen_errors *);
/* 0 if there were none; else print them, free sc (if any): -1. */
int		 errors_finish(struct scen_errors *, const char *name,
		    struct scenario *, struct buf *out);

/* scenario_check.c: the names statements use exist when they apply. */
int		 scenario_check(const struct scenario *,
		    const struct config *, struct scen_errors *);

/* connect and expect connect (scenario_connect.c); first: the relay. */
int		 parse_connect(struct pstate *, uint64_t, const struct words *,
		    int first);

#endif /* HS_SIM_SCENARIO_PRIV_H */
