/* sock.h - the client library's socket, seen from below: is its peer
 * gone, and cutting it loose.  Only ever called off the success path or
 * on a connection idle for MYSQL_RECONNECT_CHECK_IDLE_MS. */
#ifndef MYSQL_RECONNECT_SOCK_H
#define MYSQL_RECONNECT_SOCK_H

#include <stdbool.h>

/* One non-blocking peek: true when the peer closed (EOF) or reset the
 * connection.  Unread bytes alone are not taken as a death (they may be
 * rows the program has not fetched yet): only with the peer's side shut
 * down behind them (a second look, only then).  errno is left as it was. */
bool sock_peer_closed(int fd);

/* The error a server sent just before it closed the connection (MariaDB's
 * 1053 at shutdown, 1927 for a KILL, MySQL's 4031 after wait_timeout),
 * when the bytes waiting on fd are one plain error packet; else 0 (none,
 * or TLS, which the shim cannot read).  One peek; errno is left as it
 * was. */
unsigned sock_pending_error(int fd);

/* Does a server accept connections at host:port (port > 0) or at the Unix
 * socket path?  One non-blocking connect, waited for at most timeout_ms;
 * no handshake.  False when it cannot tell (host not resolvable). */
bool sock_accepts(const char *host, unsigned port, const char *path, int timeout_ms);

/* Points fd at one end of a socket pair whose other end is closed: the
 * connection behind it is closed (or, in a forked child, left to the
 * parent), the client library's next write on fd fails at once with EPIPE
 * (2006), and a read sees EOF.  Not an unconnected socket: there a write
 * fails with ENOTCONN, which OpenSSL takes for "try again" while poll()
 * reports the socket ready at once, so a TLS connection's write loops for
 * ever.  EPIPE raises no SIGPIPE: both client libraries ignore it.  False
 * when that could not be done (fd untouched). */
bool sock_detach(int fd);

#endif
