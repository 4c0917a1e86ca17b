/* stub.h - a scriptable stand-in for the client library (libmariadb.so.3),
 * for millisecond tests of the shim's recovery rules.
 *
 * It models what recovery depends on, as MariaDB Connector/C behaves: one
 * server session per connect, the server status it keeps (autocommit,
 * IN_TRANS after BEGIN or a write with autocommit off), and how a dead
 * connection is noticed.  Over a Unix socket the write of the next command
 * fails, the library's own mariadb_reconnect refuses (reconnect is off),
 * clears SERVER_STATUS_IN_TRANS and reports 2006; over TCP the write
 * succeeds and the read fails: 2013.  Every statement the "server"
 * executes is recorded, with the session it ran in. */
#ifndef MRT_STUB_H
#define MRT_STUB_H

#include <stdbool.h>

#include <mysql.h>

#define STUB_API __attribute__((visibility("default")))

enum stub_transport { STUB_TCP, STUB_SOCKET };

/* Back to a fresh world: nothing connected, no script, nothing executed. */
STUB_API void stub_reset(enum stub_transport transport);

/* Every statement succeeds at once and returns rows, with nothing
 * recorded, checked or scripted: what make bench measures the shim
 * against (bench/bench_success_path.c). */
STUB_API void stub_instant(bool on);

/* The server closes the current connection now (KILL, wait_timeout). */
STUB_API void stub_kill(void);

/* The next command whose text starts with `prefix` (case-insensitive) is
 * lost in flight: the server executes it (or not) and the connection drops
 * before the answer: 2013. */
STUB_API void stub_lose_in_flight(const char *prefix, bool executed);
/* The same for the next `times` such commands. */
STUB_API void stub_lose_in_flight_times(const char *prefix, bool executed, int times);

/* The next `times` mysql_store_result calls for a statement that starts
 * with `prefix` lose the connection while the rows stream in: 2013. */
STUB_API void stub_lose_rows(const char *prefix, int times);

/* The next `count` connect attempts fail with `err`. */
STUB_API void stub_refuse_connects(int count, unsigned err);

/* A connect or a command with no hook in between (as a dlsym()ed
 * mysql_real_connect or mysql_send_query would). */
STUB_API int stub_direct_connect(MYSQL *m);
STUB_API int stub_direct_command(const char *text);

/* How often `text` (exact) was executed, in any session; sessions so far. */
STUB_API int stub_executed(const char *text);
STUB_API int stub_sessions(void);
/* The library's MYSQL_OPT_RECONNECT as the shim left it, and as it was
 * while the last command ran. */
STUB_API bool stub_library_reconnect(void);
STUB_API bool stub_library_reconnect_in_command(void);

/* Prepared statements take `n` parameters from their next prepare on. */
STUB_API void stub_set_param_count(unsigned long n);

/* How many executions of the prepared statement carried long data. */
STUB_API int stub_executions_with_long_data(void);

#endif
