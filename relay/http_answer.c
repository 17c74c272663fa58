/*
 * Answers the relay gives itself: a bad request, a blocked one, no host
 * up, no answer from the host, a timeout.  A small HTML page with the
 * status and why, Connection: close, and the exchange is dropped: its
 * host connection is closed (it cannot carry another request), and the
 * session ends once the page is out.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "relay/http_relay.h"

static const struct {
	short		 status;
	const char	*reason;
} reasons[] = {
	{ 100, "Continue" },
	{ 101, "Switching Protocols" },
	{ 200, "OK" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 408, "Request Timeout" },
	{ 410, "Gone" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 417, "Expectation Failed" },
	{ 421, "Misdirected Request" },
	{ 429, "Too Many Requests" },
	{ 431, "Request Header Fields Too Large" },
	{ 451, "Unavailable For Legal Reasons" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

const char *
http_status_text(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return status < 500 ? "Client Error" : "Server Error";
}

/* Text into a page: the few characters HTML gives a meaning escaped. */
static size_t
html_escape(char *out, size_t size, const char *s)
{
	size_t		 n = 0, k;
	const char	*e;

	for (; *s != '\0'; s++) {
		e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ?
		    "&amp;" : *s == '"' ? "&quot;" : NULL;
		k = e != NULL ? strlen(e) : 1;
		if (n + k >= size)
			break;
		memcpy(out + n, e != NULL ? e : s, k);
		n += k;
	}
	out[n] = '\0';
	return n;
}

static void
count(struct relay_rt *rt, int status, bool blocked)
{
	if (blocked)
		rt->stats.http_blocked++;
	else if (status == 408)
		rt->stats.http_client_timeout++;
	else if (status == 502)
		rt->stats.http_bad_gateway++;
	else if (status == 503)
		rt->stats.http_unavailable++;
	else if (status == 504)
		rt->stats.http_gateway_timeout++;
	else
		rt->stats.http_bad++;
}

/* Whatever the exchange was doing stops: nothing more goes either way. */
static void
drop_exchange(struct session *s, struct http_xchg *x)
{
	struct http_engine	*he = s->eng->http;
	struct http_sess	*h = s->http;

	if (x->counted) {
		relay_hosts_count(s->eng->hosts, x->target.host_id, -1);
		x->counted = false;
	}
	http_conn_close(he, x->conn);
	x->conn = NULL;
	if (x->pipe[0] != -1) {
		close(x->pipe[0]);
		close(x->pipe[1]);
		x->pipe[0] = x->pipe[1] = -1;
		x->inpipe = 0;
	}
	x->splicing = 0;
	hbuf_give(he, &x->qout, true);
	hbuf_give(he, &x->hin, false);
	x->qfwd = x->sfwd = 0;
	h->cin.off = h->cin.len;	/* closing: the rest is not read */
	x->rq = RQ_DONE;
	x->rs = RS_DONE;
}

int
http_answer(struct session *s, struct http_xchg *x, int status,
    const char *why, enum session_end end, bool blocked)
{
	struct http_sess	*h = s->http;
	char			 text[512], body[1024], head[256];
	const char		*reason = http_status_text(status);
	int			 bl, hl;

	count(s->rt, status, blocked);
	h->closing = true;
	h->end = end;
	if (x->answered) {
		/* Part of the host's answer went out: only the end is left. */
		session_end(s, end);
		return -1;
	}
	drop_exchange(s, x);
	x->local = true;
	x->status = (uint16_t)status;
	(void)html_escape(text, sizeof(text), why);
	bl = snprintf(body, sizeof(body), "<!DOCTYPE html>\n<html>\n<head>"
	    "<title>%d %s</title></head>\n<body>\n<h1>%d %s</h1>\n<p>%s</p>\n"
	    "<hr><address>%s</address>\n</body>\n</html>\n", status, reason,
	    status, reason, text, HTTP_SERVER_NAME);
	if (bl < 0 || (size_t)bl >= sizeof(body))
		bl = 0;
	hl = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: "
	    "text/html; charset=utf-8\r\nContent-Length: %d\r\n"
	    "Cache-Control: no-store\r\nConnection: close\r\n\r\n", status,
	    reason, bl);
	if (x->method == HTTP_M_HEAD)
		bl = 0;
	if (hbuf_take(s->eng->http, &x->sout, x->proto->outbuf, true) == -1 ||
	    hbuf_add(&x->sout, head, (size_t)hl) == -1 ||
	    hbuf_add(&x->sout, body, (size_t)bl) == -1) {
		session_end(s, SESS_ERROR);
		return -1;
	}
	return 0;
}
