#!/bin/sh
# labs/lab5-probe/guest.sh - lab 5 inside the lab VM: tests/vm/run.sh packs
# it as /suite.sh (MODELAB_SUITE).  Loads modelab.ko, runs the lab5 probe
# with the module counting, and prints the JSON report between markers for
# grade.sh; the summary line says only whether the VM could do that.
if ! insmod /modelab.ko; then
	echo "lab5: insmod modelab.ko failed"
	echo "modelab-suite summary: 0 passed, 1 failed"
	exit 0
fi
# a probe that never returns must not hold the VM until run.sh's timeout
timeout 300 modelab run --quick --json lab5 > /tmp/lab5.json 2> /tmp/lab5.err
rc=$?
case $rc in
124 | 143) stopped=" (stopped after 300 s)" ;;
*) stopped= ;;
esac
echo "=== lab5 json begin ==="
cat /tmp/lab5.json
echo "=== lab5 json end ==="
echo "lab5: modelab run --quick --json lab5 exited $rc$stopped"
cat /tmp/lab5.err
echo "modelab-suite summary: 1 passed, 0 failed"
