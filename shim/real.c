/* real.c - bind the real client-library functions. */
#include "real.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dlsym.h"

struct symbol {
	const char *name;
	size_t offset; /* in struct real_api */
	unsigned needed_by; /* FEATURE_* */
};

#define SYM(field, needed_by) {#field, offsetof(struct real_api, field), needed_by}

static const struct symbol symbols[] = {
#define HOOK(name, ret, params, needed_by) SYM(name, needed_by),
#define REAL HOOK
#include "hooks.def"
};

struct real_api real_api_bound;
static char missing[256];
static unsigned features_off; /* FEATURE_* */
static pthread_once_t bind_once = PTHREAD_ONCE_INIT;

/* The shim's own load address: a candidate there is the shim itself. */
static bool is_shim(void *fn)
{
	Dl_info self, found;

	if (!dladdr((void *)&real_api_first, &self) || !dladdr(fn, &found))
		return false;
	return self.dli_fbase == found.dli_fbase;
}

#define MAX_OBJECTS 256

struct object_list {
	unsigned count;
	const char *name[MAX_OBJECTS];
};

static int collect_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct object_list *list = data;

	(void)size;
	if (info->dlpi_name && info->dlpi_name[0] && list->count < MAX_OBJECTS)
		list->name[list->count++] = info->dlpi_name;
	return 0;
}

/* The loaded object that defines mysql_real_query and is not the shim:
 * found when RTLD_NEXT cannot see a library loaded RTLD_LOCAL. */
static void *find_loaded_client_library(void)
{
	struct object_list list = {0};

	dl_iterate_phdr(collect_object, &list);
	for (unsigned i = 0; i < list.count; i++) {
		void *handle = dlopen(list.name[i], RTLD_LAZY | RTLD_NOLOAD);
		void *fn = handle ? dlsym_libc(handle, "mysql_real_query") : NULL;

		if (fn && !is_shim(fn))
			return handle; /* stays open: the library is in use anyway */
		if (handle)
			dlclose(handle);
	}
	return NULL;
}

static void *lookup(const char *name, void **library)
{
	void *fn = dlsym_libc(RTLD_NEXT, name);

	if (fn && is_shim(fn))
		fn = NULL;
	if (fn)
		return fn;
	if (!*library)
		*library = find_loaded_client_library();
	fn = *library ? dlsym_libc(*library, name) : NULL;
	return fn && !is_shim(fn) ? fn : NULL;
}

static void note_missing(const char *name)
{
	size_t used = strlen(missing);

	if (used + strlen(name) + 2 >= sizeof(missing))
		return;
	if (used)
		strcat(missing, ",");
	strcat(missing, name);
}

static void bind_all(void)
{
	void *library = NULL;

	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		void *fn = lookup(symbols[i].name, &library);

		memcpy((char *)&real_api_bound + symbols[i].offset, &fn, sizeof(fn));
		if (!fn && symbols[i].needed_by) {
			features_off |= symbols[i].needed_by;
			note_missing(symbols[i].name);
		}
	}
	/* Everything else rests on following calls and on recovery. */
	if (features_off & FEATURE_CALLS)
		features_off = FEATURE_ALL;
	if (features_off & FEATURE_RECOVERY)
		features_off |= FEATURE_IDLE_CHECK | FEATURE_FORK | FEATURE_TRACKING;
}

/* Checked before pthread_once (real.h) so that a bound table costs one
 * load. */
atomic_bool real_api_ready;

const struct real_api *real_api_first(void)
{
	pthread_once(&bind_once, bind_all);
	atomic_store_explicit(&real_api_ready, true, memory_order_release);
	return &real_api_bound;
}

void *real_bound(const char *name)
{
	const struct real_api *table = real_api();

	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if (strcmp(symbols[i].name, name) == 0) {
			void *fn;

			memcpy(&fn, (const char *)table + symbols[i].offset, sizeof(fn));
			return fn;
		}
	}
	return NULL;
}

unsigned real_features(void)
{
	real_api();
	return FEATURE_ALL & ~features_off;
}

const char *real_missing(void)
{
	real_api();
	return missing;
}

const char *real_feature_names(unsigned bits, char *buf, size_t size)
{
	static const char *const names[] = {"calls", "recovery", "idle_check", "fork",
					    "session_tracking"};
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (bits & (1u << i))
			used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
						 used ? "," : "", names[i]);
	}
	return buf;
}
