#!/bin/sh
# deps.sh - install the Debian (or Ubuntu) packages modelab needs, when missing.
#
# As root it calls apt-get; otherwise it prints the exact command to run and
# fails, so `make run` and `make test` never half-work on a missing tool.
#
#   deps.sh          what `make`, `make run` and `make test` need
#   deps.sh isas     and the lab VM on arm64 and riscv64 too: the cross
#                    compilers and QEMU for those ISAs (`make vm ARCH=...`,
#                    the kernel matrix's arm64 and riscv64 rows)
#   deps.sh deb      what `make deb` and `make test-deb` need instead:
#                    Debian's packaging tools and debian/control's build
#                    dependencies (tests/host/install.sh keeps them equal)
set -eu

. /etc/os-release 2>/dev/null || ID=unknown
case " ${ID} ${ID_LIKE:-} " in
*" ubuntu "*)
	# Ubuntu names the kernel and perf packages differently.
	kernel="linux-image-generic linux-headers-generic"
	perf="linux-tools-generic"
	;;
*)
	kernel="linux-image-amd64 linux-headers-amd64"
	perf="linux-perf"
	;;
esac

packages="gcc clang libclang-rt-dev make pkg-config libc6-dev libseccomp-dev libjson-c-dev libcmocka-dev jq
	gnuplot-nox chromium libpng-dev
	$perf rt-tests seccomp strace
	crun golang-github-docker-docker-dev golang-github-containers-common
	$kernel qemu-system-x86 busybox-static cpio kmod sparse
	debootstrap debian-archive-keyring
	flex bison bc libelf-dev libssl-dev xz-utils
	gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu qemu-user-static"
# The other ISAs' kernels, headers and busybox are never installed here:
# scripts/isa.sh fetches them through a private apt state (dpkg -x).
case ${1:-} in
"") ;;
isas)
	packages="$packages libc6-dev-arm64-cross libc6-dev-riscv64-cross
	qemu-system-arm qemu-system-misc opensbi"
	;;
deb)
	packages="gcc make libc6-dev libseccomp-dev libjson-c-dev
		debhelper dh-dkms dpkg-dev lintian
		debootstrap debian-archive-keyring"
	;;
*)
	echo "deps: unknown group '$1' (none, isas or deb)" >&2
	exit 2
	;;
esac

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (and no apt-get here: install them by hand)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends $missing >&2
