#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <cmocka.h>

#include "tests/core/pfe_fixture.h"

struct fixture *
fixture_new_refusing(struct config *cfg, int refuse)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	struct pfe_io	 io;

	assert_non_null(f);
	tio_init(&f->io);
	tio_pfe_io(&f->io, &io);
	f->io.l3_refuse = refuse;
	buf_init(&f->err, 1024);
	f->cfg = cfg;
	f->pfe = pfe_new(cfg, &io, 0);
	assert_non_null(f->pfe);
	pfe_start(f->pfe, 0);
	return f;
}

struct fixture *
fixture_new(struct config *cfg)
{
	return fixture_new_refusing(cfg, 0);
}

void
fixture_free(struct fixture *f)
{
	pfe_free(f->pfe);
	config_free(f->cfg);
	tio_free(&f->io);
	buf_free(&f->err);
	free(f);
}

int
ctl(struct fixture *f, const char *line)
{
	char			 copy[256], *argv[8], *w, *save = NULL;
	int			 argc = 0;
	struct ctl_request	 req;

	(void)snprintf(copy, sizeof(copy), "%s", line);
	for (w = strtok_r(copy, " ", &save); w != NULL && argc < 8;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	buf_reset(&f->err);
	assert_int_equal(ctl_parse(argc, argv, &req, &f->err), 0);
	return pfe_command(f->pfe, &req, 1, &f->err, 0);
}

void
assert_show(struct fixture *f, enum ctl_action action, const char *want)
{
	char	*got = tio_show(f->pfe, action);

	if (strcmp(got, want) != 0)
		printf("--- want\n%s--- got\n%s", want, got);
	assert_string_equal(got, want);
	free(got);
}
