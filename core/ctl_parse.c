/*
 * The command words of hoststatectl: a small tree of keywords, each
 * accepted by any unique prefix, as relayctl does.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ctl.h"

enum arg_kind {
	ARG_NONE = 0,		/* a leaf without argument */
	ARG_TARGET,		/* ID or NAME, required */
	ARG_FILE,		/* FILE, optional */
};

struct word {
	const char		*name;
	const struct word	*next;		/* NULL: a leaf */
	enum ctl_action		 action;
	enum arg_kind		 arg;
};

static const struct word show_words[] = {
	{ "summary", NULL, CTL_SHOW_SUMMARY, ARG_NONE },
	{ "hosts", NULL, CTL_SHOW_HOSTS, ARG_NONE },
	{ "tables", NULL, CTL_SHOW_TABLES, ARG_NONE },
	{ "services", NULL, CTL_SHOW_SERVICES, ARG_NONE },
	{ "relays", NULL, CTL_SHOW_RELAYS, ARG_NONE },
	{ "sessions", NULL, CTL_SHOW_SESSIONS, ARG_NONE },
	{ "metrics", NULL, CTL_SHOW_METRICS, ARG_NONE },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const struct word host_words[] = {
	{ "disable", NULL, CTL_HOST_DISABLE, ARG_TARGET },
	{ "enable", NULL, CTL_HOST_ENABLE, ARG_TARGET },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const struct word table_words[] = {
	{ "disable", NULL, CTL_TABLE_DISABLE, ARG_TARGET },
	{ "enable", NULL, CTL_TABLE_ENABLE, ARG_TARGET },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const struct word service_words[] = {
	{ "disable", NULL, CTL_SERVICE_DISABLE, ARG_TARGET },
	{ "enable", NULL, CTL_SERVICE_ENABLE, ARG_TARGET },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const struct word log_words[] = {
	{ "brief", NULL, CTL_LOG_BRIEF, ARG_NONE },
	{ "verbose", NULL, CTL_LOG_VERBOSE, ARG_NONE },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const struct word top_words[] = {
	{ "show", show_words, CTL_NONE, ARG_NONE },
	{ "host", host_words, CTL_NONE, ARG_NONE },
	{ "table", table_words, CTL_NONE, ARG_NONE },
	{ "service", service_words, CTL_NONE, ARG_NONE },
	{ "reload", NULL, CTL_RELOAD, ARG_FILE },
	{ "poll", NULL, CTL_POLL, ARG_NONE },
	{ "monitor", NULL, CTL_MONITOR, ARG_NONE },
	{ "log", log_words, CTL_NONE, ARG_NONE },
	{ "stop", NULL, CTL_STOP, ARG_NONE },
	{ NULL, NULL, CTL_NONE, ARG_NONE },
};

static const char *const action_words[CTL_ACTION_MAX] = {
	[CTL_NONE] = "nothing",
	[CTL_SHOW_SUMMARY] = "show summary",
	[CTL_SHOW_HOSTS] = "show hosts",
	[CTL_SHOW_TABLES] = "show tables",
	[CTL_SHOW_SERVICES] = "show services",
	[CTL_SHOW_RELAYS] = "show relays",
	[CTL_SHOW_SESSIONS] = "show sessions",
	[CTL_SHOW_METRICS] = "show metrics",
	[CTL_HOST_DISABLE] = "host disable",
	[CTL_HOST_ENABLE] = "host enable",
	[CTL_TABLE_DISABLE] = "table disable",
	[CTL_TABLE_ENABLE] = "table enable",
	[CTL_SERVICE_DISABLE] = "service disable",
	[CTL_SERVICE_ENABLE] = "service enable",
	[CTL_RELOAD] = "reload",
	[CTL_POLL] = "poll",
	[CTL_MONITOR] = "monitor",
	[CTL_LOG_BRIEF] = "log brief",
	[CTL_LOG_VERBOSE] = "log verbose",
	[CTL_STOP] = "stop",
};

const char *
ctl_action_words(enum ctl_action a)
{
	if ((unsigned)a >= CTL_ACTION_MAX || action_words[a] == NULL)
		return "unknown command";
	return action_words[a];
}

#define ARG_SHOWN_MAX	128	/* of a bad argument in an error */

/* "unknown argument: x", with x cut short so the line always fits. */
static void
err_arg(struct buf *err, const char *what, const char *arg)
{
	size_t	n = strlen(arg);

	if (n > ARG_SHOWN_MAX)
		(void)buf_printf(err, "%s: %.*s...", what, ARG_SHOWN_MAX, arg);
	else
		(void)buf_printf(err, "%s: %s", what, arg);
}

/* "show|host|..." for a missing-argument message. */
static void
list_words(const struct word *w, struct buf *err)
{
	for (; w->name != NULL; w++)
		(void)buf_printf(err, "%s%s", w->name,
		    w[1].name != NULL ? "|" : "");
}

/* An exact match wins; otherwise a unique prefix. */
static const struct word *
match_word(const struct word *w, const char *s, struct buf *err)
{
	const struct word	*found = NULL;
	size_t			 n = strlen(s);

	if (n == 0) {
		err_arg(err, "unknown argument", s);
		return NULL;
	}
	for (; w->name != NULL; w++) {
		if (strcmp(w->name, s) == 0)
			return w;
		if (strncmp(w->name, s, n) != 0)
			continue;
		if (found != NULL) {
			err_arg(err, "ambiguous argument", s);
			return NULL;
		}
		found = w;
	}
	if (found == NULL)
		err_arg(err, "unknown argument", s);
	return found;
}

/* A number is an id, anything else a name. */
static int
parse_target(const char *s, bool numeric_id, struct ctl_request *req,
    struct buf *err)
{
	char		*end;
	unsigned long	 v;

	if (strlen(s) >= sizeof(req->target)) {
		err_arg(err, "argument too long", s);
		return -1;
	}
	memcpy(req->target, s, strlen(s) + 1);
	if (numeric_id && s[0] >= '0' && s[0] <= '9') {
		v = strtoul(s, &end, 10);
		if (*end == '\0' && v < UINT32_MAX) {
			req->by_id = true;
			req->id = (uint32_t)v;
		}
	}
	return 0;
}

static int
parse_arg(const struct word *w, int argc, char *const argv[],
    struct ctl_request *req, struct buf *err)
{
	if (w->arg == ARG_TARGET && argc == 0) {
		(void)buf_puts(err, "missing argument: id or name");
		return -1;
	}
	if (w->arg == ARG_NONE && argc > 0) {
		err_arg(err, "superfluous argument", argv[0]);
		return -1;
	}
	if (argc > 1) {
		err_arg(err, "superfluous argument", argv[1]);
		return -1;
	}
	if (argc == 1)
		return parse_target(argv[0], w->arg == ARG_TARGET, req, err);
	return 0;
}

int
ctl_parse(int argc, char *const argv[], struct ctl_request *req,
    struct buf *err)
{
	const struct word	*level = top_words, *w;

	memset(req, 0, sizeof(*req));
	req->id = HS_ID_NONE;
	for (;;) {
		if (argc == 0) {
			(void)buf_puts(err, "missing argument: ");
			list_words(level, err);
			return -1;
		}
		if ((w = match_word(level, argv[0], err)) == NULL)
			return -1;
		argc--;
		argv++;
		if (w->next == NULL)
			break;
		level = w->next;
	}
	req->action = w->action;
	if (parse_arg(w, argc, argv, req, err) == -1) {
		req->action = CTL_NONE;
		return -1;
	}
	return 0;
}

bool
ctl_action_shows(enum ctl_action a)
{
	return a >= CTL_SHOW_SUMMARY && a <= CTL_SHOW_METRICS;
}

bool
ctl_action_modifies(enum ctl_action a)
{
	switch (a) {
	case CTL_HOST_DISABLE:
	case CTL_HOST_ENABLE:
	case CTL_TABLE_DISABLE:
	case CTL_TABLE_ENABLE:
	case CTL_SERVICE_DISABLE:
	case CTL_SERVICE_ENABLE:
	case CTL_RELOAD:
	case CTL_POLL:
	case CTL_LOG_BRIEF:
	case CTL_LOG_VERBOSE:
	case CTL_STOP:
		return true;
	default:
		return false;
	}
}
