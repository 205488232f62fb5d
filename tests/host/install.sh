#!/bin/bash
# tests/host/install.sh - an installed modelab finds its helper wherever it
# is installed, and the version is one: the checks `make deb` and `make
# test-deb` rest on, without building a package.
#
#   - modelab-exit0 (process/fork-exec, posix-spawn) is found beside the
#     program or in ../libexec/modelab from it, through a symlink too, from
#     any directory; never from the working directory or PATH; nowhere:
#     both figures skipped, naming the two places and MODELAB_LIBEXEC;
#   - make install PREFIX=/usr DESTDIR=...: the layout the package ships,
#     and the program in it runs from elsewhere with the helper found;
#   - ML_VERSION, MODELAB_VERSION, dkms.conf and debian/changelog agree
#     (make version-check), and a copy with any one of them changed is
#     refused, naming all four;
#   - debian/control's Build-Depends are all in `scripts/deps.sh deb`.
#
# BIN=dir picks the programs to test (default: bin/, as `make` builds them).
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib.sh
TOP=$PWD

# fork_exec PROGRAM [DIR]: PROGRAM's JSON report of process/fork-exec,
# run from DIR (default: an empty directory), in $tmp/fe.json
mkdir -p "$tmp/empty"
fork_exec() {
	(cd "${2:-$tmp/empty}" && "$1" run --quick --json process/fork-exec) \
		> "$tmp/fe.json" 2> "$tmp/fe.err"
}
fe_skipped() { jq -r '.figures[] | select(.figure == "fork-exec") | .skipped' "$tmp/fe.json"; }
fe_reason() { jq -r '.figures[] | select(.figure == "fork-exec") | .skip_reason' "$tmp/fe.json"; }

# ---- where modelab-exit0 is found ---------------------------------------------
p=$tmp/prefix
mkdir -p "$p/bin" "$p/libexec/modelab" "$tmp/links"
cp "$BIN/modelab" "$p/bin/"
cp "$BIN/modelab-exit0" "$p/libexec/modelab/"
fork_exec "$p/bin/modelab"
check "exit0 in ../libexec/modelab: fork-exec measured" test "$(fe_skipped)" = false
ln -s "$p/bin/modelab" "$tmp/links/modelab"
fork_exec "$tmp/links/modelab"
check "through a symlink elsewhere: found all the same" test "$(fe_skipped)" = false
fork_exec "$p/bin/modelab" /
check "run from /: found" test "$(fe_skipped)" = false
MODELAB_LIBEXEC=$tmp/empty fork_exec "$p/bin/modelab"
check "MODELAB_LIBEXEC without it: skipped, naming that path" \
	test "$(fe_reason)" = "cannot exec $tmp/empty/modelab-exit0: No such file or directory"

# An attack: a modelab-exit0 that fails, in the working directory and on
# PATH, while the real one is nowhere to be found.
rm "$p/libexec/modelab/modelab-exit0"
mkdir -p "$tmp/decoy"
printf '#!/bin/sh\nexit 7\n' > "$tmp/decoy/modelab-exit0"
chmod 755 "$tmp/decoy/modelab-exit0"
PATH=$tmp/decoy:$PATH fork_exec "$p/bin/modelab" "$tmp/decoy"
check "nowhere: skipped, never taken from the working directory or PATH" \
	test "$(fe_reason)" = "no modelab-exit0 in $p/bin or $p/bin/../libexec/modelab: set MODELAB_LIBEXEC"

# ---- make install -----------------------------------------------------------------
if [ "$BIN" = bin ]; then
	d=$tmp/destdir
	make -s install DESTDIR="$d" PREFIX=/usr > "$tmp/install.log" 2>&1
	check "make install DESTDIR PREFIX=/usr" test $? = 0
	probes=$(cd bin && ls modelab-* | grep -vx modelab-exit0)
	want=$( { echo usr/bin/modelab usr/libexec/modelab/modelab-exit0 \
			usr/share/man/man1/modelab.1 \
			usr/share/bash-completion/completions/modelab
		for x in $probes; do
			echo "usr/bin/$x usr/share/man/man1/$x.1 usr/share/bash-completion/completions/$x"
		done; } | tr ' ' '\n' | sort)
	check "it installs exactly the programs, the helper, the pages and the completions" \
		test "$(cd "$d" && find . ! -type d | sed 's|^\./||' | sort)" = "$want"
	check "modelab-exit0 is not a command in /usr/bin" test ! -e "$d/usr/bin/modelab-exit0"
	check "each probe's man page is modelab.1" \
		test "$(readlink "$d/usr/share/man/man1/modelab-syscall.1")" = modelab.1
	fork_exec "$d/usr/bin/modelab"
	check "the installed modelab finds its helper (DESTDIR tree)" test "$(fe_skipped)" = false
else
	skip "make install" "BIN=$BIN: checked with bin/ only"
fi

# ---- one version --------------------------------------------------------------------
check "make version-check: the four versions agree" make -s version-check
v=$tmp/version
for f in kmod/modelab.h user/version.h dkms.conf debian/changelog; do
	rm -rf "$v"
	mkdir -p "$v/kmod" "$v/user" "$v/debian" "$v/scripts"
	for g in kmod/modelab.h user/version.h dkms.conf debian/changelog scripts/deb.sh; do
		cp "$g" "$v/$g"
	done
	case $f in
	debian/changelog) sed -i '1s/(\([0-9.]*\))/(\1.1)/' "$v/$f" ;;
	dkms.conf) sed -i 's/^PACKAGE_VERSION="\(.*\)"/PACKAGE_VERSION="\1.1"/' "$v/$f" ;;
	*) sed -i 's/VERSION\([[:space:]]*\)"\(.*\)"/VERSION\1"\2.1"/' "$v/$f" ;;
	esac
	out=$(sh "$v/scripts/deb.sh" --check-version 2>&1)
	rc=$?
	check "a version changed in $f alone: refused (exit 1), naming the four" \
		bash -c '[ '$rc' = 1 ] && grep -q "the versions differ: kmod/modelab.h ML_VERSION .*, user/version.h MODELAB_VERSION .*, dkms.conf PACKAGE_VERSION .*, debian/changelog .*: make them one" <<< "$1"' _ "$out"
done

# ---- the build dependencies are what deps.sh installs -----------------------------------
group=$(sed -n '/^deb)/,/;;/p' scripts/deps.sh | tr -s ' \t\n"' '\n')
missing=
for b in $(sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control | sed 's/^Build-Depends://; /^[A-Z]/d' |
	   tr ',' '\n' | sed 's/(.*)//; s/\[.*\]//; s/<.*>//; s/|.*//' | tr -d ' \t' | grep .); do
	case $b in
	debhelper-compat) b=debhelper ;;
	dh-sequence-dkms) b=dh-dkms ;;
	esac
	grep -qx "$b" <<< "$group" || missing="$missing $b"
done
check "every Build-Depends is in scripts/deps.sh deb${missing:+ (missing:$missing)}" test -z "$missing"

summary
