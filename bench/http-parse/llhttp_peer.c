/* llhttp on the benchmark's heads: callbacks keep the slices. */
#include <llhttp.h>

#include "bench/http-parse/llhttp_peer.h"

#define MAX_SPANS	201

struct spans {
	struct { const char *p; size_t n; } s[MAX_SPANS];
	int	n;
	long	messages;
};

static int
keep_span(llhttp_t *p, const char *at, size_t n)
{
	struct spans	*sp = p->data;

	if (sp->n < MAX_SPANS) {
		sp->s[sp->n].p = at;
		sp->s[sp->n++].n = n;
	}
	return 0;
}

static int
message_done(llhttp_t *p)
{
	struct spans	*sp = p->data;

	sp->n = 0;
	sp->messages++;
	return 0;
}

int
llhttp_peer(int request, const char *head, size_t len, long n)
{
	static struct spans	sp;
	llhttp_settings_t	s;
	llhttp_t		p;
	long			i;

	llhttp_settings_init(&s);
	s.on_url = s.on_status = keep_span;
	s.on_header_field = s.on_header_value = keep_span;
	s.on_message_complete = message_done;
	llhttp_init(&p, request ? HTTP_REQUEST : HTTP_RESPONSE, &s);
	p.data = &sp;
	for (i = 0; i < n; i++)
		if (llhttp_execute(&p, head, len) != HPE_OK)
			return -1;
	return sp.messages == n ? 0 : -1;
}
