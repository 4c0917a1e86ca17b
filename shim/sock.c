/* sock.c - peer-closed check and detaching a socket. */
#include "sock.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

bool sock_peer_closed(int fd)
{
	int saved_errno = errno;
	char byte;
	ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	bool closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
				 errno != EINTR && errno != ENOTSOCK);

	errno = saved_errno;
	return closed;
}

bool sock_detach(int fd)
{
	int saved_errno = errno;
	int spare = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool done = spare >= 0 && dup3(spare, fd, O_CLOEXEC) >= 0;

	if (spare >= 0)
		close(spare);
	errno = saved_errno;
	return done;
}
