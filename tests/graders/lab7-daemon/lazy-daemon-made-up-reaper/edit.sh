# The daemon: no setsid(), no second fork, closes descriptors 0 to 3 only.
# The reaper reaps without looking: it prints made-up PIDs, with the
# statuses the handout names, instead of what waitpid() returned.
fill daemon.c 1 <<'C'
	for (int fd = 0; fd <= 3; fd++)
		close(fd);
C
fill daemon.c 2 <<'C'
	if (chdir("/"))
		exit(1);
	umask(0);
	close_every_fd();
	if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 || dup2(0, 2) != 2)
		_exit(1);
C
. "$CHEAT_DIR/../right-sigterm.inc"
fill reaper.c 1 <<'C'
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		return 1;
C
fill reaper.c 2 <<'C'
	while (wait(NULL) > 0)
		;
	for (int i = 0; i < n; i++) {
		printf("reaped %d status 0\n", 1000 + i);
		printf("reaped %d status 7\n", 2000 + i);
		reaped += 2;
	}
C
