/* session_state.c - the names of the kinds of session state, for the log. */
#include "session_state.h"

#include <stdio.h>

const char *session_state_names(unsigned bits, char *buf, size_t size)
{
	static const char *const names[] = {
		"temporary_tables", "locks", "user_variables", "prepared_statements",
		"untracked_changes", "last_result", "last_insert_id", "next_transaction",
		"role", "routine", "one_shot_values", "sequences",
	};
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(bits & (1u << i)))
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? "," : "", names[i]);
	}
	return buf;
}
