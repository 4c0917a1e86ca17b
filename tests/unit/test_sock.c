/* test_sock.c - the idle check's looks at a socket (shim/sock.c), on real
 * socket pairs: a peer that closed, behind unread bytes or not; the error
 * packet a server sends before it closes; a socket cut loose. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"

static int pair[2];

static void open_pair(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
}

static void close_pair(void)
{
	close(pair[0]);
	if (pair[1] >= 0)
		close(pair[1]);
}

TestSuite(sock, .init = open_pair, .fini = close_pair);

/* MySQL's 4031, as the server writes it: length 9 + message, sequence,
 * 0xff, the number (little-endian), '#', the SQLSTATE, the message. */
static const unsigned char error_4031[] = {0x0f, 0x00, 0x00, 0x01, 0xff, 0xbf, 0x0f, '#',
					   'H', 'Y', '0', '0', '0', 'i', 'd', 'l', 'e'};

Test(sock, an_open_idle_peer_is_alive)
{
	cr_expect(!sock_peer_closed(pair[0]));
	cr_expect_eq(sock_pending_error(pair[0]), 0);
}

Test(sock, a_closed_peer_is_dead)
{
	close(pair[1]);
	pair[1] = -1;
	cr_expect(sock_peer_closed(pair[0]));
}

Test(sock, unread_rows_from_a_live_peer_are_not_a_death)
{
	cr_assert_eq(write(pair[1], "rows", 4), 4);
	cr_expect(!sock_peer_closed(pair[0]));
}

Test(sock, the_last_word_before_a_close)
{
	int saved;

	cr_assert_eq(write(pair[1], error_4031, sizeof(error_4031)), (ssize_t)sizeof(error_4031));
	close(pair[1]);
	pair[1] = -1;
	errno = 1234;
	cr_expect(sock_peer_closed(pair[0]), "closed behind the unread packet");
	cr_expect_eq(sock_pending_error(pair[0]), 4031);
	saved = errno;
	cr_expect_eq(saved, 1234, "errno left as it was");
}

Test(sock, a_tls_record_is_not_an_error_packet)
{
	/* an alert record: type 0x15, version 3.3, length 0x001a, ... */
	static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0xff, 0x01, 0x02, '#', 0x00};

	cr_assert_eq(write(pair[1], alert, sizeof(alert)), (ssize_t)sizeof(alert));
	cr_expect_eq(sock_pending_error(pair[0]), 0);
}

Test(sock, a_socket_cut_loose_reads_eof_and_fails_writes)
{
	char byte;

	cr_assert(sock_detach(pair[0]));
	cr_expect_eq(read(pair[0], &byte, 1), 0, "EOF");
	cr_expect_eq(send(pair[0], "x", 1, MSG_NOSIGNAL), -1);
	cr_expect_eq(errno, EPIPE);
}
