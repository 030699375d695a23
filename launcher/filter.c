/* entrun — seccomp filters (see filter.h). */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filter-abi.h"
#include "filter.h"
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
  if (fstat (fd, &st) < 0 || st.st_size == 0 || st.st_size % sizeof (struct sock_filter)
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

static int
build (const ent_profile_t *p, ent_seccomp_action_t which, struct sock_fprog *prog,
       ent_error_t **err)
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
   * to check). */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < p->seccomp.n_rules; i++)
      {
        const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
        if (r->action != which || (r->n_args == 0) != (pass == 0))
          continue;
        any = true;
        ret = add_rule (
            ctx, r, which == ENT_SECCOMP_ALLOW ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO (r->errnum), err);
        if (ret < 0)
          return ret;
      }
  if (which == ENT_SECCOMP_ERRNO && !any)
    return 0; /* no deny filter needed */
  if ((ret = entrun_filter_export (ctx, prog, err)) < 0 || which == ENT_SECCOMP_ERRNO)
    return ret;
  if ((ret = entrun_filter_abi_prepend (p, prog, err)) < 0)
    {
      free (prog->filter);
      memset (prog, 0, sizeof (*prog));
    }
  return ret;
}

int
entrun_filter_compile_pair (const ent_profile_t *p, struct sock_fprog *allow,
                            struct sock_fprog *deny, ent_error_t **err)
{
  int ret;

  memset (allow, 0, sizeof (*allow));
  memset (deny, 0, sizeof (*deny));
  ret = build (p, ENT_SECCOMP_ALLOW, allow, err);
  if (ret == 0 && (ret = build (p, ENT_SECCOMP_ERRNO, deny, err)) < 0)
    {
      free (allow->filter);
      memset (allow, 0, sizeof (*allow));
    }
  return ret;
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

int
entrun_filter_compile (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
{
  struct sock_fprog allow, deny;
  int ret;

  memset (f, 0, sizeof (*f));
  if (!p->seccomp.enabled)
    return 0;
  if ((ret = entrun_filter_compile_pair (p, &allow, &deny, err)) < 0)
    return ret;
  if (deny.len == 0)
    {
      f->prog = allow;
      return 0;
    }
  ret = entrun_filter_splice (&deny, &allow, &f->prog);
  free (allow.filter);
  free (deny.filter);
  if (ret < 0)
    return ent_error_set (err, -ret, "seccomp: the filter is too long (%u + %u instructions)",
                          (unsigned)allow.len, (unsigned)deny.len);
  return 0;
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
same_rules (const ent_seccomp_t *s, const entrun_precompiled_t *pre)
{
  if (s->default_errno != pre->default_errno || s->unknown_errno != pre->unknown_errno
      || s->n_rules != pre->n_rules)
    return false;
  for (size_t i = 0; i < s->n_rules; i++)
    if (!rule_equal (&s->rules[i], &pre->rules[i], pre->args))
      return false;
  return true;
}

int
entrun_filter_prepare (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
{
  memset (f, 0, sizeof (*f));
  if (!p->seccomp.enabled)
    return 0;
  for (size_t i = 0; i < entrun_precompiled_count; i++)
    if (same_rules (&p->seccomp, &entrun_precompiled[i]))
      {
        f->prog.filter = (struct sock_filter *)entrun_precompiled[i].prog;
        f->prog.len = entrun_precompiled[i].len;
        f->precompiled = true;
        verbose ("seccomp: using the filter precompiled for these rules");
        return 0;
      }
  verbose ("seccomp: compiling the filter");
  return entrun_filter_compile (p, f, err);
}

int
entrun_filter_load (const entrun_filter_t *f)
{
  if (f->prog.len == 0)
    return 0;
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &f->prog) < 0)
    return -errno;
  return 0;
}

void
entrun_filter_clear (entrun_filter_t *f)
{
  if (!f->precompiled)
    free (f->prog.filter);
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
