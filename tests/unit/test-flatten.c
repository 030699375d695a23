/* ent_seccomp_flatten: read as ONE filter (libseccomp's and OCI's reading),
 * the flattened rules give every call the verdict the profile's two-filter
 * rules give it (ent_profile_syscall_verdict), on a dense sample of
 * arguments; they have the shape runc needs; and loaded into the kernel as
 * runc would load them they stop TIOCSTI, which the rules as they are let
 * through. */
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-suites.h"
#include "test-util.h"

#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP 2
#define IOPRIO_BE_4 ((2 << 13) | 4) /* IOPRIO_PRIO_VALUE (IOPRIO_CLASS_BE, 4) */
#define NETLINK_AUDIT_ 9
#define HIGH_BIT32 (UINT64_C (1) << 32)

/* What a one-filter reading gives when two rules of different actions match
 * the same call: libseccomp refuses them or picks one as it likes. */
#define CONFLICT (-1)

/* ---- the one-filter evaluator (independent of the library) --------------- */

static bool
holds (const ent_arg_cond_t *c, const uint64_t *args)
{
  uint64_t a = args[c->index];

  switch (c->op)
    {
    case ENT_ARG_EQ:
      return a == c->value;
    case ENT_ARG_NE:
      return a != c->value;
    case ENT_ARG_LT:
      return a < c->value;
    case ENT_ARG_LE:
      return a <= c->value;
    case ENT_ARG_GT:
      return a > c->value;
    case ENT_ARG_GE:
      return a >= c->value;
    case ENT_ARG_MASKED_EQ:
      return (a & c->mask) == c->value;
    default:
      ck_abort_msg ("bad op %d", c->op);
    }
  return false;
}

static bool
rule_matches (const ent_seccomp_rule_t *r, const uint64_t *args)
{
  for (unsigned k = 0; k < r->n_args; k++)
    if (!holds (&r->args[k], args))
      return false;
  return true;
}

/* The rules @rules (all for one syscall) read as one filter with
 * @default_errno: 0 (runs), an errno, or CONFLICT. */
static int
verdict_of (const ent_seccomp_rule_t *const *rules, size_t n, int default_errno,
            const uint64_t *args)
{
  int verdict = -2;

  for (size_t i = 0; i < n; i++)
    {
      int v;
      if (!rule_matches (rules[i], args))
        continue;
      v = rules[i]->action == ENT_SECCOMP_ALLOW ? 0 : rules[i]->errnum;
      if (verdict != -2 && verdict != v)
        return CONFLICT;
      verdict = v;
    }
  return verdict == -2 ? default_errno : verdict;
}

/* @s's rules for @name, in a new array. */
static const ent_seccomp_rule_t **
rules_for (const ent_seccomp_t *s, const char *name, size_t *n)
{
  const ent_seccomp_rule_t **out = calloc (s->n_rules + 1, sizeof (*out));

  ck_assert_ptr_nonnull (out);
  *n = 0;
  for (size_t i = 0; i < s->n_rules; i++)
    if (strcmp (s->rules[i].syscall, name) == 0)
      out[(*n)++] = &s->rules[i];
  return out;
}

/* @s read as one filter for @name(@args). */
static int
one_filter_verdict (const ent_seccomp_t *s, const char *name, const uint64_t *args)
{
  size_t n;
  const ent_seccomp_rule_t **rules = rules_for (s, name, &n);
  int v = verdict_of (rules, n, s->default_errno, args);

  free (rules);
  return v;
}

/* ---- argument samples ----------------------------------------------------- */

typedef struct values
{
  uint64_t *v;
  size_t n, cap;
} values_t;

static void
values_add (values_t *s, uint64_t v)
{
  if (s->n == s->cap)
    {
      s->cap = s->cap ? s->cap * 2 : 256;
      s->v = realloc (s->v, s->cap * sizeof (*s->v));
      ck_assert_ptr_nonnull (s->v);
    }
  s->v[s->n++] = v;
}

/* Per argument index: @core the values around each constant of the
 * profile's rules (for pairs of arguments), @all those, the same around the
 * flattened rules' constants, and more (for one argument at a time). */
typedef struct samples
{
  bool tested[ENT_SECCOMP_MAX_ARGS];
  values_t core[ENT_SECCOMP_MAX_ARGS];
  values_t all[ENT_SECCOMP_MAX_ARGS];
} samples_t;

static void
add_condition (samples_t *sm, const ent_arg_cond_t *c, uint64_t *seed, bool core)
{
  uint64_t v = c->value;
  uint64_t mask = c->op == ENT_ARG_MASKED_EQ ? c->mask : UINT64_MAX;
  const uint64_t around[] = { v - 1, v, v + 1, v | HIGH_BIT32 };

  sm->tested[c->index] = true;
  for (size_t i = 0; i < TEST_N (around); i++)
    {
      if (core)
        values_add (&sm->core[c->index], around[i]);
      values_add (&sm->all[c->index], around[i]);
    }
  for (unsigned b = 0; b < 64; b++)
    if (mask & (UINT64_C (1) << b))
      values_add (&sm->all[c->index], v ^ (UINT64_C (1) << b));
  for (int i = 0; i < 8; i++) /* inside a masked cube, the free bits at random */
    values_add (&sm->all[c->index], (v & mask) | (test_prng (seed) & ~mask));
}

static void
add_rules (samples_t *sm, const ent_seccomp_t *s, const char *name, uint64_t *seed, bool core)
{
  for (size_t i = 0; i < s->n_rules; i++)
    if (strcmp (s->rules[i].syscall, name) == 0)
      for (unsigned k = 0; k < s->rules[i].n_args; k++)
        add_condition (sm, &s->rules[i].args[k], seed, core);
}

static void
add_fixed (samples_t *sm, uint64_t *seed)
{
  const uint64_t fixed[]
      = { 0, 1, UINT64_MAX, (uint64_t)INT32_MAX + 1, UINT64_C (1) << 63, UINT32_MAX };

  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      if (!sm->tested[i])
        continue;
      for (size_t k = 0; k < TEST_N (fixed); k++)
        {
          values_add (&sm->core[i], fixed[k]);
          values_add (&sm->all[i], fixed[k]);
        }
      for (int k = 0; k < 2000; k++)
        {
          uint64_t r = test_prng (seed);
          values_add (&sm->all[i], k % 2 ? r : (uint32_t)r);
        }
    }
}

static void
samples_free (samples_t *sm)
{
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    {
      free (sm->core[i].v);
      free (sm->all[i].v);
    }
}

/* ---- equivalence ---------------------------------------------------------- */

typedef struct check
{
  const ent_profile_t *in;
  const ent_seccomp_t *out;
  const char *name;
  const ent_seccomp_rule_t **mine; /* out's rules for name */
  size_t n_mine;
  size_t mismatches;
  char first[200];
} check_t;

static void
compare (check_t *c, const uint64_t *args)
{
  int want = ent_profile_syscall_verdict (c->in, c->name, args);
  int got = verdict_of (c->mine, c->n_mine, c->out->default_errno, args);

  if (want == got)
    return;
  if (c->mismatches++ == 0)
    snprintf (c->first, sizeof (c->first),
              "%s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", ...): two filters %d, one filter %d",
              c->name, args[0], args[1], args[2], want, got);
}

/* Every value of one argument, the others 0. */
static void
sweep_singles (check_t *c, const samples_t *sm)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { 0 };

  compare (c, args);
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    for (size_t k = 0; k < sm->all[i].n; k++)
      {
        memset (args, 0, sizeof (args));
        args[i] = sm->all[i].v[k];
        compare (c, args);
      }
}

/* The values around the constants of two arguments, crossed. */
static void
sweep_pairs (check_t *c, const samples_t *sm)
{
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    for (unsigned j = i + 1; j < ENT_SECCOMP_MAX_ARGS; j++)
      for (size_t a = 0; a < sm->core[i].n; a++)
        for (size_t b = 0; b < sm->core[j].n; b++)
          {
            uint64_t args[ENT_SECCOMP_MAX_ARGS] = { 0 };
            args[i] = sm->core[i].v[a];
            args[j] = sm->core[j].v[b];
            compare (c, args);
          }
}

/* Every tested argument at once, each a random sample. */
static void
sweep_random (check_t *c, const samples_t *sm, uint64_t *seed)
{
  for (int n = 0; n < 2000; n++)
    {
      uint64_t args[ENT_SECCOMP_MAX_ARGS] = { 0 };
      for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
        if (sm->tested[i])
          args[i] = sm->all[i].v[test_prng (seed) % sm->all[i].n];
      compare (c, args);
    }
}

static void
check_syscall (check_t *c)
{
  samples_t sm = { 0 };
  uint64_t seed = 0x9E3779B97F4A7C15u;

  add_rules (&sm, &c->in->seccomp, c->name, &seed, true);
  add_rules (&sm, c->out, c->name, &seed, false);
  add_fixed (&sm, &seed);
  c->mine = rules_for (c->out, c->name, &c->n_mine);
  sweep_singles (c, &sm);
  sweep_pairs (c, &sm);
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    if (sm.tested[i])
      {
        sweep_random (c, &sm, &seed);
        break;
      }
  free (c->mine);
  samples_free (&sm);
}

/* How many sampled calls @out, read as one filter, decides otherwise than
 * @in; @first says the first. */
static size_t
count_mismatches (const ent_profile_t *in, const ent_seccomp_t *out, char *first, size_t size)
{
  check_t c = { .in = in, .out = out };
  const ent_seccomp_t *lists[] = { &in->seccomp, out };

  for (size_t l = 0; l < TEST_N (lists); l++)
    for (size_t i = 0; i < lists[l]->n_rules; i++)
      {
        c.name = lists[l]->rules[i].syscall;
        if (i > 0 && strcmp (c.name, lists[l]->rules[i - 1].syscall) == 0)
          continue; /* each syscall once per list is enough */
        check_syscall (&c);
      }
  snprintf (first, size, "%s", c.first);
  return c.mismatches;
}

/* What runc needs: one condition per argument, no rule with the default
 * errno, the unconditional rules first; and the fields copied. */
static void
assert_shape (const ent_seccomp_t *in, const ent_seccomp_t *out)
{
  bool conditional_seen = false;

  ck_assert_int_eq (out->enabled, in->enabled);
  ck_assert_int_eq (out->default_errno, in->default_errno);
  ck_assert_int_eq (out->unknown_errno, in->unknown_errno);
  for (size_t i = 0; i < out->n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &out->rules[i];
      unsigned seen = 0;
      ck_assert_msg (r->action == ENT_SECCOMP_ALLOW || r->errnum != out->default_errno,
                     "%s: an ERRNO rule with the default errno", r->syscall);
      ck_assert_msg (r->n_args > 0 || !conditional_seen,
                     "%s: unconditional rule after a conditional one", r->syscall);
      conditional_seen |= r->n_args > 0;
      for (unsigned k = 0; k < r->n_args; k++)
        {
          ck_assert_msg (!(seen & (1u << r->args[k].index)), "%s: two conditions on arg %u",
                         r->syscall, r->args[k].index);
          seen |= 1u << r->args[k].index;
        }
    }
}

/* Flatten @p's policy, check shape and verdicts. */
static void
assert_flattens_exactly (const ent_profile_t *p)
{
  ent_seccomp_t out = { 0 };
  ent_error_t *err = NULL;
  char first[200];
  size_t bad;

  ck_assert_msg (ent_seccomp_flatten (&p->seccomp, &out, &err) == 0, "flatten: %s",
                 ent_error_message (err));
  assert_shape (&p->seccomp, &out);
  bad = count_mismatches (p, &out, first, sizeof (first));
  ck_assert_msg (bad == 0, "%zu calls decided otherwise; first: %s", bad, first);
  ent_seccomp_clear (&out);
  ck_assert_ptr_null (out.rules);
  ck_assert_uint_eq (out.n_rules, 0);
}

/* ---- the default catalogue ------------------------------------------------ */

/* On a 32-bit ABI (i386, x32) libseccomp compares the low 32 bits of an
 * argument only.  A condition the flattening makes up that fixes high bits
 * alone would match every call there, where the 64-bit reading matches
 * none: the catalogue's rewritten rules never need one. */
static void
assert_low_words (const ent_seccomp_t *out)
{
  for (size_t i = 0; i < out->n_rules; i++)
    for (unsigned k = 0; k < out->rules[i].n_args; k++)
      {
        const ent_arg_cond_t *c = &out->rules[i].args[k];
        ck_assert_msg (c->op != ENT_ARG_MASKED_EQ || (c->mask & 0xffffffffu) != 0,
                       "%s: a condition on the high word of arg%u alone", out->rules[i].syscall,
                       c->index);
      }
}

static void
assert_catalogue_flattens (const ent_profile_t *p)
{
  ent_seccomp_t out;
  ent_error_t *err = NULL;

  assert_flattens_exactly (p);
  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, &err), 0);
  assert_low_words (&out);
  ent_seccomp_clear (&out);
}

/* Entitlements that need another one granted first. */
static const struct
{
  const char *name, *needs;
} prerequisites[] = {
  { "network.host-loopback", "network.user" },
};

/* Several grants together. */
static const char *const combos[][4] = {
  { "network.admin", "security.admin", NULL },
  { "network.host", "security.view", "debug.ptrace", NULL },
  { "network.user", "network.host-loopback", "debug.perf", NULL },
  { "network.proxy=http://127.0.0.1:3128", "security.memory-lock", NULL },
  { "security.admin", "debug.ptrace", "host.processes.admin", NULL },
};

static ent_manager_t *
manager_granting (const ent_catalogue_t *cat, const char *name)
{
  ent_manager_t *m = test_manager (cat);

  for (size_t i = 0; i < TEST_N (prerequisites); i++)
    if (strcmp (name, prerequisites[i].name) == 0)
      test_grant_ok (m, cat, prerequisites[i].needs);
  test_grant_ok (m, cat, name);
  return m;
}

/* Every void entitlement of the catalogue (every level of every group, and
 * the flags), granted alone; _i 0 is the defaults alone. */
START_TEST (catalogue_entitlement_flattens_exactly)
{
  ent_catalogue_t *cat = test_catalogue ();
  const ent_definition_t *d = _i > 0 ? ent_catalogue_get (cat, _i - 1) : NULL;
  ent_manager_t *m;

  if (d && d->type != ENT_TYPE_VOID)
    {
      ent_catalogue_free (cat);
      return;
    }
  m = d ? manager_granting (cat, d->name) : test_manager (cat);
  assert_catalogue_flattens (ent_manager_profile (m));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (catalogue_combo_flattens_exactly)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, combos[_i]);

  assert_catalogue_flattens (ent_manager_profile (m));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* The check can fail: the default policy's rules as they are, read as one
 * filter, let TIOCSTI meet ioctl's unconditional ALLOW. */
START_TEST (naive_copy_is_caught)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t tiocsti[ENT_SECCOMP_MAX_ARGS] = { 3, TIOCSTI };
  char first[200];

  ck_assert_int_eq (ent_profile_syscall_verdict (p, "ioctl", tiocsti), EPERM);
  ck_assert_int_eq (one_filter_verdict (&p->seccomp, "ioctl", tiocsti), CONFLICT);
  ck_assert_uint_gt (count_mismatches (p, &p->seccomp, first, sizeof (first)), 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* The catalogue's rules themselves: ioctl and clone3 keep their promises,
 * and unconditional rules stay so. */
START_TEST (default_policy_shape)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t high[ENT_SECCOMP_MAX_ARGS] = { 3, TIOCSTI | HIGH_BIT32 };
  ent_seccomp_t out = { 0 };
  size_t clone3 = 0, read = 0, socketcall = 0;

  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, NULL), 0);
  ck_assert_int_eq (one_filter_verdict (&out, "ioctl", high), EPERM);
  for (size_t i = 0; i < out.n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &out.rules[i];
      if (strcmp (r->syscall, "clone3") == 0)
        clone3 += r->n_args == 0 && r->action == ENT_SECCOMP_ERRNO && r->errnum == ENOSYS ? 1 : 100;
      if (strcmp (r->syscall, "read") == 0)
        read += r->n_args == 0 && r->action == ENT_SECCOMP_ALLOW ? 1 : 100;
      if (strcmp (r->syscall, "socketcall") == 0)
        socketcall += r->n_args == 0 && r->errnum == EAFNOSUPPORT ? 1 : 100;
    }
  ck_assert_uint_eq (clone3, 1);
  ck_assert_uint_eq (read, 1);
  ck_assert_uint_eq (socketcall, 1);
  ent_seccomp_clear (&out);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- hand-written policies ------------------------------------------------ */

#define C(i, o, v)                                                                                 \
  {                                                                                                \
    .index = (i), .op = ENT_ARG_##o, .value = (v)                                                  \
  }
#define M(i, m, v)                                                                                 \
  {                                                                                                \
    .index = (i), .op = ENT_ARG_MASKED_EQ, .mask = (m), .value = (v)                               \
  }

typedef struct hand_rule
{
  ent_seccomp_action_t action;
  int errnum;
  unsigned n_args;
  ent_arg_cond_t args[3];
} hand_rule_t;

static const struct hand_policy
{
  const char *what;
  size_t n;
  hand_rule_t rules[4];
  bool naive_fails; /* the rules as they are, read as one filter, differ */
  /* Refused: an ALLOW rule less these denies needs conditions on the high
   * word of an argument, which libseccomp drops on i386 and x32 (the
   * flattened filter would let through there what the profile denies). */
  bool refused;
} hand_policies[] = {
  { "overlapping ERRNO rules, different errnos",
    4,
    { { ENT_SECCOMP_ALLOW, 0, 0, { { 0 } } },
      { ENT_SECCOMP_ERRNO, EACCES, 1, { C (0, LT, 100) } },
      { ENT_SECCOMP_ERRNO, ENOENT, 3, { C (0, GE, 90), C (0, LE, 130), C (1, EQ, 7) } },
      { ENT_SECCOMP_ERRNO, EBUSY, 1, { M (0, 0xf0, 0x30) } } },
    true,
    true },
  { "overlapping ERRNO rules, different errnos, low 32 bits",
    4,
    { { ENT_SECCOMP_ALLOW, 0, 0, { { 0 } } },
      { ENT_SECCOMP_ERRNO, EACCES, 1, { M (0, 0xffffff80, 0) } },
      { ENT_SECCOMP_ERRNO, ENOENT, 2, { M (0, 0xffffffe0, 96), C (1, EQ, 7) } },
      { ENT_SECCOMP_ERRNO, EBUSY, 1, { M (0, 0xf0, 0x30) } } },
    true },
  { "a 64-bit EQ deny against an unconditional allow (TIOCSTI written as EQ)",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 0, { { 0 } } },
      { ENT_SECCOMP_ERRNO, EPERM, 1, { C (1, EQ, 0x5412) } } },
    true,
    true },
  { "ERRNO over a conditional ALLOW",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 2, { C (0, LE, 1000), C (2, NE, 5) } },
      { ENT_SECCOMP_ERRNO, EACCES, 1, { M (0, 0xffffffff, 7) } } },
    true },
  { "ranges, two conditions on one argument",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 2, { C (1, GT, 10), C (1, LT, 200) } },
      { ENT_SECCOMP_ERRNO, EINVAL, 2, { C (1, GE, 100), C (1, LE, 120) } } },
    true },
  { "a two-condition deny against a one-condition allow",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 1, { C (0, EQ, 3) } },
      { ENT_SECCOMP_ERRNO, EACCES, 2, { C (0, EQ, 3), M (1, 1, 1) } } },
    true },
  { "an ERRNO rule with the default errno",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 0, { { 0 } } },
      { ENT_SECCOMP_ERRNO, EPERM, 1, { M (0, 0xffffffff, 2) } } },
    true },
  { "NE against EQ",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 1, { C (0, NE, 5) } },
      { ENT_SECCOMP_ERRNO, EACCES, 1, { C (0, EQ, 6) } } },
    true,
    true },
  { "disjoint rules stay as they are",
    2,
    { { ENT_SECCOMP_ALLOW, 0, 1, { C (0, LT, 5) } },
      { ENT_SECCOMP_ERRNO, EACCES, 1, { C (0, GT, 9) } } },
    false },
  { "an empty policy", 0, { { 0 } }, false },
};

static ent_profile_t *
hand_profile (const struct hand_policy *h)
{
  ent_profile_t *p = ent_profile_new ();

  ck_assert_ptr_nonnull (p);
  p->seccomp.enabled = true;
  p->seccomp.default_errno = EPERM;
  p->seccomp.unknown_errno = ENOSYS;
  for (size_t i = 0; i < h->n; i++)
    {
      ent_seccomp_rule_t r = { .syscall = (char *)"read",
                               .action = h->rules[i].action,
                               .errnum = h->rules[i].errnum,
                               .n_args = h->rules[i].n_args };
      memcpy (r.args, h->rules[i].args, sizeof (h->rules[i].args));
      ck_assert_int_eq (ent_profile_add_rule (p, &r, NULL), 0);
    }
  return p;
}

START_TEST (hand_policy_flattens_exactly)
{
  const struct hand_policy *h = &hand_policies[_i];
  ent_profile_t *p = hand_profile (h);
  char first[200];

  if (h->refused)
    {
      ent_seccomp_t out = { 0 };
      ent_error_t *err = NULL;
      test_assert_error (ent_seccomp_flatten (&p->seccomp, &out, &err), err, EINVAL,
                         "high 32 bits of an argument");
      ck_assert_uint_eq (out.n_rules, 0);
      ent_error_free (err);
      ent_profile_free (p);
      return;
    }
  assert_flattens_exactly (p);
  ck_assert_msg ((count_mismatches (p, &p->seccomp, first, sizeof (first)) > 0) == h->naive_fails,
                 "%s: the naive copy should %s", h->what, h->naive_fails ? "differ" : "agree");
  ent_profile_free (p);
}
END_TEST

/* Rules nothing overrides keep their ops; an ERRNO rule with the default
 * errno goes. */
START_TEST (untouched_rules_copied)
{
  ent_profile_t *p = hand_profile (&hand_policies[8]);
  ent_profile_t *q = hand_profile (&hand_policies[6]);
  ent_seccomp_t out = { 0 };

  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, NULL), 0);
  ck_assert_uint_eq (out.n_rules, 2);
  ck_assert_int_eq (out.rules[0].args[0].op, ENT_ARG_LT);
  ck_assert_int_eq (out.rules[1].args[0].op, ENT_ARG_GT);
  ent_seccomp_clear (&out);
  ck_assert_int_eq (ent_seccomp_flatten (&q->seccomp, &out, NULL), 0);
  for (size_t i = 0; i < out.n_rules; i++)
    ck_assert_int_eq (out.rules[i].action, ENT_SECCOMP_ALLOW);
  ck_assert_uint_eq (out.n_rules, 32); /* low word of arg0 != 2: one cube per bit */
  ent_seccomp_clear (&out);
  ent_profile_free (p);
  ent_profile_free (q);
}
END_TEST

/* An unconditional ERRNO rule that wins everywhere is all that is left. */
START_TEST (unconditional_errno_alone)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t rules[] = {
    { .syscall = (char *)"clone3",
      .action = ENT_SECCOMP_ALLOW,
      .n_args = 1,
      .args = { C (0, EQ, 1) } },
    { .syscall = (char *)"clone3",
      .action = ENT_SECCOMP_ERRNO,
      .errnum = EACCES,
      .n_args = 1,
      .args = { C (0, EQ, 2) } },
    { .syscall = (char *)"clone3", .action = ENT_SECCOMP_ERRNO, .errnum = ENOSYS },
  };
  ent_seccomp_t out = { 0 };

  p->seccomp.default_errno = EPERM;
  for (size_t i = 0; i < TEST_N (rules); i++)
    ck_assert_int_eq (ent_profile_add_rule (p, &rules[i], NULL), 0);
  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, NULL), 0);
  ck_assert_uint_eq (out.n_rules, 1);
  ck_assert_uint_eq (out.rules[0].n_args, 0);
  ck_assert_int_eq (out.rules[0].errnum, ENOSYS);
  ent_seccomp_clear (&out);
  ent_profile_free (p);
}
END_TEST

/* Too many terms: an error naming the syscall, never a looser filter. */
START_TEST (too_big_refused)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_t out = { .n_rules = 99 };
  ent_error_t *err = NULL;
  uint64_t seed = 42;

  p->seccomp.default_errno = EPERM;
  ck_assert_int_eq (ent_profile_allow_syscall (p, "write", NULL), 0);
  for (int i = 0; i < 4; i++)
    {
      ent_seccomp_rule_t r = {
        .syscall = (char *)"write", .action = ENT_SECCOMP_ERRNO, .errnum = EACCES, .n_args = 6
      };
      for (unsigned k = 0; k < 6; k++)
        r.args[k] = (ent_arg_cond_t)C (k, EQ, test_prng (&seed));
      ck_assert_int_eq (ent_profile_add_rule (p, &r, NULL), 0);
    }
  test_assert_error (ent_seccomp_flatten (&p->seccomp, &out, &err), err, E2BIG, "'write'");
  ck_assert_uint_eq (out.n_rules, 0);
  ck_assert_ptr_null (out.rules);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

START_TEST (invalid_rule_refused)
{
  ent_seccomp_rule_t bad = { .syscall = (char *)"read", .n_args = 1, .args = { C (7, EQ, 1) } };
  ent_seccomp_t in = { .default_errno = EPERM, .rules = &bad, .n_rules = 1 };
  ent_seccomp_t out = { 0 };
  ent_error_t *err = NULL;

  test_assert_error (ent_seccomp_flatten (&in, &out, &err), err, EINVAL, "'read'");
  ent_error_free (err);
  err = NULL;
  ck_assert_uint_eq (out.n_rules, 0);
  test_assert_error (ent_seccomp_flatten (NULL, &out, &err), err, EINVAL, NULL);
  ent_error_clear (&err);
  test_assert_error (ent_seccomp_flatten (&in, NULL, &err), err, EINVAL, NULL);
  ent_error_clear (&err);
  test_assert_error (ent_seccomp_flatten (&in, &in, &err), err, EINVAL, "into itself");
  ent_error_clear (&err);
  ent_seccomp_clear (NULL);
}
END_TEST

/* ---- the kernel ----------------------------------------------------------- */

static const enum scmp_compare scmp_ops[] = {
  [ENT_ARG_EQ] = SCMP_CMP_EQ,
  [ENT_ARG_NE] = SCMP_CMP_NE,
  [ENT_ARG_LT] = SCMP_CMP_LT,
  [ENT_ARG_LE] = SCMP_CMP_LE,
  [ENT_ARG_GT] = SCMP_CMP_GT,
  [ENT_ARG_GE] = SCMP_CMP_GE,
  [ENT_ARG_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* ONE filter from @s as runc builds it: x86 and x32 added, each rule in
 * order with seccomp_rule_add_array.  Returns how many libseccomp refused. */
static int
one_filter (const ent_seccomp_t *s, scmp_filter_ctx *out)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ERRNO (s->default_errno));
  int refused = 0;

  ck_assert_ptr_nonnull (ctx);
  ck_assert_int_eq (seccomp_arch_add (ctx, SCMP_ARCH_X86), 0);
  ck_assert_int_eq (seccomp_arch_add (ctx, SCMP_ARCH_X32), 0);
  for (size_t i = 0; i < s->n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &s->rules[i];
      struct scmp_arg_cmp a[ENT_SECCOMP_MAX_ARGS];
      int nr = seccomp_syscall_resolve_name (r->syscall);
      if (nr == __NR_SCMP_ERROR)
        continue; /* runc skips a name libseccomp does not know */
      for (unsigned k = 0; k < r->n_args; k++)
        {
          bool masked = r->args[k].op == ENT_ARG_MASKED_EQ;
          a[k] = (struct scmp_arg_cmp){ .arg = r->args[k].index,
                                        .op = scmp_ops[r->args[k].op],
                                        .datum_a = masked ? r->args[k].mask : r->args[k].value,
                                        .datum_b = masked ? r->args[k].value : 0 };
        }
      if (seccomp_rule_add_array (
              ctx, r->action == ENT_SECCOMP_ALLOW ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO (r->errnum), nr,
              r->n_args, a)
          < 0)
        refused++;
    }
  *out = ctx;
  return refused;
}

static unsigned
bpf_length (scmp_filter_ctx ctx)
{
  int fd = memfd_create ("flatten-test", MFD_CLOEXEC);
  struct stat st;

  ck_assert_int_ge (fd, 0);
  ck_assert_int_eq (seccomp_export_bpf (ctx, fd), 0);
  ck_assert_int_eq (fstat (fd, &st), 0);
  close (fd);
  return st.st_size / 8;
}

typedef struct probe_fds
{
  int pty, null;
  int nice;
} probe_fds_t;

static int
result (long ret)
{
  return ret < 0 ? errno : 0;
}

static int
close_ok (long fd)
{
  if (fd < 0)
    return errno;
  close (fd);
  return 0;
}

static int
probe_tiocsti_pty (const probe_fds_t *f)
{
  char c = 'x';
  return result (ioctl (f->pty, TIOCSTI, &c));
}

/* On a file that is no tty, the kernel says ENOTTY: EPERM is the filter. */
static int
probe_tiocsti_null (const probe_fds_t *f)
{
  char c = 'x';
  return result (ioctl (f->null, TIOCSTI, &c));
}

static int
probe_tiocsti_high (const probe_fds_t *f)
{
  char c = 'x';
  return result (syscall (SYS_ioctl, f->null, (unsigned long)(TIOCSTI | HIGH_BIT32), &c));
}

/* The i386 ABI (int $0x80: ioctl is 54 there), where an argument has no
 * high word and libseccomp compares the low one only.  -ENOSYS (no IA-32
 * emulation in this kernel) stands for "not tried". */
static int
probe_tiocsti_i386 (const probe_fds_t *f)
{
#if defined(__x86_64__)
  static char c = 'x';
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(54), "b"(f->null), "c"((long)TIOCSTI), "d"((long)(uintptr_t)&c)
                   : "memory");
  return ret < 0 ? (int)-ret : 0;
#else
  (void)f;
  return EPERM;
#endif
}

static int
probe_tioclinux (const probe_fds_t *f)
{
  char arg[64] = { 0 }; /* a subcode, and room for what it reads */
  return result (ioctl (f->null, TIOCLINUX, arg));
}

static int
probe_tiocgwinsz (const probe_fds_t *f)
{
  struct winsize ws;
  return result (ioctl (f->pty, TIOCGWINSZ, &ws));
}

static int
probe_bluetooth (const probe_fds_t *f)
{
  (void)f;
  return close_ok (socket (31 /* AF_BLUETOOTH */, SOCK_STREAM, 0));
}

/* Without the filter: EPERM (no CAP_NET_RAW). */
static int
probe_packet (const probe_fds_t *f)
{
  (void)f;
  return close_ok (socket (AF_PACKET, SOCK_RAW, 0));
}

/* Without the filter: a TCP socket, the kernel reads an int. */
static int
probe_inet_high (const probe_fds_t *f)
{
  (void)f;
  return close_ok (syscall (SYS_socket, (unsigned long)(AF_INET | HIGH_BIT32), SOCK_STREAM, 0));
}

static int
probe_unix (const probe_fds_t *f)
{
  (void)f;
  return close_ok (socket (AF_UNIX, SOCK_STREAM, 0));
}

static int
probe_netlink_route (const probe_fds_t *f)
{
  (void)f;
  return close_ok (socket (AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */));
}

static int
probe_netlink_audit (const probe_fds_t *f)
{
  (void)f;
  return close_ok (socket (AF_NETLINK, SOCK_RAW, NETLINK_AUDIT_));
}

/* Without the filter: EFAULT or EINVAL. */
static int
probe_clone3 (const probe_fds_t *f)
{
  (void)f;
  return result (syscall (SYS_clone3, NULL, 0));
}

static int
probe_fork (const probe_fds_t *f)
{
  pid_t pid = fork ();
  int status;
  (void)f;
  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  return result (waitpid (pid, &status, 0));
}

/* protect_pid1: a process group is out of bounds, the caller itself is not. */
static int
probe_ioprio_pgrp (const probe_fds_t *f)
{
  (void)f;
  return result (syscall (SYS_ioprio_set, IOPRIO_WHO_PGRP, 0, IOPRIO_BE_4));
}

static int
probe_ioprio_self (const probe_fds_t *f)
{
  (void)f;
  return result (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_BE_4));
}

static int
probe_setpriority_pgrp (const probe_fds_t *f)
{
  return result (setpriority (PRIO_PGRP, 0, f->nice));
}

static int
probe_setpriority_self (const probe_fds_t *f)
{
  return result (setpriority (PRIO_PROCESS, 0, f->nice));
}

static int
probe_personality_query (const probe_fds_t *f)
{
  (void)f;
  return result (personality (0xffffffff));
}

static int
probe_personality_no_aslr (const probe_fds_t *f)
{
  (void)f;
  return result (personality (ADDR_NO_RANDOMIZE));
}

static int
probe_unshare (const probe_fds_t *f)
{
  (void)f;
  return result (unshare (CLONE_NEWUSER));
}

static const struct probe
{
  const char *what;
  int (*fn) (const probe_fds_t *f);
  int expected; /* under the flattened default policy */
} probes[] = {
  { "TIOCSTI on a pty", probe_tiocsti_pty, EPERM },
  { "TIOCSTI on /dev/null", probe_tiocsti_null, EPERM },
  { "TIOCSTI | 1 << 32", probe_tiocsti_high, EPERM },
  { "TIOCSTI through int $0x80 (i386)", probe_tiocsti_i386, EPERM },
  { "TIOCLINUX", probe_tioclinux, EPERM },
  { "TIOCGWINSZ on a pty", probe_tiocgwinsz, 0 },
  { "socket (AF_BLUETOOTH)", probe_bluetooth, EAFNOSUPPORT },
  { "socket (AF_PACKET)", probe_packet, EAFNOSUPPORT },
  { "socket (AF_INET | 1 << 32)", probe_inet_high, EAFNOSUPPORT },
  { "socket (AF_UNIX)", probe_unix, 0 },
  { "socket (AF_NETLINK, NETLINK_ROUTE)", probe_netlink_route, 0 },
  { "socket (AF_NETLINK, NETLINK_AUDIT)", probe_netlink_audit, EPROTONOSUPPORT },
  { "clone3", probe_clone3, ENOSYS },
  { "fork", probe_fork, 0 },
  { "ioprio_set (IOPRIO_WHO_PGRP)", probe_ioprio_pgrp, EPERM },
  { "ioprio_set (self)", probe_ioprio_self, 0 },
  { "setpriority (PRIO_PGRP)", probe_setpriority_pgrp, EPERM },
  { "setpriority (self)", probe_setpriority_self, 0 },
  { "personality (query)", probe_personality_query, 0 },
  { "personality (ADDR_NO_RANDOMIZE)", probe_personality_no_aslr, EPERM },
  { "unshare (CLONE_NEWUSER)", probe_unshare, EPERM },
};

/* In a child: load @ctx over no_new_privs, run every probe, send the
 * results (an errno or 0 each, -1 first if loading failed). */
static void
run_probes (scmp_filter_ctx ctx, int results[TEST_N (probes) + 1])
{
  int pipefd[2];
  pid_t pid;
  int status;

  ck_assert_int_eq (pipe (pipefd), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      int out[TEST_N (probes) + 1] = { 0 };
      probe_fds_t f = { .pty = posix_openpt (O_RDWR | O_NOCTTY),
                        .null = open ("/dev/null", O_RDWR),
                        .nice = getpriority (PRIO_PROCESS, 0) };
      if (f.pty < 0 || f.null < 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
          || seccomp_load (ctx) < 0)
        out[0] = -1;
      for (size_t i = 0; out[0] == 0 && i < TEST_N (probes); i++)
        out[i + 1] = probes[i].fn (&f);
      _exit (write (pipefd[1], out, sizeof (out)) == sizeof (out) ? 0 : 1);
    }
  close (pipefd[1]);
  ck_assert_int_eq (read (pipefd[0], results, sizeof (int) * (TEST_N (probes) + 1)),
                    sizeof (int) * (TEST_N (probes) + 1));
  close (pipefd[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert_msg (WIFEXITED (status) && WEXITSTATUS (status) == 0, "probe child status %#x", status);
  ck_assert_msg (results[0] == 0, "loading the filter failed");
}

/* The flattened default policy as ONE filter: every rule accepted, the
 * promises of seccomp-policy.c kept by the kernel, and well inside BPF's
 * limit. */
START_TEST (kernel_one_filter)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  int results[TEST_N (probes) + 1];
  scmp_filter_ctx ctx = NULL;
  ent_seccomp_t out = { 0 };

  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, NULL), 0);
  ck_assert_int_eq (one_filter (&out, &ctx), 0);
  ck_assert_uint_lt (bpf_length (ctx), 3000);
  run_probes (ctx, results);
  for (size_t i = 0; i < TEST_N (probes); i++)
    ck_assert_msg (results[i + 1] == probes[i].expected, "%s: got %s, expected %s", probes[i].what,
                   strerror (results[i + 1]), strerror (probes[i].expected));
  seccomp_release (ctx);
  ent_seccomp_clear (&out);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* The same rules unflattened, one filter, libseccomp's refusals skipped:
 * ioctl's unconditional ALLOW wins and TIOCSTI reaches the kernel. */
START_TEST (kernel_naive_lets_tiocsti_through)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  int results[TEST_N (probes) + 1];
  scmp_filter_ctx ctx = NULL;

  ck_assert_int_gt (one_filter (&p->seccomp, &ctx), 0); /* EACCES, EEXIST */
  run_probes (ctx, results);
  ck_assert_str_eq (probes[1].what, "TIOCSTI on /dev/null");
  ck_assert_int_eq (results[2], ENOTTY);
  seccomp_release (ctx);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* network.admin: still inside the limit, and AF_PACKET opens up to the
 * filter (the kernel still wants CAP_NET_RAW). */
START_TEST (kernel_network_admin_fits)
{
  static const char *const admin[] = { "network.admin", NULL };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, admin);
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t packet[ENT_SECCOMP_MAX_ARGS] = { AF_PACKET, SOCK_RAW };
  scmp_filter_ctx ctx = NULL;
  ent_seccomp_t out = { 0 };

  ck_assert_int_eq (ent_seccomp_flatten (&p->seccomp, &out, NULL), 0);
  ck_assert_int_eq (one_filter_verdict (&out, "socket", packet), 0);
  ck_assert_int_eq (one_filter (&out, &ctx), 0);
  ck_assert_uint_lt (bpf_length (ctx), 3000);
  seccomp_release (ctx);
  ent_seccomp_clear (&out);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

Suite *
flatten_suite (void)
{
  Suite *s = suite_create ("flatten");
  TCase *tc = tcase_create ("flatten");
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  size_t n = cat ? ent_catalogue_size (cat) : 0;

  ent_catalogue_free (cat);
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, catalogue_entitlement_flattens_exactly, 0, n + 1);
  tcase_add_loop_test (tc, catalogue_combo_flattens_exactly, 0, TEST_N (combos));
  tcase_add_test (tc, naive_copy_is_caught);
  tcase_add_test (tc, default_policy_shape);
  tcase_add_loop_test (tc, hand_policy_flattens_exactly, 0, TEST_N (hand_policies));
  tcase_add_test (tc, untouched_rules_copied);
  tcase_add_test (tc, unconditional_errno_alone);
  tcase_add_test (tc, too_big_refused);
  tcase_add_test (tc, invalid_rule_refused);
  tcase_add_test (tc, kernel_one_filter);
  tcase_add_test (tc, kernel_naive_lets_tiocsti_through);
  tcase_add_test (tc, kernel_network_admin_fits);
  suite_add_tcase (s, tc);
  return s;
}
