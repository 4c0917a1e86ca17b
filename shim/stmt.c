/* stmt.c - prepared statements across reconnects (stmt.h). */
#include "stmt.h"

#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "guard.h"
#include "init.h"
#include "registry.h"
#include "request.h"
#include "session.h"
#include "sock.h"

static struct registry stmts = REGISTRY_INITIALIZER;

/* Lock-free; NULL for a handle the shim did not see created. */
static struct stmt *stmt_find(const MYSQL_STMT *handle)
{
	return registry_find(&stmts, handle);
}

static void forget_preparation(struct stmt *s)
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
		forget_preparation(s);
	free(s);
}

/* Followed, with its connection still open (a closed one may be freed):
 * else NULL, and the call is the library's alone. */
static struct stmt *followed(MYSQL_STMT *handle)
{
	struct stmt *s;

	if (!handle || guard_active() || shim_config()->mode == SHIM_MODE_OFF)
		return NULL;
	s = stmt_find(handle);
	if (s)
		s->conn = conn_find(s->mysql);
	return s && s->conn ? s : NULL;
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
	s->text = copy;
	s->len = len;
	return true;
}

int shim_stmt_prepare(MYSQL_STMT *handle, const char *text, unsigned long len)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed(handle);
	struct request r = {.kind = REQ_STMT_PREPARE, .stmt_handle = handle, .stmt = s,
			    .text = text, .len = len};
	int rc;

	if (!s || !text)
		return real->mysql_stmt_prepare ? real->mysql_stmt_prepare(handle, text, len) : 1;
	if (len == (unsigned long)-1) /* Connector/C: the length of a C string */
		r.len = len = (unsigned long)strlen(text);
	forget_preparation(s); /* a prepare drops the binds in the library too */
	rc = shim_call(s->mysql, &r);
	if (rc == 0 && keep_text(s, text, len)) {
		s->prepared_in = s->conn->session;
		s->prepared_thread = thread_of(real, s->mysql);
	}
	return rc;
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

static void keep_binds(const struct real_api *real, struct stmt *s, const MYSQL_BIND *binds,
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

my_bool shim_stmt_bind(MYSQL_STMT *handle, MYSQL_BIND *binds, bool params)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed(handle);
	my_bool (*bind)(MYSQL_STMT *, MYSQL_BIND *) =
		params ? real->mysql_stmt_bind_param : real->mysql_stmt_bind_result;
	my_bool failed;

	if (!bind)
		return 1;
	if (!s)
		return bind(handle, binds);
	guard_enter();
	call_suspend_library_reconnect(real, s->conn, s->mysql);
	stmt_ready(real, s); /* binding needs a prepared statement */
	call_resume_library_reconnect(real, s->conn, s->mysql);
	failed = bind(handle, binds);
	guard_leave();
	if (!failed)
		keep_binds(real, s, binds, params);
	return failed;
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
	struct stmt *s = followed(handle);
	struct request r = {.kind = (enum request_kind)kind, .stmt_handle = handle, .stmt = s};
	int rc;

	if (!s)
		return request_run(real_api(), NULL, &r);
	r.text = s->text;
	r.len = s->len;
	rc = shim_call(s->mysql, &r);
	if (kind == REQ_STMT_EXECUTE) {
		/* sent with this execution, or gone */
		s->executed_with_long_data = s->long_data;
		s->long_data = false;
	}
	return rc;
}

/* MariaDB's prepare-and-execute in one call prepares through the library's
 * own channel: the shim forgets the statement (it is not prepared again)
 * and stays out of the calls the library makes inside.  What it left in the
 * session (a GET_LOCK, a temporary table) is noted as for any statement. */
int shim_stmt_execute_direct(MYSQL_STMT *handle, const char *text, size_t len)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed(handle);
	int rc;

	if (!real->mariadb_stmt_execute_direct)
		return 1;
	if (s)
		forget_preparation(s);
	guard_enter();
	rc = real->mariadb_stmt_execute_direct(handle, text, len);
	guard_leave();
	if (rc == 0 && s && s->conn && text && !guard_active()) {
		const struct shim_config *cfg = shim_config();
		/* (size_t)-1: NUL-terminated, as the library reads it */
		struct request r = {.kind = REQ_STMT_EXECUTE, .text = text,
				    .len = len == (size_t)-1 ? strlen(text) : len,
				    .stmt_handle = handle};

		session_after_success(cfg, real, s->conn, s->mysql, &r);
	}
	return rc;
}

/* What the library itself says of a statement whose session is gone and
 * that was not prepared again: 2014, set without I/O. */
static int out_of_sync(const struct real_api *real, struct stmt *s)
{
	forget_preparation(s); /* the program must prepare it again */
	if (real->mysql_stmt_fetch)
		real->mysql_stmt_fetch(s->handle);
	return 1;
}

static bool session_gone(const struct real_api *real, const struct stmt *s)
{
	return s->conn->session != s->prepared_in ||
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
	s->prepared_in = s->conn->session;
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
	int fd = real->mysql_get_socket ? (int)real->mysql_get_socket(s->mysql) : -1;

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
