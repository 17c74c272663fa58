/* A demote group's counter in a file; see demote_file.h. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/demote_file.h"

int
demote_file_write(const char *path, int32_t value, struct buf *err)
{
	char	tmp[PATH_MAX], text[16];
	int	fd, n, len;

	n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	len = snprintf(text, sizeof(text), "%d\n", (int)value);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		(void)buf_printf(err, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) == -1) {
		(void)buf_printf(err, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, text, (size_t)len) != len || fsync(fd) == -1) {
		(void)buf_printf(err, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		(void)buf_printf(err, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
