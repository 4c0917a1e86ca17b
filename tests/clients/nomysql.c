/* nomysql - never touches MySQL; exercises what a preloaded library could
 * disturb, with fully deterministic output so a test can compare runs with
 * and without the shim byte for byte.
 *
 *   nomysql STATUS [VAR...]
 *
 * Prints to stdout and stderr, runs threads, forks a child, reports the
 * syslog mask (without ever logging), signal dispositions, umask, the open
 * descriptors, the named environment variables and a digest of the whole
 * environment except LD_PRELOAD (and a shell's _ and SHLVL); leaves an unterminated line in stdout's
 * buffer for exit() to flush; exits with STATUS. */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define NTHREADS 4

extern char **environ;

struct job {
	pthread_t tid;
	unsigned n;
	unsigned long long sum;
};

static void *sum_squares(void *arg)
{
	struct job *j = arg;
	unsigned i;

	for (i = 1; i <= j->n; i++)
		j->sum += (unsigned long long)i * i;
	return NULL;
}

static void report_threads(void)
{
	struct job jobs[NTHREADS];
	int i;

	for (i = 0; i < NTHREADS; i++) {
		jobs[i].n = 1000u * (unsigned)(i + 1);
		jobs[i].sum = 0;
		pthread_create(&jobs[i].tid, NULL, sum_squares, &jobs[i]);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(jobs[i].tid, NULL);
		printf("thread %d sum=%llu\n", i, jobs[i].sum);
	}
}

static void report_fork(void)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		printf("child says hello\n");
		fflush(stdout);
		_exit(42);
	}
	waitpid(pid, &status, 0);
	printf("child exited=%d status=%d\n", WIFEXITED(status), WEXITSTATUS(status));
}

/* setlogmask(0) only reads the mask: nothing reaches any syslog. */
static void report_logmask(void)
{
	int mask = setlogmask(0);

	printf("logmask=%#x\n", (unsigned)mask);
	setlogmask(LOG_UPTO(LOG_NOTICE));
	printf("logmask after set=%#x\n", (unsigned)setlogmask(0));
	setlogmask(mask);
}

static const char *disposition(int sig)
{
	struct sigaction sa;

	sigaction(sig, NULL, &sa);
	if (sa.sa_handler == SIG_DFL)
		return "default";
	if (sa.sa_handler == SIG_IGN)
		return "ignore";
	return "handler";
}

static void report_process_state(void)
{
	static const int sigs[] = {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGUSR1};
	mode_t mask = umask(022);
	size_t i;

	umask(mask);
	printf("umask=%03o\n", (unsigned)mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		printf("signal %s=%s\n", strsignal(sigs[i]), disposition(sigs[i]));
}

/* A library that opened a socket or file at load time would show up here. */
static void report_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = d ? dirfd(d) : -1;

	printf("fds:");
	while (d && (e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd > 2 && fd != self)
			printf(" %d", fd);
	}
	printf("\n");
	if (d)
		closedir(d);
}

/* Entries a shell (such as a wrapper script) sets for itself, and ours. */
static bool ignored_variable(const char *entry)
{
	return strncmp(entry, "LD_PRELOAD=", 11) == 0 || strncmp(entry, "_=", 2) == 0 ||
	       strncmp(entry, "SHLVL=", 6) == 0;
}

/* FNV-1a of each entry, summed: the order of environ does not matter (a
 * shell re-exports in its own order), the content does. */
static void report_environment(int nvars, char **vars)
{
	uint64_t sum = 0;
	unsigned count = 0;
	char **e;
	int i;

	for (e = environ; *e; e++) {
		uint64_t h = 1469598103934665603ull;
		const char *p;

		if (ignored_variable(*e))
			continue;
		for (p = *e; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		sum += h;
		count++;
	}
	printf("environment entries=%u digest=%016llx\n", count, (unsigned long long)sum);
	for (i = 0; i < nvars; i++) {
		const char *v = getenv(vars[i]);

		printf("env %s=%s\n", vars[i], v ? v : "(unset)");
	}
}

int main(int argc, char **argv)
{
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: nomysql STATUS [VAR...]\n");
		return 64;
	}
	status = atoi(argv[1]);
	printf("nomysql start\n");
	fprintf(stderr, "stderr line 1\n");
	report_threads();
	report_fork();
	report_logmask();
	report_process_state();
	report_fds();
	report_environment(argc - 2, argv + 2);
	fprintf(stderr, "stderr line 2, exiting with %d\n", status);
	printf("unterminated last line");
	exit(status);
}
