#include <stddef.h>
#include <string.h>

#include "core/ports.h"

static const struct {
	const char	*name;
	uint16_t	 port;
} ports[] = {
	{ "domain",	53 },
	{ "ftp",	21 },
	{ "http",	80 },
	{ "https",	443 },
	{ "imap",	143 },
	{ "imaps",	993 },
	{ "ldap",	389 },
	{ "ldaps",	636 },
	{ "mysql",	3306 },
	{ "ntp",	123 },
	{ "pop3",	110 },
	{ "pop3s",	995 },
	{ "postgresql",	5432 },
	{ "smtp",	25 },
	{ "ssh",	22 },
	{ "submission",	587 },
	{ "telnet",	23 },
	{ "www",	80 },
};

int
port_by_name(const char *name, uint16_t *port)
{
	size_t	 i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (strcmp(ports[i].name, name) == 0) {
			*port = ports[i].port;
			return 0;
		}
	return -1;
}

const char *
port_name(uint16_t port)
{
	size_t	 i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i].port == port)
			return ports[i].name;
	return NULL;
}
