/*
 * The DNS message parser: each rule with the well-formed message it
 * differs from, every truncation of a good message refused, and the
 * helpers the relay answers with (question match, SERVFAIL, text).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "relay/dns_msg.h"

/* A message under construction. */
struct mb {
	uint8_t	b[1024];
	size_t	n;
};

static void
put(struct mb *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(struct mb *m, uint16_t v)
{
	uint8_t	b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(m, b, 2);
}

static void
header(struct mb *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* "www.example.com" as labels. */
static void
name_www(struct mb *m)
{
	put(m, "\3www\7example\3com\0", 17);
}

static void
question(struct mb *m, uint16_t type)
{
	name_www(m);
	put16(m, type);
	put16(m, 1);
}

/* An OPT record: root name, type 41, the UDP size as class. */
static void
opt(struct mb *m, uint16_t size)
{
	put(m, "\0", 1);
	put16(m, DNS_TYPE_OPT);
	put16(m, size);
	put(m, "\0\0\0\0", 4);
	put16(m, 0);
}

/* An A record for a name given as a pointer to offset 12. */
static void
answer_a(struct mb *m)
{
	put16(m, 0xc00c);
	put16(m, 1);
	put16(m, 1);
	put(m, "\0\0\1\0", 4);
	put16(m, 4);
	put(m, "\300\0\2\1", 4);
}

static struct mb	M;
static struct dns_msg	D;

#define IS(call, err)							\
	assert_string_equal(dns_error_str(call), dns_error_str(err))

static void
test_query_with_edns(void **state)
{
	header(&M, 0x1234, DNS_F_RD, 1, 0, 0, 1);
	question(&M, 28);
	opt(&M, 1232);
	IS(dns_parse_query(M.b, M.n, &D), DNS_OK);
	assert_int_equal(D.id, 0x1234);
	assert_true(D.has_question);
	assert_int_equal(D.q.type, 28);
	assert_int_equal(D.q.qclass, 1);
	assert_int_equal(D.q.namelen, 17);
	assert_memory_equal(D.q.name, "\3www\7example\3com\0", 17);
	assert_int_equal(D.question_end, 12 + 17 + 4);
	assert_true(D.has_opt);
	assert_int_equal(D.opt_size, 1232);
	assert_int_equal(D.opt_size_at, D.question_end + 3);
}

static void
test_answer_with_pointers(void **state)
{
	header(&M, 7, DNS_F_QR | DNS_F_RD, 1, 2, 0, 0);
	question(&M, 1);
	answer_a(&M);
	/* "mail" then a pointer to "example.com" inside the question. */
	put(&M, "\4mail\300\20", 7);
	put16(&M, 1);
	put16(&M, 1);
	put(&M, "\0\0\0\1", 4);
	put16(&M, 4);
	put(&M, "\300\0\2\2", 4);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_OK);
	assert_int_equal(D.ancount, 2);
}

static void
test_too_short(void **state)
{
	header(&M, 1, 0, 0, 0, 0, 0);
	IS(dns_parse(M.b, 11, &D), DNS_ESHORT);
	IS(dns_parse(M.b, 0, &D), DNS_ESHORT);
	IS(dns_parse(M.b, 12, &D), DNS_OK);
}

/* Every prefix of a good message is refused, and nothing past it read. */
static void
test_every_truncation(void **state)
{
	uint8_t	copy[1024];
	size_t	i;

	header(&M, 7, DNS_F_QR, 1, 1, 0, 1);
	question(&M, 1);
	answer_a(&M);
	opt(&M, 4096);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_OK);
	for (i = 0; i < M.n; i++) {
		memcpy(copy, M.b, i);
		assert_int_not_equal(dns_parse(copy, i, &D), DNS_OK);
	}
}

static void
test_trailing_bytes(void **state)
{
	header(&M, 1, 0, 1, 0, 0, 0);
	question(&M, 1);
	put(&M, "\0", 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_ETRAILING);
}

static void
test_counts_beyond_the_message(void **state)
{
	header(&M, 1, 0, 1, 0, 0, 1);
	question(&M, 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_ENAME);
	header(&M, 1, 0, 2, 0, 0, 0);
	question(&M, 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_ENAME);
}

static void
test_record_past_the_end(void **state)
{
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	answer_a(&M);
	M.b[M.n - 5] = 5;		/* rdlength 5, 4 bytes there */
	IS(dns_parse_answer(M.b, M.n, &D), DNS_ERECORD);
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	put16(&M, 0xc00c);
	put16(&M, 1);			/* no class, ttl, rdlength */
	IS(dns_parse_answer(M.b, M.n, &D), DNS_ERECORD);
}

/* A label of len bytes c. */
static void
label(struct mb *m, uint8_t len, char c)
{
	put(m, &len, 1);
	memset(m->b + m->n, c, len);
	m->n += len;
}

/* A query whose name is n labels of 63 bytes, then one of last (0: none). */
static void
long_query(struct mb *m, int n, uint8_t last)
{
	int	i;

	header(m, 1, 0, 1, 0, 0, 0);
	for (i = 0; i < n; i++)
		label(m, 63, 'a');
	if (last > 0)
		label(m, last, 'b');
	put(m, "\0", 1);
	put16(m, 1);
	put16(m, 1);
}

static void
test_name_too_long(void **state)
{
	/* 4 labels of 63 bytes: 257 bytes with the root. */
	long_query(&M, 4, 0);
	IS(dns_parse_query(M.b, M.n, &D), DNS_ENAME);
	/* Three of 63 and one of 61: 255, the most allowed. */
	long_query(&M, 3, 61);
	IS(dns_parse_query(M.b, M.n, &D), DNS_OK);
	assert_int_equal(D.q.namelen, 255);
}

static void
test_extended_label_types(void **state)
{
	header(&M, 1, 0, 1, 0, 0, 0);
	put(&M, "\101\0", 2);		/* 0x41: an extended label type */
	put16(&M, 1);
	put16(&M, 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_ENAME);
	M.b[12] = 0x80;
	IS(dns_parse_query(M.b, M.n, &D), DNS_ENAME);
}

static void
test_pointers_must_go_backwards(void **state)
{
	/* To itself. */
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	put16(&M, (uint16_t)(0xc000 | M.n));
	put(&M, "\0\1\0\1\0\0\0\0\0\0", 10);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EPOINTER);
	/* Forwards. */
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	put16(&M, (uint16_t)(0xc000 | (M.n + 2)));
	put(&M, "\0\1\0\1\0\0\0\0\0\0", 10);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EPOINTER);
	/* Into the header. */
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	put16(&M, 0xc002);
	put(&M, "\0\1\0\1\0\0\0\0\0\0", 10);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EPOINTER);
	/* In the question: nothing is before it. */
	header(&M, 1, 0, 1, 0, 0, 0);
	put16(&M, 0xc00c);
	put16(&M, 1);
	put16(&M, 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EPOINTER);
}

/* Two names pointing at each other: a loop, refused. */
static void
test_pointer_loop(void **state)
{
	size_t	a, b;

	header(&M, 1, DNS_F_QR, 1, 2, 0, 0);
	question(&M, 1);
	a = M.n;
	put(&M, "\1a\300\0", 4);	/* patched below: to b */
	put(&M, "\0\1\0\1\0\0\0\0\0\0", 10);
	b = M.n;
	put16(&M, (uint16_t)(0xc000 | a));
	put(&M, "\0\1\0\1\0\0\0\0\0\0", 10);
	M.b[a + 3] = (uint8_t)b;
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EPOINTER);
}

static void
test_opt_placement(void **state)
{
	header(&M, 1, DNS_F_QR, 1, 1, 0, 0);
	question(&M, 1);
	opt(&M, 512);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EOPT);
	header(&M, 1, 0, 1, 0, 0, 2);
	question(&M, 1);
	opt(&M, 512);
	opt(&M, 512);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EOPT);
	header(&M, 1, 0, 1, 0, 0, 1);
	question(&M, 1);
	put(&M, "\1x\0", 3);		/* not the root */
	put16(&M, DNS_TYPE_OPT);
	put16(&M, 512);
	put(&M, "\0\0\0\0\0\0", 6);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EOPT);
}

static void
test_direction_and_question_count(void **state)
{
	header(&M, 1, DNS_F_QR, 1, 0, 0, 0);
	question(&M, 1);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EQR);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_OK);
	M.b[2] = 0;
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EQR);
	header(&M, 1, 0, 0, 0, 0, 0);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EQDCOUNT);
	header(&M, 1, 0, 2, 0, 0, 0);
	question(&M, 1);
	question(&M, 28);
	IS(dns_parse_query(M.b, M.n, &D), DNS_EQDCOUNT);
	/* An answer without its question only when the query was refused. */
	header(&M, 1, DNS_F_QR, 0, 0, 0, 0);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_EQDCOUNT);
	header(&M, 1, DNS_F_QR | 1, 0, 0, 0, 0);
	IS(dns_parse_answer(M.b, M.n, &D), DNS_OK);
}

static void
test_question_equal(void **state)
{
	struct dns_msg	a, b;

	header(&M, 1, 0, 1, 0, 0, 0);
	question(&M, 1);
	IS(dns_parse_query(M.b, M.n, &a), DNS_OK);
	memcpy(M.b + 13, "WwW", 3);
	IS(dns_parse_query(M.b, M.n, &b), DNS_OK);
	assert_true(dns_question_equal(&a.q, &b.q));
	M.b[13] = 'v';
	IS(dns_parse_query(M.b, M.n, &b), DNS_OK);
	assert_false(dns_question_equal(&a.q, &b.q));
	header(&M, 1, 0, 1, 0, 0, 0);
	question(&M, 28);
	IS(dns_parse_query(M.b, M.n, &b), DNS_OK);
	assert_false(dns_question_equal(&a.q, &b.q));
}

static void
test_servfail(void **state)
{
	uint8_t		out[512];
	struct dns_msg	q, a;
	size_t		n;

	header(&M, 0xbeef, DNS_F_RD, 1, 0, 0, 1);
	question(&M, 1);
	opt(&M, 1232);
	IS(dns_parse_query(M.b, M.n, &q), DNS_OK);
	assert_int_equal(dns_servfail(q.id, q.flags, &q.q, out, 10), 0);
	n = dns_servfail(q.id, q.flags, &q.q, out, sizeof(out));
	assert_int_equal(n, q.question_end);
	assert_memory_equal(out + 12, M.b + 12, n - 12);
	IS(dns_parse_answer(out, n, &a), DNS_OK);
	assert_int_equal(a.id, 0xbeef);
	assert_int_equal(DNS_RCODE(a.flags), DNS_RCODE_SERVFAIL);
	assert_true(a.flags & DNS_F_RD);
	assert_true(dns_question_equal(&q.q, &a.q));
	assert_int_equal(a.arcount, 0);
	/* Without a question: the header alone. */
	n = dns_servfail(9, 0, NULL, out, sizeof(out));
	assert_int_equal(n, 12);
	IS(dns_parse_answer(out, n, &a), DNS_OK);
	assert_int_equal(a.qdcount, 0);
}

static void
test_question_text(void **state)
{
	struct dns_question	q;
	char			t[DNS_TEXT_MAX];

	header(&M, 1, 0, 1, 0, 0, 0);
	question(&M, 28);
	IS(dns_parse_query(M.b, M.n, &D), DNS_OK);
	dns_question_text(&D.q, t, sizeof(t));
	assert_string_equal(t, "www.example.com. AAAA");
	memset(&q, 0, sizeof(q));
	memcpy(q.name, "\3a.b\2\001\\\0", 9);
	q.namelen = 9;
	q.type = 4242;
	dns_question_text(&q, t, sizeof(t));
	assert_string_equal(t, "a\\.b.\\001\\\\. TYPE4242");
	q.name[0] = 0;
	q.namelen = 1;
	q.type = 2;
	dns_question_text(&q, t, sizeof(t));
	assert_string_equal(t, ". NS");
	dns_question_text(&D.q, t, 6);
	assert_int_equal(strlen(t) < 6, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_with_edns),
		cmocka_unit_test(test_answer_with_pointers),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_counts_beyond_the_message),
		cmocka_unit_test(test_record_past_the_end),
		cmocka_unit_test(test_name_too_long),
		cmocka_unit_test(test_extended_label_types),
		cmocka_unit_test(test_pointers_must_go_backwards),
		cmocka_unit_test(test_pointer_loop),
		cmocka_unit_test(test_opt_placement),
		cmocka_unit_test(test_direction_and_question_count),
		cmocka_unit_test(test_question_equal),
		cmocka_unit_test(test_servfail),
		cmocka_unit_test(test_question_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
