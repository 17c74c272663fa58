/*
 * A relay's HTTP protocol as its sessions use it: the parser's bounds,
 * the actions and match rules with their strings copied (a reload frees
 * the configuration while requests go on), and the table of each rule
 * for this relay.  Requests in flight hold a reference: a reload makes
 * a new one, and the old goes with its last request.
 */
#include <stdlib.h>
#include <string.h>

#include "relay/http_relay.h"

static const char *const vars[] = {
	"$REMOTE_ADDR", "$REMOTE_PORT", "$SERVER_ADDR", "$SERVER_PORT",
	"$TIMEOUT", "$HOST", "$SERVER_NAME",
};

struct http_proto *
http_proto_ref(struct http_proto *pr)
{
	if (pr != NULL)
		pr->refs++;
	return pr;
}

void
http_proto_put(struct http_proto *pr)
{
	if (pr == NULL || --pr->refs > 0)
		return;
	free(pr->strings);
	free(pr->actions);
	free(pr->routes);
	free(pr);
}

static bool
has_vars(const char *v)
{
	size_t	i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (strstr(v, vars[i]) != NULL)
			return true;
	return false;
}

/* Room for every string of the protocol, each NUL-terminated. */
static size_t
strings_size(const struct protocol_conf *pc)
{
	size_t	i, n = 1;

	for (i = 0; i < pc->nactions; i++)
		n += strlen(pc->actions[i].key) + strlen(pc->actions[i].value) +
		    2;
	for (i = 0; i < pc->nroutes; i++)
		n += strlen(pc->routes[i].method) + strlen(pc->routes[i].key) +
		    strlen(pc->routes[i].value) + 3;
	return n;
}

static const char *
keep(char **at, const char *s, size_t *len)
{
	char	*p = *at;
	size_t	 n = strlen(s);

	memcpy(p, s, n + 1);
	*at += n + 1;
	if (len != NULL)
		*len = n;
	return p;
}

static void
copy_actions(struct http_proto *pr, const struct protocol_conf *pc,
    char **at)
{
	const struct action_conf	*ac;
	struct http_action		*a;
	size_t				 i;

	for (i = 0; i < pc->nactions; i++) {
		ac = &pc->actions[i];
		a = &pr->actions[i];
		a->dir = (uint8_t)ac->dir;
		a->entity = (uint8_t)ac->entity;
		a->op = (uint8_t)ac->op;
		a->has_value = ac->has_value;
		a->status = ac->status != 0 ? ac->status : 403;
		a->key = keep(at, ac->key, &a->keylen);
		a->value = keep(at, ac->value, &a->valuelen);
		a->vars = (ac->op == ACTION_APPEND || ac->op == ACTION_CHANGE) &&
		    has_vars(ac->value);
	}
	pr->nactions = pc->nactions;
}

static void
copy_routes(struct http_proto *pr, const struct protocol_conf *pc,
    const struct relay_conf *rc, char **at)
{
	const struct route_conf	*rt;
	struct http_route	*r;
	size_t			 i;

	for (i = 0; i < pc->nroutes && i < HS_ROUTES_MAX; i++) {
		rt = &pc->routes[i];
		r = &pr->routes[i];
		r->method = rt->method[0] != '\0' ? keep(at, rt->method, NULL) :
		    NULL;
		r->has_entity = rt->has_entity;
		r->entity = (uint8_t)rt->entity;
		r->has_value = rt->has_value;
		r->key = keep(at, rt->key, NULL);
		r->value = keep(at, rt->value, NULL);
		r->table_id = rc->route_table[i];
	}
	pr->nroutes = i;
}

static void
limits_of(struct http_proto *pr, const struct http_opts *o, size_t bufsize)
{
	pr->lim.start_line_max = o->request_line;
	pr->lim.field_line_max = o->header_line;
	pr->lim.head_max = o->headerlen;
	pr->lim.fields_max = o->headers;
	pr->lim.chunk_line_max = o->chunk_line;
	pr->lim.trailer_max = o->trailerlen;
	pr->keepalive = o->keepalive;
	pr->websockets = o->websockets;
	/* A head, trailers or a chunk line always fits whole. */
	pr->inbuf = bufsize;
	if (pr->inbuf < o->headerlen + 1024)
		pr->inbuf = o->headerlen + 1024;
	if (pr->inbuf < o->trailerlen + 1024)
		pr->inbuf = o->trailerlen + 1024;
	if (pr->inbuf < (size_t)o->chunk_line + 1024)
		pr->inbuf = o->chunk_line + 1024;
	pr->outbuf = o->headerlen + o->trailerlen + HTTP_OUT_EXTRA;
}

static struct http_proto *
proto_new(const struct protocol_conf *pc, const struct relay_conf *rc,
    const struct relay_tune *t)
{
	struct http_proto	*pr;
	char			*at;

	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		return NULL;
	pr->refs = 1;
	pr->strings = malloc(strings_size(pc));
	pr->actions = calloc(pc->nactions + 1, sizeof(*pr->actions));
	pr->routes = calloc(pc->nroutes + 1, sizeof(*pr->routes));
	if (pr->strings == NULL || pr->actions == NULL || pr->routes == NULL) {
		http_proto_put(pr);
		return NULL;
	}
	at = pr->strings;
	copy_actions(pr, pc, &at);
	copy_routes(pr, pc, rc, &at);
	limits_of(pr, &pc->http, t->bufsize);
	pr->splice = t->splice;
	return pr;
}

/*
 * At a switch: the relay's HTTP protocol, or none.  Out of memory, an
 * HTTP relay keeps the protocol it had (or answers 503 without one).
 */
void
http_proto_switch(struct relay_engine *e, struct relay_rt *rt,
    const struct config *c, const struct relay_conf *rc)
{
	const struct protocol_conf	*pc = NULL;
	struct http_proto		*pr;

	if (rc->protocol_id < c->nprotocols)
		pc = &c->protocols[rc->protocol_id];
	if (pc == NULL || pc->type != PROTO_HTTP) {
		http_proto_put(rt->http);
		rt->http = NULL;
		rt->is_http = false;
		return;
	}
	rt->is_http = true;
	if ((pr = proto_new(pc, rc, &rt->tune)) == NULL) {
		relay_log(e, 0, "relay %s: out of memory for its protocol",
		    rt->name);
		return;
	}
	http_proto_put(rt->http);
	rt->http = pr;
}
