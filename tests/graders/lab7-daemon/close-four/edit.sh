# A right daemon but for one thing: it closes descriptors 0 to 3, the
# ones it expects a shell to have left it, not every one.
fill daemon.c 1 <<'C'
	for (int fd = 0; fd <= 3; fd++)
		close(fd);
C
. "$CHEAT_DIR/../right-daemonize.inc"
. "$CHEAT_DIR/../right-sigterm.inc"
. "$CHEAT_DIR/../right-reaper.inc"
