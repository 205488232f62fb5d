# debian-apt.sh - a private apt state per Debian suite, sourced by
# kernels.sh and dkms-test.sh after they set TOP.  The host's apt never
# sees another suite: packages are only downloaded and unpacked (dpkg -x),
# never installed.  CACHE: MODELAB_KCACHE, default build/kernels; MIRROR:
# MODELAB_MIRROR, default Debian's.

CACHE=${MODELAB_KCACHE:-$TOP/build/kernels}
case $CACHE in /*) ;; *) CACHE=$TOP/$CACHE ;; esac
MIRROR=${MODELAB_MIRROR:-http://deb.debian.org/debian}

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# apt_ STATE TOOL ARGS...: apt-get or apt-cache with STATE's lists (a
# suite's, or a suite's for several architectures: see apt_update)
apt_() {
	local d=$CACHE/apt/$1 tool=$2 a arches=()
	shift 2
	if [ -f "$d/arches" ]; then
		for a in $(cat "$d/arches"); do
			arches+=(-o "APT::Architectures::=$a")
		done
	fi
	"$tool" -q -o Dir::Etc::sourcelist="$d/sources.list" \
		-o Dir::Etc::sourceparts=- -o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null \
		-o Debug::NoLocking=1 "${arches[@]}" "$@"
}

# apt_update SUITE: fetch its package lists, once (or with MODELAB_KREFRESH).
# apt_update STATE SUITE ARCH...: SUITE's lists for these architectures
# (amd64 first, for the build tools) in a state of their own, STATE;
# packages of another one are then named PKG:ARCH.
apt_update() {
	local state=$1 d=$CACHE/apt/$1 suite=${2:-$1}
	[ -f "$d/updated" ] && [ "${MODELAB_KREFRESH:-0}" != 1 ] && return 0
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	if [ $# -gt 2 ]; then
		shift 2
		echo "$*" > "$d/arches"
		echo "deb [arch=$(echo "$*" | tr ' ' ,) signed-by=$KEYRING] $MIRROR $suite main" \
			> "$d/sources.list"
	else
		echo "deb [signed-by=$KEYRING] $MIRROR $1 main" > "$d/sources.list"
	fi
	apt_ "$state" apt-get update > "$d/update.log" 2>&1 || return 1
	# apt-get update succeeds even when no mirror answered.
	ls "$d"/lists/*_Packages* > /dev/null 2>&1 || return 1
	touch "$d/updated"
}

# deps SUITE PKG: PKG and what it needs, recursively, one name a line
deps() {
	apt_ "$1" apt-cache depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "$2" \
		2> /dev/null | grep -E '^[a-z0-9]' | sort -u
}

# unpack SUITE DIR PKG...: download PKGs into DIR/debs, dpkg -x into DIR/root
unpack() {
	local s=$1 dir=$2 deb
	shift 2
	mkdir -p "$dir/debs" "$dir/root"
	(cd "$dir/debs" && apt_ "$s" apt-get download "$@") > "$dir/fetch.log" 2>&1 ||
		{ echo "download failed (see $dir/fetch.log)"; return 1; }
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$dir/root" || { echo "dpkg -x $deb failed"; return 1; }
	done
}

# unpacked_kver ROOT: the version of the kernel unpacked in ROOT, from its
# modules directory (/lib/modules or, merged /usr, /usr/lib/modules)
unpacked_kver() {
	local m
	for m in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$m/kernel" ] && { basename "$m"; return 0; }
	done
	return 1
}
