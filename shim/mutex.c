/* mutex.c - what a failed mutex operation does (mutex.h): a line on
 * stderr, never an exit. */
#include "mutex.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void shim_mutex_failed(const char *op, int err, const char *file, int line)
{
	static const char fmt[] = "mysql-reconnect[%d]: internal error: mutex %s failed at %s:%d: %s\n";
	char msg[256];
	int n = snprintf(msg, sizeof(msg), fmt, (int)getpid(), op, file, line, strerror(err));

	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
		return;
}
