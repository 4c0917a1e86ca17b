/* clock.h - millisecond clocks.  The coarse one is read through the vDSO
 * (no system call) and is what the success path uses for idle times. */
#ifndef MYSQL_RECONNECT_CLOCK_H
#define MYSQL_RECONNECT_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_read_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static inline uint64_t clock_coarse_ms(void)
{
	return clock_read_ms(CLOCK_MONOTONIC_COARSE);
}

static inline uint64_t clock_ms(void)
{
	return clock_read_ms(CLOCK_MONOTONIC);
}

#endif
