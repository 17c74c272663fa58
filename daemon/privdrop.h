/*
 * Least privilege for a child process: chroot to the configured
 * directory and become the configured user, for good.
 */
#ifndef HS_DAEMON_PRIVDROP_H
#define HS_DAEMON_PRIVDROP_H

#include <sys/types.h>

#include <stdint.h>

struct privdrop {
	char	 user[64];
	char	 chroot[1024];
	uid_t	 uid;
	gid_t	 gid;
};

/* Look the user up (before any fork or chroot); -1 with a log line. */
int	 privdrop_lookup(struct privdrop *, const char *user,
	    const char *chroot_dir);
/*
 * chroot, setgroups, setresgid, setresuid, and on Linux no new
 * privileges and no capabilities, not even in the bounding set.  Only
 * when running as root; returns -1 with a log line on any failure (the
 * caller exits: never run half-dropped).
 */
int	 privdrop_apply(const struct privdrop *, const char *procname);
/*
 * The same, keeping the Linux capabilities in keep (a mask of 1 << CAP_*)
 * permitted and effective under the unprivileged user; 0 keeps none.
 * Elsewhere keep must be 0.
 */
int	 privdrop_apply_keep(const struct privdrop *, const char *procname,
	    uint64_t keep);

/* OpenBSD: pledge(2) to promises, or exit; elsewhere nothing. */
void	 privdrop_pledge(const char *procname, const char *promises);

#endif /* HS_DAEMON_PRIVDROP_H */
