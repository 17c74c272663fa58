/*
 * The nftables text of hoststated's layer-3 operations, pure: each
 * function writes one transaction (one nft_run_cmd_from_buffer call,
 * all or nothing) into a buffer.  Everything lives in one table of our
 * own, "inet hoststated"; no other table is ever named.
 *
 * A service NAME owns, in that table:
 *   chain NAME_pre  nat, prerouting: its virtual hosts' DNAT rules;
 *   chain NAME_out  nat, output: the same for locally generated
 *                   traffic, for virtual hosts without an interface;
 *   map NAME_4, NAME_6  slot number -> address . port of the hosts up,
 *                   one per address family of its virtual hosts.
 * Round-robin: "numgen inc mod W", W the sum of the weights, each host
 * as many slots as its weight.  Sticky address: "jhash ip saddr mod S",
 * S slots dealt by lb_slots.  A change names only the slots that change
 * (slots.h), and rewrites the rules only when a modulus changes.  A tag
 * is set as the packet's and the connection's mark.  NAME is the service's name
 * with anything but letters, digits and '_' replaced, plus a hash of
 * the name when something was (and an 's' first if the name does not
 * start with a letter).
 */
#ifndef HS_NFT_RULESET_H
#define HS_NFT_RULESET_H

#include <stdint.h>

#include "backends/nft/slots.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/layer3.h"

#define NFT_TABLE		"hoststated"
#define NFT_NAME_MAX		(HS_NAME_MAX + 16)
#define NFT_TEXT_MAX		(64u * 1024 * 1024)

/* Remove our table and everything in it (start and shutdown). */
int		 nft_text_flush(struct buf *out);
/* The service's chains (empty) and maps (empty), old ones replaced. */
int		 nft_text_rules_add(const struct service_conf *,
		    struct buf *out, struct buf *err);
/* The service's chains and maps gone; none there is no error. */
int		 nft_text_rules_remove(const struct service_conf *,
		    struct buf *out);
/* What a service's maps hold, per family; unknown: write them whole. */
struct nft_maps {
	struct nft_slotmap	 fam[2];	/* IPv4, IPv6 */
	bool			 known;
};

/* Free the slots; known: the maps are empty (rules just added). */
void		 nft_maps_clear(struct nft_maps *, bool known);
/*
 * The service's maps brought from *cur to the hosts of lt.  *next (to
 * free) is what they hold once the transaction is applied.
 */
int		 nft_text_table_replace(const struct service_conf *,
		    const struct l3_table *, const struct nft_maps *cur,
		    struct nft_maps *next, struct buf *out, struct buf *err);

/* The prefix of the service's objects' names. */
void		 nft_service_name(const char *service, char *out, size_t len);
/* The mark a tag sets: a number as it is, a name hashed (FNV-1a). */
uint32_t	 nft_tag_mark(const char *tag);

#endif /* HS_NFT_RULESET_H */
