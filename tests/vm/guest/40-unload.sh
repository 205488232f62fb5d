# 40-unload.sh - unloading and loading under stress (guest suite, sourced by
# guest-suite.sh): rmmod and insmod while shell loops read, reset, toggle
# counting and watch; a probe that fails to attach fails the load cleanly
# (fail_attach=K, guest-isa.sh) and a load after it works; reads while
# CPU 1 goes offline and online again keep the same columns in every row.
# Each ends with the kernel log as clean as before it.
#
# On entry: modelab.ko loaded or not.  Leaves it loaded, counting on.

# ---- rmmod while /proc/modelab is busy ------------------------------------------
# Four shell loops read, reset, toggle counting and watch while the module
# is unloaded and loaded again; errors (ENOENT, EIO) are expected and ignored.
# A hang is caught by run.sh's timeout, an oops by the kernel-log scan.
bad0=$(bad_log_lines)
stress_ok=1
round=0
while [ $round -lt $STRESS_ROUNDS ]; do
	lsmod | grep -q '^modelab' || insmod $KO
	( while :; do cat $PROC > /dev/null 2>&1; done ) &
	l1=$!
	( while :; do echo reset > $PROC; done ) 2>/dev/null &
	l2=$!
	( while :; do echo count off > $PROC; echo count on > $PROC
	  done ) 2>/dev/null &
	l3=$!
	( while :; do echo "watch $$" > $PROC; echo watch off > $PROC
	  done ) 2>/dev/null &
	l4=$!
	( exec 3< $PROC; while :; do cat <&3 > /dev/null 2>&1; done ) 2>/dev/null &
	l5=$!
	usleep 300000
	rmmod modelab || stress_ok=0
	usleep 200000
	insmod $KO || stress_ok=0
	usleep 300000
	rmmod modelab || stress_ok=0
	kill $l1 $l2 $l3 $l4 $l5
	wait $l1 $l2 $l3 $l4 $l5 2>/dev/null
	round=$((round + 1))
done
check "rmmod under load ($STRESS_ROUNDS rounds)" "an rmmod or insmod failed" \
	test $stress_ok = 1
check "kernel log clean after rmmod under load" \
	"$(($(bad_log_lines) - bad0)) new error lines" \
	test "$(bad_log_lines)" -eq "$bad0"

# ---- a probe that fails to attach at load ----------------------------------------
# fail_attach=K makes attaching the Kth source fail (guest-isa.sh): load must
# detach the ones before it, wait for those still running on the other CPU
# (tracepoint_synchronize_unregister()) and fail with ENOMEM, leaving
# nothing behind.  Processes making syscalls keep sys_enter busy meanwhile;
# a missing wait is a race (module memory freed under a running probe), so
# a pass here makes it unlikely, not impossible.
bad0=$(bad_log_lines)
( while :; do $GA -p 2000 > /dev/null; done ) &
busy=$!
fa_ok=1 fa_msg=
for k in $FAIL_ATTACH_LIST; do
	if insmod $KO fail_attach=$k 2> $T/fa; then
		fa_ok=0 fa_msg="$fa_msg fail_attach=$k loaded;"
		rmmod modelab
	elif ! grep -qi 'memory' $T/fa || [ -e $PROC ]; then
		fa_ok=0 fa_msg="$fa_msg fail_attach=$k: $(cat $T/fa);"
	fi
done
kill $busy
wait $busy 2>/dev/null
check "a failed probe attach fails the load cleanly" "$fa_msg" test $fa_ok = 1
check "kernel log clean after failed loads" \
	"$(($(bad_log_lines) - bad0)) new error lines" \
	test "$(bad_log_lines)" -eq "$bad0"
check "load after failed loads" "insmod failed" insmod $KO

# ---- CPU hotplug while reading ----------------------------------------------------
# One read takes one snapshot of the online CPUs: its header and every row
# have the same columns even when CPU 1 goes and comes back meanwhile.
CPU1=/sys/devices/system/cpu/cpu1/online
if [ -w $CPU1 ]; then
	( while :; do echo 0 > $CPU1; echo 1 > $CPU1; done ) 2>/dev/null &
	hp=$!
	i=0 torn=0 one=0
	while [ $i -lt $HOTPLUG_READS ]; do
		cat $PROC > $T/hp
		awk 'NR == 4 { n = NF + 1 }
			NR >= 5 && NR <= 19 && NF != n { bad = 1 }
			END { exit bad }' $T/hp || { torn=$((torn + 1)); cp $T/hp $T/torn; }
		[ "$(sed -n 4p $T/hp | wc -w)" = 2 ] && one=$((one + 1))
		i=$((i + 1))
	done
	kill $hp
	wait $hp 2>/dev/null
	echo 1 > $CPU1 2>/dev/null
	info "$HOTPLUG_READS reads during CPU 1 hotplug: $one with CPU 1 offline, $torn torn"
	check "reads during CPU hotplug: same columns in every row" \
		"$torn reads torn, e.g. $(head -c 400 $T/torn 2>/dev/null)" test $torn = 0
	check "CPU 1 online after the hotplug loop" "online: $(cat $CPU1)" \
		test "$(cat $CPU1)" = 1
else
	skip "reads during CPU hotplug" "cannot take CPU 1 offline"
fi
