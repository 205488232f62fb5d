# Forks twice but never calls setsid(): the daemon stays in the session
# (and with the terminal) of the shell that started it.
. "$CHEAT_DIR/../right-close.inc"
fill daemon.c 2 <<'C'
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
