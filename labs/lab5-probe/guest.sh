#!/bin/sh
# labs/lab5-probe/guest.sh - lab 5 inside the lab VM: tests/vm/run.sh packs
# it as /suite.sh (MODELAB_SUITE).  Loads modelab.ko, runs the lab5 probe
# with the module counting, and writes the JSON report between markers for
# grade.sh on the second serial port (ttyS1), each line after this run's
# nonce (/nonce, read and removed before the student's probe runs): what
# the probe prints, on the console or anywhere else, is no report.  The
# summary line says only whether the VM could do that.
NONCE=$(cat /nonce 2>/dev/null)
rm -f /nonce
# say LINE...: on the console, and with the nonce on the results port
say() {
	for l in "$@"; do
		echo "$l"
		[ -z "$NONCE" ] || echo "$NONCE $l" > /dev/ttyS1
	done
}
if ! insmod /modelab.ko; then
	say "lab5: insmod modelab.ko failed" "modelab-suite summary: 0 passed, 1 failed"
	exit 0
fi
# a probe that never returns must not hold the VM until run.sh's timeout
timeout 300 modelab run --quick --json lab5 > /tmp/lab5.json 2> /tmp/lab5.err
rc=$?
case $rc in
124 | 143) stopped=" (stopped after 300 s)" ;;
*) stopped= ;;
esac
say "=== lab5 json begin ==="
echo "$(cat /tmp/lab5.json)"
[ -z "$NONCE" ] || sed "s/^/$NONCE /" /tmp/lab5.json > /dev/ttyS1
say "=== lab5 json end ===" "lab5: modelab run --quick --json lab5 exited $rc$stopped"
cat /tmp/lab5.err
say "modelab-suite summary: 1 passed, 0 failed"
