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
	uint64_t down_since_ms;
	pthread_cond_t back;              /* broadcast when it is back or the prober leaves */
};

static pthread_mutex_t lock = SHIM_MUTEX_INITIALIZER;
static struct server *servers; /* a handful per process: a list will do */

struct server *server_of(const struct conn *c)
{
	char key[sizeof(((struct server *)0)->key)];
	struct server *s;

	snprintf(key, sizeof(key), "%s\n%u\n%s", c->host, c->port, c->socket_path);
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

bool server_await(struct server *s, uint64_t until_ms)
{
	struct timespec deadline = {.tv_sec = (time_t)(until_ms / 1000),
				    .tv_nsec = (long)(until_ms % 1000) * 1000000L};
	bool waited = false;

	if (!s)
		return false;
	shim_mutex_lock(&lock);
	while (probed_by_another(s) && clock_ms() < until_ms) {
		waited = true;
		if (pthread_cond_timedwait(&s->back, &lock, &deadline) != 0)
			break; /* timed out: the caller's budget decides */
	}
	waited = waited && !s->down;
	shim_mutex_unlock(&lock);
	return waited;
}

bool server_refused(struct server *s)
{
	bool news;

	if (!s)
		return true;
	shim_mutex_lock(&lock);
	news = !s->down;
	if (news)
		s->down_since_ms = clock_ms();
	s->down = true;
	if (!s->probed) {
		s->probed = true;
		s->prober = pthread_self();
	}
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

		s->probed = false;
		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&s->back, &attr);
		pthread_condattr_destroy(&attr);
	}
}
