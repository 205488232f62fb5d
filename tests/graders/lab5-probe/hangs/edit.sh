# one-syscall's op leaves a child behind in a session of its own, then
# never returns: the host run must be stopped at its time limit and the
# child killed with it.
fill lab5.c 1 <<'C'
	if (fork() == 0) {
		setsid();
		for (;;)
			pause();
	}
	for (;;)
		pause();
C
. "$CHEAT_DIR/../right-fault.inc"
