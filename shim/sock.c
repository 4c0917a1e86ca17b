/* sock.c - peer-closed check and detaching a socket. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Bytes waiting on an idle connection: rows the program has not fetched,
 * or the server's last words before it closed (a TLS close_notify, MySQL's
 * error packet for wait_timeout).  Only a peer that shut its side down
 * (POLLRDHUP, seen past unread bytes) makes it a death. */
static bool peer_shut_down(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

bool sock_peer_closed(int fd)
{
	int saved_errno = errno;
	char byte;
	ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	bool closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
				 errno != EINTR && errno != ENOTSOCK) ||
		      (n > 0 && peer_shut_down(fd));

	errno = saved_errno;
	return closed;
}

unsigned sock_pending_error(int fd)
{
	int saved_errno = errno;
	unsigned char b[8];
	ssize_t n = recv(fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	unsigned length;

	errno = saved_errno;
	if (n < (ssize_t)sizeof(b))
		return 0;
	/* 3-byte length, sequence number, 0xff, error number, '#' and the
	 * SQLSTATE: short, whereas a TLS record's first bytes read as a
	 * length of 789 or more */
	length = b[0] | (unsigned)b[1] << 8 | (unsigned)b[2] << 16;
	if (length < 9 || length > 600 || b[4] != 0xff || b[7] != '#')
		return 0;
	return b[5] | (unsigned)b[6] << 8;
}

bool sock_detach(int fd)
{
	int saved_errno = errno;
	int pair[2];
	bool done = false;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0) {
		close(pair[1]); /* reads now see EOF, writes EPIPE */
		done = dup3(pair[0], fd, O_CLOEXEC) >= 0;
		close(pair[0]);
	}
	errno = saved_errno;
	return done;
}

/* Connected within timeout_ms? */
static bool connects(int family, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t err_len = sizeof(err);
	bool ok;

	if (fd < 0)
		return false;
	ok = connect(fd, sa, len) == 0;
	if (!ok && errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1)
		ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) == 0 && err == 0;
	close(fd);
	return ok;
}

bool sock_accepts(const char *host, unsigned port, const char *path, int timeout_ms)
{
	int saved_errno = errno;
	bool ok = false;

	if (port > 0 && host) {
		struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
		struct addrinfo *ai = NULL;
		char service[16];

		snprintf(service, sizeof(service), "%u", port);
		if (getaddrinfo(host, service, &hints, &ai) == 0 && ai)
			ok = connects(ai->ai_family, ai->ai_addr, ai->ai_addrlen, timeout_ms);
		if (ai)
			freeaddrinfo(ai);
	} else if (path && path[0] == '/' && strlen(path) < sizeof(((struct sockaddr_un *)0)->sun_path)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		strcpy(sa.sun_path, path);
		ok = connects(AF_UNIX, (struct sockaddr *)&sa, sizeof(sa), timeout_ms);
	}
	errno = saved_errno;
	return ok;
}
