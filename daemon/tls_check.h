/*
 * What the configuration's TLS files hold, checked when it is loaded
 * (hoststated -n, the parent's startup and reloads) so that a broken
 * certificate is reported at its line, not by a relay later.  Only -n
 * reads private keys: the parent never does (its memory is what the
 * relay processes start from), the key process does it for the daemon.
 */
#ifndef HS_DAEMON_TLS_CHECK_H
#define HS_DAEMON_TLS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"

struct tls_check {
	bool	 keys;		/* read keys too, and match them */
};

/* parse_opts' tls_files and tls_ciphers (arg: a struct tls_check). */
int	 tls_check_files(void *arg, const char *cert, const char *key,
	    char *why, size_t len);
int	 tls_check_ciphers(void *arg, const char *list, char *why,
	    size_t len);
/*
 * A key file anyone may read is worth a warning: warn is called with
 * one line for each such key of cfg.
 */
void	 tls_check_key_modes(const struct config *,
	    void (*warn)(void *, const char *), void *);

#endif /* HS_DAEMON_TLS_CHECK_H */
