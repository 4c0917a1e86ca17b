# Success-path benchmarks: the shim against a stub client library (ns,
# allocations, system calls per call) and against a real server.

# The project's one stand-in client library (tests/stub/), in its instant
# mode, under the real library's soname.
$(B)/bench/libmariadb.so.3: $(B)/stub/libmariadb.so.3
	@mkdir -p $(dir $@)
	cp $< $@

$(B)/bench/bench_success_path: bench/bench_success_path.c $(B)/bench/libmariadb.so.3
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -O2 $(MARIADB_CFLAGS) -Itests/stub -o $@ $< \
	    -L$(B)/bench -l:libmariadb.so.3

$(B)/bench/bench_server: bench/bench_server.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 $(MARIADB_CFLAGS) -o $@ $< $(MARIADB_LIBS)

.PHONY: bench-success-path
bench-success-path: $(SHIM_LIB) $(B)/bench/bench_success_path $(B)/bench/bench_server
	bench/run $(B)

BENCH_TARGETS += bench-success-path

# How soon a program has its answer after a restarted server accepts again.
.PHONY: bench-recovery
bench-recovery: $(SHIM_LIB) $(B)/tests/sqlpipe
	bench/recovery $(B) 10

BENCH_TARGETS += bench-recovery

# Instructions per query (callgrind), sysbench throughput, a read after a
# KILL, 64 threads through a restart.
.PHONY: bench-figures
bench-figures: $(SHIM_LIB) integration-build $(B)/bench/bench_server
	bench/figures $(B)

BENCH_TARGETS += bench-figures

# The soak: the chaos workload under KILL storms, restarts and crashes, then
# the verdict (bench/chaos).  make chaos DURATION=600; a 10 s run is part of
# make test.
DURATION ?= 600
.PHONY: chaos test-chaos
chaos: $(SHIM_LIB) integration-build
	bench/chaos $(B) $(DURATION)

test-chaos: $(SHIM_LIB) integration-build
	bench/chaos $(B) 10

TEST_LATE_TARGETS += test-chaos
