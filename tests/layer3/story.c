#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "tests/layer3/story.h"

struct story {
	struct config	*cfg;
	struct pfe	*pfe;
	FILE		*out;
	uint64_t	 now;
	void		(*after)(void *);
	void		*arg;
};

static void
step(struct story *s, const char *what)
{
	fprintf(s->out, "# %s\n", what);
	fflush(s->out);
}

static void
step_done(struct story *s)
{
	fflush(s->out);
	if (s->after != NULL)
		s->after(s->arg);
}

static void
host(struct story *s, uint32_t id, enum host_state st)
{
	struct msg	m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_HOST_STATUS;
	m.u.host_status.host_id = id;
	m.u.host_status.state = (uint8_t)st;
	m.u.host_status.error = st == HOST_UP ? HCE_TCP_CONNECT_OK :
	    HCE_TCP_CONNECT_REFUSED;
	m.u.host_status.check_cnt = 1;
	m.u.host_status.up_cnt = st == HOST_UP;
	m.u.host_status.detail = -1;
	s->now += 10;
	(void)pfe_dispatch(s->pfe, PEER_HCE, &m, s->now);
}

/* Every host of the services' main tables (which = 0) or backups. */
static void
tables(struct story *s, int which, enum host_state st, bool first_only)
{
	size_t	i, j;

	for (i = 0; i < s->cfg->nservices; i++) {
		const struct service_conf *svc = &s->cfg->services[i];
		uint32_t tid = which == 0 ? svc->table_id : svc->backup_id;

		if (tid == HS_ID_NONE)
			continue;
		for (j = 0; j < s->cfg->tables[tid].nhosts; j++) {
			host(s, s->cfg->tables[tid].host_ids[j], st);
			if (first_only)
				break;
		}
	}
}

static void
services(struct story *s, const char *verb)
{
	struct ctl_request	req;
	struct buf		err;
	size_t			i;

	buf_init(&err, 256);
	for (i = 0; i < s->cfg->nservices; i++) {
		memset(&req, 0, sizeof(req));
		req.action = strcmp(verb, "disable") == 0 ?
		    CTL_SERVICE_DISABLE : CTL_SERVICE_ENABLE;
		req.by_id = true;
		req.id = (uint32_t)i;
		(void)pfe_command(s->pfe, &req, 0, &err, s->now);
	}
	buf_free(&err);
}

static void
story_steps(struct story *s)
{
	step(s, "start: what an earlier run left goes, rules installed");
	pfe_start(s->pfe, s->now);
	step_done(s);
	step(s, "every host up");
	tables(s, 0, HOST_UP, false);
	tables(s, 1, HOST_UP, false);
	step_done(s);
	step(s, "the first host of each main table down");
	tables(s, 0, HOST_DOWN, true);
	step_done(s);
	step(s, "every host of the main tables down: backup tables");
	tables(s, 0, HOST_DOWN, false);
	step_done(s);
	step(s, "every host down");
	tables(s, 1, HOST_DOWN, false);
	step_done(s);
	step(s, "the first host of each main table up again");
	tables(s, 0, HOST_UP, true);
	step_done(s);
	step(s, "hoststatectl service disable, for each service");
	services(s, "disable");
	step_done(s);
	step(s, "hoststatectl service enable, for each service: its tables "
	    "are checked again");
	services(s, "enable");
	step_done(s);
	step(s, "every host up again");
	tables(s, 0, HOST_UP, false);
	tables(s, 1, HOST_UP, false);
	step_done(s);
	step(s, "shutdown");
	pfe_shutdown(s->pfe, s->now);
	step_done(s);
}

int
story_run(const char *path, const struct pfe_io *io, FILE *out,
    void (*after_step)(void *), void *arg)
{
	struct parse_opts	opts;
	struct story		s;
	struct buf		err;

	memset(&s, 0, sizeof(s));
	memset(&opts, 0, sizeof(opts));
	buf_init(&err, 65536);
	if ((s.cfg = config_parse(path, &opts, &err, NULL)) == NULL) {
		fprintf(stderr, "%s", buf_str(&err));
		buf_free(&err);
		return -1;
	}
	buf_free(&err);
	s.out = out;
	s.after = after_step;
	s.arg = arg;
	if ((s.pfe = pfe_new(s.cfg, io, 0)) == NULL) {
		config_free(s.cfg);
		return -1;
	}
	story_steps(&s);
	pfe_free(s.pfe);
	config_free(s.cfg);
	return 0;
}
