/* Unit tests of the compiled seccomp filters (launcher/filter.c and
 * filter-abi.c), run in a classic-BPF interpreter rather than the kernel
 * (entrun_bpf_run, the one pid 1 runs on the hints' calls):
 * this machine's kernel has no x32 and no usable IA32 emulation, and the
 * filter must still be right for both.  Each check feeds (ABI, number,
 * arguments) to the programs entrun loads and combines their verdicts as
 * the kernel does (seccomp_run_filters: the most restrictive action wins,
 * the filter loaded last wins a tie). */
#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "entitlement.h"
#include "filter.h"
#include "seccomp-policy.h"
#include "syscall-abi.h"

/* filter.c links against the precompiled table; these tests compile. */
const entrun_precompiled_t entrun_precompiled[]
    = { { 0, 0, NULL, 0, NULL, 0, NULL, NULL, 0, NULL, NULL, 0 } };
const size_t entrun_precompiled_count = 0;

#define N(a) (sizeof (a) / sizeof ((a)[0]))
#define X32 0x40000000u
#define KILL UINT32_C (0xffffffff) /* any SECCOMP_RET_KILL_* */
#define ALLOW SECCOMP_RET_ALLOW
#define ERR(e) (SECCOMP_RET_ERRNO | (e))

typedef enum { ABI_X86_64, ABI_X32, ABI_I386, ABI_OTHER } abi_t;

static const char *const abi_names[] = { "x86_64", "x32", "i386", "aarch64" };

/* The kernel's combination of filters loaded in this order (last loaded
 * first): the most restrictive verdict, and between two of the same
 * action the one of the filter loaded last. */
static uint32_t
combine_raw (const struct sock_fprog *const *progs, size_t n, const struct seccomp_data *d)
{
  uint32_t ret = SECCOMP_RET_ALLOW;

  for (size_t i = 0; i < n; i++)
    {
      uint32_t cur;
      if (progs[i]->len == 0)
        continue;
      cur = entrun_bpf_run (progs[i], d);
      if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL))
        ret = cur;
    }
  return ret;
}

/* ... with either kill as KILL. */
static uint32_t
combine (const struct sock_fprog *const *progs, size_t n, const struct seccomp_data *d)
{
  uint32_t ret = combine_raw (progs, n, d);

  if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_PROCESS
      || (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_THREAD)
    return KILL;
  return ret;
}

/* The verdict of @f once pid 1 has answered a hint's call, checking on
 * the way that the loaded program hands pid 1 exactly those calls. */
static uint32_t
verdict (const entrun_filter_t *f, const struct seccomp_data *d)
{
  const struct sock_fprog *progs[] = { &f->prog };
  uint32_t loaded = combine (progs, N (progs), d), ret;
  int hint;

  ret = entrun_filter_judge (f, d, &hint);
  if ((ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_PROCESS
      || (ret & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_KILL_THREAD)
    ret = KILL;
  if (hint >= 0 ? loaded != SECCOMP_RET_USER_NOTIF : loaded != ret)
    ck_abort_msg ("nr %d: loaded %#x, judged %#x (hint %d)", d->nr, loaded, ret, hint);
  return ret;
}

static uint32_t
call (const entrun_filter_t *f, abi_t abi, uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
  static const uint32_t arch[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
                                   AUDIT_ARCH_AARCH64 };
  struct seccomp_data d = { .nr = (int)nr, .arch = arch[abi], .args = { a0, a1, a2 } };

  if (abi == ABI_I386) /* the kernel passes i386 arguments zero-extended */
    d.args[0] &= 0xffffffff, d.args[1] &= 0xffffffff, d.args[2] &= 0xffffffff;
  return verdict (f, &d);
}

static const char *
show (uint32_t v, char *buf, size_t n)
{
  if (v == KILL)
    snprintf (buf, n, "KILL");
  else if (v == ALLOW)
    snprintf (buf, n, "ALLOW");
  else if ((v & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
    snprintf (buf, n, "ERRNO(%s)", strerrorname_np ((int)(v & SECCOMP_RET_DATA)));
  else
    snprintf (buf, n, "%#x", v);
  return buf;
}

#define EXPECT(f, abi, nr, a0, a1, a2, want)                                                       \
  do                                                                                               \
    {                                                                                              \
      char got_[64], want_[64];                                                                    \
      uint32_t v_ = call ((f), (abi), (nr), (a0), (a1), (a2));                                     \
      ck_assert_msg (v_ == (want), "%s nr %#x (%#llx, %#llx, %#llx): %s, want %s",                \
                     abi_names[abi], (unsigned)(nr), (unsigned long long)(a0),                     \
                     (unsigned long long)(a1), (unsigned long long)(a2),                           \
                     show (v_, got_, sizeof got_), show ((want), want_, sizeof want_));            \
    }                                                                                              \
  while (0)

/* ---- profiles -------------------------------------------------------------- */

static ent_catalogue_t *cat;

static ent_manager_t *
manager (const char *const *grants)
{
  ent_error_t *err = NULL;
  ent_manager_t *m = ent_manager_new (NULL, cat, NULL);

  ck_assert_ptr_nonnull (m);
  for (; grants && *grants; grants++)
    ck_assert_msg (ent_manager_add_request (m, cat, *grants, "test", ENT_PRECEDENCE_CLI, &err)
                       == 0,
                   "%s: %s", *grants, ent_error_message (err));
  return m;
}

static void
compile (const char *const *grants, entrun_filter_t *f)
{
  ent_error_t *err = NULL;
  ent_manager_t *m = manager (grants);

  ck_assert_msg (entrun_filter_compile (ent_manager_profile (m), f, &err) == 0, "%s",
                 ent_error_message (err));
  ent_manager_free (m);
}

#define GRANTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A copy of the default sandbox's profile, to edit. */
static ent_profile_t *
default_profile (void)
{
  ent_manager_t *m = manager (NULL);
  ent_profile_t *p = ent_profile_copy (ent_manager_profile (m));

  ck_assert_ptr_nonnull (p);
  ent_manager_free (m);
  return p;
}

static void
setup (void)
{
  cat = ent_catalogue_new_default ();
}

static void
teardown (void)
{
  ent_catalogue_free (cat);
}

/* x86_64 and x32 numbers (x32 with its bit) and i386 numbers, by name. */
typedef struct nums
{
  const char *name;
  int64_t nr[3]; /* -1: not on that ABI */
} nums_t;

static const nums_t newer_allowed[] = {
  { "cachestat", { 451, X32 | 451, 451 } },       { "fchmodat2", { 452, X32 | 452, 452 } },
  { "map_shadow_stack", { 453, X32 | 453, -1 } }, { "futex_wake", { 454, X32 | 454, 454 } },
  { "futex_wait", { 455, X32 | 455, 455 } },      { "futex_requeue", { 456, X32 | 456, 456 } },
  { "statmount", { 457, X32 | 457, 457 } },       { "listmount", { 458, X32 | 458, 458 } },
  { "mseal", { 462, X32 | 462, 462 } },           { "setxattrat", { 463, X32 | 463, 463 } },
  { "getxattrat", { 464, X32 | 464, 464 } },      { "listxattrat", { 465, X32 | 465, 465 } },
  { "removexattrat", { 466, X32 | 466, 466 } },   { "file_getattr", { 468, X32 | 468, 468 } },
  { "file_setattr", { 469, X32 | 469, 469 } },    { "uretprobe", { 335, X32 | 335, -1 } },
  { "uprobe", { 336, X32 | 336, -1 } },
  { "mlock", { 149, X32 | 149, 150 } },           { "mlock2", { 325, X32 | 325, 376 } },
  { "mlockall", { 151, X32 | 151, 152 } },        { "munlock", { 150, X32 | 150, 151 } },
  { "munlockall", { 152, X32 | 152, 153 } },
};

static const nums_t known_denied[] = {
  { "memfd_secret", { 447, X32 | 447, 447 } },
  { "modify_ldt", { 154, X32 | 154, 123 } },
  { "lsm_get_self_attr", { 459, X32 | 459, 459 } },
  { "lsm_set_self_attr", { 460, X32 | 460, 460 } },
  { "lsm_list_modules", { 461, X32 | 461, 461 } },
  { "open_tree_attr", { 467, X32 | 467, 467 } },
  { "mount", { 165, X32 | 165, 21 } },
  { "unshare", { 272, X32 | 272, 310 } },
  { "io_uring_setup", { 425, X32 | 425, 425 } },
  { "set_mempolicy_home_node", { 450, X32 | 450, 450 } },
};

/* Numbers no ABI had in Linux 6.18: newer syscalls, or never assigned. */
static const nums_t unknown[] = {
  { "listns (6.19)", { 470, X32 | 470, 470 } },
  { "next", { 471, X32 | 471, 471 } },
  { "1000", { 1000, X32 | 1000, 1000 } },
  { "x86_64 gap", { 337, X32 | 337, -1 } },
  { "x86_64 gap end", { 423, X32 | 423, -1 } },
  { "x32 above 547", { 548, X32 | 548, -1 } },
  { "x32 gap", { -1, X32 | 500, -1 } },
  { "i386 222", { -1, -1, 222 } },
  { "i386 251", { -1, -1, 251 } },
  { "i386 387", { -1, -1, 387 } },
  { "i386 415", { -1, -1, 415 } },
  { "i386 453", { -1, -1, 453 } },
  { "-1", { 0xffffffff, 0xffffffff, 0xffffffff } },
  { "bit 31", { 0x80000000, X32 | 0x80000000, 0x80000000 } },
};

/* ---- tests --------------------------------------------------------------------- */

/* The newer syscalls run on each ABI that has them, the known denied ones
 * fail with EPERM, the unknown numbers with ENOSYS. */
static const struct nums_case
{
  const nums_t *v;
  size_t n;
  uint32_t want;
} nums_cases[] = {
  { newer_allowed, N (newer_allowed), ALLOW },
  { known_denied, N (known_denied), ERR (EPERM) },
  { unknown, N (unknown), ERR (ENOSYS) },
};

START_TEST (abi_verdicts)
{
  const struct nums_case *c = &nums_cases[_i];
  entrun_filter_t f;

  compile (NULL, &f);
  for (size_t i = 0; i < c->n; i++)
    for (abi_t a = 0; a < ABI_OTHER; a++)
      if (c->v[i].nr[a] >= 0)
        EXPECT (&f, a, (uint32_t)c->v[i].nr[a], 0, 0, 0, c->want);
  entrun_filter_clear (&f);
}
END_TEST

/* Controls: what always worked still does, on each ABI, and clone3 keeps
 * its ENOSYS. */
START_TEST (controls)
{
  entrun_filter_t f;

  compile (NULL, &f);
  EXPECT (&f, ABI_X86_64, 0 /* read */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X86_64, 424 /* pidfd_send_signal */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X86_64, 334 /* rseq */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X32, X32 | 0 /* read */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X32, X32 | 512 /* rt_sigaction */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X32, X32 | 547 /* pwritev2 */, 0, 0, 0, ALLOW);
  /* A known number the x32 kernel table leaves out (x86_64's rt_sigaction). */
  EXPECT (&f, ABI_X32, X32 | 13, 0, 0, 0, ERR (EPERM));
  EXPECT (&f, ABI_I386, 3 /* read */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_I386, 20 /* getpid */, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_I386, 117 /* ipc */, 1 /* SEMOP */, 0, 0, ALLOW);
  EXPECT (&f, ABI_X86_64, 435 /* clone3 */, 0, 0, 0, ERR (ENOSYS));
  EXPECT (&f, ABI_X32, X32 | 435, 0, 0, 0, ERR (ENOSYS));
  EXPECT (&f, ABI_I386, 435, 0, 0, 0, ERR (ENOSYS));
  EXPECT (&f, ABI_X86_64, 56 /* clone */, 0x10000000 /* NEWUSER */ | 17, 0, 0, ERR (EPERM));
  EXPECT (&f, ABI_X86_64, 56, 17, 0, 0, ALLOW);
  EXPECT (&f, ABI_X86_64, 135 /* personality */, 0x400000, 0, 0, ERR (EPERM));
  EXPECT (&f, ABI_OTHER, 0, 0, 0, 0, KILL);
  entrun_filter_clear (&f);
}
END_TEST

/* socket (x86_64 41, x32 41, i386 359) and socketpair (53, 53, 360). */
static const uint32_t socket_nr[3] = { 41, X32 | 41, 359 };
static const uint32_t socketpair_nr[3] = { 53, X32 | 53, 360 };

static void
check_families (const entrun_filter_t *f, const uint64_t *allowed, size_t n, bool packet)
{
  for (abi_t a = 0; a < ABI_OTHER; a++)
    for (int c = 0; c < 2; c++)
      {
        uint32_t nr = c ? socketpair_nr[a] : socket_nr[a];
        for (uint64_t fam = 0; fam < 70; fam++)
          {
            bool ok = fam == 17 ? packet : false;
            for (size_t i = 0; i < n; i++)
              ok = ok || allowed[i] == fam;
            EXPECT (f, a, nr, fam, 1, 0, ok ? ALLOW : ERR (EAFNOSUPPORT));
          }
        /* The kernel reads an int: high bits must not sneak a family in.
         * On x86_64 the filter compares all 64 bits and refuses any value
         * with high bits; libseccomp compares x32 arguments on their low
         * 32 bits, as the kernel reads them. */
        if (a != ABI_I386)
          {
            EXPECT (f, a, nr, (UINT64_C (1) << 32) | 38, 1, 0, ERR (EAFNOSUPPORT));
            EXPECT (f, a, nr, (UINT64_C (1) << 32) | 40, 1, 0, ERR (EAFNOSUPPORT));
            EXPECT (f, a, nr, (UINT64_C (1) << 32) | 2, 1, 0,
                    a == ABI_X32 ? ALLOW : ERR (EAFNOSUPPORT));
          }
        EXPECT (f, a, nr, 0x80000000, 1, 0, ERR (EAFNOSUPPORT));
        EXPECT (f, a, nr, 0xffffffff, 1, 0, ERR (EAFNOSUPPORT));
      }
}

static void
check_netlink (const entrun_filter_t *f, const uint64_t *allowed, size_t n)
{
  for (abi_t a = 0; a < ABI_OTHER; a++)
    for (int c = 0; c < 2; c++)
      {
        uint32_t nr = c ? socketpair_nr[a] : socket_nr[a];
        for (uint64_t proto = 0; proto < 40; proto++)
          {
            bool ok = false;
            for (size_t i = 0; i < n; i++)
              ok = ok || allowed[i] == proto;
            EXPECT (f, a, nr, 16, 3 /* SOCK_RAW */, proto, ok ? ALLOW : ERR (EPROTONOSUPPORT));
          }
        if (a != ABI_I386)
          {
            EXPECT (f, a, nr, 16, 3, (UINT64_C (1) << 32) | 9, ERR (EPROTONOSUPPORT));
            EXPECT (f, a, nr, (UINT64_C (1) << 32) | 16, 3, 0,
                    a == ABI_X32 ? ALLOW : ERR (EAFNOSUPPORT));
          }
      }
}

/* The socket families of each network level; security.admin holds
 * CAP_NET_ADMIN and CAP_NET_RAW and still has the default ones: the
 * network level decides. */
static const struct family_case
{
  const char *grant;
  bool packet;
  uint64_t netlink[6];
  size_t n_netlink;
} family_cases[] = {
  { NULL, false, { 0, 4 }, 2 },
  { "network.admin", true, { 0, 4, 6, 12, 16 }, 5 },
  { "security.admin", false, { 0, 4 }, 2 },
};

START_TEST (socket_families)
{
  static const uint64_t families[] = { 1, 2, 10, 16 };
  const struct family_case *c = &family_cases[_i];
  const char *const grants[] = { c->grant, NULL };
  entrun_filter_t f;

  compile (grants, &f);
  check_families (&f, families, N (families), c->packet);
  check_netlink (&f, c->netlink, c->n_netlink);
  entrun_filter_clear (&f);
}
END_TEST

/* i386's socketcall carries its arguments in memory: denied whatever the
 * call, though libseccomp derives socketcall(SYS_SOCKET) rules from the
 * socket() rules. */
START_TEST (socketcall_denied)
{
  const char *const *const sets[] = { NULL, GRANTS ("network.admin"),
                                      GRANTS ("security.admin") };
  entrun_filter_t f;

  for (size_t s = 0; s < N (sets); s++)
    {
      compile (sets[s], &f);
      for (uint64_t op = 0; op <= 21; op++)
        EXPECT (&f, ABI_I386, 102, op, 0x1000, 0, ERR (EAFNOSUPPORT));
      entrun_filter_clear (&f);
    }
}
END_TEST

/* Every name the default policy allows unconditionally runs on every ABI
 * that has it, through the head and libseccomp's program alike. */
START_TEST (allowlist_passes_the_head)
{
  static const uint32_t scmp[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 };
  ent_manager_t *m = manager (NULL);
  const ent_profile_t *p = ent_manager_profile (m);
  entrun_filter_t f;
  ent_error_t *err = NULL;
  size_t checked = 0;

  ck_assert_int_eq (entrun_filter_compile (p, &f, &err), 0);
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      /* The newer syscalls are the head's own (the tests above). */
      if (r->action != ENT_SECCOMP_ALLOW || r->n_args || ent_syscall_newer_lookup (r->syscall))
        continue;
      for (abi_t a = 0; a < ABI_OTHER; a++)
        {
          int nr = seccomp_syscall_resolve_name_arch (scmp[a], r->syscall);
          if (nr < 0 || (a == ABI_I386 && (nr == 102 || nr == 117)))
            continue; /* not on this ABI; multiplexers take an argument */
          EXPECT (&f, a, (uint32_t)nr, 0, 0, 0, ALLOW);
          checked++;
        }
    }
  ck_assert_uint_gt (checked, 800);
  entrun_filter_clear (&f);
  ent_manager_free (m);
}
END_TEST

/* A deny rule on a newer syscall is compiled by the head too, and wins. */
START_TEST (newer_syscall_denied_by_rule)
{
  ent_profile_t *p = default_profile ();
  entrun_filter_t f;
  ent_error_t *err = NULL;

  ck_assert_int_eq (ent_profile_deny_syscall (p, "fchmodat2", EACCES, &err), 0);
  ck_assert_int_eq (entrun_filter_compile (p, &f, &err), 0);
  EXPECT (&f, ABI_X86_64, 452, 0, 0, 0, ERR (EACCES));
  EXPECT (&f, ABI_X32, X32 | 452, 0, 0, 0, ERR (EACCES));
  EXPECT (&f, ABI_I386, 452, 0, 0, 0, ERR (EACCES));
  EXPECT (&f, ABI_X86_64, 451, 0, 0, 0, ALLOW);
  entrun_filter_clear (&f);
  ent_profile_free (p);
}
END_TEST

/* The head cannot check arguments: a conditional rule on a newer syscall
 * is refused, not silently widened or dropped. */
START_TEST (newer_syscall_with_conditions_refused)
{
  ent_profile_t *p = default_profile ();
  ent_seccomp_rule_t r = { .syscall = (char *)"mseal", .action = ENT_SECCOMP_ERRNO,
                           .errnum = EPERM, .n_args = 1 };
  entrun_filter_t f;
  ent_error_t *err = NULL;

  r.args[0] = (ent_arg_cond_t){ .index = 2, .op = ENT_ARG_EQ, .value = 1 };
  ck_assert_int_eq (ent_profile_add_rule (p, &r, &err), 0);
  ck_assert_int_lt (entrun_filter_compile (p, &f, &err), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "mseal"));
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* unknown_errno 0: no boundary, unknown numbers get the default errno. */
START_TEST (no_boundary)
{
  ent_profile_t *p = default_profile ();
  entrun_filter_t f;
  ent_error_t *err = NULL;

  p->seccomp.unknown_errno = 0;
  ck_assert_int_eq (entrun_filter_compile (p, &f, &err), 0);
  EXPECT (&f, ABI_X86_64, 470, 0, 0, 0, ERR (EPERM));
  EXPECT (&f, ABI_X86_64, 451, 0, 0, 0, ALLOW);
  EXPECT (&f, ABI_X86_64, 0, 0, 0, 0, ALLOW);
  entrun_filter_clear (&f);
  ent_profile_free (p);
}
END_TEST

/* The mlock family without security.memory-lock; the flag still raises
 * RLIMIT_MEMLOCK and grants CAP_IPC_LOCK (test-catalogue). */
/* The spliced program gives, for every number on every ABI and a spread
 * of arguments, the very return value (which kill, which errno) of its two
 * programs loaded as two filters: the allowlist first, then the deny
 * program (what entrun loaded before it spliced them). */
static const uint64_t splice_args[]
    = { 0,          1,          2,          3,          4,          8,         10,
        11,         12,         16,         17,         0x5412,     0x541c,    0x20000,
        0x20008,    0x7e020000, 0xffffffff, 0x100000000ull, ~0ull };

START_TEST (splice_keeps_every_verdict)
{
  static const uint32_t arch[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
                                   AUDIT_ARCH_AARCH64 };
  const char *const *const sets[]
      = { NULL, GRANTS ("network.admin"), GRANTS ("security.admin"), GRANTS ("debug.ptrace"),
          GRANTS ("security.memory-lock") };
  /* Past every ABI's last number (547, x32's), then a few far ones. */
  static const uint32_t high[] = { 1000, 0x7fffffff, 0x80000000, 0xffffffff };
  size_t compared = 0;

  for (size_t s = 0; s < N (sets); s++)
    {
      ent_manager_t *m = manager (sets[s]);
      struct sock_fprog allow, deny, one;
      ent_error_t *err = NULL;

      ck_assert_msg (entrun_filter_compile_pair (ent_manager_profile (m),
                                                 entrun_filter_hints (ent_manager_profile (m)),
                                                 &allow, &deny, &err)
                         == 0,
                     "%s", ent_error_message (err));
      ck_assert_uint_gt (deny.len, 0);
      ck_assert_int_eq (entrun_filter_splice (&deny, &allow, &one), 0);
      ck_assert_uint_eq (one.len, allow.len + deny.len);
      for (abi_t a = 0; a <= ABI_OTHER; a++)
        for (uint32_t k = 0; k < 560 + N (high); k++)
          for (size_t i = 0; i < N (splice_args); i++)
            for (size_t j = 0; j < 2; j++)
              {
                uint32_t nr = k < 560 ? k : high[k - 560];
                const struct sock_fprog *two[] = { &deny, &allow }, *spliced[] = { &one };
                struct seccomp_data d = { .nr = (int)(a == ABI_X32 ? X32 | nr : nr),
                                          .arch = arch[a],
                                          .args = { splice_args[i], splice_args[(i + j) % N (splice_args)],
                                                    splice_args[(i + 2 * j) % N (splice_args)] } };
                uint32_t want = combine_raw (two, N (two), &d), got = combine_raw (spliced, 1, &d);
                /* Not ck_assert: it reports every pass to Check's parent. */
                if (got != want)
                  ck_abort_msg ("set %zu, %s nr %u args %zu/%zu: %#x, want %#x", s, abi_names[a],
                                nr, i, j, got, want);
                compared++;
              }
      free (allow.filter);
      free (deny.filter);
      free (one.filter);
      ent_manager_free (m);
    }
  ck_assert_uint_gt (compared, 400000);
}
END_TEST

/* A deny program that returns a computed verdict is not spliced. */
START_TEST (splice_refuses_computed_returns)
{
  struct sock_filter deny_f[] = { BPF_STMT (BPF_LD | BPF_W | BPF_ABS, 0), BPF_STMT (BPF_RET | BPF_A, 0) };
  struct sock_filter allow_f[] = { BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
  struct sock_fprog deny = { N (deny_f), deny_f }, allow = { N (allow_f), allow_f }, one;

  ck_assert_int_eq (entrun_filter_splice (&deny, &allow, &one), -EINVAL);
  ck_assert_ptr_null (one.filter);
}
END_TEST

START_TEST (mlock_default)
{
  entrun_filter_t f;

  compile (NULL, &f);
  EXPECT (&f, ABI_X86_64, 149, 0, 4096, 0, ALLOW);
  EXPECT (&f, ABI_I386, 150, 0, 4096, 0, ALLOW);
  entrun_filter_clear (&f);
}
END_TEST

/* ---- hints ------------------------------------------------------------------ */

/* Arguments for the hints' checks: the splice's, and each value a hint
 * names (the clone flags, personality's). */
static const uint64_t hint_args[]
    = { 0,         1,          8,          0x20000,        0x20008,   0xffffffff, 0x40000,
        0x40008,   0x400000,   0x20000000, 0x10000000,     0x4000000, 0x8000000,  0x40000000,
        0x2000000, 0x10000011, 0x1200011,  0x100000000ull, ~0ull };

/* Does the filter @f give @d the verdict of the same profile compiled
 * without hints (@plain)?  Counts the calls handed to pid 1 in *@hinted. */
static void
same_as_plain (const entrun_filter_t *f, const struct sock_fprog *plain, abi_t a, uint32_t nr,
               uint64_t a0, size_t *hinted)
{
  static const uint32_t arch[]
      = { AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64 };
  const struct sock_fprog *progs[] = { plain };
  struct seccomp_data d = { .nr = (int)(a == ABI_X32 ? X32 | nr : nr),
                            .arch = arch[a],
                            .args = { a == ABI_I386 ? a0 & 0xffffffff : a0, 4096 } };
  uint32_t want = combine (progs, 1, &d), got = verdict (f, &d);
  int hint;

  if (got != want)
    ck_abort_msg ("%s nr %u a0 %#llx: %#x with hints, %#x without", abi_names[a], nr,
                  (unsigned long long)a0, got, want);
  (void)entrun_filter_judge (f, &d, &hint);
  *hinted += hint >= 0;
}

/* Hints change no verdict: every call of every ABI gets from the filter
 * with hints, once pid 1 answers (entrun_filter_judge), exactly what the
 * filter without them gives; and the loaded program hands pid 1 those
 * calls and no other (verdict()). */
START_TEST (hints_change_no_verdict)
{
  const char *const *const sets[] = { NULL,
                                      GRANTS ("network.admin"),
                                      GRANTS ("security.admin"),
                                      GRANTS ("debug.ptrace"),
                                      GRANTS ("security.memory-lock"),
                                      GRANTS ("security.view", "debug.perf"),
                                      GRANTS ("host.processes.admin") };
  size_t hinted = 0, hinted_default = 0;

  for (size_t s = 0; s < N (sets); s++)
    {
      ent_manager_t *m = manager (sets[s]);
      const ent_profile_t *p = ent_manager_profile (m);
      struct sock_fprog allow, deny, plain;
      entrun_filter_t f;
      ent_error_t *err = NULL;

      ck_assert_msg (entrun_filter_compile (p, &f, &err) == 0, "%s", ent_error_message (err));
      ck_assert_msg (entrun_filter_compile_pair (p, 0, &allow, &deny, &err) == 0, "%s",
                     ent_error_message (err));
      ck_assert_int_eq (entrun_filter_splice (&deny, &allow, &plain), 0);
      for (abi_t a = 0; a <= ABI_OTHER; a++)
        for (uint32_t nr = 0; nr < 560; nr++)
          for (size_t i = 0; i < N (hint_args); i++)
            same_as_plain (&f, &plain, a, nr, hint_args[i], &hinted);
      if (s == 0)
        hinted_default = hinted;
      free (allow.filter);
      free (deny.filter);
      free (plain.filter);
      entrun_filter_clear (&f);
      ent_manager_free (m);
    }
  /* The control: the default sandbox does hand calls to pid 1. */
  ck_assert_uint_gt (hinted_default, 100);
}
END_TEST

/* Is @nr on @a one of ent_policy_unhinted? */
static bool
unhinted (abi_t a, uint32_t nr)
{
  static const uint32_t arch[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_X86 };

  for (const char *const *u = ent_policy_unhinted; *u; u++)
    {
      int n = seccomp_syscall_resolve_name_arch (arch[a], *u);
      if (n >= 0 && (uint32_t)n == (a == ABI_X32 ? X32 | nr : nr))
        return true;
    }
  return false;
}

/* Every call some grant of the catalogue allows that the default sandbox
 * denies with its default errno has a hint, and the grant that hint names
 * allows it: the table next to the policy (seccomp-policy.c) keeps up with
 * it.  Calls denied with another errno (a socket family: EAFNOSUPPORT, as
 * a kernel without it answers; clone3: ENOSYS) are not hinted, nor are
 * those of ent_policy_unhinted. */
START_TEST (hints_cover_the_catalogue)
{
  entrun_filter_t def, granted[8];
  const char *grant_names[N (granted)];
  size_t checked = 0, n_granted = 0;

  compile (NULL, &def);
  for (size_t c = 0; c < ent_catalogue_size (cat); c++)
    {
      const ent_definition_t *d = ent_catalogue_get (cat, c);
      ent_manager_t *m = ent_manager_new (NULL, cat, NULL);
      ent_error_t *err = NULL;
      entrun_filter_t with;
      if (d->type != ENT_TYPE_VOID || d->is_default
          || ent_manager_add_request (m, cat, d->name, "test", ENT_PRECEDENCE_CLI, &err) < 0)
        {
          /* A flag that needs a level first (network.host-loopback). */
          ent_error_free (err);
          ent_manager_free (m);
          continue;
        }
      ck_assert_int_eq (entrun_filter_compile (ent_manager_profile (m), &with, &err), 0);
      ent_manager_free (m);
      for (abi_t a = 0; a < ABI_OTHER; a++)
        for (uint32_t nr = 0; nr < 560; nr++)
          for (size_t i = 0; i < N (hint_args); i++)
            {
              uint64_t a0 = a == ABI_I386 ? hint_args[i] & 0xffffffff : hint_args[i];
              uint32_t before = call (&def, a, a == ABI_X32 ? X32 | nr : nr, a0, 4096, 0);
              uint32_t after = call (&with, a, a == ABI_X32 ? X32 | nr : nr, a0, 4096, 0);
              static const uint32_t arch[]
                  = { AUDIT_ARCH_X86_64, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
              struct seccomp_data sd = { .nr = (int)(a == ABI_X32 ? X32 | nr : nr),
                                         .arch = arch[a],
                                         .args = { a0, 4096 } };
              size_t g;
              int hint;
              if (before != ERR (EPERM) || after != ALLOW || unhinted (a, nr))
                continue;
              (void)entrun_filter_judge (&def, &sd, &hint);
              if (hint < 0)
                ck_abort_msg ("%s allows %s nr %u a0 %#llx, which has no hint", d->name,
                              abi_names[a], nr, (unsigned long long)a0);
              for (g = 0; g < n_granted; g++)
                if (strcmp (grant_names[g], ent_policy_hints[hint].grant) == 0)
                  break;
              if (g == n_granted)
                {
                  ck_assert_uint_lt (n_granted, N (granted));
                  grant_names[n_granted] = ent_policy_hints[hint].grant;
                  compile (GRANTS (grant_names[n_granted]), &granted[n_granted]);
                  n_granted++;
                }
              if (call (&granted[g], a, sd.nr, a0, 4096, 0) != ALLOW)
                ck_abort_msg ("hint %s names %s, which does not allow %s nr %u",
                              ent_policy_hints[hint].what, ent_policy_hints[hint].grant,
                              abi_names[a], nr);
              checked++;
            }
      entrun_filter_clear (&with);
    }
  for (size_t g = 0; g < n_granted; g++)
    entrun_filter_clear (&granted[g]);
  entrun_filter_clear (&def);
  ck_assert_uint_gt (checked, 50);
}
END_TEST

/* The table is sorted by syscall name, which its lookup needs, and each
 * hint names a grant of the catalogue. */
START_TEST (hints_table_sorted)
{
  for (size_t i = 0; i < ent_policy_n_hints; i++)
    {
      ck_assert_msg (
          i == 0 || strcmp (ent_policy_hints[i - 1].syscall, ent_policy_hints[i].syscall) <= 0,
          "%s before %s", ent_policy_hints[i - 1].syscall, ent_policy_hints[i].syscall);
      ck_assert_msg (ent_catalogue_lookup (cat, ent_policy_hints[i].grant) != NULL, "%s",
                     ent_policy_hints[i].grant);
    }
}
END_TEST

/* mlock is the kernel's to judge (RLIMIT_MEMLOCK): watched, let through,
 * unless security.memory-lock is granted; ptrace, denied, is pid 1's to
 * answer EPERM to, unless debug.ptrace is. */
START_TEST (hints_watched_and_granted)
{
  entrun_filter_t f;
  struct seccomp_data mlock = { .nr = 149, .arch = AUDIT_ARCH_X86_64, .args = { 0, 4096 } };
  struct seccomp_data ptrace = { .nr = 101, .arch = AUDIT_ARCH_X86_64 };
  int hint;

  compile (NULL, &f);
  ck_assert_uint_eq (entrun_filter_judge (&f, &mlock, &hint), ALLOW);
  ck_assert_int_ge (hint, 0);
  ck_assert_int_eq (ent_policy_hints[hint].kind, ENT_HINT_WATCHED);
  ck_assert_str_eq (ent_policy_hints[hint].grant, "security.memory-lock");
  ck_assert_uint_eq (entrun_filter_judge (&f, &ptrace, &hint), ERR (EPERM));
  ck_assert_str_eq (ent_policy_hints[hint].grant, "debug.ptrace");
  entrun_filter_clear (&f);
  compile (GRANTS ("security.memory-lock", "debug.ptrace"), &f);
  ck_assert_uint_eq (entrun_filter_judge (&f, &mlock, &hint), ALLOW);
  ck_assert_int_eq (hint, -1);
  ck_assert_uint_eq (entrun_filter_judge (&f, &ptrace, &hint), ALLOW);
  ck_assert_int_eq (hint, -1);
  entrun_filter_clear (&f);
}
END_TEST

/* The watched calls (mlock) are watched only where their grant would
 * help: RLIMIT_MEMLOCK's soft limit below the hard one (main() sets it
 * so for the other tests). */
START_TEST (hints_watch_only_where_it_helps)
{
  ent_manager_t *m = manager (NULL);
  const ent_profile_t *p = ent_manager_profile (m);
  struct rlimit rl;

  ck_assert_int_eq (getrlimit (RLIMIT_MEMLOCK, &rl), 0);
  ck_assert_uint_lt (rl.rlim_cur, rl.rlim_max);
  ck_assert_uint_eq (entrun_filter_hints (p) & entrun_filter_memlock_hints (),
                     entrun_filter_memlock_hints ());
  rl.rlim_cur = rl.rlim_max;
  ck_assert_int_eq (setrlimit (RLIMIT_MEMLOCK, &rl), 0);
  ck_assert_uint_eq (entrun_filter_hints (p) & entrun_filter_memlock_hints (), 0);
  ck_assert_uint_ne (entrun_filter_hints (p), 0);
  ent_manager_free (m);
}
END_TEST

/* learn: a hint number that also stands for a call still denied is not
 * let through for the others (clone's namespace flags share one). */
START_TEST (observe_whole_numbers_only)
{
  ent_manager_t *m = manager (NULL);
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t hints = ent_policy_hints_apply (p), one = 0;
  struct seccomp_data newuser = { .nr = 56, .arch = AUDIT_ARCH_X86_64, .args = { 0x10000000 } };
  ent_error_t *err = NULL;
  entrun_filter_t f;
  int hint;

  for (size_t i = 0; i < ent_policy_n_hints && one == 0; i++)
    if (strcmp (ent_policy_hints[i].syscall, "clone") == 0)
      one = UINT64_C (1) << i;
  ck_assert_uint_ne (one, 0);
  ck_assert_int_eq (entrun_filter_compile_observing (p, hints & ~one, one, &f, &err), 0);
  ck_assert_uint_eq (entrun_filter_judge (&f, &newuser, &hint), ERR (EPERM));
  ck_assert_uint_eq (f.pass, 0);
  entrun_filter_clear (&f);
  ent_manager_free (m);
}
END_TEST

/* A profile that allows a hinted call only for some arguments (an INI
 * [entitlement]'s syscall rule) has no hint on it: whether pid 1's answer
 * would match cannot be told, so the filter answers alone. */
START_TEST (hints_stay_off_partial_allows)
{
  ent_profile_t *p = default_profile ();
  ent_seccomp_rule_t r = { .syscall = (char *)"ptrace",
                           .action = ENT_SECCOMP_ALLOW,
                           .n_args = 1,
                           .args = { { .index = 0, .op = ENT_ARG_EQ, .value = 0 } } };
  struct seccomp_data traceme = { .nr = 101, .arch = AUDIT_ARCH_X86_64 };
  struct seccomp_data attach = { .nr = 101, .arch = AUDIT_ARCH_X86_64, .args = { 16 } };
  ent_error_t *err = NULL;
  entrun_filter_t f;
  int hint;

  ck_assert_int_eq (ent_profile_add_rule (p, &r, &err), 0);
  ck_assert_int_eq (entrun_filter_compile (p, &f, &err), 0);
  ck_assert_uint_eq (entrun_filter_judge (&f, &traceme, &hint), ALLOW);
  ck_assert_uint_eq (entrun_filter_judge (&f, &attach, &hint), ERR (EPERM));
  ck_assert_int_eq (hint, -1);
  entrun_filter_clear (&f);
  ent_profile_free (p);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("filter");
  TCase *tc = tcase_create ("filter");
  struct rlimit rl;
  SRunner *sr;
  int failed;

  /* The filters below watch mlock, as on a host whose RLIMIT_MEMLOCK
   * security.memory-lock could raise (entrun_filter_hints). */
  if (getrlimit (RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_max > 4096 && rl.rlim_cur >= rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max / 2;
      setrlimit (RLIMIT_MEMLOCK, &rl);
    }

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_loop_test (tc, abi_verdicts, 0, N (nums_cases));
  tcase_add_test (tc, controls);
  tcase_add_loop_test (tc, socket_families, 0, N (family_cases));
  tcase_add_test (tc, socketcall_denied);
  tcase_add_test (tc, allowlist_passes_the_head);
  tcase_add_test (tc, newer_syscall_denied_by_rule);
  tcase_add_test (tc, newer_syscall_with_conditions_refused);
  tcase_add_test (tc, no_boundary);
  tcase_add_test (tc, mlock_default);
  tcase_add_test (tc, splice_keeps_every_verdict);
  tcase_add_test (tc, splice_refuses_computed_returns);
  tcase_add_test (tc, hints_change_no_verdict);
  tcase_add_test (tc, hints_cover_the_catalogue);
  tcase_add_test (tc, hints_table_sorted);
  tcase_add_test (tc, hints_watched_and_granted);
  tcase_add_test (tc, hints_watch_only_where_it_helps);
  tcase_add_test (tc, observe_whole_numbers_only);
  tcase_add_test (tc, hints_stay_off_partial_allows);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
