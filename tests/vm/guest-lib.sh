# guest-lib.sh - what every in-guest script shares (busybox sh): the lab
# VM's suite and the labs' guest.sh source it from /guest-lib.sh.

# wait_stopped PID: until the process is in state T (stopped), at most 10 s
wait_stopped() {
	i=0
	while [ $i -lt 200 ]; do
		st=$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f1)
		[ "$st" = T ] && return 0
		[ -z "$st" ] && return 1
		usleep 50000
		i=$((i + 1))
	done
	return 1
}
