/* closeuse - a program with a bug: it calls the client library on a handle
 * it has closed (its own MYSQL, so the memory is still there).  Prints the
 * library's answer: OK, or ERR <errno> <message>. */
#include <stdio.h>

#include <mysql.h>

#include "connopts.h"

int main(int argc, char **argv)
{
	static MYSQL handle;
	struct connopts o = {0};

	if (connopts_parse(argc, argv, &o))
		return 64;
	mysql_init(&handle);
	if (!mysql_real_connect(&handle, o.host, o.user, o.password, o.database, o.port, o.socket,
				0)) {
		printf("CONNECT_ERR %u %s\n", mysql_errno(&handle), mysql_error(&handle));
		return 2;
	}
	mysql_close(&handle);
	if (mysql_query(&handle, "SELECT 1"))
		printf("ERR %u %s\n", mysql_errno(&handle), mysql_error(&handle));
	else
		printf("OK\n");
	return 0;
}
