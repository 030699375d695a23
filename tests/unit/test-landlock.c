/* Unit tests of launcher/landlock.c's plan: a resolved profile and a
 * Landlock ABI in, a ruleset description out, with no system call, so
 * every ABI from none to newer than this kernel's is tried here (the
 * black-box tests, tests/blackbox/landlock.sh, try this kernel's from
 * inside). */
#include <check.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "entitlement.h"
#include "json-check.h"
#include "landlock.h"

#define FS_REFER (1ULL << 13)
#define FS_TRUNCATE (1ULL << 14)
#define FS_IOCTL_DEV (1ULL << 15)
#define FS_NODE (LANDLOCK_ACCESS_FS_WRITE_FILE | FS_TRUNCATE | FS_IOCTL_DEV)
#define NET_CONNECT (1ULL << 1)
#define LL_RESOLVE_UNIX (1ULL << 16)
#define LL_MAX_ABI 9
#define FS_READ_ALL                                                                                \
  (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* What a writable place gets at ABI 7. */
#define FS_WRITE_ALL                                                                               \
  (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE  \
   | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK      \
   | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | FS_REFER | FS_TRUNCATE            \
   | FS_IOCTL_DEV)

static ent_catalogue_t *cat;

#define GRANTS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* The profile entrun resolves for @grants in /srv/proj, home /srv. */
static ent_manager_t *
manager (const char *const *grants)
{
  ent_error_t *err = NULL;
  ent_profile_t *base = ent_profile_new ();
  ent_manager_t *m;

  ck_assert_ptr_nonnull (base);
  base->host_boundary = true;
  ck_assert_int_eq (ent_profile_set_string (&base->cwd, "/srv/proj"), 0);
  ck_assert_int_eq (ent_profile_set_string (&base->home, "/srv"), 0);
  m = ent_manager_new (base, cat, NULL);
  ck_assert_ptr_nonnull (m);
  for (; grants && *grants; grants++)
    ck_assert_msg (ent_manager_add_request (m, cat, *grants, "test", ENT_PRECEDENCE_CLI, &err)
                       == 0,
                   "%s: %s", *grants, ent_error_message (err));
  return m;
}

static ent_manager_t *m;
static entrun_landlock_plan_t plan;

static void
plan_for (const char *const *grants, int abi)
{
  if (m)
    ent_manager_free (m);
  entrun_landlock_plan_clear (&plan);
  m = manager (grants);
  ck_assert_int_eq (entrun_landlock_plan (ent_manager_profile (m), abi, &plan), 0);
}

static void
teardown (void)
{
  entrun_landlock_plan_clear (&plan);
  if (m)
    ent_manager_free (m);
  m = NULL;
}

/* The rights of the rules on @path, 0 without one. */
static uint64_t
rule (const char *path)
{
  uint64_t a = 0;

  for (size_t i = 0; i < plan.n_paths; i++)
    if (strcmp (plan.paths[i].path, path) == 0)
      a |= plan.paths[i].access;
  return a;
}

/* The rights @path gets from every rule on it or above it: Landlock
 * grants the union along the path. */
static uint64_t
rights_at (const char *path)
{
  uint64_t a = 0;

  for (size_t i = 0; i < plan.n_paths; i++)
    {
      const char *r = plan.paths[i].path;
      size_t n = strlen (r);
      if (strcmp (r, ENTRUN_LL_TOP_ENTRIES) == 0)
        {
          /* Each top-level entry but dev, proc and sys. */
          if (strncmp (path, "/dev/", 5) != 0 && strncmp (path, "/proc/", 6) != 0
              && strncmp (path, "/sys/", 5) != 0 && strchr (path + 1, '/') != NULL)
            a |= plan.paths[i].access;
        }
      else if (strcmp (r, "/") == 0 || (strncmp (path, r, n) == 0 && (path[n] == '/' || !path[n])))
        a |= plan.paths[i].access;
    }
  return a;
}

START_TEST (default_profile_writes_only_where_mounts_do)
{
  plan_for (NULL, 7);
  ck_assert_uint_eq (plan.handled_fs, 0xffff);
  ck_assert_uint_eq (rule ("/"), LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE
                                     | LANDLOCK_ACCESS_FS_READ_DIR);
  ck_assert (rule ("/srv/proj") & LANDLOCK_ACCESS_FS_MAKE_REG);
  ck_assert (rule ("/srv/proj") & FS_REFER);
  ck_assert (rule ("/tmp") & LANDLOCK_ACCESS_FS_WRITE_FILE);
  /* Nothing else of the host: the home, /usr, /etc. */
  ck_assert (!(rights_at ("/srv/.bashrc") & LANDLOCK_ACCESS_FS_WRITE_FILE));
  ck_assert (!(rights_at ("/usr/bin/sh") & LANDLOCK_ACCESS_FS_WRITE_FILE));
  ck_assert (!(rights_at ("/srv/other") & LANDLOCK_ACCESS_FS_MAKE_REG));
  /* No device node is made, ever. */
  for (size_t i = 0; i < plan.n_paths; i++)
    ck_assert (!(plan.paths[i].access
                 & (LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK)));
  /* entrun's own /dev, which holds only harmless nodes: one rule, for
   * writes and ioctls, not for new files. */
  ck_assert_uint_eq (rule ("/dev"), FS_NODE);
  ck_assert_uint_eq (rights_at ("/dev/pts/0") & ~rule ("/"), FS_NODE);
  ck_assert (rule ("/dev/shm") & LANDLOCK_ACCESS_FS_MAKE_REG);
  /* The host's /dev (host.devices.view): the harmless nodes only. */
  plan_for (GRANTS ("host.devices.view"), 7);
  ck_assert_uint_eq (rule ("/dev"), 0);
  ck_assert_uint_eq (rule ("/dev/null"), FS_NODE);
  ck_assert_uint_eq (rule ("/dev/pts"), FS_NODE);
  ck_assert_uint_eq (rights_at ("/dev/sda"), rule ("/"));
  ck_assert_uint_eq (rights_at ("/dev/net/tun"), rule ("/"));
  plan_for (NULL, 7);
  ck_assert (!(rule ("/proc") & LANDLOCK_ACCESS_FS_MAKE_REG));
  ck_assert_uint_eq (rule ("/sys"), 0);
  ck_assert (plan.fd_rules);
  ck_assert_uint_eq (plan.handled_net, 0);
  ck_assert_uint_eq (plan.scoped, 3);
  ck_assert_int_eq (plan.state[ENTRUN_LL_FILES], ENTRUN_LL_ON);
  ck_assert_int_eq (plan.state[ENTRUN_LL_NETWORK], ENTRUN_LL_OFF_LEVEL);
  ck_assert_int_eq (plan.state[ENTRUN_LL_UNIX], ENTRUN_LL_OFF_KERNEL);
  ck_assert_ptr_nonnull (strstr (plan.detail[ENTRUN_LL_FILES], "/srv/proj"));
}
END_TEST

/* Each ABI from none to past this kernel's: nothing handled that the
 * kernel would refuse, each family off below its ABI, on from it. */
START_TEST (every_abi_gets_what_it_knows)
{
  static const int from[ENTRUN_LL_N_FAMILIES]
      = { [ENTRUN_LL_FILES] = 1,    [ENTRUN_LL_DEVICES] = 1, [ENTRUN_LL_NETWORK] = 4,
          [ENTRUN_LL_ABSTRACT] = 6, [ENTRUN_LL_SIGNALS] = 6, [ENTRUN_LL_UNIX] = 9 };
  int abi = _i;

  plan_for (GRANTS ("network.proxy=http://127.0.0.1:8080"), abi);
  ck_assert_uint_eq (plan.handled_fs & FS_REFER, abi >= 2 ? FS_REFER : 0);
  ck_assert_uint_eq (plan.handled_fs & FS_TRUNCATE, abi >= 3 ? FS_TRUNCATE : 0);
  ck_assert_uint_eq (plan.handled_fs & FS_IOCTL_DEV, abi >= 5 ? FS_IOCTL_DEV : 0);
  ck_assert_uint_eq (plan.handled_fs >> 16, abi >= 9 ? 1 : 0);
  ck_assert_uint_eq (plan.handled_fs != 0, abi >= 1);
  ck_assert_uint_eq (plan.handled_net, abi >= 4 ? NET_CONNECT : 0);
  ck_assert_uint_eq (plan.n_ports, abi >= 4);
  ck_assert_uint_eq (plan.scoped, abi >= 6 ? 3 : 0);
  for (size_t i = 0; i < plan.n_paths; i++)
    ck_assert_msg ((plan.paths[i].access & ~plan.handled_fs) == 0, "%s at ABI %d",
                   plan.paths[i].path, abi);
  for (int f = 0; f < ENTRUN_LL_N_FAMILIES; f++)
    {
      ck_assert_int_eq (entrun_landlock_family_abi (f), from[f]);
      if (abi < from[f])
        ck_assert_int_eq (plan.state[f], ENTRUN_LL_OFF_KERNEL);
      else
        ck_assert_msg (plan.state[f] == ENTRUN_LL_ON, "%s at ABI %d",
                       entrun_landlock_family_name (f), abi);
      ck_assert (plan.detail[f][0] != '\0');
    }
}
END_TEST

START_TEST (proxy_connects_only_to_the_relay)
{
  plan_for (GRANTS ("network.proxy=http://127.0.0.1:8080"), 7);
  ck_assert_uint_eq (plan.handled_net, NET_CONNECT);
  ck_assert_uint_eq (plan.n_ports, 1);
  ck_assert_uint_eq (plan.ports[0].port, 3128);
  ck_assert_uint_eq (plan.ports[0].access, NET_CONNECT);
  plan_for (GRANTS ("network.user"), 7);
  ck_assert_uint_eq (plan.handled_net, 0);
  ck_assert_int_eq (plan.state[ENTRUN_LL_NETWORK], ENTRUN_LL_OFF_LEVEL);
  plan_for (GRANTS ("network.host"), 7);
  ck_assert_uint_eq (plan.scoped, 3);
  ck_assert_ptr_nonnull (strstr (plan.detail[ENTRUN_LL_ABSTRACT], "host"));
}
END_TEST

/* security.admin may mount, which a domain handling file access forbids:
 * no file rule then, but host.devices.view's device rules alone. */
START_TEST (admin_keeps_mount_and_view_keeps_devices)
{
  plan_for (GRANTS ("security.admin"), 7);
  ck_assert_uint_eq (plan.handled_fs, 0);
  ck_assert_int_eq (plan.state[ENTRUN_LL_FILES], ENTRUN_LL_OFF_LEVEL);
  ck_assert_uint_eq (plan.scoped, 3);
  plan_for (GRANTS ("security.admin", "host.devices.view"), 7);
  ck_assert_uint_eq (plan.handled_fs, FS_NODE);
  ck_assert_uint_eq (rule (ENTRUN_LL_TOP_ENTRIES), FS_NODE);
  ck_assert_uint_eq (rule ("/"), 0);
  ck_assert_uint_eq (rule ("/dev/null"), FS_NODE);
  ck_assert_int_eq (plan.state[ENTRUN_LL_DEVICES], ENTRUN_LL_ON);
}
END_TEST

/* host.fs.rw=/ must not hand /dev's nodes back through a rule on "/". */
START_TEST (rw_root_leaves_devices_alone)
{
  plan_for (GRANTS ("host.fs.rw=/", "host.devices.view", "host.processes.view"), 7);
  ck_assert_uint_eq (rights_at ("/dev/net/tun") & FS_NODE, 0);
  /* Not even a new file in the host's /dev: nothing writable on / itself. */
  ck_assert_uint_eq (rights_at ("/dev/x") & LANDLOCK_ACCESS_FS_MAKE_REG, 0);
  ck_assert_uint_eq (rule ("/") & ~(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE
                                    | LANDLOCK_ACCESS_FS_READ_DIR), 0);
  ck_assert (rule (ENTRUN_LL_TOP_ENTRIES) & LANDLOCK_ACCESS_FS_MAKE_REG);
  ck_assert (rights_at ("/etc/passwd") & LANDLOCK_ACCESS_FS_WRITE_FILE);
  /* Nor the host's /proc, nor /sys. */
  ck_assert_uint_eq (rights_at ("/proc/1/oom_score_adj") & LANDLOCK_ACCESS_FS_WRITE_FILE, 0);
  ck_assert_uint_eq (rights_at ("/sys/kernel/x") & LANDLOCK_ACCESS_FS_WRITE_FILE, 0);
  plan_for (GRANTS ("host.devices.admin"), 7);
  ck_assert (rule ("/dev") & FS_IOCTL_DEV);
  ck_assert_int_eq (plan.state[ENTRUN_LL_DEVICES], ENTRUN_LL_OFF_LEVEL);
}
END_TEST

/* A bind below /dev (a host pty bound over a tmpfs) is refused: a
 * read-only bind does not stop writes to a device.  What may go there (a
 * tmpfs, a hide) holds no device, and the harmless nodes' rules keep off
 * it. */
START_TEST (grants_below_dev)
{
  char buf[256];

  plan_for (GRANTS ("host.fs.tmpfs=/dev/pts", "host.fs.ro=/dev/pts/0"), 7);
  ck_assert_ptr_nonnull (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("host.devices.view", "host.fs.ro=/dev/pts"), 7);
  ck_assert_ptr_nonnull (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("host.fs.tmpfs=/dev/pts"), 7);
  ck_assert_ptr_null (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  ck_assert_uint_eq (rule ("/dev"), 0);
  ck_assert_uint_eq (rule ("/dev/pts"), FS_READ_ALL | FS_WRITE_ALL);
  ck_assert_uint_eq (rights_at ("/dev/null") & FS_NODE, FS_NODE);
  plan_for (GRANTS ("security.admin", "host.fs.tmpfs=/dev/pts"), 7);
  ck_assert_uint_eq (plan.handled_fs, FS_NODE);
  ck_assert (rights_at ("/proc/self/uid_map") & LANDLOCK_ACCESS_FS_WRITE_FILE);
  ck_assert_uint_eq (rights_at ("/dev/null") & FS_NODE, FS_NODE);
  plan_for (GRANTS ("host.devices.admin", "host.fs.rw=/dev/kvm"), 7);
  ck_assert_uint_eq (rights_at ("/dev/kvm") & FS_NODE, FS_NODE);
}
END_TEST

/* The host's /proc (host.processes.view) gets no write rule: its files
 * are the host's processes'. */
START_TEST (host_proc_stays_read_only)
{
  plan_for (NULL, 7);
  ck_assert (rule ("/proc") & LANDLOCK_ACCESS_FS_WRITE_FILE);
  plan_for (GRANTS ("host.processes.view"), 7);
  ck_assert_uint_eq (rights_at ("/proc/1/oom_score_adj") & LANDLOCK_ACCESS_FS_WRITE_FILE, 0);
}
END_TEST

START_TEST (fs_read_only_leaves_the_cwd_read_only)
{
  plan_for (GRANTS ("security.fs-read-only", "host.fs.rw=/srv/out", "host.fs.ro=/srv/ro"), 7);
  ck_assert_uint_eq (rights_at ("/srv/proj/f") & LANDLOCK_ACCESS_FS_WRITE_FILE, 0);
  ck_assert (rights_at ("/srv/out/f") & LANDLOCK_ACCESS_FS_WRITE_FILE);
  ck_assert_uint_eq (rights_at ("/srv/ro/f") & LANDLOCK_ACCESS_FS_WRITE_FILE, 0);
  ck_assert (rights_at ("/tmp/f") & LANDLOCK_ACCESS_FS_WRITE_FILE);
}
END_TEST

START_TEST (refusals)
{
  char buf[256];
  const char *why;

  plan_for (GRANTS ("security.landlock-required"), 5);
  why = entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf));
  ck_assert_ptr_nonnull (why);
  ck_assert_ptr_nonnull (strstr (why, "security.landlock-required"));
  ck_assert_ptr_nonnull (strstr (why, "ABI 5"));
  plan_for (GRANTS ("security.landlock-required"), 0);
  ck_assert_ptr_nonnull (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("security.landlock-required"), 6);
  ck_assert_ptr_null (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("security.landlock-required", "security.admin"), 7);
  why = entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf));
  ck_assert_ptr_nonnull (why);
  ck_assert_ptr_nonnull (strstr (why, "mount"));
  plan_for (GRANTS ("host.devices.view"), 0);
  why = entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf));
  ck_assert_ptr_nonnull (why);
  ck_assert_ptr_nonnull (strstr (why, "host.devices.view"));
  plan_for (NULL, 0);
  ck_assert_ptr_null (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("host.fs.ro=/dev/pts"), 7);
  why = entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf));
  ck_assert_ptr_nonnull (why);
  ck_assert_ptr_nonnull (strstr (why, "host.fs.ro=/dev/pts"));
  plan_for (GRANTS ("host.devices.view", "host.fs.rw=/dev/kvm"), 7);
  ck_assert_ptr_nonnull (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("host.devices.admin", "host.fs.ro=/dev/pts"), 7);
  ck_assert_ptr_null (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
  plan_for (GRANTS ("host.fs.tmpfs=/dev/shm", "host.fs.hide=/dev/zero", "host.fs.rw=/"), 0);
  ck_assert_ptr_null (entrun_landlock_refusal (ent_manager_profile (m), &plan, buf, sizeof (buf)));
}
END_TEST

/* Each plan applies on this kernel (Check runs every test in a process
 * of its own, which it may restrict): no rule the kernel refuses, under
 * every level that changes the plan's shape. */
START_TEST (every_plan_applies)
{
  const char *const *const cases[] = {
    GRANTS ("security.confined"),
    GRANTS ("security.admin"),
    GRANTS ("security.admin", "host.devices.view"),
    GRANTS ("host.devices.view", "host.fs.rw=/"),
    GRANTS ("host.devices.admin", "host.processes.view"),
    GRANTS ("network.proxy=http://127.0.0.1:8080", "security.fs-read-only"),
  };
  const char *step = NULL;
  int ret;

  plan_for (cases[_i], entrun_landlock_abi ());
  ck_assert_int_eq (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  ret = entrun_landlock_apply (&plan, NULL, 0, &step);
  ck_assert_msg (ret == 0, "case %d: %s: %s", _i, step, strerror (-ret));
}
END_TEST

/* ABI 9: host unix sockets only where a grant names them, as the mounts
 * have it; not the working directory's or /tmp's (the command's own need
 * no rule). */
START_TEST (unix_connect_follows_the_grants)
{
  ent_error_t *err = NULL;
  ent_profile_t *base = ent_profile_new ();

  teardown ();
  ck_assert_ptr_nonnull (base);
  base->host_boundary = true;
  ck_assert_int_eq (ent_profile_set_string (&base->cwd, "/srv/proj"), 0);
  ck_assert_int_eq (ent_profile_set_string (&base->home, "/srv"), 0);
  ck_assert_int_eq (ent_strlist_add (&base->api[ENT_API_DOCKER].paths, "/run/docker.sock"), 0);
  ck_assert_int_eq (ent_strlist_add (&base->api[ENT_API_X11].paths, "/tmp/.X11-unix"), 0);
  m = ent_manager_new (base, cat, NULL);
  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_manager_add_request (m, cat, "api.access=docker:allow", "t",
                                             ENT_PRECEDENCE_CLI, &err), 0);
  ck_assert_int_eq (ent_manager_add_request (m, cat, "host.fs.ro=/srv/sock", "t",
                                             ENT_PRECEDENCE_CLI, &err), 0);
  ck_assert_int_eq (entrun_landlock_plan (ent_manager_profile (m), 9, &plan), 0);
  ck_assert (plan.handled_fs & LL_RESOLVE_UNIX);
  ck_assert (rights_at ("/run/docker.sock") & LL_RESOLVE_UNIX);
  ck_assert (rights_at ("/srv/sock/agent") & LL_RESOLVE_UNIX);
  ck_assert_uint_eq (rights_at ("/tmp/.X11-unix/X0") & LL_RESOLVE_UNIX, 0);
  ck_assert_uint_eq (rights_at ("/srv/proj/app.sock") & LL_RESOLVE_UNIX, 0);
  ck_assert_uint_eq (rights_at ("/run/dbus/system_bus_socket") & LL_RESOLVE_UNIX, 0);
  ck_assert_int_eq (plan.state[ENTRUN_LL_UNIX], ENTRUN_LL_ON);
  entrun_landlock_plan_clear (&plan);
  ck_assert_int_eq (entrun_landlock_plan (ent_manager_profile (m), 8, &plan), 0);
  ck_assert_uint_eq (plan.handled_fs & LL_RESOLVE_UNIX, 0);
  for (size_t i = 0; i < plan.n_paths; i++)
    ck_assert_uint_eq (plan.paths[i].access & LL_RESOLVE_UNIX, 0);
}
END_TEST

/* --explain: one line per family (text), valid JSON with the same. */
START_TEST (render_text_and_json)
{
  char *text = NULL;
  size_t len = 0, bad = 0;
  FILE *f;
  int abi = _i;

  plan_for (GRANTS ("host.fs.rw=/srv/a\"b\\c"), abi);
  f = open_memstream (&text, &len);
  entrun_landlock_render (&plan, false, f);
  fclose (f);
  ck_assert (strncmp (text, abi ? "landlock: ABI " : "landlock: not available", 14) == 0);
  for (int i = 0; i < ENTRUN_LL_N_FAMILIES; i++)
    {
      char want[64];
      snprintf (want, sizeof (want), "\n  %-17s %-3s ", entrun_landlock_family_name (i),
                plan.state[i] == ENTRUN_LL_ON ? "on" : "off");
      ck_assert_msg (strstr (text, want) != NULL, "%s in:\n%s", want, text);
    }
  free (text);
  f = open_memstream (&text, &len);
  entrun_landlock_render (&plan, true, f);
  fclose (f);
  ck_assert_msg (json_check (text, len, &bad), "bad at %zu: %s", bad, text);
  ck_assert_ptr_nonnull (strstr (text, abi >= 9 ? "\"unix-connect\": {\"active\": true"
                                            : "\"unix-connect\": {\"active\": false"));
  free (text);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("landlock");
  TCase *tc = tcase_create ("plan");
  SRunner *sr;
  int failed;

  cat = ent_catalogue_new_default ();
  tcase_add_checked_fixture (tc, NULL, teardown);
  tcase_add_test (tc, default_profile_writes_only_where_mounts_do);
  tcase_add_loop_test (tc, every_abi_gets_what_it_knows, 0, LL_MAX_ABI + 2);
  tcase_add_test (tc, proxy_connects_only_to_the_relay);
  tcase_add_test (tc, admin_keeps_mount_and_view_keeps_devices);
  tcase_add_test (tc, rw_root_leaves_devices_alone);
  tcase_add_test (tc, host_proc_stays_read_only);
  tcase_add_test (tc, grants_below_dev);
  tcase_add_test (tc, fs_read_only_leaves_the_cwd_read_only);
  tcase_add_test (tc, refusals);
  tcase_add_loop_test (tc, render_text_and_json, 0, LL_MAX_ABI + 1);
  tcase_add_loop_test (tc, every_plan_applies, 0, 6);
  tcase_add_test (tc, unix_connect_follows_the_grants);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  ent_catalogue_free (cat);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
