/*
 * The HTTP checks' view of an answer, byte-exact and independent of how
 * reads split it; each byte is looked at once.
 */
#include <string.h>

#include "backends/net/http_scan.h"

int
http_status_code(const char *line, size_t len)
{
	if (len < 12 || strncmp(line, "HTTP/1.", 7) != 0 ||
	    line[7] < '0' || line[7] > '9' || line[8] != ' ')
		return -1;
	if (line[9] < '1' || line[9] > '9' || line[10] < '0' ||
	    line[10] > '9' || line[11] < '0' || line[11] > '9')
		return -1;
	if (len > 12 && line[12] != ' ' && line[12] != '\r' &&
	    line[12] != '\n')
		return -1;
	return (line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0';
}

long
http_head_end(enum http_head_state *st, const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *nl;

	while (p < end) {
		switch (*st) {
		case HEAD_IN_LINE:
			if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
				return -1;
			p = nl + 1;
			*st = HEAD_LINE_START;
			break;
		case HEAD_LINE_START:
		case HEAD_LINE_CR:
			if (*p == '\n')
				return (long)(p + 1 - data);
			if (*p == '\r' && *st == HEAD_LINE_START)
				*st = HEAD_LINE_CR;
			else
				*st = HEAD_IN_LINE;
			p++;
			break;
		}
	}
	return -1;
}
