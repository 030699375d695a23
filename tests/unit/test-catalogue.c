/* The default catalogue: every entry's exact effect on a profile, the
 * seccomp policy as a sandbox sees it, and registration/instantiation. */
#include <linux/capability.h>

#include "test-suites.h"
#include "test-util.h"
#include "ent-util.h"

#define OK(expr) ck_assert_int_eq ((expr), 0)

#define NS_CLONE_FLAGS_ALL UINT64_C (0x7e020080) /* CLONE_NEW{NS,UTS,IPC,USER,PID,NET,CGROUP,TIME} */
#define TIOCSTI_REQ 0x5412
#define TIOCLINUX_REQ 0x541C

static const char *const masked_paths[] = {
  "/proc/acpi",       "/proc/asound",        "/proc/interrupts",  "/proc/kcore",
  "/proc/keys",       "/proc/latency_stats", "/proc/sched_debug", "/proc/scsi",
  "/proc/timer_list", "/proc/timer_stats",   "/sys/devices/virtual/powercap", "/sys/firmware",
  NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const char *const mlock_family[] = {
  "mlock", "mlock2", "mlockall", "munlock", "munlockall", NULL,
};

static const char *const ptrace_family[] = {
  "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", NULL,
};

static const char *const introspection[] = { "kcmp", "lookup_dcookie", "syslog", NULL };

/* What security.admin allows that security.confined does not. */
static const char *const admin_extra[] = {
  "add_key",    "chroot",        "clone3",      "fsconfig",       "fsmount",
  "fsopen",     "fspick",        "kcmp",        "keyctl",         "mount",
  "mount_setattr", "move_mount", "open_tree",   "open_tree_attr", "pidfd_getfd",
  "pivot_root",
  "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace", "request_key",
  "setdomainname", "sethostname", "setns",      "umount",         "umount2",
  "unshare",    NULL,
};

/* ---- helpers ------------------------------------------------------------- */

static ent_manager_t *
sandbox (const ent_catalogue_t *cat, const char *const *requests)
{
  return test_manager_with (cat, requests);
}

#define SANDBOX(cat, ...) sandbox ((cat), (const char *const[]){ __VA_ARGS__, NULL })

static void
allow_all (ent_profile_t *p, const char *const *names)
{
  for (; *names; names++)
    OK (ent_profile_allow_syscall (p, *names, NULL));
}

static void
grant_caps (ent_profile_t *p, const int *caps, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ent_profile_grant_cap (p, caps[i]);
}

static void
set_list (char ***list, const char *const *paths)
{
  for (; *paths; paths++)
    OK (ent_strlist_add (list, *paths));
}

static bool
strv_equals (char *const *v, const char *const *expected)
{
  size_t i = 0;

  for (; v && v[i] && expected[i]; i++)
    if (strcmp (v[i], expected[i]) != 0)
      return false;
  return (v == NULL || v[i] == NULL) && expected[i] == NULL;
}

/* Replace @dst's seccomp rules with @src's. */
static void
copy_rules (ent_profile_t *dst, const ent_profile_t *src)
{
  while (dst->seccomp.n_rules > 0)
    {
      char *name = strdup (dst->seccomp.rules[0].syscall);
      ent_profile_forget_syscall (dst, name);
      free (name);
    }
  for (size_t i = 0; i < src->seccomp.n_rules; i++)
    OK (ent_profile_add_rule (dst, &src->seccomp.rules[i], NULL));
}

/* What the profile's filter does with @syscall(@args): 0 if it runs, else
 * the errno it fails with (ERRNO rules win over ALLOW rules: the launcher
 * evaluates them first, see launcher/filter.h). */
static int
verdict (const ent_profile_t *p, const char *syscall, const uint64_t *args)
{
  return ent_profile_syscall_verdict (p, syscall, args);
}

static int
verdict1 (const ent_profile_t *p, const char *syscall, uint64_t a0)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { a0 };

  return verdict (p, syscall, args);
}

static int
verdict_ioctl (const ent_profile_t *p, uint64_t request)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { 0, request };

  return verdict (p, "ioctl", args);
}

/* ---- every entry's exact effect ------------------------------------------ */

static void
exp_network_none (ent_profile_t *p)
{
  p->ns.create[ENT_NS_NET] = true;
  p->net.mode = ENT_NET_NONE;
}

static void
exp_network_user (ent_profile_t *p)
{
  p->ns.create[ENT_NS_NET] = true;
  p->net.mode = ENT_NET_USER;
}

static void
exp_network_proxy (ent_profile_t *p)
{
  static const char *const vars[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY" };

  p->ns.create[ENT_NS_NET] = true;
  p->net.mode = ENT_NET_PROXY;
  OK (ent_profile_set_string (&p->net.proxy_url, "http://10.0.0.1:3128"));
  for (size_t i = 0; i < TEST_N (vars); i++)
    OK (ent_profile_add_env (p, ENT_ENV_SET, vars[i], "http://127.0.0.1:3128", NULL));
}

static const int net_caps[] = { CAP_NET_BIND_SERVICE, CAP_NET_BROADCAST, CAP_NET_ADMIN, CAP_NET_RAW };

static void
exp_network_admin (ent_profile_t *p)
{
  p->ns.create[ENT_NS_NET] = true;
  p->net.mode = ENT_NET_USER;
  p->net.admin = true;
  grant_caps (p, net_caps, TEST_N (net_caps));
}

static void
exp_network_host (ent_profile_t *p)
{
  p->ns.create[ENT_NS_NET] = false;
  p->net.mode = ENT_NET_HOST;
}

static void
exp_network_publish (ent_profile_t *p)
{
  ent_publish_t pub = { .host_port = 8080, .sandbox_port = 80, .udp = false };

  OK (ent_profile_add_publish (p, &pub, NULL));
}

static void
exp_host_loopback (ent_profile_t *p)
{
  p->net.host_loopback = true;
}

static void
exp_confined (ent_profile_t *p)
{
  static const ent_ns_type_t own[] = { ENT_NS_USER, ENT_NS_MOUNT, ENT_NS_IPC, ENT_NS_UTS,
                                       ENT_NS_CGROUP };

  for (size_t i = 0; i < TEST_N (own); i++)
    p->ns.create[own[i]] = true;
  p->uid = p->gid = -1;
  ent_profile_caps_clear (p);
  p->no_new_privs = true;
  p->new_session = true;
  set_list (&p->fs.masked, masked_paths);
  set_list (&p->fs.readonly, readonly_paths);
  p->seccomp.enabled = true;
  p->seccomp.default_errno = EPERM;
  p->seccomp.unknown_errno = ENOSYS;
}

static void
exp_view (ent_profile_t *p)
{
  static const int caps[] = { CAP_DAC_READ_SEARCH };

  grant_caps (p, caps, TEST_N (caps));
  /* Every masked path read-only instead, but /proc/keys. */
  set_list (&p->fs.readonly, masked_paths);
  ent_strlist_remove (p->fs.readonly, "/proc/keys");
  for (const char *const *m = masked_paths; *m; m++)
    if (strcmp (*m, "/proc/keys") != 0)
      ent_strlist_remove (p->fs.masked, *m);
  ck_assert_int_eq (ent_strlist_len (p->fs.masked), 1);
  allow_all (p, introspection);
}

static void
exp_admin (ent_profile_t *p)
{
  p->uid = p->gid = 0;
  p->caps[ENT_CAPSET_BOUNDING] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_PERMITTED] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_EFFECTIVE] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_INHERITABLE] = 0;
  p->caps[ENT_CAPSET_AMBIENT] = 0;
  for (const char *const *m = masked_paths; *m; m++)
    ent_strlist_remove (p->fs.masked, *m);
  for (const char *const *m = readonly_paths; *m; m++)
    ent_strlist_remove (p->fs.readonly, *m);
  free (p->fs.masked);
  free (p->fs.readonly);
  p->fs.masked = p->fs.readonly = NULL;
  ent_profile_forget_syscall (p, "clone");
  ent_profile_forget_syscall (p, "clone3");
  allow_all (p, admin_extra);
  OK (ent_profile_allow_syscall (p, "clone", NULL));
}

/* No syscall: the mlock family is allowed to every sandbox. */
static void
exp_memory_lock (ent_profile_t *p)
{
  ent_profile_grant_cap (p, CAP_IPC_LOCK);
  p->rlimits[ENT_RLIMIT_MEMLOCK].soft = ENT_RLIM_HARD;
}

static void
exp_clipboard (ent_profile_t *p)
{
  p->clipboard = true;
}

static void
exp_fs_read_only (ent_profile_t *p)
{
  p->fs.read_only = true;
}

static void
exp_landlock_required (ent_profile_t *p)
{
  p->landlock_required = true;
}

static void
exp_devices_none (ent_profile_t *p)
{
  p->fs.dev = ENT_DEV_MINIMAL;
  p->fs.sys = ENT_SYS_RO;
}

static void
exp_devices_view (ent_profile_t *p)
{
  p->fs.dev = ENT_DEV_HOST_RO;
  p->fs.sys = ENT_SYS_RO;
}

static void
exp_devices_admin (ent_profile_t *p)
{
  p->fs.dev = ENT_DEV_HOST_RW;
  p->fs.sys = ENT_SYS_HOST;
}

/* What every host.processes level adds to a profile without a process
 * limit (the bare one of these tests: rlimits backend). */
static void
exp_default_pids (ent_profile_t *p)
{
  p->resources.pids = ENT_DEFAULT_PIDS;
  if (p->resources.backend == ENT_RES_CGROUP)
    return;
  p->rlimits[ENT_RLIMIT_NPROC].soft = ENT_DEFAULT_PIDS;
  p->rlimits[ENT_RLIMIT_NPROC].hard = ENT_DEFAULT_PIDS;
}

static void
exp_processes_none (ent_profile_t *p)
{
  exp_default_pids (p);
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_FRESH;
}

static void
exp_processes_view (ent_profile_t *p)
{
  exp_default_pids (p);
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_HOST;
}

static void
exp_processes_admin (ent_profile_t *p)
{
  exp_default_pids (p);
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_HOST;
  allow_all (p, ptrace_family);
}

static void
exp_fs_rw (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/work/data", NULL));
}

static void
exp_fs_ro (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/home/u/docs", NULL));
}

static void
exp_fs_hide (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/etc/shadow", NULL));
}

static void
exp_fs_tmpfs (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_TMPFS, "/tmp", NULL));
}

static void
exp_fs_overlay (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_OVERLAY, "/cache", NULL));
}

#define ADDR_NO_RANDOMIZE_ 0x0040000
#define PER_LINUX32_ 0x0008

static void
allow_personality (ent_profile_t *p, uint64_t value)
{
  ent_seccomp_rule_t r = { .syscall = (char *) (uintptr_t) "personality",
                           .action = ENT_SECCOMP_ALLOW, .n_args = 1 };

  r.args[0].index = 0;
  r.args[0].op = ENT_ARG_EQ;
  r.args[0].value = value;
  OK (ent_profile_add_rule (p, &r, NULL));
}

static void
set_rlimit (ent_profile_t *p, ent_rlimit_res_t r, int64_t value)
{
  p->rlimits[r].soft = value;
  p->rlimits[r].hard = value;
}

/* pids and memory are rlimits only without a delegated cgroup; the bases
 * of the table say which one they are in resources.backend. */
static void
exp_res_pids (ent_profile_t *p)
{
  p->resources.pids = 100;
  if (p->resources.backend == ENT_RES_RLIMIT)
    set_rlimit (p, ENT_RLIMIT_NPROC, 100);
}

static void
exp_res_memory (ent_profile_t *p)
{
  p->resources.memory = INT64_C (1073741824);
}

static void
exp_res_cpu_time (ent_profile_t *p)
{
  p->resources.cpu_time = 60;
  set_rlimit (p, ENT_RLIMIT_CPU, 60);
  p->rlimits[ENT_RLIMIT_CPU].hard = 61; /* SIGXCPU first, SIGKILL a second later */
}

static void
exp_res_files (ent_profile_t *p)
{
  p->resources.files = 256;
  set_rlimit (p, ENT_RLIMIT_NOFILE, 256);
}

static void
exp_res_file_size (ent_profile_t *p)
{
  p->resources.file_size = INT64_C (10485760);
  set_rlimit (p, ENT_RLIMIT_FSIZE, INT64_C (10485760));
}

static void
exp_res_timeout (ent_profile_t *p)
{
  p->resources.timeout = 30;
}

static void
exp_debug_ptrace (ent_profile_t *p)
{
  allow_all (p, ptrace_family);
  allow_personality (p, ADDR_NO_RANDOMIZE_);
  allow_personality (p, ADDR_NO_RANDOMIZE_ | PER_LINUX32_);
}

static void
exp_debug_perf (ent_profile_t *p)
{
  OK (ent_profile_allow_syscall (p, "perf_event_open", NULL));
}

static void
exp_api_access (ent_profile_t *p)
{
  p->api[ENT_API_SSH_AGENT].granted = true;
  p->api[ENT_API_SSH_AGENT].allow = true;
}

#define ORDER_SECURITY ENT_ORDER_LEVEL
#define ORDER_LEVEL (ENT_ORDER_LEVEL + 10)

/* One row per catalogue entry.  The entry is enforced on a base profile
 * after @prereq; the expected profile is the same base after @prereq and
 * @expect_from, edited by @expect.  Two bases are used: a bare profile and
 * the default sandbox.  Prerequisites are chosen so that every field an
 * entry sets actually changes on at least one of them. */
static const struct entry_case
{
  const char *name;
  ent_type_t type;
  const char *group;
  bool is_default;
  bool repeatable;
  int order;
  const char *request;
  const char *prereq[2];
  const char *expect_from;
  bool own_rules; /* its seccomp rules are checked by the seccomp tests */
  void (*expect) (ent_profile_t *p);
  bool size; /* the int value takes a K/M/G/T suffix */
} entry_cases[] = {
  { "api.access", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_FLAG, "api.access=ssh-agent:allow",
    { NULL }, NULL, false, exp_api_access },
  { "debug.perf", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG, "debug.perf",
    { "security.confined" }, NULL, false, exp_debug_perf },
  { "debug.ptrace", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG, "debug.ptrace",
    { "security.confined" }, NULL, false, exp_debug_ptrace },
  { "host.clipboard", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG, "host.clipboard",
    { NULL }, NULL, false, exp_clipboard },
  { "host.devices.admin", ENT_TYPE_VOID, "host.devices", false, false, ORDER_LEVEL,
    "host.devices.admin", { "host.devices.none" }, NULL, false, exp_devices_admin },
  { "host.devices.none", ENT_TYPE_VOID, "host.devices", true, false, ORDER_LEVEL,
    "host.devices.none", { NULL }, NULL, false, exp_devices_none },
  { "host.devices.view", ENT_TYPE_VOID, "host.devices", false, false, ORDER_LEVEL,
    "host.devices.view", { NULL }, NULL, false, exp_devices_view },
  { "host.fs.hide", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST, "host.fs.hide=/etc//shadow",
    { NULL }, NULL, false, exp_fs_hide },
  { "host.fs.overlay", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST,
    "host.fs.overlay=/cache/", { NULL }, NULL, false, exp_fs_overlay },
  { "host.fs.ro", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST, "host.fs.ro=~/docs",
    { NULL }, NULL, false, exp_fs_ro },
  { "host.fs.rw", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST, "host.fs.rw=src/../data",
    { NULL }, NULL, false, exp_fs_rw },
  { "host.fs.tmpfs", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST, "host.fs.tmpfs=/tmp/./",
    { NULL }, NULL, false, exp_fs_tmpfs },
  { "host.processes.admin", ENT_TYPE_VOID, "host.processes", false, false, ORDER_LEVEL,
    "host.processes.admin", { "host.processes.none", "security.confined" }, NULL, false,
    exp_processes_admin },
  { "host.processes.none", ENT_TYPE_VOID, "host.processes", true, false, ORDER_LEVEL,
    "host.processes.none", { NULL }, NULL, false, exp_processes_none },
  { "host.processes.view", ENT_TYPE_VOID, "host.processes", false, false, ORDER_LEVEL,
    "host.processes.view", { "host.processes.none", "security.admin" }, NULL, false,
    exp_processes_view },
  { "network.admin", ENT_TYPE_VOID, "network", false, false, ORDER_LEVEL, "network.admin",
    { "security.confined" }, NULL, true, exp_network_admin },
  { "network.host", ENT_TYPE_VOID, "network", false, false, ORDER_LEVEL, "network.host",
    { "network.none" }, NULL, false, exp_network_host },
  { "network.host-loopback", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG,
    "network.host-loopback", { "network.user" }, NULL, false, exp_host_loopback },
  { "network.none", ENT_TYPE_VOID, "network", true, false, ORDER_LEVEL, "network.none", { NULL },
    NULL, false, exp_network_none },
  { "network.proxy", ENT_TYPE_STRING, "network", false, false, ORDER_LEVEL,
    "network.proxy=http://10.0.0.1:3128", { NULL }, NULL, false, exp_network_proxy },
  { "network.publish", ENT_TYPE_STRING, NULL, false, true, ENT_ORDER_LIST,
    "network.publish=8080:80", { "network.user" }, NULL, false, exp_network_publish },
  { "network.user", ENT_TYPE_VOID, "network", false, false, ORDER_LEVEL, "network.user", { NULL },
    NULL, false, exp_network_user },
  { "resources.cpu-time", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG, "resources.cpu-time=60",
    { NULL }, NULL, false, exp_res_cpu_time, false },
  { "resources.file-size", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG,
    "resources.file-size=10M", { NULL }, NULL, false, exp_res_file_size, true },
  { "resources.files", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG, "resources.files=256",
    { NULL }, NULL, false, exp_res_files, false },
  { "resources.memory", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG, "resources.memory=1G",
    { NULL }, NULL, false, exp_res_memory, true },
  { "resources.pids", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG, "resources.pids=100",
    { NULL }, NULL, false, exp_res_pids, false },
  { "resources.timeout", ENT_TYPE_INT, NULL, false, false, ENT_ORDER_FLAG, "resources.timeout=30",
    { NULL }, NULL, false, exp_res_timeout, false },
  { "security.admin", ENT_TYPE_VOID, "security", false, false, ORDER_SECURITY, "security.admin",
    { NULL }, "security.confined", false, exp_admin },
  { "security.confined", ENT_TYPE_VOID, "security", true, false, ORDER_SECURITY,
    "security.confined", { NULL }, NULL, true, exp_confined },
  { "security.fs-read-only", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG,
    "security.fs-read-only", { NULL }, NULL, false, exp_fs_read_only },
  { "security.landlock-required", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG,
    "security.landlock-required", { NULL }, NULL, false, exp_landlock_required },
  { "security.memory-lock", ENT_TYPE_VOID, NULL, false, false, ENT_ORDER_FLAG,
    "security.memory-lock", { "security.confined" }, NULL, false, exp_memory_lock },
  { "security.view", ENT_TYPE_VOID, "security", false, false, ORDER_SECURITY, "security.view",
    { NULL }, "security.confined", false, exp_view },
};

#define CATALOGUE_SIZE 34

START_TEST (catalogue_count)
{
  ent_catalogue_t *cat = test_catalogue ();

  /* Adding an entry without a row in entry_cases fails here. */
  ck_assert_int_eq (ent_catalogue_size (cat), CATALOGUE_SIZE);
  ck_assert_int_eq (TEST_N (entry_cases), CATALOGUE_SIZE);
  for (size_t i = 0; i < ent_catalogue_size (cat); i++)
    ck_assert_str_eq (ent_catalogue_get (cat, i)->name, entry_cases[i].name);
  ck_assert_ptr_null (ent_catalogue_get (cat, CATALOGUE_SIZE));
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (catalogue_sorted_and_found)
{
  ent_catalogue_t *cat = test_catalogue ();

  for (size_t i = 1; i < ent_catalogue_size (cat); i++)
    ck_assert_int_lt (strcmp (ent_catalogue_get (cat, i - 1)->name, ent_catalogue_get (cat, i)->name),
                      0);
  for (size_t i = 0; i < ent_catalogue_size (cat); i++)
    ck_assert_ptr_eq (ent_catalogue_lookup (cat, ent_catalogue_get (cat, i)->name),
                      ent_catalogue_get (cat, i));
  ck_assert_ptr_null (ent_catalogue_lookup (cat, "network.nonexistent"));
  ck_assert_ptr_null (ent_catalogue_lookup (cat, "network.proxy=http://a:1"));
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (entry_attributes)
{
  const struct entry_case *c = &entry_cases[_i];
  ent_catalogue_t *cat = test_catalogue ();
  const ent_definition_t *d = ent_catalogue_lookup (cat, c->name);

  ck_assert_msg (d != NULL, "'%s' missing", c->name);
  ck_assert_int_eq (d->type, c->type);
  ck_assert_pstr_eq (d->group, c->group);
  ck_assert_int_eq (d->is_default, c->is_default);
  ck_assert_int_eq (d->repeatable, c->repeatable);
  ck_assert_int_eq (d->order, c->order);
  ck_assert_int_eq (d->size, c->size);
  ck_assert_int_eq (d->value_hint != NULL, c->type != ENT_TYPE_VOID);
  if (c->type == ENT_TYPE_INT)
    ck_assert_str_eq (d->value_hint, "N");
  ck_assert_ptr_nonnull (d->description);
  ck_assert_int_gt (strlen (d->description), 10);
  ent_catalogue_free (cat);
}
END_TEST

/* Enforce @c on @base (and a copy of it for the expectation) and compare. */
static void
check_entry_effect (const ent_catalogue_t *cat, const struct entry_case *c,
                    const ent_profile_t *base, const char *where)
{
  ent_profile_t *actual = ent_profile_copy (base);
  ent_profile_t *expected = ent_profile_copy (base);
  char *label = NULL;

  ck_assert_ptr_nonnull (actual);
  ck_assert_ptr_nonnull (expected);
  for (size_t i = 0; i < TEST_N (c->prereq) && c->prereq[i]; i++)
    {
      test_enforce (cat, actual, c->prereq[i]);
      test_enforce (cat, expected, c->prereq[i]);
    }
  if (c->expect_from)
    test_enforce (cat, expected, c->expect_from);
  test_enforce (cat, actual, c->request);
  c->expect (expected);
  if (c->own_rules)
    copy_rules (expected, actual);
  ck_assert_int_ge (asprintf (&label, "%s on %s", c->request, where), 0);
  test_assert_profile_equal_at (actual, expected, label);
  free (label);
  ent_profile_free (actual);
  ent_profile_free (expected);
}

/* On a bare profile (ent_profile_new with cwd and home): every namespace
 * shared, all capabilities, no filter. */
START_TEST (entry_effect_bare)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_profile_t *base = test_base_profile ();

  check_entry_effect (cat, &entry_cases[_i], base, "a bare profile");
  ent_profile_free (base);
  ent_catalogue_free (cat);
}
END_TEST

/* On the default sandbox (every default level applied), so that an effect
 * resetting a field the bare profile happens to share is seen too. */
START_TEST (entry_effect_sandboxed)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  check_entry_effect (cat, &entry_cases[_i], ent_manager_profile (m), "the default sandbox");
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* On the default sandbox of a host with a delegated cgroup and every host
 * API present: resources.pids and resources.memory go to the cgroup, not
 * to rlimits, and nothing else changes with the backend. */
START_TEST (entry_effect_cgroup)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_CGROUP, true));

  ck_assert_int_eq (ent_manager_profile (m)->resources.backend, ENT_RES_CGROUP);
  check_entry_effect (cat, &entry_cases[_i], ent_manager_profile (m),
                      "the default sandbox with a delegated cgroup");
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (instantiated_attributes)
{
  const struct entry_case *c = &entry_cases[_i];
  ent_catalogue_t *cat = test_catalogue ();
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, c->request, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_str_eq (ent_entitlement_name (e), c->name);
  if (strncmp (c->name, "host.fs.", 8) == 0)
    {
      /* A path is one grant however spelled: "//", "/./" and a trailing
       * "/" are tidied away in the name. */
      char *tidy = ent_path_tidy (strchr (c->request, '=') + 1);
      ck_assert_ptr_nonnull (tidy);
      ck_assert_str_eq (ent_entitlement_value (e), tidy);
      ck_assert (strstr (ent_entitlement_value (e), "//") == NULL);
      free (tidy);
    }
  else
    ck_assert_str_eq (ent_entitlement_full_name (e), c->request);
  ck_assert_pstr_eq (ent_entitlement_group (e), c->group);
  ck_assert_int_eq (ent_entitlement_repeatable (e), c->repeatable);
  ck_assert_int_eq (ent_entitlement_order (e), c->order);
  ck_assert_int_eq (ent_entitlement_type (e), c->type);
  ent_entitlement_free (e);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- security levels in a full sandbox ----------------------------------- */

START_TEST (confined_default_profile)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);

  for (int ns = 0; ns < ENT_NS_COUNT; ns++)
    ck_assert_msg (p->ns.create[ns], "namespace %s shared", ent_ns_name (ns));
  ck_assert_int_eq (p->uid, -1);
  ck_assert_int_eq (p->gid, -1);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ck_assert (p->no_new_privs);
  ck_assert (p->new_session);
  ck_assert (p->seccomp.enabled);
  ck_assert_int_eq (p->seccomp.default_errno, EPERM);
  ck_assert (!p->fs.read_only);
  ck_assert_int_eq (p->fs.n_mounts, 0);
  /* The default process limit, and no other. */
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      int64_t want = r == ENT_RLIMIT_NPROC ? ENT_DEFAULT_PIDS : ENT_RLIM_UNSET;
      ck_assert_int_eq (p->rlimits[r].soft, want);
      ck_assert_int_eq (p->rlimits[r].hard, want);
    }
  ck_assert_int_eq (p->resources.pids, ENT_DEFAULT_PIDS);
  ck_assert_int_eq (p->n_env, 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (explicit_confined_is_default)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *def = test_manager (cat);
  ent_manager_t *m = SANDBOX (cat, "security.confined", "network.none", "host.devices.none",
                              "host.processes.none");

  test_assert_profile_equal (ent_manager_profile (m), ent_manager_profile (def));
  ent_manager_free (m);
  ent_manager_free (def);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (view_caps_exact)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.view");
  const ent_profile_t *p = ent_manager_profile (m);

  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (CAP_DAC_READ_SEARCH));
  ck_assert_int_eq (p->uid, -1);
  ck_assert (p->no_new_privs);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (admin_caps_exact)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_uint_eq (p->caps[ENT_CAPSET_BOUNDING], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_PERMITTED], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_EFFECTIVE], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_INHERITABLE], 0);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_AMBIENT], 0);
  ck_assert_int_eq (p->uid, 0);
  ck_assert_int_eq (p->gid, 0);
  ck_assert (p->no_new_privs);
  ck_assert (p->new_session);
  ck_assert (p->ns.create[ENT_NS_USER]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (network_admin_caps_exact)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.admin");
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t want = ENT_CAP_BIT (CAP_NET_ADMIN) | ENT_CAP_BIT (CAP_NET_RAW)
                  | ENT_CAP_BIT (CAP_NET_BIND_SERVICE) | ENT_CAP_BIT (CAP_NET_BROADCAST);

  /* All five sets, ambient included: a non-root payload keeps them. */
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], want);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (seccomp_basics)
{
  static const char *const allowed[] = { "read",     "write",     "openat",    "execve",
                                         "exit_group", "futex",   "mmap",      "getpid",
                                         "mlock",    "mlockall",  "munlock",   "fchmodat2",
                                         "cachestat", "mseal",    NULL };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert (p->seccomp.enabled);
  ck_assert_int_eq (p->seccomp.default_errno, EPERM);
  for (const char *const *s = allowed; *s; s++)
    ck_assert_msg (ent_profile_syscall_allowed (p, *s) == 2, "%s not allowed", *s);
  ck_assert_int_eq (p->seccomp.unknown_errno, ENOSYS);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "socket"), 1);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "socketpair"), 1);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* DESIGN "Seccomp policy": denied unless an entitlement grants it. */
static const char *const confined_denied[] = {
  "mount", "umount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick", "open_tree",
  "move_mount", "mount_setattr", "pivot_root", "unshare", "setns", "keyctl", "add_key",
  "request_key", "bpf", "perf_event_open", "ptrace", "process_vm_readv", "process_vm_writev",
  "kcmp", "pidfd_getfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
  "delete_module", "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime",
  "clock_adjtime", "adjtimex", "userfaultfd", "io_uring_setup", "io_uring_enter",
  "io_uring_register", "open_by_handle_at", "syslog", "iopl", "ioperm", "chroot",
  "sethostname", "setdomainname", "quotactl", "fanotify_init", "lookup_dcookie", "clone3",
  /* and the policy's own calls: */
  "memfd_secret", "modify_ldt", "socketcall", "open_tree_attr", "lsm_get_self_attr",
  "lsm_set_self_attr", "lsm_list_modules",
};

START_TEST (confined_denies)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const char *name = confined_denied[_i];

  ck_assert_msg (ent_syscall_known (name), "%s is not a syscall name", name);
  ck_assert_msg (ent_profile_syscall_allowed (ent_manager_profile (m), name) == 0,
                 "%s allowed under security.confined", name);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_clone_conditional)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  const ent_seccomp_rule_t *r = NULL;

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "clone"), 1);
  ck_assert_int_eq (test_count_rules (p, "clone", ENT_SECCOMP_ALLOW), 1);
  ck_assert_int_eq (test_count_rules (p, "clone", ENT_SECCOMP_ERRNO), 0);
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    if (strcmp (p->seccomp.rules[i].syscall, "clone") == 0)
      r = &p->seccomp.rules[i];
  ck_assert_ptr_nonnull (r);
  ck_assert_int_eq (r->n_args, 1);
  ck_assert_int_eq (r->args[0].index, 0);
  ck_assert_int_eq (r->args[0].op, ENT_ARG_MASKED_EQ);
  ck_assert_uint_eq (r->args[0].mask, NS_CLONE_FLAGS_ALL);
  ck_assert_uint_eq (r->args[0].value, 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_clone_verdicts)
{
  static const uint64_t ns_flags[] = { 0x00020000, 0x04000000, 0x08000000, 0x10000000,
                                       0x20000000, 0x40000000, 0x02000000, 0x00000080 };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (verdict1 (p, "clone", 17 /* fork: SIGCHLD */), 0);
  ck_assert_int_eq (verdict1 (p, "clone", 0x3d0f00 /* glibc's pthread_create flags */), 0);
  for (size_t i = 0; i < TEST_N (ns_flags); i++)
    ck_assert_int_eq (verdict1 (p, "clone", ns_flags[i] | 17), EPERM);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_clone3_enosys)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  size_t found = 0;

  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      if (strcmp (r->syscall, "clone3") != 0)
        continue;
      found++;
      ck_assert_int_eq (r->action, ENT_SECCOMP_ERRNO);
      ck_assert_int_eq (r->errnum, ENOSYS);
      ck_assert_int_eq (r->n_args, 0);
    }
  ck_assert_int_eq (found, 1);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "clone3"), 0);
  ck_assert_int_eq (verdict1 (p, "clone3", 0), ENOSYS);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_ioctl_rules)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  uint64_t seen = 0;

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ioctl"), 2);
  ck_assert_int_eq (test_count_rules (p, "ioctl", ENT_SECCOMP_ERRNO), 2);
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      if (strcmp (r->syscall, "ioctl") != 0 || r->action != ENT_SECCOMP_ERRNO)
        continue;
      ck_assert_int_eq (r->errnum, EPERM);
      ck_assert_int_eq (r->n_args, 1);
      ck_assert_int_eq (r->args[0].index, 1);
      ck_assert_int_eq (r->args[0].op, ENT_ARG_MASKED_EQ);
      ck_assert_uint_eq (r->args[0].mask, 0xffffffff);
      ck_assert (r->args[0].value == TIOCSTI_REQ || r->args[0].value == TIOCLINUX_REQ);
      seen |= r->args[0].value == TIOCSTI_REQ ? 1 : 2;
    }
  ck_assert_uint_eq (seen, 3);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_ioctl_verdicts)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (verdict_ioctl (p, 0x5401 /* TCGETS */), 0);
  ck_assert_int_eq (verdict_ioctl (p, TIOCSTI_REQ), EPERM);
  ck_assert_int_eq (verdict_ioctl (p, TIOCLINUX_REQ), EPERM);
  /* CVE-2019-10063: the high 32 bits must not get it past the filter. */
  ck_assert_int_eq (verdict_ioctl (p, (UINT64_C (1) << 32) | TIOCSTI_REQ), EPERM);
  ck_assert_int_eq (verdict_ioctl (p, (UINT64_C (0xffffffff) << 32) | TIOCLINUX_REQ), EPERM);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (confined_personality)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "personality"), 1);
  ck_assert_int_eq (verdict1 (p, "personality", 0 /* PER_LINUX */), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 8 /* PER_LINUX32 */), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0xffffffff /* query */), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0x0040000 /* ADDR_NO_RANDOMIZE */), EPERM);
  ck_assert_int_eq (verdict1 (p, "personality", 0x0400000 /* READ_IMPLIES_EXEC */), EPERM);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static int
socket_verdict (const ent_profile_t *p, const char *call, uint64_t family, uint64_t protocol)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { family, 1, protocol };

  return verdict (p, call, args);
}

/* The family allowlist as rules (the compiled filter on every ABI is
 * tests/unit/test-filter.c's). */
static void
assert_socket_allowlist (const ent_profile_t *p, const uint64_t *families, size_t n_fam,
                         const uint64_t *netlink, size_t n_nl)
{
  static const char *const calls[] = { "socket", "socketpair" };

  for (size_t c = 0; c < TEST_N (calls); c++)
    {
      for (uint64_t f = 0; f < 256; f++)
        {
          bool ok = false;
          for (size_t i = 0; i < n_fam; i++)
            ok = ok || families[i] == f;
          if (f == 16)
            continue;
          ck_assert_msg (socket_verdict (p, calls[c], f, 0) == (ok ? 0 : EAFNOSUPPORT),
                         "%s family %d", calls[c], (int)f);
        }
      for (uint64_t proto = 0; proto < 64; proto++)
        {
          bool ok = false;
          for (size_t i = 0; i < n_nl; i++)
            ok = ok || netlink[i] == proto;
          ck_assert_msg (socket_verdict (p, calls[c], 16, proto) == (ok ? 0 : EPROTONOSUPPORT),
                         "%s netlink protocol %d", calls[c], (int)proto);
        }
      /* The kernel reads an int: AF_ALG, AF_VSOCK or even AF_INET with
       * bit 32 set are not on the list. */
      ck_assert_int_eq (socket_verdict (p, calls[c], (UINT64_C (1) << 32) | 38, 0), EAFNOSUPPORT);
      ck_assert_int_eq (socket_verdict (p, calls[c], (UINT64_C (1) << 32) | 40, 0), EAFNOSUPPORT);
      ck_assert_int_eq (socket_verdict (p, calls[c], (UINT64_C (1) << 32) | 2, 0), EAFNOSUPPORT);
      ck_assert_int_eq (socket_verdict (p, calls[c], UINT64_MAX, 0), EAFNOSUPPORT);
      ck_assert_int_eq (socket_verdict (p, calls[c], 16, (UINT64_C (1) << 32) | 9),
                        EPROTONOSUPPORT);
    }
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "socketcall"), 0);
  ck_assert_int_eq (verdict1 (p, "socketcall", 1 /* SYS_SOCKET */), EAFNOSUPPORT);
  ck_assert_int_eq (verdict1 (p, "socketcall", 3 /* SYS_CONNECT */), EAFNOSUPPORT);
}

static const uint64_t families_default[] = { 1, 2, 10, 16 };
static const uint64_t netlink_default[] = { 0, 4 };

START_TEST (confined_socket_allowlist)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  assert_socket_allowlist (ent_manager_profile (m), families_default, TEST_N (families_default),
                           netlink_default, TEST_N (netlink_default));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* network.admin adds AF_PACKET and the netlink protocols of ip, nft and
 * ethtool; security.admin (all capabilities) adds none. */
START_TEST (network_admin_socket_allowlist)
{
  static const uint64_t families[] = { 1, 2, 10, 16, 17 };
  static const uint64_t netlink[] = { 0, 4, 6, 12, 16 };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.admin");
  ent_manager_t *both = SANDBOX (cat, "network.admin", "security.admin");
  ent_manager_t *sec = SANDBOX (cat, "security.admin");

  assert_socket_allowlist (ent_manager_profile (m), families, TEST_N (families), netlink,
                           TEST_N (netlink));
  assert_socket_allowlist (ent_manager_profile (both), families, TEST_N (families), netlink,
                           TEST_N (netlink));
  assert_socket_allowlist (ent_manager_profile (sec), families_default, TEST_N (families_default),
                           netlink_default, TEST_N (netlink_default));
  ent_manager_free (m);
  ent_manager_free (both);
  ent_manager_free (sec);
  ent_catalogue_free (cat);
}
END_TEST

static bool
is_socket_rule (const ent_seccomp_rule_t *r)
{
  return strcmp (r->syscall, "socket") == 0 || strcmp (r->syscall, "socketpair") == 0;
}

/* network.admin's seccomp rules differ from the default's in the socket
 * calls only. */
START_TEST (network_admin_changes_only_sockets)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *def = test_manager (cat);
  ent_manager_t *m = SANDBOX (cat, "network.admin");
  const ent_seccomp_t *a = &ent_manager_profile (def)->seccomp;
  const ent_seccomp_t *b = &ent_manager_profile (m)->seccomp;
  size_t i = 0, k = 0;

  while (i < a->n_rules || k < b->n_rules)
    if (i < a->n_rules && is_socket_rule (&a->rules[i]))
      i++;
    else if (k < b->n_rules && is_socket_rule (&b->rules[k]))
      k++;
    else
      {
        ck_assert (i < a->n_rules && k < b->n_rules);
        ck_assert_str_eq (a->rules[i].syscall, b->rules[k].syscall);
        ck_assert_int_eq (a->rules[i].action, b->rules[k].action);
        ck_assert_int_eq (a->rules[i].n_args, b->rules[k].n_args);
        i++, k++;
      }
  ent_manager_free (m);
  ent_manager_free (def);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (admin_seccomp)
{
  static const char *const opened[] = { "mount", "umount2", "unshare", "setns", "keyctl",
                                        "ptrace", "clone", "clone3", NULL };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = opened; *s; s++)
    ck_assert_msg (ent_profile_syscall_allowed (p, *s) == 2, "%s not allowed under admin", *s);
  ck_assert_int_eq (test_count_rules (p, "clone3", ENT_SECCOMP_ERRNO), 0);
  ck_assert_int_eq (test_count_rules (p, "clone", ENT_SECCOMP_ALLOW), 1);
  ck_assert_int_eq (verdict1 (p, "clone", 0x10000000 /* CLONE_NEWUSER */ | 17), 0);
  ck_assert (p->seccomp.enabled);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* The syscalls a sandbox with @requests may make (with or without
 * conditions) that the default sandbox may not, as a sorted list. */
static char **
opened_over_default (const ent_catalogue_t *cat, const char *request)
{
  ent_manager_t *def = test_manager (cat);
  ent_manager_t *m = SANDBOX (cat, request);
  const ent_profile_t *p = ent_manager_profile (m);
  char **names = NULL;

  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      const char *s = p->seccomp.rules[i].syscall;
      /* Nothing the default allows is taken away either. */
      if (ent_profile_syscall_allowed (ent_manager_profile (def), s) > 0)
        ck_assert_msg (ent_profile_syscall_allowed (p, s) > 0, "%s no longer allowed", s);
      else if (ent_profile_syscall_allowed (p, s) > 0)
        OK (ent_strlist_add (&names, s));
    }
  ent_manager_free (m);
  ent_manager_free (def);
  return names;
}

static void
assert_opened_exactly (const char *request, const char *const *expected)
{
  ent_catalogue_t *cat = test_catalogue ();
  char **names = opened_over_default (cat, request);

  for (size_t i = 0; names && names[i]; i++)
    ck_assert_msg (test_in_list (expected, names[i]), "%s unexpectedly allows %s", request, names[i]);
  for (const char *const *s = expected; *s; s++)
    ck_assert_msg (ent_strlist_contains (names, *s), "%s does not allow %s", request, *s);
  for (size_t i = 0; names && names[i]; i++)
    free (names[i]);
  free (names);
  ent_catalogue_free (cat);
}

START_TEST (admin_opens_exactly)
{
  assert_opened_exactly ("security.admin", admin_extra);
}
END_TEST

START_TEST (view_opens_exactly)
{
  assert_opened_exactly ("security.view", introspection);
}
END_TEST

/* Nothing: the mlock family is allowed by default, and this flag only
 * raises RLIMIT_MEMLOCK and grants CAP_IPC_LOCK. */
START_TEST (memory_lock_opens_exactly)
{
  static const char *const none[] = { NULL };

  assert_opened_exactly ("security.memory-lock", none);
}
END_TEST

START_TEST (processes_admin_opens_exactly)
{
  assert_opened_exactly ("host.processes.admin", ptrace_family);
}
END_TEST

static const char *const admin_still_denied[] = {
  "bpf", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
  "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "userfaultfd",
  "io_uring_setup", "open_by_handle_at", "iopl", "ioperm", "perf_event_open", "syslog",
  "quotactl", "lookup_dcookie", "memfd_secret", "modify_ldt", "socketcall", "lsm_set_self_attr",
};

START_TEST (admin_still_denies)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.admin");

  ck_assert_msg (ent_profile_syscall_allowed (ent_manager_profile (m), admin_still_denied[_i]) == 0,
                 "%s allowed under security.admin", admin_still_denied[_i]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (view_seccomp)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.view");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = introspection; *s; s++)
    ck_assert_int_eq (ent_profile_syscall_allowed (p, *s), 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "mount"), 0);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 0);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "clone"), 1);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (memory_lock_effect)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.memory-lock");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = mlock_family; *s; s++)
    ck_assert_msg (ent_profile_syscall_allowed (p, *s) == 2, "%s", *s);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_MEMLOCK].soft, ENT_RLIM_HARD);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_MEMLOCK].hard, ENT_RLIM_UNSET);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (CAP_IPC_LOCK));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (memory_lock_with_admin)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.memory-lock", "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  /* The flag applies after the level that resets capabilities. */
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "mlock"), 2);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_EFFECTIVE], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_AMBIENT], ENT_CAP_BIT (CAP_IPC_LOCK));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (processes_admin_ptrace)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "host.processes.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "process_vm_readv"), 2);
  ck_assert (p->ns.create[ENT_NS_PID]);
  ck_assert_int_eq (p->fs.proc, ENT_PROC_HOST);
  /* ptrace is allowed, not the capability to trace others' processes. */
  ck_assert_uint_eq (p->caps[ENT_CAPSET_EFFECTIVE], 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* view no longer denies ptrace: its sandbox has its own PID namespace, so
 * security.admin's ptrace reaches only the sandbox's own processes. */
START_TEST (processes_view_keeps_ptrace_of_admin)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "host.processes.view", "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = ptrace_family; *s; s++)
    {
      ck_assert_msg (ent_profile_syscall_allowed (p, *s) == 2, "%s not allowed", *s);
      ck_assert_int_eq (test_count_rules (p, *s, ENT_SECCOMP_ERRNO), 0);
    }
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "mount"), 2);
  ck_assert (p->ns.create[ENT_NS_PID]);
  ck_assert_int_eq (p->fs.proc, ENT_PROC_HOST);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- masked and read-only paths ------------------------------------------ */

START_TEST (confined_paths)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p = ent_manager_profile (m);
  static const char *const named_masked[] = { "/proc/kcore", "/proc/keys", "/proc/timer_list",
                                              "/proc/sched_debug", "/sys/firmware", NULL };
  static const char *const named_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                                          "/proc/bus", NULL };

  for (const char *const *s = named_masked; *s; s++)
    ck_assert_msg (ent_strlist_contains (p->fs.masked, *s), "%s not masked", *s);
  for (const char *const *s = named_ro; *s; s++)
    ck_assert_msg (ent_strlist_contains (p->fs.readonly, *s), "%s not read-only", *s);
  ck_assert (strv_equals (p->fs.masked, masked_paths));
  ck_assert (strv_equals (p->fs.readonly, readonly_paths));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (view_paths)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.view");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_strlist_len (p->fs.masked), 1);
  ck_assert (ent_strlist_contains (p->fs.masked, "/proc/keys"));
  ck_assert_int_eq (ent_strlist_len (p->fs.readonly), 16);
  for (const char *const *s = masked_paths; *s; s++)
    if (strcmp (*s, "/proc/keys") != 0)
      ck_assert_msg (ent_strlist_contains (p->fs.readonly, *s), "%s not read-only", *s);
  for (const char *const *s = readonly_paths; *s; s++)
    ck_assert_msg (ent_strlist_contains (p->fs.readonly, *s), "%s not read-only", *s);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (admin_paths)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_strlist_len (p->fs.masked), 0);
  ck_assert_int_eq (ent_strlist_len (p->fs.readonly), 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- devices, processes, read-only flag ---------------------------------- */

static const struct
{
  const char *request;
  ent_dev_mode_t dev;
  ent_sys_mode_t sys;
} device_levels[] = {
  { "host.devices.none", ENT_DEV_MINIMAL, ENT_SYS_RO },
  { "host.devices.view", ENT_DEV_HOST_RO, ENT_SYS_RO },
  { "host.devices.admin", ENT_DEV_HOST_RW, ENT_SYS_HOST },
};

START_TEST (device_level)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, device_levels[_i].request);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (p->fs.dev, device_levels[_i].dev);
  ck_assert_int_eq (p->fs.sys, device_levels[_i].sys);
  ck_assert_int_eq (p->fs.proc, ENT_PROC_FRESH);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *request;
  bool pid_ns;
  ent_proc_mode_t proc;
} process_levels[] = {
  { "host.processes.none", true, ENT_PROC_FRESH },
  { "host.processes.view", true, ENT_PROC_HOST },
  { "host.processes.admin", true, ENT_PROC_HOST },
};

START_TEST (process_level)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, process_levels[_i].request);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (p->ns.create[ENT_NS_PID], process_levels[_i].pid_ns);
  ck_assert_int_eq (p->fs.proc, process_levels[_i].proc);
  ck_assert_int_eq (p->fs.dev, ENT_DEV_MINIMAL);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (fs_read_only_flag)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *def = test_manager (cat);
  ent_manager_t *m = SANDBOX (cat, "security.fs-read-only");

  ck_assert (!ent_manager_profile (def)->fs.read_only);
  ck_assert (ent_manager_profile (m)->fs.read_only);
  ent_manager_free (m);
  ent_manager_free (def);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- host.fs.* ------------------------------------------------------------ */

static const struct
{
  const char *request;
  ent_mount_kind_t kind;
  const char *path;
} fs_grants[] = {
  { "host.fs.rw=build", ENT_MOUNT_BIND_RW, "/work/build" },
  { "host.fs.rw=./a/b/", ENT_MOUNT_BIND_RW, "/work/a/b" },
  { "host.fs.ro=../up", ENT_MOUNT_BIND_RO, "/up" },
  { "host.fs.ro=~/x", ENT_MOUNT_BIND_RO, "/home/u/x" },
  { "host.fs.rw=~", ENT_MOUNT_BIND_RW, "/home/u" },
  { "host.fs.ro=/usr/lib/../share", ENT_MOUNT_BIND_RO, "/usr/share" },
  { "host.fs.hide=//etc///passwd", ENT_MOUNT_HIDE, "/etc/passwd" },
  { "host.fs.hide=~/.ssh", ENT_MOUNT_HIDE, "/home/u/.ssh" },
  { "host.fs.tmpfs=/tmp", ENT_MOUNT_TMPFS, "/tmp" },
  { "host.fs.tmpfs=../../../../var/tmp", ENT_MOUNT_TMPFS, "/var/tmp" },
  { "host.fs.rw=/", ENT_MOUNT_BIND_RW, "/" },
  { "host.fs.ro=/..", ENT_MOUNT_BIND_RO, "/" },
  { "host.fs.rw=/path with=odd:chars", ENT_MOUNT_BIND_RW, "/path with=odd:chars" },
};

START_TEST (fs_grant)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, fs_grants[_i].request);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (p->fs.n_mounts, 1);
  ck_assert_int_eq (p->fs.mounts[0].kind, fs_grants[_i].kind);
  ck_assert_str_eq (p->fs.mounts[0].path, fs_grants[_i].path);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *request;
  const char *why;
} fs_refused[] = {
  { "host.fs.hide=/", "refusing to cover '/'" },
  { "host.fs.tmpfs=/", "refusing to cover '/'" },
  { "host.fs.hide=/tmp/..", "refusing to cover '/' ('/tmp/..')" },
  { "host.fs.tmpfs=../../../..", "refusing to cover '/'" },
  { "host.fs.rw=~root/x", "only '~' and '~/'" },
};

START_TEST (fs_refusal)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, fs_refused[_i].request, &err), err, EINVAL,
                     fs_refused[_i].why);
  ck_assert_int_eq (ent_manager_profile (m)->fs.n_mounts, 0);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (fs_relative_needs_cwd)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = ent_manager_new (NULL, cat, NULL);
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (m);
  test_assert_error (test_grant (m, cat, "host.fs.rw=src", &err), err, EINVAL, "no working directory");
  ent_error_clear (&err);
  test_assert_error (test_grant (m, cat, "host.fs.rw=~/src", &err), err, EINVAL, "no home");
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *first, *second;
} fs_conflicts[] = {
  { "host.fs.rw=/srv", "host.fs.ro=/srv" },
  { "host.fs.ro=/srv", "host.fs.rw=/srv" },
  { "host.fs.rw=/srv", "host.fs.hide=/srv/." },
  { "host.fs.tmpfs=/tmp", "host.fs.hide=/tmp" },
  { "host.fs.ro=/work/x", "host.fs.tmpfs=x" },
};

START_TEST (fs_conflict)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  ent_profile_t *before;

  test_grant_ok (m, cat, fs_conflicts[_i].first);
  before = ent_profile_copy (ent_manager_profile (m));
  test_assert_error (test_grant (m, cat, fs_conflicts[_i].second, &err), err, EEXIST,
                     "conflicting grants for '");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (fs_mounts_sorted)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "host.fs.tmpfs=/z", "host.fs.rw=/a", "host.fs.hide=/m",
                              "host.fs.ro=/b");
  const ent_profile_t *p = ent_manager_profile (m);
  static const char *const paths[] = { "/a", "/b", "/m", "/z" };
  static const ent_mount_kind_t kinds[]
      = { ENT_MOUNT_BIND_RW, ENT_MOUNT_BIND_RO, ENT_MOUNT_HIDE, ENT_MOUNT_TMPFS };

  ck_assert_int_eq (p->fs.n_mounts, 4);
  for (size_t i = 0; i < 4; i++)
    {
      ck_assert_str_eq (p->fs.mounts[i].path, paths[i]);
      ck_assert_int_eq (p->fs.mounts[i].kind, kinds[i]);
    }
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- network ------------------------------------------------------------- */

static const struct
{
  const char *request;
  ent_net_mode_t mode;
  bool net_ns, admin;
} network_levels[] = {
  { "network.none", ENT_NET_NONE, true, false },
  { "network.user", ENT_NET_USER, true, false },
  { "network.proxy=http://10.0.0.1:3128", ENT_NET_PROXY, true, false },
  { "network.admin", ENT_NET_USER, true, true },
  { "network.host", ENT_NET_HOST, false, false },
};

START_TEST (network_level)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, network_levels[_i].request);
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (p->net.mode, network_levels[_i].mode);
  ck_assert_int_eq (p->ns.create[ENT_NS_NET], network_levels[_i].net_ns);
  ck_assert_int_eq (p->net.admin, network_levels[_i].admin);
  ck_assert (!p->net.host_loopback);
  ck_assert_int_eq (p->net.n_publish, 0);
  /* Only network.admin brings capabilities. */
  if (!network_levels[_i].admin)
    ck_assert_uint_eq (p->caps[ENT_CAPSET_BOUNDING], 0);
  if (network_levels[_i].mode != ENT_NET_PROXY)
    {
      ck_assert_ptr_null (p->net.proxy_url);
      ck_assert_int_eq (p->n_env, 0);
    }
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (proxy_environment)
{
  static const char *const vars[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY" };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.proxy=http://10.0.0.1:3128");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_str_eq (p->net.proxy_url, "http://10.0.0.1:3128");
  ck_assert_int_eq (p->n_env, 4);
  for (size_t i = 0; i < 4; i++)
    {
      ck_assert_int_eq (p->env[i].op, ENT_ENV_SET);
      ck_assert_str_eq (p->env[i].name, vars[i]);
      /* The payload talks to the relay inside, never to the URL itself. */
      ck_assert_str_eq (p->env[i].value, "http://127.0.0.1:3128");
    }
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const char *const good_proxies[] = {
  "http://10.0.0.1:3128", "http://proxy.example:8080", "http://proxy.example:8080/",
  "http://[::1]:3128",    "http://h:1",                "http://h:65535",
};

START_TEST (proxy_good)
{
  ent_catalogue_t *cat = test_catalogue ();
  char *req = NULL;
  ent_manager_t *m;

  ck_assert_int_ge (asprintf (&req, "network.proxy=%s", good_proxies[_i]), 0);
  m = SANDBOX (cat, req);
  ck_assert_str_eq (ent_manager_profile (m)->net.proxy_url, good_proxies[_i]);
  free (req);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const char *const bad_proxies[] = {
  "ftp://x:1",    "http://host",   "http://h:99999", "http://h:80/path", "http://h:0",
  "http://:80",   "http://[::1]",  "http://u@h:80",  "http://h:abc",     "https://h:443",
  "http://h:",    "HTTP://h:80",   "http://h:123456", "http://h:65536",
};

START_TEST (proxy_bad)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  char *req = NULL;

  ck_assert_int_ge (asprintf (&req, "network.proxy=%s", bad_proxies[_i]), 0);
  test_assert_error (test_grant (m, cat, req, &err), err, EINVAL, "network.proxy");
  test_assert_quotes (err, bad_proxies[_i]);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_NONE);
  ck_assert_int_eq (ent_manager_profile (m)->n_env, 0);
  free (req);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *spec;
  uint16_t host, sandbox;
  bool udp;
} good_publish[] = {
  { "8080:80", 8080, 80, false },
  { "53:53/udp", 53, 53, true },
  { "8443:443/tcp", 8443, 443, false },
  { "1:65535", 1, 65535, false },
  { "65535:1/udp", 65535, 1, true },
};

START_TEST (publish_good)
{
  ent_catalogue_t *cat = test_catalogue ();
  char *req = NULL;
  ent_manager_t *m;
  const ent_profile_t *p;

  ck_assert_int_ge (asprintf (&req, "network.publish=%s", good_publish[_i].spec), 0);
  m = SANDBOX (cat, "network.user", req);
  p = ent_manager_profile (m);
  ck_assert_int_eq (p->net.n_publish, 1);
  ck_assert_uint_eq (p->net.publish[0].host_port, good_publish[_i].host);
  ck_assert_uint_eq (p->net.publish[0].sandbox_port, good_publish[_i].sandbox);
  ck_assert_int_eq (p->net.publish[0].udp, good_publish[_i].udp);
  free (req);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const char *const bad_publish[] = {
  "80",      "0:80",     "70000:80", "1:2/sctp", "80:",      ":80",    "a:b",
  "1:2:3",   "80:0",     "80:70000", "1:2/",     "1:2/UDP",  "-1:80",  "123456:1",
  "65536:80", "80:65536",
};

START_TEST (publish_bad)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.user");
  ent_error_t *err = NULL;
  char *req = NULL;

  ck_assert_int_ge (asprintf (&req, "network.publish=%s", bad_publish[_i]), 0);
  test_assert_error (test_grant (m, cat, req, &err), err, EINVAL, bad_publish[_i]);
  ck_assert_int_eq (ent_manager_profile (m)->net.n_publish, 0);
  free (req);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (publish_sorted_and_protocols)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.admin", "network.publish=9000:1/udp",
                              "network.publish=8080:80", "network.publish=8080:80/udp",
                              "network.publish=443:443");
  const ent_profile_t *p = ent_manager_profile (m);

  /* The same host port may be published once per protocol. */
  ck_assert_int_eq (p->net.n_publish, 4);
  ck_assert_uint_eq (p->net.publish[0].host_port, 443);
  ck_assert (!p->net.publish[0].udp);
  ck_assert_uint_eq (p->net.publish[1].host_port, 8080);
  ck_assert (!p->net.publish[1].udp);
  ck_assert_uint_eq (p->net.publish[2].host_port, 8080);
  ck_assert (p->net.publish[2].udp);
  ck_assert_uint_eq (p->net.publish[3].host_port, 9000);
  ck_assert (p->net.publish[3].udp);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (publish_host_port_twice)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.user", "network.publish=8080:80");
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, "network.publish=8080:81", &err), err, EEXIST,
                     "8080/tcp");
  ck_assert_int_eq (ent_manager_profile (m)->net.n_publish, 1);
  ck_assert_uint_eq (ent_manager_profile (m)->net.publish[0].sandbox_port, 80);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *level, *request;
} needs_user_net[] = {
  { "network.none", "network.publish=8080:80" },
  { "network.host", "network.publish=8080:80" },
  { "network.proxy=http://h:1", "network.publish=8080:80" },
  { "network.none", "network.host-loopback" },
  { "network.host", "network.host-loopback" },
  { "network.proxy=http://h:1", "network.host-loopback" },
};

START_TEST (needs_user_network)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, needs_user_net[_i].level);
  ent_error_t *err = NULL;
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));

  test_assert_error (test_grant (m, cat, needs_user_net[_i].request, &err), err, EINVAL,
                     "needs network.user or network.admin");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (host_loopback_under_admin)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "network.admin", "network.host-loopback");

  ck_assert (ent_manager_profile (m)->net.host_loopback);
  ck_assert (ent_manager_profile (m)->net.admin);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- resources.* ---------------------------------------------------------- */

/* Every resources.* field and every rlimit, exactly: @field (an offset in
 * ent_resources_t, or (size_t) -1 for none) holds @value, the others -1;
 * @rlimit (or -1) is @value as soft and hard limit, the others unset. */
static void
assert_resources (const ent_profile_t *p, ent_res_backend_t backend, size_t field, int rlimit,
                  int64_t value)
{
  static const size_t fields[] = {
    offsetof (ent_resources_t, pids),     offsetof (ent_resources_t, memory),
    offsetof (ent_resources_t, cpu_time), offsetof (ent_resources_t, files),
    offsetof (ent_resources_t, file_size), offsetof (ent_resources_t, timeout),
  };

  /* Whatever is not granted is unset, but the default process limit. */
  bool pids_granted = field == offsetof (ent_resources_t, pids);

  ck_assert_int_eq (p->resources.backend, backend);
  for (size_t i = 0; i < TEST_N (fields); i++)
    {
      int64_t v = *(const int64_t *) ((const char *) &p->resources + fields[i]);
      int64_t dflt = i == 0 ? ENT_DEFAULT_PIDS : -1;
      ck_assert_int_eq (v, fields[i] == field ? value : dflt);
    }
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      int64_t dflt = r == ENT_RLIMIT_NPROC && backend == ENT_RES_RLIMIT && !pids_granted
                         ? ENT_DEFAULT_PIDS
                         : ENT_RLIM_UNSET;
      /* (Not value + 1 for any other: a timeout may be INT64_MAX.) */
      int64_t hard = r == rlimit && r == ENT_RLIMIT_CPU ? value + 1 : value;
      ck_assert_int_eq (p->rlimits[r].soft, r == rlimit ? value : dflt);
      ck_assert_int_eq (p->rlimits[r].hard, r == rlimit ? hard : dflt);
    }
}

#define RES(f) offsetof (ent_resources_t, f)

static const struct
{
  const char *request;
  ent_res_backend_t backend;
  size_t field;
  int rlimit; /* -1: none */
  int64_t value;
} resource_backends[] = {
  { "resources.pids=100", ENT_RES_RLIMIT, RES (pids), ENT_RLIMIT_NPROC, 100 },
  { "resources.pids=100", ENT_RES_CGROUP, RES (pids), -1, 100 },
  { "resources.memory=1G", ENT_RES_RLIMIT, RES (memory), -1, INT64_C (1073741824) },
  { "resources.memory=1G", ENT_RES_CGROUP, RES (memory), -1, INT64_C (1073741824) },
  { "resources.cpu-time=60", ENT_RES_RLIMIT, RES (cpu_time), ENT_RLIMIT_CPU, 60 },
  { "resources.cpu-time=60", ENT_RES_CGROUP, RES (cpu_time), ENT_RLIMIT_CPU, 60 },
  { "resources.files=256", ENT_RES_RLIMIT, RES (files), ENT_RLIMIT_NOFILE, 256 },
  { "resources.files=256", ENT_RES_CGROUP, RES (files), ENT_RLIMIT_NOFILE, 256 },
  { "resources.file-size=10M", ENT_RES_RLIMIT, RES (file_size), ENT_RLIMIT_FSIZE,
    INT64_C (10485760) },
  { "resources.file-size=10M", ENT_RES_CGROUP, RES (file_size), ENT_RLIMIT_FSIZE,
    INT64_C (10485760) },
  { "resources.timeout=30", ENT_RES_RLIMIT, RES (timeout), -1, 30 },
  { "resources.timeout=30", ENT_RES_CGROUP, RES (timeout), -1, 30 },
};

START_TEST (resource_backend)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_res_backend_t backend = resource_backends[_i].backend;
  ent_manager_t *m = test_manager_over (cat, test_host_profile (backend, false));
  ent_manager_t *def = test_manager_over (cat, test_host_profile (backend, false));
  ent_profile_t *expected;

  assert_resources (ent_manager_profile (m), backend, (size_t) -1, -1, 0);
  test_grant_ok (m, cat, resource_backends[_i].request);
  assert_resources (ent_manager_profile (m), backend, resource_backends[_i].field,
                    resource_backends[_i].rlimit, resource_backends[_i].value);
  /* Nothing but resources and rlimits changed. */
  expected = ent_profile_copy (ent_manager_profile (m));
  expected->resources = ent_manager_profile (def)->resources;
  memcpy (expected->rlimits, ent_manager_profile (def)->rlimits, sizeof (expected->rlimits));
  test_assert_profile_equal (expected, ent_manager_profile (def));
  ent_profile_free (expected);
  ent_manager_free (def);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* All six at once, on both backends. */
START_TEST (resources_all)
{
  static const char *const all[] = { "resources.pids=100",  "resources.memory=1G",
                                     "resources.cpu-time=60", "resources.files=256",
                                     "resources.file-size=10M", "resources.timeout=30", NULL };
  ent_res_backend_t backend = _i ? ENT_RES_CGROUP : ENT_RES_RLIMIT;
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (backend, false));
  const ent_profile_t *p;

  for (const char *const *r = all; *r; r++)
    test_grant_ok (m, cat, *r);
  p = ent_manager_profile (m);
  ck_assert_int_eq (p->resources.backend, backend);
  ck_assert_int_eq (p->resources.pids, 100);
  ck_assert_int_eq (p->resources.memory, INT64_C (1073741824));
  ck_assert_int_eq (p->resources.cpu_time, 60);
  ck_assert_int_eq (p->resources.files, 256);
  ck_assert_int_eq (p->resources.file_size, INT64_C (10485760));
  ck_assert_int_eq (p->resources.timeout, 30);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NPROC].soft, backend == ENT_RES_RLIMIT ? 100 : -1);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NPROC].hard, backend == ENT_RES_RLIMIT ? 100 : -1);
  /* Memory is the launcher's (a cgroup, or pid 1's watch): no rlimit. */
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_AS].soft, ENT_RLIM_UNSET);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_AS].hard, ENT_RLIM_UNSET);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_CPU].soft, 60);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_CPU].hard, 61);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NOFILE].soft, 256);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NOFILE].hard, 256);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_FSIZE].soft, INT64_C (10485760));
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_FSIZE].hard, INT64_C (10485760));
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_MEMLOCK].soft, ENT_RLIM_UNSET);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_CORE].soft, ENT_RLIM_UNSET);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *request;
  size_t field;
  int rlimit;
  int64_t value;
} resource_sizes[] = {
  { "resources.memory=1G", RES (memory), -1, INT64_C (1073741824) },
  { "resources.memory=1g", RES (memory), -1, INT64_C (1073741824) },
  { "resources.memory=512M", RES (memory), -1, INT64_C (536870912) },
  { "resources.memory=64k", RES (memory), -1, INT64_C (65536) },
  { "resources.memory=2T", RES (memory), -1, INT64_C (2199023255552) },
  { "resources.memory=1048576", RES (memory), -1, INT64_C (1048576) },
  { "resources.memory=+1K", RES (memory), -1, INT64_C (1024) },
  { "resources.memory=8388607T", RES (memory), -1, INT64_C (9223370937343148032) },
  { "resources.file-size=10M", RES (file_size), ENT_RLIMIT_FSIZE, INT64_C (10485760) },
  { "resources.file-size=1K", RES (file_size), ENT_RLIMIT_FSIZE, INT64_C (1024) },
  { "resources.file-size=3", RES (file_size), ENT_RLIMIT_FSIZE, INT64_C (3) },
  { "resources.pids=1", RES (pids), ENT_RLIMIT_NPROC, 1 },
  { "resources.timeout=9223372036854775807", RES (timeout), -1, INT64_MAX },
};

START_TEST (resource_size)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, resource_sizes[_i].request);
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, resource_sizes[_i].request, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_int_value (e), resource_sizes[_i].value);
  assert_resources (ent_manager_profile (m), ENT_RES_RLIMIT, resource_sizes[_i].field,
                    resource_sizes[_i].rlimit, resource_sizes[_i].value);
  ent_entitlement_free (e);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *request;
  int code;
  const char *message; /* the whole message */
} resource_refused[] = {
  { "resources.pids=0", EINVAL, "resources.pids=0: must be positive" },
  { "resources.pids=-1", EINVAL, "resources.pids=-1: must be positive" },
  { "resources.memory=0", EINVAL, "resources.memory=0: must be positive" },
  { "resources.memory=0G", EINVAL, "resources.memory=0: must be positive" },
  { "resources.memory=-1G", EINVAL, "resources.memory=-1073741824: must be positive" },
  { "resources.cpu-time=0", EINVAL, "resources.cpu-time=0: must be positive" },
  { "resources.cpu-time=-60", EINVAL, "resources.cpu-time=-60: must be positive" },
  { "resources.files=0", EINVAL, "resources.files=0: must be positive" },
  { "resources.files=-5", EINVAL, "resources.files=-5: must be positive" },
  { "resources.file-size=0", EINVAL, "resources.file-size=0: must be positive" },
  { "resources.file-size=-1M", EINVAL, "resources.file-size=-1048576: must be positive" },
  { "resources.timeout=0", EINVAL, "resources.timeout=0: must be positive" },
  { "resources.timeout=-30", EINVAL, "resources.timeout=-30: must be positive" },
  { "resources.timeout=-9223372036854775808", EINVAL,
    "resources.timeout=-9223372036854775808: must be positive" },
  /* A size suffix only where the catalogue says so. */
  { "resources.pids=10K", EINVAL,
    "entitlement 'resources.pids=10K': invalid integer '10K': trailing characters" },
  { "resources.pids=1G", EINVAL,
    "entitlement 'resources.pids=1G': invalid integer '1G': trailing characters" },
  { "resources.cpu-time=1M", EINVAL,
    "entitlement 'resources.cpu-time=1M': invalid integer '1M': trailing characters" },
  { "resources.files=1k", EINVAL,
    "entitlement 'resources.files=1k': invalid integer '1k': trailing characters" },
  { "resources.timeout=5s", EINVAL,
    "entitlement 'resources.timeout=5s': invalid integer '5s': trailing characters" },
  { "resources.memory=1X", EINVAL,
    "entitlement 'resources.memory=1X': invalid size '1X': expected digits with an optional K, "
    "M, G or T suffix" },
  { "resources.memory=1GB", EINVAL,
    "entitlement 'resources.memory=1GB': invalid size '1GB': expected digits with an optional "
    "K, M, G or T suffix" },
  { "resources.file-size=1.5G", EINVAL,
    "entitlement 'resources.file-size=1.5G': invalid size '1.5G': expected digits with an "
    "optional K, M, G or T suffix" },
  { "resources.memory=G", EINVAL,
    "entitlement 'resources.memory=G': invalid integer 'G': expected decimal digits" },
  { "resources.pids=abc", EINVAL,
    "entitlement 'resources.pids=abc': invalid integer 'abc': expected decimal digits" },
  { "resources.memory=8388608T", ERANGE,
    "entitlement 'resources.memory=8388608T': invalid integer '8388608T': out of range" },
  { "resources.pids=9223372036854775808", ERANGE,
    "entitlement 'resources.pids=9223372036854775808': invalid integer "
    "'9223372036854775808': out of range" },
  { "resources.pids", EINVAL, "entitlement 'resources.pids' needs a value: resources.pids=N" },
};

START_TEST (resource_refusal)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  size_t count = ent_manager_count (m);
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, resource_refused[_i].request, &err), err,
                     resource_refused[_i].code, NULL);
  ck_assert_str_eq (ent_error_message (err), resource_refused[_i].message);
  test_assert_profile_equal (ent_manager_profile (m), before);
  ck_assert_uint_eq (ent_manager_count (m), count);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (resource_one_value)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "resources.pids=100");
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  size_t count = ent_manager_count (m);
  ent_error_t *err = NULL;

  /* The same grant again changes nothing ... */
  test_grant_ok (m, cat, "resources.pids=100");
  ck_assert_uint_eq (ent_manager_count (m), count);
  test_assert_profile_equal (ent_manager_profile (m), before);
  /* ... another value from the same source is a conflict ... */
  test_assert_error (test_grant (m, cat, "resources.pids=200", &err), err, EEXIST, NULL);
  ck_assert_str_eq (ent_error_message (err),
                    "'resources.pids=100' (command line) and 'resources.pids=200' (command line): "
                    "only one value allowed");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (resource_cli_overrides_profile)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p;

  OK (ent_manager_add_request (m, cat, "resources.memory=2G", "dev.ini:4", ENT_PRECEDENCE_PROFILE,
                               NULL));
  test_grant_ok (m, cat, "resources.memory=512M");
  p = ent_manager_profile (m);
  ck_assert_int_eq (p->resources.memory, INT64_C (536870912));
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_AS].soft, ENT_RLIM_UNSET);
  /* A second value from a profile clashes with the first, although the
   * command line overrides both: all three in one batch would. */
  ck_assert_int_eq (ent_manager_add_request (m, cat, "resources.memory=4G", "dev.ini:5",
                                             ENT_PRECEDENCE_PROFILE, NULL),
                    -EEXIST);
  /* A profile's value given later does not override the command line:
   * it is kept, not in force (1). */
  ck_assert_int_eq (ent_manager_remove (m, "resources.memory=2G", NULL), 1);
  ck_assert_int_eq (ent_manager_add_request (m, cat, "resources.memory=4G", "dev.ini:5",
                                             ENT_PRECEDENCE_PROFILE, NULL),
                    1);
  ck_assert_int_eq (ent_manager_profile (m)->resources.memory, INT64_C (536870912));
  /* Without the command line's, it is in force. */
  ck_assert_int_eq (ent_manager_remove (m, "resources.memory=512M", NULL), 1);
  ck_assert_int_eq (ent_manager_profile (m)->resources.memory, INT64_C (4294967296));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- debug.* -------------------------------------------------------------- */

START_TEST (debug_ptrace_opens_exactly)
{
  assert_opened_exactly ("debug.ptrace", ptrace_family);
}
END_TEST

START_TEST (debug_perf_opens_exactly)
{
  assert_opened_exactly ("debug.perf", (const char *const[]){ "perf_event_open", NULL });
}
END_TEST

START_TEST (debug_ptrace_verdicts)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "debug.ptrace");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = ptrace_family; *s; s++)
    {
      ck_assert_msg (ent_profile_syscall_allowed (p, *s) == 2, "%s not allowed", *s);
      ck_assert_int_eq (verdict1 (p, *s, 0), 0);
    }
  /* gdb and setarch -R turn ASLR off; other personalities stay refused. */
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_), 0);
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_ | PER_LINUX32_), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0xffffffff), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0x0400000 /* READ_IMPLIES_EXEC */), EPERM);
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_ | 0x0400000), EPERM);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "personality"), 1);
  ck_assert_int_eq (verdict1 (p, "perf_event_open", 0), EPERM);
  /* Own processes only: no capability, PID namespace kept. */
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ck_assert (p->ns.create[ENT_NS_PID]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (debug_perf_verdicts)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "debug.perf");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "perf_event_open"), 2);
  ck_assert_int_eq (test_count_rules (p, "perf_event_open", ENT_SECCOMP_ALLOW), 1);
  ck_assert_int_eq (test_count_rules (p, "perf_event_open", ENT_SECCOMP_ERRNO), 0);
  ck_assert_int_eq (verdict1 (p, "ptrace", 0), EPERM);
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_), EPERM);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* debug.ptrace and host.processes.view go together (the sandbox's own PID
 * namespace keeps the host's processes out of reach), in any order. */
static const char *const *const ptrace_vs_view[] = {
  (const char *const[]){ "debug.ptrace", "host.processes.view", NULL },
  (const char *const[]){ "host.processes.view", "debug.ptrace", NULL },
  (const char *const[]){ "security.admin", "host.processes.view", "debug.ptrace", NULL },
  (const char *const[]){ "debug.ptrace", "security.admin", "host.processes.view", NULL },
};

START_TEST (debug_ptrace_with_view)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *const *set = ptrace_vs_view[_i];
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p;

  for (size_t n = 0; set[n]; n++)
    test_grant_ok (m, cat, set[n]);
  p = ent_manager_profile (m);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 2);
  ck_assert (p->ns.create[ENT_NS_PID]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (debug_ptrace_with_processes_admin)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "debug.ptrace", "host.processes.admin", "debug.perf");
  const ent_profile_t *p = ent_manager_profile (m);

  for (const char *const *s = ptrace_family; *s; s++)
    {
      ck_assert_int_eq (test_count_rules (p, *s, ENT_SECCOMP_ALLOW), 1);
      ck_assert_int_eq (test_count_rules (p, *s, ENT_SECCOMP_ERRNO), 0);
    }
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "perf_event_open"), 2);
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_), 0);
  ck_assert (p->ns.create[ENT_NS_PID]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* security.admin resets seccomp; the flags apply after it. */
START_TEST (debug_flags_under_admin)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "debug.perf", "debug.ptrace", "security.admin");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "perf_event_open"), 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 2);
  ck_assert_int_eq (verdict1 (p, "personality", ADDR_NO_RANDOMIZE_), 0);
  ck_assert_int_eq (verdict1 (p, "personality", 0x0400000), EPERM);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- api.access ----------------------------------------------------------- */

static const char *const api_names[] = {
  "ssh-agent", "gpg-agent", "dbus-session", "dbus-system", "docker",
  "podman",    "x11",       "wayland",      "pipewire",
};

static bool
env_has (const ent_profile_t *p, ent_env_op_t op, const char *name)
{
  for (size_t i = 0; i < p->n_env; i++)
    if (p->env[i].op == op && strcmp (p->env[i].name, name) == 0)
      return true;
  return false;
}

static int
mount_kind_of (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      return (int) p->fs.mounts[i].kind;
  return -1;
}

/* @p, over a host with every API, hides exactly the APIs not in @allowed
 * (a bit mask of ent_api_t) and unsets exactly their variables. */
static void
assert_api_visible (const ent_profile_t *p, unsigned allowed)
{
  size_t hidden = 0, unset = 0;

  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      bool allow = allowed & (1u << i);

      ck_assert_int_eq (p->api[i].allow, allow);
      for (const char *const *s = test_api_endpoints[i].paths; *s; s++, hidden += !allow)
        ck_assert_msg (mount_kind_of (p, *s) == (allow ? -1 : (int) ENT_MOUNT_HIDE),
                       "%s: %s hidden = %d", api_names[i], *s, mount_kind_of (p, *s));
      for (const char *const *s = test_api_endpoints[i].vars; *s; s++, unset += !allow)
        ck_assert_msg (env_has (p, ENT_ENV_UNSET, *s) == !allow, "%s: %s", api_names[i], *s);
    }
  ck_assert_uint_eq (p->fs.n_mounts, hidden);
  ck_assert_uint_eq (p->n_env, unset);
  for (size_t i = 0; i < p->n_env; i++)
    ck_assert_int_eq (p->env[i].op, ENT_ENV_UNSET);
}

START_TEST (api_names_match)
{
  ck_assert_int_eq (TEST_N (api_names), ENT_API_COUNT);
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      ck_assert_str_eq (ent_api_name (i), api_names[i]);
      ck_assert_str_eq (test_api_endpoints[i].name, api_names[i]);
    }
}
END_TEST

START_TEST (api_default_hides_all)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  const ent_profile_t *p = ent_manager_profile (m);

  assert_api_visible (p, 0);
  for (int i = 0; i < ENT_API_COUNT; i++)
    ck_assert (!p->api[i].granted);
  /* The launcher's discovery is kept. */
  ck_assert_str_eq (p->api[ENT_API_DOCKER].paths[1], "/run/user/1000/docker.sock");
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_allow_each)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  char *req = NULL;
  const ent_profile_t *p;

  ck_assert_int_ge (asprintf (&req, "api.access=%s:allow", api_names[_i]), 0);
  test_grant_ok (m, cat, req);
  p = ent_manager_profile (m);
  assert_api_visible (p, 1u << _i);
  for (int i = 0; i < ENT_API_COUNT; i++)
    ck_assert_int_eq (p->api[i].granted, i == (int) _i);
  free (req);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_deny_each)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *def = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_profile_t *expected = ent_profile_copy (ent_manager_profile (def));
  char *req = NULL;

  ck_assert_int_ge (asprintf (&req, "api.access=%s:deny", api_names[_i]), 0);
  test_grant_ok (m, cat, req);
  assert_api_visible (ent_manager_profile (m), 0);
  /* Exactly the default, but recorded as granted. */
  expected->api[_i].granted = true;
  test_assert_profile_equal (ent_manager_profile (m), expected);
  free (req);
  ent_profile_free (expected);
  ent_manager_free (m);
  ent_manager_free (def);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_allow_several)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_CGROUP, true));

  test_grant_ok (m, cat, "api.access=x11:allow");
  test_grant_ok (m, cat, "api.access=docker:allow");
  test_grant_ok (m, cat, "api.access=ssh-agent:deny");
  test_grant_ok (m, cat, "api.access=wayland:allow");
  assert_api_visible (ent_manager_profile (m),
                      (1u << ENT_API_X11) | (1u << ENT_API_DOCKER) | (1u << ENT_API_WAYLAND));
  ck_assert (ent_manager_profile (m)->api[ENT_API_SSH_AGENT].granted);
  ck_assert (!ent_manager_profile (m)->api[ENT_API_PODMAN].granted);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Without endpoints (nothing found on the host) a grant only records. */
START_TEST (api_without_endpoints)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = SANDBOX (cat, "api.access=docker:allow", "api.access=podman:deny");
  const ent_profile_t *p = ent_manager_profile (m);

  ck_assert (p->api[ENT_API_DOCKER].allow);
  ck_assert (p->api[ENT_API_DOCKER].granted);
  ck_assert (!p->api[ENT_API_PODMAN].allow);
  ck_assert (p->api[ENT_API_PODMAN].granted);
  ck_assert_uint_eq (p->fs.n_mounts, 0);
  ck_assert_uint_eq (p->n_env, 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

#define API_NAMES \
  "(ssh-agent, gpg-agent, dbus-session, dbus-system, docker, podman, x11, wayland, pipewire)"

static const struct
{
  const char *request;
  const char *message; /* the whole message */
} api_refused[] = {
  { "api.access=foo:allow", "api.access=foo:allow: unknown API 'foo' " API_NAMES },
  { "api.access=Docker:allow", "api.access=Docker:allow: unknown API 'Docker' " API_NAMES },
  { "api.access=ssh_agent:deny", "api.access=ssh_agent:deny: unknown API 'ssh_agent' " API_NAMES },
  { "api.access=:allow", "api.access=:allow: unknown API '' " API_NAMES },
  { "api.access=docker:allow:deny",
    "api.access=docker:allow:deny: unknown API 'docker:allow' " API_NAMES },
  { "api.access=docker", "api.access=docker: expected NAME:allow or NAME:deny" },
  { "api.access=docker:", "api.access=docker:: expected NAME:allow or NAME:deny" },
  { "api.access=docker:yes", "api.access=docker:yes: expected NAME:allow or NAME:deny" },
  { "api.access=docker:ALLOW", "api.access=docker:ALLOW: expected NAME:allow or NAME:deny" },
  { "api.access=docker:allow ", "api.access=docker:allow : expected NAME:allow or NAME:deny" },
  { "api.access=allow", "api.access=allow: expected NAME:allow or NAME:deny" },
  { "api.access=foo", "api.access=foo: expected NAME:allow or NAME:deny" },
};

START_TEST (api_refusal)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, api_refused[_i].request, &err), err, EINVAL, NULL);
  ck_assert_str_eq (ent_error_message (err), api_refused[_i].message);
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_needs_value)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_catalogue_instantiate (cat, "api.access", &err));
  test_assert_err (err, EINVAL, NULL);
  ck_assert_str_eq (ent_error_message (err),
                    "entitlement 'api.access' needs a value: api.access=VALUE");
  ent_error_free (err);
  ent_catalogue_free (cat);
}
END_TEST

/* allow and deny of one API conflict, in either order; the message is the
 * same because grants are applied in canonical order. */
START_TEST (api_allow_deny_conflict)
{
  static const char *const pair[] = { "api.access=docker:allow", "api.access=docker:deny" };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_profile_t *before;
  ent_error_t *err = NULL;

  test_grant_ok (m, cat, pair[_i]);
  before = ent_profile_copy (ent_manager_profile (m));
  test_assert_error (test_grant (m, cat, pair[1 - _i], &err), err, EEXIST, NULL);
  /* One setting (the same API), two values, same precedence: the manager
   * refuses it as it refuses two values of any single setting. */
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), pair[0]));
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), pair[1]));
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "only one value allowed"));
  test_assert_profile_equal (ent_manager_profile (m), before);
  assert_api_visible (ent_manager_profile (m), _i == 0 ? 1u << ENT_API_DOCKER : 0);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A command-line api.access overrides a profile's for the same API. */
START_TEST (api_cli_overrides_profile)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_error_t *err = NULL;

  ck_assert_int_eq (ent_manager_add_request (m, cat, "api.access=docker:deny", "p.ini:2",
                                             ENT_PRECEDENCE_PROFILE, &err),
                    0);
  ck_assert_int_eq (ent_manager_add_request (m, cat, "api.access=docker:allow", "command line",
                                             ENT_PRECEDENCE_CLI, &err),
                    0);
  assert_api_visible (ent_manager_profile (m), 1u << ENT_API_DOCKER);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_same_grant_twice)
{
  static const char *const grants[] = { "api.access=pipewire:allow", "api.access=pipewire:deny" };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_profile_t *before;
  size_t count;

  test_grant_ok (m, cat, grants[_i]);
  before = ent_profile_copy (ent_manager_profile (m));
  count = ent_manager_count (m);
  test_grant_ok (m, cat, grants[_i]);
  ck_assert_uint_eq (ent_manager_count (m), count);
  test_assert_profile_equal (ent_manager_profile (m), before);
  /* The environment is not unset twice either. */
  assert_api_visible (ent_manager_profile (m), _i == 0 ? 1u << ENT_API_PIPEWIRE : 0);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A denied API's socket cannot be bound in by host.fs.*: api.access is the
 * way to allow it. */
static const struct
{
  const char *request;
  const char *message;
} api_fs_conflicts[] = {
  { "host.fs.rw=/run/docker.sock",
    "api.access=docker:deny (the default): conflicting grants for '/run/docker.sock': host.fs.rw "
    "and host.fs.hide" },
  { "host.fs.ro=/run/user/1000/bus",
    "api.access=dbus-session:deny (the default): conflicting grants for '/run/user/1000/bus': "
    "host.fs.ro and host.fs.hide" },
  { "host.fs.tmpfs=/tmp/.X11-unix",
    "api.access=x11:deny (the default): conflicting grants for '/tmp/.X11-unix': host.fs.tmpfs "
    "and host.fs.hide" },
};

START_TEST (api_denied_path_vs_fs)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, api_fs_conflicts[_i].request, &err), err, EEXIST,
                     "api.access");
  ck_assert_str_eq (ent_error_message (err), api_fs_conflicts[_i].message);
  test_assert_profile_equal (ent_manager_profile (m), before);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (api_allowed_path_vs_fs)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_over (cat, test_host_profile (ENT_RES_RLIMIT, true));
  ent_entitlement_t *ents[2] = {
    ent_catalogue_instantiate (cat, "host.fs.rw=/run/docker.sock", NULL),
    ent_catalogue_instantiate (cat, "api.access=docker:allow", NULL),
  };
  const ent_profile_t *p;

  ck_assert_ptr_nonnull (ents[0]);
  ck_assert_ptr_nonnull (ents[1]);
  /* Together in one batch, in the order that fails one by one. */
  OK (ent_manager_add_all (m, ents, 2, NULL));
  p = ent_manager_profile (m);
  ck_assert_int_eq (mount_kind_of (p, "/run/docker.sock"), ENT_MOUNT_BIND_RW);
  ck_assert_int_eq (mount_kind_of (p, "/run/user/1000/docker.sock"), -1);
  ck_assert (!env_has (p, ENT_ENV_UNSET, "DOCKER_HOST"));
  /* The same kind as the API's own hiding is no conflict. */
  test_grant_ok (m, cat, "host.fs.hide=/run/user/1000/bus");
  ck_assert_int_eq (mount_kind_of (ent_manager_profile (m), "/run/user/1000/bus"), ENT_MOUNT_HIDE);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- order independence --------------------------------------------------- */

#define PERM_N 5

static const char *const *const perm_sets_new[] = {
  (const char *const[]){ "resources.memory=1G", "api.access=docker:allow", "debug.ptrace",
                         "resources.pids=64", "api.access=ssh-agent:deny" },
  (const char *const[]){ "debug.perf", "resources.timeout=30", "api.access=x11:allow",
                         "host.fs.rw=/srv", "resources.file-size=1M" },
  (const char *const[]){ "security.admin", "debug.ptrace", "api.access=wayland:deny",
                         "resources.files=64", "host.processes.admin" },
};

static bool
next_perm (size_t *a, size_t n)
{
  size_t i = n - 1, j = n - 1, t;

  while (i > 0 && a[i - 1] >= a[i])
    i--;
  if (i == 0)
    return false;
  while (a[j] <= a[i - 1])
    j--;
  t = a[i - 1];
  a[i - 1] = a[j];
  a[j] = t;
  for (j = n - 1; i < j; i++, j--)
    {
      t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  return true;
}

/* DESIGN invariant 5 for resources.*, debug.* and api.access, on both
 * backends and with every host API present: any order, the same bytes. */
START_TEST (new_entries_order_independent)
{
  const char *const *set = perm_sets_new[_i / 2];
  ent_res_backend_t backend = _i % 2 ? ENT_RES_CGROUP : ENT_RES_RLIMIT;
  ent_catalogue_t *cat = test_catalogue ();
  size_t perm[PERM_N] = { 0, 1, 2, 3, 4 };
  ent_manager_t *first = NULL;
  char *first_json = NULL;
  size_t count = 0;

  do
    {
      ent_manager_t *m = test_manager_over (cat, test_host_profile (backend, true));
      char *json = NULL;

      for (size_t i = 0; i < PERM_N; i++)
        test_grant_ok (m, cat, set[perm[i]]);
      OK (ent_render (m, cat, ENT_RENDER_JSON, &json, NULL));
      count++;
      if (first == NULL)
        {
          first = m;
          first_json = json;
          continue;
        }
      test_assert_profile_equal (ent_manager_profile (m), ent_manager_profile (first));
      ck_assert_str_eq (json, first_json);
      free (json);
      ent_manager_free (m);
    }
  while (next_perm (perm, PERM_N));
  ck_assert_int_eq (count, 120);
  free (first_json);
  ent_manager_free (first);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- registration and instantiation -------------------------------------- */

static int
cap_sys_admin_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) data;
  return ent_profile_add_caps (p, err, "CAP_SYS_ADMIN", NULL);
}

static int
set_hostname_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) err;
  return ent_profile_set_string (&p->hostname, data);
}

START_TEST (register_custom)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_definition_t def = { .name = "security.custom.cap-sys-admin", .type = ENT_TYPE_VOID,
                           .order = ENT_ORDER_CUSTOM, .description = "CAP_SYS_ADMIN",
                           .void_fn = cap_sys_admin_cb };
  ent_error_t *err = NULL;
  ent_manager_t *m;

  ck_assert_int_eq (ent_catalogue_register (cat, &def, &err), 0);
  ck_assert_int_eq (ent_catalogue_size (cat), CATALOGUE_SIZE + 1);
  ck_assert_ptr_nonnull (ent_catalogue_lookup (cat, "security.custom.cap-sys-admin"));
  /* Strings are copied. */
  ck_assert_ptr_ne (ent_catalogue_lookup (cat, "security.custom.cap-sys-admin")->name, def.name);
  m = SANDBOX (cat, "security.custom.cap-sys-admin");
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (ent_manager_profile (m)->caps[s], ENT_CAP_BIT (CAP_SYS_ADMIN));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (register_custom_default_level)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_definition_t low = { .name = "acme.tier.low", .type = ENT_TYPE_VOID, .group = "acme.tier",
                           .is_default = true, .order = ENT_ORDER_LEVEL,
                           .void_fn = set_hostname_cb, .data = (void *) "low" };
  ent_definition_t high = { .name = "acme.tier.high", .type = ENT_TYPE_VOID, .group = "acme.tier",
                            .order = ENT_ORDER_LEVEL, .void_fn = set_hostname_cb,
                            .data = (void *) "high" };
  ent_manager_t *m;

  ck_assert_int_eq (ent_catalogue_register (cat, &low, NULL), 0);
  ck_assert_int_eq (ent_catalogue_register (cat, &high, NULL), 0);
  m = test_manager (cat);
  ck_assert_str_eq (ent_manager_profile (m)->hostname, "low");
  ck_assert_int_eq (ent_manager_count (m), 5);
  test_grant_ok (m, cat, "acme.tier.high");
  ck_assert_str_eq (ent_manager_profile (m)->hostname, "high");
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const char *const reserved_names[] = {
  "network.foo",        "host.fs.foo", "resources.bar", "security.foo", "debug.x",
  "api.y",              "host.devices.z", "host.processes.w", "network.none",
};

START_TEST (register_reserved)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_definition_t def = { .name = reserved_names[_i], .type = ENT_TYPE_VOID,
                           .void_fn = cap_sys_admin_cb };
  ent_error_t *err = NULL;

  test_assert_error (ent_catalogue_register (cat, &def, &err), err, EPERM, "reserved");
  test_assert_quotes (err, reserved_names[_i]);
  ck_assert_int_eq (ent_catalogue_size (cat), CATALOGUE_SIZE);
  ent_error_free (err);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (domain_reserved)
{
  ck_assert (ent_domain_reserved ("network"));
  ck_assert (ent_domain_reserved ("security"));
  ck_assert (ent_domain_reserved ("host.fs"));
  ck_assert (ent_domain_reserved ("host.devices"));
  ck_assert (ent_domain_reserved ("host.processes"));
  ck_assert (ent_domain_reserved ("resources"));
  ck_assert (ent_domain_reserved ("debug"));
  ck_assert (ent_domain_reserved ("api"));
  /* host.clipboard's domain, and every domain below a built-in one. */
  ck_assert (ent_domain_reserved ("host"));
  ck_assert (ent_domain_reserved ("network.none"));
  ck_assert (ent_domain_reserved ("host.fs.rw"));
  ck_assert (ent_domain_reserved ("security.fs-read-only"));
  /* ROOT.custom is a platform's, and so is below it. */
  ck_assert (!ent_domain_reserved ("security.custom"));
  ck_assert (!ent_domain_reserved ("network.custom.acme"));
  ck_assert (ent_domain_reserved ("security.customs"));
  ck_assert (!ent_domain_reserved ("hosts"));
  ck_assert (!ent_domain_reserved ("networking"));
  ck_assert (!ent_domain_reserved ("acme"));
  ck_assert (!ent_domain_reserved (NULL));
}
END_TEST

START_TEST (register_duplicate)
{
  ent_catalogue_t *cat = ent_catalogue_new ();
  ent_definition_t def = { .name = "acme.flag", .type = ENT_TYPE_VOID, .void_fn = cap_sys_admin_cb };
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (cat);
  ck_assert_int_eq (ent_catalogue_size (cat), 0);
  ck_assert_int_eq (ent_catalogue_register (cat, &def, NULL), 0);
  test_assert_error (ent_catalogue_register (cat, &def, &err), err, EEXIST, "already defined");
  test_assert_quotes (err, "acme.flag");
  ck_assert_int_eq (ent_catalogue_size (cat), 1);
  ent_error_free (err);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (register_invalid)
{
  ent_catalogue_t *cat = ent_catalogue_new ();
  ent_definition_t with_value = { .name = "acme.flag=1", .type = ENT_TYPE_VOID,
                                  .void_fn = cap_sys_admin_cb };
  ent_definition_t bad_name = { .name = "Acme.flag", .type = ENT_TYPE_VOID,
                                .void_fn = cap_sys_admin_cb };
  ent_definition_t no_fn = { .name = "acme.flag", .type = ENT_TYPE_STRING,
                             .void_fn = cap_sys_admin_cb };
  ent_definition_t lonely_default = { .name = "acme.flag", .type = ENT_TYPE_VOID,
                                      .is_default = true, .void_fn = cap_sys_admin_cb };
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (cat);
  test_assert_error (ent_catalogue_register (cat, &with_value, &err), err, EINVAL, "value");
  ent_error_clear (&err);
  test_assert_error (ent_catalogue_register (cat, &bad_name, &err), err, EINVAL, "uppercase");
  ent_error_clear (&err);
  test_assert_error (ent_catalogue_register (cat, &no_fn, &err), err, EINVAL, "no string callback");
  ent_error_clear (&err);
  test_assert_error (ent_catalogue_register (cat, &lonely_default, &err), err, EINVAL,
                     "needs a group");
  ck_assert_int_eq (ent_catalogue_size (cat), 0);
  ent_error_free (err);
  ent_catalogue_free (cat);
}
END_TEST

static const struct
{
  const char *request;
  int code;
  const char *why;
} bad_requests[] = {
  { "network.bogus", ENOENT, "unknown entitlement 'network.bogus'" },
  { "acme.thing=1", ENOENT, "unknown entitlement 'acme.thing=1'" },
  { "network.none=1", EINVAL, "takes no value" },
  { "security.admin=yes", EINVAL, "takes no value" },
  { "host.fs.rw", EINVAL, "needs a value" },
  { "network.proxy", EINVAL, "needs a value" },
  { "host.fs.rw=", EINVAL, "empty value" },
  { "Network.none", EINVAL, "uppercase" },
  { "network", EINVAL, "DOMAIN.IDENTIFIER" },
};

START_TEST (instantiate_errors)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_catalogue_instantiate (cat, bad_requests[_i].request, &err));
  test_assert_err (err, bad_requests[_i].code, bad_requests[_i].why);
  ent_error_free (err);
  ent_catalogue_free (cat);
}
END_TEST

Suite *
catalogue_suite (void)
{
  Suite *s = suite_create ("catalogue");
  TCase *tc = tcase_create ("catalogue");

  tcase_add_test (tc, catalogue_count);
  tcase_add_test (tc, catalogue_sorted_and_found);
  tcase_add_loop_test (tc, entry_attributes, 0, TEST_N (entry_cases));
  tcase_add_loop_test (tc, entry_effect_bare, 0, TEST_N (entry_cases));
  tcase_add_loop_test (tc, entry_effect_sandboxed, 0, TEST_N (entry_cases));
  tcase_add_loop_test (tc, entry_effect_cgroup, 0, TEST_N (entry_cases));
  tcase_add_loop_test (tc, instantiated_attributes, 0, TEST_N (entry_cases));
  tcase_add_test (tc, confined_default_profile);
  tcase_add_test (tc, explicit_confined_is_default);
  tcase_add_test (tc, view_caps_exact);
  tcase_add_test (tc, admin_caps_exact);
  tcase_add_test (tc, network_admin_caps_exact);
  tcase_add_test (tc, seccomp_basics);
  tcase_add_loop_test (tc, confined_denies, 0, TEST_N (confined_denied));
  tcase_add_test (tc, confined_clone_conditional);
  tcase_add_test (tc, confined_clone_verdicts);
  tcase_add_test (tc, confined_clone3_enosys);
  tcase_add_test (tc, confined_ioctl_rules);
  tcase_add_test (tc, confined_ioctl_verdicts);
  tcase_add_test (tc, confined_personality);
  tcase_add_test (tc, confined_socket_allowlist);
  tcase_add_test (tc, network_admin_socket_allowlist);
  tcase_add_test (tc, network_admin_changes_only_sockets);
  tcase_add_test (tc, admin_seccomp);
  tcase_add_test (tc, admin_opens_exactly);
  tcase_add_test (tc, view_opens_exactly);
  tcase_add_test (tc, memory_lock_opens_exactly);
  tcase_add_test (tc, processes_admin_opens_exactly);
  tcase_add_loop_test (tc, admin_still_denies, 0, TEST_N (admin_still_denied));
  tcase_add_test (tc, view_seccomp);
  tcase_add_test (tc, memory_lock_effect);
  tcase_add_test (tc, memory_lock_with_admin);
  tcase_add_test (tc, processes_admin_ptrace);
  tcase_add_test (tc, processes_view_keeps_ptrace_of_admin);
  tcase_add_test (tc, confined_paths);
  tcase_add_test (tc, view_paths);
  tcase_add_test (tc, admin_paths);
  tcase_add_loop_test (tc, device_level, 0, TEST_N (device_levels));
  tcase_add_loop_test (tc, process_level, 0, TEST_N (process_levels));
  tcase_add_test (tc, fs_read_only_flag);
  tcase_add_loop_test (tc, fs_grant, 0, TEST_N (fs_grants));
  tcase_add_loop_test (tc, fs_refusal, 0, TEST_N (fs_refused));
  tcase_add_test (tc, fs_relative_needs_cwd);
  tcase_add_loop_test (tc, fs_conflict, 0, TEST_N (fs_conflicts));
  tcase_add_test (tc, fs_mounts_sorted);
  tcase_add_loop_test (tc, network_level, 0, TEST_N (network_levels));
  tcase_add_test (tc, proxy_environment);
  tcase_add_loop_test (tc, proxy_good, 0, TEST_N (good_proxies));
  tcase_add_loop_test (tc, proxy_bad, 0, TEST_N (bad_proxies));
  tcase_add_loop_test (tc, publish_good, 0, TEST_N (good_publish));
  tcase_add_loop_test (tc, publish_bad, 0, TEST_N (bad_publish));
  tcase_add_test (tc, publish_sorted_and_protocols);
  tcase_add_test (tc, publish_host_port_twice);
  tcase_add_loop_test (tc, needs_user_network, 0, TEST_N (needs_user_net));
  tcase_add_test (tc, host_loopback_under_admin);
  tcase_add_loop_test (tc, resource_backend, 0, TEST_N (resource_backends));
  tcase_add_loop_test (tc, resources_all, 0, 2);
  tcase_add_loop_test (tc, resource_size, 0, TEST_N (resource_sizes));
  tcase_add_loop_test (tc, resource_refusal, 0, TEST_N (resource_refused));
  tcase_add_test (tc, resource_one_value);
  tcase_add_test (tc, resource_cli_overrides_profile);
  tcase_add_test (tc, debug_ptrace_opens_exactly);
  tcase_add_test (tc, debug_perf_opens_exactly);
  tcase_add_test (tc, debug_ptrace_verdicts);
  tcase_add_test (tc, debug_perf_verdicts);
  tcase_add_loop_test (tc, debug_ptrace_with_view, 0, TEST_N (ptrace_vs_view));
  tcase_add_test (tc, debug_ptrace_with_processes_admin);
  tcase_add_test (tc, debug_flags_under_admin);
  tcase_add_test (tc, api_names_match);
  tcase_add_test (tc, api_default_hides_all);
  tcase_add_loop_test (tc, api_allow_each, 0, ENT_API_COUNT);
  tcase_add_loop_test (tc, api_deny_each, 0, ENT_API_COUNT);
  tcase_add_test (tc, api_allow_several);
  tcase_add_test (tc, api_without_endpoints);
  tcase_add_loop_test (tc, api_refusal, 0, TEST_N (api_refused));
  tcase_add_test (tc, api_needs_value);
  tcase_add_loop_test (tc, api_allow_deny_conflict, 0, 2);
  tcase_add_loop_test (tc, api_same_grant_twice, 0, 2);
  tcase_add_test (tc, api_cli_overrides_profile);
  tcase_add_loop_test (tc, api_denied_path_vs_fs, 0, TEST_N (api_fs_conflicts));
  tcase_add_test (tc, api_allowed_path_vs_fs);
  tcase_add_loop_test (tc, new_entries_order_independent, 0, 2 * TEST_N (perm_sets_new));
  tcase_add_test (tc, register_custom);
  tcase_add_test (tc, register_custom_default_level);
  tcase_add_loop_test (tc, register_reserved, 0, TEST_N (reserved_names));
  tcase_add_test (tc, domain_reserved);
  tcase_add_test (tc, register_duplicate);
  tcase_add_test (tc, register_invalid);
  tcase_add_loop_test (tc, instantiate_errors, 0, TEST_N (bad_requests));
  suite_add_tcase (s, tc);
  return s;
}
