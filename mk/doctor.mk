# doctor.mk - mysql-reconnect-doctor: can the library help this program?
#
#   make test-doctor    its verdicts on real programs: a C client linked with
#                       the shared client library and one linked with its
#                       static archive, Debian's mariadb client, php, perl,
#                       python3 with MySQLdb and with PyMySQL, ruby, lua, tcl,
#                       scripts, running processes, settings, --json, usage;
#                       and the README's reach table against the doctor and
#                       the integration tests

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

# The same checks with the doctor built with ASan+UBSan: it reads arbitrary files.
DOCTOR_ASAN := $(B)/tests/mysql-reconnect-doctor-asan

$(DOCTOR_ASAN): $(DOCTOR_SRCS) $(DOCTOR_HDRS) shim/config.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o $@ $(DOCTOR_SRCS) shim/config.c

# The README's reach table names a doctor target per row (the integration
# test programs among them) and the tests that show it.
test-doctor: $(DOCTOR) $(DOCTOR_ASAN) $(DOCTOR_STATIC_CLIENT) $(B)/tests/sqlpipe $(SHIM_LIB) \
	     $(B)/tests/sqlpipe_module.so $(B)/tests/dlsymhost $(B)/tests/integration
	tests/unit/doctor_cli.sh $(DOCTOR) $(SHIM_LIB) $(B)/tests/sqlpipe $(DOCTOR_STATIC_CLIENT)
	tests/unit/reach_table.sh README.md $(DOCTOR) $(B)/tests/integration
	@ASAN_OPTIONS=detect_leaks=1 tests/unit/doctor_cli.sh $(DOCTOR_ASAN) $(SHIM_LIB) \
	    $(B)/tests/sqlpipe $(DOCTOR_STATIC_CLIENT) > $(B)/tests/doctor-asan.log 2>&1 || \
	    { cat $(B)/tests/doctor-asan.log; echo "doctor under ASan+UBSan FAILED" >&2; exit 1; }
	@echo "the same checks with the doctor built with ASan+UBSan: passed"
