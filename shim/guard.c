/* guard.c - the re-entry guard's one variable (guard.h), at the bottom of
 * the library: every layer that runs real calls reads it. */
#include "guard.h"

__thread unsigned shim_guard_depth;
