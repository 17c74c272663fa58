/*
 * libFuzzer target for the control language: the input is split into
 * words (at blanks and NULs); ctl_parse must accept them or say why in
 * one line, and an accepted request must cross the wire unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctl.h"
#include "core/msg.h"

#define WORDS_MAX	16
#define INPUT_MAX	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct msg	m, d;
static uint8_t		wire[MSG_MAX_LEN];

static void
check_wire(const struct ctl_request *req)
{
	int	len;

	memset(&m, 0, sizeof(m));
	m.type = MSG_CTL_REQUEST;
	m.u.ctl_request = *req;
	if ((len = msg_encode(&m, wire, sizeof(wire))) <= 0 ||
	    msg_decode(wire, (size_t)len, &d) == -1)
		abort();
	if (d.u.ctl_request.action != req->action ||
	    d.u.ctl_request.by_id != req->by_id ||
	    d.u.ctl_request.id != req->id ||
	    strcmp(d.u.ctl_request.target, req->target) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 text[INPUT_MAX + 1], *argv[WORDS_MAX];
	struct ctl_request	 req;
	struct buf		 err;
	size_t			 i;
	int			 argc = 0, rv;

	if (size > INPUT_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < size; i++)
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\t')
			text[i] = '\0';
	for (i = 0; i < size && argc < WORDS_MAX; i++)
		if (text[i] != '\0' && (i == 0 || text[i - 1] == '\0'))
			argv[argc++] = &text[i];
	buf_init(&err, 4096);
	rv = ctl_parse(argc, argv, &req, &err);
	if (rv == 0) {
		if (err.len != 0 || req.action == CTL_NONE)
			abort();
		(void)ctl_action_modifies(req.action);
		check_wire(&req);
	} else if (err.len == 0 || strchr(buf_str(&err), '\n') != NULL)
		abort();	/* an error must say why, in one line */
	buf_free(&err);
	return 0;
}
