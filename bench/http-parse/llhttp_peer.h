/* llhttp beside our parser in the benchmark (node-llhttp's sources). */
#ifndef HS_LLHTTP_PEER_H
#define HS_LLHTTP_PEER_H

#include <stddef.h>

/* Parse n copies of head on one connection; 0 if all parsed. */
int	llhttp_peer(int request, const char *head, size_t len, long n);

#endif /* HS_LLHTTP_PEER_H */
