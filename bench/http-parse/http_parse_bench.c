/*
 * The HTTP parser's cost per head: parse a typical 400-byte request head
 * or a 205-byte response head N times on one keep-alive connection, as
 * the relay would.  bench/http-parse/run counts the instructions under
 * callgrind.  With llhttp's sources at hand (node-llhttp), the same heads
 * through llhttp with callbacks that keep the same slices, for scale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/http-parse/llhttp_peer.h"
#include "relay/http_parser.h"

static const char request_head[] =
    "GET /api/v1/items?id=12345&sort=desc HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 "
    "Firefox/115.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;"
    "q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: session=abcdef0123456789ab; theme=dark\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "\r\n";

static const char response_head[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: nginx/1.22.1\r\n"
    "Date: Mon, 01 Dec 2025 21:00:00 GMT\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 0\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: max-age=60\r\n"
    "ETag: \"5f1b-3c\"\r\n"
    "\r\n";

static int
ours(int request, const char *head, size_t len, long n)
{
	static struct http_field	f[HTTP_FIELDS_MAX];
	struct http_parser		p;
	size_t				used;
	long				i;

	http_parser_init(&p, request ? HTTP_REQUEST : HTTP_RESPONSE, NULL, f);
	for (i = 0; i < n; i++)
		if (http_parse(&p, head, len, &used) != HTTP_HEAD ||
		    used != len || !http_done(&p))
			return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	const char	*parser = "ours", *kind = "request", *head;
	long		 n = 100000;
	int		 c, request, rc;
	size_t		 len;

	while ((c = getopt(argc, argv, "k:n:p:")) != -1) {
		switch (c) {
		case 'k':
			kind = optarg;
			break;
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'p':
			parser = optarg;
			break;
		default:
			fprintf(stderr, "usage: http_parse_bench [-k request|"
			    "response] [-n N] [-p ours|llhttp]\n");
			return 2;
		}
	}
	request = strcmp(kind, "response") != 0;
	head = request ? request_head : response_head;
	len = strlen(head);
	if (strcmp(parser, "ours") == 0)
		rc = ours(request, head, len, n);
#ifdef HAVE_LLHTTP
	else if (strcmp(parser, "llhttp") == 0)
		rc = llhttp_peer(request, head, len, n);
#endif
	else {
		fprintf(stderr, "http_parse_bench: no parser %s\n", parser);
		return 2;
	}
	printf("parser=%s kind=%s head_bytes=%zu heads=%ld ok=%s\n", parser,
	    kind, len, n, rc == 0 ? "yes" : "no");
	return rc == 0 ? 0 : 1;
}
