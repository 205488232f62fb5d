#!/bin/sh
# kdir.sh - print "VERSION KDIR" for the newest kernel in /boot that has a
# matching build tree (Debian's linux-headers-*), or fail.  The version is
# found at run time, never hard-coded: it moves with Debian's updates.
for v in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -rV); do
	for kdir in "/lib/modules/$v/build" "/usr/src/linux-headers-$v"; do
		if [ -f "$kdir/Makefile" ]; then
			echo "$v $kdir"
			exit 0
		fi
	done
done
echo "kdir.sh: no /boot/vmlinuz-<ver> with matching headers: apt-get install linux-image-amd64 linux-headers-amd64" >&2
exit 1
