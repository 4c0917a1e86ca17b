/* text.h - bounded message formatting for the doctor. */
#ifndef DOCTOR_TEXT_H
#define DOCTOR_TEXT_H

#include <stddef.h>

/* snprintf for messages, where cutting a long path short is acceptable
 * (the compiler's truncation warning is for places where it is not). */
__attribute__((format(printf, 3, 4))) void format_text(char *out, size_t size,
						       const char *fmt, ...);

#endif
