# A right daemon but for one thing: it closes descriptors 0 to 3, the
# ones it expects a shell to have left it, not every one.
fill daemon.c 1 <<'C'
	for (int fd = 0; fd <= 3; fd++)
		close(fd);
C
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
C
. "$CHEAT_DIR/../right-sigterm.inc"
. "$CHEAT_DIR/../right-reaper.inc"
