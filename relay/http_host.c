/*
 * Hosts and authorities (RFC 3986 3.2, RFC 9110 4.2, 7.2): the syntax
 * of Host and of a target's authority, and whether the two agree.
 */
#include <string.h>

#include "relay/http_priv.h"

/* The end of an IP-literal starting at s[0] == '[', or 0. */
static size_t
ip_literal_end(const char *s, size_t n)
{
	size_t	i;

	for (i = 1; i < n && s[i] != ']'; i++)
		if (!http_is(s[i], C_HEX) && s[i] != ':' && s[i] != '.')
			return 0;
	return i < n && i > 1 ? i + 1 : 0;
}

/* The end of a reg-name: its characters and percent-encodings. */
static size_t
reg_name_end(const char *s, size_t n)
{
	size_t	i = 0;

	while ((i = http_run(s, i, n, C_HOST)) < n && s[i] == '%') {
		if (i + 2 >= n || !http_is(s[i + 1], C_HEX) ||
		    !http_is(s[i + 2], C_HEX))
			return 0;
		i += 3;
	}
	return i;
}

bool
http_host_valid(const char *s, size_t n, bool need_port)
{
	size_t	i;

	if (n == 0)
		return !need_port;
	i = s[0] == '[' ? ip_literal_end(s, n) : reg_name_end(s, n);
	if (i == 0)
		return false;
	if (i == n)
		return !need_port;
	if (s[i] != ':' || (need_port && i + 1 == n))
		return false;
	for (i++; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool
http_absolute_form(const char *t, size_t n, struct http_slice *scheme,
    struct http_slice *auth)
{
	size_t	i, a;

	if (n == 0 || !http_is(t[0], C_SCHEME) || (t[0] >= '0' &&
	    t[0] <= '9') || t[0] == '+' || t[0] == '-' || t[0] == '.')
		return false;
	for (i = 1; i < n && http_is(t[i], C_SCHEME); i++)
		;
	if (n - i < 3 || memcmp(t + i, "://", 3) != 0)
		return false;
	*scheme = (struct http_slice){ t, i };
	if (!http_name_eq(t, i, "http", 4) && !http_name_eq(t, i, "https", 5))
		return false;
	for (a = i + 3; a < n && t[a] != '/' && t[a] != '?' && t[a] != '#';
	    a++)
		;
	*auth = (struct http_slice){ t + i + 3, a - i - 3 };
	return auth->len > 0 && http_host_valid(auth->p, auth->len, false);
}

/* Drop the port if it is the scheme's default, or empty. */
static struct http_slice
without_default_port(struct http_slice scheme, struct http_slice a)
{
	const char	*port = NULL;

	if (http_name_eq(scheme.p, scheme.len, "http", 4))
		port = ":80";
	else if (http_name_eq(scheme.p, scheme.len, "https", 5))
		port = ":443";
	if (a.len > 0 && a.p[a.len - 1] == ':')
		a.len--;
	else if (port != NULL && a.len > strlen(port) &&
	    memcmp(a.p + a.len - strlen(port), port, strlen(port)) == 0)
		a.len -= strlen(port);
	return a;
}

bool
http_authority_same(struct http_slice scheme, struct http_slice auth,
    struct http_slice host)
{
	auth = without_default_port(scheme, auth);
	host = without_default_port(scheme, host);
	return http_name_eq(auth.p, auth.len, host.p, host.len);
}
