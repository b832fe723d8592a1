# SPDX-License-Identifier: GPL-2.0
#
# crash-quiesce: quiesce PCI devices at panic, before kdump.
#
#   make                 build pci_crash_quiesce.ko for the running kernel
#   make KDIR=<dir>      ... against another kernel's build tree
#   make check           every test: unit, style, build matrix, QEMU e2e
#   make demo            show DMA into the dump with and without the module
#   make install         install into /lib/modules/<ver>/extra and depmod
#   make uninstall       remove it again
#   make pcq-plan        the offline planner, tools/pcq-plan/pcq-plan

ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

# The running kernel's headers; failing that (a build host that runs
# another kernel), the newest installed Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /lib/modules/*/build))))

MODULE := pci_crash_quiesce.ko

.PHONY: all modules clean install uninstall check unit style builds e2e demo bench deps pcq-plan

all: modules

modules:
	@test -n "$(KDIR)" || { echo "no kernel build tree: install linux-headers-$$(uname -r) or pass KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	@if [ -d tests/unit ]; then $(MAKE) -C tests/unit clean; fi
	$(MAKE) -C tools/pcq-plan clean

# The release modules are installed for. Taken from utsrelease.h, as the
# module's vermagic is: Debian's 6.1 headers carry another kernel.release.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

# INSTALL_MOD_PATH: a staging root instead of / (as for the kernel's own
# modules_install), with depmod run on it.
install: modules
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
