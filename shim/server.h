/* server.h - what the process knows of each server it talks to: whether it
 * is refusing connections, and which handle is finding out when it is back.
 *
 * When many handles lose one server (a restart seen by 64 threads), one of
 * them probes it; the others wait, each within its own budget, and
 * reconnect with a little jitter once it is back.  The server sees probes
 * from one handle and one handshake per handle after it returns, and the
 * log carries one line per change of the server's state instead of one per
 * attempt per handle.  Only touched during incidents. */
#ifndef MYSQL_RECONNECT_SERVER_H
#define MYSQL_RECONNECT_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "conn.h"

struct server;

/* The server a connection talks to (same host, port and socket); NULL
 * when out of memory (then every handle fends for itself). */
struct server *server_of(const struct conn *c);

enum server_wait {
	SERVER_GO,        /* nobody else probes it: attempt now */
	SERVER_BACK,      /* waited, and it is back: attempt now */
	SERVER_TAKE_OVER, /* waited, and its prober is overdue: this handle probes now */
	SERVER_EXPIRED,   /* waited until `until_ms`, and it is still away */
};

/* Before a reconnect attempt: while another handle probes a server that
 * refuses connections, wait until it is back, its prober is overdue, or
 * `until_ms` (clock_ms) comes. */
enum server_wait server_await(struct server *s, uint64_t until_ms);

/* An attempt was refused (the server is down): true when that is news.
 * This handle probes it, and promises its next attempt by `due_ms`. */
bool server_refused(struct server *s, uint64_t due_ms);

/* An attempt succeeded: true when the server was known down (it is back;
 * the waiting handles are woken), with how long it was away. */
bool server_back(struct server *s, uint64_t *outage_ms);

/* This handle stops probing (its budget is spent): another takes over. */
void server_release(struct server *s);

void server_atfork_prepare(void);
void server_atfork_parent(void);
void server_atfork_child(void);

#endif
