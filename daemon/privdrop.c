#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#endif

#include "daemon/log.h"
#include "daemon/privdrop.h"

static int
copy_str(char *dst, size_t size, const char *src, const char *what)
{
	int	 n;

	n = snprintf(dst, size, "%s", src);
	if (n < 0 || (size_t)n >= size) {
		log_warnx("%s too long: %s", what, src);
		return -1;
	}
	return 0;
}

int
privdrop_lookup(struct privdrop *pd, const char *user, const char *chroot_dir)
{
	struct passwd	*pw;
	struct stat	 st;

	memset(pd, 0, sizeof(*pd));
	if (copy_str(pd->user, sizeof(pd->user), user, "user name") == -1 ||
	    copy_str(pd->chroot, sizeof(pd->chroot), chroot_dir,
	    "chroot directory") == -1)
		return -1;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_warnx("unknown user %s (create it: useradd -r -d %s "
		    "-s /usr/sbin/nologin %s)", user, chroot_dir, user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		log_warnx("user %s is root: refusing to run the children "
		    "with privileges", user);
		return -1;
	}
	pd->uid = pw->pw_uid;
	pd->gid = pw->pw_gid;
	if (stat(chroot_dir, &st) == -1) {
		log_warn("chroot directory %s", chroot_dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("chroot directory %s: not a directory", chroot_dir);
		return -1;
	}
	return 0;
}

#ifdef __linux__
/*
 * Out of the bounding set: nothing can bring these back, not even exec.
 * That takes CAP_SETPCAP; a service manager that withheld it has bounded
 * the set itself, and no new privileges keeps what is left unusable.
 */
static int
caps_bound(const char *procname, uint64_t keep)
{
	int	c;

	for (c = 0; c < 64; c++) {
		if ((keep & (1ULL << c)) != 0)
			continue;
		switch (prctl(PR_CAPBSET_READ, c, 0, 0, 0)) {
		case -1:
			return 0;	/* past the last capability */
		case 0:
			continue;	/* not there */
		}
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1) {
			if (errno == EPERM) {
				log_debug("%s: bounding set kept as given "
				    "(no CAP_SETPCAP)", procname);
				return 0;
			}
			log_warn("%s: dropping capability %d", procname, c);
			return -1;
		}
	}
	return 0;
}

/* After the uid change: exactly keep, permitted and effective. */
static int
caps_set(const char *procname, uint64_t keep)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].permitted = data[0].effective = (uint32_t)keep;
	data[1].permitted = data[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &hdr, data) == -1) {
		log_warn("%s: capset", procname);
		return -1;
	}
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1 ||
	    (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)) {
		log_warn("%s: clearing capabilities", procname);
		return -1;
	}
	return 0;
}
#endif

static int
become_user(const struct privdrop *pd, const char *procname)
{
	if (setgroups(1, &pd->gid) == -1 ||
	    setresgid(pd->gid, pd->gid, pd->gid) == -1 ||
	    setresuid(pd->uid, pd->uid, pd->uid) == -1) {
		log_warn("%s: cannot drop privileges to %s", procname,
		    pd->user);
		return -1;
	}
	/* Paranoia: the drop must be irreversible. */
	if (setuid(0) == 0 || getuid() != pd->uid || geteuid() != pd->uid) {
		log_warnx("%s: privileges could be regained", procname);
		return -1;
	}
	return 0;
}

int
privdrop_apply_keep(const struct privdrop *pd, const char *procname,
    uint64_t keep)
{
	if (geteuid() != 0)
		return 0;
	if (chroot(pd->chroot) == -1) {
		log_warn("%s: chroot %s", procname, pd->chroot);
		return -1;
	}
	if (chdir("/") == -1) {
		log_warn("%s: chdir /", procname);
		return -1;
	}
#ifdef __linux__
	if (caps_bound(procname, keep) == -1 ||
	    (keep != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1))
		return -1;
	if (become_user(pd, procname) == -1 || caps_set(procname, keep) == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("%s: PR_SET_NO_NEW_PRIVS", procname);
		return -1;
	}
#else
	if (keep != 0) {
		log_warnx("%s: capabilities are Linux's", procname);
		return -1;
	}
	if (become_user(pd, procname) == -1)
		return -1;
#endif
	log_debug("running as %s in %s", pd->user, pd->chroot);
	return 0;
}

int
privdrop_apply(const struct privdrop *pd, const char *procname)
{
	return privdrop_apply_keep(pd, procname, 0);
}

void
privdrop_pledge(const char *procname, const char *promises)
{
#ifdef __OpenBSD__
	if (pledge(promises, NULL) == -1)
		fatal("%s: pledge", procname);
#else
	(void)procname;
	(void)promises;
#endif
}
