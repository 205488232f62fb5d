# SPDX-License-Identifier: GPL-2.0
# modelab: user-space library, the `modelab` command, the probes, the
# module (through Kbuild), the tests and the lab VM.
#
#   make            build bin/modelab and bin/modelab-PROBE for every probe
#   make run        the full lab report (installs what is missing first);
#                   FRESH=1 counts in the lab VM again
#   make test       every test: unit, host, lab VM
#   make ARCH=arm64|riscv64 [all|static|test-unit]  cross-build the user code
#                   into build/ARCH/ (test-unit under qemu-user)
#   make test-cross both of those ISAs: every program and the unit tests
#   make test-native ARCH=arm64|riscv64  built and unit-tested natively in
#                   a Debian chroot of that ISA, under qemu-user (slow)
#   make isas       one experiment on x86_64, arm64 and riscv64, side by side
#   make bench      modelab against its peers, measured in the same run
#   make modules    ./modelab.ko against KDIR (default: the running kernel)
#   make test-kernels  the module on Debian's kernels 5.10 to sid (slow)
#   make stress     the stress suite in the lab VM, minutes a phase
#                   (STRESS_SECONDS=120, STRESS_KERNEL=default|6.1|sid|debug)
#   make test-debug-kernel  the VM suites on a KASAN/lockdep 6.1 kernel
#                   (built once into /var/cache/modelab/debug-kernel: slow)
#   make dkms-install  the module's source to DKMS, built for DKMS_KVER
#   make dkms-remove   and out of it again
#   make vm         a shell in the lab VM with the module loaded;
#                   ARCH=arm64 or riscv64: the lab VM of that ISA
#                   (docs/lab-vm.md), and `make test-vm ARCH=...` its suite
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        the Debian packages modelab and modelab-dkms (build/deb)
#   make test-deb   install, run and purge them in bookworm and trixie chroots
#   make grade      grade LAB=NAME's WORK (CHECK=id one check; REFERENCE=1
#                   the reference solutions)
#   make starter    a student's copy of a lab (LAB=, DEST=)
#   make student-tree  DEST=dir: the class's tree, no solution in it (handout)
#   make grade-selftest  starters below full marks, solutions full, every
#                   cheat of tests/graders/ below full marks
#   make handin     grade LAB=NAME's WORK and pack it for the teacher
#   make fuzz       every parser under libFuzzer, FUZZ_SECONDS each
#                   (default 60), FUZZ_JOBS at a time (docs/fuzzing.md)
#   make regrade    DIR=handins/: the teacher's grades of the tarballs, a CSV

# ---- the ISA: ARCH=x86_64|arm64|riscv64, default the host's ---------------
# Another ISA than the host's is cross-built: bookworm's gcc-aarch64-linux-gnu
# or gcc-riscv64-linux-gnu, against a sysroot of that ISA's libseccomp, json-c
# and cmocka (scripts/cross-sysroot.sh, cached in /var/cache/modelab/cross),
# into build/ARCH/ (bin: build/ARCH/bin; static: build/ARCH/static/bin), and
# its unit tests run under qemu-user (EMU).  x86_64 keeps build/ and bin/.
HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
ARCH    ?= $(HOST_ARCH)
override ARCH := $(patsubst amd64,x86_64,$(patsubst aarch64,arm64,$(ARCH)))
ifeq ($(filter x86_64 arm64 riscv64,$(ARCH)),)
$(error ARCH=$(ARCH): modelab builds for x86_64, arm64 or riscv64)
endif
ARCH_DIR := $(if $(filter x86_64,$(ARCH)),,$(ARCH)/)
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?= $(patsubst arm64,aarch64,$(ARCH))-linux-gnu-
ifeq ($(origin CC),default)
CC      := $(CROSS_COMPILE)gcc
endif
AR      := $(CROSS_COMPILE)ar
SYSROOT := $(shell sh scripts/cross-sysroot.sh $(ARCH))
ifeq ($(SYSROOT),)
$(error no $(ARCH) sysroot: scripts/cross-sysroot.sh $(ARCH) failed)
endif
ifeq ($(ARCH)$(filter -static,$(LDFLAGS)),riscv64-static)
# riscv64, static: bookworm's binutils cannot link trixie's libc.a, so
# bookworm's own cross glibc and headers, with trixie's libseccomp.a and
# libjson-c.a (user/util/isoc23.c: the two C23 names they call)
CPPFLAGS += -idirafter $(SYSROOT)/usr/include -DML_ISOC23_SHIM
else
CPPFLAGS += --sysroot=$(SYSROOT)
# -B: the sysroot's C library first, not the cross compiler's own
LDFLAGS_ARCH := --sysroot=$(SYSROOT) -B$(SYSROOT)/usr/lib/$(CROSS_COMPILE:-=)/
endif
EMU     := qemu-$(patsubst arm64,aarch64,$(ARCH))-static -L $(SYSROOT)
endif

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS += -Iuser
LDLIBS  += -lseccomp -ljson-c -lm -pthread
ifeq ($(ARCH)$(filter -static,$(LDFLAGS)),riscv64-static)
# by path, so that -L finds no other library of the sysroot (its libc.a)
LDLIBS  := $(patsubst -l%,$(SYSROOT)/usr/lib/riscv64-linux-gnu/lib%.a,\
	     $(filter -lseccomp -ljson-c,$(LDLIBS))) \
	   $(filter-out -lseccomp -ljson-c,$(LDLIBS)) $(O)/user/util/isoc23.o
endif
O       ?= build$(if $(ARCH_DIR),/$(ARCH))
BIN     ?= $(if $(ARCH_DIR),build/$(ARCH)/bin,bin)
PREFIX  ?= /usr/local
KDIR    ?= /lib/modules/$(shell uname -r)/build
# ARCH=arm64 or riscv64 (default: this host's ISA): another ISA's lab VM,
# its kernel and module from scripts/isa.sh, its QEMU from deps.sh isas.
VM_ISA   = $(if $(filter-out x86_64 amd64,$(ARCH)),$(ARCH))

LIB_SRCS   := $(filter-out user/cli/modelab.c,$(wildcard user/*/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(O)/%.o)
# A probe family is probes/FAMILY.c or a directory probes/FAMILY/*.c;
# either way bin/modelab-FAMILY, and its objects join bin/modelab.
# probes/helpers/ holds programs of their own, not a family.
PROBE_DIRS := $(filter-out probes/helpers,$(sort $(patsubst %/,%,$(dir \
	      $(wildcard probes/*/*.c)))))
PROBES     := $(basename $(notdir $(wildcard probes/*.c))) \
	      $(notdir $(PROBE_DIRS))
family_srcs = $(wildcard probes/$(1).c probes/$(1)/*.c)
PROBE_SRCS := $(foreach p,$(PROBES),$(call family_srcs,$(p)))
HEADERS    := $(wildcard user/*.h user/*/*.h probes/*/*.h)
PROGRAMS   := $(BIN)/modelab $(PROBES:%=$(BIN)/modelab-%) $(BIN)/modelab-exit0

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
SAN        := -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all

.PHONY: all deps run test test-unit test-host test-asan test-vm test-clang test-native bench \
	test-cross isas \
	modules modules-check vm static install clean test-kernels \
	dkms-install dkms-remove test-dkms grade starter grade-selftest handin \
	fuzz fuzz-build stress test-debug-kernel \
	student-tree handout regrade \
	install-vm install-dkms-src version-check deb test-deb

all: $(PROGRAMS)

$(O)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -c -o $@ $<

$(O)/%.standalone.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DML_STANDALONE $(WARN) $(CFLAGS) -c -o $@ $<

$(O)/libmodelab.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/modelab: $(O)/user/cli/modelab.o $(PROBE_SRCS:%.c=$(O)/%.o) $(O)/libmodelab.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS_ARCH) $(LDFLAGS) -o $@ $^ $(LDLIBS)

define family_program
$(BIN)/modelab-$(1): $(patsubst %.c,$(O)/%.standalone.o,$(call family_srcs,$(1))) $(O)/libmodelab.a
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS_ARCH) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROBES),$(eval $(call family_program,$(p))))

# What the process probe's fork-exec and posix-spawn exec: static and, on
# the three ISAs of user/isa/arch.h, without libc.  Neither CFLAGS nor LDFLAGS:
# no sanitizer runtime.
EXIT0_FLAGS := -O2 -static
ifneq ($(filter x86_64-% aarch64-% riscv64-%,$(shell $(CC) -dumpmachine)),)
EXIT0_FLAGS += -nostdlib -fno-stack-protector
endif

$(BIN)/modelab-exit0: probes/helpers/exit0.c user/isa/arch.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(EXIT0_FLAGS) -o $@ $<

# Static binaries for the lab VM's initramfs, which has no libc:
# build/static/bin, or build/ARCH/static/bin for arm64 and riscv64.
static:
	$(MAKE) O=build/$(ARCH_DIR)static BIN=build/$(ARCH_DIR)static/bin \
		LDFLAGS=-static all

deps:
	@sh scripts/deps.sh

# ---- the module ---------------------------------------------------------
# kbuild names the ISAs x86, arm64 and riscv: ARCH=riscv64 becomes riscv.
KARCH = $(patsubst x86_64,x86,$(patsubst riscv64,riscv,$(patsubst aarch64,arm64,$(ARCH))))

modules:
	@test -d "$(KDIR)" || { echo "modules: no kernel build tree at $(KDIR):" \
		"this kernel may lack module support. Set KDIR, e.g." \
		"KDIR=$$(sh scripts/kdir.sh | cut -d' ' -f2)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) $(if $(ARCH),ARCH=$(KARCH)) modules

# W=1 and sparse (C=1: every file checked) must both stay silent on our
# sources.  Against Debian's kernel when the running one has no build tree.
# ARCH=arm64 or riscv64: against trixie's kernel of that ISA, in the cross
# chroot of scripts/isa.sh (sparse sees riscv's -march cut to its letters).
modules-check:
ifneq ($(VM_ISA),)
	@out=$$(bash scripts/isa.sh build $(VM_ISA)); rc=$$?; \
	log=$$(echo "$$out" | head -n 1); \
	if [ $$rc = 0 ] && [ "$$(echo "$$out" | tail -n 1)" = 0 ]; then \
		echo "modelab.ko ($(VM_ISA)) builds W=1 and sparse clean"; \
		echo "kmod-check: 1 passed, 0 failed"; \
	else grep -E 'warning|error' "$$log"; \
		echo "modelab.ko ($(VM_ISA)) is not W=1 and sparse clean ($$log)"; \
		echo "kmod-check: 0 passed, 1 failed"; exit 1; fi
else
	@kdir=$(KDIR); [ -d "$$kdir" ] || kdir=$$(sh scripts/kdir.sh | cut -d' ' -f2); \
	rm -f kmod/*.o; mkdir -p build; \
	$(MAKE) -C $$kdir M=$(CURDIR) W=1 C=2 modules 2>&1 | tee build/kmod-check.log; \
	if grep -E 'warning|error|C=2 specified' build/kmod-check.log; then \
		echo "modelab.ko is not W=1 and sparse clean"; \
		echo "kmod-check: 0 passed, 1 failed"; exit 1; \
	else echo "modelab.ko builds W=1 and sparse clean"; \
		echo "kmod-check: 1 passed, 0 failed"; fi
endif

# ---- running ------------------------------------------------------------
# FRESH=1: count in the lab VM again even when nothing it depends on changed
run: deps all
	@FRESH="$(FRESH)" sh scripts/run.sh

bench: deps all
	@sh scripts/bench.sh

vm:
	@sh scripts/deps.sh $(if $(VM_ISA),isas)
	@bash tests/vm/run.sh --shell $(if $(ARCH),--arch $(ARCH))

# One experiment on the three ISAs, side by side (scripts/isas.sh): the lab
# VM of each where this tree has one, else qemu-user; docs/isas.md reads it.
isas: deps all
	@bash scripts/isas.sh

# ---- tests --------------------------------------------------------------
# Each suite in turn, and how long it took (CI's budget: docs/tests.md).
TEST_STEPS := test-unit test-cross test-clang all test-host test-asan fuzz \
	modules-check grade-selftest test-vm
test: deps
	@set -e; for t in $(TEST_STEPS); do s=$$(date +%s); \
		$(MAKE) $$t; echo "make test: $$t took $$(($$(date +%s) - s)) s"; done

# cmocka unit tests, built with ASan and UBSan against the library's
# objects, each compiled once with them (build/unit/lib/: every test links
# them all, as it linked the sources); for another ISA, against its
# libmodelab.a and run under qemu-user, which runs no sanitizer.
ifeq ($(EMU),)
UNIT_LIB := $(LIB_SRCS:%.c=$(O)/unit/lib/%.o)
$(O)/unit/lib/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -c -o $@ $<
$(O)/unit/%: tests/unit/%.c $(UNIT_LIB) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(SAN) -o $@ $< $(UNIT_LIB) \
		-lcmocka $(LDLIBS)
else
$(O)/unit/%: tests/unit/%.c $(O)/libmodelab.a $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -O1 -g $(LDFLAGS_ARCH) -o $@ $< \
		$(O)/libmodelab.a -lcmocka $(LDLIBS)
endif

test-unit: $(UNIT_SRCS:tests/unit/%.c=$(O)/unit/%)
	@rc=0; for t in $^; do echo "== $$t"; $(EMU) $$t || rc=1; done; exit $$rc

# The user code on the other ISAs: cross-built (every program, warnings as
# errors) and its unit tests run under qemu-user (scripts/cross-test.sh).
test-cross:
	@sh scripts/cross-test.sh

# The same as a student on a Raspberry Pi or a RISC-V board does it: make
# and make test-unit in a Debian of that ISA (scripts/native-test.sh).
test-native:
	@bash scripts/native-test.sh $(if $(VM_ISA),$(VM_ISA),$(error test-native: ARCH=arm64 or ARCH=riscv64))

# The same code must build warning-free under clang too.
test-clang:
	$(MAKE) CC=clang O=build/clang BIN=build/clang/bin all

test-host: all
	@bash tests/host/run.sh

# The host suite again, against programs built with ASan and UBSan: bad
# input and whole runs must not leak, overflow or hit undefined behaviour.
test-asan:
	$(MAKE) O=build/asan BIN=build/asan/bin CFLAGS="-O1 -g $(SAN)" \
		LDFLAGS="$(SAN)" all
	@BIN=build/asan/bin MODELAB_SANITIZED=1 bash tests/host/run.sh

test-vm:
	@$(if $(VM_ISA),sh scripts/deps.sh isas)
	@bash tests/vm/run.sh $(if $(ARCH),--arch $(ARCH))

# Build and boot on each Debian kernel from 5.10 to sid's newest, with its
# suite's gcc (scripts/kernels.sh; KERNELS="6.1 sid" for a subset).  Not
# part of `make test`: it downloads ~1 GB into MODELAB_KCACHE once.
test-kernels:
	@bash scripts/kernels.sh $(KERNELS)

# ---- fuzzing (docs/fuzzing.md) ----------------------------------------------
# Each parser of untrusted input under libFuzzer (clang), with ASan and
# UBSan: tests/fuzz/fuzz_TARGET.c, its seeds in tests/fuzz/corpus/, what
# it finds kept in MODELAB_FUZZ_CACHE (outside the clone).
FUZZ_TARGETS := profile report plot options proc command
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2
FUZZ_O       := build/fuzz
FUZZ_SAN     := -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-fsanitize=address,undefined

fuzz: deps
	$(MAKE) fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) \
		bash scripts/fuzz.sh $(FUZZ_TARGETS)

fuzz-build:
	$(MAKE) CC=clang O=$(FUZZ_O) CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		$(FUZZ_O)/libmodelab.a
	$(MAKE) $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz_%)

# the module's parser, against tests/fuzz/kstub/ instead of the kernel
$(FUZZ_O)/fuzz_command: tests/fuzz/fuzz_command.c tests/fuzz/fuzz.h \
		kmod/command.c kmod/command.h $(wildcard tests/fuzz/kstub/linux/*.h)
	@mkdir -p $(dir $@)
	clang -D_GNU_SOURCE -Itests/fuzz -Itests/fuzz/kstub -Ikmod $(WARN) $(FUZZ_SAN) \
		-fsanitize=fuzzer -o $@ $< kmod/command.c

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_O)/libmodelab.a
	clang $(CPPFLAGS) -Itests/fuzz $(WARN) $(FUZZ_SAN) -fsanitize=fuzzer \
		-o $@ $< $(FUZZ_O)/libmodelab.a $(LDLIBS)

# The stress suite (tests/vm/stress/, docs/module.md): dying process trees,
# deep chains, subreapers, pid reuse, hotplug, command storms, rmmod under
# all of it.  CI runs it short (12 s a phase) on two kernels.
STRESS_SECONDS ?= 120
STRESS_KERNEL  ?= default
stress: deps
	@bash tests/vm/stress/run.sh --seconds $(STRESS_SECONDS) --kernel $(STRESS_KERNEL)

# Debian's 6.1 built with KASAN, KFENCE, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP and DEBUG_OBJECTS (scripts/debug-kernel.sh), booted
# with the guest suite and the stress suite (STRESS_SECONDS, default 12).
test-debug-kernel: deps
	@STRESS_SECONDS=$(if $(filter command line,$(origin STRESS_SECONDS)),$(STRESS_SECONDS),12) \
		bash scripts/debug-kernel.sh test

# ---- the labs (labs/NAME; docs/teaching.md) ------------------------------
# make grade LAB=NAME WORK=dir [CHECK=id,...]: one line per check, Score:
# X/Y, build/grade/NAME.json; exit 0 only at full marks.  WORK: the
# student's copy of the starter (a lab done in the project's tree: a
# student tree, the default in one); REFERENCE=1 grades the reference
# solutions (LAB= one).  make starter LAB=NAME DEST=dir: a student's copy.
# make student-tree (or handout) DEST=dir: the tree a class works in.
# make handin LAB=NAME WORK=dir: graded and packed in build/handin/.
# make regrade DIR=handins/ [OUT=file.csv]: the teacher's grades.
DEST ?= build/starter

grade:
	@WORK="$(WORK)" CHECK="$(CHECK)" REFERENCE="$(REFERENCE)" sh scripts/grade.sh $(LAB)

starter:
	@sh scripts/starter.sh "$(DEST)" $(LAB)

# DEST only as given: the default (build/starter) is inside this tree
student-tree handout:
	@sh scripts/student-tree.sh "$(if $(filter command line environment,$(origin DEST)),$(DEST))"

grade-selftest:
	@bash scripts/grade-selftest.sh

handin:
	@WORK="$(WORK)" sh scripts/handin.sh $(LAB)

regrade:
	@OUT="$(OUT)" bash scripts/regrade.sh "$(DIR)"

# ---- installing ---------------------------------------------------------
# DKMS rebuilds the module for each new kernel.  DKMS_KVER: the kernel to
# build and install for now (default: the running one; it needs headers).
ML_VERSION := $(shell sed -n 's/^\#define ML_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/modelab.h)
DKMS_SRC   := /usr/src/modelab-$(ML_VERSION)
DKMS_KVER  ?= $(shell uname -r)

dkms-install: version-check
	dkms remove modelab/$(ML_VERSION) --all > /dev/null 2>&1 || true
	rm -rf $(DKMS_SRC)
	$(MAKE) --no-print-directory install-dkms-src DESTDIR=
	dkms add modelab/$(ML_VERSION)
	dkms install modelab/$(ML_VERSION) -k $(DKMS_KVER)

dkms-remove:
	dkms remove modelab/$(ML_VERSION) --all || true
	rm -rf $(DKMS_SRC)

# make dkms-install and -remove, and a DKMS build against headers unpacked
# in MODELAB_KCACHE (bookworm-backports' 6.12): scripts/dkms-test.sh.
test-dkms:
	@bash scripts/dkms-test.sh

# ---- install paths and the Debian packages ---------------------------------
# make install: the command and the probe programs in $(PREFIX)/bin;
# modelab-exit0, which the process probe execs and nobody types, in
# $(PREFIX)/libexec/modelab.  The probe finds it from its own path
# (/proc/self/exe): beside it (bin/ here, /bin in the lab VM), else
# ../libexec/modelab, so any PREFIX and DESTDIR work and nothing is
# compiled in.  make install-vm: the lab VM for an installed modelab:
# modelab-vm (tests/vm/modelab-vm.sh) in $(PREFIX)/bin, the static programs
# of `make static` (STATIC_BIN; guest-actions too for its suite) in
# $(PREFIX)/libexec/modelab/static, tests/vm's scripts in
# $(PREFIX)/share/modelab/vm (the guest suite's checks in its guest/).
# make install-dkms-src: the module's sources for DKMS in
# $(DESTDIR)/usr/src/modelab-$(ML_VERSION).
LIBEXEC    := $(PREFIX)/libexec/modelab
STATIC_BIN ?= build/static/bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBEXEC)
	install -m 755 $(filter-out %/modelab-exit0,$(PROGRAMS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BIN)/modelab-exit0 $(DESTDIR)$(LIBEXEC)/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/modelab.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 contrib/bash-completion/modelab \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/modelab
	# bash-completion loads a file by the command's name, man a page: one
	# per probe program
	for p in $(PROBES:%=modelab-%); do \
		ln -sf modelab $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$p; \
		ln -sf modelab.1 $(DESTDIR)$(PREFIX)/share/man/man1/$$p.1; done

install-vm:
	@test -x $(STATIC_BIN)/modelab || { echo "install-vm: no" \
		"$(STATIC_BIN)/modelab: run make static first" >&2; exit 1; }
	install -d $(DESTDIR)$(LIBEXEC)/static $(DESTDIR)$(PREFIX)/share/modelab/vm \
		$(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(STATIC_BIN)/* $(DESTDIR)$(LIBEXEC)/static/
	# a script with #! is run, the others are sourced
	for f in $(filter-out %/modelab-vm.sh %/guest-package.sh,$(wildcard tests/vm/*.sh)); do \
		m=644; [ "$$(head -c 2 $$f)" = '#!' ] && m=755; \
		install -m $$m $$f $(DESTDIR)$(PREFIX)/share/modelab/vm/ || exit 1; done
	# the guest suite's checks, a subject a file (sourced by guest-suite.sh)
	install -d $(DESTDIR)$(PREFIX)/share/modelab/vm/guest
	install -m 644 tests/vm/guest/*.sh $(DESTDIR)$(PREFIX)/share/modelab/vm/guest/
	install -m 755 tests/vm/modelab-vm.sh $(DESTDIR)$(PREFIX)/bin/modelab-vm
	install -m 644 docs/modelab-vm.1 $(DESTDIR)$(PREFIX)/share/man/man1/

install-dkms-src: version-check
	install -d $(DESTDIR)$(DKMS_SRC)/kmod
	install -m 644 Kbuild dkms.conf $(DESTDIR)$(DKMS_SRC)/
	install -m 644 kmod/*.c kmod/*.h $(DESTDIR)$(DKMS_SRC)/kmod/

# One version everywhere: the module's ML_VERSION, dkms.conf's
# PACKAGE_VERSION, the command's MODELAB_VERSION, debian/changelog's.
version-check:
	@sh scripts/deb.sh --check-version

# make deb: build/deb/modelab_*.deb and modelab-dkms_*.deb, and the source
# package, built by dpkg-buildpackage from a copy of this tree (so neither
# build/ nor bin/ here is touched), then lintian (scripts/deb.sh).
# make test-deb: those packages installed, run, rebuilt by DKMS and purged
# in debootstrap chroots of bookworm and trixie (scripts/deb-test.sh).
deb:
	@sh scripts/deps.sh deb
	@sh scripts/deb.sh

test-deb:
	@sh scripts/deps.sh deb
	@bash scripts/deb-test.sh

clean:
	rm -rf build bin
	rm -f modelab.ko modelab.mod modelab.mod.c modelab.o modules.order \
		Module.symvers kmod/*.o kmod/.*.cmd .*.cmd
