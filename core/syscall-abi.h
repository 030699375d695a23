/* libentitlement — syscall numbers the policy knows itself (internal, not
 * installed).
 *
 * The policy names syscalls and libseccomp turns the names into numbers,
 * but libseccomp's tables are as old as the libseccomp one builds with:
 * Debian 12's 2.5.4 stops at Linux 5.17.  Two things must not depend on
 * that:
 *
 *   - the syscalls added since (cachestat, fchmodat2, ...): the policy
 *     decides on each of them, so it must know their numbers on each ABI;
 *   - where "known" ends: a syscall newer than the policy must fail with
 *     ENOSYS, as on a kernel that lacks it, so that libc falls back on an
 *     older call; one the policy knows and denies fails with EPERM.
 *
 * Both are here, as of the kernel named by ENT_POLICY_KERNEL, for the three
 * ABIs of an x86-64 kernel.  Numbers are written as seccomp sees them: an
 * x32 number carries __X32_SYSCALL_BIT.
 */
#ifndef ENT_SYSCALL_ABI_H
#define ENT_SYSCALL_ABI_H

#include <stddef.h>
#include <stdint.h>

/* The kernel whose syscall tables the policy was checked against.  When a
 * kernel adds a syscall: add it to ent_syscalls_newer with its numbers,
 * decide on it in seccomp-policy.c (with a line of reasoning), and extend
 * the known ranges; until then it fails with ENOSYS. */
#define ENT_POLICY_KERNEL "6.18"

#define ENT_X32_SYSCALL_BIT UINT32_C (0x40000000)

typedef enum ent_abi
{
  ENT_ABI_X86_64, /* AUDIT_ARCH_X86_64 without the x32 bit */
  ENT_ABI_X32,    /* AUDIT_ARCH_X86_64 with the x32 bit */
  ENT_ABI_I386,   /* AUDIT_ARCH_I386: int $0x80, 32-bit programs */
  ENT_ABI_COUNT
} ent_abi_t;

/* "x86_64", "x32", "i386". */
const char *ent_abi_name (ent_abi_t abi);

typedef struct ent_syscall_nr
{
  const char *name;
  int64_t nr[ENT_ABI_COUNT]; /* as seccomp sees it; -1: not on that ABI */
} ent_syscall_nr_t;

/* The syscalls added after Linux 5.17 (the last kernel libseccomp 2.5.4
 * knows), sorted by name.  The launcher compiles their rules itself
 * whatever libseccomp knows, so the filter is the same with any
 * libseccomp. */
extern const ent_syscall_nr_t ent_syscalls_newer[];
extern const size_t ent_syscalls_newer_count;

/* The entry for @name in ent_syscalls_newer, or NULL. */
const ent_syscall_nr_t *ent_syscall_newer_lookup (const char *name);

typedef struct ent_nr_range
{
  uint32_t lo, hi; /* inclusive */
} ent_nr_range_t;

/* The syscall numbers @abi had in Linux ENT_POLICY_KERNEL, as sorted,
 * disjoint ranges; *@n receives their count. */
const ent_nr_range_t *ent_syscall_known_ranges (ent_abi_t abi, size_t *n);

#endif
