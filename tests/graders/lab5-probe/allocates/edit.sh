# one-syscall's op maps and touches memory without bound, and dies (a
# trap) when the kernel finally refuses: the host run must stop at its
# memory limit, with nothing left behind.
fill lab5.c 1 <<'C'
	for (;;) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			__builtin_trap();
		for (size_t i = 0; i < (1 << 20); i += 4096)
			p[i] = 1;
	}
	for (uint64_t i = 0; i < ctx->n; i++)
		good_ops += getpid() == my_pid;
C
. "$CHEAT_DIR/../right-fault.inc"
