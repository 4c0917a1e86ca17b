/* connopts.h - the connection options the small test clients share:
 * --host --port --socket --user --password --database. */
#ifndef MRT_CONNOPTS_H
#define MRT_CONNOPTS_H

#include <getopt.h>
#include <stdlib.h>

struct connopts {
	const char *host, *socket, *user, *password, *database;
	unsigned port;
};

/* 0, or 64 (EX_USAGE) on an unknown option. */
static inline int connopts_parse(int argc, char **argv, struct connopts *o)
{
	static const struct option longopts[] = {
		{"host", required_argument, NULL, 'h'},   {"port", required_argument, NULL, 'P'},
		{"socket", required_argument, NULL, 'S'}, {"user", required_argument, NULL, 'u'},
		{"password", required_argument, NULL, 'p'},
		{"database", required_argument, NULL, 'D'}, {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': o->host = optarg; break;
		case 'P': o->port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': o->socket = optarg; break;
		case 'u': o->user = optarg; break;
		case 'p': o->password = optarg; break;
		case 'D': o->database = optarg; break;
		default: return 64;
		}
	}
	return 0;
}

#endif
