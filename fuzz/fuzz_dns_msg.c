/*
 * libFuzzer target for the DNS message parser: whatever the bytes, it
 * reads none past the message, what it reports lies within it, and a
 * SERVFAIL built from a query it accepts is an answer it accepts, with
 * the same question.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay/dns_msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_within(const struct dns_msg *m, size_t len)
{
	if (m->has_question && (m->question_end > len ||
	    m->question_end < DNS_HEADER_LEN + 5 || m->q.namelen == 0))
		abort();
	if (m->has_opt && m->opt_size_at + 2 > len)
		abort();
}

static void
check_servfail(const uint8_t *data, size_t size, const struct dns_msg *q)
{
	uint8_t		out[DNS_HEADER_LEN + DNS_NAME_MAX + 4];
	struct dns_msg	a;
	char		text[DNS_TEXT_MAX];
	size_t		n;

	if ((n = dns_servfail(q->id, q->flags, &q->q, out, sizeof(out))) == 0 ||
	    n != q->question_end || memcmp(out + DNS_HEADER_LEN,
	    data + DNS_HEADER_LEN, n - DNS_HEADER_LEN) != 0)
		abort();
	if (dns_parse_answer(out, n, &a) != DNS_OK ||
	    !dns_question_equal(&q->q, &a.q) || a.id != q->id)
		abort();
	dns_question_text(&q->q, text, sizeof(text));
	if (strlen(text) >= sizeof(text))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg	m;
	uint8_t		*copy;

	/* An exact allocation: ASan sees a read one byte past the end. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (dns_parse(copy, size, &m) == DNS_OK)
		check_within(&m, size);
	if (dns_parse_answer(copy, size, &m) == DNS_OK)
		check_within(&m, size);
	if (dns_parse_query(copy, size, &m) == DNS_OK) {
		check_within(&m, size);
		check_servfail(copy, size, &m);
	}
	free(copy);
	return 0;
}
