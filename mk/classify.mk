# classify.mk - the statement classifier (shim/classify.c): the command
# mysql-reconnect-classify, its unit tests (plain and with ASan+UBSan), a
# CLI test, a purity check of the object, the fuzzer and the benchmark.
#
#   make test-classify     all of the above but the benchmark, with a fuzz
#                          smoke run of FUZZ_SMOKE_SECONDS (default 3) and
#                          a check of the generated shim/classify_words.h
#   make fuzz              the fuzzer for FUZZ_SECONDS (default 60)
#   make bench-classify    nanoseconds per classification

FUZZ_SMOKE_SECONDS ?= 3
FUZZ_SECONDS       ?= 60
FUZZ_CC            ?= clang

# The classifier and the lexer it shares with the log's literal masking.
CLS_SRCS      := shim/classify.c shim/sql_lex.c shim/sql_mask.c
CLS_HDRS      := shim/classify.h shim/sql_lex.h shim/classify_words.h
CLS_OBJ       := $(CLS_SRCS:%.c=$(B)/obj/%.o)
CLS_TOOL      := $(B)/mysql-reconnect-classify
CLS_TEST      := $(B)/tests/test-classify
CLS_TEST_ASAN := $(B)/tests/test-classify-asan
CLS_FUZZ      := $(B)/fuzz/fuzz-classify
CLS_BENCH     := $(B)/bench/bench-classify
CLS_WORDS     := $(B)/classify_words.h
CLS_CRITERION := $(shell pkg-config --cflags --libs criterion 2>/dev/null || echo -lcriterion)
# Criterion's Test() functions have no prototypes.
CLS_TEST_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -Wno-missing-prototypes -O1 -g
CLS_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all

# Symbols the pure module may use: anything else (allocation, stdio, locale,
# errno...) fails the check, as does any writable data or bss symbol.
CLS_ALLOWED_UNDEF := memchr memcmp memcpy memmove memset strlen __stack_chk_fail \
                     __memcpy_chk __memmove_chk __memset_chk _GLOBAL_OFFSET_TABLE_

TOOLS         += $(CLS_TOOL)
INSTALL_BINS  += $(CLS_TOOL)
INSTALL_MAN1  += man/mysql-reconnect-classify.1
TEST_TARGETS  += test-classify
BENCH_TARGETS += bench-classify

.PHONY: test-classify classify-purity classify-words-check fuzz-classify bench-classify

$(CLS_TOOL): tools/classify.c $(CLS_OBJ) $(CLS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tools/classify.c $(CLS_OBJ)

$(CLS_TEST): tests/unit/test_classify.c $(CLS_OBJ) $(CLS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CLS_TEST_CFLAGS) -o $@ tests/unit/test_classify.c $(CLS_OBJ) $(CLS_CRITERION)

$(CLS_TEST_ASAN): tests/unit/test_classify.c $(CLS_SRCS) $(CLS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CLS_TEST_CFLAGS) $(CLS_SAN) -o $@ tests/unit/test_classify.c $(CLS_SRCS) \
	    $(CLS_CRITERION)

# libFuzzer, compiling the module itself with the sanitizers.
$(CLS_FUZZ): fuzz/fuzz_classify.c $(CLS_SRCS) $(CLS_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -O1 -g \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -o $@ fuzz/fuzz_classify.c $(CLS_SRCS)

$(CLS_BENCH): bench/bench_classify.c $(CLS_OBJ) $(CLS_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ bench/bench_classify.c $(CLS_OBJ)

classify-purity: $(CLS_OBJ)
	@undef=$$(nm $(CLS_OBJ) | awk '$$1 == "U" { print $$2 }' | sort -u); \
	defined=$$(nm $(CLS_OBJ) | awk '$$2 == "T" { print $$3 }'); \
	bad=; for s in $$undef; do \
	    case " $(CLS_ALLOWED_UNDEF) "$$(echo $$defined)" " in *" $$s "*) ;; *) bad="$$bad $$s";; esac; \
	done; \
	data=$$(nm $(CLS_OBJ) | awk 'NF == 3 && $$2 ~ /^[BbDdGgSsC]$$/ { print $$3 }'); \
	if [ -n "$$bad" ] || [ -n "$$data" ]; then \
	    echo "the classifier is not pure: undefined:$$bad; writable:" $$data >&2; exit 1; \
	fi; \
	echo "classify, sql_lex, sql_mask are pure: no allocation, no writable data (uses:" $$undef")"

# The committed word table must be what its generator writes.
classify-words-check:
	@mkdir -p $(dir $(CLS_WORDS))
	scripts/gen-classify-words > $(CLS_WORDS)
	diff -u shim/classify_words.h $(CLS_WORDS)

# The smoke run works on a copy of the corpus: the repository's stays as is.
TEST_BUILDS += $(CLS_TEST) $(CLS_TEST_ASAN) $(CLS_TOOL) $(CLS_FUZZ)

test-classify: $(CLS_TEST) $(CLS_TEST_ASAN) $(CLS_TOOL) $(CLS_FUZZ) classify-purity \
	       classify-words-check
	$(CLS_TEST) --jobs 2
	ASAN_OPTIONS=detect_leaks=1 $(CLS_TEST_ASAN) --jobs 2
	tests/unit/classify_cli.sh $(CLS_TOOL)
	rm -rf $(B)/fuzz/smoke && mkdir -p $(B)/fuzz/smoke/corpus
	cp fuzz/corpus/* $(B)/fuzz/smoke/corpus/
	@if ! $(CLS_FUZZ) -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=4096 \
	    -artifact_prefix=$(B)/fuzz/smoke/ -print_final_stats=1 \
	    $(B)/fuzz/smoke/corpus > $(B)/fuzz/smoke/log 2>&1; then \
	    tail -n 40 $(B)/fuzz/smoke/log; echo "fuzz smoke run FAILED" >&2; exit 1; \
	fi; \
	grep -E '^(Done|stat::number_of_executed_units)' $(B)/fuzz/smoke/log; \
	echo "fuzz smoke run: $(FUZZ_SMOKE_SECONDS) s, no crash"

# A longer run; its corpus ($(B)/fuzz/corpus) grows from the seeds.
fuzz: fuzz-classify
fuzz-classify: $(CLS_FUZZ)
	mkdir -p $(B)/fuzz/corpus
	cp -n fuzz/corpus/* $(B)/fuzz/corpus/ 2>/dev/null || true
	$(CLS_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=$(B)/fuzz/ -print_final_stats=1 $(B)/fuzz/corpus

bench-classify: $(CLS_BENCH)
	$(CLS_BENCH)
