/*
 * The recorder: the simulated pf and carp.  It applies every backend
 * operation (a service's layer-3 table replaced, its rules added or
 * removed, everything flushed, a carp group demoted) to a model of what
 * the kernel would hold, counts them, and describes each one in a
 * timeline line.  A service can be made to refuse its operations, as a
 * kernel would.
 */
#ifndef HS_SIM_RECORDER_H
#define HS_SIM_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/layer3.h"

#define RECORDER_GROUPS_MAX	1024

struct rec_service {
	char		 name[HS_NAME_MAX];
	char		 table[HS_NAME_MAX];	/* table the addresses came from */
	bool		 rules;			/* redirection installed */
	struct hs_addr	*addrs;			/* sorted */
	size_t		 naddrs;
	bool		 failing;		/* refuses every operation */
	bool		 failed;		/* ever */
	uint64_t	 ok_since;		/* when it stopped failing */
};

struct rec_group {
	char		 name[HS_IFNAME_MAX];
	int64_t		 counter;
};

struct recorder {
	struct rec_service	*services;
	size_t			 nservices;
	struct rec_group	*groups;
	size_t			 ngroups;
	uint64_t		 nreplace;
	uint64_t		 nrules;
	uint64_t		 ndemote;
	uint64_t		 nrefused;
};

void	 recorder_init(struct recorder *);
void	 recorder_free(struct recorder *);
/* Each appends one line describing the operation to line (if not NULL). */
int	 recorder_table_replace(struct recorder *, const char *service,
	    const char *table, const struct l3_host *, size_t,
	    struct buf *line);
int	 recorder_rules(struct recorder *, const char *service, bool add,
	    struct buf *line);
/* Every service's rules removed: one line per service that had some. */
int	 recorder_flush(struct recorder *, struct buf *lines);
/* Make a service refuse its operations (or accept them again) at now. */
int	 recorder_fault(struct recorder *, const char *service, bool fail,
	    uint64_t now_ms);
/* Is the service refusing?  Counts the refusal when it is. */
bool	 recorder_refuses(struct recorder *, const char *service);
int	 recorder_demote(struct recorder *, const char *group, int delta,
	    struct buf *line);
/* Lookups; NULL / 0 when never touched. */
const struct rec_service *recorder_service(const struct recorder *,
	    const char *name);
int64_t	 recorder_group(const struct recorder *, const char *name);
/* The addresses of a service's table as "a b c" ("" when empty). */
int	 recorder_addrs_str(const struct rec_service *, struct buf *);

#endif /* HS_SIM_RECORDER_H */
