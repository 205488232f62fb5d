# A right daemon that, once it runs, starts 20 children which inherit its
# blocked SIGTERM and sleep for ever: the grader must leave none running.
. "$CHEAT_DIR/../right-close.inc"
fill daemon.c 2 <<'C'
	if (setsid() < 0)
		exit(1);
	pid = fork();
	if (pid < 0)
		exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		exit(1);
	umask(0);
	close_every_fd();
	if (open("/dev/null", O_RDWR) != 0 || dup2(0, 1) != 1 || dup2(0, 2) != 2)
		_exit(1);
	for (int i = 0; i < 20; i++)
		if (fork() == 0)
			for (;;)
				pause();
C
. "$CHEAT_DIR/../right-sigterm.inc"
. "$CHEAT_DIR/../right-reaper.inc"
