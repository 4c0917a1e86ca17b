/* settings.c - the program's session settings: recorded from the
 * server's tracking (or from its own SET and USE statements) and set again
 * after a reconnect. */
#include "settings.h"

#include "sql_lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "events.h"
#include "guard.h"
#include "session.h"

/* NUL-separated entries, in the order of their last change: variables as
 * "name\0value\0"; statements as "key\0text\0" (the key is the text, or the
 * @name a statement assigns) or "text\0\0". */
struct strlist {
	size_t used, cap;
	char data[];
};

#define VAR_NAME_MAX 64
#define STATEMENTS_MAX 65536 /* bytes of recorded SET/USE statements */

/* The record's name for the collation SET NAMES ... COLLATE chose. */
#define COLLATION_CONNECTION "collation_connection"

static const char track_sql[] = "session_track_system_variables='*', "
				"session_track_schema=ON, session_track_state_change=ON";

/* ---- the record of system variables ----------------------------------- */

/* name (n bytes, not terminated) is word. */
static bool name_is(const char *name, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(name, word, n) == 0;
}

static bool starts_with(const char *name, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(name, prefix, k) == 0;
}

/* Not set again after a reconnect: derived from the schema, one-shot
 * values for the next statement, counters, or read-only (MySQL reports
 * statement_id after every statement, and refuses to have it set: 1238). */
static bool not_replayed(const char *name, size_t n)
{
	static const char *const names[] = {
		"character_set_database", "collation_database", "insert_id", "last_insert_id",
		"rand_seed1", "rand_seed2", "identity", "pseudo_thread_id", "warning_count",
		"error_count", "statement_id", NULL,
	};

	for (const char *const *w = names; *w; w++)
		if (name_is(name, n, *w))
			return true;
	return false;
}

/* Our own tracking settings are expected; any other value of them, or a
 * fixed timestamp (whose reset the server reports as a value), cannot be
 * followed exactly. */
static bool breaks_tracking(const char *name, size_t n, const char *value, size_t vn)
{
	if (name_is(name, n, "timestamp"))
		return true;
	if (name_is(name, n, "session_track_system_variables"))
		return !(vn == 1 && value[0] == '*');
	if (name_is(name, n, "session_track_schema") || name_is(name, n, "session_track_state_change"))
		return !(vn == 2 && memcmp(value, "ON", 2) == 0);
	return starts_with(name, n, "session_track_");
}

static bool name_ok(const char *name, size_t n)
{
	if (n == 0 || n >= VAR_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

static size_t entry_size(const char *e)
{
	size_t name = strlen(e) + 1;

	return name + strlen(e + name) + 1;
}

static void list_remove(struct strlist *v, const char *name, size_t n)
{
	for (size_t at = 0; at < v->used;) {
		char *e = v->data + at;
		size_t size = entry_size(e);

		if (name_is(name, n, e)) {
			memmove(e, e + size, v->used - at - size);
			v->used -= size;
			return;
		}
		at += size;
	}
}

/* Appends name=value (the entry of that name moves to the end: the order
 * of the last change).  False when out of memory. */
static bool list_put(struct strlist **list, const char *name, size_t n, const char *value,
		     size_t vn)
{
	struct strlist *v = *list;
	size_t need = n + vn + 2;

	if (v)
		list_remove(v, name, n);
	if (!v || v->used + need > v->cap) {
		size_t cap = (v ? v->cap : 0) * 2 + need + 256;
		struct strlist *grown = realloc(v, sizeof(*v) + cap);

		if (!grown)
			return false;
		if (!v)
			grown->used = 0;
		grown->cap = cap;
		*list = v = grown;
	}
	memcpy(v->data + v->used, name, n);
	v->data[v->used + n] = '\0';
	memcpy(v->data + v->used + n + 1, value, vn);
	v->data[v->used + need - 1] = '\0';
	v->used += need;
	return true;
}

static void note_variable(struct conn *c, const char *name, size_t n, const char *value,
			  size_t vn)
{
	if (!name_ok(name, n) || memchr(value, '\0', vn)) {
		c->session.held |= SESSION_UNTRACKED;
		return;
	}
	if (breaks_tracking(name, n, value, vn)) {
		if (!starts_with(name, n, "session_track_") || c->session.tracking)
			c->session.held |= SESSION_UNTRACKED;
		return;
	}
	/* SET insert_id = N holds for the next INSERT only; SET last_insert_id
	 * = N is what LAST_INSERT_ID() answers: neither is set again */
	if ((name_is(name, n, "insert_id") || name_is(name, n, "identity")) &&
	    !(vn == 1 && value[0] == '0'))
		c->session.held |= SESSION_ONE_SHOT;
	if (name_is(name, n, "last_insert_id"))
		c->session.insert_id_seen = true;
	/* user variables recorded under another character set or collation
	 * would be set again under this one */
	if (c->settings.user_vars_recorded && (starts_with(name, n, "character_set_") ||
				      starts_with(name, n, "collation_")))
		c->session.held |= SESSION_USER_VARS;
	if (starts_with(name, n, "session_track_") || not_replayed(name, n))
		return;
	if (!list_put(&c->settings.vars, name, n, value, vn))
		c->session.held |= SESSION_UNTRACKED;
}

bool settings_state_change_reported(const struct real_api *real, MYSQL *m)
{
	const char *data;
	size_t n;

	return real->mysql_session_track_get_first &&
	       real->mysql_session_track_get_first(m, SESSION_TRACK_STATE_CHANGE, &data, &n) == 0 &&
	       n >= 1 && data[0] == '1';
}

bool settings_read_tracked(const struct real_api *real, struct conn *c, MYSQL *m)
{
	const char *name, *value;
	size_t n, vn;
	bool charset = false, collation = false;

	if (!real->mysql_session_track_get_first || !real->mysql_session_track_get_next ||
	    real->mysql_session_track_get_first(m, SESSION_TRACK_SYSTEM_VARIABLES, &name, &n))
		return false;
	do {
		if (real->mysql_session_track_get_next(m, SESSION_TRACK_SYSTEM_VARIABLES, &value,
						       &vn))
			break;
		charset |= name_is(name, n, "character_set_connection");
		collation |= name_is(name, n, "collation_connection");
		note_variable(c, name, n, value, vn);
	} while (real->mysql_session_track_get_next(m, SESSION_TRACK_SYSTEM_VARIABLES, &name,
						    &n) == 0);
	return charset && !collation;
}

/* ---- what a statement leaves in the session ---------------------------- */

/* Statements are read with the lexer the classifier uses (sql_lex.h):
 * comments, quoting and the session's backslash rule as the server has
 * them. */
static void lexer_on(struct lexer *lx, const struct conn *c, const char *text, size_t len)
{
	*lx = (struct lexer){.p = text, .end = text + len,
			     .esc = !(c->session.status & SERVER_STATUS_NO_BACKSLASH_ESCAPES)};
}

/* SET NAMES cs COLLATE x: the server reports the character sets but not
 * the collation (a change of character set resets it: the record's
 * collation goes, and comes back only from a real SET NAMES ... COLLATE).
 * Read with the lexer, so that comments and every statement of a
 * multi-statement text count; the last SET NAMES of the text decides. */
static void note_names_collation(struct conn *c, const char *text, size_t len)
{
	struct lexer lx;
	struct tok t[5];
	bool head = true;

	lexer_on(&lx, c, text, len);
	for (;;) {
		sql_lex(&lx, &t[0]);
		if (t[0].type == T_END || t[0].type == T_ERROR)
			return;
		if (t[0].type == T_SEMI) {
			head = true;
			continue;
		}
		if (!head || t[0].type != T_WORD || !IS(t[0].p, t[0].n, "SET")) {
			head = false;
			continue;
		}
		head = false;
		for (int i = 1; i < 5; i++)
			sql_lex(&lx, &t[i]);
		if (t[1].type != T_WORD || !IS(t[1].p, t[1].n, "NAMES"))
			continue;
		if (t[3].type == T_WORD && IS(t[3].p, t[3].n, "COLLATE") &&
		    (t[4].type == T_WORD || t[4].type == T_STRING || t[4].type == T_QIDENT) &&
		    !list_put(&c->settings.vars, COLLATION_CONNECTION, sizeof(COLLATION_CONNECTION) - 1, t[4].p,
			      t[4].n))
			c->session.held |= SESSION_UNTRACKED;
		if (t[3].type == T_SEMI)
			head = true;
		if (t[4].type == T_SEMI)
			head = true;
		if (t[3].type == T_END || t[4].type == T_END)
			return;
	}
}

static bool statements_full(const struct conn *c, size_t len)
{
	return c->settings.statements && c->settings.statements->used + 2 * len > STATEMENTS_MAX;
}

/* Without tracking: a SET of session variables (not user variables, not
 * GLOBAL) or USE is recorded, to be sent again as it was. */
static bool note_replayable(struct conn *c, const char *text, size_t len,
			    const struct sql_verdict *v)
{
	struct lexer lx;
	struct tok t;
	bool set_or_use;

	lexer_on(&lx, c, text, len);
	sql_lex(&lx, &t);
	set_or_use = t.type == T_WORD && (IS(t.p, t.n, "SET") || IS(t.p, t.n, "USE"));
	if (!set_or_use || !v->safe || (v->facts & (SQL_FACT_SETS_USER_VAR | SQL_FACT_MULTI)) ||
	    memchr(text, '\0', len) || statements_full(c, len))
		return false;
	return list_put(&c->settings.statements, text, len, "", 0);
}

/* A literal that reads the same under any sql_mode: NULL, a number
 * (signed), or a '...' string with no quote or backslash inside.  The
 * token after it is read into *t. */
static bool literal(struct lexer *lx, struct tok *t)
{
	sql_lex(lx, t);
	if (t->type == T_PUNCT && (t->ch == '-' || t->ch == '+'))
		sql_lex(lx, t);
	if (t->type == T_NUM || (t->type == T_WORD && IS(t->p, t->n, "NULL")) ||
	    (t->type == T_STRING && !t->dq && t->p[-1] == '\'' &&
	     !memchr(t->p, '\'', t->n) && !memchr(t->p, '\\', t->n))) {
		sql_lex(lx, t);
		return true;
	}
	return false;
}

/* SET @a = literal [, @b = literal ...]: the same statement gives the same
 * values on a fresh session.  *name, *n: the variable when it is one (as
 * written, with its '@'; plain names only), else the whole text. */
static bool literal_user_var_set(const struct conn *c, const char *text, size_t len,
				 const char **name, size_t *n)
{
	struct lexer lx;
	struct tok t;
	int count = 0;

	lexer_on(&lx, c, text, len);
	sql_lex(&lx, &t);
	if (t.type != T_WORD || !IS(t.p, t.n, "SET"))
		return false;
	do {
		sql_lex(&lx, &t);
		if (t.type != T_UVAR || t.p == text || t.p[-1] != '@')
			return false;
		*name = t.p - 1, *n = t.n + 1, count++;
		sql_lex(&lx, &t);
		if (t.type != T_ASSIGN && !(t.type == T_PUNCT && t.ch == '='))
			return false;
		if (!literal(&lx, &t))
			return false;
	} while (t.type == T_PUNCT && t.ch == ',');
	if (t.type == T_SEMI)
		sql_lex(&lx, &t);
	if (t.type != T_END)
		return false;
	if (count > 1)
		*name = text, *n = len;
	return true;
}

bool settings_note_user_vars(struct conn *c, const char *text, size_t len)
{
	const char *name;
	size_t n;

	if (memchr(text, '\0', len) || statements_full(c, len) ||
	    !literal_user_var_set(c, text, len, &name, &n))
		return false;
	c->settings.user_vars_recorded = true;
	return list_put(&c->settings.statements, name, n, text, len);
}

bool settings_note_role(struct conn *c, const char *text, size_t len)
{
	static const char key[] = "SET ROLE";

	if (memchr(text, '\0', len) || statements_full(c, len))
		return false;
	return list_put(&c->settings.statements, key, sizeof(key) - 1, text, len);
}

bool settings_note_statement(struct conn *c, const char *text, size_t len,
			     const struct sql_verdict *v, bool collation_reset)
{
	/* A new connection character set resets the collation to its
	 * default, which the server does not report. */
	if (collation_reset && c->settings.vars)
		list_remove(c->settings.vars, COLLATION_CONNECTION, sizeof(COLLATION_CONNECTION) - 1);
	if (!text)
		return true;
	if (c->session.tracking) {
		if (collation_reset)
			note_names_collation(c, text, len);
		return true;
	}
	if (!(v->facts & SQL_FACT_CHANGES_SESSION) || (v->facts & SQL_FACT_SETS_USER_VAR))
		return true;
	return note_replayable(c, text, len, v);
}

/* ---- tracking on ------------------------------------------------------- */

void settings_enable_tracking(const struct shim_config *cfg, const struct real_api *real,
			      struct conn *c, MYSQL *m)
{
	static const char sql[] = "SET SESSION session_track_system_variables='*', "
				  "session_track_schema=ON, session_track_state_change=ON";

	c->session.tracking = false;
	if (cfg->mode != SHIM_MODE_ON)
		return;
	if (!cfg->session_tracking || !real->mysql_session_track_get_first) {
		event_session_tracking_unavailable(cfg, real, m, false);
		return;
	}
	guard_enter();
	if (real->mysql_real_query(m, sql, sizeof(sql) - 1) == 0) {
		c->session.tracking = true;
	} else {
		event_session_tracking_unavailable(cfg, real, m, true);
		real->mysql_ping(m); /* a connect that succeeded leaves no error behind */
	}
	guard_leave();
}

/* ---- setting them again ------------------------------------------------ */

static bool is_number(const char *v)
{
	bool digits = false;

	if (*v == '-')
		v++;
	for (; *v >= '0' && *v <= '9'; v++)
		digits = true;
	if (*v == '.' && digits)
		for (v++; *v >= '0' && *v <= '9'; v++)
			;
	return digits && !*v;
}

/* name=value.  A string goes as a hex literal: no quote, backslash or
 * multi-byte character can change how the fresh session reads it, whatever
 * its sql_mode or character set. */
static char *put_assignment(char *out, bool first, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	out += sprintf(out, "%s%s=", first ? "" : ", ", name);
	if (!*value && strncmp(name, "character_set_", 14) == 0)
		return out + sprintf(out, "NULL");
	if (is_number(value))
		return out + sprintf(out, "%s", value);
	out += sprintf(out, "_utf8mb4 X'");
	for (; *value; value++) {
		*out++ = hex[(unsigned char)*value >> 4];
		*out++ = hex[(unsigned char)*value & 15];
	}
	*out++ = '\'';
	return out;
}

/* Character sets before collations (setting one resets the other), then
 * the rest in the order the program changed them. */
static int replay_rank(const char *name)
{
	if (strncmp(name, "character_set_", 14) == 0)
		return 0;
	if (strncmp(name, "collation_", 10) == 0)
		return 1;
	return 2;
}

static char *build_restore(const struct conn *c, bool autocommit_off)
{
	static const char set_session[] = "SET SESSION ";
	const struct strlist *v = c->settings.vars;
	size_t size = sizeof(track_sql) + 64, used = v ? v->used : 0;
	bool autocommit_set = false;
	char *sql, *out;

	for (size_t at = 0; at < used; at += entry_size(v->data + at))
		size += 2 * entry_size(v->data + at) + 24; /* ", name=_utf8mb4 X'hex'" */
	if (!(out = sql = malloc(size)))
		return NULL;
	out += sprintf(out, "%s%s", set_session, c->session.tracking ? track_sql : "");
	for (int rank = 0; rank < 3; rank++) {
		for (size_t at = 0; at < used; at += entry_size(v->data + at)) {
			const char *name = v->data + at;

			if (replay_rank(name) != rank)
				continue;
			autocommit_set |= strcmp(name, "autocommit") == 0;
			out = put_assignment(out, out == sql + sizeof(set_session) - 1, name, name + strlen(name) + 1);
		}
	}
	if (autocommit_off && !autocommit_set)
		out = put_assignment(out, out == sql + sizeof(set_session) - 1, "autocommit", "0");
	*out = '\0';
	return sql;
}

static bool replay_statements(const struct real_api *real, const struct conn *c, MYSQL *m)
{
	const struct strlist *s = c->settings.statements;

	for (size_t at = 0; s && at < s->used; at += entry_size(s->data + at)) {
		const char *key = s->data + at, *text = key + strlen(key) + 1;

		if (!*text)
			text = key;
		if (real->mysql_real_query(m, text, (unsigned long)strlen(text)))
			return false;
	}
	return true;
}

bool settings_restore(const struct real_api *real, struct conn *c, MYSQL *m,
		      bool autocommit_off)
{
	char *sql;
	int failed = 0;

	if (c->session.tracking || c->settings.vars || autocommit_off) {
		sql = build_restore(c, autocommit_off);
		failed = !sql || real->mysql_real_query(m, sql, (unsigned long)strlen(sql));
		free(sql);
	}
	return !failed && replay_statements(real, c, m);
}

void settings_forget(struct conn *c)
{
	free(c->settings.vars);
	free(c->settings.statements);
	c->settings.vars = c->settings.statements = NULL;
	c->settings.user_vars_recorded = false;
}
