// SPDX-License-Identifier: GPL-2.0
/*
 * isa.c - `modelab isa`: what this machine's instruction set and kernel
 * do at the boundary, each line the outcome of something done here.
 *
 * The same C runs on x86-64, arm64 and riscv64; only the instructions of
 * user/isa/arch.h differ.  Each fact below is observed, not typed in:
 *
 *   kernel_entry   a child makes one bare system call (syscall, svc #0,
 *                  ecall) while this process traces it: the kernel itself
 *                  reports (PTRACE_GET_SYSCALL_INFO) the number it saw, the
 *                  audit architecture seccomp filters test, and the address
 *                  it was entered from, where the instruction's bytes are.
 *   nr_*           the numbers of a few calls, as the kernel saw them.
 *   vdso, vdso_*   the vDSO's own symbol table (vdso.c), and for each time
 *                  call in it, whether calling it entered the kernel.
 *   divide ... aligned_only_load
 *                  the instruction run in a child: the signal and si_code
 *                  the kernel sent, and whether the saved pc was on the
 *                  instruction (a fault) or past it (a trap); or, when
 *                  nothing trapped, what the instruction gave.
 *   doors          the 32-bit ways in: int 0x80 and x32 tried on x86-64,
 *                  AArch32 asked of the kernel on arm64.
 *
 * Where the kernel cannot be asked (qemu-user has no ptrace), the line
 * says so rather than guess.  `modelab isa --table A B C` (isatable.c)
 * sets several machines' outputs side by side.
 */
#define _GNU_SOURCE
#include "util/util.h"
#include "isa/arch.h"
#include "isa/isa.h"
#include "measure/measuring.h"
#include "measure/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define KEY_FMT "%-20s "

/* ---- running one instruction in a child ----------------------------------- */

struct trial {
	int sig, code;		/* the signal the kernel sent, 0 if none */
	bool pc_past;		/* the saved pc was past the instruction */
	long value;		/* what the function returned, if it did */
};

static struct trial *shared;	/* MAP_SHARED: the child writes it */
static uintptr_t resume_ip;

static void on_exception(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	ml_arch_signal_entry();
	shared->sig = sig;
	shared->code = si->si_code;
#if ML_ARCH_KNOWN
	shared->pc_past = (uintptr_t)ML_ARCH_PC(uc) == resume_ip;
#else
	(void)uc;
#endif
	_exit(0);
}

/* Runs fn in a child with the exception signals caught: *t says what. */
static int trial(long (*fn)(void), struct trial *t)
{
	static const int sigs[] = { SIGFPE, SIGILL, SIGTRAP, SIGBUS, SIGSEGV };
	int status;
	pid_t pid;

	memset(shared, 0, sizeof(*shared));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sigaction sa = { .sa_sigaction = on_exception,
					.sa_flags = SA_SIGINFO };

		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < ML_ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &sa, NULL);
		shared->value = fn();
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	*t = *shared;
	if (WIFSIGNALED(status)) {	/* died before its handler ran */
		t->sig = WTERMSIG(status);
		t->code = -1;
	}
	return 0;
}

static const char *code_name(int sig, int code)
{
	switch (sig) {
	case SIGFPE:
		return code == FPE_INTDIV ? "FPE_INTDIV" : NULL;
	case SIGILL:
		return code == ILL_ILLOPC ? "ILL_ILLOPC" :
		       code == ILL_ILLOPN ? "ILL_ILLOPN" :
		       code == ILL_PRVOPC ? "ILL_PRVOPC" : NULL;
	case SIGTRAP:
		return code == TRAP_BRKPT ? "TRAP_BRKPT" :
		       code == SI_KERNEL  ? "SI_KERNEL" : NULL;
	case SIGBUS:
		return code == BUS_ADRALN ? "BUS_ADRALN" :
		       code == BUS_ADRERR ? "BUS_ADRERR" : NULL;
	case SIGSEGV:
		return code == SEGV_ACCERR ? "SEGV_ACCERR" :
		       code == SEGV_MAPERR ? "SEGV_MAPERR" : NULL;
	default:
		return NULL;
	}
}

/* "SIGILL (ILL_ILLOPC), pc on it" or "no trap: gives V" */
static void say_trial(FILE *out, const char *key, const char *insn,
		      long (*fn)(void), bool where, const char *gives)
{
	struct trial t;
	const char *name;

	if (trial(fn, &t)) {
		fprintf(out, KEY_FMT "%s: not tried (%s)\n", key, insn,
			strerror(errno));
		return;
	}
	if (!t.sig) {
		fprintf(out, strcmp(gives, "loads") ?
			KEY_FMT "%s: no trap, %s %ld\n" :
			KEY_FMT "%s: no trap, %s %#lx\n", key, insn, gives,
			t.value);
		return;
	}
	name = code_name(t.sig, t.code);
	fprintf(out, KEY_FMT "%s: SIG%s", key, insn, sigabbrev_np(t.sig));
	if (t.code < 0)
		fprintf(out, " (killed: its handler could not run)");
	else if (name)
		fprintf(out, " (%s)", name);
	else
		fprintf(out, " (si_code %d)", t.code);
	if (where && t.code >= 0)
		fprintf(out, ", saved pc %s", t.pc_past ?
			"past it (returning goes on)" :
			"on it (returning runs it again)");
	fputc('\n', out);
}

#if ML_ARCH_KNOWN
static long do_divide(void)
{
	static volatile long zero;

	return ml_arch_divide(7, zero);
}

static long do_illegal(void)
{
	ML_ARCH_FAULTING(resume_ip, ML_ARCH_INSN_ILLEGAL, "i"(0));
	return 0;
}

static long do_breakpoint(void)
{
	ML_ARCH_FAULTING(resume_ip, ML_ARCH_INSN_BREAKPOINT, "i"(0));
	return 0;
}

static uint64_t unaligned[3] = { 0x0807060504030201ull, 0x100f0e0d0c0b0a09ull };

static long do_load(void)
{
	return (long)ml_arch_load((const char *)unaligned + 1);
}

static long do_load_aligned_only(void)
{
	return (long)ml_arch_load_aligned_only((const char *)unaligned + 1);
}
#endif

/* ---- the kernel's view, through ptrace -------------------------------------- */

struct seen {
	int entries;		/* system calls entered, exit_group aside */
	uint32_t arch;		/* of the first */
	long nr[8];		/* the first eight numbers */
	uintptr_t ip;		/* where the first was entered from */
	unsigned char insn[4];	/* the bytes just before ip */
};

/*
 * Traces a child that runs fn: every system call it enters, as the kernel
 * saw it.  -1 when this process cannot trace (qemu-user: no ptrace).
 */
static int kernel_view(void (*fn)(void *), void *arg, struct seen *s)
{
	struct __ptrace_syscall_info info;
	int status, stops = 0;
	bool traced = false;
	pid_t pid;

	memset(s, 0, sizeof(*s));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(99);
		raise(SIGSTOP);
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		goto done;
	traced = !ptrace(PTRACE_SETOPTIONS, pid, NULL,
			 (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
	while (stops++ < 10000 && !ptrace(PTRACE_SYSCALL, pid, NULL, NULL) &&
	       waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
		if (WSTOPSIG(status) != (SIGTRAP | 0x80) ||
		    ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info),
			   &info) <= 0 ||
		    info.op != PTRACE_SYSCALL_INFO_ENTRY)
			continue;
		if (info.entry.nr == SYS_exit_group)
			break;
		if (!s->entries) {
			long word;

			s->arch = info.arch;
			s->ip = (uintptr_t)info.instruction_pointer;
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, pid,
				      (void *)(s->ip - sizeof(long)), NULL);
			if (!errno)	/* the last bytes of the word */
				memcpy(s->insn, (char *)&word + sizeof(long) -
						sizeof(s->insn),
				       sizeof(s->insn));
		}
		if (s->entries < (int)ML_ARRAY_SIZE(s->nr))
			s->nr[s->entries] = (long)info.entry.nr;
		s->entries++;
	}
done:
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return traced ? 0 : -1;
}

static void bare_getppid(void *arg)
{
	(void)arg;
#if ML_ARCH_KNOWN
	ml_arch_syscall0(SYS_getppid);
#endif
}

static const struct {
	const char *name;
	long nr;
} calls[] = {
	{ "getppid", SYS_getppid }, { "getpid", SYS_getpid },
	{ "write", SYS_write },	    { "openat", SYS_openat },
};

static void libc_calls(void *arg)
{
	(void)arg;
	getppid();
	getpid();
	if (write(-1, "", 0) < 0)
		errno = 0;
	openat(AT_FDCWD, "", O_RDONLY);
}

static void entry_facts(FILE *out)
{
	struct seen s;
	bool traced = kernel_view(bare_getppid, NULL, &s) == 0 && s.entries;
	bool answered = true;

#if ML_ARCH_KNOWN
	answered = ml_arch_syscall0(SYS_getppid) == getppid();
#endif
	fprintf(out, KEY_FMT "%s, the number in %s: %s", "kernel_entry",
		ML_ARCH_SYSCALL_INSN, ML_ARCH_SYSCALL_NR_REG,
		answered ? "getppid() answered" : "no answer");
	if (traced) {
		fprintf(out, "; the kernel saw nr %ld entered from ", s.nr[0]);
		if (ML_ARCH_SYSCALL_INSN_LEN == 4)	/* one little-endian word */
			fprintf(out, "%02x%02x%02x%02x (the instruction before its pc)\n",
				s.insn[3], s.insn[2], s.insn[1], s.insn[0]);
		else
			fprintf(out, "%02x %02x (the bytes before its pc)\n",
				s.insn[2], s.insn[3]);
		fprintf(out, KEY_FMT "%s 0x%08x, seen by the kernel\n",
			"audit_arch", ML_ARCH_AUDIT_NAME, s.arch);
	} else {
		fprintf(out, " (the kernel not asked: no ptrace here)\n");
		fprintf(out, KEY_FMT "%s (built in; not seen: no ptrace here)\n",
			"audit_arch", ML_ARCH_AUDIT_NAME);
	}
	traced = kernel_view(libc_calls, NULL, &s) == 0;
	for (size_t i = 0; i < ML_ARRAY_SIZE(calls); i++) {
		char key[32];

		snprintf(key, sizeof(key), "nr_%s", calls[i].name);
		if (traced && s.nr[i] == calls[i].nr)
			fprintf(out, KEY_FMT "%ld, seen by the kernel\n", key,
				calls[i].nr);
		else if (traced)
			fprintf(out, KEY_FMT "%ld built in, the kernel saw %ld\n",
				key, calls[i].nr, s.nr[i]);
		else
			fprintf(out, KEY_FMT "%ld (built in; not seen: no ptrace here)\n",
				key, calls[i].nr);
	}
}

/* ---- the vDSO ------------------------------------------------------------------ */

#define VDSO_CALLS 3

static void call_vdso(void *arg)
{
	const char *name = arg;
	void *fn = ml_vdso_lookup(name);
	struct timespec ts;
	unsigned int cpu, node;

	for (int i = 0; i < VDSO_CALLS && fn; i++) {
		if (!strcmp(name, "clock_gettime") || !strcmp(name, "clock_getres"))
			((int (*)(clockid_t, struct timespec *))fn)(CLOCK_MONOTONIC, &ts);
		else if (!strcmp(name, "gettimeofday"))
			((int (*)(void *, void *))fn)(&ts, NULL);
		else if (!strcmp(name, "time"))
			((long (*)(void *))fn)(NULL);
		else if (!strcmp(name, "getcpu"))
			((int (*)(unsigned int *, unsigned int *, void *))fn)(&cpu, &node, NULL);
	}
}

static void vdso_facts(FILE *out)
{
	static const char *const timed[] = { "clock_gettime", "gettimeofday",
					     "time", "getcpu" };
	char have[512];

	if (ml_vdso_list(have, sizeof(have)) < 0) {
		fprintf(out, KEY_FMT "none mapped in this process\n", "vdso");
		return;
	}
	fprintf(out, KEY_FMT "%s\n", "vdso", have);
	for (size_t i = 0; i < ML_ARRAY_SIZE(timed); i++) {
		char key[32];
		void *fn = ml_vdso_lookup(timed[i]);
		struct seen s;

		snprintf(key, sizeof(key), "vdso_%s", timed[i]);
		if (!fn)
			fprintf(out, KEY_FMT "not in this vDSO: a system call\n", key);
		else if (kernel_view(call_vdso, (void *)timed[i], &s))
			fprintf(out, KEY_FMT "in the vDSO (not traced: no ptrace here)\n", key);
		else if (!s.entries)
			fprintf(out, KEY_FMT "user mode: %d calls, 0 kernel entries\n",
				key, VDSO_CALLS);
		else
			fprintf(out, KEY_FMT "enters the kernel: %d calls, %d entries%s\n",
				key, VDSO_CALLS, s.entries,
				s.ip - (uintptr_t)fn < 4096 ?
					", from inside the vDSO's own code" : "");
	}
}

/* ---- the 32-bit doors ------------------------------------------------------------ */

#if defined(ML_ARCH_HAS_INT80)
static long do_int80(void)
{
	return ml_arch_int80_0(64);	/* i386 getppid */
}

static long do_x32(void)
{
	long r = syscall(0x40000000 | SYS_getpid);

	return r < 0 ? -errno : r;
}
#endif

static void door_facts(FILE *out)
{
#if defined(ML_ARCH_HAS_INT80)
	struct trial t;

	/* a child: where the kernel has no i386 table, int 0x80 is SIGSEGV */
	if (trial(do_int80, &t) == 0)
		fprintf(out, KEY_FMT "int 0x80 (the i386 table, getppid is 64): %s%s\n",
			"door_32bit",
			t.sig ? "closed, SIG" : t.value == getpid() ?
			"open, getppid answered" : "closed",
			t.sig ? sigabbrev_np(t.sig) : "");
	if (trial(do_x32, &t) == 0)
		fprintf(out, KEY_FMT "x32 (0x40000000|%d): %s\n", "door_x32",
			SYS_getpid, t.sig ? "closed by a signal" :
			t.value > 0 ? "open, getpid answered" :
			t.value == -ENOSYS ? "closed (ENOSYS: no x32 in this kernel)" :
					     "closed");
#elif defined(__aarch64__)
	int old = personality(0xffffffff);
	bool open = personality(PER_LINUX32) != -1;

	personality(old);
	fprintf(out, KEY_FMT "AArch32: %s\n", "door_32bit", open ?
		"open (the kernel takes personality(PER_LINUX32))" :
		"closed (the kernel refuses PER_LINUX32: no AArch32 at EL0)");
#else
	fprintf(out, KEY_FMT "none tried on %s\n", "door_32bit", ML_ARCH_NAME);
#endif
}

/* ---- all of it ---------------------------------------------------------------------- */

int ml_isa_facts(FILE *out)
{
	struct ml_clock clock;
	struct ml_env env = { .cpu = -1 };
	struct utsname u;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	uname(&u);
	ml_env_read(&env, "");
	fprintf(out, KEY_FMT "%s (uname: %s, kernel %s)\n", "isa", ML_ARCH_NAME,
		u.machine, u.release);
	fprintf(out, KEY_FMT "%s\n", "runs_on",
		ml_env_emulated(&env) ? env.hypervisor :
		*env.hypervisor ? env.hypervisor : "the hardware");
	/* AUTO, as `modelab run` chooses: QEMU's default x86 CPU has a TSC
	 * that is not invariant, and no rdtscp to read it with */
	if (!ml_clock_init(&clock, ML_CLOCK_AUTO, 20) &&
	    clock.kind == ML_CLOCK_TSC)
		fprintf(out, KEY_FMT "%s, %.1f MHz %s\n", "time_base",
			ML_ARCH_COUNTER_LABEL, clock.ticks_per_ns * 1e3,
			clock.rate_from ? clock.rate_from :
					  "calibrated against CLOCK_MONOTONIC_RAW");
	else
		fprintf(out, KEY_FMT "clock_gettime(CLOCK_MONOTONIC_RAW): %s\n",
			"time_base", ML_ARCH_KNOWN ?
			"no invariant " ML_ARCH_COUNTER_LABEL " here" :
			"no counter known for this ISA");
	entry_facts(out);
	vdso_facts(out);
#if ML_ARCH_KNOWN
	say_trial(out, "divide_by_zero", "7 / 0 (the divide instruction)",
		  do_divide, false, "gives");
	say_trial(out, "illegal", ML_ARCH_ILLEGAL_NAME, do_illegal, true, "");
	say_trial(out, "breakpoint", ML_ARCH_BREAKPOINT_NAME, do_breakpoint,
		  true, "");
	say_trial(out, "unaligned_load", ML_ARCH_LOAD_NAME " at an odd address",
		  do_load, false, "loads");
	say_trial(out, "aligned_only_load",
		  ML_ARCH_LOAD_ALIGNED_NAME " at an odd address",
		  do_load_aligned_only, false, "loads");
#endif
	door_facts(out);
	munmap(shared, sizeof(*shared));
	return 0;
}

int ml_isa_main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--table"))
		return ml_isa_table(stdout, argc - 2, argv + 2) ? 2 : 0;
	if (argc > 1) {
		fprintf(stderr, "usage: modelab isa [--table FILE...]\n"
				"modelab isa: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	return ml_isa_facts(stdout) ? 1 : 0;
}
