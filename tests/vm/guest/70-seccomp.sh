# 70-seccomp.sh - seccomp in the lab VM (guest suite, sourced by
# guest-suite.sh): a call refused by a seccomp filter still enters the
# kernel and is counted; the seccomp doors hold, the x32 one included on
# x86-64 (run.sh boots with syscall.x32=y); `modelab sandbox` kills with
# SIGSYS.
#
# On entry: modelab.ko loaded, counting on.  Leaves it so.
# Without a static modelab in /bin: one SKIP (has_modelab).

has_modelab || return 0

# seccomp: a refused call still enters the kernel, and is counted
modelab run --quick --csv seccomp/denied-enters-kernel > $T/ms.csv 2>/dev/null
v=$(csv_col $T/ms.csv denied-enters-kernel verified)
check "a call refused by a seccomp filter is counted as a kernel entry" "verified '$v'" test "$v" = 1
# seccomp doors with x32 on (run.sh boots with syscall.x32=y): an x32
# number goes through with no filter; libseccomp's x86-64 filter kills it
x32_door() { grep -qE '^ *door_none_x32 +0$' "$1" && grep -qE '^ *door_getpid_x32 +159$' "$1"; }
modelab run --quick seccomp/doors > $T/md.txt 2>/dev/null
check "seccomp doors in the guest: every claim held" "$(head -n 4 $T/md.txt | tail -n 1)" \
	grep -q '^seccomp/doors .*every claim held' $T/md.txt
if [ $ISA != x86_64 ]; then
	skip "x32 door in the guest" "the x32 ABI is x86-64's"
elif grep -q 'x32 getpid.*SKIP' $T/md.txt; then
	skip "x32 door in the guest" "$(grep -o 'SKIP: .*x32 ABI.*' $T/md.txt)"
else
	check "x32 door in the guest: no filter goes through, an x86-64 filter kills (SIGSYS)" \
		"$(grep -E 'door_(none|getpid)_x32' $T/md.txt | tr -s ' ' | tr '\n' ';')" \
		x32_door $T/md.txt
fi
modelab sandbox --deny uname --action kill -- uname > /dev/null 2>&1
v=$?
check "modelab sandbox in the guest: kill ends the command with SIGSYS" "exit $v" test $v -eq 159
