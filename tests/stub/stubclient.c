/* stubclient.c - the scriptable stand-in for libmariadb.so.3 (stub.h).
 *
 * One connection at a time (the tests use one handle).  Only the behaviour
 * the shim relies on is modelled; every exported function keeps the
 * client library's signature, so the shim binds to it as to the real one. */
#include "stub.h"

#include <errmsg.h>
#include <errno.h>
#include <mysql.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define MAX_RECORDS 256

struct record {
	char text[128];
	int session;
};

static struct {
	enum stub_transport transport;
	bool connected;     /* the library's pvio */
	bool killed;        /* the server closed it */
	int fd[2];          /* [0] the library's socket, [1] the server's end */
	ino_t socket_ino;   /* of fd[0] when connected: another is the shim's */
	unsigned status;    /* until a handle is connected: then its server_status */
	bool reconnect;     /* MYSQL_OPT_RECONNECT */
	bool reconnect_in_command; /* ... while the last command ran */
	unsigned err;
	char message[128];
	unsigned long long next_id, insert_id; /* insert_id: the last statement's */
	unsigned field_count; /* the last statement's columns */
	int session;
	int refuse_connects;
	unsigned refuse_err;
	char lose_prefix[64];
	bool lose_executed;
	int lose_times;
	bool rows_due;      /* the last statement returned rows, not stored yet */
	char lose_rows_prefix[64];
	int lose_rows_times;
	struct record records[MAX_RECORDS];
	int nrecords;
	bool instant;       /* stub_instant */
} st;

/* The program's handle: Connector/C keeps the server status and the
 * thread id in it, where the shim reads them. */
static MYSQL *handle;

static unsigned *status_word(void)
{
	return handle ? &handle->server_status : &st.status;
}
#define STATUS (*status_word())

static unsigned long long *insert_id_word(void)
{
	return handle ? &handle->insert_id : &st.insert_id;
}
#define INSERT_ID (*insert_id_word())

static unsigned *field_count_word(void)
{
	return handle ? &handle->field_count : &st.field_count;
}
#define FIELD_COUNT (*field_count_word())

static void set_error(unsigned err, const char *message)
{
	st.err = err;
	snprintf(st.message, sizeof(st.message), "%s", message);
}

static void end_server(void)
{
	if (st.fd[0] >= 0)
		close(st.fd[0]);
	if (st.fd[1] >= 0)
		close(st.fd[1]);
	st.fd[0] = st.fd[1] = -1;
	st.connected = false;
	st.killed = false;
}

static ino_t socket_ino(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 ? sb.st_ino : 0;
}

static int connect_session(void)
{
	if (st.refuse_connects > 0) {
		st.refuse_connects--;
		set_error(st.refuse_err, "stub: connect refused");
		return 1;
	}
	end_server();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, st.fd) < 0) {
		set_error(CR_CONNECTION_ERROR, "stub: socketpair");
		return 1;
	}
	st.connected = true;
	st.socket_ino = socket_ino(st.fd[0]);
	STATUS = SERVER_STATUS_AUTOCOMMIT;
	INSERT_ID = st.next_id = 0;
	st.session++;
	if (handle)
		handle->thread_id = (unsigned long)st.session;
	set_error(0, "");
	return 0;
}

void stub_reset(enum stub_transport transport)
{
	end_server();
	memset(&st, 0, sizeof(st));
	st.fd[0] = st.fd[1] = -1;
	if (handle)
		handle->server_status = 0, handle->insert_id = 0, handle->field_count = 0;
	st.transport = transport;
}

void stub_kill(void)
{
	st.killed = true;
	if (st.fd[1] >= 0) {
		close(st.fd[1]); /* the library's socket now reads EOF */
		st.fd[1] = -1;
	}
}

void stub_lose_in_flight_times(const char *prefix, bool executed, int times)
{
	snprintf(st.lose_prefix, sizeof(st.lose_prefix), "%s", prefix);
	st.lose_executed = executed;
	st.lose_times = times;
}

void stub_lose_in_flight(const char *prefix, bool executed)
{
	stub_lose_in_flight_times(prefix, executed, 1);
}

void stub_refuse_connects(int count, unsigned err)
{
	st.refuse_connects = count;
	st.refuse_err = err;
}

int stub_executed(const char *text)
{
	int n = 0;

	for (int i = 0; i < st.nrecords; i++)
		n += strcmp(st.records[i].text, text) == 0;
	return n;
}

int stub_sessions(void)
{
	return st.session;
}

bool stub_library_reconnect(void)
{
	return st.reconnect;
}

bool stub_library_reconnect_in_command(void)
{
	return st.reconnect_in_command;
}

EXPORT unsigned long STDCALL mysql_thread_id(MYSQL *m)
{
	(void)m;
	return (unsigned long)st.session;
}

static bool starts(const char *text, const char *word)
{
	while (*text == ' ')
		text++;
	return strncasecmp(text, word, strlen(word)) == 0;
}

/* The server runs one statement. */
static void execute_one(const char *text)
{
	if (st.nrecords < MAX_RECORDS) {
		snprintf(st.records[st.nrecords].text, sizeof(st.records[0].text), "%s", text);
		st.records[st.nrecords++].session = st.session;
	}
	INSERT_ID = starts(text, "INSERT") ? ++st.next_id : 0;
	st.rows_due = starts(text, "SELECT");
	FIELD_COUNT = st.rows_due;
	if (starts(text, "BEGIN") || starts(text, "START TRANSACTION")) {
		STATUS |= SERVER_STATUS_IN_TRANS;
	} else if (starts(text, "COMMIT") || starts(text, "ROLLBACK")) {
		STATUS &= ~SERVER_STATUS_IN_TRANS;
	} else if (starts(text, "SET autocommit=0")) {
		STATUS &= ~SERVER_STATUS_AUTOCOMMIT;
	} else if (starts(text, "SET autocommit=1")) {
		STATUS = (STATUS | SERVER_STATUS_AUTOCOMMIT) & ~SERVER_STATUS_IN_TRANS;
	} else if (starts(text, "INSERT") || starts(text, "UPDATE") || starts(text, "DELETE")) {
		if (!(STATUS & SERVER_STATUS_AUTOCOMMIT))
			STATUS |= SERVER_STATUS_IN_TRANS;
	}
}

static void execute(const char *text)
{
	char copy[512], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", text);
	for (char *s = strtok_r(copy, ";", &save); s; s = strtok_r(NULL, ";", &save)) {
		while (*s == ' ')
			s++;
		if (*s)
			execute_one(s);
	}
}

EXPORT my_bool STDCALL mariadb_reconnect(MYSQL *m)
{
	(void)m;
	if (!st.reconnect || (STATUS & SERVER_STATUS_IN_TRANS)) {
		STATUS &= ~SERVER_STATUS_IN_TRANS; /* "allow reconnect next time" */
		set_error(CR_SERVER_GONE_ERROR, "Server has gone away");
		return 1;
	}
	return (my_bool)connect_session();
}

/* Did the write reach a server?  False when the shim cut the socket
 * loose (its descriptor is another socket now, whose write fails), or the
 * server closed it and this is a Unix socket. */
static bool write_fails(void)
{
	if (socket_ino(st.fd[0]) != st.socket_ino)
		return true;
	return st.killed && st.transport == STUB_SOCKET; /* TCP buffers the write */
}

/* Connector/C's mthd_my_send_cmd, reduced to what matters. */
static int send_command(void)
{
	st.reconnect_in_command = st.reconnect;
	if (!st.connected && mariadb_reconnect(NULL))
		return 1;
	set_error(0, "");
	if (write_fails()) {
		end_server();
		if (mariadb_reconnect(NULL))
			return 1;
	}
	return 0;
}

static char last_statement[512];

/* ... and reading the answer. */
static int read_answer(const char *text)
{
	if (!st.connected) {
		set_error(CR_SERVER_LOST, "Lost connection to server during query");
		return 1;
	}
	if (st.killed) { /* TCP: the write went out, the read finds EOF */
		end_server();
		set_error(CR_SERVER_LOST, "Lost connection to server during query");
		return 1;
	}
	if (text && st.lose_prefix[0] && starts(text, st.lose_prefix)) {
		if (--st.lose_times <= 0)
			st.lose_prefix[0] = '\0';
		if (st.lose_executed)
			execute(text);
		end_server();
		set_error(CR_SERVER_LOST, "Lost connection to server during query");
		return 1;
	}
	if (!text) /* a prepare: nothing runs */
		return 0;
	snprintf(last_statement, sizeof(last_statement), "%s", text);
	execute(text);
	return 0;
}

/* The rows of the last statement, as mysql_store_result reads them (not
 * called through the PLT from here: the shim's hook would answer). */
static MYSQL_RES *store_rows(void)
{
	static char result[64]; /* opaque to the caller */

	set_error(0, "");
	if (!st.rows_due)
		return NULL;
	st.rows_due = false;
	if (st.lose_rows_prefix[0] && starts(last_statement, st.lose_rows_prefix)) {
		if (--st.lose_rows_times <= 0)
			st.lose_rows_prefix[0] = '\0';
		end_server();
		set_error(CR_SERVER_LOST, "Lost connection to server during query");
		return NULL;
	}
	return (MYSQL_RES *)result;
}

EXPORT MYSQL_RES *STDCALL mysql_store_result(MYSQL *m)
{
	(void)m;
	return store_rows();
}

EXPORT unsigned int STDCALL mysql_field_count(MYSQL *m)
{
	(void)m;
	return FIELD_COUNT;
}

EXPORT void STDCALL mysql_free_result(MYSQL_RES *res) { (void)res; }
/* The server's catalogue (information_schema) has no routines, triggers,
 * views or sequences: each count the shim asks for is 0.  Other results
 * have no rows. */
EXPORT MYSQL_ROW STDCALL mysql_fetch_row(MYSQL_RES *res)
{
	static char zero[] = "0";
	static char *row[] = {zero};

	(void)res;
	return strstr(last_statement, "information_schema") ? row : NULL;
}

void stub_lose_rows(const char *prefix, int times)
{
	snprintf(st.lose_rows_prefix, sizeof(st.lose_rows_prefix), "%s", prefix);
	st.lose_rows_times = times;
}

/* The stand-in is a server without session tracking (MariaDB before 10.2)
 * unless it is instant: it refuses to turn it on, before anything runs. */
static bool refuses(const char *text)
{
	if (st.instant || !starts(text, "SET SESSION session_track"))
		return false;
	set_error(1193 /* ER_UNKNOWN_SYSTEM_VARIABLE */, "Unknown system variable");
	return true;
}

static int command(const char *text)
{
	if (refuses(text))
		return 1;
	return send_command() || read_answer(text);
}

static char sent[512];

EXPORT int STDCALL mysql_send_query(MYSQL *m, const char *q, unsigned long len)
{
	(void)m;
	snprintf(sent, sizeof(sent), "%.*s", (int)len, q);
	return send_command();
}

EXPORT my_bool STDCALL mysql_read_query_result(MYSQL *m)
{
	(void)m;
	return (my_bool)read_answer(sent);
}

int stub_direct_command(const char *text)
{
	return command(text);
}

static void use_handle(MYSQL *m)
{
	unsigned status = STATUS;

	if (!m || m == handle)
		return;
	handle = m;
	handle->server_status = status;
	handle->insert_id = st.insert_id;
	handle->field_count = st.field_count;
}

int stub_direct_connect(MYSQL *m)
{
	use_handle(m);
	return connect_session();
}

EXPORT MYSQL *STDCALL mysql_init(MYSQL *m)
{
	static MYSQL allocated;

	return m ? m : &allocated;
}

EXPORT MYSQL *STDCALL mysql_real_connect(MYSQL *m, const char *host, const char *user,
					 const char *passwd, const char *db, unsigned int port,
					 const char *sock, unsigned long flags)
{
	(void)host, (void)user, (void)passwd, (void)db, (void)port, (void)sock, (void)flags;
	use_handle(m);
	return connect_session() ? NULL : m;
}

void stub_instant(bool on)
{
	st.instant = on;
}

/* Session tracking: the functions exist (Connector/C has them); it is on
 * only in instant mode, and never reports a change. */
EXPORT int STDCALL mysql_session_track_get_first(MYSQL *m, enum enum_session_state_type t,
						 const char **d, size_t *l)
{
	(void)m, (void)t, (void)d, (void)l;
	return 1;
}

EXPORT int STDCALL mysql_session_track_get_next(MYSQL *m, enum enum_session_state_type t,
						const char **d, size_t *l)
{
	(void)m, (void)t, (void)d, (void)l;
	return 1;
}

EXPORT int STDCALL mysql_real_query(MYSQL *m, const char *q, unsigned long len)
{
	char text[512];

	if (st.instant) {
		FIELD_COUNT = 1;
		return 0;
	}
	(void)m;
	snprintf(text, sizeof(text), "%.*s", (int)len, q);
	return command(text);
}

EXPORT int STDCALL mysql_query(MYSQL *m, const char *q)
{
	return mysql_real_query(m, q, (unsigned long)strlen(q)); /* through the PLT */
}

EXPORT void STDCALL mysql_close(MYSQL *m)
{
	(void)m;
	end_server();
}

EXPORT int STDCALL mysql_options(MYSQL *m, enum mysql_option o, const void *a)
{
	(void)m;
	if (o == MYSQL_OPT_RECONNECT)
		st.reconnect = *(const my_bool *)a;
	return 0;
}

EXPORT int STDCALL mysql_get_option(MYSQL *m, enum mysql_option o, void *a)
{
	(void)m;
	if (o == MYSQL_OPT_RECONNECT)
		*(my_bool *)a = st.reconnect;
	else if (o == MYSQL_OPT_CONNECT_TIMEOUT)
		*(unsigned *)a = 0;
	else
		return 1;
	return 0;
}

/* Connector/C's way to read the init commands: the stub has none. */
EXPORT int STDCALL mysql_get_optionv(MYSQL *m, enum mysql_option o, void *a, ...)
{
	va_list ap;

	(void)m;
	if (o != MYSQL_INIT_COMMAND)
		return 1;
	va_start(ap, a);
	*(char ***)a = NULL;
	*va_arg(ap, unsigned *) = 0;
	va_end(ap);
	return 0;
}

EXPORT int STDCALL mysql_select_db(MYSQL *m, const char *db) { (void)m, (void)db; return 0; }
EXPORT int STDCALL mysql_set_character_set(MYSQL *m, const char *cs) { (void)m, (void)cs; return 0; }

EXPORT my_bool STDCALL mysql_autocommit(MYSQL *m, my_bool on)
{
	(void)m;
	return (my_bool)command(on ? "SET autocommit=1" : "SET autocommit=0");
}

EXPORT my_bool STDCALL mysql_commit(MYSQL *m) { (void)m; return (my_bool)command("COMMIT"); }
EXPORT my_bool STDCALL mysql_rollback(MYSQL *m) { (void)m; return (my_bool)command("ROLLBACK"); }

EXPORT my_bool STDCALL mysql_change_user(MYSQL *m, const char *u, const char *p, const char *d)
{
	(void)m, (void)u, (void)p, (void)d;
	return (my_bool)command("CHANGE USER");
}

EXPORT int STDCALL mysql_ping(MYSQL *m) { (void)m; return command("PING"); }
EXPORT unsigned int STDCALL mysql_errno(MYSQL *m) { (void)m; return st.err; }
EXPORT const char *STDCALL mysql_error(MYSQL *m) { (void)m; return st.message; }
EXPORT const char *STDCALL mysql_character_set_name(MYSQL *m) { (void)m; return "utf8mb4"; }
EXPORT my_ulonglong STDCALL mysql_insert_id(MYSQL *m) { (void)m; return INSERT_ID; }

EXPORT char *STDCALL mysql_get_server_info(MYSQL *m)
{
	static char version[] = "10.11.0-MariaDB";

	(void)m;
	return version;
}

EXPORT my_socket STDCALL mysql_get_socket(MYSQL *m)
{
	(void)m;
	return st.connected ? st.fd[0] : -1;
}

EXPORT my_bool mariadb_get_infov(MYSQL *m, enum mariadb_value value, void *arg, ...)
{
	(void)m;
	switch (value) {
	case MARIADB_CONNECTION_SERVER_STATUS: *(unsigned *)arg = STATUS; return 0;
	case MARIADB_CONNECTION_SCHEMA: *(const char **)arg = "db"; return 0;
	case MARIADB_CONNECTION_HOST: *(const char **)arg = "db.example"; return 0;
	case MARIADB_CONNECTION_USER: *(const char **)arg = "app"; return 0;
	case MARIADB_CONNECTION_UNIX_SOCKET: *(const char **)arg = NULL; return 0;
	case MARIADB_CONNECTION_PORT: *(unsigned *)arg = 3306; return 0;
	case MARIADB_CONNECTION_SERVER_TYPE: *(const char **)arg = "MariaDB"; return 0;
	default: return 1;
	}
}

/* ---- one prepared statement ------------------------------------------- */

static struct {
	char handle[64];   /* what the program holds: opaque */
	char text[256];
	int prepared_in;   /* session; 0: not prepared (Connector/C: INITTED) */
	bool long_data;
	unsigned err;
	int executions_with_long_data;
} ps;

static void stmt_error(void)
{
	ps.err = st.err;
}

EXPORT MYSQL_STMT *STDCALL mysql_stmt_init(MYSQL *m)
{
	(void)m;
	memset(&ps, 0, sizeof(ps));
	return (MYSQL_STMT *)ps.handle;
}

static bool stmt_prepared(void)
{
	return ps.prepared_in && ps.prepared_in == st.session && st.connected;
}

EXPORT int STDCALL mysql_stmt_prepare(MYSQL_STMT *s, const char *q, unsigned long len)
{
	(void)s;
	ps.prepared_in = 0;
	ps.long_data = false;
	if (send_command() || read_answer(NULL)) {
		stmt_error();
		return 1;
	}
	snprintf(ps.text, sizeof(ps.text), "%.*s", (int)len, q);
	ps.prepared_in = st.session;
	ps.err = 0;
	return 0;
}

static my_bool stmt_bind(void)
{
	if (!stmt_prepared()) {
		ps.err = CR_NO_PREPARE_STMT;
		return 1;
	}
	return 0;
}

EXPORT my_bool STDCALL mysql_stmt_bind_param(MYSQL_STMT *s, MYSQL_BIND *b) { (void)s, (void)b; return stmt_bind(); }
EXPORT my_bool STDCALL mysql_stmt_bind_result(MYSQL_STMT *s, MYSQL_BIND *b) { (void)s, (void)b; return stmt_bind(); }
static unsigned long param_count = 1;

/* The statement takes `n` parameters from its next prepare on (a table
 * changed under it). */
void stub_set_param_count(unsigned long n)
{
	param_count = n;
}

EXPORT unsigned long STDCALL mysql_stmt_param_count(MYSQL_STMT *s) { (void)s; return param_count; }
EXPORT unsigned int STDCALL mysql_stmt_field_count(MYSQL_STMT *s) { (void)s; return starts(ps.text, "SELECT"); }
EXPORT unsigned int STDCALL mysql_stmt_errno(MYSQL_STMT *s) { (void)s; return ps.err; }

EXPORT my_bool STDCALL mysql_stmt_send_long_data(MYSQL_STMT *s, unsigned int p, const char *d,
						 unsigned long len)
{
	(void)s, (void)p, (void)d, (void)len;
	ps.long_data = true;
	return 0;
}

EXPORT int STDCALL mysql_stmt_execute(MYSQL_STMT *s)
{
	(void)s;
	if (ps.prepared_in && ps.prepared_in != st.session) {
		ps.err = CR_COMMANDS_OUT_OF_SYNC; /* reset by a reconnect */
		return 1;
	}
	if (command(ps.text)) {
		stmt_error();
		return 1;
	}
	ps.executions_with_long_data += ps.long_data;
	ps.long_data = false;
	ps.err = 0;
	return 0;
}

/* Only what the shim uses: before an execution in this session, 2014. */
EXPORT int STDCALL mysql_stmt_fetch(MYSQL_STMT *s)
{
	(void)s;
	ps.err = CR_COMMANDS_OUT_OF_SYNC;
	return 1;
}

EXPORT int STDCALL mysql_stmt_store_result(MYSQL_STMT *s)
{
	(void)s;
	if (!store_rows() && st.err) {
		stmt_error();
		return 1;
	}
	return 0;
}

EXPORT my_bool STDCALL mysql_stmt_close(MYSQL_STMT *s)
{
	(void)s;
	memset(&ps, 0, sizeof(ps));
	return 0;
}

int stub_executions_with_long_data(void)
{
	return ps.executions_with_long_data;
}
