/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch.h - what differs between x86-64, arm64 and riscv64, in one place.
 *
 * The same experiment runs on three instruction sets; only a handful of
 * instructions differ, and each is here, one section per ISA:
 *
 *   the time base      x86-64: the TSC (rdtsc); arm64: the generic timer's
 *                      virtual count (cntvct_el0), its rate in cntfrq_el0;
 *                      riscv64: the time CSR (rdtime), its rate in the
 *                      device tree's timebase-frequency.
 *   the system call    `syscall` with the number in rax; `svc #0` with it
 *                      in x8; `ecall` with it in a7.  The result comes back
 *                      in rax, x0, a0.
 *   the exceptions     the illegal instruction (ud2, udf #0, unimp), the
 *                      breakpoint (int3, brk #0, ebreak), and the integer
 *                      divide, which traps on x86-64 only: arm64's sdiv
 *                      gives 0 and riscv64's div gives -1 when the divisor
 *                      is 0.
 *   the signal frame   where the interrupted instruction's address sits
 *                      in a ucontext_t (rip, pc, __gregs[REG_PC]).
 *
 * Everything here is an inline function or a macro with no state, so a
 * probe, libmodelab and the libc-less exit0 helper can all include it.
 * Callers that use ML_ARCH_PC include <ucontext.h> first.
 */
#ifndef MODELAB_ARCH_H
#define MODELAB_ARCH_H

#include <stdint.h>

/* ======================================================================== */
#if defined(__x86_64__)
#define ML_ARCH_KNOWN 1
#define ML_ARCH_NAME "x86_64"
#define ML_ARCH_GO_NAME "amd64"		/* Docker profiles' includes.arches */
#define ML_ARCH_AUDIT_NAME "AUDIT_ARCH_X86_64"
#define ML_ARCH_AUDIT AUDIT_ARCH_X86_64	/* with <linux/audit.h> */
#define ML_ARCH_SCMP_NAME "SCMP_ARCH_X86_64"
#define ML_ARCH_SYSCALL_INSN "syscall"
#define ML_ARCH_SYSCALL_NR_REG "rax"
#define ML_ARCH_SYSCALL_INSN_LEN 2	/* 0f 05 */
#define ML_ARCH_COUNTER "tsc"		/* --clock's name for it, too */
#define ML_ARCH_COUNTER_LABEL "TSC"
#define ML_ARCH_CPUINFO_KEY "vendor_id"	/* in this ISA's /proc/cpuinfo */
#define ML_ARCH_O_LARGEFILE 0100000	/* the kernel's; glibc's is 0 */

/* lfence before: earlier work is done; lfence after: later work waits. */
static inline uint64_t ml_arch_counter_begin(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence"
			 : "=a"(lo), "=d"(hi)
			 :
			 : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* rdtscp waits for earlier instructions; lfence keeps later ones out. */
static inline uint64_t ml_arch_counter_end(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp\n\tlfence"
			 : "=a"(lo), "=d"(hi), "=c"(aux)
			 :
			 : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The TSC's rate is nowhere to read: clock.c calibrates it. */
static inline uint64_t ml_arch_counter_hz(void)
{
	return 0;
}

static inline long ml_arch_syscall0(long nr)
{
	long ret;

	/* the CPU overwrites rcx (return rip) and r11 (rflags) */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long ml_arch_syscall1(long nr, long a0)
{
	long ret;

	/* the CPU overwrites rcx (return rip) and r11 (rflags) */
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * A load that must be aligned: with EFLAGS.AC set (Linux sets CR0.AM), an
 * unaligned access in user mode raises #AC, SIGBUS BUS_ADRALN.  Without
 * AC, x86 loads at any address.
 */
#define ML_ARCH_LOAD_NAME "movq"
#define ML_ARCH_LOAD_ALIGNED_NAME "movq with EFLAGS.AC set"
static inline uint64_t ml_arch_load(const void *p)
{
	uint64_t v;

	__asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static inline uint64_t ml_arch_load_aligned_only(const void *p)
{
	uint64_t v;

	__asm__ volatile("pushfq\n\torq $0x40000, (%%rsp)\n\tpopfq\n\t"
			 "movq (%1), %0\n\t"
			 "pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq"
			 : "=r"(v)
			 : "r"(p)
			 : "memory", "cc");
	return v;
}

/* The 32-bit door: int 0x80 enters the i386 table (getppid is 64). */
#define ML_ARCH_HAS_INT80 1
static inline long ml_arch_int80_0(long nr)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

/* A handler starts with the flags of the code it interrupted: AC off. */
static inline void ml_arch_signal_entry(void)
{
	__asm__ volatile("pushfq\n\tandq $~0x40000, (%%rsp)\n\tpopfq"
			 ::: "memory", "cc");
}

/* The divide instruction itself: x86-64 raises #DE (SIGFPE) for b == 0. */
static inline long ml_arch_divide(long a, long b)
{
	long q, r;

	__asm__ volatile("cqto\n\tidivq %[b]"
			 : "=a"(q), "=&d"(r)
			 : "a"(a), [b] "r"(b));
	return q;
}

/*
 * One faulting instruction, and where a signal handler resumes after it:
 * the address of the label just past the instruction goes to `resume`.
 */
#define ML_ARCH_FAULTING(resume, insn, ...)                                   \
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"                          \
			 "movq %%r11, %[ip]\n\t" insn "\n1:"                  \
			 : [ip] "=m"(resume)                                  \
			 : __VA_ARGS__                                        \
			 : "r11", "rax", "rdx", "memory")
#define ML_ARCH_INSN_STORE "movb $1, (%[p])"	/* write a byte at p */
#define ML_ARCH_INSN_DIVIDE "xorl %%edx, %%edx\n\tmovl $1, %%eax\n\tdivl %[z]"
#define ML_ARCH_INSN_ILLEGAL "ud2"
#define ML_ARCH_INSN_BREAKPOINT "int3"
#define ML_ARCH_ILLEGAL_NAME "ud2"
#define ML_ARCH_BREAKPOINT_NAME "int3"
#define ML_ARCH_SIGILL_CODE ILL_ILLOPN		/* what the kernel says of ud2 */
#define ML_ARCH_PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])

/* ======================================================================== */
#elif defined(__aarch64__)
#define ML_ARCH_KNOWN 1
#define ML_ARCH_NAME "arm64"
#define ML_ARCH_GO_NAME "arm64"		/* Docker profiles' includes.arches */
#define ML_ARCH_AUDIT_NAME "AUDIT_ARCH_AARCH64"
#define ML_ARCH_AUDIT AUDIT_ARCH_AARCH64	/* with <linux/audit.h> */
#define ML_ARCH_SCMP_NAME "SCMP_ARCH_AARCH64"
#define ML_ARCH_SYSCALL_INSN "svc #0"
#define ML_ARCH_SYSCALL_NR_REG "x8"
#define ML_ARCH_SYSCALL_INSN_LEN 4	/* d4000001 */
#define ML_ARCH_COUNTER "cntvct"
#define ML_ARCH_COUNTER_LABEL "cntvct_el0"
#define ML_ARCH_CPUINFO_KEY "CPU implementer"
#define ML_ARCH_O_LARGEFILE 0400000	/* arm64's own value */

/*
 * The counter read may run ahead of earlier instructions; isb makes it
 * wait for them before, and the later ones wait for it after.
 */
static inline uint64_t ml_arch_counter_begin(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb"
			 : "=r"(v)
			 :
			 : "memory");
	return v;
}

static inline uint64_t ml_arch_counter_end(void)
{
	return ml_arch_counter_begin();
}

/* The firmware writes the counter's rate into cntfrq_el0 at boot. */
static inline uint64_t ml_arch_counter_hz(void)
{
	uint64_t hz;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
	return hz;
}

static inline long ml_arch_syscall0(long nr)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0");

	__asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory");
	return x0;
}

static inline long ml_arch_syscall1(long nr, long a0)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory");
	return x0;
}

#define ML_ARCH_LOAD_NAME "ldr"
#define ML_ARCH_LOAD_ALIGNED_NAME "ldxr"
static inline uint64_t ml_arch_load(const void *p)
{
	uint64_t v;

	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(p) : "memory");
	return v;
}

/* The exclusive load needs an aligned address: else SIGBUS BUS_ADRALN. */
static inline uint64_t ml_arch_load_aligned_only(const void *p)
{
	uint64_t v;

	__asm__ volatile("ldxr %0, [%1]\n\tclrex" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static inline void ml_arch_signal_entry(void)
{
}

/* sdiv never traps: a quotient by zero is 0. */
static inline long ml_arch_divide(long a, long b)
{
	long q;

	__asm__ volatile("sdiv %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
	return q;
}

#define ML_ARCH_FAULTING(resume, insn, ...)                                   \
	__asm__ volatile("adr x16, 1f\n\t"                                    \
			 "str x16, %[ip]\n\t" insn "\n1:"                     \
			 : [ip] "=m"(resume)                                  \
			 : __VA_ARGS__                                        \
			 : "x16", "memory")
#define ML_ARCH_INSN_STORE "strb wzr, [%[p]]"
#define ML_ARCH_INSN_ILLEGAL "udf #0"
#define ML_ARCH_INSN_BREAKPOINT "brk #0"
#define ML_ARCH_ILLEGAL_NAME "udf #0"
#define ML_ARCH_BREAKPOINT_NAME "brk #0"
/* any code: the kernel says ILL_ILLOPC of udf, qemu-user ILL_ILLOPN */
#define ML_ARCH_SIGILL_CODE 0
#define ML_ARCH_PC(uc) ((uc)->uc_mcontext.pc)

/* ======================================================================== */
#elif defined(__riscv) && __riscv_xlen == 64
#define ML_ARCH_KNOWN 1
#define ML_ARCH_NAME "riscv64"
#define ML_ARCH_GO_NAME "riscv64"		/* Docker profiles' includes.arches */
#define ML_ARCH_AUDIT_NAME "AUDIT_ARCH_RISCV64"
#define ML_ARCH_AUDIT AUDIT_ARCH_RISCV64	/* with <linux/audit.h> */
#define ML_ARCH_SCMP_NAME "SCMP_ARCH_RISCV64"
#define ML_ARCH_SYSCALL_INSN "ecall"
#define ML_ARCH_SYSCALL_NR_REG "a7"
#define ML_ARCH_SYSCALL_INSN_LEN 4	/* 00000073 */
#define ML_ARCH_COUNTER "rdtime"
#define ML_ARCH_COUNTER_LABEL "rdtime"
#define ML_ARCH_CPUINFO_KEY "isa"
#define ML_ARCH_O_LARGEFILE 0100000	/* asm-generic's */

/*
 * RISC-V orders no CSR read with the instructions around it; the fences
 * at least keep earlier loads and stores on the right side.  Linux lets
 * user mode read `time` (scounteren.TM); on some boards the firmware
 * emulates it with a trap, slowly, which the empty-batch cost absorbs.
 */
static inline uint64_t ml_arch_counter_begin(void)
{
	uint64_t v;

	__asm__ volatile("fence rw, rw\n\trdtime %0\n\tfence rw, rw"
			 : "=r"(v)
			 :
			 : "memory");
	return v;
}

static inline uint64_t ml_arch_counter_end(void)
{
	return ml_arch_counter_begin();
}

/* No CSR holds the rate: clock.c reads the device tree, or calibrates. */
static inline uint64_t ml_arch_counter_hz(void)
{
	return 0;
}

static inline long ml_arch_syscall0(long nr)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0");

	__asm__ volatile("ecall" : "=r"(a0) : "r"(a7) : "memory");
	return a0;
}

static inline long ml_arch_syscall1(long nr, long a0)
{
	register long a7 __asm__("a7") = nr;
	register long ra0 __asm__("a0") = a0;

	__asm__ volatile("ecall" : "+r"(ra0) : "r"(a7) : "memory");
	return ra0;
}

#define ML_ARCH_LOAD_NAME "ld"
#define ML_ARCH_LOAD_ALIGNED_NAME "lr.d"
/* An unaligned ld: the hardware, the firmware or the kernel does it. */
static inline uint64_t ml_arch_load(const void *p)
{
	uint64_t v;

	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p) : "memory");
	return v;
}

/* The load-reserved needs an aligned address: else SIGBUS BUS_ADRALN. */
static inline uint64_t ml_arch_load_aligned_only(const void *p)
{
	uint64_t v;

	__asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static inline void ml_arch_signal_entry(void)
{
}

/* div never traps: a quotient by zero is -1 (all bits set). */
static inline long ml_arch_divide(long a, long b)
{
	long q;

	__asm__ volatile("div %0, %1, %2" : "=r"(q) : "r"(a), "r"(b));
	return q;
}

/* norvc: the full 4-byte encodings, not the compressed 2-byte ones. */
#define ML_ARCH_FAULTING(resume, insn, ...)                                   \
	__asm__ volatile(".option push\n\t.option norvc\n\t"                  \
			 "lla t0, 1f\n\t"                                     \
			 "sd t0, %[ip]\n\t" insn "\n1:\n\t.option pop"        \
			 : [ip] "=m"(resume)                                  \
			 : __VA_ARGS__                                        \
			 : "t0", "memory")
#define ML_ARCH_INSN_STORE "sb zero, 0(%[p])"
#define ML_ARCH_INSN_ILLEGAL "unimp"
#define ML_ARCH_INSN_BREAKPOINT "ebreak"
#define ML_ARCH_ILLEGAL_NAME "unimp"
#define ML_ARCH_BREAKPOINT_NAME "ebreak"
#define ML_ARCH_SIGILL_CODE ILL_ILLOPC
#define ML_ARCH_PC(uc) ((uc)->uc_mcontext.__gregs[REG_PC])

/* ======================================================================== */
#else
/* Another ISA: clock_gettime is the time base and the ISA's figures skip. */
#define ML_ARCH_KNOWN 0
#define ML_ARCH_NAME "unknown"
#define ML_ARCH_GO_NAME "unknown"
#define ML_ARCH_AUDIT 0
#define ML_ARCH_COUNTER "counter"
#define ML_ARCH_COUNTER_LABEL "counter"
#define ML_ARCH_CPUINFO_KEY "processor"
#define ML_ARCH_O_LARGEFILE 0100000
static inline void ml_arch_signal_entry(void)
{
}

#define ML_ARCH_ILLEGAL_NAME "the illegal instruction"
#define ML_ARCH_BREAKPOINT_NAME "the breakpoint"
#endif

#endif /* MODELAB_ARCH_H */
