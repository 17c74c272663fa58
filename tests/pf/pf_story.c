/*
 * The layer-3 story (tests/layer3/story.h) against pf, as the ioctls
 * each operation would make: pf_story CONF.
 */
#include <stdio.h>
#include <string.h>

#include "backends/pf/pf_plan.h"
#include "tests/layer3/story.h"

static struct pf_plan	plan;
static struct buf	text;

static int
print(int built)
{
	if (built == 0) {
		pf_plan_print(&plan, &text);
		fputs(buf_str(&text), stdout);
	}
	buf_reset(&text);
	return built;
}

static int
flush(void *arg, struct buf *err)
{
	pf_plan_flush(&plan);
	return print(0);
}

static int
rules_add(void *arg, const struct service_conf *s,
    const struct table_conf *t, struct buf *err)
{
	return print(pf_plan_rules_add(s, t, &plan, err));
}

static int
rules_remove(void *arg, const struct service_conf *s, struct buf *err)
{
	return print(pf_plan_rules_remove(s, &plan, err));
}

static int
table_replace(void *arg, const struct service_conf *s,
    const struct l3_table *lt, struct buf *err)
{
	return print(pf_plan_table_replace(s, lt, &plan, err));
}

static void
log_line(void *arg, int level, const char *line)
{
	if (strstr(line, "not installed") != NULL)
		printf("refused: %s\n", line);
}

int
main(int argc, char *argv[])
{
	struct pfe_io	io;
	int		rv;

	if (argc != 2) {
		fprintf(stderr, "usage: pf_story CONF\n");
		return 2;
	}
	memset(&io, 0, sizeof(io));
	io.log = log_line;
	io.l3_init = flush;
	io.l3_flush = flush;
	io.rules_add = rules_add;
	io.rules_remove = rules_remove;
	io.table_replace = table_replace;
	buf_init(&text, 1 << 20);
	rv = story_run(argv[1], &io, stdout, NULL, NULL);
	buf_free(&text);
	return rv == 0 ? 0 : 1;
}
