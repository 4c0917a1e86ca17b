/* text.c - see text.h. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>

void format_text(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}
