/*
 * The scenario language of hoststated-sim (see hoststated-sim(8)): a
 * configuration, a seed, and timed statements (faults, hoststatectl
 * commands, reloads, expectations).  Parsing is separate from running
 * so that errors are reported as FILE:LINE: message before any time
 * passes.
 */
#ifndef HS_SIM_SCENARIO_H
#define HS_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SCEN_LINE_MAX		4096
#define SCEN_WORDS_MAX		64
#define SCEN_STMTS_MAX		1000000
#define SCEN_DEFINES_MAX	256
#define SCEN_FILE_MAX		(16u * 1024 * 1024)

enum scen_kind {
	SC_FAULT = 0,		/* host ADDR down|refuse|up|latency|... */
	SC_CTL,			/* ctl WORDS / show WORDS */
	SC_RELOAD,		/* reload ["file"] */
	SC_EXPECT_HOST,
	SC_EXPECT_TABLE,
	SC_EXPECT_SERVICE,
	SC_EXPECT_RELAY,
	SC_EXPECT_DEMOTE,	/* demote GROUP N */
	SC_EXPECT_LAYER3,	/* layer3 SERVICE "addr addr" */
	SC_EXPECT_RULES,	/* rules SERVICE loaded|removed */
	SC_EXPECT_AVAIL,	/* availability HOST "66.67%" */
	SC_EXPECT_LOG,		/* log "pattern" */
	SC_HOLD,		/* hold FROM TO: a channel's messages wait */
	SC_RELEASE,		/* release FROM TO */
	SC_INJECT,		/* inject reload-failure hce|pfe */
};

enum scen_fault {
	FAULT_DOWN = 0,
	FAULT_REFUSE,
	FAULT_UP,
	FAULT_LATENCY,
	FAULT_HTTP_CODE,
	FAULT_BODY,
	FAULT_FLAP,
};

struct scen_stmt {
	uint64_t	 time_ms;
	int		 line;
	enum scen_kind	 kind;
	enum scen_fault	 fault;
	uint64_t	 value;		/* latency, flap, code, demote N;
					   hold: from << 8 | to */
	char		*target;	/* host, object, group, service, file */
	char		*text;		/* body, status, addresses, pattern */
	char		**argv;		/* ctl words */
	int		 argc;
	char		*src;		/* the statement after "at T", as written */
};

struct scenario {
	char		*path;		/* as given */
	char		*dir;		/* for relative paths */
	char		*config_path;	/* resolved; NULL if inline */
	char		*config_text;	/* inline, padded to keep line numbers */
	int		 config_line;
	uint64_t	 seed;
	bool		 has_seed;
	char		**defines;	/* "NAME=VALUE" */
	size_t		 ndefines;
	unsigned int	 inject;	/* WORLD_INJECT_* */
	struct scen_stmt *stmts;	/* sorted by time, then file order */
	size_t		 nstmts;
	uint64_t	 run_ms;
	bool		 has_run;
	bool		 has_log_expect;
};

/* 0, or -1 with "FILE:LINE: message\n" lines appended to err. */
int	 scenario_parse_file(const char *path, struct scenario *,
	    struct buf *err);
int	 scenario_parse_string(const char *name, const char *text,
	    size_t len, struct scenario *, struct buf *err);
void	 scenario_free(struct scenario *);
/* "30s", "12.5s", "300ms", "2m", "1h" to milliseconds; -1 if invalid. */
int	 scenario_time(const char *, uint64_t *ms);
/* Resolve a path relative to the scenario's directory (caller frees). */
char	*scenario_path(const struct scenario *, const char *);

#endif /* HS_SIM_SCENARIO_H */
