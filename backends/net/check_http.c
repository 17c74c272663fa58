/*
 * check http[s] PATH [host NAME] code N | digest HEX: sends
 * "GET PATH HTTP/1.0" with Host (the `host` name, else the address) and
 * reads only what the check needs.  `code` decides on the status line,
 * whatever arrives with it, and closes: a server that answers HEAD
 * with nothing (openssl s_server -www) is checked as well as one that
 * sends a large page.  `digest` hashes the body as it streams in, until
 * the peer closes, with EVP by the digest kind the parser chose from
 * the hex length: no size bound but the check's timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "backends/net/http_scan.h"
#include "backends/net/net_internal.h"

#define HTTP_STATUS_MAX		4096	/* status line */
#define HTTP_REQUEST_MAX	(HS_STR_MAX + HS_HOSTNAME_MAX + 128)

static int
http_request(struct net_check *chk)
{
	const struct check_conf	*c = &chk->table->check;
	char			 host[HS_HOSTNAME_MAX + 16], a[HS_ADDRSTR_MAX];
	uint16_t		 dport = c->tls ? 443 : 80;
	int			 n;

	if (c->host[0] != '\0')
		n = snprintf(host, sizeof(host), "%s", c->host);
	else if (chk->host->addr.family == HS_AF_INET6)
		n = snprintf(host, sizeof(host), "[%s]",
		    addr_fmt(&chk->host->addr, a, sizeof(a)));
	else
		n = snprintf(host, sizeof(host), "%s",
		    addr_fmt(&chk->host->addr, a, sizeof(a)));
	if (n < 0 || (size_t)n >= sizeof(host))
		return -1;
	if (c->host[0] == '\0' && chk->table->port != dport) {
		size_t	 len = (size_t)n;

		n = snprintf(host + len, sizeof(host) - len, ":%u",
		    chk->table->port);
		if (n < 0 || (size_t)n >= sizeof(host) - len)
			return -1;
	}
	if ((chk->wbuf = malloc(HTTP_REQUEST_MAX)) == NULL)
		return -1;
	n = snprintf(chk->wbuf, HTTP_REQUEST_MAX,
	    "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: hoststated\r\n\r\n",
	    c->path[0] != '\0' ? c->path : "/", host);
	if (n < 0 || n >= HTTP_REQUEST_MAX)
		return -1;
	chk->wlen = (size_t)n;
	return 0;
}

static void
http_code_verdict(struct net_check *chk, const char *line, size_t len)
{
	int	 code = http_status_code(line, len);

	if (code == -1)
		net_finish(chk, false, HCE_HTTP_CODE_ERROR, -1);
	else if (code == chk->table->check.code)
		net_finish(chk, true, HCE_HTTP_CODE_OK, code);
	else
		net_finish(chk, false, HCE_HTTP_CODE_FAIL, code);
}

static void
http_code_ready(struct net_check *chk)
{
	if (http_request(chk) == -1) {
		net_finish(chk, false, stream_error(chk, FAULT_WRITE), -1);
		return;
	}
	chk->rmax = HTTP_STATUS_MAX;
	stream_begin(chk);
}

/* Keep the first line only, and decide as soon as it is complete. */
static bool
http_code_input(struct net_check *chk, const char *data, size_t len)
{
	const char	*nl = memchr(data, '\n', len);
	size_t		 take = nl != NULL ? (size_t)(nl - data) : len;

	if (nl != NULL && chk->rlen == 0 && take <= chk->rmax) {
		/* the usual case: the whole line in the first read */
		http_code_verdict(chk, data, take);
		return true;
	}
	if (!stream_keep(chk, data, take)) {
		net_finish(chk, false, HCE_HTTP_CODE_ERROR, -1);
		return true;
	}
	if (nl == NULL)
		return false;
	http_code_verdict(chk, chk->rbuf, chk->rlen);
	return true;
}

static void
http_code_eof(struct net_check *chk)
{
	if (chk->rlen == 0)
		net_finish(chk, false, stream_error(chk, FAULT_READ), -1);
	else
		http_code_verdict(chk, chk->rbuf, chk->rlen);
}

static void
http_timeout(struct net_check *chk)
{
	net_finish(chk, false, stream_error(chk, FAULT_READ_TIMEOUT), -1);
}

const struct check_method http_code_method = {
	.ready = http_code_ready,
	.input = http_code_input,
	.eof = http_code_eof,
	.timeout = http_timeout,
};

static const EVP_MD *
http_digest_md(enum digest_type t)
{
	const char	*name = digest_type_name(t);

	return name != NULL ? EVP_get_digestbyname(name) : NULL;
}

static void
http_digest_ready(struct net_check *chk)
{
	const EVP_MD	*md = http_digest_md(chk->table->check.digest_type);

	if (md == NULL || (chk->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(chk->md, md, NULL) != 1) {
		net_finish(chk, false, HCE_HTTP_DIGEST_ERROR, -1);
		return;
	}
	if (http_request(chk) == -1) {
		net_finish(chk, false, stream_error(chk, FAULT_WRITE), -1);
		return;
	}
	chk->head = HEAD_LINE_START;
	stream_begin(chk);
}

static bool
http_digest_input(struct net_check *chk, const char *data, size_t len)
{
	long	 body;

	chk->nread += len;
	if (!chk->in_body) {
		if ((body = http_head_end(&chk->head, data, len)) == -1)
			return false;
		chk->in_body = true;
		data += body;
		len -= (size_t)body;
	}
	if (EVP_DigestUpdate(chk->md, data, len) != 1) {
		net_finish(chk, false, HCE_HTTP_DIGEST_ERROR, -1);
		return true;
	}
	return false;
}

static void
http_digest_eof(struct net_check *chk)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int	 mdlen, i;

	if (!chk->in_body) {
		net_finish(chk, false, chk->nread == 0 ?
		    stream_error(chk, FAULT_READ) : HCE_HTTP_DIGEST_ERROR, -1);
		return;
	}
	if (EVP_DigestFinal_ex(chk->md, md, &mdlen) != 1) {
		net_finish(chk, false, HCE_HTTP_DIGEST_ERROR, -1);
		return;
	}
	hex[0] = '\0';
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	if (strcasecmp(hex, chk->table->check.digest) == 0)
		net_finish(chk, true, HCE_HTTP_DIGEST_OK, -1);
	else
		net_finish(chk, false, HCE_HTTP_DIGEST_FAIL, -1);
}

const struct check_method http_digest_method = {
	.ready = http_digest_ready,
	.input = http_digest_input,
	.eof = http_digest_eof,
	.timeout = http_timeout,
};
