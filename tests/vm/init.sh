#!/bin/sh
# /init of the modelab lab VM (packed by tests/vm/run.sh).
#
# The virtio disk's drivers are loaded first in every mode, and
# MODELAB_BLOCKDEV names the disk (/dev/vda) when it is there.
#
# /mode says what to do: "suite" runs /suite.sh, "shell" loads the module
# and opens a shell on the console, "counts" loads it and prints the CSV of
# `modelab run --quick` between markers.  Either way the VM powers off at the end:
# if PID 1 exited, the kernel would panic instead.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

/bin/busybox mount -t proc proc /proc
# run.sh could not run another ISA's busybox to list its applets: link
# them here (it reads /proc/self/exe, so after /proc).
[ -e /bin/mount ] || /bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mkdir -p /root
exec </dev/console >/dev/console 2>&1

# The scratch disk's drivers first, in dependency order (run.sh wrote it).
if [ -s /lib/modules/load-order ]; then
	while read -r ko; do
		insmod /lib/modules/$ko || echo "init: insmod $ko failed"
	done < /lib/modules/load-order
	i=0
	while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do
		usleep 100000
		i=$((i + 1))
	done
fi
# Probes that need a device read this one (O_DIRECT, read-only).  The disk
# is not mounted, so MODELAB_TMPDIR stays unset: scratch files stay on tmpfs.
if [ -b /dev/vda ]; then
	export MODELAB_BLOCKDEV=/dev/vda
fi
unset MODELAB_TMPDIR

case "$(cat /mode 2>/dev/null)" in
shell)
	insmod /modelab.ko && echo "modelab.ko loaded: cat /proc/modelab"
	echo "lab VM shell; binaries in /bin; 'poweroff -f' ends the VM"
	# cttyhack gives the shell a controlling tty, so ^C works.
	setsid cttyhack sh -l
	;;
counts)
	# For `make run`: the kernel's count of each figure's transitions.
	insmod /modelab.ko
	echo "=== modelab csv begin ==="
	# modelab_probes=A,B on the kernel's command line (an environment
	# variable here): those probes only (make isas); else every one.
	modelab run --quick --csv $(echo "${modelab_probes:-}" | tr , ' ') 2>/tmp/modelab.err
	echo "=== modelab csv end ==="
	cat /tmp/modelab.err
	echo "=== modelab observer begin ==="
	modelab run --quick syscall 2>/dev/null | sed -n '/^observer effect/,/^$/p'
	echo "=== modelab observer end ==="
	# For `make isas`: this ISA's boundary, observed (user/isa/isa.c).
	echo "=== modelab isa begin ==="
	modelab isa 2>&1
	echo "=== modelab isa end ==="
	;;
*)
	sh /suite.sh
	;;
esac
sync
poweroff -f
