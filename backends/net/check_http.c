/*
 * check http[s] PATH [host NAME] code N | digest HEX: sends
 * "GET PATH HTTP/1.0" with Host (the `host` name, else the address) and
 * reads only what the check needs: the status line for `code`, the body
 * until EOF (at most HTTP_BODY_MAX) for `digest`, hashed with EVP by the
 * digest kind the parser chose from the hex length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "backends/net/net_internal.h"

#define HTTP_STATUS_MAX		4096	/* status line */
#define HTTP_HEADER_MAX		16384	/* all headers, digest check */
#define HTTP_BODY_MAX		(1024 * 1024)
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

/* "HTTP/1.x NNN" at the start of line: the code, or -1 if malformed. */
int
http_status_code(const char *line, size_t len)
{
	int	 code;

	if (len < 12 || strncmp(line, "HTTP/1.", 7) != 0 ||
	    line[7] < '0' || line[7] > '9' || line[8] != ' ')
		return -1;
	if (line[9] < '1' || line[9] > '9' || line[10] < '0' ||
	    line[10] > '9' || line[11] < '0' || line[11] > '9')
		return -1;
	if (len > 12 && line[12] != ' ' && line[12] != '\r' &&
	    line[12] != '\n')
		return -1;
	code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0';
	return code;
}

static void
http_code_verdict(struct net_check *chk, size_t len)
{
	int	 code = http_status_code(chk->rbuf, len);

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

static bool
http_code_input(struct net_check *chk, const char *data, size_t len)
{
	char	*nl;

	if (!stream_keep(chk, data, len)) {
		net_finish(chk, false, HCE_HTTP_CODE_ERROR, -1);
		return true;
	}
	if ((nl = memchr(chk->rbuf, '\n', chk->rlen)) == NULL)
		return false;
	http_code_verdict(chk, (size_t)(nl - chk->rbuf));
	return true;
}

static void
http_code_eof(struct net_check *chk)
{
	if (chk->rlen == 0)
		net_finish(chk, false, stream_error(chk, FAULT_READ), -1);
	else
		http_code_verdict(chk, chk->rlen);
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
	chk->rmax = HTTP_HEADER_MAX;
	stream_begin(chk);
}

/* Hash body bytes; false (and finished) past the bound. */
static bool
http_digest_body(struct net_check *chk, const char *data, size_t len)
{
	if (len > HTTP_BODY_MAX - chk->body_len ||
	    EVP_DigestUpdate(chk->md, data, len) != 1) {
		net_finish(chk, false, HCE_HTTP_DIGEST_ERROR, -1);
		return false;
	}
	chk->body_len += len;
	return true;
}

/* Where the body starts in rbuf, or NULL while headers go on. */
static const char *
http_body_start(const struct net_check *chk)
{
	const char	*crlf, *lf;

	crlf = memmem(chk->rbuf, chk->rlen, "\r\n\r\n", 4);
	lf = memmem(chk->rbuf, chk->rlen, "\n\n", 2);
	if (crlf != NULL && (lf == NULL || crlf < lf))
		return crlf + 4;
	return lf != NULL ? lf + 2 : NULL;
}

static bool
http_digest_input(struct net_check *chk, const char *data, size_t len)
{
	const char	*body;

	if (chk->in_body)
		return !http_digest_body(chk, data, len);
	if (!stream_keep(chk, data, len)) {
		net_finish(chk, false, HCE_HTTP_DIGEST_ERROR, -1);
		return true;
	}
	if ((body = http_body_start(chk)) == NULL)
		return false;
	chk->in_body = true;
	return !http_digest_body(chk, body,
	    (size_t)(chk->rbuf + chk->rlen - body));
}

static void
http_digest_eof(struct net_check *chk)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	char		 hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int	 mdlen, i;

	if (!chk->in_body) {
		net_finish(chk, false, chk->rlen == 0 ?
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
