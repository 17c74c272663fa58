#include <sys/socket.h>
#include <netinet/in.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config_xfer.h"
#include "daemon/log.h"

#define RESOLVE_PREFIX	"# resolve "

void
resolved_free(struct resolved *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int
resolved_add(struct resolved *r, const char *name, const struct hs_addr *a)
{
	struct resolved_name	*v;
	size_t			 cap;
	int			 n;

	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 16;
		if ((v = reallocarray(r->v, cap, sizeof(*v))) == NULL)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	n = snprintf(r->v[r->n].name, sizeof(r->v[r->n].name), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(r->v[r->n].name))
		return -1;
	r->v[r->n].addr = *a;
	r->n++;
	return 0;
}

static int
sockaddr_to_addr(const struct sockaddr *sa, struct hs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = HS_AF_INET;
		memcpy(a->bytes, &((const struct sockaddr_in *)sa)->sin_addr,
		    4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		a->family = HS_AF_INET6;
		memcpy(a->bytes, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    16);
		return 0;
	}
	return -1;
}

size_t
resolve_record(void *arg, const char *name, struct hs_addr *out, size_t max)
{
	struct resolved	*r = arg;
	struct addrinfo	 hints, *res, *ai;
	size_t		 n = 0;
	int		 error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* Load time only: the parent blocks here, never a child's loop. */
	if ((error = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		log_warnx("cannot resolve %s: %s", name, gai_strerror(error));
		return 0;
	}
	for (ai = res; ai != NULL && n < max; ai = ai->ai_next)
		if (sockaddr_to_addr(ai->ai_addr, &out[n]) == 0)
			n++;
	freeaddrinfo(res);
	if (n > 0 && r != NULL && resolved_add(r, name, &out[0]) == -1) {
		log_warnx("cannot record the address of %s", name);
		return 0;
	}
	return n;
}

size_t
resolve_recorded(void *arg, const char *name, struct hs_addr *out,
    size_t max)
{
	const struct resolved	*r = arg;
	size_t			 i;

	if (max == 0)
		return 0;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0) {
			out[0] = r->v[i].addr;
			return 1;
		}
	return 0;
}

static int
xfer_chunk(struct channel *ch, const char *p, size_t len)
{
	struct msg	 m;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_TEXT;
	m.u.text.len = (uint32_t)len;	/* <= MSG_TEXT_MAX */
	memcpy(m.u.text.text, p, len);
	return channel_send(ch, &m);
}

int
config_xfer_send(struct channel *ch, const struct config *conf,
    const struct resolved *r)
{
	struct buf	 text;
	struct msg	 m;
	char		 a[HS_ADDRSTR_MAX];
	size_t		 i, off, len;
	int		 rc = -1;

	if (ch == NULL) {
		log_warnx("configuration for a lost child");
		return -1;
	}
	buf_init(&text, XFER_TEXT_MAX);
	for (i = 0; r != NULL && i < r->n; i++)
		buf_printf(&text, RESOLVE_PREFIX "%s %s\n", r->v[i].name,
		    addr_fmt(&r->v[i].addr, a, sizeof(a)));
	config_print(conf, &text);
	if (text.truncated) {
		log_warnx("configuration too big to send to %s",
		    channel_name(ch));
		goto done;
	}
	for (off = 0; off < text.len; off += len) {
		len = text.len - off;
		if (len > MSG_TEXT_MAX)
			len = MSG_TEXT_MAX;
		if (xfer_chunk(ch, text.data + off, len) == -1)
			goto fail;
	}
	memset(&m, 0, sizeof(m));
	m.type = MSG_CFG_DONE;
	if (channel_send(ch, &m) == -1)
		goto fail;
	rc = 0;
	goto done;
fail:
	log_warnx("cannot send the configuration to %s", channel_name(ch));
done:
	buf_free(&text);
	return rc;
}

void
config_xfer_init(struct config_xfer *x)
{
	buf_init(&x->text, XFER_TEXT_MAX);
}

void
config_xfer_reset(struct config_xfer *x)
{
	buf_free(&x->text);
	buf_init(&x->text, XFER_TEXT_MAX);
}

int
config_xfer_add(struct config_xfer *x, const struct msg *m)
{
	return buf_add(&x->text, m->u.text.text, m->u.text.len);
}

/* The parent's answers, from the leading "# resolve" lines. */
static int
xfer_resolved(const char *text, struct resolved *r)
{
	const char	*p = text, *nl, *sp;
	char		 name[HS_HOSTNAME_MAX], addr[HS_ADDRSTR_MAX];
	struct hs_addr	 a;
	size_t		 plen = strlen(RESOLVE_PREFIX);

	while (strncmp(p, RESOLVE_PREFIX, plen) == 0) {
		p += plen;
		if ((nl = strchr(p, '\n')) == NULL ||
		    (sp = memchr(p, ' ', nl - p)) == NULL ||
		    (size_t)(sp - p) >= sizeof(name) ||
		    (size_t)(nl - sp - 1) >= sizeof(addr))
			return -1;
		memcpy(name, p, sp - p);
		name[sp - p] = '\0';
		memcpy(addr, sp + 1, nl - sp - 1);
		addr[nl - sp - 1] = '\0';
		if (addr_parse(addr, &a) == -1 || resolved_add(r, name, &a) == -1)
			return -1;
		p = nl + 1;
	}
	return 0;
}

struct config *
config_xfer_parse(struct config_xfer *x, struct buf *errors)
{
	struct parse_opts	 opts;
	struct resolved		 r;
	struct config		*conf = NULL;

	memset(&r, 0, sizeof(r));
	memset(&opts, 0, sizeof(opts));
	if (x->text.truncated) {
		buf_puts(errors, "configuration too big\n");
		goto done;
	}
	if (xfer_resolved(buf_str(&x->text), &r) == -1) {
		buf_puts(errors, "malformed resolver lines\n");
		goto done;
	}
	opts.resolve = resolve_recorded;
	opts.resolve_arg = &r;
	opts.noinclude = true;	/* the canonical text is complete */
	conf = config_parse_string("reload", buf_str(&x->text), x->text.len,
	    &opts, errors, NULL);
done:
	resolved_free(&r);
	config_xfer_reset(x);
	return conf;
}

void
config_xfer_take(struct config_xfer *x, struct config **next)
{
	struct buf	 errors;

	buf_init(&errors, 64 * 1024);
	config_free(*next);
	if ((*next = config_xfer_parse(x, &errors)) == NULL)
		fatalx("configuration from parent does not parse: %s",
		    buf_str(&errors));
	buf_free(&errors);
}
