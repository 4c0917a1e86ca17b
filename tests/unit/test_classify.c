/* test_classify.c - table-driven tests of sql_classify() (shim/classify.c).
 *
 * Each group exercises one rule; every case names its input, the expected
 * safe/unsafe verdict and "reason: what", and optionally the transaction
 * effect, the statement count and facts that must be set. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shim/classify.h"

#define ANY (-1)

struct tcase {
	const char *sql;
	size_t len;          /* 0: strlen(sql) */
	bool safe;
	const char *expect;  /* "reason: what" */
	int txn;             /* enum sql_txn or ANY */
	int statements;      /* or ANY */
	unsigned facts;      /* facts that must be set */
};

/* C: verdict only; T: with txn; S: with statement count and facts;
 * B: explicit length (embedded NUL bytes). */
#define C(sql, safe, expect) { sql, 0, safe, expect, ANY, ANY, 0 }
#define T(sql, safe, expect, txn) { sql, 0, safe, expect, txn, ANY, 0 }
#define S(sql, safe, expect, n, facts) { sql, 0, safe, expect, ANY, n, facts }
#define B(sql, safe, expect) { sql, sizeof(sql) - 1, safe, expect, ANY, ANY, 0 }
#define SAFE true
#define UNSAFE false

/* Printable rendering of a case's input for failure messages. */
static void render(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f)
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	if (o + 8 >= size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o] = 0;
}

static void check(const char *group, size_t idx, const struct tcase *tc,
		  unsigned flags)
{
	struct sql_verdict v;
	size_t len = tc->len ? tc->len : strlen(tc->sql);
	char got[160], in[200];

	memset(&v, 0xa5, sizeof v);
	sql_classify(tc->sql, len, flags, &v);
	render(tc->sql, len, in, sizeof in);
	cr_assert_not_null(v.what, "%s[%zu] <%s>: what is NULL", group, idx, in);
	snprintf(got, sizeof got, "%s: %s", sql_reason_name(v.reason), v.what);
	cr_expect(v.safe == tc->safe && strcmp(got, tc->expect) == 0,
		  "%s[%zu] <%s>: expected %s \"%s\", got %s \"%s\"", group, idx, in,
		  tc->safe ? "safe" : "unsafe", tc->expect,
		  v.safe ? "safe" : "unsafe", got);
	if (tc->txn != ANY)
		cr_expect(v.txn == (enum sql_txn)tc->txn,
			  "%s[%zu] <%s>: expected txn %d, got %d", group, idx, in,
			  tc->txn, (int)v.txn);
	if (tc->statements != ANY)
		cr_expect(v.statements == (unsigned)tc->statements,
			  "%s[%zu] <%s>: expected %d statements, got %u", group, idx,
			  in, tc->statements, v.statements);
	cr_expect((v.facts & tc->facts) == tc->facts,
		  "%s[%zu] <%s>: expected facts 0x%x set, got 0x%x", group, idx,
		  in, tc->facts, v.facts);
	if (v.safe)
		cr_expect(v.reason == SQL_REASON_READ || v.reason == SQL_REASON_SESSION ||
			  v.reason == SQL_REASON_TRANSACTION,
			  "%s[%zu] <%s>: safe with reason %s", group, idx, in,
			  sql_reason_name(v.reason));
}

#define RUN(group, table, flags) do { \
		for (size_t i_ = 0; i_ < sizeof(table) / sizeof((table)[0]); i_++) \
			check(group, i_, &(table)[i_], flags); \
	} while (0)

/* ---- reads ---- */
static const struct tcase reads[] = {
	C("SELECT 1", SAFE, "read: SELECT"),
	C("select * from t", SAFE, "read: SELECT"),
	C("SeLeCt id FROM users WHERE id = 5", SAFE, "read: SELECT"),
	C("SELECT id, name, email FROM users WHERE id = 12345 AND status = 'active' LIMIT 1",
	  SAFE, "read: SELECT"),
	C("(SELECT 1)", SAFE, "read: SELECT"),
	C("((SELECT 1))", SAFE, "read: SELECT"),
	C("(SELECT a FROM t) UNION (SELECT b FROM u)", SAFE, "read: SELECT"),
	C("SELECT 1 UNION ALL SELECT 2", SAFE, "read: SELECT"),
	C("SELECT a FROM t EXCEPT SELECT a FROM u", SAFE, "read: SELECT"),
	C("SELECT a FROM t INTERSECT SELECT a FROM u", SAFE, "read: SELECT"),
	C("SHOW TABLES", SAFE, "read: SHOW"),
	C("SHOW FULL PROCESSLIST", SAFE, "read: SHOW"),
	C("SHOW CREATE TABLE t", SAFE, "read: SHOW"),
	C("show variables like 'max%'", SAFE, "read: SHOW"),
	C("SHOW ENGINE INNODB STATUS", SAFE, "read: SHOW"),
	C("DESCRIBE t", SAFE, "read: DESCRIBE"),
	C("DESC t", SAFE, "read: DESCRIBE"),
	C("EXPLAIN SELECT * FROM t", SAFE, "read: EXPLAIN"),
	C("EXPLAIN FORMAT=JSON SELECT * FROM t", SAFE, "read: EXPLAIN"),
	C("EXPLAIN EXTENDED SELECT 1", SAFE, "read: EXPLAIN"),
	C("EXPLAIN DELETE FROM t", SAFE, "read: EXPLAIN"),
	C("HELP 'SELECT'", SAFE, "read: HELP"),
	C("VALUES (1, 2), (3, 4)", SAFE, "read: VALUES"),
	C("VALUES ROW(1, 2), ROW(3, 4)", SAFE, "read: VALUES"),
	C("TABLE t", SAFE, "read: TABLE"),
	C("TABLE t ORDER BY a LIMIT 2", SAFE, "read: TABLE"),
	C("CHECKSUM TABLE t1, t2", SAFE, "read: CHECKSUM TABLE"),
	C("SELECT * FROM t FOR SYSTEM_TIME ALL", SAFE, "read: SELECT"),
	C("SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01 00:00:00'",
	  SAFE, "read: SELECT"),
	C("SELECT * FROM t FOR SYSTEM_TIME BETWEEN (NOW() - INTERVAL 1 DAY) AND NOW()",
	  SAFE, "read: SELECT"),
	C("SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", SAFE, "read: SELECT"),
	C("SELECT * FROM t1 JOIN t2 USING (id) LEFT JOIN t3 ON (t3.a = t1.a)",
	  SAFE, "read: SELECT"),
	C("SELECT * FROM t WHERE a IN (SELECT b FROM u) AND EXISTS (SELECT 1)",
	  SAFE, "read: SELECT"),
	C("SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP", SAFE, "read: SELECT"),
	C("SELECT * FROM (SELECT 1 AS a) AS dt (x)", SAFE, "read: SELECT"),
	C("SELECT HIGH_PRIORITY STRAIGHT_JOIN a FROM t", SAFE, "read: SELECT"),
	C("SELECT * FROM t FORCE INDEX (idx) WHERE a = 1", SAFE, "read: SELECT"),
	C("SELECT * FROM t PARTITION (p0)", SAFE, "read: SELECT"),
	C("SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM t", SAFE, "read: SELECT"),
	C("SELECT SUM(x) OVER w FROM t WINDOW w AS (ORDER BY y)", SAFE, "read: SELECT"),
	C("SELECT * FROM t WHERE MATCH (a, b) AGAINST ('x' IN BOOLEAN MODE)", SAFE, "read: SELECT"),
	C("SELECT * FROM JSON_TABLE('[1]', '$[*]' COLUMNS (id FOR ORDINALITY, "
	  "a INT PATH '$', b VARCHAR(10) PATH '$')) AS jt", SAFE, "read: SELECT"),
	C("SELECT 1 FROM DUAL", SAFE, "read: SELECT"),
	C("SELECT 1;", SAFE, "read: SELECT"),
	C("  \n\tSELECT 1  \n", SAFE, "read: SELECT"),
};
Test(classify, reads) { RUN("reads", reads, 0); }

/* ---- writes and DDL ---- */
static const struct tcase writes[] = {
	C("INSERT INTO t VALUES (1)", UNSAFE, "write: INSERT"),
	C("insert into t (a, b) values (1, 2)", UNSAFE, "write: INSERT"),
	C("INSERT INTO t SELECT * FROM u", UNSAFE, "write: INSERT"),
	C("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a)", UNSAFE, "write: INSERT"),
	C("REPLACE INTO t VALUES (1)", UNSAFE, "write: REPLACE"),
	C("UPDATE t SET a = 1", UNSAFE, "write: UPDATE"),
	C("DELETE FROM t WHERE id = 1", UNSAFE, "write: DELETE"),
	C("DELETE t1 FROM t1 JOIN t2 USING (id)", UNSAFE, "write: DELETE"),
	C("LOAD DATA INFILE '/tmp/x' INTO TABLE t", UNSAFE, "write: LOAD DATA"),
	C("LOAD DATA LOCAL INFILE 'x' INTO TABLE t (a, b)", UNSAFE, "write: LOAD DATA"),
	C("LOAD XML INFILE 'x' INTO TABLE t", UNSAFE, "write: LOAD XML"),
	C("CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10))", UNSAFE, "write: CREATE TABLE"),
	C("CREATE TABLE IF NOT EXISTS t (id INT)", UNSAFE, "write: CREATE TABLE"),
	C("CREATE OR REPLACE TABLE t (id INT)", UNSAFE, "write: CREATE TABLE"),
	C("CREATE TABLE t2 AS SELECT * FROM t", UNSAFE, "write: CREATE TABLE"),
	C("CREATE UNIQUE INDEX i ON t (a)", UNSAFE, "write: CREATE INDEX"),
	C("CREATE DATABASE d", UNSAFE, "write: CREATE DATABASE"),
	C("CREATE SCHEMA d", UNSAFE, "write: CREATE SCHEMA"),
	C("CREATE ALGORITHM=MERGE DEFINER=`root`@`localhost` SQL SECURITY INVOKER VIEW v AS SELECT 1",
	  UNSAFE, "write: CREATE VIEW"),
	C("CREATE DEFINER='a'@'%' PROCEDURE p() SELECT 1", UNSAFE, "write: CREATE PROCEDURE"),
	C("CREATE FUNCTION f(x INT) RETURNS INT RETURN x + 1", UNSAFE, "write: CREATE FUNCTION"),
	C("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
	  UNSAFE, "write: CREATE TRIGGER"),
	C("CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO DELETE FROM t", UNSAFE, "write: CREATE EVENT"),
	C("CREATE SEQUENCE s START WITH 1", UNSAFE, "write: CREATE SEQUENCE"),
	C("CREATE USER 'u'@'localhost' IDENTIFIED BY 'p'", UNSAFE, "write: CREATE USER"),
	C("CREATE ROLE r", UNSAFE, "write: CREATE ROLE"),
	C("ALTER TABLE t ADD COLUMN c INT", UNSAFE, "write: ALTER TABLE"),
	C("ALTER ONLINE IGNORE TABLE t ENGINE=InnoDB", UNSAFE, "write: ALTER TABLE"),
	C("ALTER USER 'u'@'%' IDENTIFIED BY 'x'", UNSAFE, "write: ALTER USER"),
	C("DROP TABLE t", UNSAFE, "write: DROP TABLE"),
	C("DROP TABLE IF EXISTS t1, t2", UNSAFE, "write: DROP TABLE"),
	C("DROP INDEX i ON t", UNSAFE, "write: DROP INDEX"),
	C("DROP VIEW v", UNSAFE, "write: DROP VIEW"),
	C("DROP DATABASE d", UNSAFE, "write: DROP DATABASE"),
	C("RENAME TABLE a TO b", UNSAFE, "write: RENAME TABLE"),
	C("RENAME USER a TO b", UNSAFE, "write: RENAME USER"),
	C("TRUNCATE TABLE t", UNSAFE, "write: TRUNCATE TABLE"),
	C("TRUNCATE t", UNSAFE, "write: TRUNCATE TABLE"),
	C("GRANT SELECT ON db.* TO 'u'@'h'", UNSAFE, "write: GRANT"),
	C("REVOKE ALL ON *.* FROM u", UNSAFE, "write: REVOKE"),
	C("FLUSH PRIVILEGES", UNSAFE, "write: FLUSH"),
	C("FLUSH TABLES WITH READ LOCK", UNSAFE, "write: FLUSH"),
	C("RESET MASTER", UNSAFE, "write: RESET"),
	C("PURGE BINARY LOGS TO 'mysql-bin.010'", UNSAFE, "write: PURGE"),
	C("KILL 42", UNSAFE, "write: KILL"),
	C("KILL QUERY 42", UNSAFE, "write: KILL"),
	C("SHUTDOWN", UNSAFE, "write: SHUTDOWN"),
	C("INSTALL PLUGIN p SONAME 'p.so'", UNSAFE, "write: INSTALL PLUGIN"),
	C("UNINSTALL PLUGIN p", UNSAFE, "write: UNINSTALL PLUGIN"),
	C("INSTALL SONAME 'auth_ed25519'", UNSAFE, "write: INSTALL SONAME"),
	C("ANALYZE TABLE t", UNSAFE, "write: ANALYZE TABLE"),
	C("ANALYZE NO_WRITE_TO_BINLOG TABLE t", UNSAFE, "write: ANALYZE TABLE"),
	C("OPTIMIZE TABLE t", UNSAFE, "write: OPTIMIZE TABLE"),
	C("REPAIR TABLE t", UNSAFE, "write: REPAIR TABLE"),
	C("CHECK TABLE t", UNSAFE, "write: CHECK TABLE"),
	C("CACHE INDEX t IN hot_cache", UNSAFE, "write: CACHE INDEX"),
	C("LOAD INDEX INTO CACHE t", UNSAFE, "write: LOAD INDEX"),
	C("CHANGE MASTER TO MASTER_HOST='h'", UNSAFE, "write: CHANGE MASTER"),
	C("CHANGE REPLICATION SOURCE TO SOURCE_HOST='h'", UNSAFE, "write: CHANGE REPLICATION"),
	C("START SLAVE", UNSAFE, "write: START SLAVE"),
	C("STOP SLAVE", UNSAFE, "write: STOP SLAVE"),
	C("START REPLICA", UNSAFE, "write: START REPLICA"),
	C("STOP REPLICA IO_THREAD", UNSAFE, "write: STOP REPLICA"),
	C("BINLOG 'base64'", UNSAFE, "write: BINLOG"),
	C("SET PASSWORD FOR 'u'@'h' = 'x'", UNSAFE, "write: SET PASSWORD"),
	C("SET DEFAULT ROLE r FOR u", UNSAFE, "write: SET DEFAULT ROLE"),
	C("IMPORT TABLE FROM '/tmp/t.sdi'", UNSAFE, "write: IMPORT TABLE"),
};
Test(classify, writes) { RUN("writes", writes, 0); }

/* ---- transactions ---- */
static const struct tcase transactions[] = {
	T("BEGIN", SAFE, "transaction: BEGIN", SQL_TXN_BEGIN),
	T("begin work", SAFE, "transaction: BEGIN", SQL_TXN_BEGIN),
	T("START TRANSACTION", SAFE, "transaction: START TRANSACTION", SQL_TXN_BEGIN),
	T("START TRANSACTION READ ONLY", SAFE, "transaction: START TRANSACTION", SQL_TXN_BEGIN),
	T("START TRANSACTION READ WRITE", SAFE, "transaction: START TRANSACTION", SQL_TXN_BEGIN),
	T("START TRANSACTION WITH CONSISTENT SNAPSHOT", SAFE, "transaction: START TRANSACTION",
	  SQL_TXN_BEGIN),
	T("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", SAFE,
	  "transaction: START TRANSACTION", SQL_TXN_BEGIN),
	T("COMMIT", SAFE, "transaction: COMMIT", SQL_TXN_COMMIT),
	T("COMMIT WORK", SAFE, "transaction: COMMIT", SQL_TXN_COMMIT),
	T("COMMIT AND CHAIN", SAFE, "transaction: COMMIT", SQL_TXN_COMMIT),
	T("COMMIT AND NO CHAIN NO RELEASE", SAFE, "transaction: COMMIT", SQL_TXN_COMMIT),
	T("COMMIT RELEASE", UNSAFE, "transaction: COMMIT RELEASE", SQL_TXN_COMMIT),
	T("COMMIT WORK AND NO CHAIN RELEASE", UNSAFE, "transaction: COMMIT RELEASE", SQL_TXN_COMMIT),
	T("ROLLBACK", SAFE, "transaction: ROLLBACK", SQL_TXN_ROLLBACK),
	T("ROLLBACK WORK", SAFE, "transaction: ROLLBACK", SQL_TXN_ROLLBACK),
	T("ROLLBACK AND CHAIN", SAFE, "transaction: ROLLBACK", SQL_TXN_ROLLBACK),
	T("ROLLBACK RELEASE", UNSAFE, "transaction: ROLLBACK RELEASE", SQL_TXN_ROLLBACK),
	T("ROLLBACK TO SAVEPOINT sp", UNSAFE, "transaction: ROLLBACK TO SAVEPOINT", SQL_TXN_SAVEPOINT),
	T("ROLLBACK WORK TO sp", UNSAFE, "transaction: ROLLBACK TO SAVEPOINT", SQL_TXN_SAVEPOINT),
	T("SAVEPOINT sp", UNSAFE, "transaction: SAVEPOINT", SQL_TXN_SAVEPOINT),
	T("RELEASE SAVEPOINT sp", UNSAFE, "transaction: RELEASE SAVEPOINT", SQL_TXN_SAVEPOINT),
	T("XA START 'x'", UNSAFE, "transaction: XA", SQL_TXN_XA),
	T("XA COMMIT 'x'", UNSAFE, "transaction: XA", SQL_TXN_XA),
	T("XA RECOVER", UNSAFE, "transaction: XA", SQL_TXN_XA),
	T("COMMIT garbage", UNSAFE, "unknown: malformed transaction statement", SQL_TXN_COMMIT),
	T("BEGIN garbage", UNSAFE, "unknown: malformed transaction statement", SQL_TXN_BEGIN),
	T("START TRANSACTION ISOLATION", UNSAFE, "unknown: malformed transaction statement",
	  SQL_TXN_BEGIN),
	T("SELECT 1", SAFE, "read: SELECT", SQL_TXN_NONE),
	T("BEGIN; SELECT 1; COMMIT", SAFE, "transaction: BEGIN", SQL_TXN_BEGIN),
	T("SELECT 1; COMMIT", SAFE, "read: SELECT", SQL_TXN_NONE),
	S("COMMIT", SAFE, "transaction: COMMIT", 1, SQL_FACT_COMMITS),
	S("BEGIN", SAFE, "transaction: BEGIN", 1, SQL_FACT_COMMITS),
};
Test(classify, transactions) { RUN("transactions", transactions, 0); }

/* ---- implicit commits ---- */
static const struct tcase implicit_commit[] = {
	T("CREATE TABLE t (a INT)", UNSAFE, "write: CREATE TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("ALTER TABLE t ADD c INT", UNSAFE, "write: ALTER TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("DROP TABLE t", UNSAFE, "write: DROP TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("RENAME TABLE a TO b", UNSAFE, "write: RENAME TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("TRUNCATE TABLE t", UNSAFE, "write: TRUNCATE TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("GRANT ALL ON *.* TO u", UNSAFE, "write: GRANT", SQL_TXN_IMPLICIT_COMMIT),
	T("REVOKE ALL ON *.* FROM u", UNSAFE, "write: REVOKE", SQL_TXN_IMPLICIT_COMMIT),
	T("SET PASSWORD = 'x'", UNSAFE, "write: SET PASSWORD", SQL_TXN_IMPLICIT_COMMIT),
	T("CREATE USER u", UNSAFE, "write: CREATE USER", SQL_TXN_IMPLICIT_COMMIT),
	T("LOCK TABLES t READ", UNSAFE, "session: LOCK TABLES", SQL_TXN_IMPLICIT_COMMIT),
	T("UNLOCK TABLES", UNSAFE, "session: UNLOCK TABLES", SQL_TXN_IMPLICIT_COMMIT),
	T("SET autocommit = 1", SAFE, "session: SET autocommit", SQL_TXN_IMPLICIT_COMMIT),
	T("SET autocommit=ON", SAFE, "session: SET autocommit", SQL_TXN_IMPLICIT_COMMIT),
	T("SET AUTOCOMMIT = true", SAFE, "session: SET autocommit", SQL_TXN_IMPLICIT_COMMIT),
	T("SET @@autocommit = 1", SAFE, "session: SET autocommit", SQL_TXN_IMPLICIT_COMMIT),
	T("SET SESSION autocommit = DEFAULT", SAFE, "session: SET autocommit",
	  SQL_TXN_IMPLICIT_COMMIT),
	T("SET autocommit = 0", SAFE, "session: SET autocommit", SQL_TXN_NONE),
	T("SET autocommit = OFF", SAFE, "session: SET autocommit", SQL_TXN_NONE),
	T("SET autocommit = 0, sql_mode = ''", SAFE, "session: SET autocommit", SQL_TXN_NONE),
	T("FLUSH TABLES", UNSAFE, "write: FLUSH", SQL_TXN_IMPLICIT_COMMIT),
	T("RESET QUERY CACHE", UNSAFE, "write: RESET", SQL_TXN_IMPLICIT_COMMIT),
	T("ANALYZE TABLE t", UNSAFE, "write: ANALYZE TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("OPTIMIZE TABLE t", UNSAFE, "write: OPTIMIZE TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("REPAIR TABLE t", UNSAFE, "write: REPAIR TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("CHECK TABLE t", UNSAFE, "write: CHECK TABLE", SQL_TXN_IMPLICIT_COMMIT),
	T("CACHE INDEX t IN c", UNSAFE, "write: CACHE INDEX", SQL_TXN_IMPLICIT_COMMIT),
	T("LOAD INDEX INTO CACHE t", UNSAFE, "write: LOAD INDEX", SQL_TXN_IMPLICIT_COMMIT),
	T("START SLAVE", UNSAFE, "write: START SLAVE", SQL_TXN_IMPLICIT_COMMIT),
	T("STOP SLAVE", UNSAFE, "write: STOP SLAVE", SQL_TXN_IMPLICIT_COMMIT),
	T("CHANGE MASTER TO MASTER_HOST='x'", UNSAFE, "write: CHANGE MASTER", SQL_TXN_IMPLICIT_COMMIT),
	T("INSTALL PLUGIN p SONAME 'p'", UNSAFE, "write: INSTALL PLUGIN", SQL_TXN_IMPLICIT_COMMIT),
	T("UNINSTALL PLUGIN p", UNSAFE, "write: UNINSTALL PLUGIN", SQL_TXN_IMPLICIT_COMMIT),
	T("CREATE TEMPORARY TABLE t (a INT)", UNSAFE, "session: CREATE TEMPORARY TABLE", SQL_TXN_NONE),
	T("DROP TEMPORARY TABLE t", UNSAFE, "session: DROP TEMPORARY TABLE", SQL_TXN_NONE),
	T("INSERT INTO t VALUES (1)", UNSAFE, "write: INSERT", SQL_TXN_NONE),
	T("ROLLBACK", SAFE, "transaction: ROLLBACK", SQL_TXN_ROLLBACK),
	S("ROLLBACK", SAFE, "transaction: ROLLBACK", 1, 0),
	S("DROP TABLE t", UNSAFE, "write: DROP TABLE", 1, SQL_FACT_COMMITS | SQL_FACT_WRITE),
	S("SELECT 1; SET autocommit=1", SAFE, "read: SELECT", 2, SQL_FACT_COMMITS),
};
Test(classify, implicit_commit) { RUN("implicit_commit", implicit_commit, 0); }

/* ---- session state ---- */
static const struct tcase session[] = {
	C("SELECT LAST_INSERT_ID()", UNSAFE, "session: LAST_INSERT_ID()"),
	C("select last_insert_id ()", UNSAFE, "session: LAST_INSERT_ID()"),
	C("SELECT FOUND_ROWS()", UNSAFE, "session: FOUND_ROWS()"),
	C("SELECT ROW_COUNT()", UNSAFE, "session: ROW_COUNT()"),
	C("SELECT CONNECTION_ID()", UNSAFE, "session: CONNECTION_ID()"),
	C("SELECT LASTVAL(s)", UNSAFE, "session: LASTVAL()"),
	C("SELECT PREVIOUS VALUE FOR s", UNSAFE, "session: PREVIOUS VALUE FOR"),
	C("SELECT s.currval FROM dual", UNSAFE, "session: CURRVAL"),
	C("SELECT @a", UNSAFE, "session: @user variable"),
	C("SELECT * FROM t WHERE id = @id", UNSAFE, "session: @user variable"),
	C("SELECT @`quoted var`", UNSAFE, "session: @user variable"),
	C("SELECT @'q'", UNSAFE, "session: @user variable"),
	C("SELECT @@session.sql_mode", UNSAFE, "session: @@session variable"),
	C("SELECT @@local.sql_mode", UNSAFE, "session: @@session variable"),
	C("SELECT @@sql_mode", UNSAFE, "session: @@session variable"),
	C("SELECT @@warning_count", UNSAFE, "session: @@session variable"),
	C("SELECT @@session.`x`", UNSAFE, "session: @@session variable"),
	C("SELECT @@global .x", UNSAFE, "session: @@session variable"),
	C("SELECT @@version", SAFE, "read: SELECT"),
	C("SELECT @@VERSION_COMMENT, @@version_compile_os", SAFE, "read: SELECT"),
	C("SELECT @@hostname, @@port, @@datadir, @@basedir", SAFE, "read: SELECT"),
	C("SELECT @@read_only, @@innodb_read_only, @@lower_case_table_names", SAFE, "read: SELECT"),
	C("SELECT @@server_id, @@have_ssl", SAFE, "read: SELECT"),
	C("SELECT @@global.sql_mode", SAFE, "read: SELECT"),
	C("SELECT @@GLOBAL.tx_isolation", SAFE, "read: SELECT"),
	C("CREATE TEMPORARY TABLE t (a INT)", UNSAFE, "session: CREATE TEMPORARY TABLE"),
	C("CREATE OR REPLACE TEMPORARY TABLE t AS SELECT 1", UNSAFE, "session: CREATE TEMPORARY TABLE"),
	C("DROP TEMPORARY TABLE IF EXISTS t", UNSAFE, "session: DROP TEMPORARY TABLE"),
	C("LOCK TABLES t WRITE", UNSAFE, "session: LOCK TABLES"),
	C("LOCK TABLE t READ", UNSAFE, "session: LOCK TABLES"),
	C("UNLOCK TABLES", UNSAFE, "session: UNLOCK TABLES"),
	C("PREPARE s FROM 'SELECT 1'", UNSAFE, "session: PREPARE"),
	C("EXECUTE s", UNSAFE, "session: EXECUTE"),
	C("EXECUTE s USING @a", UNSAFE, "session: EXECUTE"),
	C("DEALLOCATE PREPARE s", UNSAFE, "session: DEALLOCATE PREPARE"),
	C("DROP PREPARE s", UNSAFE, "session: DROP PREPARE"),
	C("HANDLER t OPEN", UNSAFE, "session: HANDLER"),
	C("HANDLER t READ FIRST", UNSAFE, "session: HANDLER"),
	C("GET DIAGNOSTICS @n = NUMBER", UNSAFE, "session: GET DIAGNOSTICS"),
	C("SHOW WARNINGS", UNSAFE, "session: SHOW WARNINGS"),
	C("SHOW ERRORS", UNSAFE, "session: SHOW ERRORS"),
	C("SHOW COUNT(*) WARNINGS", UNSAFE, "session: SHOW COUNT(*)"),
	C("SHOW PROFILES", UNSAFE, "session: SHOW PROFILE"),
	C("USE db", SAFE, "session: USE"),
	C("USE `my db`", SAFE, "session: USE"),
	C("SELECT 1 INTO @a", SAFE, "session: INTO @user variable"),
	C("SELECT a, b INTO @x, @y FROM t WHERE id = 1", SAFE, "session: INTO @user variable"),
	C("SELECT a INTO @x FROM t WHERE b = @y", UNSAFE, "session: @user variable"),
	C("SELECT @a := 1", SAFE, "session: @user variable assignment"),
	C("SELECT @a := @a + 1", UNSAFE, "session: @user variable"),
	S("SELECT @a", UNSAFE, "session: @user variable", 1, SQL_FACT_DEPENDS_SESSION),
	/* what a session holds, and what reads it (session.c) */
	S("SELECT @a", UNSAFE, "session: @user variable", 1, SQL_FACT_READS_USER_VAR),
	S("SET @a = 1", SAFE, "session: SET @user variable", 1, SQL_FACT_SETS_USER_VAR),
	S("SELECT @a := 1", SAFE, "session: @user variable assignment", 1,
	  SQL_FACT_SETS_USER_VAR),
	S("SELECT 1 INTO @a", SAFE, "session: INTO @user variable", 1, SQL_FACT_SETS_USER_VAR),
	S("CREATE TEMPORARY TABLE t (a INT)", UNSAFE, "session: CREATE TEMPORARY TABLE", 1,
	  SQL_FACT_TEMP_TABLE),
	S("LOCK TABLES t WRITE", UNSAFE, "session: LOCK TABLES", 1, SQL_FACT_TAKES_LOCK),
	S("SELECT GET_LOCK('k', 1)", UNSAFE, "side effect: GET_LOCK()", 1, SQL_FACT_TAKES_LOCK),
	S("FLUSH TABLES WITH READ LOCK", UNSAFE, "write: FLUSH", 1, SQL_FACT_TAKES_LOCK),
	S("LOCK INSTANCE FOR BACKUP", UNSAFE, "session: LOCK INSTANCE", 1, SQL_FACT_TAKES_LOCK),
	S("BACKUP STAGE START", UNSAFE, "session: BACKUP", 1, SQL_FACT_TAKES_LOCK),
	S("PREPARE s FROM 'SELECT 1'", UNSAFE, "session: PREPARE", 1, SQL_FACT_PREPARES),
	S("HANDLER t OPEN", UNSAFE, "session: HANDLER", 1, SQL_FACT_PREPARES),
	S("SELECT LAST_INSERT_ID()", UNSAFE, "session: LAST_INSERT_ID()", 1,
	  SQL_FACT_READS_LAST_RESULT),
	S("SELECT FOUND_ROWS()", UNSAFE, "session: FOUND_ROWS()", 1, SQL_FACT_READS_LAST_RESULT),
	S("INSERT INTO c VALUES (ROW_COUNT())", UNSAFE, "write: INSERT", 1,
	  SQL_FACT_READS_LAST_RESULT),
	S("USE db", SAFE, "session: USE", 1, SQL_FACT_CHANGES_SESSION),
	S("LOCK TABLES t WRITE", UNSAFE, "session: LOCK TABLES", 1,
	  SQL_FACT_CHANGES_SESSION | SQL_FACT_COMMITS),
};
Test(classify, session) { RUN("session", session, 0); }

/* ---- SET ---- */
static const struct tcase set[] = {
	C("SET NAMES utf8mb4", SAFE, "session: SET NAMES"),
	C("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_bin'", SAFE, "session: SET NAMES"),
	C("set names utf8", SAFE, "session: SET NAMES"),
	C("SET CHARACTER SET utf8", SAFE, "session: SET CHARACTER SET"),
	C("SET CHARSET utf8", SAFE, "session: SET CHARACTER SET"),
	C("SET sql_mode = 'STRICT_ALL_TABLES'", SAFE, "session: SET"),
	C("SET SESSION sql_mode = ''", SAFE, "session: SET"),
	C("SET LOCAL sql_mode = ''", SAFE, "session: SET"),
	C("SET @@session.sql_mode = ''", SAFE, "session: SET"),
	C("SET @@local.wait_timeout = 10", SAFE, "session: SET"),
	C("SET @@sql_mode := 'ANSI'", SAFE, "session: SET"),
	C("SET time_zone = '+00:00', sql_mode = DEFAULT", SAFE, "session: SET"),
	C("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", SAFE, "session: SET TRANSACTION"),
	C("SET TRANSACTION READ ONLY", SAFE, "session: SET TRANSACTION"),
	C("SET GLOBAL TRANSACTION ISOLATION LEVEL SERIALIZABLE", UNSAFE, "write: SET GLOBAL"),
	C("SET autocommit = 0", SAFE, "session: SET autocommit"),
	C("SET ROLE ALL", SAFE, "session: SET ROLE"),
	C("SET ROLE NONE", SAFE, "session: SET ROLE"),
	C("SET @a = 1", SAFE, "session: SET @user variable"),
	C("SET @a := 'x', @b = 2", SAFE, "session: SET @user variable"),
	C("SET @a = NOW()", SAFE, "session: SET @user variable"),
	C("SET @a = @b", UNSAFE, "session: @user variable"),
	C("SET @a = (SELECT MAX(id) FROM t)", SAFE, "session: SET @user variable"),
	C("SET @a = LAST_INSERT_ID()", UNSAFE, "session: LAST_INSERT_ID()"),
	C("SET @a = f(1)", UNSAFE, "side effect: stored function call"),
	C("SET sql_mode = @@global.sql_mode", SAFE, "session: SET"),
	C("SET sql_mode = @@session.sql_mode", UNSAFE, "session: @@session variable"),
	C("SET GLOBAL max_connections = 100", UNSAFE, "write: SET GLOBAL"),
	C("SET @@global.max_connections = 100", UNSAFE, "write: SET GLOBAL"),
	C("SET PERSIST max_connections = 100", UNSAFE, "write: SET PERSIST"),
	C("SET PERSIST_ONLY max_connections = 100", UNSAFE, "write: SET PERSIST"),
	C("SET @@persist.max_connections = 100", UNSAFE, "write: SET PERSIST"),
	C("SET sql_mode = '', GLOBAL max_connections = 1", UNSAFE, "write: SET GLOBAL"),
	C("SET GLOBAL keycache1.key_buffer_size = 1024", UNSAFE, "write: SET GLOBAL"),
	C("SET @@`global`.x = 1", UNSAFE, "unknown: malformed SET"),
	C("SET x", UNSAFE, "unknown: malformed SET"),
	C("SET", UNSAFE, "unknown: malformed SET"),
	C("SET STATEMENT max_statement_time = 10 FOR SELECT * FROM t", SAFE, "read: SELECT"),
	C("SET STATEMENT a = 1, b = 2 FOR SELECT 1", SAFE, "read: SELECT"),
	C("SET STATEMENT max_statement_time = 10 FOR DELETE FROM t", UNSAFE, "write: DELETE"),
	C("SET STATEMENT a = 1 FOR SELECT * FROM t FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SET STATEMENT a = 1 FOR SET STATEMENT b = 2 FOR SELECT 1", SAFE, "read: SELECT"),
	C("SET STATEMENT a = 1", UNSAFE, "unknown: malformed SET STATEMENT"),
	C("SET STATEMENT a = @x FOR SELECT 1", UNSAFE, "session: @user variable"),
	/* for the next transaction only, which the server does not report */
	S("SET TRANSACTION READ ONLY", SAFE, "session: SET TRANSACTION", 1, SQL_FACT_NEXT_TXN),
	S("/* tag */ SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", SAFE,
	  "session: SET TRANSACTION", 1, SQL_FACT_NEXT_TXN),
	S("SET ROLE NONE", SAFE, "session: SET ROLE", 1, SQL_FACT_SETS_ROLE),
	S("/* tag */ SET ROLE reader", SAFE, "session: SET ROLE", 1, SQL_FACT_SETS_ROLE),
};
/* SET SESSION TRANSACTION lasts, and the server reports it. */
Test(classify, set_session_transaction_is_not_for_the_next_only)
{
	struct sql_verdict v;

	sql_classify("SET SESSION TRANSACTION READ ONLY", 33, 0, &v);
	cr_expect(v.safe);
	cr_expect_eq(v.facts & SQL_FACT_NEXT_TXN, 0);
}
Test(classify, set) { RUN("set", set, 0); }

/* ---- side effects ---- */
static const struct tcase side_effects[] = {
	C("SELECT NEXTVAL(s)", UNSAFE, "side effect: NEXTVAL()"),
	C("SELECT NEXT VALUE FOR s", UNSAFE, "side effect: NEXT VALUE FOR"),
	C("SELECT next value for db.s", UNSAFE, "side effect: NEXT VALUE FOR"),
	C("SELECT SETVAL(s, 10)", UNSAFE, "side effect: SETVAL()"),
	C("SELECT s.NEXTVAL FROM DUAL", UNSAFE, "side effect: NEXTVAL"),
	C("SELECT GET_LOCK('x', 10)", UNSAFE, "side effect: GET_LOCK()"),
	C("SELECT RELEASE_LOCK('x')", UNSAFE, "side effect: RELEASE_LOCK()"),
	C("SELECT RELEASE_ALL_LOCKS()", UNSAFE, "side effect: RELEASE_ALL_LOCKS()"),
	C("SELECT * FROM t INTO OUTFILE '/tmp/x'", UNSAFE, "side effect: INTO OUTFILE"),
	C("SELECT a INTO DUMPFILE '/tmp/x' FROM t", UNSAFE, "side effect: INTO DUMPFILE"),
	C("CALL p()", UNSAFE, "side effect: CALL"),
	C("CALL db.p(1, 2)", UNSAFE, "side effect: CALL"),
	C("DO SLEEP(1)", UNSAFE, "side effect: DO"),
	C("DO 1", UNSAFE, "side effect: DO"),
	C("ANALYZE SELECT * FROM t", UNSAFE, "side effect: ANALYZE"),
	C("ANALYZE FORMAT=JSON SELECT 1", UNSAFE, "side effect: ANALYZE"),
	C("ANALYZE DELETE FROM t", UNSAFE, "side effect: ANALYZE"),
	C("EXPLAIN ANALYZE SELECT * FROM t", UNSAFE, "side effect: EXPLAIN ANALYZE"),
	C("EXPLAIN FORMAT=TREE ANALYZE SELECT 1", UNSAFE, "side effect: EXPLAIN ANALYZE"),
	C("DESCRIBE ANALYZE SELECT 1", UNSAFE, "side effect: EXPLAIN ANALYZE"),
	C("BEGIN NOT ATOMIC SELECT 1; END", UNSAFE, "side effect: BEGIN NOT ATOMIC"),
	C("IF 1 THEN SELECT 1; END IF", UNSAFE, "side effect: compound statement"),
	C("CASE WHEN 1 THEN SELECT 1; END CASE", UNSAFE, "side effect: compound statement"),
	C("LOOP SELECT 1; END LOOP", UNSAFE, "side effect: compound statement"),
	C("WHILE 1 DO SELECT 1; END WHILE", UNSAFE, "side effect: compound statement"),
	C("REPEAT SELECT 1; UNTIL 1 END REPEAT", UNSAFE, "side effect: compound statement"),
	C("lbl: BEGIN NOT ATOMIC END", UNSAFE, "side effect: compound statement"),
	C("EXECUTE IMMEDIATE 'SELECT 1'", UNSAFE, "side effect: EXECUTE IMMEDIATE"),
	S("SELECT GET_LOCK('a', 1)", UNSAFE, "side effect: GET_LOCK()", 1,
	  SQL_FACT_SIDE_EFFECT | SQL_FACT_CHANGES_SESSION),
	S("BEGIN NOT ATOMIC SELECT 1; SELECT 2; END", UNSAFE, "side effect: BEGIN NOT ATOMIC", 1,
	  SQL_FACT_SIDE_EFFECT),
};
Test(classify, side_effects) { RUN("side_effects", side_effects, 0); }

/* ---- functions ---- */
static const struct tcase functions[] = {
	C("SELECT COUNT(*), SUM(a), AVG(b), MIN(c), MAX(d) FROM t", SAFE, "read: SELECT"),
	C("SELECT CONCAT(a, 'x'), SUBSTRING(b, 1, 2), LENGTH(c), UPPER(d) FROM t", SAFE, "read: SELECT"),
	C("SELECT NOW(), CURDATE(), DATE_FORMAT(d, '%Y'), UNIX_TIMESTAMP()", SAFE, "read: SELECT"),
	C("SELECT DATE_ADD(d, INTERVAL 1 DAY), TIMESTAMPDIFF(SECOND, a, b) FROM t", SAFE, "read: SELECT"),
	C("SELECT JSON_EXTRACT(j, '$.a'), JSON_OBJECT('a', 1), JSON_ARRAYAGG(x) FROM t", SAFE,
	  "read: SELECT"),
	C("SELECT CAST(a AS DECIMAL(10,2)), CONVERT(b, CHAR(10)), CONVERT(c USING utf8mb4) FROM t",
	  SAFE, "read: SELECT"),
	C("SELECT CAST(a AS DATETIME(6)), CAST(b AS UNSIGNED) FROM t", SAFE, "read: SELECT"),
	C("SELECT IF(a, 1, 2), IFNULL(a, 0), NULLIF(a, b), COALESCE(a, b, c) FROM t", SAFE,
	  "read: SELECT"),
	C("SELECT CASE WHEN a THEN 1 ELSE 2 END FROM t", SAFE, "read: SELECT"),
	C("SELECT RAND(), UUID(), DATABASE(), SCHEMA(), USER(), CURRENT_USER(), VERSION()", SAFE,
	  "read: SELECT"),
	C("SELECT SLEEP(1), BENCHMARK(10, MD5('x'))", SAFE, "read: SELECT"),
	C("SELECT IS_FREE_LOCK('x'), IS_USED_LOCK('x')", SAFE, "read: SELECT"),
	C("SELECT LEFT(a, 2), RIGHT(a, 2), REPLACE(a, 'x', 'y'), INSERT(a, 1, 2, 'z') FROM t", SAFE,
	  "read: SELECT"),
	C("SELECT REPEAT('x', 3), TRUNCATE(1.5, 0), MOD(5, 2), CHAR(65)", SAFE, "read: SELECT"),
	C("SELECT GROUP_CONCAT(a ORDER BY b SEPARATOR ',') FROM t", SAFE, "read: SELECT"),
	C("SELECT ST_AsText(ST_GeomFromText('POINT(1 1)'))", SAFE, "read: SELECT"),
	C("SELECT LAG(a) OVER (ORDER BY b), DENSE_RANK() OVER w FROM t WINDOW w AS (ORDER BY a)",
	  SAFE, "read: SELECT"),
	C("SELECT REGEXP_REPLACE(a, 'x', 'y'), INET_ATON('1.2.3.4'), SHA2('x', 256)", SAFE,
	  "read: SELECT"),
	C("SELECT my_func(1)", UNSAFE, "side effect: stored function call"),
	C("SELECT my_func (1)", UNSAFE, "side effect: stored function call"),
	C("SELECT db.f(1)", UNSAFE, "side effect: stored function call"),
	C("SELECT db . f (1)", UNSAFE, "side effect: stored function call"),
	C("SELECT `f`(1)", UNSAFE, "side effect: stored function call"),
	C("SELECT `LAST_INSERT_ID`()", UNSAFE, "side effect: stored function call"),
	C("SELECT `count`(*) FROM t", UNSAFE, "side effect: stored function call"),
	C("SELECT db.count(*) FROM t", UNSAFE, "side effect: stored function call"),
	C("SELECT * FROM t WHERE a = my_udf(b)", UNSAFE, "side effect: stored function call"),
	C("SELECT 1 FROM t WHERE a IN (1, f(2))", UNSAFE, "side effect: stored function call"),
	C("SELECT sys_exec('rm')", UNSAFE, "side effect: stored function call"),
	C("SELECT \"f\"(1)", UNSAFE, "side effect: stored function call"),
	C("SELECT COUNT(*) FROM t WHERE g(a) AND COUNT(b)", UNSAFE, "side effect: stored function call"),
	C("SELECT last_insert_id_col FROM t", SAFE, "read: SELECT"),
	C("SELECT found_rows FROM t", SAFE, "read: SELECT"),
	C("SELECT t.last_insert_id FROM t", SAFE, "read: SELECT"),
	C("SELECT nextval FROM t", SAFE, "read: SELECT"),
	C("SELECT my_func FROM t", SAFE, "read: SELECT"),
	C("SELECT a FROM t AS my_func", SAFE, "read: SELECT"),
	S("SELECT f(1)", UNSAFE, "side effect: stored function call", 1, SQL_FACT_SIDE_EFFECT),
};
Test(classify, functions) { RUN("functions", functions, 0); }

/* ---- locking reads ---- */
static const struct tcase locking_reads[] = {
	C("SELECT * FROM t FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("select * from t for update", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR SHARE", UNSAFE, "locking read: FOR SHARE"),
	C("SELECT * FROM t LOCK IN SHARE MODE", UNSAFE, "locking read: LOCK IN SHARE MODE"),
	C("SELECT * FROM t FOR UPDATE NOWAIT", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR UPDATE SKIP LOCKED", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR UPDATE WAIT 5", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR SHARE OF t NOWAIT", UNSAFE, "locking read: FOR SHARE"),
	C("SELECT * FROM t WHERE id = 1. FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t WHERE id IN (SELECT id FROM u FOR UPDATE)", UNSAFE, "locking read: FOR UPDATE"),
	C("(SELECT * FROM t FOR UPDATE)", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR\nUPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR /* c */ UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t FOR -- c\n UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT * FROM t /*! FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT t.for_update FROM t", SAFE, "read: SELECT"),
	C("SELECT `for update` FROM t", SAFE, "read: SELECT"),
	C("SELECT 'FOR UPDATE' FROM t", SAFE, "read: SELECT"),
	C("SELECT * FROM t -- FOR UPDATE", SAFE, "read: SELECT"),
	C("SELECT * FROM t # FOR UPDATE", SAFE, "read: SELECT"),
	C("SELECT * FROM t /* FOR UPDATE */", SAFE, "read: SELECT"),
	C("SELECT SUBSTRING(a FROM 1 FOR 2) FROM t", SAFE, "read: SELECT"),
	C("SELECT * FROM t FOR SYSTEM_TIME ALL", SAFE, "read: SELECT"),
	C("INSERT INTO t SELECT * FROM u FOR UPDATE", UNSAFE, "write: INSERT"),
	S("SELECT * FROM t FOR UPDATE", UNSAFE, "locking read: FOR UPDATE", 1, SQL_FACT_LOCKING_READ),
};
Test(classify, locking_reads) { RUN("locking_reads", locking_reads, 0); }

/* ---- WITH ---- */
static const struct tcase with_cte[] = {
	C("WITH x AS (SELECT 1) SELECT * FROM x", SAFE, "read: SELECT"),
	C("with x as (select 1) select * from x", SAFE, "read: SELECT"),
	C("WITH x (a, b) AS (SELECT 1, 2) SELECT * FROM x", SAFE, "read: SELECT"),
	C("WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
	  SAFE, "read: SELECT"),
	C("WITH a AS (SELECT (1)), b (c) AS (SELECT ((2))) SELECT * FROM a, b", SAFE, "read: SELECT"),
	C("WITH a AS (SELECT 1) (SELECT * FROM a)", SAFE, "read: SELECT"),
	C("(WITH a AS (SELECT 1) SELECT * FROM a)", SAFE, "read: SELECT"),
	C("SELECT * FROM (WITH a (x) AS (SELECT 1) SELECT x FROM a) t", SAFE, "read: SELECT"),
	C("WITH a AS (SELECT 1) TABLE a", SAFE, "read: SELECT"),
	C("WITH x AS (SELECT 1) UPDATE t SET a = 1", UNSAFE, "write: UPDATE"),
	C("WITH x AS (SELECT 1) DELETE FROM t", UNSAFE, "write: DELETE"),
	C("WITH x AS (SELECT id FROM u) INSERT INTO t SELECT * FROM x", UNSAFE, "write: INSERT"),
	C("WITH RECURSIVE x (n) AS (SELECT 1) UPDATE t, x SET t.a = x.n", UNSAFE, "write: UPDATE"),
	C("WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x", UNSAFE, "locking read: FOR UPDATE"),
	C("WITH x AS (SELECT f(1)) SELECT * FROM x", UNSAFE, "side effect: stored function call"),
	C("WITH x AS (SELECT 1) SELECT g(2) FROM x", UNSAFE, "side effect: stored function call"),
	C("WITH x AS (SELECT 1)", UNSAFE, "unknown: WITH without a statement"),
	C("SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP HAVING f(a)", UNSAFE,
	  "side effect: stored function call"),
};
Test(classify, with_cte) { RUN("with_cte", with_cte, 0); }

/* ---- comments ---- */
static const struct tcase comments[] = {
	C("/* c */ SELECT 1", SAFE, "read: SELECT"),
	C("SELECT /* c */ 1", SAFE, "read: SELECT"),
	C("-- c\nSELECT 1", SAFE, "read: SELECT"),
	C("# c\nSELECT 1", SAFE, "read: SELECT"),
	C("SELECT 1 -- c", SAFE, "read: SELECT"),
	C("SELECT 1 --\tc", SAFE, "read: SELECT"),
	C("SELECT 1 --", SAFE, "read: SELECT"),
	C("SELECT 1 --x", SAFE, "read: SELECT"),
	C("SELECT 1--1", SAFE, "read: SELECT"),
	C("SELECT 1 -- ; DELETE FROM t", SAFE, "read: SELECT"),
	C("SELECT 1 --; DELETE FROM t", UNSAFE, "write: DELETE"),
	C("SELECT 1 # ; DELETE FROM t\n", SAFE, "read: SELECT"),
	C("SELECT 1 /* ; DELETE FROM t */", SAFE, "read: SELECT"),
	C("/* DELETE */ SELECT 1", SAFE, "read: SELECT"),
	C("SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t", SAFE, "read: SELECT"),
	C("SELECT /*+ BKA(t) f(x) */ 1", SAFE, "read: SELECT"),
	C("/**/SELECT/**/1", SAFE, "read: SELECT"),
	C("SELECT 1 /* unterminated", UNSAFE, "unknown: unterminated comment"),
	C("/* only */", UNSAFE, "empty: empty statement"),
	C("-- only", UNSAFE, "empty: empty statement"),
	C("# only\n  ", UNSAFE, "empty: empty statement"),
	C("", UNSAFE, "empty: empty statement"),
	C("   \n\t ", UNSAFE, "empty: empty statement"),
	C(";", UNSAFE, "empty: empty statement"),
	C(" ; ; ", UNSAFE, "empty: empty statement"),
	C("SELECT 1 */", SAFE, "read: SELECT"), /* operators: a syntax error */
	C("SELECT 2*/*c*/3", SAFE, "read: SELECT"),
};
Test(classify, comments)
{
	RUN("comments", comments, 0);
	/* NULL text with length 0 is empty */
	struct sql_verdict v;
	sql_classify(NULL, 0, 0, &v);
	cr_expect(!v.safe && v.reason == SQL_REASON_EMPTY && v.statements == 0);
}

/* ---- executable comments ---- */
static const struct tcase executable_comments[] = {
	C("/*!40101 SET NAMES utf8 */", SAFE, "session: SET NAMES"),
	C("/*!40101 SET NAMES utf8 */;", SAFE, "session: SET NAMES"),
	C("SELECT /*! STRAIGHT_JOIN */ 1", SAFE, "read: SELECT"),
	C("SELECT 1 /*!50700 FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 1 /*!99999 FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 1 /*!100100 FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 1 /*M! FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 1 /*M!100100 FOR UPDATE */", UNSAFE, "locking read: FOR UPDATE"),
	C("/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50001 VIEW v AS SELECT 1 */", UNSAFE,
	  "write: CREATE VIEW"),
	C("/*!40000 ALTER TABLE t DISABLE KEYS */", UNSAFE, "write: ALTER TABLE"),
	C("/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */", UNSAFE,
	  "session: @@session variable"),
	C("/*!*/SELECT 1", SAFE, "read: SELECT"),
	C("SELECT /*!50000 /* inner */ 1 */", UNSAFE, "unknown: ambiguous executable comment"),
	C("SELECT /*!50000 '*/' */ 1", UNSAFE, "unknown: ambiguous executable comment"),
	C("SELECT 1 /*!99999 , '*/ ; DELETE FROM t; -- ' */", UNSAFE,
	  "unknown: ambiguous executable comment"),
	C("SELECT /*! 1", UNSAFE, "unknown: unterminated comment"),
	C("SELECT /*! 1 /*! 2 */ */", UNSAFE, "unknown: nested executable comment"),
	C("SELECT /*!1*/ 2", SAFE, "read: SELECT"),
	C("/*!50503 SELECT 1 */", SAFE, "read: SELECT"),
	C("SELECT /*m! FOR UPDATE */ 1", SAFE, "read: SELECT"),
};
Test(classify, executable_comments) { RUN("executable_comments", executable_comments, 0); }

/* ---- strings ---- */
static const struct tcase strings[] = {
	C("SELECT 'a'", SAFE, "read: SELECT"),
	C("SELECT \"a\"", SAFE, "read: SELECT"),
	C("SELECT 'it''s'", SAFE, "read: SELECT"),
	C("SELECT 'it\\'s'", SAFE, "read: SELECT"),
	C("SELECT \"say \"\"hi\"\"\"", SAFE, "read: SELECT"),
	C("SELECT 'a\\\\'", SAFE, "read: SELECT"),
	C("SELECT 'x; DELETE FROM t'", SAFE, "read: SELECT"),
	C("SELECT '--', '#', '/*'", SAFE, "read: SELECT"),
	C("SELECT 'LAST_INSERT_ID()', 'FOR UPDATE', '@a', '@@x'", SAFE, "read: SELECT"),
	C("SELECT 'a\\'; DELETE FROM t; -- '", SAFE, "read: SELECT"),
	C("SELECT 'a", UNSAFE, "unknown: unterminated string"),
	C("SELECT \"a", UNSAFE, "unknown: unterminated string"),
	C("SELECT 'a\\'", UNSAFE, "unknown: unterminated string"),
	C("SELECT 'a\\", UNSAFE, "unknown: unterminated string"),
	C("SELECT N'abc'", SAFE, "read: SELECT"),
	C("SELECT n'abc'", SAFE, "read: SELECT"),
	C("SELECT _utf8mb4'x' COLLATE utf8mb4_bin", SAFE, "read: SELECT"),
	C("SELECT _binary'x\\'y'", SAFE, "read: SELECT"),
	C("SELECT _latin1 'x'", SAFE, "read: SELECT"),
	C("SELECT X'4142', x'41', B'0101', b'1'", SAFE, "read: SELECT"),
	C("SELECT X'\\', 1", SAFE, "read: SELECT"),
	C("SELECT X'41", UNSAFE, "unknown: unterminated string"),
	C("SELECT 0x4142, 0b0101, 0XFF", SAFE, "read: SELECT"),
	C("SELECT 1e10, 1.5e-3, .5, 5., 1.e2", SAFE, "read: SELECT"),
	C("SELECT 'a' 'b' \"c\"", SAFE, "read: SELECT"),
	C("SELECT \"a\\\" ; DELETE FROM t; -- \"", UNSAFE, "unknown: ambiguous quoting"),
	C("SELECT \"a\\\"b\"", UNSAFE, "unknown: ambiguous quoting"),
	C("SELECT \"a\\nb\"", SAFE, "read: SELECT"),
	C("SELECT 'a' FROM t WHERE b = '\\\\' AND c = 1 FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT '\\'' FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
};
Test(classify, strings) { RUN("strings", strings, 0); }

/* ---- SQL_NO_BACKSLASH_ESCAPES ---- */
static const struct tcase no_backslash_escapes[] = {
	C("SELECT 'a\\'", SAFE, "read: SELECT"),
	C("SELECT 'a\\' ; DELETE FROM t", UNSAFE, "write: DELETE"),
	C("SELECT 'a\\'; SELECT 1", SAFE, "read: SELECT"),
	C("SELECT 'it''s'", SAFE, "read: SELECT"),
	C("SELECT 'a\\'b'", UNSAFE, "unknown: unterminated string"),
	C("SELECT \"a\\\" FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT \"a\\\"b\"", UNSAFE, "unknown: unterminated string"),
	C("SELECT '\\\\' FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 'x' FROM t", SAFE, "read: SELECT"),
	C("SELECT '\xbf\\' FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	C("SELECT 1 \\", UNSAFE, "unknown: backslash outside a string"),
};
Test(classify, no_backslash_escapes)
{
	RUN("no_backslash_escapes", no_backslash_escapes, SQL_NO_BACKSLASH_ESCAPES);
}

/* ---- SQL_SESSION_RESTORED: the fresh session has the lost one's settings ---- */
static const struct tcase session_restored[] = {
	C("SELECT @@time_zone", SAFE, "read: SELECT"),
	C("SELECT @@session.sql_mode, @@SESSION.tx_isolation", SAFE, "read: SELECT"),
	C("SELECT @@last_insert_id", UNSAFE, "session: @@session variable"),
	C("SELECT @@warning_count", UNSAFE, "session: @@session variable"),
	C("SELECT @@timestamp", UNSAFE, "session: @@session variable"),
	C("SELECT @a", UNSAFE, "session: @user variable"),
	C("SELECT LAST_INSERT_ID()", UNSAFE, "session: LAST_INSERT_ID()"),
};
Test(classify, session_restored)
{
	RUN("session_restored", session_restored, SQL_SESSION_RESTORED);
}

static const struct tcase user_vars_restored[] = {
	C("SELECT @a", SAFE, "read: SELECT"),
	C("SELECT * FROM t WHERE id = @id", SAFE, "read: SELECT"),
	C("SELECT @@time_zone", UNSAFE, "session: @@session variable"),
};
Test(classify, user_vars_restored)
{
	RUN("user_vars_restored", user_vars_restored, SQL_USER_VARS_RESTORED);
}

Test(classify, session_variables_depend_on_the_lost_session_by_default)
{
	struct sql_verdict v;

	sql_classify("SELECT @@time_zone", 18, 0, &v);
	cr_expect_not(v.safe);
	cr_expect(v.facts & SQL_FACT_DEPENDS_SESSION);
}

/* ---- identifiers ---- */
static const struct tcase identifiers[] = {
	C("SELECT `a` FROM `t`", SAFE, "read: SELECT"),
	C("SELECT `a``b` FROM t", SAFE, "read: SELECT"),
	C("SELECT `select`, `from`, `for` FROM `update`", SAFE, "read: SELECT"),
	C("SELECT `a;b` FROM t", SAFE, "read: SELECT"),
	C("SELECT `a", UNSAFE, "unknown: unterminated identifier"),
	C("SELECT t.`update`, t.select_col FROM t", SAFE, "read: SELECT"),
	C("SELECT db.t.col FROM db.t", SAFE, "read: SELECT"),
	C("SELECT $col, col$ FROM t", SAFE, "read: SELECT"),
	C("SELECT 1abc FROM t", SAFE, "read: SELECT"),
	C("SELECT t1.* FROM t1", SAFE, "read: SELECT"),
	C("SELECT last_insert_id_col, found_rows_x, row_count2 FROM t", SAFE, "read: SELECT"),
	C("SELECT nextval_col FROM t", SAFE, "read: SELECT"),
	C("SELECT a FROM t WHERE `LAST_INSERT_ID` = 1", SAFE, "read: SELECT"),
	C("SELECT `LAST_INSERT_ID`()", UNSAFE, "side effect: stored function call"),
	C("SELECT db.LAST_INSERT_ID()", UNSAFE, "side effect: stored function call"),
	C("SELECT * FROM t WHERE forupdate = 1", SAFE, "read: SELECT"),
	C("SELECT update_time FROM t", SAFE, "read: SELECT"),
	C("INSERT INTO db.t (a) VALUES (1)", UNSAFE, "write: INSERT"),
	C("SELECT 1 AS `x y`", SAFE, "read: SELECT"),
	C("FOO BAR", UNSAFE, "unknown: unknown statement"),
	C("@a := 1", UNSAFE, "unknown: unknown statement"),
	C("DELIMITER //", UNSAFE, "unknown: DELIMITER"),
	C("delimiter ;", UNSAFE, "unknown: DELIMITER"),
	C("SELECT (1", UNSAFE, "unknown: unbalanced parentheses"),
	C("SELECT 1)", UNSAFE, "unknown: unbalanced parentheses"),
	C("SELECT (1; SELECT 2)", UNSAFE, "unknown: unbalanced parentheses"),
	C("42", UNSAFE, "unknown: unknown statement"),
	C("(DELETE FROM t)", UNSAFE, "unknown: unknown statement"),
	C("SELECT 1\\G", UNSAFE, "unknown: backslash outside a string"),
	C("SELECT 1 \x01", UNSAFE, "unknown: control character"),
};
Test(classify, identifiers) { RUN("identifiers", identifiers, 0); }

/* ---- multiple statements ---- */
static const struct tcase multi_statement[] = {
	S("SELECT 1; SELECT 2", SAFE, "read: SELECT", 2, SQL_FACT_MULTI),
	S("SELECT 1; SELECT 2;", SAFE, "read: SELECT", 2, SQL_FACT_MULTI),
	S("SELECT 1;;; SELECT 2", SAFE, "read: SELECT", 2, SQL_FACT_MULTI),
	S(";SELECT 1", SAFE, "read: SELECT", 1, 0),
	S("SELECT 1;", SAFE, "read: SELECT", 1, 0),
	S("SELECT 1; DELETE FROM t", UNSAFE, "write: DELETE", 2, SQL_FACT_WRITE | SQL_FACT_MULTI),
	S("DELETE FROM t; SELECT 1", UNSAFE, "write: DELETE", 2, SQL_FACT_WRITE),
	S("SET NAMES utf8; SELECT 1", SAFE, "session: SET NAMES", 2, SQL_FACT_CHANGES_SESSION),
	S("SELECT 1; SET NAMES utf8", SAFE, "read: SELECT", 2, SQL_FACT_CHANGES_SESSION),
	S("SELECT 1; SELECT LAST_INSERT_ID()", UNSAFE, "session: LAST_INSERT_ID()", 2,
	  SQL_FACT_DEPENDS_SESSION),
	S("SELECT * FROM t FOR UPDATE; DELETE FROM t", UNSAFE, "locking read: FOR UPDATE", 2,
	  SQL_FACT_LOCKING_READ | SQL_FACT_WRITE),
	S("SELECT ';'; SELECT \";\"; SELECT `;`", SAFE, "read: SELECT", 3, SQL_FACT_MULTI),
	S("SELECT 1 -- ;\n; SELECT 2", SAFE, "read: SELECT", 2, 0),
	S("SELECT 1; SELECT 'unterminated", UNSAFE, "unknown: unterminated string", 2, 0),
	S("SELECT 1; BOGUS", UNSAFE, "unknown: unknown statement", 2, 0),
	S("BEGIN; UPDATE t SET a = 1; COMMIT", UNSAFE, "write: UPDATE", 3,
	  SQL_FACT_COMMITS | SQL_FACT_WRITE),
	S("USE db; SELECT 1; SELECT 2; SELECT 3", SAFE, "session: USE", 4, SQL_FACT_MULTI),
	S("CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", UNSAFE, "write: CREATE PROCEDURE", 1,
	  SQL_FACT_WRITE),
	S("SELECT 1; /* c */ ; -- x\n ; SELECT 2", SAFE, "read: SELECT", 2, SQL_FACT_MULTI),
	S("/*!40101 SET NAMES utf8 */; /*!40101 SET sql_mode='' */", SAFE, "session: SET NAMES", 2, 0),
	/* The server lexes what follows a change of sql_mode or of the
	 * character set in that mode: this text is one string to the old
	 * mode, and an INSERT to the server. */
	S("SET sql_mode='NO_BACKSLASH_ESCAPES'; SELECT '\\'; INSERT INTO t VALUES (1); -- '",
	  UNSAFE, "unknown: a statement after a change of sql_mode or character set", ANY,
	  SQL_FACT_RELEXES),
	S("SET SESSION sql_mode = 'ANSI'; SELECT \"a\"", UNSAFE,
	  "unknown: a statement after a change of sql_mode or character set", ANY, SQL_FACT_RELEXES),
	S("SET @@sql_mode = DEFAULT; SELECT 1", UNSAFE,
	  "unknown: a statement after a change of sql_mode or character set", ANY, SQL_FACT_RELEXES),
	S("SET NAMES sjis; SELECT 1", UNSAFE,
	  "unknown: a statement after a change of sql_mode or character set", ANY, SQL_FACT_RELEXES),
	S("SET character_set_client = gbk; SELECT 1", UNSAFE,
	  "unknown: a statement after a change of sql_mode or character set", ANY, SQL_FACT_RELEXES),
	S("SET sql_mode = 'STRICT_ALL_TABLES'; SELECT 1", SAFE, "session: SET", 2, 0),
	S("SELECT 1; SET sql_mode = 'ANSI'", SAFE, "read: SELECT", 2, SQL_FACT_RELEXES),
};
Test(classify, multi_statement) { RUN("multi_statement", multi_statement, 0); }

/* ---- binary data, NUL bytes, multi-byte character sets ---- */
static const struct tcase binary_and_nul[] = {
	B("SELECT 'a\0b'", SAFE, "read: SELECT"),
	B("SELECT 'a\0b' FOR UPDATE", UNSAFE, "locking read: FOR UPDATE"),
	B("SELECT _binary'\0\1\2\377'", SAFE, "read: SELECT"),
	B("SELECT 1\0", UNSAFE, "unknown: NUL byte"),
	B("SELECT 1 \0; DELETE FROM t", UNSAFE, "unknown: NUL byte"),
	B("\0SELECT 1", UNSAFE, "unknown: NUL byte"),
	B("SELECT 1 /* \0 */", UNSAFE, "unknown: NUL byte"),
	B("SELECT 1 -- \0\n", UNSAFE, "unknown: NUL byte"),
	B("SELECT `a\0b`", UNSAFE, "unknown: NUL byte"),
	B("SELECT 1 FOR UPDATE\0", UNSAFE, "locking read: FOR UPDATE"),
	B("SELECT 'caf\xc3\xa9' FROM t", SAFE, "read: SELECT"),
	B("SELECT \xc3\xa9t\xc3\xa9 FROM t", SAFE, "read: SELECT"),
	B("SELECT `\xc3\xa9t\xc3\xa9` FROM t", SAFE, "read: SELECT"),
	/* gbk would read "\xac`" as one character */
	B("SELECT `\xe2\x82\xac` FROM t", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT '\xff\xfe\x80'", SAFE, "read: SELECT"),
	B("SELECT 'caf\xc3\xa9\\n'", SAFE, "read: SELECT"),
	B("SELECT '\xbf\\' ; DELETE FROM t; -- '", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT '\x81\\'' FOR UPDATE", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT `\x81`", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT a\x81` ; DELETE FROM t; -- `", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT @a\x81`", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT \"\x81\\\" FOR UPDATE\"", UNSAFE, "unknown: ambiguous quoting"),
	B("SELECT '\xe4\xb8\xad\xe6\x96\x87'", SAFE, "read: SELECT"),
	B("\xef\xbb\xbfSELECT 1", UNSAFE, "unknown: unknown statement"),
};
Test(classify, binary_and_nul) { RUN("binary_and_nul", binary_and_nul, 0); }

/* ---- long statements (far beyond any fixed buffer) ---- */
static char *long_select(size_t size, const char *tail, size_t *len)
{
	static const char head[] = "SELECT id FROM t WHERE id IN (0";
	static const char item[] = ", 'x''y', f_x, 12345";
	size_t tl = strlen(tail), n = sizeof head - 1;
	char *buf = malloc(size + sizeof item + tl + 1);

	cr_assert_not_null(buf);
	memcpy(buf, head, n);
	while (n + sizeof item + tl < size) {
		memcpy(buf + n, item, sizeof item - 1);
		n += sizeof item - 1;
	}
	buf[n++] = ')';
	memcpy(buf + n, tail, tl);
	n += tl;
	*len = n;
	return buf;
}

Test(classify, long_statements)
{
	static const struct {
		size_t size;
		const char *tail;
		bool safe;
		const char *expect;
	} cases[] = {
		{ 1u << 20, "", true, "read: SELECT" },
		{ 1u << 20, " FOR UPDATE", false, "locking read: FOR UPDATE" },
		{ 1u << 20, " LOCK IN SHARE MODE", false, "locking read: LOCK IN SHARE MODE" },
		{ 1u << 20, "; DELETE FROM t", false, "write: DELETE" },
		{ 1u << 20, " AND g(1)", false, "side effect: stored function call" },
		{ 1u << 20, " AND @a", false, "session: @user variable" },
		{ 16u << 20, "", true, "read: SELECT" },
		{ 16u << 20, " FOR UPDATE", false, "locking read: FOR UPDATE" },
		{ 16u << 20, " 'unterminated", false, "unknown: unterminated string" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len;
		char *sql = long_select(cases[i].size, cases[i].tail, &len);
		struct sql_verdict v;
		char got[128];

		sql_classify(sql, len, 0, &v);
		snprintf(got, sizeof got, "%s: %s", sql_reason_name(v.reason), v.what);
		cr_expect(v.safe == cases[i].safe && strcmp(got, cases[i].expect) == 0,
			  "long_statements[%zu] (%zu bytes, tail \"%s\"): expected %s, got %s %s",
			  i, len, cases[i].tail, cases[i].expect, v.safe ? "safe" : "unsafe", got);
		free(sql);
	}

	/* a long string literal and deep parenthesis nesting */
	size_t n = 4u << 20;
	char *s = malloc(n + 64);
	cr_assert_not_null(s);
	memcpy(s, "SELECT '", 8);
	memset(s + 8, 'x', n);
	memcpy(s + 8 + n, "' FOR UPDATE", 12);
	struct sql_verdict v;
	sql_classify(s, n + 20, 0, &v);
	cr_expect(!v.safe && v.reason == SQL_REASON_LOCKING_READ, "long string literal");
	size_t depth = 1u << 20;
	memcpy(s, "SELECT ", 7);
	memset(s + 7, '(', depth);
	s[7 + depth] = '1';
	memset(s + 8 + depth, ')', depth);
	sql_classify(s, 8 + 2 * depth, 0, &v);
	cr_expect(v.safe && v.reason == SQL_REASON_READ, "deep nesting");
	sql_classify(s, 8 + 2 * depth - 1, 0, &v);
	cr_expect(!v.safe && v.reason == SQL_REASON_UNKNOWN, "deep nesting, unbalanced");
	free(s);
}

/* ---- facts and the reason names ---- */
Test(classify, reason_names)
{
	static const struct { enum sql_reason r; const char *name; } names[] = {
		{ SQL_REASON_READ, "read" }, { SQL_REASON_EMPTY, "empty" },
		{ SQL_REASON_WRITE, "write" }, { SQL_REASON_TRANSACTION, "transaction" },
		{ SQL_REASON_SESSION, "session" }, { SQL_REASON_SIDE_EFFECT, "side effect" },
		{ SQL_REASON_LOCKING_READ, "locking read" }, { SQL_REASON_UNKNOWN, "unknown" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_expect_str_eq(sql_reason_name(names[i].r), names[i].name);
}

/* ---- the success path's look (sql_may_hold_state, sql_lex.c) ------------ */

#include "../../shim/sql_lex.h"

/* text in a buffer of exactly its length: ASan sees any read past it. */
static bool look(const char *text, size_t len, bool tracked)
{
	char *copy = malloc(len ? len : 1);
	bool held;

	cr_assert(copy);
	memcpy(copy, text, len);
	held = sql_may_hold_state(copy, len, tracked);
	free(copy);
	return held;
}

/* '@' and GET_LOCK at every position of texts of every length around the
 * look's 16-byte blocks: found wherever they are, and nothing else found. */
Test(look, every_position_and_length)
{
	char text[80];

	for (size_t len = 1; len <= 70; len++) {
		memset(text, 'x', len);
		text[0] = 'S', text[1] = 'E', text[2] = 'L'; /* not a word that holds state */
		cr_expect(!look(text, len, true), "len %zu: nothing to find", len);
		for (size_t at = 3; at < len; at++) {
			text[at] = '@';
			cr_expect(look(text, len, true), "len %zu: '@' at %zu", len, at);
			text[at] = '_';
			cr_expect(!look(text, len, true), "len %zu: a lone '_' at %zu", len, at);
			text[at] = 'x';
		}
		for (size_t at = 3; at + 8 <= len; at++) {
			memcpy(text + at, "get_lock", 8);
			cr_expect(look(text, len, true), "len %zu: GET_LOCK at %zu", len, at);
			memset(text + at, 'x', 8);
		}
	}
}

Test(look, first_word)
{
	static const struct {
		const char *sql;
		bool tracked, held;
	} cases[] = {
		{"SELECT 1", true, false},
		{"  select id from t where id = 42", true, false},
		{"SET @a = 1", true, true},
		{"set names utf8", true, true},
		{"SETTINGS", true, false},
		{"LOCK TABLES t READ", true, true},
		{"/* tag */ SELECT 1", true, true},
		{"CALL p()", true, true},
		{"CREATE TEMPORARY TABLE t (a int)", true, false},
		{"CREATE TEMPORARY TABLE t (a int)", false, true},
		{"USE db", false, true},
		{"USE db", true, false},
		{"PREPARE s FROM 'SELECT 1'", false, true},
		{"INSERT INTO t VALUES (1)", true, false},
		{"", true, false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(look(cases[i].sql, strlen(cases[i].sql), cases[i].tracked),
			     cases[i].held, "%s (tracked: %d)", cases[i].sql, cases[i].tracked);
}
