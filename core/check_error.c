/* The texts of check outcomes, as relayd prints them. */
#include <stddef.h>

#include "core/check.h"

static const char *const check_error_texts[HCE_ERROR_MAX] = {
	[HCE_NONE] = "none",
	[HCE_ABORTED] = "aborted",
	[HCE_INTERVAL_TIMEOUT] = "interval timeout",
	[HCE_ICMP_OK] = "icmp ok",
	[HCE_ICMP_READ_TIMEOUT] = "icmp read timeout",
	[HCE_ICMP_WRITE_TIMEOUT] = "icmp write timeout",
	[HCE_TCP_SOCKET_ERROR] = "tcp socket error",
	[HCE_TCP_SOCKET_LIMIT] = "tcp socket limit",
	[HCE_TCP_SOCKET_OPTION] = "tcp socket option",
	[HCE_TCP_CONNECT_ERROR] = "tcp connect failed",
	[HCE_TCP_CONNECT_REFUSED] = "tcp connect refused",
	[HCE_TCP_CONNECT_TIMEOUT] = "tcp connect timeout",
	[HCE_TCP_CONNECT_OK] = "tcp connect ok",
	[HCE_TCP_WRITE_TIMEOUT] = "tcp write timeout",
	[HCE_TCP_WRITE_FAIL] = "tcp write failed",
	[HCE_TCP_READ_TIMEOUT] = "tcp read timeout",
	[HCE_TCP_READ_FAIL] = "tcp read failed",
	[HCE_SCRIPT_OK] = "script ok",
	[HCE_SCRIPT_FAIL] = "script failed",
	[HCE_SCRIPT_TIMEOUT] = "script timeout",
	[HCE_TLS_CONNECT_OK] = "tls connect ok",
	[HCE_TLS_CONNECT_FAIL] = "tls connect failed",
	[HCE_TLS_CONNECT_TIMEOUT] = "tls connect timeout",
	[HCE_TLS_CONNECT_ERROR] = "tls connect error",
	[HCE_TLS_READ_TIMEOUT] = "tls read timeout",
	[HCE_TLS_WRITE_TIMEOUT] = "tls write timeout",
	[HCE_TLS_READ_ERROR] = "tls read error",
	[HCE_TLS_WRITE_ERROR] = "tls write error",
	[HCE_SEND_EXPECT_FAIL] = "send/expect failed",
	[HCE_SEND_EXPECT_OK] = "send/expect ok",
	[HCE_HTTP_CODE_ERROR] = "http code malformed",
	[HCE_HTTP_CODE_FAIL] = "http code mismatch",
	[HCE_HTTP_CODE_OK] = "http code ok",
	[HCE_HTTP_DIGEST_ERROR] = "http digest malformed",
	[HCE_HTTP_DIGEST_FAIL] = "http digest mismatch",
	[HCE_HTTP_DIGEST_OK] = "http digest ok",
	[HCE_ICMP_SOCKET_ERROR] = "icmp socket failed",
	[HCE_SCRIPT_NOT_FOUND] = "script not found",
	[HCE_SCRIPT_NOT_EXECUTABLE] = "script not executable",
};

const char *
check_error_str(enum check_error e)
{
	if ((unsigned)e >= HCE_ERROR_MAX || check_error_texts[e] == NULL)
		return "unknown";
	return check_error_texts[e];
}
