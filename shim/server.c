/* server.c - shared knowledge of each server (server.h). */
#include "server.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "mutex.h"

struct server {
	struct server *next;
	char key[3 * CONN_NAME_MAX + 16]; /* host, port, socket */
	bool down;                        /* refusing connections */
	bool probed;                      /* a handle is finding out when it is back */
	pthread_t prober;
	uint64_t probe_due_ms;            /* the prober's next attempt, at the latest */
	uint64_t down_since_ms;
	uint64_t last_refused_ms;
	pthread_cond_t back;              /* broadcast when it is back or the prober leaves */
};

static pthread_mutex_t lock = SHIM_MUTEX_INITIALIZER;
static struct server *servers; /* a handful per process: a list will do */

struct server *server_of(const struct conn *c)
{
	char key[sizeof(((struct server *)0)->key)];
	struct server *s;

	snprintf(key, sizeof(key), "%s\n%u\n%s", c->id.host, c->id.port, c->id.socket_path);
	shim_mutex_lock(&lock);
	for (s = servers; s && strcmp(s->key, key) != 0; s = s->next)
		;
	if (!s && (s = calloc(1, sizeof(*s)))) {
		pthread_condattr_t attr;

		memcpy(s->key, key, sizeof(key));
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&s->back, &attr);
		pthread_condattr_destroy(&attr);
		s->next = servers;
		servers = s;
	}
	shim_mutex_unlock(&lock);
	return s;
}

static bool probed_by_another(const struct server *s)
{
	return s->down && s->probed && !pthread_equal(s->prober, pthread_self());
}

static struct timespec at(uint64_t ms)
{
	return (struct timespec){.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
}

static void become_prober(struct server *s, uint64_t due_ms)
{
	s->probed = true;
	s->prober = pthread_self();
	s->probe_due_ms = due_ms;
}

enum server_wait server_await(struct server *s, uint64_t until_ms)
{
	enum server_wait result = SERVER_GO;

	if (!s)
		return SERVER_GO;
	shim_mutex_lock(&lock);
	while (probed_by_another(s)) {
		uint64_t now = clock_ms();
		struct timespec deadline = at(s->probe_due_ms < until_ms ? s->probe_due_ms : until_ms);

		if (now >= until_ms) {
			result = SERVER_EXPIRED;
			break;
		}
		if (now >= s->probe_due_ms) { /* stuck, or gone: this one takes over */
			become_prober(s, until_ms);
			result = SERVER_TAKE_OVER;
			break;
		}
		pthread_cond_timedwait(&s->back, &lock, &deadline);
		result = SERVER_BACK; /* unless the loop finds otherwise */
	}
	if (result == SERVER_BACK && s->down)
		result = SERVER_GO; /* the prober left: try for itself */
	shim_mutex_unlock(&lock);
	return result;
}

/* A refusal long after the last one is a new outage (the handles that saw
 * the old one may all have given up). */
#define OUTAGE_GAP_MS 10000

bool server_refused(struct server *s, uint64_t due_ms)
{
	uint64_t now = clock_ms();
	bool news;

	if (!s)
		return true;
	shim_mutex_lock(&lock);
	news = !s->down || now - s->last_refused_ms > OUTAGE_GAP_MS;
	if (news)
		s->down_since_ms = now;
	s->down = true;
	s->last_refused_ms = now;
	if (!s->probed || pthread_equal(s->prober, pthread_self()))
		become_prober(s, due_ms);
	shim_mutex_unlock(&lock);
	return news;
}

bool server_back(struct server *s, uint64_t *outage_ms)
{
	bool was_down;

	if (!s)
		return false;
	shim_mutex_lock(&lock);
	was_down = s->down;
	*outage_ms = was_down ? clock_ms() - s->down_since_ms : 0;
	s->down = s->probed = false;
	pthread_cond_broadcast(&s->back);
	shim_mutex_unlock(&lock);
	return was_down;
}

void server_release(struct server *s)
{
	if (!s)
		return;
	shim_mutex_lock(&lock);
	if (s->probed && pthread_equal(s->prober, pthread_self())) {
		s->probed = false;
		pthread_cond_broadcast(&s->back); /* a waiting handle takes over */
	}
	shim_mutex_unlock(&lock);
}

void server_atfork_prepare(void)
{
	shim_mutex_lock(&lock);
}

void server_atfork_parent(void)
{
	shim_mutex_unlock(&lock);
}

/* The child has one thread: nobody probes for it, and the conditions are
 * made anew (a waiter's state does not survive fork). */
void server_atfork_child(void)
{
	shim_mutex_reinit(&lock);
	for (struct server *s = servers; s; s = s->next) {
		pthread_condattr_t attr;

		s->probed = s->down = false;
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&s->back, &attr);
		pthread_condattr_destroy(&attr);
	}
}
