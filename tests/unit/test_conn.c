/* Connection registry: tracking, forgetting, growth.  Concurrent lookups
 * are exercised by stress_conn.c (also under ThreadSanitizer). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "conn.h"

/* The shim reports mutex failures through init.c; here it is a failure. */
void shim_mutex_failed(const char *op, int err, const char *file, int line);
void shim_mutex_failed(const char *op, int err, const char *file, int line)
{
	cr_assert_fail("mutex %s failed (%d) at %s:%d", op, err, file, line);
}

#define MANY 5000

Test(conn, track_find_forget)
{
	MYSQL *a = (MYSQL *)0x1000, *b = (MYSQL *)0x2000;
	struct conn *ca = conn_track(a);

	cr_assert_neq(ca, NULL);
	cr_expect_eq(conn_find(a), ca);
	cr_expect_eq(ca->mysql, a);
	cr_expect_eq(conn_find(b), NULL);
	cr_expect_eq(conn_find(NULL), NULL);
	ca->flags = CONN_DEAD;
	cr_expect_eq(conn_track(a), ca, "tracking again reuses and resets");
	cr_expect_eq(ca->flags, 0);
	conn_forget(a);
	cr_expect_eq(conn_find(a), NULL);
	conn_forget(a);
	conn_forget(NULL);
}

Test(conn, many_handles_grow_and_shrink)
{
	static MYSQL *handles[MANY];

	for (int i = 0; i < MANY; i++) {
		handles[i] = (MYSQL *)(uintptr_t)(0x10000 + 64 * i);
		cr_assert_neq(conn_track(handles[i]), NULL);
	}
	for (int i = 0; i < MANY; i++)
		cr_assert_eq(conn_find(handles[i])->mysql, handles[i], "%d", i);
	for (int i = 0; i < MANY; i += 2)
		conn_forget(handles[i]);
	for (int i = 0; i < MANY; i++) {
		struct conn *c = conn_find(handles[i]);

		if (i % 2)
			cr_assert(c && c->mysql == handles[i], "kept %d", i);
		else
			cr_assert_eq(c, NULL, "forgot %d", i);
	}
	for (int i = 1; i < MANY; i += 2)
		conn_forget(handles[i]);
}

Test(conn, churn_does_not_lose_neighbours)
{
	MYSQL *stay = (MYSQL *)0x7000;

	conn_track(stay);
	for (int round = 0; round < 100000; round++) {
		MYSQL *h = (MYSQL *)(uintptr_t)(0x900000 + 16 * (round % 3000));

		conn_track(h);
		conn_forget(h);
	}
	cr_expect_neq(conn_find(stay), NULL);
	conn_forget(stay);
}

Test(conn, fork_generation_advances_in_child_only)
{
	unsigned before = conn_generation();

	conn_atfork_prepare();
	conn_atfork_parent();
	cr_expect_eq(conn_generation(), before);
	conn_atfork_prepare();
	conn_atfork_child();
	cr_expect_eq(conn_generation(), before + 1);
	cr_expect_neq(conn_track((MYSQL *)0x3000), NULL, "writer lock usable after child reinit");
}
