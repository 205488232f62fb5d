# guest-module.sh - modelab.ko's basics in the lab VM (busybox sh; sourced
# by guest-suite.sh): load, the layout of /proc/modelab, unload and load
# again, count_on_load=0, and 2 x 40 load/unload cycles that must not leak.
# Leaves the module loaded.

# ---- load, format, unload, reload -----------------------------------------
if insmod $KO; then pass "insmod"; else fail "insmod" "insmod $KO failed"; fi
if [ -r $PROC ]; then
	snap $T/first
	if why=$(check_format $T/first); then
		pass "read format"
	else
		fail "read format" "$why"
		cat $T/first
	fi
	check "mode 0644" "$(ls -l $PROC)" \
		test "$(stat -c %a $PROC)" = 644
	check "counting on at load" "line 2: $(sed -n 2p $T/first)" \
		test "$(sed -n 2p $T/first)" = "counting on"
	check "watching none at load" "line 3: $(sed -n 3p $T/first)" \
		test "$(sed -n 3p $T/first)" = "watching none"
else
	fail "read format" "$PROC missing"
fi
if rmmod modelab && [ ! -e $PROC ] && insmod $KO && [ -r $PROC ]; then
	pass "rmmod and insmod again"
else
	fail "rmmod and insmod again" "$PROC not removed or not back"
fi
rmmod modelab
insmod $KO count_on_load=0
check "count_on_load=0" "line 2: $(sed -n 2p $PROC)" \
	test "$(sed -n 2p $PROC)" = "counting off"
rmmod modelab

# ---- load/unload cycles: no leak --------------------------------------------
# Memory is measured before, after N and after 2N cycles, caches dropped
# each time.  The first cycles also warm the kernel up (slab caches, module
# loader, per-CPU free lists: ~170 kB over 50 cycles seen on 7.2 with an
# empty module too), which does not repeat; a per-load leak grows as much
# in the second N cycles as in the first.  So only the second N's growth
# must stay under the limit, in kB: Slab and SUnreclaim 128 (noise +20..40),
# Percpu and VmallocUsed 64 (module memory and per-CPU data live there),
# MemAvailable's drop 2048 net of the pages parked on the per-CPU free
# lists (the "count:" lines of /proc/zoneinfo), which MemAvailable does not
# count.  A leak of one page per cycle (N * 4 kB) or of the module's memory
# is caught; one small object per cycle (under ~128 kB / N) hides in noise.
LEAK_N=40
LEAK_FIELDS="Slab:128 SUnreclaim:128 Percpu:64 VmallocUsed:64"
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1; }
# pages on the per-CPU free lists, in kB
pcp_kb() { awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo; }
# measure FILE: /proc/meminfo, plus a PCP line, after settling
measure() { settle; cp /proc/meminfo $1; echo "PCP: $(pcp_kb) kB" >> $1; }
mem() { awk -v k="$2:" '$1 == k { print $2 }' $1; }
# cycles N: N insmod, read, rmmod; 1 if all went well
cycles() {
	i=0 ok=1
	while [ $i -lt $1 ]; do
		insmod $KO && cat $PROC > /dev/null && rmmod modelab || ok=0
		i=$((i + 1))
	done
	echo $ok
}
if quick; then
	skip "$((2 * LEAK_N)) load/unload cycles, no leak" "$QUICK_WHY"
else
	bad0=$(bad_log_lines)
	measure $T/mem0
	ok1=$(cycles $LEAK_N)
	measure $T/mem1
	ok2=$(cycles $LEAK_N)
	measure $T/mem2
	leak_ok=1 leak_msg=
	for fl in $LEAK_FIELDS MemAvailable:2048; do
		f=${fl%:*} max=${fl#*:}
		d1=$(($(mem $T/mem1 $f) - $(mem $T/mem0 $f)))
		d2=$(($(mem $T/mem2 $f) - $(mem $T/mem1 $f)))
		if [ $f = MemAvailable ]; then
			# a drop, net of what went to the per-CPU free lists
			d1=$((-d1 - ($(mem $T/mem1 PCP) - $(mem $T/mem0 PCP))))
			d2=$((-d2 - ($(mem $T/mem2 PCP) - $(mem $T/mem1 PCP))))
		fi
		leak_msg="$leak_msg $f $d1 then $d2 kB (max $max);"
		[ $d2 -le $max ] || leak_ok=0
	done
	info "over $LEAK_N then $LEAK_N more cycles:$leak_msg"
	check "$((2 * LEAK_N)) load/unload cycles" "an insmod, read or rmmod failed" \
		test "$ok1$ok2" = 11
	check "no per-load leak over $((2 * LEAK_N)) cycles" "$leak_msg" test $leak_ok = 1
	check "kernel log clean after cycles" "$(($(bad_log_lines) - bad0)) new error lines" \
		test "$(bad_log_lines)" -eq "$bad0"
fi
insmod $KO
