/* entrun — seccomp filters (see filter.h). */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter-abi.h"
#include "filter.h"
#include "seccomp-policy.h"
#include "util.h"

/* Every ABI the kernel may run on this machine, so that a 32-bit syscall
 * (int 0x80) meets the same rules as a native one. */
static const uint32_t extra_arches[] = {
#if defined(__x86_64__)
  SCMP_ARCH_X86,
  SCMP_ARCH_X32,
#elif defined(__aarch64__)
  SCMP_ARCH_ARM,
#endif
  0,
};

static const enum scmp_compare ops[] = {
  [ENT_ARG_EQ] = SCMP_CMP_EQ,
  [ENT_ARG_NE] = SCMP_CMP_NE,
  [ENT_ARG_LT] = SCMP_CMP_LT,
  [ENT_ARG_LE] = SCMP_CMP_LE,
  [ENT_ARG_GT] = SCMP_CMP_GT,
  [ENT_ARG_GE] = SCMP_CMP_GE,
  [ENT_ARG_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static void
release_ctx (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}
#define cleanup_seccomp __attribute__ ((cleanup (release_ctx)))

static int
new_ctx (uint32_t def_action, scmp_filter_ctx *out, ent_error_t **err)
{
  scmp_filter_ctx ctx = seccomp_init (def_action);
  int ret;

  if (ctx == NULL)
    return ent_error_set (err, ENOMEM, "seccomp_init failed");
  for (const uint32_t *a = extra_arches; *a; a++)
    if ((ret = seccomp_arch_add (ctx, *a)) < 0 && ret != -EEXIST)
      {
        seccomp_release (ctx);
        return ent_error_set (err, -ret, "seccomp: adding an architecture: %s", strerror (-ret));
      }
  /* Binary-tree dispatch: O(log n) per syscall instead of a linear scan. */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  *out = ctx;
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, const ent_seccomp_rule_t *r, uint32_t action, ent_error_t **err)
{
  struct scmp_arg_cmp args[ENT_SECCOMP_MAX_ARGS];
  int nr = seccomp_syscall_resolve_name (r->syscall);
  int ret;

  /* A name no ABI of this build knows (e.g. an arm-only call) has nothing
   * to filter here; the default action already covers any number.  The
   * syscalls newer than libseccomp are compiled by the head (filter-abi.c),
   * whatever this libseccomp knows, so that the filter does not depend on
   * its version. */
  if (nr == __NR_SCMP_ERROR || entrun_filter_abi_handles (r->syscall))
    return 0;
  for (unsigned i = 0; i < r->n_args; i++)
    {
      args[i].arg = r->args[i].index;
      args[i].op = ops[r->args[i].op];
      args[i].datum_a = r->args[i].op == ENT_ARG_MASKED_EQ ? r->args[i].mask : r->args[i].value;
      args[i].datum_b = r->args[i].op == ENT_ARG_MASKED_EQ ? r->args[i].value : 0;
    }
  ret = seccomp_rule_add_array (ctx, action, nr, r->n_args, args);
  if (ret < 0)
    return ent_error_set (err, -ret, "seccomp: rule for %s: %s", r->syscall, strerror (-ret));
  return 0;
}

/* Export @ctx as BPF into a malloc'd program.  libseccomp 2.5 exports only
 * to a file descriptor, so go through a memfd. */
int
entrun_filter_export (scmp_filter_ctx ctx, struct sock_fprog *prog, ent_error_t **err)
{
  cleanup_close int fd = memfd_create ("entrun-seccomp", MFD_CLOEXEC);
  struct stat st;
  void *buf;
  int ret;

  if (fd < 0)
    return ent_error_set (err, errno, "seccomp: memfd_create: %s", strerror (errno));
  if ((ret = seccomp_export_bpf (ctx, fd)) < 0)
    return ent_error_set (err, -ret, "seccomp: export: %s", strerror (-ret));
  if (fstat (fd, &st) < 0)
    return ent_error_set (err, errno, "seccomp: export: fstat: %s", strerror (errno));
  if (st.st_size == 0 || st.st_size % sizeof (struct sock_filter)
      || st.st_size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return ent_error_set (err, EINVAL, "seccomp: exported filter has a bad size");
  buf = malloc (st.st_size);
  if (buf == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (pread (fd, buf, st.st_size, 0) != st.st_size)
    {
      free (buf);
      return ent_error_set (err, EIO, "seccomp: reading the exported filter failed");
    }
  prog->filter = buf;
  prog->len = st.st_size / sizeof (struct sock_filter);
  return 0;
}

/* A hint's number in the filter: that of the first hint saying the same
 * (the clone flags, the personality values), so that rules with
 * overlapping conditions share one action, as libseccomp needs. */
static unsigned
hint_mark (size_t i)
{
  for (size_t j = 0; j < i; j++)
    if (strcmp (ent_policy_hints[j].what, ent_policy_hints[i].what) == 0
        && strcmp (ent_policy_hints[j].grant, ent_policy_hints[i].grant) == 0)
      return (unsigned)j;
  return (unsigned)i;
}

uint64_t
entrun_filter_memlock_hints (void)
{
  uint64_t mask = 0;

  for (size_t i = 0; i < ent_policy_n_hints; i++)
    if (ent_policy_hints[i].kind == ENT_HINT_WATCHED
        && strcmp (ent_policy_hints[i].grant, "security.memory-lock") == 0)
      mask |= UINT64_C (1) << i;
  return mask;
}

uint64_t
entrun_filter_hints (const ent_profile_t *p)
{
  uint64_t mask = ent_policy_hints_apply (p);
  struct rlimit rl;

  /* The mlock family's grant, security.memory-lock, raises
   * RLIMIT_MEMLOCK's soft limit to the hard one: with the two equal (as
   * by default), it would not help, and watching the calls would cost
   * them a trip to pid 1 each for nothing. */
  if (getrlimit (RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
    mask &= ~entrun_filter_memlock_hints ();
  return mask;
}

/* The watched hint of @hints on @syscall with (@conditional) or without
 * a condition, or -1. */
static int
watched_hint (uint64_t hints, const char *syscall, bool conditional)
{
  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    if ((hints & (UINT64_C (1) << i)) && ent_policy_hints[i].kind == ENT_HINT_WATCHED
        && (ent_policy_hints[i].n_args > 0) == conditional
        && strcmp (ent_policy_hints[i].syscall, syscall) == 0)
      return (int)i;
  return -1;
}

static int
add_cond (scmp_filter_ctx ctx, const char *syscall, uint32_t action, ent_arg_cond_t c,
          ent_error_t **err)
{
  ent_seccomp_rule_t r = { .syscall = (char *)(uintptr_t)syscall, .n_args = 1, .args = { c } };

  return add_rule (ctx, &r, action, err);
}

/* The unconditional ALLOW of @syscall, split by its watched hints' values
 * of one argument (connect's address length: see seccomp-policy.c): each
 * value to pid 1, every other value allowed, as aligned blocks of values
 * (the block at @from of the largest power-of-two size that fits before
 * the next value) and "above the last".  0 or -errno. */
static int
add_watched_split (scmp_filter_ctx ctx, uint64_t hints, const char *syscall, ent_error_t **err)
{
  uint64_t values[8], from = 0;
  unsigned marks[8], index = 0;
  size_t n = 0;
  int ret = 0;

  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    {
      const ent_policy_hint_t *h = &ent_policy_hints[i];
      size_t at;
      if (!(hints & (UINT64_C (1) << i)) || h->kind != ENT_HINT_WATCHED || h->n_args == 0
          || strcmp (h->syscall, syscall) != 0)
        continue;
      if (h->arg.op != ENT_ARG_EQ || n == N_ELEMENTS (values) || (n > 0 && h->arg.index != index))
        return ent_error_set (err, EINVAL, "seccomp: the hints on %s take one value each", syscall);
      index = h->arg.index;
      /* Sorted as they come. */
      for (at = n; at > 0 && values[at - 1] > h->arg.value; at--)
        {
          values[at] = values[at - 1];
          marks[at] = marks[at - 1];
        }
      values[at] = h->arg.value;
      marks[at] = hint_mark (i);
      n++;
    }
  for (size_t v = 0; ret == 0 && v < n; v++)
    {
      while (ret == 0 && from < values[v])
        {
          uint64_t size = from ? from & -from : UINT64_C (1) << 63;
          while (size > values[v] - from)
            size >>= 1;
          ret = add_cond (ctx, syscall, SCMP_ACT_ALLOW,
                          (ent_arg_cond_t){ .index = index,
                                            .op = size == 1 ? ENT_ARG_EQ : ENT_ARG_MASKED_EQ,
                                            .mask = ~(size - 1),
                                            .value = from },
                          err);
          from += size;
        }
      if (ret == 0)
        ret = add_cond (ctx, syscall, SCMP_ACT_TRACE (marks[v]),
                        (ent_arg_cond_t){ .index = index, .op = ENT_ARG_EQ, .value = values[v] },
                        err);
      from = values[v] + 1;
    }
  if (ret == 0 && n > 0)
    ret = add_cond (ctx, syscall, SCMP_ACT_ALLOW,
                    (ent_arg_cond_t){ .index = index, .op = ENT_ARG_GT, .value = values[n - 1] },
                    err);
  return ret;
}

uint32_t
entrun_filter_hint_return (uint64_t hints, const char *syscall, bool allowed)
{
  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    {
      const ent_policy_hint_t *h = &ent_policy_hints[i];
      if ((hints & (UINT64_C (1) << i)) && h->n_args == 0 && strcmp (h->syscall, syscall) == 0
          && (h->kind == ENT_HINT_WATCHED) == allowed)
        return SECCOMP_RET_TRACE | hint_mark (i);
    }
  return 0;
}

/* The denied hints of @hints with (@conditional) or without a condition:
 * their calls go to pid 1 rather than to the default action. */
static int
add_denied_hints (scmp_filter_ctx ctx, uint64_t hints, bool conditional, ent_error_t **err)
{
  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    {
      const ent_policy_hint_t *h = &ent_policy_hints[i];
      ent_seccomp_rule_t r = { .syscall = (char *)(uintptr_t)h->syscall, .n_args = h->n_args };
      int ret;
      if (!(hints & (UINT64_C (1) << i)) || h->kind != ENT_HINT_DENIED
          || (h->n_args > 0) != conditional)
        continue;
      r.args[0] = h->arg;
      if ((ret = add_rule (ctx, &r, SCMP_ACT_TRACE (hint_mark (i)), err)) < 0)
        return ret;
    }
  return 0;
}

/* The observed hint of @observe that @r, an ALLOW rule, stands for (its
 * call, and the hint's one condition if it has one), or -1. */
static int
observed_rule (uint64_t observe, const ent_seccomp_rule_t *r)
{
  for (size_t i = 0; observe && i < ent_policy_n_hints && i < 64; i++)
    {
      const ent_policy_hint_t *h = &ent_policy_hints[i];
      if (!(observe & (UINT64_C (1) << i)) || h->kind != ENT_HINT_DENIED || h->n_args != r->n_args
          || strcmp (h->syscall, r->syscall) != 0)
        continue;
      if (h->n_args == 0
          || (h->arg.index == r->args[0].index && h->arg.op == r->args[0].op
              && h->arg.value == r->args[0].value
              && (h->arg.op != ENT_ARG_MASKED_EQ || h->arg.mask == r->args[0].mask)))
        return (int)i;
    }
  return -1;
}

static int
build (const ent_profile_t *p, ent_seccomp_action_t which, uint64_t hints, uint64_t observe,
       struct sock_fprog *prog, ent_error_t **err)
{
  cleanup_seccomp scmp_filter_ctx ctx = NULL;
  bool any = false;
  int ret;

  ret = new_ctx (which == ENT_SECCOMP_ALLOW ? SCMP_ACT_ERRNO (p->seccomp.default_errno)
                                            : SCMP_ACT_ALLOW,
                 &ctx, err);
  if (ret < 0)
    return ret;
  /* Unconditional rules first.  For one syscall, libseccomp lets an
   * unconditional rule win over the conditional ones whatever the order,
   * but it refuses (EEXIST) two conditional rules whose conditions overlap
   * with different actions when the shorter comes last.  On i386 it turns
   * each argument rule on socket() into one on socketcall(SYS_SOCKET) with
   * the family check dropped, and the family and netlink-protocol rules
   * then overlap there; the unconditional socketcall rule of the policy,
   * added first, makes libseccomp drop them all (they have nothing left
   * to check).  The hints' rules come after each pass's: none overlaps an
   * ALLOW rule (ent_policy_hints_apply), and a watched call's rules take
   * the place of its ALLOW (add_watched_split when they have a
   * condition). */
  for (int pass = 0; pass < 2; pass++)
    {
      for (size_t i = 0; i < p->seccomp.n_rules; i++)
        {
          const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
          uint32_t action
              = which == ENT_SECCOMP_ALLOW ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO (r->errnum);
          bool watched_all = false, watched_some = false;
          int watched;
          if (r->action != which || (r->n_args == 0) != (pass == 0))
            continue;
          any = true;
          if (which == ENT_SECCOMP_ALLOW && pass == 0)
            {
              watched_all = (watched = watched_hint (hints | observe, r->syscall, false)) >= 0;
              watched_some = !watched_all && watched_hint (hints | observe, r->syscall, true) >= 0;
            }
          /* learn: a call the grants given deny, and the ones learn adds
           * allow, is let through by pid 1 and noted. */
          if (which == ENT_SECCOMP_ALLOW && !watched_all
              && (watched = observed_rule (observe, r)) >= 0)
            watched_all = true;
          if (watched_all)
            action = SCMP_ACT_TRACE (hint_mark ((size_t)watched));
          /* Split with the conditional rules, below. */
          if (watched_some)
            continue;
          if ((ret = add_rule (ctx, r, action, err)) < 0)
            return ret;
        }
      for (size_t i = 0; which == ENT_SECCOMP_ALLOW && pass == 1 && i < p->seccomp.n_rules; i++)
        {
          const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
          if (r->action == ENT_SECCOMP_ALLOW && r->n_args == 0
              && watched_hint (hints | observe, r->syscall, false) < 0
              && watched_hint (hints | observe, r->syscall, true) >= 0
              && (ret = add_watched_split (ctx, hints | observe, r->syscall, err)) < 0)
            return ret;
        }
      if (which == ENT_SECCOMP_ALLOW && (ret = add_denied_hints (ctx, hints, pass == 1, err)) < 0)
        return ret;
    }
  if (which == ENT_SECCOMP_ERRNO && !any)
    return 0; /* no deny filter needed */
  if ((ret = entrun_filter_export (ctx, prog, err)) < 0 || which == ENT_SECCOMP_ERRNO)
    return ret;
  if ((ret = entrun_filter_abi_prepend (p, hints, prog, err)) < 0)
    {
      free (prog->filter);
      memset (prog, 0, sizeof (*prog));
    }
  return ret;
}

static int
compile_pair (const ent_profile_t *p, uint64_t hints, uint64_t observe, struct sock_fprog *allow,
              struct sock_fprog *deny, ent_error_t **err)
{
  int ret;

  memset (allow, 0, sizeof (*allow));
  memset (deny, 0, sizeof (*deny));
  ret = build (p, ENT_SECCOMP_ALLOW, hints, observe, allow, err);
  if (ret == 0 && (ret = build (p, ENT_SECCOMP_ERRNO, 0, 0, deny, err)) < 0)
    {
      free (allow->filter);
      memset (allow, 0, sizeof (*allow));
    }
  return ret;
}

int
entrun_filter_compile_pair (const ent_profile_t *p, uint64_t hints, struct sock_fprog *allow,
                            struct sock_fprog *deny, ent_error_t **err)
{
  return compile_pair (p, hints, 0, allow, deny, err);
}

int
entrun_filter_splice (const struct sock_fprog *deny, const struct sock_fprog *allow,
                      struct sock_fprog *out)
{
  size_t len = (size_t)deny->len + allow->len;
  struct sock_filter *prog;

  memset (out, 0, sizeof (*out));
  if (len > BPF_MAXINSNS)
    return -EINVAL;
  for (unsigned i = 0; i < deny->len; i++)
    if (BPF_CLASS (deny->filter[i].code) == BPF_RET && deny->filter[i].code != (BPF_RET | BPF_K))
      return -EINVAL;
  if ((prog = malloc (len * sizeof (*prog))) == NULL)
    return -ENOMEM;
  memcpy (prog, deny->filter, deny->len * sizeof (*prog));
  memcpy (prog + deny->len, allow->filter, allow->len * sizeof (*prog));
  /* "Allowed by the deny program" is the allowlist's question: on to its
   * first instruction.  Every other verdict (an errno, or the kill of an
   * unknown architecture, which the allowlist would give too) stands, as
   * it would over the allowlist's loaded as the earlier filter. */
  for (unsigned i = 0; i < deny->len; i++)
    if (prog[i].code == (BPF_RET | BPF_K) && prog[i].k == SECCOMP_RET_ALLOW)
      prog[i] = (struct sock_filter)BPF_JUMP (BPF_JMP | BPF_JA, deny->len - i - 1, 0, 0);
  out->filter = prog;
  out->len = (unsigned short)len;
  return 0;
}

/* Is @k a hint's return in a marked program?  Its number in *@hint. */
static bool
is_hint_return (uint32_t k, int *hint)
{
  if ((k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE
      || (k & SECCOMP_RET_DATA) >= ent_policy_n_hints)
    return false;
  *hint = (int)(k & SECCOMP_RET_DATA);
  return true;
}

/* What a hint's call gets without pid 1: the filter's default errno when
 * denied, the kernel's judgement when watched or observed (@pass: the
 * observed ones, bit per hint number). */
static uint32_t
hint_verdict (int hint, int default_errno, uint64_t pass)
{
  if (ent_policy_hints[hint].kind == ENT_HINT_WATCHED || (pass & (UINT64_C (1) << hint)))
    return SECCOMP_RET_ALLOW;
  return SECCOMP_RET_ERRNO | ((uint32_t)default_errno & SECCOMP_RET_DATA);
}

/* @marked with each hint's return turned into USER_NOTIF (@notify) or its
 * verdict: a malloc'd copy in @out, or -ENOMEM. */
static int
unmark (const struct sock_fprog *marked, bool notify, int default_errno, uint64_t pass,
        struct sock_fprog *out)
{
  struct sock_filter *prog = malloc (marked->len * sizeof (*prog));
  int hint;

  if (prog == NULL)
    return -ENOMEM;
  memcpy (prog, marked->filter, marked->len * sizeof (*prog));
  for (unsigned i = 0; i < marked->len; i++)
    if (prog[i].code == (BPF_RET | BPF_K) && is_hint_return (prog[i].k, &hint))
      prog[i].k = notify ? SECCOMP_RET_USER_NOTIF : hint_verdict (hint, default_errno, pass);
  out->filter = prog;
  out->len = marked->len;
  return 0;
}

static bool
has_hint_return (const struct sock_fprog *prog)
{
  int hint;

  for (unsigned i = 0; i < prog->len; i++)
    if (prog->filter[i].code == (BPF_RET | BPF_K) && is_hint_return (prog->filter[i].k, &hint))
      return true;
  return false;
}

int
entrun_filter_drop_hints (entrun_filter_t *f)
{
  struct sock_fprog plain;

  if (f->marked.len == 0)
    return 0;
  if (unmark (&f->marked, false, f->default_errno, f->pass, &plain) < 0)
    return -ENOMEM;
  if (!f->precompiled || f->own_prog)
    free (f->prog.filter);
  if (!f->precompiled)
    free (f->marked.filter);
  f->precompiled = f->own_prog = false;
  f->prog = plain;
  memset (&f->marked, 0, sizeof (f->marked));
  return 0;
}

/* The payload hands its listener to pid 1 with sendmsg, after the filter
 * is loaded: a profile whose filter refuses that (or close) gets its hints'
 * verdicts built in instead.  0 or -errno with @err set. */
static int
hints_deliverable (entrun_filter_t *f, ent_error_t **err)
{
  static const int needed[] = { __NR_sendmsg, __NR_close };
  struct seccomp_data d = { .arch = seccomp_arch_native () };
  int hint;

  for (size_t i = 0; f->marked.len && i < N_ELEMENTS (needed); i++)
    {
      d.nr = needed[i];
      if (entrun_filter_judge (f, &d, &hint) == SECCOMP_RET_ALLOW && hint < 0)
        continue;
      verbose ("seccomp: no hints, the filter denies what hands them to pid 1");
      if (entrun_filter_drop_hints (f) < 0)
        return ent_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
entrun_filter_compile (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
{
  return entrun_filter_compile_with (p, entrun_filter_hints (p), f, err);
}

int
entrun_filter_compile_with (const ent_profile_t *p, uint64_t hints, entrun_filter_t *f,
                            ent_error_t **err)
{
  return entrun_filter_compile_observing (p, hints, 0, f, err);
}

int
entrun_filter_compile_observing (const ent_profile_t *p, uint64_t hints, uint64_t observe,
                                 entrun_filter_t *f, ent_error_t **err)
{
  struct sock_fprog allow, deny, marked;
  int ret;

  memset (f, 0, sizeof (*f));
  if (!p->seccomp.enabled)
    return 0;
  f->default_errno = p->seccomp.default_errno;
  /* pid 1 knows a call's hint by its number, shared by the hints that say
   * the same (clone's flags): a number that also stands for a call still
   * denied is not let through for the others. */
  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    if ((hints & (UINT64_C (1) << i)) != 0)
      for (size_t j = 0; j < ent_policy_n_hints && j < 64; j++)
        if (hint_mark (j) == hint_mark (i))
          observe &= ~(UINT64_C (1) << j);
  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    if (observe & (UINT64_C (1) << i))
      f->pass |= UINT64_C (1) << hint_mark (i);
  if ((ret = compile_pair (p, hints, observe, &allow, &deny, err)) < 0)
    return ret;
  if (deny.len == 0)
    marked = allow;
  else
    {
      ret = entrun_filter_splice (&deny, &allow, &marked);
      free (allow.filter);
      free (deny.filter);
      if (ret < 0)
        return ent_error_set (err, -ret, "seccomp: the filter is too long (%u + %u instructions)",
                              (unsigned)allow.len, (unsigned)deny.len);
    }
  if (!has_hint_return (&marked))
    {
      f->prog = marked;
      return 0;
    }
  f->marked = marked;
  if (unmark (&marked, true, f->default_errno, f->pass, &f->prog) < 0)
    {
      entrun_filter_clear (f);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  return hints_deliverable (f, err);
}

uint32_t
entrun_filter_judge (const entrun_filter_t *f, const struct seccomp_data *d, int *hint)
{
  uint32_t v = entrun_bpf_run (f->marked.len ? &f->marked : &f->prog, d);

  *hint = -1;
  if (f->marked.len && is_hint_return (v, hint) && (f->moot & (UINT64_C (1) << *hint)))
    {
      *hint = -1;
      return SECCOMP_RET_ALLOW;
    }
  if (f->marked.len && *hint >= 0)
    return hint_verdict (*hint, f->default_errno, f->pass);
  return v;
}

static bool
rule_equal (const ent_seccomp_rule_t *a, const entrun_precompiled_rule_t *b,
            const ent_arg_cond_t *args)
{
  if (strcmp (a->syscall, b->syscall) != 0 || a->action != b->action || a->errnum != b->errnum
      || a->n_args != b->n_args)
    return false;
  for (unsigned i = 0; i < a->n_args; i++)
    {
      const ent_arg_cond_t *c = &args[b->args_at + i];
      if (a->args[i].index != c->index || a->args[i].op != c->op || a->args[i].mask != c->mask
          || a->args[i].value != c->value)
        return false;
    }
  return true;
}

/* Exact comparison of every rule: a hit means the embedded programs were
 * generated from these very rules. */
static bool
same_rules (const ent_profile_t *p, const uint64_t *hints, const entrun_precompiled_t *pre)
{
  const ent_seccomp_t *s = &p->seccomp;

  if (s->default_errno != pre->default_errno || s->unknown_errno != pre->unknown_errno
      || s->n_rules != pre->n_rules)
    return false;
  for (size_t i = 0; i < s->n_rules; i++)
    if (!rule_equal (&s->rules[i], &pre->rules[i], pre->args))
      return false;
  /* The same rules: the hints differ only with what else the profile
   * holds (security.memory-lock's RLIMIT_MEMLOCK), and with the host's
   * RLIMIT_MEMLOCK (entrun_filter_hints). */
  return *hints == pre->hints;
}

/* The watched hints (bit per hint). */
static uint64_t
watched_hints (void)
{
  uint64_t mask = 0;

  for (size_t i = 0; i < ent_policy_n_hints && i < 64; i++)
    if (ent_policy_hints[i].kind == ENT_HINT_WATCHED)
      mask |= UINT64_C (1) << i;
  return mask;
}

/* @pre was compiled from @p's rules with more watched hints than @hints
 * (those a profile's other grants make moot: network.user's connect, a
 * capability's bind): a copy of its loaded program with those calls'
 * returns ALLOW again, as their rules are, into @f, and its marked one as
 * it is, the moot hints let through unsaid (entrun_filter_judge).  The
 * same verdict for every call as compiling with @hints (the split of a
 * watched call's values stays, every part of it allowing), without
 * compiling, and without reading the marked program: its pages are
 * touched only when pid 1 is asked.  0, or -ENOMEM. */
static int
unwatch (const entrun_precompiled_t *pre, uint64_t hints, entrun_filter_t *f)
{
  size_t bytes = pre->len * sizeof (struct sock_filter);
  struct sock_filter *prog = malloc (bytes);
  bool any = false;

  if (prog == NULL)
    return -ENOMEM;
  memcpy (prog, pre->prog, bytes);
  f->moot = pre->hints & ~hints;
  for (unsigned i = 0; i < pre->n_hint_at; i++)
    if (f->moot & (UINT64_C (1) << pre->hint_mark[i]))
      prog[pre->hint_at[i]].k = SECCOMP_RET_ALLOW;
    else
      any = true;
  f->prog = (struct sock_fprog){ .len = pre->len, .filter = prog };
  f->own_prog = true;
  f->precompiled = true;
  if (any)
    f->marked = (struct sock_fprog){ .len = pre->len, .filter = (struct sock_filter *)pre->marked };
  return 0;
}

int
entrun_filter_prepare (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
{
  const entrun_precompiled_t *near = NULL;
  uint64_t hints, watched = watched_hints ();
  int ret;

  memset (f, 0, sizeof (*f));
  if (!p->seccomp.enabled)
    return 0;
  hints = entrun_filter_hints (p);
  /* The same rules with more watched hints will do, unwatched (see
   * unwatch), over compiling: one with as few more as can be.  Their
   * numbers are their groups' first (hint_mark): the masks say so too. */
  for (size_t i = 0; i < entrun_precompiled_count; i++)
    {
      const entrun_precompiled_t *pre = &entrun_precompiled[i];
      uint64_t hints_pre = pre->hints;
      if (pre->marked == NULL || (hints & ~hints_pre) != 0 || ((hints_pre & ~hints) & ~watched) != 0
          || !same_rules (p, &hints_pre, pre))
        continue;
      if (near == NULL
          || __builtin_popcountll (hints_pre & ~hints)
                 < __builtin_popcountll (near->hints & ~hints))
        near = pre;
    }
  for (size_t i = 0; i < entrun_precompiled_count; i++)
    if (same_rules (p, &hints, &entrun_precompiled[i]))
      {
        f->prog.filter = (struct sock_filter *)entrun_precompiled[i].prog;
        f->prog.len = entrun_precompiled[i].len;
        if (entrun_precompiled[i].marked)
          {
            f->marked.filter = (struct sock_filter *)entrun_precompiled[i].marked;
            f->marked.len = entrun_precompiled[i].len;
          }
        f->default_errno = p->seccomp.default_errno;
        f->precompiled = true;
        verbose ("seccomp: using the filter precompiled for these rules");
        /* Compiled by entrun_filter_compile, hints_deliverable was
         * asked then. */
        return 0;
      }
  if (near && near->hints != hints)
    {
      f->default_errno = p->seccomp.default_errno;
      if (unwatch (near, hints, f) < 0)
        return ent_error_set (err, ENOMEM, "out of memory");
      verbose ("seccomp: using the filter precompiled for these rules, fewer calls watched");
      return 0;
    }
  verbose ("seccomp: compiling the filter");
  ret = entrun_filter_compile_with (p, hints, f, err);
  f->compiled = true;
  return ret;
}

int
entrun_filter_load (entrun_filter_t *f, int *listener)
{
  int fd;

  *listener = -1;
  if (f->prog.len == 0)
    return 0;
  if (f->marked.len == 0)
    return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog) < 0 ? -errno : 0;
  fd = (int)syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                     &f->prog);
  if (fd >= 0)
    {
      *listener = fd;
      return 0;
    }
  /* EINVAL: a kernel without listeners (the flag is checked before the
   * program).  EBUSY: a filter up the chain has the one listener a
   * process may have.  Then the same program with the hints' verdicts
   * built in. */
  if (errno != EINVAL && errno != EBUSY)
    return -errno;
  if (entrun_filter_drop_hints (f) < 0)
    return -ENOMEM;
  return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog) < 0 ? -errno : 0;
}

void
entrun_filter_clear (entrun_filter_t *f)
{
  if (!f->precompiled || f->own_prog)
    free (f->prog.filter);
  if (!f->precompiled)
    free (f->marked.filter);
  memset (f, 0, sizeof (*f));
}

int
entrun_own_filter_init (const int *nrs, size_t n, scmp_filter_ctx *out)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ERRNO (EPERM));
  int ret = ctx ? 0 : -ENOMEM;

  for (size_t i = 0; ret == 0 && i < n; i++)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, nrs[i], 0);
  /* no_new_privs is set already (and prctl is not allowed). */
  if (ret == 0)
    ret = seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (ret < 0)
    {
      seccomp_release (ctx);
      return ret;
    }
  *out = ctx;
  return 0;
}

int
entrun_own_filter_compile (entrun_build_fn make, const void *arg, const char *what,
                           struct sock_fprog *prog, ent_error_t **err)
{
  scmp_filter_ctx ctx = NULL;
  int ret = make (arg, &ctx);

  if (ret < 0)
    return ent_error_set (err, -ret, "seccomp: %s: %s", what, strerror (-ret));
  ret = entrun_filter_export (ctx, prog, err);
  seccomp_release (ctx);
  return ret;
}

int
entrun_own_filter_load (const entrun_prog_t *pre, entrun_build_fn make, const void *arg)
{
  scmp_filter_ctx ctx = NULL;
  int ret;

  if (pre->len > 0)
    {
      struct sock_fprog prog = { .len = pre->len, .filter = (struct sock_filter *)pre->filter };
      return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0 ? -errno : 0;
    }
  /* Not memfd and export: memfd_create may not be allowed under a filter
   * loaded before. */
  if ((ret = make (arg, &ctx)) == 0)
    ret = seccomp_load (ctx);
  seccomp_release (ctx);
  return ret;
}
