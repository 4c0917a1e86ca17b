# Unit tests of the shim's pure modules (Criterion), also built with
# AddressSanitizer + UndefinedBehaviorSanitizer; the registry's lock-free
# lookups under load, plainly and with ThreadSanitizer; the wrapper; the
# licence, the same in LICENSE, debian/copyright and the README;
# scripts/install-deps against canned apt-get simulations; and a `make install`
# (PREFIX and LIBDIR not the defaults): the library its manual pages and
# wrapper name, its pages' one date and version, which its commands print.

CRITERION_FLAGS := $(shell pkg-config --cflags --libs criterion 2>/dev/null || echo -lcriterion)
UNIT_SRCS  := tests/unit/test_config.c tests/unit/test_logfmt.c tests/unit/test_policy.c \
              tests/unit/test_diagnose.c \
              tests/unit/test_conn.c tests/unit/test_sock.c
UNIT_SHIM  := shim/config.c shim/logfmt.c shim/classify.c shim/sql_lex.c shim/sql_mask.c \
              shim/policy.c shim/conn.c shim/client_login.c shim/registry.c shim/diagnose.c \
              shim/sock.c
UNIT_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Wno-missing-prototypes -O1 -g \
              -Ishim $(MARIADB_CFLAGS)

$(B)/tests/unit: $(UNIT_SRCS) $(UNIT_SHIM) $(wildcard shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $(UNIT_SRCS) $(UNIT_SHIM) $(CRITERION_FLAGS) -lpthread

$(B)/tests/unit-asan: $(UNIT_SRCS) $(UNIT_SHIM) $(wildcard shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o $@ $(UNIT_SRCS) $(UNIT_SHIM) $(CRITERION_FLAGS) -lpthread

STRESS_SRCS := tests/unit/stress_conn.c shim/conn.c shim/client_login.c shim/registry.c

$(B)/tests/stress-conn: $(STRESS_SRCS) $(wildcard shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $(STRESS_SRCS) -lpthread

$(B)/tests/stress-conn-tsan: $(STRESS_SRCS) $(wildcard shim/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -fsanitize=thread -o $@ $(STRESS_SRCS) -lpthread

# Recovery rules against the scriptable stand-in for the client library
# (tests/stub/): the shim's objects are linked into the test program, whose
# exported hooks then interpose on the stub as a preloaded library would.
STUB_LIB     := $(B)/stub/libmariadb.so.3
RECOVERY_SRC := tests/unit/test_recovery.c

$(STUB_LIB): tests/stub/stubclient.c tests/stub/stub.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden $(MARIADB_CFLAGS) -shared \
	    -Wl,-soname,libmariadb.so.3 -o $@ $<

# The same stand-in as an object, relinked without one function at a time
# by tests/unit/lacking.sh, and the program it runs (lazy binding: it calls
# none of what is taken away).
STUB_OBJ := $(B)/stub/stubclient.o

$(STUB_OBJ): tests/stub/stubclient.c tests/stub/stub.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden $(MARIADB_CFLAGS) -c -o $@ $<

$(B)/tests/lacking: tests/stub/lacking.c tests/stub/stub.h $(STUB_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -Itests/stub -Wl,-z,lazy -o $@ $< -L$(B)/stub -l:libmariadb.so.3

$(B)/tests/test-recovery: $(RECOVERY_SRC) $(SHIM_OBJS) $(STUB_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -Itests/stub -rdynamic -o $@ $(RECOVERY_SRC) $(SHIM_OBJS) \
	    -L$(B)/stub -l:libmariadb.so.3 -Wl,-rpath,$(abspath $(B)/stub) \
	    $(CRITERION_FLAGS) -ldl -lpthread

$(B)/tests/test-recovery-asan: $(RECOVERY_SRC) $(SHIM_SRCS) $(wildcard shim/*.h) $(STUB_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -Itests/stub -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -rdynamic -o $@ $(RECOVERY_SRC) $(SHIM_SRCS) \
	    -L$(B)/stub -l:libmariadb.so.3 -Wl,-rpath,$(abspath $(B)/stub) \
	    $(CRITERION_FLAGS) -ldl -lpthread

.PHONY: test-unit
TEST_BUILDS += $(B)/tests/unit $(B)/tests/unit-asan $(B)/tests/stress-conn \
               $(B)/tests/stress-conn-tsan $(B)/tests/test-recovery $(B)/tests/test-recovery-asan \
               $(B)/asan/libmysqlreconnect.so $(B)/tsan/libmysqlreconnect.so \
               $(STUB_OBJ) $(B)/tests/lacking

test-unit: $(B)/tests/unit $(B)/tests/unit-asan $(B)/tests/stress-conn $(B)/tests/stress-conn-tsan \
           $(B)/tests/test-recovery $(B)/tests/test-recovery-asan \
           $(B)/mysql-reconnect-report $(B)/mysql-reconnect $(SHIM_LIB) $(STUB_OBJ) \
           $(B)/tests/lacking
	$(B)/tests/unit --jobs 2
	ASAN_OPTIONS=detect_leaks=1 $(B)/tests/unit-asan --jobs 2
	$(B)/tests/test-recovery --jobs 2
	ASAN_OPTIONS=detect_leaks=1 $(B)/tests/test-recovery-asan --jobs 2
	$(B)/tests/stress-conn
	TSAN_OPTIONS=halt_on_error=1 $(B)/tests/stress-conn-tsan
	tests/unit/report_cli.sh $(B)/mysql-reconnect-report
	tests/unit/library_checks.sh $(SHIM_LIB) $(SHIM_MAP)
	tests/unit/layers.sh $(B)/obj/shim shim/layers
	tests/unit/lacking.sh $(STUB_OBJ) $(B)/tests/lacking $(SHIM_LIB)
	tests/unit/wrapper_cli.sh $(B)/mysql-reconnect
	tests/unit/licence.sh
	tests/unit/install_deps.sh scripts/install-deps
	rm -rf $(B)/install-check
	$(MAKE) --no-print-directory -s install DESTDIR=$(abspath $(B)/install-check) \
	    PREFIX=/opt/mysql-reconnect LIBDIR=/opt/mysql-reconnect/lib/private
	tests/unit/installed_paths.sh $(B)/install-check
	tests/unit/installed_pages.sh $(B)/install-check

TEST_TARGETS += test-unit

# The shim itself built with sanitizers, for integration runs that preload
# the sanitizer runtime first (LD_PRELOAD="$(gcc -print-file-name=libasan.so) ...").
SAN_VARIANTS := asan tsan
SAN_FLAGS_asan := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
SAN_FLAGS_tsan := -fsanitize=thread

$(B)/asan/libmysqlreconnect.so $(B)/tsan/libmysqlreconnect.so: $(B)/%/libmysqlreconnect.so: $(SHIM_SRCS) $(wildcard shim/*.h) shim/hooks.def $(SHIM_MAP)
	@mkdir -p $(dir $@)
	$(CC) $(SHIM_CFLAGS) -O1 $(SAN_FLAGS_$*) -shared -o $@ $(SHIM_SRCS) \
	    -Wl,--version-script=$(SHIM_MAP) -ldl -lpthread

.PHONY: sanitizer-shims
sanitizer-shims: $(B)/asan/libmysqlreconnect.so $(B)/tsan/libmysqlreconnect.so
