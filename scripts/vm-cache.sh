#!/bin/sh
# vm-cache.sh - may `make run` reuse the lab VM's counts?  A minute of
# emulation gives the same counts as long as nothing that produced them
# changed, so the counts file keeps a key beside it (COUNTS without .csv,
# plus .key): one line per input, "WHAT PATH SHA256":
#   module    Kbuild and kmod/*: the sources of modelab.ko
#   programs  the static programs copied into the VM (make static) and the
#             guest helpers' sources (tests/vm/*.c), busybox
#   kernel    the image booted and its version
#   guest     tests/vm/init.sh (what the guest runs) and tests/vm/run.sh
#             (how the VM is packed and booted)
#   setting   the variables that change the VM (MODELAB_KVM, MODELAB_VM_*)
# make run's own arguments are not in it: the guest always runs
# `modelab run --quick --csv` of every probe; they only shape the native run.
#
#   vm-cache.sh key                  the key of the inputs as they are now
#   vm-cache.sh check COUNTS         exit 0 when COUNTS can be reused, saying
#                                    so; else exit 1 and say why not (which
#                                    inputs changed), one line either way
#   vm-cache.sh save COUNTS SECONDS  COUNTS was just made, in SECONDS
#   vm-cache.sh took COUNTS          how long the last count took, if known
#
# MODELAB_TOP (default: this tree) is the tree hashed: a test points it at
# a copy.  Run `make static` first: the key hashes the programs it made.
set -eu
TOP=${MODELAB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}

# hash_files WHAT FILE...: one key line per file that exists
hash_files() {
	what=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		printf '%s %s %s\n' "$what" "${f#"$TOP"/}" \
			"$(sha256sum < "$f" | cut -d' ' -f1)"
	done
}

key() {
	hash_files module "$TOP/Kbuild" "$TOP"/kmod/*.c "$TOP"/kmod/*.h
	hash_files programs "$TOP"/build/static/bin/* "$TOP"/tests/vm/*.c
	for b in /bin/busybox /usr/bin/busybox; do
		[ -x $b ] && { hash_files programs $b; break; }
	done
	# the kernel tests/vm/run.sh boots: the same choice, made the same way
	if [ -n "${MODELAB_VM_KERNEL:-}" ]; then
		kernel=$MODELAB_VM_KERNEL
		kver=${MODELAB_VM_KVER:-}
	elif found=$(sh "$TOP/scripts/kdir.sh" 2>/dev/null); then
		kver=${found%% *}
		kernel=/boot/vmlinuz-$kver
	else
		kernel= kver=none
	fi
	echo "kernel version $kver"
	[ -n "$kernel" ] && hash_files kernel "$kernel"
	hash_files guest "$TOP/tests/vm/init.sh" "$TOP/tests/vm/run.sh"
	[ -n "${MODELAB_VM_KO:-}" ] && hash_files setting "$MODELAB_VM_KO"
	# MODELAB_KVM: only 1 changes anything (tests/vm/run.sh)
	[ "${MODELAB_KVM:-0}" != 1 ] || echo "setting MODELAB_KVM on"
	for v in MODELAB_VM_APPEND MODELAB_VM_MODDIR; do
		eval "val=\${$v:-}"
		[ -z "$val" ] ||
			echo "setting $v $(printf %s "$val" | sha256sum | cut -d' ' -f1)"
	done
}

# changed OLD NEW: which inputs differ, by kind, the first path of each
changed() {
	awk 'FNR == 1 { file++ }
	     /^#/ { next }
	     { id = $1 " " $2; v[file, id] = $3; if (!(id in seen)) order[++nid] = id; seen[id] = 1 }
	     END {
		n = split("module programs kernel guest setting", kinds, " ")
		name["module"] = "modelab.ko'"'"'s sources"
		name["programs"] = "the programs in the VM"
		name["kernel"] = "the kernel"
		name["guest"] = "the guest scripts"
		name["setting"] = "the VM settings"
		for (i = 1; i <= nid; i++)
			if (v[1, id = order[i]] != v[2, id]) {
				split(id, w, " ")
				if (!(w[1] in first))
					first[w[1]] = w[2]
				count[w[1]]++
			}
		for (k = 1; k <= n; k++) {
			if (!(kinds[k] in first))
				continue
			more = count[kinds[k]] > 1 ? " and " count[kinds[k]] - 1 " more" : ""
			out = out (out == "" ? "" : ", ") name[kinds[k]] " (" first[kinds[k]] more ")"
		}
		print out == "" ? "nothing" : out
	     }' "$1" "$2"
}

case ${1:-} in
key)
	key
	;;
check)
	[ $# = 2 ] || { echo "vm-cache.sh: check needs COUNTS" >&2; exit 2; }
	keyfile=${2%.csv}.key
	if ! grep -q '^probe,figure,' "$2" 2>/dev/null; then
		echo "no counts yet"
		exit 1
	fi
	if [ ! -f "$keyfile" ]; then
		echo "no record of what made the counts in $2"
		exit 1
	fi
	now=$(mktemp)
	trap 'rm -f "$now"' EXIT
	key > "$now"
	if grep -v '^#' "$keyfile" | cmp -s - "$now"; then
		echo "reusing the lab VM's counts from $(date -r "$2" '+%Y-%m-%d %H:%M')" \
		     "(nothing they depend on changed; make run FRESH=1 to count again)"
		exit 0
	fi
	echo "changed since the last count: $(changed "$keyfile" "$now")"
	exit 1
	;;
save)
	[ $# = 3 ] || { echo "vm-cache.sh: save needs COUNTS SECONDS" >&2; exit 2; }
	{ echo "# took $3"; key; } > "${2%.csv}.key.tmp"
	mv "${2%.csv}.key.tmp" "${2%.csv}.key"
	;;
took)
	[ $# = 2 ] || { echo "vm-cache.sh: took needs COUNTS" >&2; exit 2; }
	[ ! -f "${2%.csv}.key" ] ||
		sed -n 's/^# took \([0-9][0-9]*\)$/\1/p' "${2%.csv}.key"
	;;
*)
	echo "vm-cache.sh: usage: vm-cache.sh key | check COUNTS | save COUNTS SECONDS | took COUNTS" >&2
	exit 2
	;;
esac
