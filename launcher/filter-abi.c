/* entrun — the head of the allowlist filter (see filter-abi.h).
 *
 * libseccomp compiles the policy's rules into the allowlist program, but
 * two things it cannot do on x86-64 are done by a few instructions entrun
 * puts in front of that program:
 *
 * 1. Syscalls newer than libseccomp.  libseccomp adds a rule to every ABI
 *    of a filter by translating the syscall's number through its name, so
 *    a syscall its tables lack (Debian 12's 2.5.4 stops at Linux 5.17) can
 *    be given no rule on i386 or x32 at all.  The head decides those
 *    syscalls (core/syscall-abi.c's ent_syscalls_newer) itself, from their
 *    numbers on each ABI, whatever libseccomp knows: ALLOW or the errno of
 *    their rule.  libseccomp never sees them (filter.c skips them).
 *
 * 2. ENOSYS for syscalls newer than the policy.  A syscall the policy does
 *    not know must fail like on a kernel without it, with ENOSYS, so that
 *    libc falls back on the older call; a known one that is not allowed
 *    keeps EPERM (libseccomp's default action).  Two ways are common, and
 *    both are wrong somewhere on x86-64:
 *
 *    - runc's: ENOSYS above the highest syscall number the profile knows,
 *      per architecture.  But x32 comes in as AUDIT_ARCH_X86_64 with bit 30
 *      set, and its legacy numbers 512-547 lie above every syscall added
 *      since (451, 452, ...): "above the highest x32 number" is never true
 *      of a new x32 syscall, which would get EPERM.  And not every new
 *      syscall takes the highest number: uretprobe and uprobe (Linux 6.11
 *      and 6.17) took x86_64's free 335 and 336, far below 424-469; i386
 *      has free numbers (251, "available for reuse") below its highest
 *      too.
 *    - a default of ENOSYS with an explicit EPERM rule for every known
 *      number: the argument-filtered syscalls (clone without namespace
 *      flags, personality, the socket families) must fail with EPERM or
 *      their own errno when the arguments do not match, and libseccomp
 *      has no "otherwise" for one syscall; they would get ENOSYS, which
 *      libc takes for "kernel too old".
 *
 *    So the head checks the number against the exact set of numbers each
 *    ABI had in the kernel the policy knows (ent_syscall_known_ranges: a
 *    few ranges per ABI), plus the number of every syscall a rule names:
 *    outside it, ERRNO(unknown_errno); inside, on to libseccomp's program.
 *    The x32 check is on the number with its bit, so x32's 512-547 stay
 *    known and a new x32 syscall (bit 30 | 470, say) does not.
 *
 * Layout, on an x86-64 build (the instructions jump forward only):
 *
 *     ld arch; jeq X86_64 -> x86_64; jeq I386 -> i386; ja libseccomp
 *   x86_64: ld nr; jset X32_BIT -> x32; <decisions> <known?>
 *   x32:    <decisions> <known?>
 *   i386:   ld nr; <decisions> <known?>
 *   libseccomp: the program libseccomp generated, unchanged
 *
 * where <decisions> is "jeq NR; ret ACTION" per newer syscall with a rule
 * and <known?> walks the sorted ranges to "ja libseccomp" or
 * "ret ERRNO(unknown_errno)".  Any other architecture goes straight to
 * libseccomp's program, which kills it (SCMP_FLTATR_ACT_BADARCH). */
#include "config.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filter-abi.h"
#include "filter.h"
#include "syscall-abi.h"

#if defined(__x86_64__)

/* Where seccomp_data keeps what we load. */
#define OFF_NR offsetof (struct seccomp_data, nr)
#define OFF_ARCH offsetof (struct seccomp_data, arch)

/* libseccomp's name for each ABI, to look up the numbers of rule names. */
static const uint32_t scmp_arch[ENT_ABI_COUNT] = {
  [ENT_ABI_X86_64] = SCMP_ARCH_X86_64,
  [ENT_ABI_X32] = SCMP_ARCH_X32,
  [ENT_ABI_I386] = SCMP_ARCH_X86,
};

/* Jump targets are symbolic until the end: label numbers, resolved to
 * offsets once every block is laid out. */
enum
{
  L_NEXT = -1, /* the next instruction: offset 0 */
  L_X86_64 = 0,
  L_X32,
  L_I386,
  L_LIBSECCOMP,
  L_FIRST_FREE,
};

typedef struct insn
{
  struct sock_filter f;
  int jt, jf; /* labels (conditional jumps), or jt for ja */
} insn_t;

typedef struct head
{
  insn_t *v;
  size_t n, cap;
  int label_at[64]; /* instruction index of each label */
  int n_labels;
  bool oom;
  uint64_t hints; /* see filter.h */
} head_t;

static void
emit (head_t *h, uint16_t code, uint32_t k, int jt, int jf)
{
  if (h->oom)
    return;
  if (h->n == h->cap)
    {
      size_t cap = h->cap ? 2 * h->cap : 64;
      insn_t *v = realloc (h->v, cap * sizeof (*v));
      if (v == NULL)
        {
          h->oom = true;
          return;
        }
      h->v = v;
      h->cap = cap;
    }
  h->v[h->n++] = (insn_t){ .f = { code, 0, 0, k }, .jt = jt, .jf = jf };
}

static int
new_label (head_t *h)
{
  int l = h->n_labels < L_FIRST_FREE ? L_FIRST_FREE : h->n_labels;

  if (l >= (int)(sizeof (h->label_at) / sizeof (h->label_at[0])))
    {
      h->oom = true;
      return L_NEXT;
    }
  h->n_labels = l + 1;
  return l;
}

static void
place (head_t *h, int label)
{
  h->label_at[label] = (int)h->n;
}

static void
emit_ret (head_t *h, uint32_t action)
{
  emit (h, BPF_RET | BPF_K, action, L_NEXT, L_NEXT);
}

static uint32_t
errno_action (int errnum)
{
  return SECCOMP_RET_ERRNO | ((uint32_t)errnum & SECCOMP_RET_DATA);
}

/* ---- what to emit ----------------------------------------------------------- */

typedef struct range_set
{
  ent_nr_range_t *v;
  size_t n, cap;
} range_set_t;

static int
range_add (range_set_t *s, uint32_t lo, uint32_t hi)
{
  if (s->n == s->cap)
    {
      size_t cap = s->cap ? 2 * s->cap : 32;
      ent_nr_range_t *v = realloc (s->v, cap * sizeof (*v));
      if (v == NULL)
        return -ENOMEM;
      s->v = v;
      s->cap = cap;
    }
  s->v[s->n++] = (ent_nr_range_t){ lo, hi };
  return 0;
}

static int
range_cmp (const void *a, const void *b)
{
  const ent_nr_range_t *x = a, *y = b;

  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent ranges. */
static void
range_normalise (range_set_t *s)
{
  size_t out = 0;

  if (s->n == 0)
    return;
  qsort (s->v, s->n, sizeof (*s->v), range_cmp);
  for (size_t i = 1; i < s->n; i++)
    if (s->v[i].lo <= s->v[out].hi + 1 && s->v[out].hi != UINT32_MAX)
      {
        if (s->v[i].hi > s->v[out].hi)
          s->v[out].hi = s->v[i].hi;
      }
    else
      s->v[++out] = s->v[i];
  s->n = out + 1;
}

/* The number of @name on @abi as seccomp sees it, or -1. */
static int64_t
number_on (const char *name, ent_abi_t abi)
{
  const ent_syscall_nr_t *e = ent_syscall_newer_lookup (name);
  int nr;

  if (e)
    return e->nr[abi];
  nr = seccomp_syscall_resolve_name_arch (scmp_arch[abi], name);
  return nr >= 0 ? nr : -1; /* negative: a pseudo-number, not on this ABI */
}

/* The known numbers of @abi: the kernel's, and every syscall a rule names
 * (a custom entitlement may name one newer than the policy). */
static int
known_set (const ent_profile_t *p, ent_abi_t abi, range_set_t *s)
{
  size_t n;
  const ent_nr_range_t *r = ent_syscall_known_ranges (abi, &n);

  for (size_t i = 0; i < n; i++)
    if (range_add (s, r[i].lo, r[i].hi) < 0)
      return -ENOMEM;
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      int64_t nr = number_on (p->seccomp.rules[i].syscall, abi);
      if (nr >= 0 && range_add (s, (uint32_t)nr, (uint32_t)nr) < 0)
        return -ENOMEM;
    }
  range_normalise (s);
  return 0;
}

/* The action of the newer syscall @e under @p: 1 and *@action set, 0 when
 * no rule names it (libseccomp's default applies), or -EINVAL for a rule
 * with argument conditions.  ERRNO rules win, as between the filters. */
static int
decision (const ent_profile_t *p, uint64_t hints, const ent_syscall_nr_t *e, uint32_t *action,
          ent_error_t **err)
{
  bool allow = false, deny = false;
  uint32_t hint;

  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      if (strcmp (r->syscall, e->name) != 0)
        continue;
      if (r->n_args)
        return ent_error_set (err, EINVAL,
                              "seccomp: %s takes no argument conditions (entrun compiles "
                              "its rules itself, libseccomp may not know it)",
                              e->name);
      if (r->action == ENT_SECCOMP_ERRNO && !deny)
        {
          deny = true;
          *action = errno_action (r->errnum);
        }
      allow = allow || r->action == ENT_SECCOMP_ALLOW;
    }
  if (!deny && allow)
    *action = SECCOMP_RET_ALLOW;
  /* A hint's call goes to pid 1 (see filter.h), as in libseccomp's part. */
  if (!deny && (hint = entrun_filter_hint_return (hints, e->name, allow)) != 0)
    {
      *action = hint;
      return 1;
    }
  return deny || allow;
}

static int
emit_abi (head_t *h, const ent_profile_t *p, ent_abi_t abi, ent_error_t **err)
{
  range_set_t known = { 0 };
  int unknown, to_known, ret = 0;

  for (size_t i = 0; i < ent_syscalls_newer_count; i++)
    {
      const ent_syscall_nr_t *e = &ent_syscalls_newer[i];
      uint32_t action = 0;
      int d;
      if (e->nr[abi] < 0)
        continue;
      if ((d = decision (p, h->hints, e, &action, err)) < 0)
        return d;
      if (d == 0)
        continue;
      emit (h, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)e->nr[abi], L_NEXT, -2);
      emit_ret (h, action);
    }
  if (p->seccomp.unknown_errno == 0)
    {
      emit (h, BPF_JMP | BPF_JA, 0, L_LIBSECCOMP, L_NEXT);
      return 0;
    }
  if ((ret = known_set (p, abi, &known)) < 0)
    {
      free (known.v);
      return ent_error_set (err, -ret, "out of memory");
    }
  unknown = new_label (h);
  to_known = new_label (h);
  for (size_t i = 0; i < known.n; i++)
    {
      /* Below this range (and above the one before): unknown. */
      emit (h, BPF_JMP | BPF_JGE | BPF_K, known.v[i].lo, L_NEXT, unknown);
      /* Not above it: known.  Above: try the next range. */
      emit (h, BPF_JMP | BPF_JGT | BPF_K, known.v[i].hi, L_NEXT, to_known);
    }
  free (known.v);
  place (h, unknown);
  emit_ret (h, errno_action (p->seccomp.unknown_errno));
  place (h, to_known);
  emit (h, BPF_JMP | BPF_JA, 0, L_LIBSECCOMP, L_NEXT);
  return 0;
}

/* Resolve the labels into offsets.  -2 as a jf means "skip one". */
static int
resolve (head_t *h, ent_error_t **err)
{
  for (size_t i = 0; i < h->n; i++)
    {
      insn_t *x = &h->v[i];
      int target[2] = { x->jt, x->jf };
      uint32_t off[2] = { 0, 0 };
      for (int j = 0; j < 2; j++)
        {
          long to;
          if (target[j] == L_NEXT)
            continue;
          to = target[j] == -2 ? (long)i + 2 : h->label_at[target[j]];
          if (to <= (long)i)
            return ent_error_set (err, EINVAL, "seccomp: a backward jump in the filter head");
          off[j] = (uint32_t)(to - (long)i - 1);
        }
      if (BPF_OP (x->f.code) == BPF_JA && BPF_CLASS (x->f.code) == BPF_JMP)
        x->f.k = off[0];
      else if (off[0] > 255 || off[1] > 255)
        return ent_error_set (err, E2BIG, "seccomp: the filter head is too long");
      else
        {
          x->f.jt = (uint8_t)off[0];
          x->f.jf = (uint8_t)off[1];
        }
    }
  return 0;
}

static int
build_head (const ent_profile_t *p, head_t *h, ent_error_t **err)
{
  int ret;

  emit (h, BPF_LD | BPF_W | BPF_ABS, OFF_ARCH, L_NEXT, L_NEXT);
  emit (h, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, L_X86_64, L_NEXT);
  emit (h, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, L_I386, L_NEXT);
  emit (h, BPF_JMP | BPF_JA, 0, L_LIBSECCOMP, L_NEXT);

  place (h, L_X86_64);
  emit (h, BPF_LD | BPF_W | BPF_ABS, OFF_NR, L_NEXT, L_NEXT);
  emit (h, BPF_JMP | BPF_JSET | BPF_K, ENT_X32_SYSCALL_BIT, L_X32, L_NEXT);
  if ((ret = emit_abi (h, p, ENT_ABI_X86_64, err)) < 0)
    return ret;

  place (h, L_X32);
  if ((ret = emit_abi (h, p, ENT_ABI_X32, err)) < 0)
    return ret;

  place (h, L_I386);
  emit (h, BPF_LD | BPF_W | BPF_ABS, OFF_NR, L_NEXT, L_NEXT);
  if ((ret = emit_abi (h, p, ENT_ABI_I386, err)) < 0)
    return ret;

  place (h, L_LIBSECCOMP);
  if (h->oom)
    return ent_error_set (err, ENOMEM, "out of memory");
  return resolve (h, err);
}

bool
entrun_filter_abi_handles (const char *syscall)
{
  return ent_syscall_newer_lookup (syscall) != NULL;
}

int
entrun_filter_abi_prepend (const ent_profile_t *p, uint64_t hints, struct sock_fprog *prog,
                           ent_error_t **err)
{
  head_t h = { .n_labels = L_FIRST_FREE, .hints = hints };
  struct sock_filter *out;
  int ret = build_head (p, &h, err);

  if (ret < 0)
    {
      free (h.v);
      return ret;
    }
  if (h.n + prog->len > BPF_MAXINSNS)
    {
      free (h.v);
      return ent_error_set (err, E2BIG, "seccomp: the filter is too long (%zu instructions)",
                            h.n + prog->len);
    }
  out = malloc ((h.n + prog->len) * sizeof (*out));
  if (out == NULL)
    {
      free (h.v);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  for (size_t i = 0; i < h.n; i++)
    out[i] = h.v[i].f;
  memcpy (out + h.n, prog->filter, prog->len * sizeof (*out));
  free (h.v);
  free (prog->filter);
  prog->filter = out;
  prog->len = (unsigned short)(h.n + prog->len);
  return 0;
}

#else /* !__x86_64__ */

/* Elsewhere libseccomp compiles every rule and its default covers every
 * number: the newer syscalls it does not know stay denied (EPERM). */
bool
entrun_filter_abi_handles (const char *syscall)
{
  (void)syscall;
  return false;
}

int
entrun_filter_abi_prepend (const ent_profile_t *p, uint64_t hints, struct sock_fprog *prog,
                           ent_error_t **err)
{
  (void)p, (void)hints, (void)prog, (void)err;
  return 0;
}

#endif
