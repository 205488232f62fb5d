// SPDX-License-Identifier: GPL-2.0
/*
 * vdso.c - the vDSO, read from this process's own memory.
 *
 * The kernel maps a small shared library into every process, and the
 * auxiliary vector's AT_SYSINFO_EHDR points at its ELF header, so that a
 * few calls can run without entering the kernel.  Which calls differs by
 * ISA and kernel (x86-64: clock_gettime, gettimeofday, time, getcpu;
 * arm64: no time and no getcpu; riscv64: a getcpu that makes the system
 * call itself), so modelab reads the vDSO's own dynamic symbol table
 * rather than a typed list.  The whole image is mapped, section headers
 * included, so its .dynsym and .dynstr are found through them.  No vDSO
 * (qemu-user before 8.0, vdso=0) reads as an empty table.
 */
#define _GNU_SOURCE
#include "isa/isa.h"

#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <string.h>
#include <sys/auxv.h>

struct vdso_table {
	const ElfW(Sym) *sym;
	size_t nsym;
	const char *str;
	uintptr_t bias;		/* add to st_value for the address */
};

/* The table of the vDSO mapped here; false when there is none. */
static bool vdso_table(struct vdso_table *t)
{
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	const ElfW(Phdr) *ph;
	const ElfW(Shdr) *sh;
	bool loaded = false;

	memset(t, 0, sizeof(*t));
	if (!base || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 :
							    ELFCLASS32))
		return false;
	ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum && !loaded; i++)
		if (ph[i].p_type == PT_LOAD) {
			t->bias = base + ph[i].p_offset - ph[i].p_vaddr;
			loaded = true;
		}
	if (!loaded || !eh->e_shoff)
		return false;
	sh = (const ElfW(Shdr) *)(base + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM || !sh[i].sh_entsize ||
		    sh[i].sh_link >= eh->e_shnum)
			continue;
		t->sym = (const ElfW(Sym) *)(base + sh[i].sh_offset);
		t->nsym = sh[i].sh_size / sh[i].sh_entsize;
		t->str = (const char *)(base + sh[sh[i].sh_link].sh_offset);
		return true;
	}
	return false;
}

/* A symbol's call name: __vdso_ (x86, riscv) and __kernel_ (arm64) cut. */
static const char *call_name(const char *sym)
{
	if (!strncmp(sym, "__vdso_", 7))
		return sym + 7;
	if (!strncmp(sym, "__kernel_", 9))
		return sym + 9;
	return sym;
}

static bool is_function(const ElfW(Sym) *s)
{
	return ELF64_ST_TYPE(s->st_info) == STT_FUNC &&
	       s->st_shndx != SHN_UNDEF &&
	       (ELF64_ST_BIND(s->st_info) == STB_GLOBAL ||
		ELF64_ST_BIND(s->st_info) == STB_WEAK);
}

void *ml_vdso_lookup(const char *name)
{
	struct vdso_table t;

	if (!vdso_table(&t))
		return NULL;
	for (size_t i = 0; i < t.nsym; i++)
		if (is_function(&t.sym[i]) &&
		    !strcmp(call_name(t.str + t.sym[i].st_name), name))
			return (void *)(t.bias + t.sym[i].st_value);
	return NULL;
}

int ml_vdso_list(char *buf, size_t len)
{
	struct vdso_table t;
	size_t off = 0;

	buf[0] = '\0';
	if (!vdso_table(&t))
		return -1;
	for (size_t i = 0; i < t.nsym; i++) {
		const char *name = call_name(t.str + t.sym[i].st_name);
		bool seen = false;

		if (!is_function(&t.sym[i]))
			continue;
		/* x86-64 exports clock_gettime and __vdso_clock_gettime */
		for (size_t j = 0; j < i && !seen; j++)
			seen = is_function(&t.sym[j]) &&
			       !strcmp(call_name(t.str + t.sym[j].st_name), name);
		if (seen || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? " " : "", name);
	}
	return 0;
}
