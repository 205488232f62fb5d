# 10-module.sh - loading modelab.ko (guest suite, sourced by guest-suite.sh):
# insmod makes /proc/modelab in the layout user space parses (mode 0644,
# counting on, watching none), rmmod removes it and a second insmod brings
# it back, count_on_load=0 loads with counting off, and 80 load/unload
# cycles leak neither memory nor kernel-log errors.
#
# On entry: modelab.ko not loaded.  Leaves it loaded, counting on.

# check_format FILE: the layout user space parses (see kmod/procfs.c):
# 4 header lines, a row per counter, a blank line, "watched", a row each
check_format() {
	f=$1 last=$((4 + NROWS)) wlast=$((6 + 2 * NROWS))
	ncpu=$(grep -c '^processor' /proc/cpuinfo)
	[ "$(sed -n 1p $f)" = "modelab 0.1.0" ] || { echo "line 1"; return 1; }
	sed -n 2p $f | grep -qE '^counting (on|off)$' || { echo "line 2"; return 1; }
	sed -n 3p $f | grep -qE '^watching (none|[0-9]+ .+)$' ||
		{ echo "line 3"; return 1; }
	hdr=$(sed -n 4p $f | awk '{ $1 = $1; print }')
	want=$(i=0; while [ $i -lt $ncpu ]; do printf 'CPU%d ' $i;
		i=$((i + 1)); done; echo total)
	[ "$hdr" = "$want" ] || { echo "header '$hdr' != '$want'"; return 1; }
	rows=$(sed -n "5,${last}p" $f | awk '{ printf "%s ", $1 }')
	[ "$rows" = "$COUNTERS " ] || { echo "rows '$rows'"; return 1; }
	# name, one column per CPU, total; total = sum of the CPU columns
	sed -n "5,${last}p" $f | awk -v n=$ncpu '
		NF != n + 2 { bad = 1 }
		{ s = 0; for (i = 2; i <= n + 1; i++) s += $i
		  if ($(n + 2) + 0 < s) bad = 1 }
		END { exit bad }' || { echo "per-CPU columns"; return 1; }
	[ -z "$(sed -n $((last + 1))p $f)" ] || { echo "line $((last + 1)) not blank"; return 1; }
	[ "$(sed -n $((last + 2))p $f | awk '{ $1 = $1; print }')" = "watched total" ] ||
		{ echo "watched header"; return 1; }
	rows=$(sed -n "$((last + 3)),${wlast}p" $f | awk 'NF == 2 { printf "%s ", $1 }')
	[ "$rows" = "$COUNTERS " ] || { echo "watched rows '$rows'"; return 1; }
	[ "$(wc -l < $f)" -eq $wlast ] || { echo "$(wc -l < $f) lines"; return 1; }
	return 0
}

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
	# KASAN holds freed objects back in its quarantine (up to 1/32 of
	# memory) and frees them later in batches: there the slab's size says
	# nothing of a leak (the debug kernel: 1120 then 324 kB of slab)
	if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
		skip "no per-load leak over $((2 * LEAK_N)) cycles" "KASAN's quarantine holds freed objects back, so memory is no measure here:$leak_msg"
	else
		check "no per-load leak over $((2 * LEAK_N)) cycles" "$leak_msg" test $leak_ok = 1
	fi
	check "kernel log clean after cycles" "$(($(bad_log_lines) - bad0)) new error lines" \
		test "$(bad_log_lines)" -eq "$bad0"
fi
insmod $KO
