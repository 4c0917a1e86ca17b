/* stmt.c - prepared statements across reconnects (stmt.h). */
#include "stmt.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "conn.h"
#include "guard.h"
#include "init.h"
#include "registry.h"
#include "request.h"
#include "sock.h"

static struct registry stmts = REGISTRY_INITIALIZER;

struct stmt *stmt_find(const MYSQL_STMT *handle)
{
	return registry_find(&stmts, handle);
}

static void stmt_free(struct stmt *s)
{
	if (!s)
		return;
	free(s->text);
	free(s->params);
	free(s->results);
	free(s);
}

/* Not followed (mode off, or inside the shim's own calls): NULL. */
static struct stmt *followed(MYSQL_STMT *handle)
{
	if (!handle || guard_active() || shim_config()->mode == SHIM_MODE_OFF)
		return NULL;
	return stmt_find(handle);
}

/* Its connection closed (and perhaps freed): the library's own error. */
static struct stmt *with_connection(struct stmt *s)
{
	return s && conn_find(s->mysql) ? s : NULL;
}

static unsigned long thread_of(const struct real_api *real, MYSQL *m)
{
	return real->mysql_thread_id ? real->mysql_thread_id(m) : 0;
}

MYSQL_STMT *shim_stmt_init(MYSQL *m)
{
	const struct real_api *real = real_api();
	MYSQL_STMT *handle;
	struct stmt *s, *old;

	if (!real->mysql_stmt_init)
		return NULL;
	handle = real->mysql_stmt_init(m);
	if (!handle || guard_active() || shim_config()->mode == SHIM_MODE_OFF)
		return handle;
	s = calloc(1, sizeof(*s));
	if (!s)
		return handle; /* passed through untracked */
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
	return handle;
}

my_bool shim_stmt_close(MYSQL_STMT *handle)
{
	const struct real_api *real = real_api();
	struct stmt *s = NULL;

	if (handle && !guard_active()) {
		registry_lock(&stmts);
		s = registry_remove_locked(&stmts, handle);
		registry_unlock(&stmts);
	}
	stmt_free(s);
	return real->mysql_stmt_close ? real->mysql_stmt_close(handle) : 1;
}

static bool keep_text(struct stmt *s, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);

	if (!copy)
		return false;
	memcpy(copy, text, len);
	free(s->text);
	s->text = copy;
	s->len = len;
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

static void forget_binds(struct stmt *s)
{
	free(s->params);
	free(s->results);
	s->params = s->results = NULL;
}

int shim_stmt_prepare(MYSQL_STMT *handle, const char *text, unsigned long len)
{
	const struct real_api *real = real_api();
	struct stmt *s = with_connection(followed(handle));
	struct request r = {.kind = REQ_STMT_PREPARE, .stmt_handle = handle, .text = text,
			    .len = len};
	int rc;

	if (!s || !text)
		return real->mysql_stmt_prepare ? real->mysql_stmt_prepare(handle, text, len) : 1;
	if (len == (unsigned long)-1) /* Connector/C: the length of a C string */
		r.len = len = (unsigned long)strlen(text);
	rc = shim_call(s->mysql, &r);
	forget_binds(s); /* a prepare drops them in the library too */
	s->long_data = false;
	if (rc == 0 && keep_text(s, text, len))
		s->prepared_in = thread_of(real, s->mysql);
	else if (rc == 0) {
		free(s->text); /* out of memory: not prepared again */
		s->text = NULL;
	}
	return rc;
}

my_bool shim_stmt_bind(MYSQL_STMT *handle, MYSQL_BIND *binds, bool params)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed(handle);
	my_bool (*bind)(MYSQL_STMT *, MYSQL_BIND *) =
		params ? real->mysql_stmt_bind_param : real->mysql_stmt_bind_result;
	unsigned long count;
	my_bool failed;

	if (!bind)
		return 1;
	if (!s)
		return bind(handle, binds);
	guard_enter();
	stmt_ready(real, s); /* binding needs a prepared statement */
	failed = bind(handle, binds);
	guard_leave();
	if (failed)
		return failed;
	count = params ? (real->mysql_stmt_param_count ? real->mysql_stmt_param_count(handle) : 0)
		       : (real->mysql_stmt_field_count ? real->mysql_stmt_field_count(handle) : 0);
	if (params) {
		free(s->params);
		s->params = copy_binds(binds, count);
	} else {
		free(s->results);
		s->results = copy_binds(binds, count);
	}
	return 0;
}

my_bool shim_stmt_send_long_data(MYSQL_STMT *handle, unsigned int param, const char *data,
				 unsigned long len)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed(handle);

	if (!real->mysql_stmt_send_long_data)
		return 1;
	if (s)
		s->long_data = true;
	return real->mysql_stmt_send_long_data(handle, param, data, len);
}

int shim_stmt_call(MYSQL_STMT *handle, int kind)
{
	struct stmt *s = with_connection(followed(handle));
	struct request r = {.kind = (enum request_kind)kind, .stmt_handle = handle, .stmt = s};
	int rc;

	if (!s)
		return request_run(real_api(), NULL, &r);
	r.text = s->text;
	r.len = s->len;
	rc = shim_call(s->mysql, &r);
	if (kind == REQ_STMT_EXECUTE)
		s->long_data = false; /* sent with this execution, or gone */
	return rc;
}

int stmt_ready(const struct real_api *real, struct stmt *s)
{
	unsigned long now = thread_of(real, s->mysql);

	if (!s->text || now == s->prepared_in || !real->mysql_stmt_prepare)
		return 0;
	if (real->mysql_stmt_prepare(s->handle, s->text, (unsigned long)s->len))
		return 1;
	s->prepared_in = now;
	if (s->params && real->mysql_stmt_bind_param(s->handle, s->params))
		return 1;
	if (s->results && real->mysql_stmt_bind_result(s->handle, s->results))
		return 1;
	return 0;
}

void stmt_fail_lost(const struct real_api *real, struct stmt *s)
{
	int fd = real->mysql_get_socket ? (int)real->mysql_get_socket(s->mysql) : -1;

	if (!real->mysql_stmt_execute)
		return;
	if (fd >= 0) {
		stmt_ready(real, s); /* else the library would say "out of sync" */
		sock_detach(fd);
	}
	real->mysql_stmt_execute(s->handle); /* nothing can reach the server */
}
