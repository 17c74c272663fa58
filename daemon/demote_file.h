/*
 * A demote group's counter in a file, for keepalived's track_file where
 * there is no carp: the number and a newline, written to a temporary
 * file beside it and renamed over it, so a reader sees the old number
 * or the new one, never half of one.
 */
#ifndef HS_DAEMON_DEMOTE_FILE_H
#define HS_DAEMON_DEMOTE_FILE_H

#include <stdint.h>

#include "core/buf.h"

/* 0, or -1 with a line in err. */
int	 demote_file_write(const char *path, int32_t value, struct buf *err);

#endif /* HS_DAEMON_DEMOTE_FILE_H */
