# 30-commands.sh - the commands of /proc/modelab (guest suite, sourced by
# guest-suite.sh): `count off` and `count on` (twice each), `reset`, the
# list in /proc/modelab-help, every malformed or refused write with its own
# errno and a ratelimited log line naming it, a thread id that is not a
# process id, non-root writers (EACCES, EPERM), and counting as before
# after all of them.
#
# On entry: modelab.ko loaded, counting on.  Leaves it so.

# as in 20-process.sh: N getppid, N..N + 64 counted
N=10000

# ---- count off / on ----------------------------------------------------------
r1=$(cmd "count off") r2=$(cmd "count off")
check "count off (twice)" "$r1 $r2" test "$r1 $r2" = "OK OK"
snap $T/off1
$GA -p 1000 > /dev/null
watch_run $T/w -p 1000
snap $T/off2
same=1
for c in $COUNTERS; do
	[ "$(total $T/off1 $c)" = "$(total $T/off2 $c)" ] || same=0
done
check "count off: nothing counted" "totals moved while off" test $same = 1
check "count off: watched not counted" "watched syscalls $(watched $T/w syscalls)" \
	test "$(watched $T/w syscalls)" = 0
check "count off shown" "line 2: $(sed -n 2p $T/off2)" \
	test "$(sed -n 2p $T/off2)" = "counting off"
r1=$(cmd "count on") r2=$(cmd "count on")
check "count on (twice)" "$r1 $r2" test "$r1 $r2" = "OK OK"
watch_run $T/w -p $N
v=$(watched $T/w syscalls)
check "count on: counted again" "got $v, want $N..$((N + 64))" \
	in_range "$v" $N $((N + 64))

# ---- reset -------------------------------------------------------------------
watch_run $T/w -p 1000
r=$(cmd reset)
snap $T/r
check "reset" "write: $r" test "$r" = OK
check "reset zeroes watched" "watched syscalls $(watched $T/r syscalls)" \
	test "$(watched $T/r syscalls)" = 0
v=$(total $T/r syscalls)
# Only what ran between the reset and the read (the helper's exit, cat).
check "reset zeroes per-CPU" "syscalls total $v after reset" test "$v" -lt 500

# ---- the commands, listed --------------------------------------------------------
HELP=/proc/modelab-help
check "$HELP mode 0444" "$(ls -l $HELP)" test "$(stat -c %a $HELP)" = 444
check "$HELP lists the 5 commands" "$(awk '{ printf "%s ", $1 }' $HELP)" \
	test "$(awk '{ printf "%s ", $1 }' $HELP)" = "watch watch-tree reset count raise "

# ---- bad writes --------------------------------------------------------------
# Every bad command gets its own errno.  A malformed one (EINVAL) logs one
# line naming it, ratelimited: the first one since the load is logged.
# The kernel may log its own lines meanwhile (riscv64 under TCG: "hrtimer:
# interrupt took ..."): only modelab's are ours, read once.
log_new() {
	dmesg | tail -n +$(($1 + 1)) | sed 's/^\[[^]]*\] //' |
		grep -E '^(modelab|ml_write): '
}
lines0=$(dmesg | wc -l)
r=$(cmd "frobnicate 1")
logged=$(log_new $lines0)
check "a bad write logs one line naming it" "$r; logged: $logged" \
	test "$r: $logged" = \
	"EINVAL: modelab: bad command 'frobnicate 1': the commands are in /proc/modelab-help"
long=$(printf '%0200d' 0)
just_over=$(printf 'watch %059d' 1)	# 65 bytes
bad_ok=1
expect() {
	got=$(cmd "$2")
	if [ "$got" != "$1" ]; then
		fail "bad write '$2'" "got $got, want $1"
		bad_ok=0
	fi
}
expect EINVAL "watch abc"
expect EINVAL "watch -1"
expect EINVAL "watch 0"
expect ESRCH "watch 99999999"
expect EINVAL "watch 99999999999"
expect EINVAL "watch 12x"
expect EINVAL "watch"
expect EINVAL "watch "
expect EINVAL "frobnicate"
expect EINVAL "reset now"
expect EINVAL "count"
expect EINVAL "count maybe"
expect EINVAL "watch-tree"
expect EINVAL "watch-tree abc"
expect EINVAL "watch-tree 0"
expect EINVAL "watch-tree -1"
expect EINVAL "watch-tree 12x"
expect EINVAL "watch-tree off"
expect EINVAL "watch-tree 99999999999"
expect ESRCH "watch-tree 99999999"
expect EINVAL "$long"
expect EINVAL "$just_over"
expect EINVAL ""
expect EINVAL "
"
expect OK "reset
"
expect OK "watch off"
check "bad writes rejected" "see above" test $bad_ok = 1

# A thread id is not a process id.
$GA -t > $T/thr 2>&1 &
tpid=$!
i=0
while [ $i -lt 100 ] && ! grep -q tid $T/thr; do usleep 50000; i=$((i + 1)); done
tid=$(awk '{ print $4 }' $T/thr)
if [ -n "$tid" ] && [ "$tid" != "$tpid" ]; then
	r=$(cmd "watch $tid")
	check "watch thread id" "watch $tid (thread of $tpid): got $r, want ESRCH" \
		test "$r" = ESRCH
	r=$(cmd "watch $tpid")
	check "watch its process" "watch $tpid: got $r" test "$r" = OK
else
	fail "watch thread id" "helper printed: $(cat $T/thr)"
fi
kill -9 $tpid
wait $tpid 2>/dev/null
cmd "watch off" > /dev/null

# Non-root: mode 0644 stops the open (EACCES); a root-opened file written
# after dropping privileges is refused by the module's own check (EPERM).
r=$($GA -u reset)
check "non-root open" "got $r, want EACCES" test "$r" = EACCES
r=$($GA -P reset)
check "non-root write" "got $r, want EPERM" test "$r" = EPERM
# pr_info_ratelimited: 10 lines per 5 s.  1000 bad writes from one process
# take milliseconds; 100 lines would need them to take 40 s or more.
lines1=$(dmesg | wc -l)
r=$($GA -n 1000 -w "frobnicate")
v=$(($(dmesg | wc -l) - lines1))
info "1000 bad writes logged $v lines"
check "1000 bad writes do not flood the log" "$r; $v lines" test "$r" = EINVAL -a $v -lt 100

watch_run $T/w -p $N
v=$(watched $T/w syscalls)
check "counts after bad writes" "got $v, want $N..$((N + 64))" \
	in_range "$v" $N $((N + 64))
