/*
 * What a 101 may switch to (RFC 9110 7.8): the protocols the host's
 * Upgrade names must all be among those the request's Upgrade offered.
 * A protocol is a name, compared in any case, and an optional
 * "/version"; an offer without a version takes any version of it.
 */
#include "relay/http_priv.h"

/* protocol = protocol-name ["/" protocol-version], both tokens. */
static bool
protocol_split(struct http_slice e, struct http_slice *name,
    struct http_slice *version)
{
	size_t	n = http_run(e.p, 0, e.len, C_TOKEN);

	*name = (struct http_slice){ e.p, n };
	*version = (struct http_slice){ e.p + e.len, 0 };
	if (n == 0)
		return false;
	if (n == e.len)
		return true;
	if (e.p[n] != '/')
		return false;
	*version = (struct http_slice){ e.p + n + 1, e.len - n - 1 };
	return version->len > 0 &&
	    http_run(version->p, 0, version->len, C_TOKEN) == version->len;
}

static bool
offered(struct http_slice offer, struct http_slice name,
    struct http_slice version)
{
	struct http_slice	e, n, v;

	while (http_list_next(&offer, &e)) {
		if (!protocol_split(e, &n, &v) ||
		    !http_name_eq(n.p, n.len, name.p, name.len))
			continue;
		if (v.len == 0 || (v.len == version.len &&
		    memcmp(v.p, version.p, v.len) == 0))
			return true;
	}
	return false;
}

/* The protocols chosen, all offered; -1 if one is not or is no protocol. */
static int
count_offered(struct http_slice offer, struct http_slice chosen)
{
	struct http_slice	e, name, version;
	int			n = 0;

	while (http_list_next(&chosen, &e)) {
		if (!protocol_split(e, &name, &version) ||
		    !offered(offer, name, version))
			return -1;
		n++;
	}
	return n;
}

bool
http_upgrade_among(struct http_slice offer, struct http_slice chosen)
{
	return count_offered(offer, chosen) > 0;
}

bool
http_upgrade_offer(const struct http_parser *req, char *offer, size_t size)
{
	struct http_slice	v;
	size_t			i, len = 0;

	for (i = 0; i < http_nfields(req); i++) {
		if (http_field_kind(req, i) != HTTP_F_UPGRADE)
			continue;
		v = http_field_value(req, i);
		if (len + (len > 0) + v.len >= size)
			return false;
		if (len > 0)
			offer[len++] = ',';
		memcpy(offer + len, v.p, v.len);
		len += v.len;
	}
	if (size > 0)
		offer[len] = '\0';
	return size > 0;
}

bool
http_upgrade_chosen(const struct http_parser *res, const char *offer)
{
	struct http_slice	o = { offer, strlen(offer) };
	size_t			i;
	int			n, total = 0;

	for (i = 0; i < http_nfields(res); i++) {
		if (http_field_kind(res, i) != HTTP_F_UPGRADE)
			continue;
		if ((n = count_offered(o, http_field_value(res, i))) == -1)
			return false;
		total += n;
	}
	return total > 0;
}
