/* The nftables text of the layer-3 operations; see ruleset.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/nft/ruleset.h"
#include "core/lb_slots.h"

#define T	"inet " NFT_TABLE	/* every object is ours */

/* A slot map's key type: the slot number ("typeof jhash" breaks nft list). */
#define MAP_KEY	"typeof numgen inc mod 2"

static const char *const chain_kinds[] = { "pre", "out" };
static const int families[] = { HS_AF_INET, HS_AF_INET6 };

static uint32_t
fnv1a32(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

void
nft_service_name(const char *service, char *out, size_t len)
{
	size_t	i, n = 0;
	bool	changed = false;

	/* An identifier starts with a letter. */
	if (!((service[0] >= 'a' && service[0] <= 'z') ||
	    (service[0] >= 'A' && service[0] <= 'Z'))) {
		out[n++] = 's';
		changed = true;
	}
	for (i = 0; service[i] != '\0' && n + 1 < len; i++) {
		char c = service[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')
			out[n++] = c;
		else {
			out[n++] = '_';
			changed = true;
		}
	}
	out[n] = '\0';
	if (changed || n == 0)
		(void)snprintf(out + n, len - n, "_%08x", fnv1a32(service));
}

uint32_t
nft_tag_mark(const char *tag)
{
	unsigned long long	 v;
	char			*end;

	if (tag[0] >= '0' && tag[0] <= '9') {
		v = strtoull(tag, &end, 0);
		if (*end == '\0' && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	return fnv1a32(tag);
}

static const char *
family_word(int af)
{
	return af == HS_AF_INET6 ? "ip6" : "ip";
}

/* Interface names go into the text quoted: keep them plain. */
static bool
ifname_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("_.-@:", *s) != NULL))
			return false;
	return true;
}

static bool
has_family(const struct service_conf *s, int af)
{
	size_t	i;

	for (i = 0; i < s->nvirts; i++)
		if (s->virts[i].addr.family == af)
			return true;
	return false;
}

static bool
needs_output(const struct service_conf *s)
{
	size_t	i;

	for (i = 0; i < s->nvirts; i++)
		if (s->virts[i].ifname[0] == '\0')
			return true;
	return false;
}

static int
text_end(struct buf *out, struct buf *err)
{
	if (!out->truncated)
		return 0;
	if (err != NULL)
		(void)buf_puts(err, "nftables transaction too large");
	return -1;
}

int
nft_text_flush(struct buf *out)
{
	/* Adding first makes deleting what may not exist no error. */
	(void)buf_puts(out, "add table " T "\ndelete table " T "\n");
	return text_end(out, NULL);
}

/* Remove the service's objects, whether they exist or not. */
static void
remove_objects(const char *nm, struct buf *out)
{
	size_t	i;

	for (i = 0; i < 2; i++)
		(void)buf_printf(out, "add chain " T " %s_%s\n"
		    "flush chain " T " %s_%s\n", nm, chain_kinds[i], nm,
		    chain_kinds[i]);
	for (i = 0; i < 2; i++)
		(void)buf_printf(out, "add map " T " %s_%d { " MAP_KEY " : %s "
		    "daddr . tcp dport; flags interval; }\ndelete map " T
		    " %s_%d\n", nm, families[i], family_word(families[i]), nm,
		    families[i]);
	for (i = 0; i < 2; i++)
		(void)buf_printf(out, "delete chain " T " %s_%s\n", nm,
		    chain_kinds[i]);
}

int
nft_text_rules_remove(const struct service_conf *s, struct buf *out)
{
	char	nm[NFT_NAME_MAX];

	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_puts(out, "add table " T "\n");
	remove_objects(nm, out);
	return text_end(out, NULL);
}

int
nft_text_rules_add(const struct service_conf *s, struct buf *out,
    struct buf *err)
{
	char	nm[NFT_NAME_MAX];
	size_t	i;

	for (i = 0; i < s->nvirts; i++)
		if (!ifname_ok(s->virts[i].ifname)) {
			(void)buf_printf(err, "interface name not usable in "
			    "nftables: %s", s->virts[i].ifname);
			return -1;
		}
	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_puts(out, "add table " T "\n");
	remove_objects(nm, out);
	(void)buf_printf(out, "add chain " T " %s_pre { type nat hook "
	    "prerouting priority dstnat; policy accept; }\n", nm);
	/* Locally generated traffic never sees prerouting. */
	if (needs_output(s))
		(void)buf_printf(out, "add chain " T " %s_out { type nat hook "
		    "output priority -100; policy accept; }\n", nm);
	for (i = 0; i < 2; i++)
		if (has_family(s, families[i]))
			(void)buf_printf(out, "add map " T " %s_%d { " MAP_KEY
			    " : %s daddr . tcp dport; flags interval; }\n", nm,
			    families[i], family_word(families[i]));
	return text_end(out, err);
}

/* The hosts of family af, in order; returns how many. */
static size_t
hosts_of(const struct l3_table *lt, int af, struct l3_host *out)
{
	size_t	i, n = 0;

	for (i = 0; i < lt->nhosts; i++)
		if (lt->hosts[i].addr.family == af)
			out[n++] = lt->hosts[i];
	return n;
}

static void
element(struct buf *out, uint32_t lo, uint32_t hi, const struct l3_host *h,
    bool first)
{
	char	a[HS_ADDRSTR_MAX];

	(void)buf_puts(out, first ? "\t" : ",\n\t");
	if (lo == hi)
		(void)buf_printf(out, "%u", lo);
	else
		(void)buf_printf(out, "%u-%u", lo, hi);
	(void)buf_printf(out, " : %s . %u", addr_fmt(&h->addr, a, sizeof(a)),
	    h->port);
}

/* Round-robin: each host an interval as wide as its weight.  Returns W. */
static uint32_t
elements_weighted(const struct l3_host *h, size_t n, struct buf *out)
{
	uint32_t	at = 0, w;
	size_t		i;

	for (i = 0; i < n; i++) {
		w = h[i].weight != 0 ? h[i].weight : 1;
		element(out, at, at + w - 1, &h[i], i == 0);
		at += w;
	}
	return at;
}

/* Sticky: the dealt slots, runs of one owner as one interval.  Returns S. */
static uint32_t
elements_slots(const struct l3_host *h, size_t n, size_t nconf,
    struct buf *out)
{
	uint32_t	 m = lb_slots_count(nconf), *slot, lo = 0, i;

	if ((slot = calloc(m, sizeof(*slot))) == NULL ||
	    lb_slots_deal(h, n, slot, m) == -1) {
		free(slot);
		out->truncated = true;		/* reported as too large */
		return 0;
	}
	for (i = 1; i <= m; i++)
		if (i == m || slot[i] != slot[lo]) {
			element(out, lo, i - 1, &h[slot[lo]], lo == 0);
			lo = i;
		}
	free(slot);
	return m;
}

static void
rule(const struct service_conf *s, const struct virt_conf *v,
    const char *chain, uint32_t mod, struct buf *out)
{
	char	nm[NFT_NAME_MAX], a[HS_ADDRSTR_MAX];
	int	af = v->addr.family;

	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_printf(out, "add rule " T " %s_%s ", nm, chain);
	if (v->ifname[0] != '\0' && strcmp(chain, "pre") == 0)
		(void)buf_printf(out, "iifname \"%s\" ", v->ifname);
	(void)buf_printf(out, "%s daddr %s tcp dport %u ", family_word(af),
	    addr_fmt(&v->addr, a, sizeof(a)), v->port);
	if (s->tag[0] != '\0')
		(void)buf_printf(out, "meta mark set 0x%08x ct mark set "
		    "0x%08x ", nft_tag_mark(s->tag), nft_tag_mark(s->tag));
	(void)buf_printf(out, "dnat %s to ", family_word(af));
	if (s->sticky)
		(void)buf_printf(out, "jhash %s saddr mod %u seed 0x%08x",
		    family_word(af), mod, fnv1a32(s->name));
	else
		(void)buf_printf(out, "numgen inc mod %u", mod);
	(void)buf_printf(out, " map @%s_%d\n", nm, af);
}

/* One family's map refilled and its virtual hosts' rules. */
static void
replace_family(const struct service_conf *s, const struct l3_table *lt,
    int af, struct l3_host *h, struct buf *out)
{
	char		nm[NFT_NAME_MAX];
	size_t		n = hosts_of(lt, af, h), i;
	uint32_t	mod;

	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_printf(out, "flush map " T " %s_%d\n", nm, af);
	if (n == 0)
		return;		/* no rule: nothing is redirected */
	(void)buf_printf(out, "add element " T " %s_%d {\n", nm, af);
	mod = s->sticky ? elements_slots(h, n, lt->table->nhosts, out) :
	    elements_weighted(h, n, out);
	(void)buf_puts(out, "\n}\n");
	for (i = 0; i < s->nvirts; i++) {
		if (s->virts[i].addr.family != af)
			continue;
		rule(s, &s->virts[i], "pre", mod, out);
		if (s->virts[i].ifname[0] == '\0')
			rule(s, &s->virts[i], "out", mod, out);
	}
}

int
nft_text_table_replace(const struct service_conf *s,
    const struct l3_table *lt, struct buf *out, struct buf *err)
{
	struct l3_host	*h;
	char		 nm[NFT_NAME_MAX];
	size_t		 i;

	if ((h = calloc(lt->nhosts + 1, sizeof(*h))) == NULL) {
		(void)buf_puts(err, "out of memory");
		return -1;
	}
	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_printf(out, "flush chain " T " %s_pre\n", nm);
	if (needs_output(s))
		(void)buf_printf(out, "flush chain " T " %s_out\n", nm);
	for (i = 0; i < 2; i++)
		if (has_family(s, families[i]))
			replace_family(s, lt, families[i], h, out);
	free(h);
	return text_end(out, err);
}
