/*
 * The scenario language of hoststated-sim (see hoststated-sim(1)): a
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

#include "core/addr.h"
#include "core/buf.h"

#define SCEN_LINE_MAX		4096
#define SCEN_WORDS_MAX		64
#define SCEN_STMTS_MAX		1000000
#define SCEN_DEFINES_MAX	256
#define SCEN_FILE_MAX		(16u * 1024 * 1024)
#define SCEN_ERRORS_MAX		1000
/* Answers come 0 to 5 ms later than their latency unless "jitter". */
#define SCEN_JITTER_DEFAULT_MS	5
#define SCEN_JITTER_MAX_MS	3600000

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
	SC_CONNECT,		/* connect RELAY from ADDR:PORT (argv[0]) */
	SC_EXPECT_CONNECT,	/* ... host ADDR[:PORT]|none (text) */
	SC_LAYER3,		/* layer3 fail|ok SERVICE: value 1 = fail */
};

enum scen_fault {
	FAULT_DOWN = 0,
	FAULT_REFUSE,
	FAULT_UP,
	FAULT_LATENCY,
	FAULT_HTTP_CODE,
	FAULT_BODY,
	FAULT_FLAP,
	FAULT_BODY_SIZE,
	FAULT_SLOW,
	FAULT_ONE_READ,
};

struct scen_stmt {
	uint64_t	 time_ms;
	int		 line;
	enum scen_kind	 kind;
	enum scen_fault	 fault;
	uint64_t	 value;		/* a time, code, size or count;
					   hold: from << 8 | to */
	char		*target;	/* host, object, group, service, file */
	char		*path;		/* one HTTP path's fault; NULL: all */
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
	uint32_t	 jitter_min_ms;
	uint32_t	 jitter_max_ms;
	char		**defines;	/* "NAME=VALUE" */
	size_t		 ndefines;
	unsigned int	 inject;	/* WORLD_INJECT_* */
	struct scen_stmt *stmts;	/* sorted by time, then file order */
	size_t		 nstmts;
	uint64_t	 run_ms;
	bool		 has_run;
	bool		 has_log_expect;
};

/*
 * 0, or -1 with "FILE:LINE: message\n" lines appended to err: every
 * error of the text, in line order.
 */
int	 scenario_parse_file(const char *path, struct scenario *,
	    struct buf *err);
int	 scenario_parse_string(const char *name, const char *text,
	    size_t len, struct scenario *, struct buf *err);
/*
 * Parse a scenario file and check it against its configuration (and
 * those its reloads load): every statement names objects that exist
 * when it applies.  0, or -1 with every error, in line order, in err.
 */
int	 scenario_load(const char *path, struct scenario *, struct buf *err);
/* The same check against a configuration already loaded. */
struct config;
int	 scenario_check_names(const struct scenario *, const struct config *,
	    struct buf *err);
void	 scenario_free(struct scenario *);
/* "30s", "12.5s", "300ms", "2m", "1h" to milliseconds; -1 if invalid. */
int	 scenario_time(const char *, uint64_t *ms);
/*
 * "ADDR:PORT" or "[IPV6]:PORT" (the port optional unless need_port) to
 * an address and port; -1 if it is neither.
 */
int	 scenario_endpoint(const char *, struct hs_addr *, uint16_t *port,
	    bool need_port);
/* Resolve a path relative to the scenario's directory (caller frees). */
char	*scenario_path(const struct scenario *, const char *);

#endif /* HS_SIM_SCENARIO_H */
