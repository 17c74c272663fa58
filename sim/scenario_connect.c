/*
 * The relay statements of a scenario: a client opens a session at an
 * instant and the relay chooses its host.
 *   at TIME connect RELAY from ADDR:PORT
 *   at TIME expect connect RELAY from ADDR:PORT host ADDR[:PORT]|none
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"
#include "sim/scenario_priv.h"

int
scenario_endpoint(const char *text, struct hs_addr *a, uint16_t *port,
    bool need_port)
{
	char		 addr[HS_ADDRSTR_MAX + 2];
	const char	*colon, *start = text;
	size_t		 len;
	uint64_t	 p;

	if (*text == '[') {
		start = text + 1;
		if ((colon = strstr(start, "]:")) == NULL)
			colon = strchr(start, ']');
		len = colon != NULL ? (size_t)(colon - start) : 0;
		if (colon != NULL && colon[1] == ':')
			colon++;
		else if (colon != NULL && colon[1] == '\0')
			colon = NULL;
		else if (colon == NULL)
			return -1;
	} else {
		colon = strrchr(text, ':');
		if (colon != NULL && strchr(text, ':') != colon)
			colon = NULL;	/* bare IPv6: no port */
		len = colon != NULL ? (size_t)(colon - text) : strlen(text);
	}
	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, start, len);
	addr[len] = '\0';
	if (addr_parse(addr, a) == -1)
		return -1;
	*port = 0;
	if (colon == NULL)
		return need_port ? -1 : 0;
	if (parse_number(colon + 1, 65535, &p) == -1 || p == 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
check_client(struct pstate *ps, const char *text)
{
	struct hs_addr	a;
	uint16_t	port;

	if (scenario_endpoint(text, &a, &port, true) == -1) {
		perr(ps, "not a client ADDRESS:PORT: %s", text);
		return -1;
	}
	return 0;
}

static int
check_host(struct pstate *ps, const char *text)
{
	struct hs_addr	a;
	uint16_t	port;

	if (strcmp(text, "none") != 0 &&
	    scenario_endpoint(text, &a, &port, false) == -1) {
		perr(ps, "not a host ADDRESS[:PORT] or none: %s", text);
		return -1;
	}
	return 0;
}

/* wd: "at TIME connect ..." (first = 3) or "at TIME expect connect ...". */
int
parse_connect(struct pstate *ps, uint64_t t, const struct words *wd,
    int first)
{
	struct scen_stmt	*s;
	bool			 expect = first == 4;
	int			 want = expect ? first + 5 : first + 3;

	if (wd->n != want || strcmp(wd->w[first + 1], "from") != 0 ||
	    (expect && strcmp(wd->w[first + 3], "host") != 0)) {
		perr(ps, "usage: at TIME %sconnect RELAY from ADDRESS:PORT%s",
		    expect ? "expect " : "",
		    expect ? " host ADDRESS[:PORT]|none" : "");
		return -1;
	}
	if (check_client(ps, wd->w[first + 2]) == -1 ||
	    (expect && check_host(ps, wd->w[first + 4]) == -1))
		return -1;
	if ((s = stmt_new(ps, t, expect ? SC_EXPECT_CONNECT : SC_CONNECT)) ==
	    NULL)
		return -1;
	s->target = pdup(ps, wd->w[first]);
	if ((s->argv = calloc(2, sizeof(char *))) == NULL) {
		perr(ps, "out of memory");
		return -1;
	}
	if ((s->argv[0] = pdup(ps, wd->w[first + 2])) == NULL)
		return -1;
	s->argc = 1;
	if (expect && (s->text = pdup(ps, wd->w[first + 4])) == NULL)
		return -1;
	return s->target == NULL ? -1 : 0;
}
