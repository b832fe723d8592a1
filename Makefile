# SPDX-License-Identifier: GPL-2.0
#
# crash-quiesce: quiesce PCI devices at panic, before kdump.
#
#   make                 build pci_crash_quiesce.ko for the running kernel
#   make KDIR=<dir>      ... against another kernel's build tree
#   make check           every test: unit, style, build matrix, QEMU e2e
#   make demo            show DMA into the dump with and without the module
#   make install         install into /lib/modules/<release>/extra and depmod
#                        (the running kernel's, or KDIR='s kernel's)
#   make uninstall       remove it again
#   make pcq-plan        the offline planner, tools/pcq-plan/pcq-plan

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

# The kernel to build for: KDIR= when given (command line or environment);
# else the running kernel's headers; failing that (a build host that runs
# another kernel), the newest /lib/modules/*/build, which `make` says
# aloud and `make install` refuses: a module for another kernel is not for
# this machine's /lib/modules/$(uname -r).
RUNNING := $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR_AUTO := yes
KDIR := $(firstword $(wildcard /lib/modules/$(RUNNING)/build/Makefile) \
	$(shell for d in /lib/modules/*/build; do [ -f "$$d/Makefile" ] && echo "$$d/Makefile"; done | \
		sort -V | tail -n 1))
KDIR := $(patsubst %/Makefile,%,$(KDIR))
endif

# The release modules are built and installed for. Taken from utsrelease.h,
# as the module's vermagic is: Debian's 6.1 headers carry another
# kernel.release.
KVER := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

NO_KDIR_MSG := no kernel build tree for the running kernel $(RUNNING): install its headers \
	(linux-headers-$(RUNNING) on Debian/Ubuntu, kernel-devel-$(RUNNING) on RHEL/Rocky/Fedora) \
	or pass KDIR=/lib/modules/<release>/build
ifeq ($(KDIR_AUTO),yes)
ifneq ($(KDIR),)
ifneq ($(KVER),$(RUNNING))
FOREIGN_MSG := no headers for the running kernel $(RUNNING) (/lib/modules/$(RUNNING)/build): \
	building for $(or $(KVER),an unknown release) from $(KDIR) instead
endif
endif
endif

# make install/uninstall: only for the running kernel's own headers, unless
# KDIR= names the kernel (installed then into its own /lib/modules/<release>)
ifneq ($(filter install uninstall,$(MAKECMDGOALS)),)
ifeq ($(KDIR),)
$(error $(NO_KDIR_MSG))
endif
ifneq ($(FOREIGN_MSG),)
$(error $(FOREIGN_MSG); make $(filter install uninstall,$(MAKECMDGOALS)) refuses a module \
	for $(or $(KVER),it) on a machine running $(RUNNING). Install linux-headers-$(RUNNING) \
	(kernel-devel-$(RUNNING) on RHEL/Rocky), or pass KDIR=$(KDIR) to do it for \
	$(or $(KVER),that kernel) anyway)
endif
ifeq ($(KVER),)
$(error cannot read the kernel release from $(KDIR)/include/generated/utsrelease.h)
endif
endif

MODULE := pci_crash_quiesce.ko

.PHONY: all modules clean install uninstall check unit style builds e2e demo bench deps pcq-plan

all: modules

modules:
	@test -n "$(KDIR)" || { echo "$(NO_KDIR_MSG)" >&2; exit 1; }
	$(if $(FOREIGN_MSG),@echo "make: $(FOREIGN_MSG) (KDIR= to choose)" >&2)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@if [ -d tests/unit ]; then $(MAKE) -C tests/unit clean; fi
	$(MAKE) -C tools/pcq-plan clean

# INSTALL_MOD_PATH: a staging root instead of / (as for the kernel's own
# modules_install), with depmod run on it.
install: modules
	$(if $(filter-out $(RUNNING),$(KVER)),@echo "make install: for $(KVER) (KDIR=$(KDIR)) and not the running $(RUNNING)" >&2)
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra KERNELRELEASE=$(KVER) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) modules_install
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/extra/pci_crash_quiesce.ko*
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) -a $(KVER)

deps:
	scripts/install-deps.sh

unit:
	$(MAKE) -C tests/unit run

# The driver's own planning files, built for userspace: see tools/pcq-plan/.
pcq-plan:
	$(MAKE) -C tools/pcq-plan

check:
	tests/run-all.sh

demo:
	tests/qemu/demo.sh

bench:
	tests/bench/run.sh

endif
