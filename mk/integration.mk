# integration.mk - legacy client programs and the integration tests, which
# run against a private MariaDB server and rsyslogd (tests/harness/).
#
#   make test-integration                         all scenarios
#   tests/harness/run-integration --filter 'reads/*'   one suite (after a build)
#
# test-integration goes to TEST_LATE_TARGETS: it must run after the unit tests.

IT_DIR     := $(B)/tests
IT_OBJ     := $(B)/obj
IT_CFLAGS   = $(ALL_CFLAGS) $(MARIADB_CFLAGS)

IT_CLIENTS := $(IT_DIR)/sqlpipe $(IT_DIR)/sqlpipe_module.so $(IT_DIR)/dlhost $(IT_DIR)/dlsymhost \
              $(IT_DIR)/threads $(IT_DIR)/nomysql $(IT_DIR)/dllookup $(IT_DIR)/lookupmod.so \
              $(IT_DIR)/nonblock $(IT_DIR)/closeuse $(IT_DIR)/chaos
IT_SRCS    := $(wildcard tests/integration/*.c)
IT_OBJS    := $(IT_SRCS:%.c=$(IT_OBJ)/%.o)
IT_BIN     := $(IT_DIR)/integration

TEST_LATE_TARGETS += test-integration

.PHONY: test-integration integration-build

integration-build: $(IT_CLIENTS) $(IT_BIN)

TEST_BUILDS += integration-build

# Every scenario over TCP, then again over the Unix socket ("localhost"), where
# Connector/C notices a dead connection differently (while writing).
test-integration: $(SHIM_LIB) $(B)/mysql-reconnect integration-build
	tests/harness/run-integration
	MRT_TRANSPORT=socket tests/harness/run-integration

# The clients link the client library normally: they know nothing of the shim.
$(IT_DIR)/sqlpipe: tests/clients/sqlpipe.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -o $@ $< $(MARIADB_LIBS)

# The same source as an interpreter's extension module (see dlhost.c).
$(IT_DIR)/sqlpipe_module.so: tests/clients/sqlpipe.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -DSQLPIPE_AS_MODULE -fPIC -fvisibility=hidden -shared \
	    -o $@ $< $(MARIADB_LIBS)

# The host must not link the client library.
$(IT_DIR)/dlhost: tests/clients/dlhost.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -ldl

# Calls the client library only through dlsym()ed pointers.
$(IT_DIR)/dlsymhost: tests/clients/dlsymhost.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -o $@ $< -ldl

# dlsym() answers of every kind, printed (compared with and without the shim).
$(IT_DIR)/dllookup: tests/clients/dllookup.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -ldl

$(IT_DIR)/lookupmod.so: tests/clients/lookupmod.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -fPIC -fvisibility=hidden -shared -Wl,--no-as-needed -o $@ $< \
	    $(MARIADB_LIBS)

$(IT_DIR)/chaos: tests/clients/chaos.c tests/clients/connopts.h
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -pthread -o $@ $< $(MARIADB_LIBS)

$(IT_DIR)/closeuse: tests/clients/closeuse.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -o $@ $< $(MARIADB_LIBS)

$(IT_DIR)/nonblock: tests/clients/nonblock.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -o $@ $< $(MARIADB_LIBS)

$(IT_DIR)/threads: tests/clients/threads.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -pthread -o $@ $< $(MARIADB_LIBS)

$(IT_DIR)/nomysql: tests/clients/nomysql.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -pthread -o $@ $<

$(IT_OBJ)/tests/integration/%.o: tests/integration/%.c
	@mkdir -p $(dir $@)
	$(CC) $(IT_CFLAGS) -c -o $@ $<

$(IT_BIN): $(IT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(IT_OBJS) -lcriterion $(MARIADB_LIBS) -pthread

# The demo drives sqlpipe as its "legacy program".
# (The demo builds its client itself, after scripts/install-deps.)

# The same scenarios with the shim built with sanitizers and their runtime
# preloaded first: ASan+UBSan+LeakSanitizer on the recovery paths (not under
# perl, whose interpreter frees nothing at exit), TSan on
# the multi-threaded client and fork.
ASAN_RUNTIME = $(shell $(CC) -print-file-name=libasan.so)
TSAN_RUNTIME = $(shell $(CC) -print-file-name=libtsan.so)

.PHONY: test-integration-sanitizers
test-integration-sanitizers: $(B)/asan/libmysqlreconnect.so $(B)/tsan/libmysqlreconnect.so integration-build
	MRT_SHIM="$(ASAN_RUNTIME) $(abspath $(B)/asan/libmysqlreconnect.so)" \
	ASAN_OPTIONS=detect_leaks=1 \
	    tests/harness/run-integration --filter '@(reads|writes|transactions|session|fork|modes|stmt)/*'
	MRT_SHIM="$(TSAN_RUNTIME) $(abspath $(B)/tsan/libmysqlreconnect.so)" \
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	    tests/harness/run-integration --filter '@(threads|fork)/*'

TEST_LATE_TARGETS += test-integration-sanitizers

# Oracle MySQL: its client library and its server, in a Debian sid root built
# by tests/harness/mysql-sid (once, about 75 s of Debian packages), each
# scenario with and without the shim.  Fails loudly, naming the missing
# piece, when the environment cannot be built.
.PHONY: test-mysql
test-mysql: $(SHIM_LIB) $(IT_DIR)/sqlpipe
	tests/mysql/run $(B)
