/*
 * Operator commands of the PF engine: host, table and service disable
 * and enable, and poll.  Each is forwarded to the engines that must know
 * and to monitor clients; layer 3 follows through pfe_sync.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pfe_priv.h"

/* What the operator typed, for "no such ...: x". */
static const char *
typed(const struct ctl_request *req, char *buf, size_t len)
{
	if (req->target[0] != '\0')
		return req->target;
	(void)snprintf(buf, len, "%u", req->id);
	return buf;
}

static bool
host_matches(const struct pfe *p, uint32_t id, const struct ctl_request *req)
{
	if (!pfe_host_ok(p, id))
		return false;
	if (req->by_id)
		return id == req->id;
	return strcmp(p->cfg->hosts[id].name, req->target) == 0;
}

static void
host_set(struct pfe *p, uint32_t id, bool disable)
{
	struct pfe_host	*h = &p->hosts[id];
	enum msg_type	 type = disable ? MSG_HOST_DISABLE : MSG_HOST_ENABLE;

	h->disabled = disable;
	pfe_set_state(p, id, HOST_UNKNOWN);
	host_state_reset(&h->st);
	h->rtt_ms = 0;
	h->detail = -1;
	pfe_set_state(p, id, pfe_initial_state(p, id));
	pfe_relay_mark(p, id);
	pfe_send(p, PEER_HCE, type, id);
	pfe_log(p, 0, "host %s (id %u): %s", p->cfg->hosts[id].name, id,
	    disable ? "disabled" : "enabled");
	pfe_emit(p, disable ? EV_HOST_DISABLE : EV_HOST_ENABLE, id,
	    p->cfg->hosts[id].name, 0);
}

/* A host named in several tables acts on all of them, as relayd. */
static int
cmd_host(struct pfe *p, const struct ctl_request *req, bool disable,
    struct buf *err)
{
	const char	*name = NULL;
	char		 num[16];
	size_t		 i, acted = 0;

	for (i = 0; i < p->cfg->nhosts; i++) {
		if (!host_matches(p, (uint32_t)i, req))
			continue;
		name = p->cfg->hosts[i].name;
		if (p->hosts[i].disabled == disable)
			continue;
		host_set(p, (uint32_t)i, disable);
		acted++;
	}
	if (name == NULL) {
		(void)buf_printf(err, "no such host: %s",
		    typed(req, num, sizeof(num)));
		return -1;
	}
	if (acted == 0) {
		(void)buf_printf(err, "host %s is already %s", name,
		    disable ? "disabled" : "enabled");
		return -1;
	}
	return 0;
}

/* By printed name; NAME:PORT for a real-port table; a declared name. */
static bool
table_matches(const struct pfe *p, uint32_t id, const struct ctl_request *req)
{
	const struct table_conf	*t;
	char			 withport[HS_NAME_MAX + 8];

	if (!pfe_table_ok(p, id))
		return false;
	t = &p->cfg->tables[id];
	if (req->by_id)
		return id == req->id;
	if (strcmp(t->name, req->target) == 0)
		return true;
	if (t->real_port && t->port != 0) {
		(void)snprintf(withport, sizeof(withport), "%s:%u", t->name,
		    t->port);
		if (strcmp(withport, req->target) == 0)
			return true;
	}
	return false;
}

static void
table_set(struct pfe *p, uint32_t tid, bool disable)
{
	const struct table_conf	*t = &p->cfg->tables[tid];
	enum msg_type		 type = disable ? MSG_TABLE_DISABLE :
				    MSG_TABLE_ENABLE;
	size_t			 i;

	p->tables[tid].disabled = disable;
	for (i = 0; i < t->nhosts; i++) {
		uint32_t	 hid = t->host_ids[i];
		struct pfe_host	*h;

		if (hid >= p->cfg->nhosts)
			continue;
		h = &p->hosts[hid];
		pfe_set_state(p, hid, HOST_UNKNOWN);
		host_state_reset(&h->st);
		h->rtt_ms = 0;
		h->detail = -1;
		pfe_set_state(p, hid, pfe_initial_state(p, hid));
	}
	pfe_relay_mark_table(p, tid);
	pfe_send(p, PEER_HCE, type, tid);
	pfe_log(p, 0, "table %s (id %u): %s", t->name, tid,
	    disable ? "disabled" : "enabled");
	pfe_emit(p, disable ? EV_TABLE_DISABLE : EV_TABLE_ENABLE, tid, t->name,
	    0);
}

static int
cmd_table(struct pfe *p, const struct ctl_request *req, bool disable,
    struct buf *err)
{
	const char	*name = NULL;
	char		 num[16];
	size_t		 i, acted = 0, pass;

	/* The declared name stands for all its copies if nothing else matched. */
	for (pass = 0; pass < 2 && name == NULL; pass++) {
		for (i = 0; i < p->cfg->ntables; i++) {
			const struct table_conf *t = &p->cfg->tables[i];

			if (pass == 0 ? !table_matches(p, (uint32_t)i, req) :
			    req->by_id || !pfe_table_ok(p, (uint32_t)i) ||
			    strcmp(t->base, req->target) != 0)
				continue;
			name = t->name;
			if (p->tables[i].disabled == disable)
				continue;
			table_set(p, (uint32_t)i, disable);
			acted++;
		}
	}
	if (name == NULL) {
		(void)buf_printf(err, "no such table: %s",
		    typed(req, num, sizeof(num)));
		return -1;
	}
	if (acted == 0) {
		(void)buf_printf(err, "table %s is already %s", name,
		    disable ? "disabled" : "enabled");
		return -1;
	}
	return 0;
}

/*
 * As relayd: disabling a service removes its rules and disables its
 * main table (no longer checked); enabling it enables the main and the
 * backup table again.
 */
static int
cmd_service(struct pfe *p, const struct ctl_request *req, bool disable,
    struct buf *err)
{
	const struct service_conf	*s = NULL;
	char				 num[16];
	size_t				 i;

	for (i = 0; i < p->cfg->nservices && s == NULL; i++)
		if (req->by_id ? i == req->id :
		    strcmp(p->cfg->services[i].name, req->target) == 0)
			s = &p->cfg->services[i];
	if (s == NULL) {
		(void)buf_printf(err, "no such service: %s",
		    typed(req, num, sizeof(num)));
		return -1;
	}
	if (p->services[s->id].disabled == disable) {
		(void)buf_printf(err, "service %s is already %s", s->name,
		    disable ? "disabled" : "enabled");
		return -1;
	}
	p->services[s->id].disabled = disable;
	pfe_log(p, 0, "service %s (id %u): %s", s->name, s->id,
	    disable ? "disabled" : "enabled");
	pfe_emit(p, disable ? EV_SERVICE_DISABLE : EV_SERVICE_ENABLE, s->id,
	    s->name, 0);
	if (pfe_table_ok(p, s->table_id) &&
	    p->tables[s->table_id].disabled != disable)
		table_set(p, s->table_id, disable);
	if (!disable && s->backup_id != HS_ID_NONE &&
	    pfe_table_ok(p, s->backup_id) && p->tables[s->backup_id].disabled)
		table_set(p, s->backup_id, false);
	return 0;
}

/* The end of a command: the HCE answers it once it applied the rest. */
static void
cmd_end(struct pfe *p, uint32_t client)
{
	struct msg	m;

	if (p->io.send == NULL)
		return;
	memset(&m, 0, offsetof(struct msg, u));
	m.type = MSG_CMD_END;
	m.peerid = client;
	m.gen = p->cfg->gen;
	p->io.send(p->io.arg, PEER_HCE, &m);
}

int
pfe_command(struct pfe *p, const struct ctl_request *req, uint32_t client,
    struct buf *err, uint64_t now_ms)
{
	int	rv;

	p->now_ms = now_ms;
	switch (req->action) {
	case CTL_HOST_DISABLE:
	case CTL_HOST_ENABLE:
		rv = cmd_host(p, req, req->action == CTL_HOST_DISABLE, err);
		break;
	case CTL_TABLE_DISABLE:
	case CTL_TABLE_ENABLE:
		rv = cmd_table(p, req, req->action == CTL_TABLE_DISABLE, err);
		break;
	case CTL_SERVICE_DISABLE:
	case CTL_SERVICE_ENABLE:
		rv = cmd_service(p, req,
		    req->action == CTL_SERVICE_DISABLE, err);
		break;
	case CTL_POLL:
		pfe_send(p, PEER_HCE, MSG_POLL, 0);
		pfe_log(p, 1, "poll: checking every host now");
		pfe_emit(p, EV_POLL, 0, "", 0);
		rv = 0;
		break;
	default:
		(void)buf_printf(err, "command not handled by the pfe: %d",
		    (int)req->action);
		rv = -1;
		break;
	}
	if (rv == -1) {
		pfe_command_event(p, req, buf_str(err), now_ms);
		return -1;
	}
	pfe_sync(p);
	cmd_end(p, client);
	return 0;
}

void
pfe_command_event(struct pfe *p, const struct ctl_request *req,
    const char *failure, uint64_t now_ms)
{
	p->now_ms = now_ms;
	if (failure != NULL) {
		pfe_emit(p, EV_COMMAND_FAILED, 0, failure,
		    (int32_t)req->action);
		return;
	}
	switch (req->action) {
	case CTL_LOG_BRIEF:
	case CTL_LOG_VERBOSE:
		pfe_emit(p, EV_LOG, 0, req->action == CTL_LOG_VERBOSE ?
		    "verbose" : "brief", req->action == CTL_LOG_VERBOSE);
		break;
	case CTL_STOP:
		pfe_emit(p, EV_STOP, 0, "", 0);
		break;
	default:
		break;
	}
}
