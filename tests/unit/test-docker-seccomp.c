/* Docker seccomp profiles (ent-oci.h): a profile's policy exported and read
 * back gives every sampled call the same verdict; Podman's packaged
 * profile reads as runc would apply it; every malformed input is an error
 * naming its JSON path; the exported default policy, loaded as runc loads
 * it into ONE filter, stops TIOCSTI and odd socket families in the kernel;
 * the entitlement replaces a profile's policy and owns its data. */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json-check.h"
#include "test-suites.h"
#include "test-util.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"
#define HIGH_BIT32 (UINT64_C (1) << 32)

/* Docker's default capability set (moby oci/caps/defaults.go). */
static uint64_t
docker_caps (void)
{
  static const char *const names[]
      = { "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
          "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
          "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
          "CAP_KILL",    "CAP_AUDIT_WRITE" };
  uint64_t caps = 0;

  for (size_t i = 0; i < TEST_N (names); i++)
    caps |= ENT_CAP_BIT (ent_cap_from_name (names[i]));
  return caps;
}

/* A profile holding @s (moved in), so ent_profile_syscall_verdict reads it. */
static ent_profile_t *
holder (ent_seccomp_t *s)
{
  ent_profile_t *p = ent_profile_new ();

  ck_assert_ptr_nonnull (p);
  p->seccomp = *s;
  memset (s, 0, sizeof (*s));
  return p;
}

static ent_profile_t *
import_ok (const char *json, uint64_t caps)
{
  ent_seccomp_t s;
  ent_error_t *err = NULL;
  int ret = ent_seccomp_from_docker (json, strlen (json), caps, &s, &err);

  ck_assert_msg (ret == 0, "import: %s", ent_error_message (err));
  ck_assert_ptr_null (err);
  return holder (&s);
}

static char *
export_ok (const ent_seccomp_t *s)
{
  char *json = NULL;
  ent_error_t *err = NULL;
  size_t bad = 0;

  ck_assert_msg (ent_seccomp_to_docker (s, &json, &err) == 0, "export: %s",
                 ent_error_message (err));
  ck_assert_msg (json_check (json, strlen (json), &bad), "exported JSON broken at %zu", bad);
  return json;
}

static char *
read_file (const char *path)
{
  FILE *f = fopen (path, "r");
  char *buf = NULL;
  size_t size = 0;

  if (f == NULL)
    return NULL;
  ck_assert_int_eq (getdelim (&buf, &size, '\0', f) > 0, 1);
  fclose (f);
  return buf;
}

/* ---- verdicts on a sample --------------------------------------------------- */

typedef struct sample
{
  uint64_t v[ENT_SECCOMP_MAX_ARGS][512];
  size_t n[ENT_SECCOMP_MAX_ARGS];
} sample_t;

static void
sample_add (sample_t *sm, unsigned i, uint64_t v)
{
  if (sm->n[i] < TEST_N (sm->v[i]))
    sm->v[i][sm->n[i]++] = v;
}

/* The values around every constant either policy names for @name. */
static void
sample_rules (sample_t *sm, const ent_seccomp_t *s, const char *name, uint64_t *seed)
{
  for (size_t r = 0; r < s->n_rules; r++)
    for (unsigned k = 0; strcmp (s->rules[r].syscall, name) == 0 && k < s->rules[r].n_args; k++)
      {
        const ent_arg_cond_t *c = &s->rules[r].args[k];
        uint64_t mask = c->op == ENT_ARG_MASKED_EQ ? c->mask : UINT64_MAX;
        const uint64_t around[] = { c->value - 1, c->value, c->value + 1, c->value | HIGH_BIT32,
                                    (c->value & mask) | (test_prng (seed) & ~mask) };
        for (size_t a = 0; a < TEST_N (around); a++)
          sample_add (sm, c->index, around[a]);
      }
}

typedef struct compare
{
  const ent_profile_t *a, *b;
  size_t mismatches;
  char first[200];
} compare_t;

static void
compare_call (compare_t *c, const char *name, const uint64_t *args)
{
  int va = ent_profile_syscall_verdict (c->a, name, args);
  int vb = ent_profile_syscall_verdict (c->b, name, args);

  if (va != vb && c->mismatches++ == 0)
    snprintf (c->first, sizeof (c->first), "%s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 "): %d vs %d",
              name, args[0], args[1], args[2], va, vb);
}

static void
compare_syscall (compare_t *c, const char *name)
{
  static sample_t sm;
  uint64_t seed = 0x9E3779B97F4A7C15u, args[ENT_SECCOMP_MAX_ARGS] = { 0 };

  memset (&sm, 0, sizeof (sm));
  sample_rules (&sm, &c->a->seccomp, name, &seed);
  sample_rules (&sm, &c->b->seccomp, name, &seed);
  compare_call (c, name, args);
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    for (size_t k = 0; k < sm.n[i]; k++)
      {
        memset (args, 0, sizeof (args));
        args[i] = sm.v[i][k];
        compare_call (c, name, args);
      }
  for (int n = 0; n < 500; n++)
    {
      for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
        args[i] = sm.n[i] ? sm.v[i][test_prng (&seed) % sm.n[i]] : 0;
      compare_call (c, name, args);
    }
}

/* Every syscall either names, on a dense sample of arguments. */
static void
assert_same_verdicts (const ent_profile_t *a, const ent_profile_t *b, const char *what)
{
  compare_t c = { .a = a, .b = b };
  const ent_profile_t *both[] = { a, b };

  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i < both[l]->seccomp.n_rules; i++)
      if (i == 0
          || strcmp (both[l]->seccomp.rules[i].syscall, both[l]->seccomp.rules[i - 1].syscall))
        compare_syscall (&c, both[l]->seccomp.rules[i].syscall);
  ck_assert_msg (c.mismatches == 0, "%s: %zu calls differ; first: %s", what, c.mismatches, c.first);
}

/* ---- 1. round trip ---------------------------------------------------------- */

static const char *const combos[][4] = {
  { NULL },
  { "network.admin", "security.admin", NULL },
  { "network.host", "security.view", "debug.ptrace", NULL },
  { "network.user", "debug.perf", NULL },
  { "security.admin", "debug.ptrace", "host.processes.admin", NULL },
};

START_TEST (catalogue_round_trip)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, combos[_i]);
  const ent_profile_t *p = ent_manager_profile (m);
  char *json = export_ok (&p->seccomp), *again;
  ent_profile_t *q = import_ok (json, p->caps[ENT_CAPSET_BOUNDING]), *r;

  assert_same_verdicts (p, q, "profile -> docker -> profile");
  ck_assert_int_eq (q->seccomp.default_errno, p->seccomp.default_errno);
  again = export_ok (&q->seccomp);
  r = import_ok (again, 0);
  assert_same_verdicts (q, r, "imported -> docker -> profile");
  free (json);
  free (again);
  ent_profile_free (q);
  ent_profile_free (r);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* The export is deterministic, keeps unconditional rules first and groups
 * names. */
START_TEST (export_shape)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  char *a = export_ok (&p->seccomp), *b = export_ok (&p->seccomp);
  json_t *root = json_loads (a, JSON_DECODE_INT_AS_REAL, NULL), *calls, *e;
  bool conditional = false;
  size_t i;

  ck_assert_str_eq (a, b);
  ck_assert_ptr_nonnull (root);
  ck_assert_str_eq (json_string_value (json_object_get (root, "defaultAction")), "SCMP_ACT_ERRNO");
  ck_assert_int_eq (json_number_value (json_object_get (root, "defaultErrnoRet")), EPERM);
#ifdef __x86_64__
  ck_assert_str_eq (json_string_value (json_array_get (json_object_get (root, "architectures"), 2)),
                    "SCMP_ARCH_X32");
#endif
  calls = json_object_get (root, "syscalls");
  ck_assert_int_gt (json_array_size (json_object_get (json_array_get (calls, 0), "names")), 100);
  json_array_foreach (calls, i, e)
  {
    bool has_args = json_object_get (e, "args") != NULL;
    ck_assert_msg (has_args || !conditional, "syscalls[%zu]: unconditional after conditional", i);
    conditional |= has_args;
  }
  ck_assert (conditional);
  json_decref (root);
  free (a);
  free (b);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (export_refuses_disabled)
{
  ent_seccomp_t off = { .enabled = false, .default_errno = EPERM };
  char *out = NULL;
  ent_error_t *err = NULL;

  test_assert_error (ent_seccomp_to_docker (&off, &out, &err), err, EINVAL, "disabled");
  ck_assert_ptr_null (out);
  ent_error_free (err);
}
END_TEST

/* ---- 2. Podman's profile ---------------------------------------------------- */

static char *
podman_profile (void)
{
  char *json = read_file (PODMAN_PROFILE);

  ck_assert_msg (json != NULL, "%s missing (package golang-github-containers-common)",
                 PODMAN_PROFILE);
  return json;
}

static int
verdict (const ent_profile_t *p, const char *name, uint64_t a0, uint64_t a1, uint64_t a2)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { a0, a1, a2 };
  return ent_profile_syscall_verdict (p, name, args);
}

START_TEST (podman_profile_imports)
{
  char *json = podman_profile ();
  ent_profile_t *dk = import_ok (json, docker_caps ()), *none = import_ok (json, 0);
  ent_profile_t *all = import_ok (json, ENT_CAP_ALL);

  /* defaultErrnoRet 38: what no rule names fails with ENOSYS */
  ck_assert_int_eq (dk->seccomp.default_errno, ENOSYS);
  ck_assert_int_eq (verdict (dk, "read", 0, 0, 0), 0);
  ck_assert_int_eq (verdict (dk, "userfaultfd", 0, 0, 0), EPERM);    /* errnoRet 1 */
  ck_assert_int_eq (verdict (dk, "nfsservctl", 0, 0, 0), EPERM);     /* errnoRet 1 */
  ck_assert_int_eq (verdict (dk, "create_module", 0, 0, 0), ENOSYS); /* named nowhere */
  /* personality: 0, 8, 0x20000, 0x20008, 0xffffffff only */
  ck_assert_int_eq (verdict (dk, "personality", 0, 0, 0), 0);
  ck_assert_int_eq (verdict (dk, "personality", 0x20008, 0, 0), 0);
  ck_assert_int_eq (verdict (dk, "personality", 0xffffffff, 0, 0), 0);
  ck_assert_int_eq (verdict (dk, "personality", 0x0040000 /* ADDR_NO_RANDOMIZE */, 0, 0), ENOSYS);
  /* CAP_SYS_CHROOT is Docker's, CAP_SYS_ADMIN is not */
  ck_assert_int_eq (verdict (dk, "chroot", 0, 0, 0), 0);
  ck_assert_int_eq (verdict (none, "chroot", 0, 0, 0), EPERM);
  ck_assert_int_eq (verdict (dk, "bpf", 0, 0, 0), EPERM);
  ck_assert_int_eq (verdict (all, "bpf", 0, 0, 0), 0);
  /* setns: the big ALLOW entry comes first, and libseccomp keeps the first
   * unconditional rule: the later "excludes CAP_SYS_ADMIN" ERRNO is moot */
  ck_assert_int_eq (verdict (none, "setns", 0, 0, 0), 0);
  /* clone: allowed whatever the flags and the capabilities (this file has no
   * flag rule; the kernel asks for CAP_SYS_ADMIN) */
  ck_assert_int_eq (verdict (none, "clone", 0x10000000 /* CLONE_NEWUSER */, 0, 0), 0);
  /* socket: NETLINK_AUDIT refused (EINVAL) without CAP_AUDIT_WRITE */
  ck_assert_int_eq (verdict (none, "socket", AF_NETLINK, SOCK_RAW, 9), EINVAL);
  ck_assert_int_eq (verdict (none, "socket", AF_NETLINK, SOCK_RAW, 0), 0);
  ck_assert_int_eq (verdict (none, "socket", AF_INET, SOCK_RAW, 9), 0);
  ck_assert_int_eq (verdict (dk, "socket", AF_NETLINK, SOCK_RAW, 9), 0);
  /* arches: arch_prctl is for amd64 and x32, sync_file_range2 for ppc64le */
#ifdef __x86_64__
  ck_assert_int_eq (verdict (dk, "arch_prctl", 0, 0, 0), 0);
  ck_assert_int_eq (verdict (dk, "sync_file_range2", 0, 0, 0), ENOSYS);
#endif
  ent_profile_free (dk);
  ent_profile_free (none);
  ent_profile_free (all);
  free (json);
}
END_TEST

START_TEST (podman_profile_round_trip)
{
  char *json = podman_profile ();
  uint64_t caps = _i == 0 ? 0 : docker_caps ();
  ent_profile_t *p = import_ok (json, caps), *q;
  char *again = export_ok (&p->seccomp);

  q = import_ok (again, caps);
  assert_same_verdicts (p, q, "podman -> profile -> docker -> profile");
  free (again);
  free (json);
  ent_profile_free (p);
  ent_profile_free (q);
}
END_TEST

/* ---- semantics on small profiles -------------------------------------------- */

#define HEAD "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
#define TAIL "]}"

/* The first unconditional rule wins, in either order, over conditional ones
 * of any action. */
START_TEST (unconditional_wins)
{
  ent_profile_t *a = import_ok (
      HEAD "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":[{"
           "\"index\":1,\"value\":21522,\"op\":\"SCMP_CMP_EQ\"}]},"
           "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\"}" TAIL,
      0);
  ent_profile_t *b
      = import_ok (HEAD "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13},"
                        "{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\"}" TAIL,
                   0);

  ck_assert_int_eq (verdict (a, "ioctl", 0, TIOCSTI, 0), 0);
  ck_assert_int_eq (verdict (b, "ioctl", 0, 0, 0), EACCES);
  ck_assert_uint_eq (b->seccomp.n_rules, 1);
  ent_profile_free (a);
  ent_profile_free (b);
}
END_TEST

/* Two conditions on one argument: runc adds each as a rule ("either"),
 * the other conditions of that entry included. */
START_TEST (same_argument_is_either)
{
  ent_profile_t *p
      = import_ok (HEAD "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                        "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                        "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"},"
                        "{\"index\":1,\"value\":7,\"op\":\"SCMP_CMP_EQ\"}]}" TAIL,
                   0);

  ck_assert_int_eq (verdict (p, "personality", 1, 0, 0), 0);
  ck_assert_int_eq (verdict (p, "personality", 2, 0, 0), 0);
  ck_assert_int_eq (verdict (p, "personality", 3, 7, 0), 0);
  ck_assert_int_eq (verdict (p, "personality", 3, 0, 0), EPERM);
  ent_profile_free (p);
}
END_TEST

/* MASKED_EQ: value is the mask, valueTwo the datum (masked, as libseccomp
 * does); values past INT64_MAX read exactly; ERRNO without errnoRet is
 * EPERM; a rule with the default action is skipped; unknown names too. */
START_TEST (values_and_defaults)
{
  ent_profile_t *p
      = import_ok ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":["
                   "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                   "\"value\":18446744073709551615,\"valueTwo\":18446744073709551600,"
                   "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
                   "{\"names\":[\"mknod\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                   "{\"names\":[\"read\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                   "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}" TAIL,
                   0);

  ck_assert_int_eq (verdict (p, "clone", UINT64_MAX - 15, 0, 0), 0);
  ck_assert_int_eq (verdict (p, "clone", UINT64_MAX, 0, 0), ENOSYS);
  ck_assert_int_eq (verdict (p, "mknod", 0, 0, 0), EPERM);
  ck_assert_int_eq (verdict (p, "read", 0, 0, 0), 0);
  ck_assert_uint_eq (p->seccomp.n_rules, 3);
  ent_profile_free (p);
}
END_TEST

/* includes.caps needs every capability named; excludes.caps any. */
START_TEST (caps_filters)
{
  const char *json
      = HEAD "{\"names\":[\"acct\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":["
             "\"CAP_SYS_PACCT\",\"CAP_SYS_ADMIN\"]}},"
             "{\"names\":[\"vhangup\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":["
             "\"CAP_SYS_PACCT\",\"CAP_SYS_ADMIN\"]}},"
             "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":"
             "\"4.8\",\"arches\":[\"amd64\",\"arm64\",\"x86_64\",\"aarch64\"]}}" TAIL;
  uint64_t pacct = ENT_CAP_BIT (ent_cap_from_name ("CAP_SYS_PACCT"));
  uint64_t admin = ENT_CAP_BIT (ent_cap_from_name ("CAP_SYS_ADMIN"));
  ent_profile_t *one = import_ok (json, pacct), *both = import_ok (json, pacct | admin);

  ck_assert_int_eq (verdict (one, "acct", 0, 0, 0), EPERM);
  ck_assert_int_eq (verdict (both, "acct", 0, 0, 0), 0);
  ck_assert_int_eq (verdict (one, "vhangup", 0, 0, 0), EPERM);
  ck_assert_int_eq (verdict (one, "ptrace", 0, 0, 0), 0);
  ent_profile_free (one);
  ent_profile_free (both);
}
END_TEST

/* A bare OCI linux.seccomp object reads the same. */
START_TEST (oci_object)
{
  ent_profile_t *p
      = import_ok ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":["
                   "\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\",\"SCMP_ARCH_AARCH64\","
                   "\"SCMP_ARCH_ARM\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
                   "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[]}]}",
                   0);

  ck_assert_int_eq (verdict (p, "getpid", 0, 0, 0), 0);
  ent_profile_free (p);
}
END_TEST

/* ---- 3. errors -------------------------------------------------------------- */

static const struct bad
{
  const char *json;
  int code;
  const char *needle;
} bad_inputs[] = {
  { "", EINVAL, "line 1" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"sysc", EINVAL, "seccomp profile: line" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"r\xff\"]}]}", EINVAL,
    "seccomp profile" },
  { "[1]", EINVAL, "not an object" },
  { "{}", EINVAL, "defaultAction: missing" },
  { "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", ENOTSUP, "allow-by-default" },
  { "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\"}", ENOTSUP,
    "defaultAction: unsupported action \"SCMP_ACT_KILL_PROCESS\"" },
  { "{\"defaultAction\":\"SCMP_ACT_FOO\"}", EINVAL, "defaultAction: unknown action" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":0}", EINVAL,
    "defaultErrnoRet: errno 0" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}", EINVAL,
    "defaultErrnoRet: not an unsigned" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":5000}", EINVAL,
    "defaultErrnoRet: errno 5000 out of range" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"EWHAT\"}", EINVAL,
    "defaultErrno: unknown errno" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_ERRNO\"}", EINVAL,
    "duplicate" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"bogus\":1}", EINVAL, "unknown key \"bogus\"" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_PPC\"]}", EINVAL,
    "architectures: no SCMP_ARCH_" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"SCMP_ARCH_S390\"}]}",
    EINVAL, "archMap: no SCMP_ARCH_" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":7}]}", EINVAL,
    "archMap[0].architecture: not a string" },
  { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{}}", EINVAL, "syscalls: not an array" },
  { HEAD "{\"names\":[\"read\"]}" TAIL, EINVAL, "syscalls[0].action: missing" },
  { HEAD "{},{\"names\":[\"read\"],\"action\":\"SCMP_ACT_KILL\"}" TAIL, EINVAL,
    "syscalls[0].action: missing" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"read\"],"
         "\"action\":\"SCMP_ACT_KILL\"}" TAIL,
    ENOTSUP, "syscalls[1].action: unsupported action \"SCMP_ACT_KILL\"" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}" TAIL, ENOTSUP,
    "syscalls[0].action: unsupported action \"SCMP_ACT_NOTIFY\"" },
  { HEAD "{\"names\":[\"read\",3],\"action\":\"SCMP_ACT_ALLOW\"}" TAIL, EINVAL,
    "syscalls[0].names[1]: not a string" },
  { HEAD "{\"names\":[\"read\"],\"name\":\"write\",\"action\":\"SCMP_ACT_ALLOW\"}" TAIL, EINVAL,
    "syscalls[0]: both" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":\"1\"}" TAIL, EINVAL,
    "syscalls[0].errnoRet: not an unsigned" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":{}}" TAIL, EINVAL,
    "syscalls[0].args: not an array" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
         "\"value\":1,\"op\":\"SCMP_CMP_FOO\"}]}" TAIL,
    EINVAL, "syscalls[0].args[0].op: unknown op \"SCMP_CMP_FOO\"" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
         "\"value\":1}]}" TAIL,
    EINVAL, "syscalls[0].args[0].op: missing" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,"
         "\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}" TAIL,
    EINVAL, "syscalls[0].args[0].index: 6 is not an argument" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
         "\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}" TAIL,
    EINVAL, "syscalls[0].args[0].value: not an unsigned" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
         "\"value\":18446744073709551616,\"op\":\"SCMP_CMP_EQ\"}]}" TAIL,
    EINVAL, "seccomp profile: line" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"arg\":[]}" TAIL, EINVAL,
    "syscalls[0]: unknown key \"arg\"" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
         "\"CAP_SYS_ADMIN\"}}" TAIL,
    EINVAL, "syscalls[0].includes.caps: not an array" },
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"minKernel\":"
         "\"four\"}}" TAIL,
    EINVAL, "syscalls[0].excludes.minKernel: not a kernel version" },
  { HEAD "{\"names\":[\"read\\u0000\"],\"action\":\"SCMP_ACT_ALLOW\"}" TAIL, EINVAL,
    "syscalls[0].names[0]: a string holding a NUL" },
  /* overlapping conditional rules of different actions */
  { HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
         "\"value\":10,\"op\":\"SCMP_CMP_LT\"}]},"
         "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":[{"
         "\"index\":0,\"value\":240,\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}" TAIL,
    EINVAL, "syscalls[0] and syscalls[1]: rules for \"read\"" },
};

START_TEST (malformed_refused)
{
  const struct bad *b = &bad_inputs[_i];
  ent_seccomp_t out = { .n_rules = 7 };
  ent_error_t *err = NULL;

  test_assert_error (ent_seccomp_from_docker (b->json, strlen (b->json), 0, &out, &err), err,
                     b->code, b->needle);
  ck_assert_ptr_null (strpbrk (ent_error_message (err), "\n\r"));
  ck_assert_ptr_null (out.rules);
  ck_assert_uint_eq (out.n_rules, 0);
  ent_error_free (err);
}
END_TEST

/* Disjoint conditional rules of different actions are fine (MASKED_EQ
 * against a range, NE against EQ on another value). */
START_TEST (disjoint_accepted)
{
  ent_profile_t *p = import_ok (
      HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
           "\"value\":16,\"op\":\"SCMP_CMP_LT\"}]},"
           "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13,\"args\":[{"
           "\"index\":0,\"value\":240,\"valueTwo\":16,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}" TAIL,
      0);

  ck_assert_int_eq (verdict (p, "read", 15, 0, 0), 0);
  ck_assert_int_eq (verdict (p, "read", 0x1f, 0, 0), EACCES);
  ck_assert_int_eq (verdict (p, "read", 0x20, 0, 0), EPERM);
  ent_profile_free (p);
}
END_TEST

START_TEST (huge_refused)
{
  size_t len = (16u << 20) + 1;
  char *big = malloc (len);
  ent_seccomp_t out;
  ent_error_t *err = NULL;
  json_t *root = json_pack ("{s:s, s:[]}", "defaultAction", "SCMP_ACT_ERRNO", "syscalls");
  json_t *calls = json_object_get (root, "syscalls");
  char *many;

  memset (big, ' ', len);
  test_assert_error (ent_seccomp_from_docker (big, len, 0, &out, &err), err, E2BIG, "16 MiB");
  ent_error_clear (&err);
  free (big);
  /* 100,001 rules from 10,001 entries of ten names */
  for (int i = 0; i < 10001; i++)
    json_array_append_new (calls, json_pack ("{s:[s,s,s,s,s,s,s,s,s,s], s:s}", "names", "read",
                                             "write", "open", "close", "stat", "fstat", "lstat",
                                             "poll", "lseek", "mmap", "action", "SCMP_ACT_ALLOW"));
  many = json_dumps (root, JSON_COMPACT);
  test_assert_error (ent_seccomp_from_docker (many, strlen (many), 0, &out, &err), err, E2BIG,
                     "100000 rules");
  ent_error_clear (&err);
  free (many);
  json_decref (root);
  /* deep nesting */
  big = malloc (200001);
  memset (big, '[', 200000);
  test_assert_error (ent_seccomp_from_docker (big, 200000, 0, &out, &err), err, EINVAL,
                     "seccomp profile");
  ent_error_free (err);
  free (big);
}
END_TEST

/* ---- 4. the kernel ---------------------------------------------------------- */

/* The exported file read as runc reads it, without the library: jansson
 * (after turning integers past INT64_MAX into strings, which it cannot
 * read), one libseccomp filter, each rule added in file order. */
static char *
bigs_as_strings (const char *json)
{
  size_t n = strlen (json);
  char *out = malloc (n * 2 + 1), *o = out;

  ck_assert_ptr_nonnull (out);
  for (const char *p = json; *p;)
    {
      size_t digits = strspn (p, "0123456789");
      if (digits >= 19 && p[-1] == ' ' && strtoull (p, NULL, 10) > (uint64_t)INT64_MAX)
        o += sprintf (o, "\"%.*s\"", (int)digits, p);
      else
        {
          memcpy (o, p, digits ? digits : 1);
          o += digits ? digits : 1;
        }
      p += digits ? digits : 1;
    }
  *o = '\0';
  return out;
}

static uint64_t
u64 (json_t *v)
{
  return json_is_string (v) ? strtoull (json_string_value (v), NULL, 10)
                            : (uint64_t)json_integer_value (v);
}

static const struct
{
  const char *name;
  enum scmp_compare op;
} scmp_ops[] = {
  { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_NE", SCMP_CMP_NE },
  { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE },
  { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_GE", SCMP_CMP_GE },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static struct scmp_arg_cmp
scmp_arg (json_t *a)
{
  const char *op = json_string_value (json_object_get (a, "op"));

  for (size_t i = 0; i < TEST_N (scmp_ops); i++)
    if (strcmp (op, scmp_ops[i].name) == 0)
      return (struct scmp_arg_cmp){ .arg
                                    = (unsigned)json_integer_value (json_object_get (a, "index")),
                                    .op = scmp_ops[i].op,
                                    .datum_a = u64 (json_object_get (a, "value")),
                                    .datum_b = u64 (json_object_get (a, "valueTwo")) };
  ck_abort_msg ("op %s", op);
  return (struct scmp_arg_cmp){ 0 };
}

/* runc's matchCall for one name: all conditions in one rule, or each on
 * its own when two test one argument.  Returns how many libseccomp
 * refused. */
static int
runc_add (scmp_filter_ctx ctx, uint32_t action, int nr, json_t *args)
{
  struct scmp_arg_cmp a[64];
  size_t n = json_array_size (args), i;
  unsigned seen = 0;
  bool split = false;
  json_t *v;
  int refused = 0;

  ck_assert_uint_le (n, TEST_N (a));
  json_array_foreach (args, i, v)
  {
    a[i] = scmp_arg (v);
    split |= (seen >> a[i].arg) & 1;
    seen |= 1u << a[i].arg;
  }
  if (!split)
    return seccomp_rule_add_array (ctx, action, nr, (unsigned)n, a) < 0;
  for (i = 0; i < n; i++)
    refused += seccomp_rule_add_array (ctx, action, nr, 1, &a[i]) < 0;
  return refused;
}

static int
runc_filter (const char *exported, scmp_filter_ctx *out)
{
  char *text = bigs_as_strings (exported);
  json_t *root = json_loads (text, 0, NULL), *calls, *e, *name;
  scmp_filter_ctx ctx;
  size_t i, k;
  int refused = 0;

  ck_assert_ptr_nonnull (root);
  ctx = seccomp_init (
      SCMP_ACT_ERRNO ((uint32_t)json_integer_value (json_object_get (root, "defaultErrnoRet"))));
  ck_assert_ptr_nonnull (ctx);
  json_array_foreach (json_object_get (root, "architectures"), i, e)
  {
    char lower[32] = { 0 }; /* SCMP_ARCH_X86_64 is libseccomp's "x86_64" */
    uint32_t arch;
    for (size_t c = 0; c + 1 < sizeof (lower) && json_string_value (e)[10 + c]; c++)
      lower[c] = (char)tolower ((unsigned char)json_string_value (e)[10 + c]);
    arch = seccomp_arch_resolve_name (lower);
    ck_assert_msg (arch != 0, "architecture %s", json_string_value (e));
    if (arch != seccomp_arch_native ())
      ck_assert_int_eq (seccomp_arch_add (ctx, arch), 0);
  }
  calls = json_object_get (root, "syscalls");
  json_array_foreach (calls, i, e)
  {
    const char *act = json_string_value (json_object_get (e, "action"));
    uint32_t action
        = strcmp (act, "SCMP_ACT_ALLOW") == 0
              ? SCMP_ACT_ALLOW
              : SCMP_ACT_ERRNO ((uint32_t)json_integer_value (json_object_get (e, "errnoRet")));
    json_array_foreach (json_object_get (e, "names"), k, name)
    {
      int nr = seccomp_syscall_resolve_name (json_string_value (name));
      if (nr != __NR_SCMP_ERROR)
        refused += runc_add (ctx, action, nr, json_object_get (e, "args"));
    }
  }
  json_decref (root);
  free (text);
  *out = ctx;
  return refused;
}

/* In a child: load @ctx, then report what TIOCSTI on /dev/null, a
 * Bluetooth socket and a unix socket get (errno, 0 for success). */
static void
probe_in_child (scmp_filter_ctx ctx, int got[3])
{
  int pipefd[2], status;
  pid_t pid;

  ck_assert_int_eq (pipe (pipefd), 0);
  pid = fork ();
  ck_assert_int_ge (pid, 0);
  if (pid == 0)
    {
      int out[3] = { -1, -1, -1 };
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      char c = 'x';
      if (null >= 0 && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && seccomp_load (ctx) == 0)
        {
          int fd;
          out[0] = ioctl (null, TIOCSTI, &c) < 0 ? errno : 0;
          fd = socket (31 /* AF_BLUETOOTH */, SOCK_STREAM, 0);
          out[1] = fd < 0 ? errno : 0;
          fd = socket (AF_UNIX, SOCK_STREAM, 0);
          out[2] = fd < 0 ? errno : 0;
        }
      _exit (write (pipefd[1], out, sizeof (out)) == sizeof (out) ? 0 : 1);
    }
  close (pipefd[1]);
  ck_assert_int_eq (read (pipefd[0], got, 3 * sizeof (int)), 3 * sizeof (int));
  close (pipefd[0]);
  ck_assert_int_eq (waitpid (pid, &status, 0), pid);
  ck_assert (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

START_TEST (kernel_runc_reading)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *json = export_ok (&ent_manager_profile (m)->seccomp);
  scmp_filter_ctx ctx;
  int got[3];

  ck_assert_int_eq (runc_filter (json, &ctx), 0);
  probe_in_child (ctx, got);
  ck_assert_msg (got[0] == EPERM, "TIOCSTI on /dev/null: %s (the kernel alone says ENOTTY)",
                 strerror (got[0]));
  ck_assert_msg (got[1] == EAFNOSUPPORT, "AF_BLUETOOTH: %s", strerror (got[1]));
  ck_assert_msg (got[2] == 0, "AF_UNIX: %s", strerror (got[2]));
  seccomp_release (ctx);
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- the entitlement -------------------------------------------------------- */

START_TEST (entitlement_replaces_policy)
{
  char *json = podman_profile ();
  ent_error_t *err = NULL;
  ent_entitlement_t *e
      = ent_seccomp_entitlement_new ("platform.seccomp-podman", json, strlen (json), &err);
  ent_profile_t *p = ent_profile_new ();

  ck_assert_msg (e != NULL, "%s", ent_error_message (err));
  free (json); /* parsed: the entitlement does not keep the text */
  ck_assert_int_eq (ent_entitlement_enforce (e, p, &err), 0);
  ck_assert (p->seccomp.enabled);
  ck_assert_int_eq (p->seccomp.default_errno, ENOSYS);
  ck_assert_int_eq (verdict (p, "chroot", 0, 0, 0), EPERM); /* caps unset: none */
  ent_profile_grant_cap (p, ent_cap_from_name ("CAP_SYS_CHROOT"));
  ck_assert_int_eq (ent_entitlement_enforce (e, p, &err), 0);
  ck_assert_int_eq (verdict (p, "chroot", 0, 0, 0), 0);
  ent_profile_free (p);
  ent_entitlement_free (e); /* and its parsed profile with it (valgrind) */
}
END_TEST

START_TEST (entitlement_refuses_bad_profile)
{
  const char *bad = HEAD "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_TRAP\"}" TAIL;
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_seccomp_entitlement_new ("platform.bad", bad, strlen (bad), &err));
  test_assert_err (err, ENOTSUP, "syscalls[0].action");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_seccomp_entitlement_new (
      "not a name!", "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", 35, &err));
  ck_assert_ptr_nonnull (err);
  ent_error_free (err);
}
END_TEST

Suite *
docker_seccomp_suite (void)
{
  Suite *s = suite_create ("docker_seccomp");
  TCase *tc = tcase_create ("docker_seccomp");

  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, catalogue_round_trip, 0, TEST_N (combos));
  tcase_add_test (tc, export_shape);
  tcase_add_test (tc, export_refuses_disabled);
  tcase_add_test (tc, podman_profile_imports);
  tcase_add_loop_test (tc, podman_profile_round_trip, 0, 2);
  tcase_add_test (tc, unconditional_wins);
  tcase_add_test (tc, same_argument_is_either);
  tcase_add_test (tc, values_and_defaults);
  tcase_add_test (tc, caps_filters);
  tcase_add_test (tc, oci_object);
  tcase_add_loop_test (tc, malformed_refused, 0, TEST_N (bad_inputs));
  tcase_add_test (tc, disjoint_accepted);
  tcase_add_test (tc, huge_refused);
  tcase_add_test (tc, kernel_runc_reading);
  tcase_add_test (tc, entitlement_replaces_policy);
  tcase_add_test (tc, entitlement_refuses_bad_profile);
  suite_add_tcase (s, tc);
  return s;
}
