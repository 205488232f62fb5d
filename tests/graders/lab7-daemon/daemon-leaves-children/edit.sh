# A right daemon that, once it runs, starts 20 children which inherit its
# blocked SIGTERM and sleep for ever: the grader must leave none running.
. "$CHEAT_DIR/../right-close.inc"
fill daemon.c 2 <<'C'
	for (int i = 0; i < 20; i++)
		if (fork() == 0)
			for (;;)
				pause();
C
. "$CHEAT_DIR/../right-daemonize.inc"
. "$CHEAT_DIR/../right-sigterm.inc"
. "$CHEAT_DIR/../right-reaper.inc"
