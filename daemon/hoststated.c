/*
 * hoststated: the load-balancing and host-monitoring daemon.  main only
 * reads the flags: -n checks the configuration, anything else runs the
 * privilege-separated daemon (parent.c).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "daemon/config_load.h"
#include "daemon/parent.h"

#define DEFINES_MAX	64

struct options {
	bool		 debug;		/* -d: foreground, log to stderr */
	int		 verbose;	/* -v, repeatable */
	bool		 noaction;	/* -n: check the configuration only */
	const char	*file;		/* -f */
	const char	*socket;	/* -s; NULL: the config's, or the default */
	const char	*defines[DEFINES_MAX];	/* -D name=value */
	size_t		 ndefines;
};

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: hoststated [-dnv] [-D macro=value] "
	    "[-f file] [-s socket]\n");
	exit(1);
}

static void
parse_options(int argc, char *argv[], struct options *o)
{
	int	 ch;

	o->file = HS_CONFIG_DEFAULT;
	while ((ch = getopt(argc, argv, "dD:f:ns:v")) != -1) {
		switch (ch) {
		case 'd':
			o->debug = true;
			break;
		case 'D':
			if (o->ndefines >= DEFINES_MAX) {
				fprintf(stderr, "hoststated: too many -D "
				    "(max %d)\n", DEFINES_MAX);
				exit(1);
			}
			o->defines[o->ndefines++] = optarg;
			break;
		case 'f':
			o->file = optarg;
			break;
		case 'n':
			o->noaction = true;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

int
main(int argc, char *argv[])
{
	struct options		 opts = { 0 };
	struct parent_opts	 popts;

	parse_options(argc, argv, &opts);
	if (opts.noaction)
		return config_check(opts.file, opts.defines, opts.ndefines,
		    opts.verbose > 0, stdout, stderr);
	memset(&popts, 0, sizeof(popts));
	popts.conffile = opts.file;
	popts.defines = opts.defines;
	popts.ndefines = opts.ndefines;
	popts.sockpath = opts.socket;
	popts.foreground = opts.debug;
	popts.verbose = opts.verbose;
	return parent_main(&popts);
}
