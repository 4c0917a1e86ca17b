# doctor.mk - mysql-reconnect-doctor: can the library help this program?
#
#   make test-doctor    its verdicts on real programs: a C client linked with
#                       the shared client library and one linked with its
#                       static archive, Debian's mariadb client, php, perl,
#                       python3 with MySQLdb and with PyMySQL, ruby, lua, tcl,
#                       scripts, running processes, settings, --json, usage;
#                       and the README's reach table against the doctor and
#                       the integration tests; a fuzz smoke run of its ELF
#                       reader (FUZZ_SMOKE_SECONDS)

DOCTOR_SRCS := $(wildcard tools/doctor/*.c)
DOCTOR_HDRS := $(wildcard tools/doctor/*.h) shim/config.h
DOCTOR      := $(B)/mysql-reconnect-doctor
# A client linked with the client library's static archive: out of reach.
DOCTOR_STATIC_CLIENT := $(B)/tests/sqlpipe-static

TOOLS        += $(DOCTOR)
INSTALL_BINS += $(DOCTOR)
INSTALL_MAN1 += man/mysql-reconnect-doctor.1
TEST_TARGETS += test-doctor

.PHONY: test-doctor

$(DOCTOR): $(DOCTOR_SRCS) $(DOCTOR_HDRS) $(B)/obj/shim/config.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(DOCTOR_SRCS) $(B)/obj/shim/config.o

$(DOCTOR_STATIC_CLIENT): tests/clients/sqlpipe.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(MARIADB_CFLAGS) -o $@ $< \
	    $$(pkg-config --libs --static libmariadb 2>/dev/null | sed 's/-lmariadb/-l:libmariadb.a/')

# Programs linked with Oracle's libmysqlclient, for the reach table's rows:
# what the doctor reads is the soname a program needs and the functions the
# library exports, so a stand-in of that soname exporting mysql_real_connect
# is what such a program looks like to it (the real library runs in
# make test-mysql).
ORACLE_CLIENTS := $(B)/tests/oracle-so24/app $(B)/tests/oracle-so21/app
$(B)/tests/oracle-so%/app:
	@mkdir -p $(dir $@)
	echo 'void mysql_real_connect(void) {}' | $(CC) -x c -shared -fPIC \
	    -Wl,-soname,libmysqlclient.so.$* -o $(dir $@)libmysqlclient.so.$* -
	echo 'void mysql_real_connect(void); int main(void) { mysql_real_connect(); return 0; }' | \
	    $(CC) -x c -o $@ - -x none $(dir $@)libmysqlclient.so.$* -Wl,-rpath,'$$ORIGIN'

# The checks run the doctor built with ASan+UBSan (it reads arbitrary files);
# the reach table, the doctor as built.
DOCTOR_ASAN := $(B)/tests/mysql-reconnect-doctor-asan

$(DOCTOR_ASAN): $(DOCTOR_SRCS) $(DOCTOR_HDRS) shim/config.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o $@ $(DOCTOR_SRCS) shim/config.c

# The ELF reader under libFuzzer, seeded with small objects that need the
# client library, define its entry point, or only name it.
DOCTOR_FUZZ       := $(B)/fuzz/fuzz-elf
DOCTOR_FUZZ_SEEDS := $(B)/fuzz/elf-seeds
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_CC            ?= clang

$(DOCTOR_FUZZ): fuzz/fuzz_elf.c tools/doctor/elf_file.c tools/doctor/elf_file.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) -O1 -g \
	    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	    -o $@ fuzz/fuzz_elf.c tools/doctor/elf_file.c

$(DOCTOR_FUZZ_SEEDS)/.made:
	@mkdir -p $(dir $@)
	echo 'int mysql_real_connect(void); int f(void) { return mysql_real_connect(); }' | \
	    $(CC) -x c -shared -fPIC -o $(dir $@)needs.so - $(MARIADB_LIBS)
	echo 'int mysql_real_connect(void) { return 0; }' | \
	    $(CC) -x c -shared -fPIC -o $(dir $@)defines.so -
	echo 'const char *n[] = {"mysql_real_connect", "mysql_init", "mysql_close"};' | \
	    $(CC) -x c -shared -fPIC -Wl,-rpath,/opt/x:\$$ORIGIN -o $(dir $@)names.so -
	strip -o $(dir $@)stripped.so $(dir $@)needs.so
	cp $(dir $@)needs.so $(dir $@)sectionless.so
	printf '\000\000\000\000\000\000\000\000' | \
	    dd of=$(dir $@)sectionless.so bs=1 seek=40 conv=notrunc 2>/dev/null
	touch $@

.PHONY: fuzz-elf-smoke
fuzz-elf-smoke: $(DOCTOR_FUZZ) $(DOCTOR_FUZZ_SEEDS)/.made
	rm -rf $(B)/fuzz/elf-smoke && mkdir -p $(B)/fuzz/elf-smoke/corpus
	cp $(DOCTOR_FUZZ_SEEDS)/*.so $(B)/fuzz/elf-smoke/corpus/
	@if ! $(DOCTOR_FUZZ) -max_total_time=$(FUZZ_SMOKE_SECONDS) -max_len=20000 \
	    -artifact_prefix=$(B)/fuzz/elf-smoke/ -print_final_stats=1 \
	    $(B)/fuzz/elf-smoke/corpus > $(B)/fuzz/elf-smoke/log 2>&1; then \
	    tail -n 40 $(B)/fuzz/elf-smoke/log; echo "ELF fuzz smoke run FAILED" >&2; exit 1; \
	fi; \
	grep -E '^stat::number_of_executed_units' $(B)/fuzz/elf-smoke/log; \
	echo "ELF reader fuzz smoke run: $(FUZZ_SMOKE_SECONDS) s, no crash"

# The README's reach table names a doctor target per row (the integration
# test programs among them) and the tests that show it.
TEST_BUILDS += $(DOCTOR) $(DOCTOR_ASAN) $(DOCTOR_STATIC_CLIENT) $(DOCTOR_FUZZ) $(ORACLE_CLIENTS) \
               $(DOCTOR_FUZZ_SEEDS)/.made

test-doctor: $(DOCTOR) $(DOCTOR_ASAN) $(DOCTOR_STATIC_CLIENT) $(B)/tests/sqlpipe $(SHIM_LIB) \
	     $(ORACLE_CLIENTS) \
	     $(B)/tests/sqlpipe_module.so $(B)/tests/dlsymhost $(B)/tests/integration \
	     fuzz-elf-smoke
	ASAN_OPTIONS=detect_leaks=1 tests/unit/doctor_cli.sh $(DOCTOR_ASAN) $(SHIM_LIB) \
	    $(B)/tests/sqlpipe $(DOCTOR_STATIC_CLIENT)
	tests/unit/reach_table.sh README.md $(DOCTOR) $(B)/tests/integration tests/mysql/run
