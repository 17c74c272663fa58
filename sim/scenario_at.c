/*
 * The timed statements of a scenario: "at TIME" host faults, hoststatectl
 * commands, reloads and expectations.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sim/vhost.h"
#include "core/addr.h"
#include "core/engine.h"
#include "sim/scenario.h"
#include "sim/scenario_priv.h"

#define FAULT_USAGE	"usage: at TIME host ADDRESS [path PATH] " \
	"down|refuse|up|flap TIME|latency TIME|slow TIME|one-read|" \
	"http-code N|body TEXT|body-size N"

static const struct {
	const char	*word;
	enum scen_fault	 fault;
	bool		 value;		/* takes one */
	bool		 path;		/* may apply to one path */
} faults[] = {
	{ "down", FAULT_DOWN, false, false },
	{ "refuse", FAULT_REFUSE, false, false },
	{ "up", FAULT_UP, false, true },
	{ "flap", FAULT_FLAP, true, false },
	{ "latency", FAULT_LATENCY, true, true },
	{ "slow", FAULT_SLOW, true, true },
	{ "one-read", FAULT_ONE_READ, false, true },
	{ "http-code", FAULT_HTTP_CODE, true, true },
	{ "body", FAULT_BODY, true, true },
	{ "body-size", FAULT_BODY_SIZE, true, true },
};

/* The value of a fault that takes one, into s. */
static int
fault_value(struct pstate *ps, struct scen_stmt *s, const char *f,
    const char *v)
{
	uint64_t	n = 0;

	switch (s->fault) {
	case FAULT_LATENCY:
	case FAULT_SLOW:
	case FAULT_FLAP:
		if (scenario_time(v, &n) == -1 || n > UINT32_MAX ||
		    (s->fault == FAULT_FLAP && n == 0)) {
			perr(ps, "invalid %s time: %s", f, v);
			return -1;
		}
		break;
	case FAULT_HTTP_CODE:
		if (parse_number(v, 999, &n) == -1 || n < 100) {
			perr(ps, "invalid http code: %s (100 to 999)", v);
			return -1;
		}
		break;
	case FAULT_BODY_SIZE:
		if (parse_number(v, VHOST_BODY_SIZE_MAX, &n) == -1) {
			perr(ps, "invalid body size: %s (0 to %u bytes)", v,
			    VHOST_BODY_SIZE_MAX);
			return -1;
		}
		break;
	default:
		return (s->text = pdup(ps, v)) == NULL ? -1 : 0;
	}
	s->value = n;
	return 0;
}

static int
parse_fault(struct pstate *ps, uint64_t t, const struct words *wd)
{
	struct scen_stmt	*s;
	const char		*f;
	size_t			 i;
	int			 at = 4;

	if (wd->n >= 6 && strcmp(wd->w[4], "path") == 0)
		at = 6;
	if (wd->n <= at) {
		perr(ps, FAULT_USAGE);
		return -1;
	}
	f = wd->w[at];
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (strcmp(f, faults[i].word) == 0)
			break;
	if (i == sizeof(faults) / sizeof(faults[0])) {
		perr(ps, "unknown host fault: %s", f);
		return -1;
	}
	if (at == 6 && !faults[i].path) {
		perr(ps, "%s is the whole host's, not a path's", f);
		return -1;
	}
	if (wd->n != at + 1 + faults[i].value) {
		if (wd->n > at + 1 + faults[i].value)
			perr(ps, "superfluous argument: %s",
			    wd->w[at + 1 + faults[i].value]);
		else
			perr(ps, "%s needs a value", f);
		return -1;
	}
	if ((s = stmt_new(ps, t, SC_FAULT)) == NULL)
		return -1;
	s->fault = faults[i].fault;
	if ((s->target = pdup(ps, wd->w[3])) == NULL ||
	    (at == 6 && (s->path = pdup(ps, wd->w[5])) == NULL))
		return -1;
	if (faults[i].value && fault_value(ps, s, f, wd->w[at + 1]) == -1)
		return -1;
	return 0;
}

static bool
status_valid(enum scen_kind k, const char *st)
{
	unsigned int	n;
	char		tail[8];

	switch (k) {
	case SC_EXPECT_HOST:
		return strcmp(st, "up") == 0 || strcmp(st, "down") == 0 ||
		    strcmp(st, "unknown") == 0 || strcmp(st, "disabled") == 0;
	case SC_EXPECT_TABLE:
		if (strcmp(st, "empty") == 0 || strcmp(st, "disabled") == 0)
			return true;
		return sscanf(st, "active (%u hosts up%7s", &n, tail) == 2 &&
		    strcmp(tail, ")") == 0;
	case SC_EXPECT_SERVICE:
		return strcmp(st, "active") == 0 || strcmp(st, "down") == 0 ||
		    strcmp(st, "disabled") == 0 ||
		    strcmp(st, "active (using backup table)") == 0 ||
		    strcmp(st, "not installed") == 0;
	default:
		return strcmp(st, "active") == 0 ||
		    strcmp(st, "disabled") == 0 || strcmp(st, "down") == 0;
	}
}

/* "10.1.1.2 10.1.1.1" in a canonical form: sorted, one blank apart. */
static char *
canonical_addrs(struct pstate *ps, const char *list)
{
	struct hs_addr	 a[256];
	char		 word[HS_ADDRSTR_MAX * 2], txt[HS_ADDRSTR_MAX];
	size_t		 n = 0, i, j, len;
	struct buf	 b;
	char		*s;

	while (*list != '\0') {
		while (*list == ' ' || *list == ',')
			list++;
		len = strcspn(list, " ,");
		if (len == 0)
			break;
		if (len >= sizeof(word) || n == 256) {
			perr(ps, "address list too long");
			return NULL;
		}
		memcpy(word, list, len);
		word[len] = '\0';
		list += len;
		if (addr_parse(word, &a[n]) == -1) {
			perr(ps, "not an address: %s", word);
			return NULL;
		}
		/* Insertion sort: lists are short. */
		for (i = n++; i > 0 && addr_cmp(&a[i - 1], &a[i]) > 0; i--) {
			struct hs_addr t = a[i];
			a[i] = a[i - 1];
			a[i - 1] = t;
		}
	}
	buf_init(&b, sizeof(a) / sizeof(a[0]) * HS_ADDRSTR_MAX);
	for (j = 0; j < n; j++)
		buf_printf(&b, "%s%s", j > 0 ? " " : "",
		    addr_fmt(&a[j], txt, sizeof(txt)));
	s = pdup(ps, buf_str(&b));
	buf_free(&b);
	return s;
}

static int
parse_expect_object(struct pstate *ps, struct scen_stmt *s,
    const struct words *wd)
{
	if (wd->n != 6) {
		perr(ps, "usage: at TIME expect %s NAME STATUS", wd->w[3]);
		return -1;
	}
	if (!status_valid(s->kind, wd->w[5])) {
		perr(ps, "not a %s status: \"%s\"", wd->w[3], wd->w[5]);
		return -1;
	}
	s->target = pdup(ps, wd->w[4]);
	s->text = pdup(ps, wd->w[5]);
	return 0;
}

static int
parse_expect_other(struct pstate *ps, struct scen_stmt *s,
    const struct words *wd)
{
	const char	*what = wd->w[3];

	if (s->kind == SC_EXPECT_LOG) {
		if (wd->n != 5) {
			perr(ps, "usage: at TIME expect log \"PATTERN\"");
			return -1;
		}
		s->text = pdup(ps, wd->w[4]);
		ps->sc->has_log_expect = true;
		return 0;
	}
	if (wd->n != 6) {
		perr(ps, "usage: at TIME expect %s NAME VALUE", what);
		return -1;
	}
	s->target = pdup(ps, wd->w[4]);
	switch (s->kind) {
	case SC_EXPECT_DEMOTE:
		if (parse_number(wd->w[5], INT32_MAX, &s->value) == -1) {
			perr(ps, "invalid demotion counter: %s", wd->w[5]);
			return -1;
		}
		return 0;
	case SC_EXPECT_LAYER3:
		s->text = canonical_addrs(ps, wd->w[5]);
		return s->text == NULL ? -1 : 0;
	case SC_EXPECT_RULES:
		if (strcmp(wd->w[5], "loaded") != 0 &&
		    strcmp(wd->w[5], "removed") != 0) {
			perr(ps, "rules are loaded or removed, not %s",
			    wd->w[5]);
			return -1;
		}
		s->value = wd->w[5][0] == 'l';
		return 0;
	default:
		s->text = pdup(ps, wd->w[5]);
		return 0;
	}
}

static const struct {
	const char	*word;
	enum scen_kind	 kind;
} kinds[] = {
	{ "host", SC_EXPECT_HOST },
	{ "table", SC_EXPECT_TABLE },
	{ "service", SC_EXPECT_SERVICE },
	{ "relay", SC_EXPECT_RELAY },
	{ "demote", SC_EXPECT_DEMOTE },
	{ "layer3", SC_EXPECT_LAYER3 },
	{ "rules", SC_EXPECT_RULES },
	{ "availability", SC_EXPECT_AVAIL },
	{ "log", SC_EXPECT_LOG },
};

static int
parse_expect(struct pstate *ps, uint64_t t, const struct words *wd)
{
	struct scen_stmt	*s;
	size_t			 i;

	if (wd->n < 4) {
		perr(ps, "usage: at TIME expect host|table|service|relay|"
		    "demote|layer3|rules|availability|log|connect ...");
		return -1;
	}
	if (strcmp(wd->w[3], "connect") == 0)
		return parse_connect(ps, t, wd, 4);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(wd->w[3], kinds[i].word) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		perr(ps, "unknown expectation: %s", wd->w[3]);
		return -1;
	}
	if ((s = stmt_new(ps, t, kinds[i].kind)) == NULL)
		return -1;
	if (s->kind <= SC_EXPECT_RELAY && s->kind >= SC_EXPECT_HOST)
		return parse_expect_object(ps, s, wd);
	return parse_expect_other(ps, s, wd);
}

static int
parse_ctl(struct pstate *ps, uint64_t t, const struct words *wd, int first)
{
	struct scen_stmt	*s;
	int			 i;

	if (wd->n <= first) {
		perr(ps, "usage: at TIME ctl COMMAND [ARGUMENT ...]");
		return -1;
	}
	if ((s = stmt_new(ps, t, SC_CTL)) == NULL)
		return -1;
	if ((s->argv = calloc((size_t)(wd->n + 1), sizeof(char *))) == NULL) {
		perr(ps, "out of memory");
		return -1;
	}
	for (i = first; i < wd->n; i++)
		if ((s->argv[s->argc++] = pdup(ps, wd->w[i])) == NULL)
			return -1;
	return 0;
}

static int
peer_word(const char *w)
{
	if (strcmp(w, "parent") == 0)
		return PEER_PARENT;
	if (strcmp(w, "hce") == 0)
		return PEER_HCE;
	if (strcmp(w, "pfe") == 0)
		return PEER_PFE;
	return -1;
}

/* hold|release FROM TO: the channel between two engines. */
static int
parse_hold(struct pstate *ps, uint64_t t, const struct words *wd)
{
	struct scen_stmt	*s;
	int			 from, to;

	if (wd->n != 5 || (from = peer_word(wd->w[3])) == -1 ||
	    (to = peer_word(wd->w[4])) == -1 || from == to) {
		perr(ps, "usage: at TIME %s parent|hce|pfe parent|hce|pfe",
		    wd->w[2]);
		return -1;
	}
	if ((s = stmt_new(ps, t, wd->w[2][0] == 'h' ? SC_HOLD :
	    SC_RELEASE)) == NULL)
		return -1;
	s->value = (uint64_t)from << 8 | (uint64_t)to;
	return 0;
}

/* inject reload-failure hce|pfe: that engine's next preparation fails. */
static int
parse_inject(struct pstate *ps, uint64_t t, const struct words *wd)
{
	struct scen_stmt	*s;
	int			 peer;

	if (wd->n != 5 || strcmp(wd->w[3], "reload-failure") != 0 ||
	    ((peer = peer_word(wd->w[4])) != PEER_HCE && peer != PEER_PFE)) {
		perr(ps, "usage: at TIME inject reload-failure hce|pfe");
		return -1;
	}
	if ((s = stmt_new(ps, t, SC_INJECT)) == NULL)
		return -1;
	s->value = (uint64_t)peer;
	return 0;
}

/* layer3 fail|ok SERVICE: the kernel refuses the service's operations. */
static int
parse_layer3(struct pstate *ps, uint64_t t, const struct words *wd)
{
	struct scen_stmt	*s;

	if (wd->n != 5 || (strcmp(wd->w[3], "fail") != 0 &&
	    strcmp(wd->w[3], "ok") != 0)) {
		perr(ps, "usage: at TIME layer3 fail|ok SERVICE");
		return -1;
	}
	if ((s = stmt_new(ps, t, SC_LAYER3)) == NULL)
		return -1;
	s->value = strcmp(wd->w[3], "fail") == 0;
	s->target = pdup(ps, wd->w[4]);
	return s->target == NULL ? -1 : 0;
}

int
parse_at(struct pstate *ps, const struct words *wd)
{
	struct scen_stmt	*s;
	uint64_t		 t;
	const char		*what;
	size_t			 before = ps->sc->nstmts;
	int			 rv;

	if (wd->n < 3) {
		perr(ps, "usage: at TIME host|layer3|ctl|show|reload|connect|"
		    "expect|hold|release|inject ...");
		return -1;
	}
	if (scenario_time(wd->w[1], &t) == -1) {
		perr(ps, "invalid time: %s (e.g. 30s, 12.5s, 300ms, 2m, 1h)",
		    wd->w[1]);
		return -1;
	}
	what = wd->w[2];
	if (strcmp(what, "host") == 0)
		rv = parse_fault(ps, t, wd);
	else if (strcmp(what, "layer3") == 0)
		rv = parse_layer3(ps, t, wd);
	else if (strcmp(what, "ctl") == 0)
		rv = parse_ctl(ps, t, wd, 3);
	else if (strcmp(what, "show") == 0)
		rv = parse_ctl(ps, t, wd, 2);
	else if (strcmp(what, "expect") == 0)
		rv = parse_expect(ps, t, wd);
	else if (strcmp(what, "connect") == 0)
		rv = parse_connect(ps, t, wd, 3);
	else if (strcmp(what, "hold") == 0 || strcmp(what, "release") == 0)
		rv = parse_hold(ps, t, wd);
	else if (strcmp(what, "inject") == 0)
		rv = parse_inject(ps, t, wd);
	else if (strcmp(what, "reload") == 0) {
		if (wd->n > 4) {
			perr(ps, "usage: at TIME reload [\"FILE\"]");
			return -1;
		}
		if ((s = stmt_new(ps, t, SC_RELOAD)) == NULL)
			return -1;
		rv = 0;
		if (wd->n == 4 && (s->target = pdup(ps, wd->w[3])) == NULL)
			rv = -1;
	} else {
		perr(ps, "unknown statement: at %s %s", wd->w[1], what);
		return -1;
	}
	if (rv == 0 && ps->sc->nstmts > before) {
		s = &ps->sc->stmts[ps->sc->nstmts - 1];
		if ((s->src = join_words(ps, wd, 2)) == NULL)
			rv = -1;
	}
	/* A statement that did not parse is not kept half made. */
	while (rv == -1 && ps->sc->nstmts > before)
		stmt_free(&ps->sc->stmts[--ps->sc->nstmts]);
	return rv;
}

