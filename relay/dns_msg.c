/*
 * DNS messages: every length is checked against the message before the
 * byte it counts is read; compression pointers must point strictly
 * backwards (below where the name, or the part of it being followed,
 * began), so a walk always ends; names stay within 255 bytes.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "relay/dns_msg.h"

#define RR_FIXED	10	/* type, class, ttl, rdlength */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * The name at *off: *off moves past it as it is written there, and its
 * uncompressed form goes to out (if not NULL, DNS_NAME_MAX bytes).
 */
static enum dns_error
name_walk(const uint8_t *p, size_t len, size_t *off, uint8_t *out,
    uint8_t *outlen)
{
	size_t	o = *off, lim = *off, next = 0, total = 0, t;
	uint8_t	c;

	for (;;) {
		if (o >= len)
			return DNS_ENAME;
		c = p[o];
		if ((c & 0xc0) == 0xc0) {
			if (o + 1 >= len)
				return DNS_ENAME;
			t = (size_t)(c & 0x3f) << 8 | p[o + 1];
			if (next == 0)
				next = o + 2;
			if (t >= lim || t < DNS_HEADER_LEN)
				return DNS_EPOINTER;
			lim = o = t;
			continue;
		}
		if (c & 0xc0)
			return DNS_ENAME;	/* extended label types */
		if (total + 1 + c > DNS_NAME_MAX || o + 1 + c > len)
			return DNS_ENAME;
		if (out != NULL)
			memcpy(out + total, p + o, 1 + (size_t)c);
		total += 1 + (size_t)c;
		if (c == 0)
			break;
		o += 1 + (size_t)c;
	}
	*off = next != 0 ? next : o + 1;
	if (outlen != NULL)
		*outlen = (uint8_t)total;
	return DNS_OK;
}

static enum dns_error
question_walk(const uint8_t *p, size_t len, size_t *off,
    struct dns_question *q)
{
	enum dns_error	e;

	if ((e = name_walk(p, len, off, q != NULL ? q->name : NULL,
	    q != NULL ? &q->namelen : NULL)) != DNS_OK)
		return e;
	if (*off + 4 > len)
		return DNS_ERECORD;
	if (q != NULL) {
		q->type = get16(p + *off);
		q->qclass = get16(p + *off + 2);
	}
	*off += 4;
	return DNS_OK;
}

/* A resource record; OPT only once, at the root, in additional. */
static enum dns_error
record_walk(const uint8_t *p, size_t len, size_t *off, bool additional,
    struct dns_msg *m)
{
	size_t		start = *off, rdlen;
	enum dns_error	e;

	if ((e = name_walk(p, len, off, NULL, NULL)) != DNS_OK)
		return e;
	if (*off + RR_FIXED > len)
		return DNS_ERECORD;
	rdlen = get16(p + *off + 8);
	if (*off + RR_FIXED + rdlen > len)
		return DNS_ERECORD;
	if (get16(p + *off) == DNS_TYPE_OPT) {
		if (!additional || m->has_opt || *off != start + 1)
			return DNS_EOPT;
		m->has_opt = true;
		m->opt_size = get16(p + *off + 2);
		m->opt_size_at = *off + 2;
	}
	*off += RR_FIXED + rdlen;
	return DNS_OK;
}

enum dns_error
dns_parse(const uint8_t *p, size_t len, struct dns_msg *m)
{
	size_t		off = DNS_HEADER_LEN;
	uint32_t	i, nrr;
	enum dns_error	e;

	/* Not the question's name: 255 bytes written only when present. */
	memset(m, 0, offsetof(struct dns_msg, q));
	m->q.namelen = 0;
	m->question_end = 0;
	m->has_opt = false;
	m->opt_size = 0;
	m->opt_size_at = 0;
	if (len < DNS_HEADER_LEN)
		return DNS_ESHORT;
	m->id = get16(p);
	m->flags = get16(p + 2);
	m->qdcount = get16(p + 4);
	m->ancount = get16(p + 6);
	m->nscount = get16(p + 8);
	m->arcount = get16(p + 10);
	for (i = 0; i < m->qdcount; i++) {
		if ((e = question_walk(p, len, &off, i == 0 ? &m->q : NULL)) !=
		    DNS_OK)
			return e;
		if (i == 0) {
			m->has_question = true;
			m->question_end = off;
		}
	}
	nrr = (uint32_t)m->ancount + m->nscount + m->arcount;
	for (i = 0; i < nrr; i++)
		if ((e = record_walk(p, len, &off,
		    i >= (uint32_t)m->ancount + m->nscount, m)) != DNS_OK)
			return e;
	return off == len ? DNS_OK : DNS_ETRAILING;
}

enum dns_error
dns_parse_query(const uint8_t *p, size_t len, struct dns_msg *m)
{
	enum dns_error	e;

	if ((e = dns_parse(p, len, m)) != DNS_OK)
		return e;
	if (m->flags & DNS_F_QR)
		return DNS_EQR;
	if (m->qdcount != 1)
		return DNS_EQDCOUNT;
	return DNS_OK;
}

enum dns_error
dns_parse_answer(const uint8_t *p, size_t len, struct dns_msg *m)
{
	enum dns_error	e;

	if ((e = dns_parse(p, len, m)) != DNS_OK)
		return e;
	if (!(m->flags & DNS_F_QR))
		return DNS_EQR;
	if (m->qdcount > 1 || (m->qdcount == 0 && DNS_RCODE(m->flags) == 0))
		return DNS_EQDCOUNT;
	return DNS_OK;
}

const char *
dns_error_str(enum dns_error e)
{
	static const char *const s[DNS_ERROR_MAX] = {
		[DNS_OK] = "ok",
		[DNS_ESHORT] = "shorter than a header",
		[DNS_ENAME] = "bad name",
		[DNS_EPOINTER] = "bad compression pointer",
		[DNS_ERECORD] = "record past the end",
		[DNS_ETRAILING] = "bytes after the last record",
		[DNS_EOPT] = "misplaced OPT record",
		[DNS_EQR] = "wrong direction (QR bit)",
		[DNS_EQDCOUNT] = "wrong question count",
	};

	if ((unsigned)e >= DNS_ERROR_MAX)
		return "invalid";
	return s[e];
}

static uint8_t
lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 'a' - 'A') : c;
}

bool
dns_question_equal(const struct dns_question *a, const struct dns_question *b)
{
	size_t	i;

	if (a->namelen != b->namelen || a->type != b->type ||
	    a->qclass != b->qclass)
		return false;
	/* Length bytes are below 64: never letters, compared alike. */
	for (i = 0; i < a->namelen; i++)
		if (lower(a->name[i]) != lower(b->name[i]))
			return false;
	return true;
}

size_t
dns_servfail(uint16_t id, uint16_t flags, const struct dns_question *q,
    uint8_t *out, size_t outlen)
{
	size_t	len = DNS_HEADER_LEN + (q != NULL ? q->namelen + 4U : 0);

	if (len > outlen)
		return 0;
	dns_put16(out, id);
	/* Same opcode and RD; QR set, the rest cleared, SERVFAIL. */
	dns_put16(out + 2, (uint16_t)(DNS_F_QR | (flags & (0xf << 11)) |
	    (flags & DNS_F_RD) | DNS_RCODE_SERVFAIL));
	dns_put16(out + 4, q != NULL ? 1 : 0);
	memset(out + 6, 0, 6);
	if (q == NULL)
		return len;
	memcpy(out + DNS_HEADER_LEN, q->name, q->namelen);
	dns_put16(out + DNS_HEADER_LEN + q->namelen, q->type);
	dns_put16(out + DNS_HEADER_LEN + q->namelen + 2, q->qclass);
	return len;
}

static const char *
type_str(uint16_t t, char *buf, size_t len)
{
	static const struct {
		uint16_t	 type;
		const char	*name;
	} types[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" },
		{ 12, "PTR" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" },
		{ 33, "SRV" }, { 35, "NAPTR" }, { 43, "DS" }, { 46, "RRSIG" },
		{ 47, "NSEC" }, { 48, "DNSKEY" }, { 50, "NSEC3" },
		{ 52, "TLSA" }, { 64, "SVCB" }, { 65, "HTTPS" },
		{ 251, "IXFR" }, { 252, "AXFR" }, { 255, "ANY" },
		{ 257, "CAA" },
	};
	size_t	i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	(void)snprintf(buf, len, "TYPE%u", t);
	return buf;
}

void
dns_question_text(const struct dns_question *q, char *out, size_t outlen)
{
	char	tbuf[16];
	size_t	i = 0, o = 0, n;
	uint8_t	c;
	int	w;

	if (outlen == 0)
		return;
	out[0] = '\0';
	while (i < q->namelen && q->name[i] != 0) {
		for (n = q->name[i++]; n > 0 && i < q->namelen; n--, i++) {
			c = q->name[i];
			if (c == '.' || c == '\\')
				w = snprintf(out + o, outlen - o, "\\%c", c);
			else if (c <= 0x20 || c >= 0x7f)
				w = snprintf(out + o, outlen - o, "\\%03u", c);
			else
				w = snprintf(out + o, outlen - o, "%c", c);
			if (w < 0 || (size_t)w >= outlen - o)
				return;
			o += (size_t)w;
		}
		if (o + 1 >= outlen)
			return;
		out[o++] = '.';
		out[o] = '\0';
	}
	if (o == 0 && outlen > 1) {
		out[o++] = '.';
		out[o] = '\0';
	}
	(void)snprintf(out + o, outlen - o, " %s",
	    type_str(q->type, tbuf, sizeof(tbuf)));
}

const char *
dns_rcode_str(unsigned rcode)
{
	static const char *const s[16] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "RCODE11", "RCODE12", "RCODE13", "RCODE14",
		"RCODE15",
	};

	return s[rcode & 0xf];
}
