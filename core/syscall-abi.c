/* libentitlement — syscall numbers the policy knows itself (see
 * syscall-abi.h).
 *
 * Source: the kernel's arch/x86/entry/syscalls/syscall_64.tbl (x86_64 and
 * x32) and syscall_32.tbl (i386) as of Linux 6.18, each number also tried
 * on a 6.18 kernel (a call with bad arguments answers EBADF, EFAULT or
 * EINVAL where the syscall exists, ENOSYS where it does not).
 *
 * Since Linux 5.1 a new syscall gets the next free number of a table all
 * architectures share (424, 425, ...), so on x86 it has the same number
 * on x86_64, on i386 and, with __X32_SYSCALL_BIT, on x32.  The exceptions
 * are x86-only: map_shadow_stack, uretprobe and uprobe are in
 * syscall_64.tbl but not in syscall_32.tbl (no i386 number), and uretprobe
 * and uprobe took the free numbers 335 and 336 below 424, not the next
 * shared number.  A 6.18 kernel answered 336 with ENXIO, not ENOSYS: that
 * is how uprobe was found missing from a first version of this table.
 */
#include "config.h"

#include <string.h>

#include "ent-util.h"
#include "syscall-abi.h"

#define X32(n) ((int64_t)(ENT_X32_SYSCALL_BIT | (n)))
/* A syscall with one number on all three ABIs. */
#define COMMON(name, n)                                                                            \
  {                                                                                                \
    name,                                                                                          \
    {                                                                                              \
      n, X32 (n), n                                                                                \
    }                                                                                              \
  }
/* One of syscall_64.tbl only: x86_64 and x32. */
#define X86_64_X32(name, n)                                                                        \
  {                                                                                                \
    name,                                                                                          \
    {                                                                                              \
      n, X32 (n), -1                                                                               \
    }                                                                                              \
  }

/* Sorted by name (strcmp order): ent_syscall_newer_lookup bisects. */
const ent_syscall_nr_t ent_syscalls_newer[] = {
  COMMON ("cachestat", 451),            /* 6.5 */
  COMMON ("fchmodat2", 452),            /* 6.6 */
  COMMON ("file_getattr", 468),         /* 6.17 */
  COMMON ("file_setattr", 469),         /* 6.17 */
  COMMON ("futex_requeue", 456),        /* 6.7 */
  COMMON ("futex_wait", 455),           /* 6.7 */
  COMMON ("futex_wake", 454),           /* 6.7 */
  COMMON ("getxattrat", 464),           /* 6.13 */
  COMMON ("listmount", 458),            /* 6.8 */
  COMMON ("listxattrat", 465),          /* 6.13 */
  COMMON ("lsm_get_self_attr", 459),    /* 6.8 */
  COMMON ("lsm_list_modules", 461),     /* 6.8 */
  COMMON ("lsm_set_self_attr", 460),    /* 6.8 */
  X86_64_X32 ("map_shadow_stack", 453), /* 6.6 */
  COMMON ("mseal", 462),                /* 6.10 */
  COMMON ("open_tree_attr", 467),       /* 6.15 */
  COMMON ("removexattrat", 466),        /* 6.13 */
  COMMON ("setxattrat", 463),           /* 6.13 */
  COMMON ("statmount", 457),            /* 6.8 */
  X86_64_X32 ("uprobe", 336),           /* 6.17 */
  X86_64_X32 ("uretprobe", 335),        /* 6.11 */
};

const size_t ent_syscalls_newer_count = N_ELEMENTS (ent_syscalls_newer);

/* Every number in use on each ABI in Linux 6.18.  The holes are numbers
 * that were never assigned (x86_64 and x32 337-423; i386 222-223, 251,
 * 285, 387-392, 415 and 453) and x32's 470-511.
 *
 * x32's 0-336 is kept whole although the kernel's x32 table leaves out the
 * "64" entries in it (rt_sigaction is 13 on x86_64 but 512 on x32, say):
 * those numbers are not new, nothing will ever be given them, and no x32
 * program calls them, so EPERM instead of the kernel's ENOSYS there costs
 * nothing and saves some forty ranges. */
static const ent_nr_range_t known_x86_64[] = { { 0, 336 }, { 424, 469 } };

static const ent_nr_range_t known_x32[] = {
  { ENT_X32_SYSCALL_BIT | 0, ENT_X32_SYSCALL_BIT | 336 },
  { ENT_X32_SYSCALL_BIT | 424, ENT_X32_SYSCALL_BIT | 469 },
  { ENT_X32_SYSCALL_BIT | 512, ENT_X32_SYSCALL_BIT | 547 },
};

static const ent_nr_range_t known_i386[] = {
  { 0, 221 }, { 224, 250 }, { 252, 284 }, { 286, 386 }, { 393, 414 }, { 416, 452 }, { 454, 469 },
};

static const struct
{
  const char *name;
  const ent_nr_range_t *known;
  size_t n_known;
} abis[ENT_ABI_COUNT] = {
  [ENT_ABI_X86_64] = { "x86_64", known_x86_64, N_ELEMENTS (known_x86_64) },
  [ENT_ABI_X32] = { "x32", known_x32, N_ELEMENTS (known_x32) },
  [ENT_ABI_I386] = { "i386", known_i386, N_ELEMENTS (known_i386) },
};

const char *
ent_abi_name (ent_abi_t abi)
{
  return abi < ENT_ABI_COUNT ? abis[abi].name : NULL;
}

const ent_syscall_nr_t *
ent_syscall_newer_lookup (const char *name)
{
  size_t lo = 0, hi = ent_syscalls_newer_count;

  while (name && lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      int c = strcmp (name, ent_syscalls_newer[mid].name);
      if (c == 0)
        return &ent_syscalls_newer[mid];
      if (c < 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  return NULL;
}

const ent_nr_range_t *
ent_syscall_known_ranges (ent_abi_t abi, size_t *n)
{
  if (abi >= ENT_ABI_COUNT)
    {
      *n = 0;
      return NULL;
    }
  *n = abis[abi].n_known;
  return abis[abi].known;
}
