# deb.mk - the Debian binary package (debian/: debhelper, compat 13) and a
# check of it installed.
#
#   make deb        build/mysql-reconnect_VERSION_ARCH.deb, VERSION from
#                   debian/changelog: the working tree (without build/ and
#                   .git) is copied to build/deb/src and built there with
#                   dpkg-buildpackage -us -uc -b, so the tree is not touched;
#                   then lintian on the .changes, and a check that the
#                   package's manual pages and wrapper name the library
#                   where it puts it (tests/unit/installed_paths.sh), and
#                   that its pages and commands agree on the version and
#                   date (tests/unit/installed_pages.sh).  The
#                   .changes, .buildinfo and -dbgsym package stay in build/deb/.
#   make deb-check  as root, where the package is not installed: install that
#                   .deb, check its files, the wrapper, the manual pages and a
#                   preload, run the integration suite (TCP, then the Unix
#                   socket) against the installed library, purge it, check nothing is left
#                   (scripts/deb-check)
#
# The package installs what `make install` does (INSTALL_BINS, INSTALL_MAN1,
# man8), with PREFIX=/usr and the library in /usr/lib/MULTIARCH/mysql-reconnect/.

DEB_DIR := $(B)/deb
DEB_SRC := $(DEB_DIR)/src
# Evaluated only by the recipes below (dpkg-dev may not be installed yet).
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -SVersion)
DEB_ARCH    = $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
DEB_BASE    = mysql-reconnect_$(DEB_VERSION)_$(DEB_ARCH)
DEB_FILE    = $(B)/$(DEB_BASE).deb

.PHONY: deb deb-check

# The outer make's flags and variables (MAKEFLAGS, a CFLAGS=... given to this
# make) stay out of the package build: dpkg-buildflags sets the flags there.
deb:
	scripts/install-deps deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -cf - --exclude=./build --exclude=./.git . | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u CPPFLAGS \
	    -u LDFLAGS dpkg-buildpackage -us -uc -b
	cp $(DEB_DIR)/$(DEB_BASE).deb $(DEB_FILE)
	lintian --info $(DEB_DIR)/$(DEB_BASE).changes
	rm -rf $(DEB_DIR)/root && dpkg-deb -x $(DEB_FILE) $(DEB_DIR)/root
	tests/unit/installed_paths.sh $(DEB_DIR)/root
	tests/unit/installed_pages.sh $(DEB_DIR)/root
	@echo $(DEB_FILE)

deb-check:
	scripts/install-deps deb-check
	$(MAKE) --no-print-directory all integration-build
	DEB_CHECK_BINS="$(notdir $(INSTALL_BINS))" DEB_CHECK_MAN1="$(notdir $(INSTALL_MAN1))" \
	    scripts/deb-check $(DEB_FILE)
