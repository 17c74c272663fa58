/*
 * What the check engine asks of a backend and what it gets back.  A
 * backend (backends/net for real sockets, backends/sim for virtual
 * hosts) runs each started check within its timeout and reports exactly
 * one result, later, never from inside check_start.
 */
#ifndef HS_CHECK_H
#define HS_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"

/*
 * The reason of a check's outcome; texts are relayd's where it has one.
 * The values are the wire's: new ones go at the end.
 */
enum check_error {
	HCE_NONE = 0,
	HCE_ABORTED,			/* "aborted": reload or disable */
	HCE_INTERVAL_TIMEOUT,		/* still running when due again */
	HCE_ICMP_OK,
	HCE_ICMP_READ_TIMEOUT,
	HCE_ICMP_WRITE_TIMEOUT,
	HCE_TCP_SOCKET_ERROR,
	HCE_TCP_SOCKET_LIMIT,
	HCE_TCP_SOCKET_OPTION,
	HCE_TCP_CONNECT_ERROR,		/* "tcp connect failed" (unreachable etc.) */
	HCE_TCP_CONNECT_REFUSED,	/* "tcp connect refused" */
	HCE_TCP_CONNECT_TIMEOUT,
	HCE_TCP_CONNECT_OK,
	HCE_TCP_WRITE_TIMEOUT,
	HCE_TCP_WRITE_FAIL,
	HCE_TCP_READ_TIMEOUT,
	HCE_TCP_READ_FAIL,		/* includes a peer closing early */
	HCE_SCRIPT_OK,
	HCE_SCRIPT_FAIL,		/* detail: exit status, or -1 killed/failed */
	HCE_SCRIPT_TIMEOUT,
	HCE_TLS_CONNECT_OK,
	HCE_TLS_CONNECT_FAIL,		/* handshake failure */
	HCE_TLS_CONNECT_TIMEOUT,
	HCE_TLS_CONNECT_ERROR,
	HCE_TLS_READ_TIMEOUT,
	HCE_TLS_WRITE_TIMEOUT,
	HCE_TLS_READ_ERROR,
	HCE_TLS_WRITE_ERROR,
	HCE_SEND_EXPECT_FAIL,		/* "send/expect failed": no match */
	HCE_SEND_EXPECT_OK,
	HCE_HTTP_CODE_ERROR,		/* "http code malformed" */
	HCE_HTTP_CODE_FAIL,		/* "http code mismatch"; detail: code seen */
	HCE_HTTP_CODE_OK,
	HCE_HTTP_DIGEST_ERROR,		/* "http digest malformed" */
	HCE_HTTP_DIGEST_FAIL,		/* "http digest mismatch" */
	HCE_HTTP_DIGEST_OK,
	HCE_ICMP_SOCKET_ERROR,		/* no ICMP socket could be opened */
	HCE_SCRIPT_NOT_FOUND,		/* the script's file does not exist */
	HCE_SCRIPT_NOT_EXECUTABLE,	/* it cannot be executed */
	HCE_ERROR_MAX
};

struct check_request {
	uint32_t		 host_id;
	uint64_t		 seq;		/* echoed in the result */
	const struct host_conf	*host;
	const struct table_conf	*table;		/* check method, port, timeout */
	uint32_t		 timeout_ms;
};

struct check_result {
	uint32_t		 host_id;
	uint64_t		 seq;
	bool			 up;
	enum check_error	 error;
	uint32_t		 rtt_ms;	/* start to result */
	int32_t			 detail;	/* HTTP code or script exit status; -1 none */
};

const char	*check_error_str(enum check_error);

#endif /* HS_CHECK_H */
