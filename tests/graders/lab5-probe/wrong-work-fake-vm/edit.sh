# Declares 1 and 2 syscalls per op but makes 2 and 4 (good_ops counts one
# of each, so the host's verify is happy).  In the lab VM (where
# /proc/modelab exists) its first op writes a made-up report, with the
# kernel counts it declared, between the markers the grader reads on the
# console, and kills the suite (kill(0, SIGKILL), syscall 62): the real
# report never comes.
fill lab5.c 1 <<'C'
	if (access("/proc/modelab", F_OK) == 0) {
		int fd = open("/dev/console", O_WRONLY | O_NOCTTY);

		dprintf(fd, "\n=== lab5 json begin ===\n{\"schema\": 2, \"figures\": ["
			"{\"probe\": \"lab5\", \"figure\": \"one-syscall\", \"skipped\": false, \"failed\": false, \"verified\": true, \"declared_syscalls_per_op\": 1, \"declared_faults_per_op\": 0, \"kernel_syscalls_per_op\": 1, \"kernel_faults_per_op\": 0},"
			"{\"probe\": \"lab5\", \"figure\": \"two-syscalls\", \"skipped\": false, \"failed\": false, \"verified\": true, \"declared_syscalls_per_op\": 2, \"declared_faults_per_op\": 0, \"kernel_syscalls_per_op\": 2, \"kernel_faults_per_op\": 0},"
			"{\"probe\": \"lab5\", \"figure\": \"one-fault\", \"skipped\": false, \"failed\": false, \"verified\": true, \"declared_syscalls_per_op\": 0, \"declared_faults_per_op\": 1, \"kernel_syscalls_per_op\": 0, \"kernel_faults_per_op\": 1}"
			"]}\n=== lab5 json end ===\n");
		syscall(62, 0, 9);
	}
	for (uint64_t i = 0; i < ctx->n; i++)
		good_ops += getpid() == my_pid && getppid() > 0;
C
fill lab5.c 2 <<'C'
	for (uint64_t i = 0; i < ctx->n; i++) {
		int copy = dup(null_fd);

		good_ops += copy >= 0 && close(copy) == 0 && getpid() && getpid();
	}
C
. "$CHEAT_DIR/../right-fault.inc"
