/* sock.h - the client library's socket, seen from below: is its peer
 * gone, and cutting it loose.  Only ever called off the success path or
 * on a connection idle for MYSQL_RECONNECT_CHECK_IDLE_MS. */
#ifndef MYSQL_RECONNECT_SOCK_H
#define MYSQL_RECONNECT_SOCK_H

#include <stdbool.h>

/* One non-blocking peek: true when the peer closed (EOF) or reset the
 * connection.  Unread bytes are not taken as a death: they may be rows
 * the program has not fetched yet.  errno is left as it was. */
bool sock_peer_closed(int fd);

/* Does a server accept connections at host:port (port > 0) or at the Unix
 * socket path?  One non-blocking connect, waited for at most timeout_ms;
 * no handshake.  False when it cannot tell (host not resolvable). */
bool sock_accepts(const char *host, unsigned port, const char *path, int timeout_ms);

/* Points fd at a fresh unconnected socket: the connection behind it is
 * closed (or, in a forked child, left to the parent), and the client
 * library's next write on fd fails at once, so it reports 2006 itself.
 * False when that could not be done (fd untouched). */
bool sock_detach(int fd);

#endif
