/* stmt_hooks.c - the prepared-statement hooks: each keeps the statement's
 * record (stmt.h) and runs its call through the one success path (call.h). */
#include "stmt.h"

#include <string.h>

#include "call.h"
#include "guard.h"
#include "init.h"
#include "request.h"
#include "session.h"

/* Followed, with its connection still open (a closed one may be freed):
 * else NULL, and the call is the library's alone. */
static struct stmt *followed_stmt(MYSQL_STMT *handle)
{
	if (!handle || guard_active() || shim_config()->mode == SHIM_MODE_OFF)
		return NULL;
	return stmt_lookup(handle);
}

MYSQL_STMT *shim_stmt_init(MYSQL *m)
{
	const struct real_api *real = real_api();
	MYSQL_STMT *handle;

	if (!real->mysql_stmt_init)
		return NULL;
	handle = real->mysql_stmt_init(m);
	if (!handle || guard_active() || shim_config()->mode == SHIM_MODE_OFF)
		return handle;
	stmt_track(handle, m);
	return handle;
}

my_bool shim_stmt_close(MYSQL_STMT *handle)
{
	const struct real_api *real = real_api();

	if (handle && !guard_active())
		stmt_untrack(handle);
	return real->mysql_stmt_close ? real->mysql_stmt_close(handle) : 1;
}

int shim_stmt_prepare(MYSQL_STMT *handle, const char *text, unsigned long len)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed_stmt(handle);
	struct request r = {.kind = REQ_STMT_PREPARE, .stmt_handle = handle, .stmt = s,
			    .text = text, .len = len};
	int rc;

	if (!s || !text)
		return real->mysql_stmt_prepare ? real->mysql_stmt_prepare(handle, text, len) : 1;
	if (len == (unsigned long)-1) /* Connector/C: the length of a C string */
		r.len = len = (unsigned long)strlen(text);
	stmt_forget_preparation(s); /* a prepare drops the binds in the library too */
	rc = shim_call(s->mysql, &r);
	if (rc == 0)
		stmt_keep_text(real, s, text, len);
	return rc;
}

my_bool shim_stmt_bind(MYSQL_STMT *handle, MYSQL_BIND *binds, bool params)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed_stmt(handle);
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
		stmt_keep_binds(real, s, binds, params);
	return failed;
}

my_bool shim_stmt_send_long_data(MYSQL_STMT *handle, unsigned int param, const char *data,
				 unsigned long len)
{
	const struct real_api *real = real_api();
	struct stmt *s = followed_stmt(handle);

	if (!real->mysql_stmt_send_long_data)
		return 1;
	if (s)
		s->long_data = true;
	return real->mysql_stmt_send_long_data(handle, param, data, len);
}

int shim_stmt_call(MYSQL_STMT *handle, int kind)
{
	struct stmt *s = followed_stmt(handle);
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
	struct stmt *s = followed_stmt(handle);
	int rc;

	if (!real->mariadb_stmt_execute_direct)
		return 1;
	if (s)
		stmt_forget_preparation(s);
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

