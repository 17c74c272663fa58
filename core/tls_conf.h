/*
 * What the TLS options of the configuration mean, for everyone who
 * reads them (the parser's checks, the parent opening the files, the
 * relays and the key process building their contexts): the versions a
 * protocol runs, and the certificates and keys a relay presents, with
 * relayd's default paths.
 */
#ifndef HS_TLS_CONF_H
#define HS_TLS_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

/* The versions that run: TLS 1.2 and 1.3, nothing older. */
#define TLS_V12		0x01
#define TLS_V13		0x02

/* Versions an ssl { } block leaves on (0: none, a configuration error). */
unsigned	 ssl_versions(const struct ssl_opts *);
/* The relay's ssl options: its protocol's, or the defaults. */
const struct ssl_opts *relay_ssl_opts(const struct config *,
		    const struct relay_conf *);
/* Does the relay terminate TLS on at least one listener? */
bool		 relay_tls_listens(const struct relay_conf *);
/* kp with its default paths filled in: /etc/ssl/NAME.crt, ... */
void		 keypair_paths(const struct keypair_conf *kp,
		    struct keypair_conf *out);
/*
 * The certificate a TLS listener presents when SNI chooses none: the
 * relay's ssl certificate and key, else the protocol's first keypair,
 * else the files named after the listener's address.  Paths filled in.
 */
void		 relay_default_keypair(const struct config *,
		    const struct relay_conf *, size_t listen,
		    struct keypair_conf *out);
/*
 * Every certificate and key the configuration's TLS listeners present
 * (the defaults and the keypairs; a pair used twice comes twice): cb
 * is called with each, paths filled in; a non-zero return stops the
 * walk and is returned.
 */
int		 config_keypairs(const struct config *,
		    int (*cb)(void *, const struct keypair_conf *), void *);

#endif /* HS_TLS_CONF_H */
