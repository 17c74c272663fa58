/*
 * DNS messages (RFC 1035, RFC 6891) as the DNS relay sees them: the
 * header, the one question, and a walk over every record that checks
 * each length against the message, so that a packet the relay passes on
 * is well formed to its last byte.  Pure C on libc only: the relay, its
 * tests, the fuzz target and the benchmark share it.
 */
#ifndef HS_DNS_MSG_H
#define HS_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN	12
#define DNS_NAME_MAX	255	/* wire form, root label included */
#define DNS_MSG_MAX	65535
#define DNS_TEXT_MAX	(4 * DNS_NAME_MAX + 32)	/* "name TYPE" with escapes */

/* Header flags, in the second 16-bit word. */
#define DNS_F_QR	0x8000
#define DNS_F_TC	0x0200
#define DNS_F_RD	0x0100
#define DNS_OPCODE(f)	(((f) >> 11) & 0xf)
#define DNS_RCODE(f)	((f) & 0xf)

#define DNS_RCODE_SERVFAIL	2
#define DNS_TYPE_OPT		41

enum dns_error {
	DNS_OK = 0,
	DNS_ESHORT,		/* shorter than a header */
	DNS_ENAME,		/* a name runs out, too long, a bad label */
	DNS_EPOINTER,		/* a compression pointer not backwards */
	DNS_ERECORD,		/* a record runs past the end */
	DNS_ETRAILING,		/* bytes after the last record */
	DNS_EOPT,		/* OPT not in the additional section, not at the
				   root, or twice */
	DNS_EQR,		/* a query with QR set, an answer without */
	DNS_EQDCOUNT,		/* a query without exactly one question */
	DNS_ERROR_MAX
};

struct dns_question {
	uint8_t		 name[DNS_NAME_MAX];	/* uncompressed wire form */
	uint8_t		 namelen;
	uint16_t	 type;
	uint16_t	 qclass;
};

struct dns_msg {
	uint16_t	 id;
	uint16_t	 flags;
	uint16_t	 qdcount, ancount, nscount, arcount;
	bool		 has_question;		/* qdcount >= 1: the first */
	struct dns_question q;
	size_t		 question_end;		/* offset after it */
	bool		 has_opt;
	uint16_t	 opt_size;		/* the EDNS UDP payload size */
	size_t		 opt_size_at;		/* its offset in the message */
};

/* Parse and check all of p; DNS_OK or why not. */
enum dns_error	 dns_parse(const uint8_t *p, size_t len, struct dns_msg *);
/* The same, and the rules for a query (QR clear, one question). */
enum dns_error	 dns_parse_query(const uint8_t *p, size_t len,
		    struct dns_msg *);
/*
 * ... for an answer: QR set, and one question, or none when the rcode
 * says the server could not read the query.
 */
enum dns_error	 dns_parse_answer(const uint8_t *p, size_t len,
		    struct dns_msg *);
const char	*dns_error_str(enum dns_error);

/* The same question, the name compared without regard to ASCII case. */
bool		 dns_question_equal(const struct dns_question *,
		    const struct dns_question *);

static inline void
dns_set_id(uint8_t *p, uint16_t id)
{
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
}

static inline void
dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * A SERVFAIL answer with this id to a query with these flags and this
 * question (NULL: none) in out; its length, or 0 if outlen is too small.
 */
size_t		 dns_servfail(uint16_t id, uint16_t flags,
		    const struct dns_question *, uint8_t *out, size_t outlen);
/* "www.example.com. AAAA", printable with \DDD escapes, always NUL-ended. */
void		 dns_question_text(const struct dns_question *, char *,
		    size_t);
const char	*dns_rcode_str(unsigned);

#endif /* HS_DNS_MSG_H */
