// SPDX-License-Identifier: GPL-2.0
/*
 * bpf.c - the seccomp program libseccomp generated, read out for people.
 *
 * The kernel runs classic BPF over struct seccomp_data: load a field
 * (nr, arch, an argument's low or high word), compare, jump, return an
 * action.  Printing it shows what a filter really checks: the
 * architecture first, then the syscall number, then the arguments.
 */
#define _GNU_SOURCE
#include "seccomp/policy.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void field_name(uint32_t off, char *buf, size_t len)
{
	if (off == offsetof(struct seccomp_data, nr))
		snprintf(buf, len, "nr");
	else if (off == offsetof(struct seccomp_data, arch))
		snprintf(buf, len, "arch");
	else if (off == offsetof(struct seccomp_data, instruction_pointer))
		snprintf(buf, len, "ip.lo");
	else if (off == offsetof(struct seccomp_data, instruction_pointer) + 4)
		snprintf(buf, len, "ip.hi");
	else if (off >= offsetof(struct seccomp_data, args) &&
		 off < sizeof(struct seccomp_data))
		snprintf(buf, len, "args[%u].%s",
			 (unsigned int)(off - offsetof(struct seccomp_data, args)) / 8,
			 (off % 8) ? "hi" : "lo");
	else
		snprintf(buf, len, "[%u]", off);
}

static void action_name(uint32_t k, char *buf, size_t len)
{
	uint32_t data = k & SECCOMP_RET_DATA;

	switch (k & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, len, "KILL_PROCESS");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, len, "KILL_THREAD");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, len, "TRAP");
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, len, "ERRNO(%u)", data);
		break;
	case SECCOMP_RET_USER_NOTIF:
		snprintf(buf, len, "USER_NOTIF");
		break;
	case SECCOMP_RET_TRACE:
		snprintf(buf, len, "TRACE(%u)", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, len, "LOG");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, len, "ALLOW");
		break;
	default:
		snprintf(buf, len, "0x%08x", k);
	}
}

/* What a constant means next to the field it is compared with. */
static void constant_note(uint32_t field, uint32_t k, char *buf, size_t len)
{
	char *name;

	buf[0] = '\0';
	if (field == offsetof(struct seccomp_data, arch)) {
		snprintf(buf, len, "  ; %s",
			 k == AUDIT_ARCH_X86_64	 ? "x86-64" :
			 k == AUDIT_ARCH_I386	 ? "i386 (int 0x80)" :
			 k == AUDIT_ARCH_AARCH64 ? "arm64" :
			 k == AUDIT_ARCH_ARM	 ? "arm (AArch32 compat)" :
			 k == AUDIT_ARCH_RISCV64 ? "riscv64" :
						   "another architecture");
	} else if (field == offsetof(struct seccomp_data, nr)) {
		name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
							(int)k);
		if (name)
			snprintf(buf, len, "  ; %s", name);
		free(name);
	}
}

static void print_insn(FILE *out, const struct sock_filter *f, size_t i,
		       uint32_t *field)
{
	char a[48], note[64] = "";
	unsigned int code = f->code;

	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (BPF_MODE(code) == BPF_ABS) {
			*field = f->k;
			field_name(f->k, a, sizeof(a));
			fprintf(out, "%4zu: ld   %s\n", i, a);
		} else if (BPF_MODE(code) == BPF_MEM) {
			fprintf(out, "%4zu: ld   M[%u]\n", i, f->k);
		} else {
			fprintf(out, "%4zu: ld   #%u\n", i, f->k);
		}
		return;
	case BPF_LDX:
		fprintf(out, "%4zu: ldx  M[%u]\n", i, f->k);
		return;
	case BPF_ST:
		fprintf(out, "%4zu: st   M[%u]\n", i, f->k);
		return;
	case BPF_STX:
		fprintf(out, "%4zu: stx  M[%u]\n", i, f->k);
		return;
	case BPF_ALU:
		fprintf(out, "%4zu: alu  op 0x%02x #0x%x\n", i, BPF_OP(code),
			f->k);
		return;
	case BPF_JMP:
		if (BPF_OP(code) == BPF_JA) {
			fprintf(out, "%4zu: ja   %zu\n", i, i + 1 + f->k);
			return;
		}
		constant_note(*field, f->k, note, sizeof(note));
		fprintf(out, "%4zu: %-4s #0x%x, %zu, %zu%s\n", i,
			BPF_OP(code) == BPF_JEQ ? "jeq" :
			BPF_OP(code) == BPF_JGT ? "jgt" :
			BPF_OP(code) == BPF_JGE ? "jge" :
						  "jset",
			f->k, i + 1 + f->jt, i + 1 + f->jf, note);
		return;
	case BPF_RET:
		action_name(f->k, a, sizeof(a));
		fprintf(out, "%4zu: ret  %s\n", i, a);
		return;
	default:
		fprintf(out, "%4zu: misc 0x%04x\n", i, code);
	}
}

void ml_bpf_explain_prog(FILE *out, const void *insns, size_t n)
{
	const struct sock_filter *prog = insns;
	uint32_t field = UINT32_MAX;

	fprintf(out, "# the BPF program: %zu instructions\n", n);
	for (size_t i = 0; i < n; i++)
		print_insn(out, &prog[i], i, &field);
}

int ml_bpf_explain(FILE *out, void *ctx)
{
	int fd = memfd_create("modelab-bpf", MFD_CLOEXEC);
	struct sock_filter *prog;
	off_t size;

	if (fd < 0 || seccomp_export_bpf(ctx, fd)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size = lseek(fd, 0, SEEK_END);
	prog = size > 0 ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd,
			       0) :
			  MAP_FAILED;
	close(fd);
	if (prog == MAP_FAILED)
		return -1;
	ml_bpf_explain_prog(out, prog, (size_t)size / sizeof(*prog));
	munmap(prog, (size_t)size);
	return 0;
}
