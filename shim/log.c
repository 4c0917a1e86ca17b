/* log.c - syslog datagrams and stderr lines. */
#include "log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "mutex.h"

#define TAG "mysql-reconnect"

static pthread_mutex_t lock = SHIM_MUTEX_INITIALIZER;
static int sock = -1;
static struct stat sock_stat; /* to notice a host that closed and reused our fd */
static atomic_ulong dropped; /* lines syslog did not take */

static bool still_ours(void)
{
	struct stat now;

	return sock >= 0 && fstat(sock, &now) == 0 && now.st_dev == sock_stat.st_dev &&
	       now.st_ino == sock_stat.st_ino;
}

static void open_socket(const char *path)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	strncpy(addr.sun_path, path, sizeof(addr.sun_path) - 1);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    fstat(fd, &sock_stat) == 0) {
		sock = fd;
		return;
	}
	if (fd >= 0)
		close(fd);
	sock = -1;
}

static void format_datagram(char *out, size_t size, const struct shim_config *cfg,
			    int severity, const char *text)
{
	static const char *const month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	snprintf(out, size, "<%d>%s %2d %02d:%02d:%02d " TAG "[%d]: %s",
		 cfg->facility | severity, month[tm.tm_mon], tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (int)getpid(), text);
}

static bool send_once(const char *msg, size_t len)
{
	return send(sock, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len;
}

static void to_syslog(const struct shim_config *cfg, int severity, const char *text)
{
	char msg[LOGLINE_MAX + 128];

	format_datagram(msg, sizeof(msg), cfg, severity, text);
	shim_mutex_lock(&lock);
	if (!still_ours()) {
		/* Never ours any more (or never opened): do not close it. */
		sock = -1;
		open_socket(cfg->syslog_socket);
	}
	if (sock >= 0 && !send_once(msg, strlen(msg))) {
		/* The daemon may have restarted: one fresh socket, one retry. */
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			close(sock);
			open_socket(cfg->syslog_socket);
		}
		if (sock < 0 || !send_once(msg, strlen(msg)))
			dropped++;
	} else if (sock < 0) {
		dropped++;
	}
	shim_mutex_unlock(&lock);
}

static void to_stderr(const char *text)
{
	char msg[LOGLINE_MAX + 64];
	int n = snprintf(msg, sizeof(msg), TAG "[%d]: %s\n", (int)getpid(), text);

	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
		return; /* nowhere left to complain */
}

void log_emit(const struct shim_config *cfg, struct logline *line)
{
	int saved_errno = errno;
	unsigned long lost = atomic_load_explicit(&dropped, memory_order_relaxed);

	if (lost && (cfg->log_targets & LOG_TO_SYSLOG))
		logline_uint(line, "syslog_dropped", lost);
	logline_finish(line);
	if (cfg->log_targets & LOG_TO_SYSLOG)
		to_syslog(cfg, line->severity, line->buf);
	if (cfg->log_targets & LOG_TO_STDERR)
		to_stderr(line->buf);
	errno = saved_errno;
}

void log_atfork_prepare(void)
{
	shim_mutex_lock(&lock);
}

void log_atfork_parent(void)
{
	shim_mutex_unlock(&lock);
}

void log_atfork_child(void)
{
	shim_mutex_reinit(&lock);
}

void log_start(struct logline *l, int severity, const char *event)
{
	logline_init(l, severity, event);
	logline_str(l, "program", program_invocation_short_name);
	logline_uint(l, "pid", (unsigned long long)getpid());
}

bool log_once(atomic_bool *done, struct logline *l, int severity, const char *event)
{
	if (atomic_exchange(done, true))
		return false;
	log_start(l, severity, event);
	return true;
}
