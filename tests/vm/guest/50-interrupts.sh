# 50-interrupts.sh - interrupts in the lab VM (guest suite, sourced by
# guest-suite.sh): the timer and context-switch rows count; interrupts
# raised on demand (`raise irq_work|ipi|ipi-self N`) and from a real
# device (O_DIRECT reads of the virtio disk); malformed raises refused;
# rmmod while raises run finishes in seconds.
#
# Each raise is checked three ways: the kernel's own line of
# /proc/interrupts (summed over CPUs), the module's row in /proc/modelab,
# and the samples in /proc/modelab-latency.  Busybox sh only.
#
# On entry: modelab.ko loaded, counting on, nothing raised since the load.
# Leaves it loaded, counting on.

# ---- interrupt rows ------------------------------------------------------------
# The guest has a local APIC timer (HZ=250) and 2 CPUs switching tasks.
cmd reset > /dev/null
$GA -p 1000 -f 100 > /dev/null
sleep 1
snap $T/irq
info "$(awk '/^watched/ { exit } /^(irq_|ctxsw)/ { printf "%s=%s ", $1, $NF }' $T/irq)"
v=$(total $T/irq irq_timer)
check "irq_timer counted" "irq_timer total $v" test "$v" -gt 0
v=$(total $T/irq ctxsw)
check "ctxsw counted" "ctxsw total $v" test "$v" -gt 0

LAT=/proc/modelab-latency
# The irq_work and function-call IPI lines of /proc/interrupts (guest-isa.sh):
# IWI and CAL on x86, IPIn on arm64 and riscv.
IWI=$(ipi_label "IRQ work interrupts" IWI)
CAL=$(ipi_label "Function call interrupts" CAL)
info "IPI lines: irq_work $IWI, function call $CAL"

# irq_row LABEL: /proc/interrupts row LABEL (IWI, CAL...), summed over CPUs
irq_row() {
	awk -v l="$1:" 'NR == 1 { n = NF; next }
		$1 == l { for (i = 2; i <= n + 1; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}

# irq_dev REGEX: device lines whose name matches REGEX, summed over CPUs
irq_dev() {
	awk -v re="$1" 'NR == 1 { n = NF; next }
		$1 ~ /^[0-9]+:$/ && $NF ~ re { for (i = 2; i <= n + 1; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}

# lat_ok FILE KIND N: FILE (a copy of $LAT) holds N samples of KIND
lat_ok() {
	[ "$(head -n 1 "$1")" = "$2 $3" ] &&
		[ "$(sed 1d "$1" | grep -cE '^[0-9]+$')" = "$3" ] &&
		[ "$(wc -l < "$1")" = $(($3 + 1)) ]
}

# lat_info FILE: min, median and max of the samples, for the log
lat_info() {
	sed 1d "$1" | sort -n | awk '{ v[NR] = $1 }
		END { if (NR) printf "min %d median %d max %d ns", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# raise_run KIND N ROW LINE: raise, then set R (the write's result), DK
# (LINE's rise in /proc/interrupts) and DM (ROW's rise in /proc/modelab);
# the samples are copied to $T/lat.
raise_run() {
	snap $T/ra
	k0=$(irq_row $4)
	R=$(cmd "raise $1 $2")
	DK=$(($(irq_row $4) - k0))
	snap $T/rb
	DM=$(($(total $T/rb $3) - $(total $T/ra $3)))
	cat $LAT > $T/lat
	info "raise $1 $2: $R, $4 +$DK, $3 +$DM, $(lat_info $T/lat)"
}

# ---- interrupts on demand: raise and /proc/modelab-latency ----------------------
check "latency file mode 0444" "$(ls -l $LAT 2>&1)" \
	test "$(stat -c %a $LAT 2>/dev/null)" = 444
check "latency file empty at load" "line 1: $(head -n 1 $LAT)" \
	test "$(cat $LAT)" = "none 0"

N=100
raise_run irq_work $N irq_work $IWI
check "raise irq_work $N" "write: $R" test "$R" = OK
check "raise irq_work: IWI +$N" "IWI rose by $DK" test $DK -ge $N
check "raise irq_work: irq_work row +$N" "rose by $DM" test $DM -ge $N
check "raise irq_work: $N samples" "$(head -n 1 $T/lat), $(wc -l < $T/lat) lines" \
	lat_ok $T/lat irq_work $N

# A cross-CPU call may complete without an interrupt: when the target CPU
# polls in idle, the kernel sets a flag instead of sending the IPI (1 in
# 4,000 seen on 6.1).  So at least 95% of N, not N.
raise_run ipi $N irq_callfunc $CAL
check "raise ipi $N" "write: $R" test "$R" = OK
check "raise ipi: CAL >= 95% of $N" "CAL rose by $DK" test $DK -ge $((N * 95 / 100))
check "raise ipi: irq_callfunc row >= 95% of $N" "rose by $DM" \
	test $DM -ge $((N * 95 / 100))
check "raise ipi: $N samples" "$(head -n 1 $T/lat), $(wc -l < $T/lat) lines" \
	lat_ok $T/lat ipi $N

# Aimed at its own CPU, smp_call_function_single() just calls the function.
# Slack: the rest of the system sends a few CALs meanwhile (TLB flushes for
# the helper's exec and exit: 3 to 5 seen); one IPI per call would be >= N.
raise_run ipi-self $N irq_callfunc $CAL
check "raise ipi-self $N" "write: $R" test "$R" = OK
check "raise ipi-self: CAL +< $N (no interrupt)" "CAL rose by $DK" \
	test $DK -lt $N
check "raise ipi-self: $N samples" "$(head -n 1 $T/lat), $(wc -l < $T/lat) lines" \
	lat_ok $T/lat ipi-self $N

# Malformed raises: EINVAL, at most a log line each (procfs.c: ratelimited,
# naming the command), the last samples kept.
lines0=$(dmesg | wc -l)
bad_ok=1
for c in "raise" "raise foo 1" "raise irq_work" "raise irq_work 0" \
	 "raise irq_work 100001" "raise irq_work 5x" "raise irq_work -1" \
	 "raise ipi-self" "raise ipi 1 2" "raise irq_work 0x10" "raise IPI 1"; do
	r=$(cmd "$c")
	if [ "$r" != EINVAL ]; then
		fail "bad raise '$c'" "got $r, want EINVAL"
		bad_ok=0
	fi
done
check "bad raises rejected" "see above" test $bad_ok = 1
# modelab's lines only: the kernel may log its own meanwhile (30-commands.sh)
dmesg | tail -n +$((lines0 + 1)) | sed 's/^\[[^]]*\] //' |
	grep -E '^(modelab|ml_write): ' > $T/badlog
check "bad raises: at most a log line each, naming it" "$(head -n 2 $T/badlog)" \
	test "$(wc -l < $T/badlog)" -le 11 -a \
	"$(grep -cvE "^(modelab: bad command 'raise.*': the commands are in /proc/modelab-help|ml_write: [0-9]+ callbacks suppressed)\$" $T/badlog)" = 0
check "bad raises keep the last samples" "line 1: $(head -n 1 $LAT)" \
	test "$(head -n 1 $LAT)" = "ipi-self $N"

# With one CPU online there is no other CPU to interrupt.
CPU1=/sys/devices/system/cpu/cpu1/online
if [ -w $CPU1 ] && echo 0 > $CPU1; then
	r=$(cmd "raise ipi 1")
	echo 1 > $CPU1
	check "raise ipi with one CPU online: ENODEV" "got $r" test "$r" = ENODEV
	check "CPU 1 back online" "online: $(cat $CPU1)" test "$(cat $CPU1)" = 1
else
	skip "raise ipi with one CPU online" "cannot take CPU 1 offline"
fi

# The largest raise, read back whole.
r=$(cmd "raise ipi-self 100000")
cat $LAT > $T/lat
check "raise ipi-self 100000: all samples" "$r; $(head -n 1 $T/lat), $(wc -l < $T/lat) lines" \
	lat_ok $T/lat ipi-self 100000

# wait_iwi BASE [ROW]: until ROW (default IWI) is 100 past BASE (a raise
# is under way)
wait_iwi() {
	i=0
	while [ $(($(irq_row ${2:-$IWI}) - $1)) -lt 100 ] && [ $i -lt 500 ]; do
		usleep 2000
		i=$((i + 1))
	done
}

# SIGKILL stops a raise early; the samples taken so far are kept, whole.
base=$(irq_row $IWI)
$GA -w "raise irq_work 100000" > /dev/null 2>&1 &
bg=$!
wait_iwi $base
kill -9 $bg
wait $bg 2>/dev/null
cat $LAT > $T/lat
set -- $(head -n 1 $T/lat)
info "raise irq_work 100000 killed after $2 events"
check "killed raise keeps its samples" "$(head -n 1 $T/lat), $(wc -l < $T/lat) lines" \
	test "$1" = irq_work -a "$2" -lt 100000 -a "$2" -ge 100
check "killed raise: samples whole" "$(wc -l < $T/lat) lines" lat_ok $T/lat irq_work "$2"

# ---- a real device: O_DIRECT reads of the virtio disk ----------------------------
# Each read is one request, alone in flight: the driver waits with the
# queue's callbacks on, so the device must interrupt once per completion
# (virtio suppresses interrupts only while the driver asks it to).  Nothing
# else uses the disk, so the request lines rise by exactly one per read;
# 10% slack on the upper side.
if [ -b /dev/vda ]; then
	vdev=$(basename "$(readlink /sys/block/vda/device)")
	vre="^$vdev(-req|-requests|$)"
	info "disk /dev/vda is $vdev: $(grep -E " $vdev(-|$)" /proc/interrupts |
		awk '{ printf "%s ", $NF }')"
	D=200
	snap $T/da
	v0=$(irq_dev "$vre")
	out=$($GA -r /dev/vda $D)
	dv=$(($(irq_dev "$vre") - v0))
	snap $T/db
	dm=$(($(total $T/db irq_device) - $(total $T/da irq_device)))
	info "$D O_DIRECT reads: $out; $vdev request lines +$dv, irq_device +$dm"
	check "O_DIRECT reads of /dev/vda" "helper: $out" \
		test "$out" = "ok direct-reads $D nonzero $D"
	check "disk interrupts >= 1 per read" "+$dv for $D reads" test $dv -ge $D
	check "disk interrupts <= 1 per read (+10%)" "+$dv for $D reads" \
		test $dv -le $((D + D / 10))
	check "irq_device row >= 1 per read" "+$dm for $D reads" test $dm -ge $D
else
	skip "O_DIRECT reads of /dev/vda" "no /dev/vda (virtio_blk not loaded?)"
fi

# ---- rmmod while raises run --------------------------------------------------------
# A raise holds ml_lock for up to 100000 events; unload waits for writers
# in progress (proc_remove), and each raiser queued on ml_lock would run
# its whole raise in turn.  So a raise stops early (EINTR) once the module
# is going away: with three raisers looping, rmmod must finish in seconds.
# IPIs, the slowest kind under TCG: three whole raises take far longer.
bad0=$(bad_log_lines)
base=$(irq_row $CAL)
for r in 1 2 3; do
	( while :; do $GA -w "raise ipi 100000"; done > $T/raiser$r 2>&1 ) &
	eval raiser$r=$!
done
wait_iwi $base $CAL
mid=$(($(irq_row $CAL) - base))
t0=$(cut -d' ' -f1 /proc/uptime)
rmmod modelab
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
secs=$(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.1f", b - a }')
usleep 200000
kill $raiser1 $raiser2 $raiser3
wait $raiser1 $raiser2 $raiser3 2>/dev/null
info "rmmod with 3 raisers looping: ${secs} s (CAL +$mid before); writes:" \
	"$(sort $T/raiser? | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')"
check "rmmod while raises run" "rmmod status $rc, CAL +$mid at rmmod" \
	test $rc = 0 -a $mid -ge 100
check "rmmod with raisers finishes within 15 s (minutes before the fix)" "took $secs s" \
	awk -v s=$secs 'BEGIN { exit !(s < 15) }'
check "the raise in progress stops early (EINTR)" "writes: $(sort -u $T/raiser?)" \
	grep -qx EINTR $T/raiser1 $T/raiser2 $T/raiser3
check "latency file gone after rmmod" "still there" test ! -e $LAT
check "kernel log clean after rmmod during raises" \
	"$(($(bad_log_lines) - bad0)) new error lines" \
	test "$(bad_log_lines)" -eq "$bad0"
insmod $KO
