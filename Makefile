# mysql-reconnect - see README.md.
#
#   make            build/libmysqlreconnect.so and the tools
#   make test       unit tests, fuzz smoke run, integration tests (real server)
#   make test-mysql Oracle's libmysqlclient and MySQL's server (a Debian sid root)
#   make demo       the main job against a throwaway local server
#   make bench      success-path and classifier benchmarks, the figures
#   make chaos      the soak (DURATION=600 seconds by default)
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        build/mysql-reconnect_VERSION_ARCH.deb (debian/, in a copy)
#   make deb-check  as root: install that package, test it, purge it
#
# Parts of the build live in mk/*.mk; each appends to the lists below.
# `make test` and `make demo` first install missing Debian packages when run
# as root (scripts/install-deps), or print the apt-get line to run.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

SHELL   := /bin/bash
CC      ?= cc
B       := build

MARIADB_CFLAGS := $(shell pkg-config --cflags libmariadb 2>/dev/null || echo -I/usr/include/mariadb)
MARIADB_LIBS   := $(shell pkg-config --libs libmariadb 2>/dev/null || echo -lmariadb)

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
            -Wstrict-prototypes -Wwrite-strings -Wformat-security -fno-common
CFLAGS   ?= -O2 -g
# CPPFLAGS and LDFLAGS are empty unless given; dpkg-buildflags gives them for
# the Debian package (_FORTIFY_SOURCE; -z relro -z now), so the link line of
# everything installed takes $(LDFLAGS).
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP

# The shim: PIC, hidden by default; only the hooks are exported.
SHIM_SRCS := $(wildcard shim/*.c)
SHIM_OBJS := $(SHIM_SRCS:%.c=$(B)/obj/%.o)
SHIM_CFLAGS = $(ALL_CFLAGS) -fPIC -fvisibility=hidden -ftls-model=initial-exec $(MARIADB_CFLAGS)
SHIM_LIB  := $(B)/libmysqlreconnect.so

# Pure modules that tests and tools may link directly (no client library).
PURE_OBJS = $(B)/obj/shim/classify.o $(B)/obj/shim/sql_lex.o $(B)/obj/shim/sql_mask.o \
            $(B)/obj/shim/config.o $(B)/obj/shim/logfmt.o

TOOLS        := $(B)/mysql-reconnect $(B)/mysql-reconnect-report
TEST_TARGETS :=
TEST_LATE_TARGETS :=
TEST_BUILDS :=
BENCH_TARGETS :=
INSTALL_BINS := $(B)/mysql-reconnect $(B)/mysql-reconnect-report
INSTALL_MAN1 := man/mysql-reconnect.1 man/mysql-reconnect-report.1

.PHONY: all test demo bench fuzz install uninstall clean deps man
all: $(SHIM_LIB) tools man

include $(wildcard mk/*.mk)

tools: $(TOOLS)

# The manual pages name the library of the installation they belong to:
# man/ holds them with @LIBRARY@; `make` writes build/man/ with the build
# tree's library, `make install` writes LIBDIR's (the Debian package's, as
# debian/rules gives LIBDIR).  A hyphen in the path is \- for troff.  Their
# date and version (@DATE@, @VERSION@) are set here, the same for all.
MAN_DATE    := December 2026
MAN_VERSION := 0.1.0
man_subst = sed -e 's|@LIBRARY@|$(subst -,\\-,$(1))|g' -e 's|@DATE@|$(MAN_DATE)|g' \
                -e 's|@VERSION@|$(MAN_VERSION)|g'
MAN_PAGES = $(INSTALL_MAN1) man/libmysqlreconnect.8

man: $(MAN_PAGES:man/%=$(B)/man/%)

$(B)/man/%: man/% Makefile
	@mkdir -p $(dir $@)
	$(call man_subst,$(abspath $(SHIM_LIB))) $< > $@

$(B)/obj/shim/%.o: shim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(SHIM_CFLAGS) -c -o $@ $<

# Only the hooks (and dlsym, shim/dlsym.c) are exported, unversioned, so that
# versioned references (mysql_real_query@libmysqlclient_18) bind to them too;
# the rest is local.
SHIM_MAP := $(B)/exports.map
$(SHIM_MAP): shim/hooks.def Makefile
	@mkdir -p $(B)
	{ printf '{\n  global:\n'; sed -n 's/^HOOK(\([a-z_]*\),.*/    \1;/p' $<; \
	  printf '    dlsym;\n  local: *;\n};\n'; } > $@

$(SHIM_LIB): $(SHIM_OBJS) $(SHIM_MAP)
	$(CC) $(LDFLAGS) -shared -o $@ $(SHIM_OBJS) -Wl,--version-script=$(SHIM_MAP) \
	    -Wl,-z,now -Wl,-z,relro -Wl,--no-undefined -ldl -lpthread

# The wrapper knows where the library is: the build tree here, LIBDIR when installed.
$(B)/mysql-reconnect: tools/mysql-reconnect.in
	@mkdir -p $(B)
	sed 's|@LIBRARY@|$(abspath $(SHIM_LIB))|' $< > $@ && chmod 755 $@

$(B)/mysql-reconnect-report: tools/mysql-reconnect-report
	@mkdir -p $(B)
	cp $< $@ && chmod 755 $@

deps:
	scripts/install-deps

# Everything the suites run is built first, on every core (the machine's
# time goes to compiling otherwise); then the unit-level suites, one at a
# time, then the ones that need a real server.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Every check is counted (tests/count-results) and the run ends with one
# line: "test: N passed, N failed".
test:
	scripts/install-deps test
	$(MAKE) --no-print-directory -j$(TEST_JOBS) all $(TEST_BUILDS)
	@rm -f $(B)/test-counts
	@set -o pipefail; $(MAKE) --no-print-directory $(TEST_TARGETS) 2>&1 | \
	    tests/count-results $(B)/test-counts
	@set -o pipefail; $(MAKE) --no-print-directory $(TEST_LATE_TARGETS) 2>&1 | \
	    tests/count-results $(B)/test-counts
	@read -r passed failed < $(B)/test-counts; echo "test: $$passed passed, $$failed failed"

bench:
	scripts/install-deps bench
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory $(BENCH_TARGETS)

# The build's compiler lines go to a log: the demo's output is the story.
demo:
	scripts/install-deps demo
	@mkdir -p $(B)
	@echo "==> building (compiler output in $(B)/demo-build.log)"
	@$(MAKE) --no-print-directory all > $(B)/demo-build.log 2>&1 || \
	    { tail -n 40 $(B)/demo-build.log; echo "make demo: the build failed"; exit 1; }
	scripts/demo

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8
	install -m 644 $(SHIM_LIB) $(DESTDIR)$(LIBDIR)/libmysqlreconnect.so
	sed 's|@LIBRARY@|$(LIBDIR)/libmysqlreconnect.so|' tools/mysql-reconnect.in > $(DESTDIR)$(BINDIR)/mysql-reconnect
	chmod 755 $(DESTDIR)$(BINDIR)/mysql-reconnect
	for f in $(filter-out $(B)/mysql-reconnect,$(INSTALL_BINS)); do \
	    install -m 755 $$f $(DESTDIR)$(BINDIR)/; done
	for f in $(MAN_PAGES); do \
	    d=$(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}; \
	    $(call man_subst,$(LIBDIR)/libmysqlreconnect.so) $$f > $$d && chmod 644 $$d || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libmysqlreconnect.so
	for f in $(notdir $(INSTALL_BINS)); do rm -f $(DESTDIR)$(BINDIR)/$$f; done
	for f in $(notdir $(INSTALL_MAN1)); do rm -f $(DESTDIR)$(MANDIR)/man1/$$f; done
	rm -f $(DESTDIR)$(MANDIR)/man8/libmysqlreconnect.8

clean:
	rm -rf $(B)

-include $(shell find $(B) -path $(B)/mysql-sid -prune -o -name '*.d' -type f -print 2>/dev/null)
