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
		    "daddr . tcp dport; }\ndelete map " T
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
			    " : %s daddr . tcp dport; }\n", nm,
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

void
nft_maps_clear(struct nft_maps *m, bool known)
{
	nft_slotmap_free(&m->fam[0]);
	nft_slotmap_free(&m->fam[1]);
	m->known = known;
}

static void
elements(struct buf *out, const struct nft_slotmap *m, const bool *pick,
    bool keys_only)
{
	char		a[HS_ADDRSTR_MAX];
	uint32_t	i;
	bool		first = true;

	for (i = 0; i < m->n; i++) {
		if (pick != NULL && !pick[i])
			continue;
		(void)buf_printf(out, "%s%u", first ? "\t" : ",\n\t", i);
		if (!keys_only)
			(void)buf_printf(out, " : %s . %u",
			    addr_fmt(&m->slot[i].addr, a, sizeof(a)),
			    m->slot[i].port);
		first = false;
	}
}

/* Slots of cur that go (differ, or beyond next), and those next adds. */
static uint32_t
slot_changes(const struct nft_slotmap *cur, const struct nft_slotmap *next,
    bool *del, bool *add)
{
	uint32_t	i, changes = 0;

	for (i = 0; i < cur->n; i++)
		if ((del[i] = i >= next->n ||
		    !nft_slot_same(&cur->slot[i], &next->slot[i])))
			changes++;
	for (i = 0; i < next->n; i++)
		if ((add[i] = i >= cur->n ||
		    !nft_slot_same(&cur->slot[i], &next->slot[i])))
			changes++;
	return changes;
}

/* The map from cur to next: the changed slots, or whole if that is less. */
static int
write_map(const char *nm, int af, const struct nft_slotmap *cur,
    const struct nft_slotmap *next, struct buf *out)
{
	bool	*del, *add;
	size_t	 n = (cur != NULL ? cur->n : 0) + next->n + 1;

	if ((del = calloc(n, sizeof(*del))) == NULL ||
	    (add = calloc(n, sizeof(*add))) == NULL) {
		free(del);
		return -1;
	}
	if (cur == NULL || slot_changes(cur, next, del, add) > next->n) {
		(void)buf_printf(out, "flush map " T " %s_%d\n", nm, af);
		if (next->n > 0) {
			(void)buf_printf(out, "add element " T " %s_%d {\n", nm,
			    af);
			elements(out, next, NULL, false);
			(void)buf_puts(out, "\n}\n");
		}
	} else {
		if (memchr(del, true, cur->n) != NULL) {
			(void)buf_printf(out, "delete element " T " %s_%d {\n",
			    nm, af);
			elements(out, cur, del, true);
			(void)buf_puts(out, "\n}\n");
		}
		if (memchr(add, true, next->n) != NULL) {
			(void)buf_printf(out, "add element " T " %s_%d {\n", nm,
			    af);
			elements(out, next, add, false);
			(void)buf_puts(out, "\n}\n");
		}
	}
	free(del);
	free(add);
	return 0;
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

/* The rules lead to slots 0..n-1: written again when n changes. */
static void
write_rules(const struct service_conf *s, const struct nft_maps *next,
    struct buf *out)
{
	char		nm[NFT_NAME_MAX];
	uint32_t	n;
	size_t		i;

	nft_service_name(s->name, nm, sizeof(nm));
	(void)buf_printf(out, "flush chain " T " %s_pre\n", nm);
	if (needs_output(s))
		(void)buf_printf(out, "flush chain " T " %s_out\n", nm);
	for (i = 0; i < s->nvirts; i++) {
		n = next->fam[s->virts[i].addr.family == HS_AF_INET6].n;
		if (n == 0)
			continue;	/* no host of its family: no rule */
		rule(s, &s->virts[i], "pre", n, out);
		if (s->virts[i].ifname[0] == '\0')
			rule(s, &s->virts[i], "out", n, out);
	}
}

static int
next_slots(const struct service_conf *s, const struct l3_table *lt, int fi,
    const struct nft_maps *cur, struct l3_host *h, struct nft_maps *next)
{
	static const struct nft_slotmap	empty;
	size_t				n = hosts_of(lt, families[fi], h);

	if (s->sticky)
		return nft_slots_dealt(h, n, lb_slots_count(lt->table->nhosts),
		    &next->fam[fi]);
	return nft_slots_weighted(cur->known ? &cur->fam[fi] : &empty, h, n,
	    &next->fam[fi]);
}

int
nft_text_table_replace(const struct service_conf *s,
    const struct l3_table *lt, const struct nft_maps *cur,
    struct nft_maps *next, struct buf *out, struct buf *err)
{
	struct l3_host	*h;
	char		 nm[NFT_NAME_MAX];
	bool		 moduli = !cur->known;
	int		 fi, rv = 0;

	memset(next, 0, sizeof(*next));
	if ((h = calloc(lt->nhosts + 1, sizeof(*h))) == NULL)
		goto nomem;
	nft_service_name(s->name, nm, sizeof(nm));
	for (fi = 0; fi < 2 && rv == 0; fi++) {
		if (!has_family(s, families[fi]))
			continue;
		if ((rv = next_slots(s, lt, fi, cur, h, next)) == 0)
			rv = write_map(nm, families[fi], cur->known ?
			    &cur->fam[fi] : NULL, &next->fam[fi], out);
		moduli |= next->fam[fi].n != cur->fam[fi].n;
	}
	free(h);
	if (rv == -1)
		goto nomem;
	if (moduli)
		write_rules(s, next, out);
	next->known = true;
	return text_end(out, err);
nomem:
	nft_maps_clear(next, false);
	(void)buf_puts(err, "out of memory");
	return -1;
}
