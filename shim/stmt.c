/* stmt.c - the record of each prepared statement the program made, and
 * preparing it again after a reconnect (stmt.h).  The hooks that keep it
 * are stmt_hooks.c. */
#include "stmt.h"

#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "registry.h"
#include "request.h"
#include "sock.h"

static struct registry stmts = REGISTRY_INITIALIZER;

/* Lock-free; NULL for a handle the shim did not see created. */
static struct stmt *stmt_find(const MYSQL_STMT *handle)
{
	return registry_find(&stmts, handle);
}

void stmt_forget_preparation(struct stmt *s)
{
	free(s->text);
	free(s->params);
	free(s->results);
	s->text = NULL;
	s->params = s->results = NULL;
	s->nparams = s->nresults = 0;
	s->long_data = s->executed_with_long_data = false;
}

static void stmt_free(struct stmt *s)
{
	if (s)
		stmt_forget_preparation(s);
	free(s);
}

struct stmt *stmt_lookup(const MYSQL_STMT *handle)
{
	struct stmt *s = stmt_find(handle);

	if (s) {
		s->conn = conn_find(s->mysql);
		if (s->conn && s->conn->passed_through)
			s->conn = NULL; /* the library's alone */
	}
	return s && s->conn ? s : NULL;
}

static unsigned long thread_of(const struct real_api *real, MYSQL *m)
{
	return real->mysql_thread_id ? real->mysql_thread_id(m) : 0;
}

void stmt_track(MYSQL_STMT *handle, MYSQL *m)
{
	struct stmt *s = calloc(1, sizeof(*s)), *old;

	if (!s)
		return; /* passed through untracked */
	s->handle = handle;
	s->mysql = m;
	registry_lock(&stmts);
	old = registry_remove_locked(&stmts, handle); /* an address used again */
	if (!registry_add_locked(&stmts, handle, s)) {
		stmt_free(s);
		s = NULL;
	}
	registry_unlock(&stmts);
	stmt_free(old);
}

void stmt_untrack(const MYSQL_STMT *handle)
{
	struct stmt *s;

	registry_lock(&stmts);
	s = registry_remove_locked(&stmts, handle);
	registry_unlock(&stmts);
	stmt_free(s);
}

bool stmt_keep_text(const struct real_api *real, struct stmt *s, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return false;
	memcpy(copy, text, len);
	s->text = copy;
	s->len = len;
	s->prepared_in = s->conn->session_number;
	s->prepared_thread = thread_of(real, s->mysql);
	return true;
}

/* Binds are copied as the library copies them: the same buffers. */
static MYSQL_BIND *copy_binds(const MYSQL_BIND *binds, unsigned long count)
{
	MYSQL_BIND *copy;

	if (!binds || !count || !(copy = calloc(count, sizeof(*copy))))
		return NULL;
	memcpy(copy, binds, count * sizeof(*copy));
	return copy;
}

void stmt_keep_binds(const struct real_api *real, struct stmt *s, const MYSQL_BIND *binds,
		     bool params)
{
	unsigned long count;

	if (params) {
		count = real->mysql_stmt_param_count ? real->mysql_stmt_param_count(s->handle) : 0;
		free(s->params);
		s->params = copy_binds(binds, count);
		s->nparams = s->params ? count : 0;
	} else {
		count = real->mysql_stmt_field_count ? real->mysql_stmt_field_count(s->handle) : 0;
		free(s->results);
		s->results = copy_binds(binds, count);
		s->nresults = s->results ? count : 0;
	}
}

/* What the library itself says of a statement whose session is gone and
 * that was not prepared again: 2014, set without I/O. */
static int out_of_sync(const struct real_api *real, struct stmt *s)
{
	stmt_forget_preparation(s); /* the program must prepare it again */
	if (real->mysql_stmt_fetch)
		real->mysql_stmt_fetch(s->handle);
	return 1;
}

static bool session_gone(const struct real_api *real, const struct stmt *s)
{
	return s->conn->session_number != s->prepared_in ||
	       thread_of(real, s->mysql) != s->prepared_thread;
}

int stmt_ready(const struct real_api *real, struct stmt *s)
{
	unsigned long params, columns;

	if (!s->text || !s->conn || !session_gone(real, s) || !real->mysql_stmt_prepare)
		return 0;
	if (s->long_data) /* its data died with the session */
		return out_of_sync(real, s);
	if (real->mysql_stmt_prepare(s->handle, s->text, (unsigned long)s->len))
		return 1;
	s->prepared_in = s->conn->session_number;
	s->prepared_thread = thread_of(real, s->mysql);
	params = real->mysql_stmt_param_count ? real->mysql_stmt_param_count(s->handle) : 0;
	columns = real->mysql_stmt_field_count ? real->mysql_stmt_field_count(s->handle) : 0;
	/* The table changed under it: the program's binds no longer fit. */
	if ((s->params && params != s->nparams) || (s->results && columns != s->nresults))
		return out_of_sync(real, s);
	if (s->params && real->mysql_stmt_bind_param(s->handle, s->params))
		return 1;
	if (s->results && real->mysql_stmt_bind_result(s->handle, s->results))
		return 1;
	return 0;
}

bool stmt_fail_lost(const struct real_api *real, struct stmt *s, int kind, const char *text,
		    unsigned long len)
{
	int fd = client_socket(real, s->mysql);

	if (fd >= 0) {
		if (kind != REQ_STMT_PREPARE)
			stmt_ready(real, s); /* else the library would say "out of sync" */
		sock_detach(fd);
	}
	if (kind == REQ_STMT_PREPARE && real->mysql_stmt_prepare)
		real->mysql_stmt_prepare(s->handle, text, len);
	else if (real->mysql_stmt_execute)
		real->mysql_stmt_execute(s->handle); /* nothing can reach the server */
	return fd >= 0;
}

void stmt_atfork_prepare(void)
{
	registry_atfork_prepare(&stmts);
}

void stmt_atfork_parent(void)
{
	registry_atfork_parent(&stmts);
}

void stmt_atfork_child(void)
{
	registry_atfork_child(&stmts);
}
