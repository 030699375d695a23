/* The profile: construction, deep copy and equality, names, capabilities,
 * the seccomp rule helpers, string lists, paths, mounts, env, publishing. */
#include <linux/capability.h>

#include "test-suites.h"
#include "test-util.h"

#define OK(expr) ck_assert_int_eq ((expr), 0)

static ent_seccomp_rule_t
allow_rule (const char *syscall)
{
  ent_seccomp_rule_t r = { .syscall = (char *) (uintptr_t) syscall, .action = ENT_SECCOMP_ALLOW };

  return r;
}

static ent_seccomp_rule_t
allow_if_eq (const char *syscall, unsigned index, uint64_t value)
{
  ent_seccomp_rule_t r = allow_rule (syscall);

  r.n_args = 1;
  r.args[0].index = index;
  r.args[0].op = ENT_ARG_EQ;
  r.args[0].value = value;
  return r;
}

/* A profile with every field set to something other than its default. */
static ent_profile_t *
populated_profile (void)
{
  ent_profile_t *p = test_base_profile ();
  ent_seccomp_rule_t cond = allow_if_eq ("personality", 0, 8);
  ent_publish_t pub1 = { .host_port = 8080, .sandbox_port = 80 };
  ent_publish_t pub2 = { .host_port = 53, .sandbox_port = 53, .udp = true };

  p->ns.create[ENT_NS_USER] = p->ns.create[ENT_NS_NET] = true;
  p->uid = 0;
  p->gid = 100;
  ent_profile_caps_clear (p);
  ent_profile_grant_cap (p, CAP_NET_ADMIN);
  p->caps[ENT_CAPSET_BOUNDING] |= ENT_CAP_BIT (CAP_SYS_ADMIN);
  p->no_new_privs = true;
  p->new_session = true;
  p->seccomp.enabled = true;
  p->seccomp.default_errno = EACCES;
  OK (ent_profile_allow_syscall (p, "read", NULL));
  OK (ent_profile_add_rule (p, &cond, NULL));
  OK (ent_profile_deny_syscall (p, "clone3", ENOSYS, NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/srv", NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/etc/shadow", NULL));
  p->fs.dev = ENT_DEV_HOST_RO;
  p->fs.proc = ENT_PROC_FRESH;
  p->fs.sys = ENT_SYS_RO;
  OK (ent_strlist_add (&p->fs.masked, "/proc/kcore"));
  OK (ent_strlist_add (&p->fs.readonly, "/proc/sys"));
  p->fs.read_only = true;
  p->rlimits[ENT_RLIMIT_NOFILE].soft = 64;
  p->rlimits[ENT_RLIMIT_NOFILE].hard = 128;
  p->rlimits[ENT_RLIMIT_MEMLOCK].soft = ENT_RLIM_HARD;
  p->net.mode = ENT_NET_PROXY;
  p->net.admin = true;
  p->net.host_loopback = true;
  OK (ent_profile_set_string (&p->net.proxy_url, "http://h:1"));
  OK (ent_profile_add_publish (p, &pub1, NULL));
  OK (ent_profile_add_publish (p, &pub2, NULL));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "A", "1", NULL));
  OK (ent_profile_add_env (p, ENT_ENV_UNSET, "B", NULL, NULL));
  OK (ent_profile_add_env (p, ENT_ENV_KEEP, "C", NULL, NULL));
  p->clearenv = true;
  OK (ent_profile_set_string (&p->hostname, "box"));
  p->resources = (ent_resources_t){ 64, 1 << 30, 60, 256, 1 << 20, 30, ENT_RES_CGROUP };
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].paths, "/run/docker.sock"));
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].vars, "DOCKER_HOST"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].paths, "/tmp/.X11-unix"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].vars, "DISPLAY"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].vars, "XAUTHORITY"));
  p->api[ENT_API_DOCKER].allow = p->api[ENT_API_DOCKER].granted = true;
  p->api[ENT_API_X11].granted = true;
  {
    char *opts[] = { "nosuid", "nodev", NULL };
    ent_mount_t data
        = { .kind = ENT_MOUNT_BIND_RO, .path = "/data", .source = "/srv/d", .options = opts };
    ent_mount_t mq
        = { .kind = ENT_MOUNT_OTHER, .path = "/dev/mqueue", .source = "mqueue", .type = "mqueue" };
    OK (ent_profile_add_mount_full (p, &data, NULL));
    OK (ent_profile_add_mount_full (p, &mq, NULL));
  }
  return p;
}

/* ---- construction, copy, equality ---------------------------------------- */

START_TEST (new_profile_defaults)
{
  ent_profile_t *p = ent_profile_new ();

  for (int ns = 0; ns < ENT_NS_COUNT; ns++)
    ck_assert (!p->ns.create[ns]);
  ck_assert_int_eq (p->uid, -1);
  ck_assert_int_eq (p->gid, -1);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_BOUNDING], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_PERMITTED], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_EFFECTIVE], ENT_CAP_ALL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_INHERITABLE], 0);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_AMBIENT], 0);
  ck_assert (!p->no_new_privs);
  ck_assert (!p->new_session);
  ck_assert (!p->seccomp.enabled);
  ck_assert_int_eq (p->seccomp.default_errno, EPERM);
  ck_assert_int_eq (p->seccomp.n_rules, 0);
  ck_assert_int_eq (p->fs.dev, ENT_DEV_HOST_RW);
  ck_assert_int_eq (p->fs.proc, ENT_PROC_HOST);
  ck_assert_int_eq (p->fs.sys, ENT_SYS_HOST);
  ck_assert_ptr_null (p->fs.masked);
  ck_assert_ptr_null (p->fs.readonly);
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      ck_assert_int_eq (p->rlimits[r].soft, ENT_RLIM_UNSET);
      ck_assert_int_eq (p->rlimits[r].hard, ENT_RLIM_UNSET);
    }
  ck_assert_int_eq (p->net.mode, ENT_NET_HOST);
  ck_assert_ptr_null (p->cwd);
  ck_assert_ptr_null (p->home);
  ck_assert_ptr_null (p->hostname);
  ck_assert_int_eq (p->resources.pids, -1);
  ck_assert_int_eq (p->resources.memory, -1);
  ck_assert_int_eq (p->resources.cpu_time, -1);
  ck_assert_int_eq (p->resources.files, -1);
  ck_assert_int_eq (p->resources.file_size, -1);
  ck_assert_int_eq (p->resources.timeout, -1);
  ck_assert_int_eq (p->resources.backend, ENT_RES_RLIMIT);
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      ck_assert_ptr_null (p->api[i].paths);
      ck_assert_ptr_null (p->api[i].vars);
      ck_assert (!p->api[i].allow);
      ck_assert (!p->api[i].granted);
    }
  ent_profile_free (p);
}
END_TEST

START_TEST (free_null)
{
  ent_profile_free (NULL);
}
END_TEST

START_TEST (copy_equal_roundtrip)
{
  ent_profile_t *p = populated_profile ();
  ent_profile_t *c = ent_profile_copy (p);
  ent_profile_t *cc;

  ck_assert_ptr_nonnull (c);
  ck_assert (ent_profile_equal (p, c));
  ck_assert (ent_profile_equal (c, p));
  cc = ent_profile_copy (c);
  ck_assert (ent_profile_equal (p, cc));
  ck_assert_int_eq (c->seccomp.n_rules, 3);
  ck_assert_int_eq (c->n_env, 3);
  ck_assert_int_eq (c->net.n_publish, 2);
  ck_assert_int_eq (c->resources.memory, 1 << 30);
  ck_assert_int_eq (c->resources.backend, ENT_RES_CGROUP);
  ck_assert_int_eq (ent_strlist_len (c->api[ENT_API_X11].vars), 2);
  ck_assert (c->api[ENT_API_DOCKER].allow);
  ck_assert (c->api[ENT_API_X11].granted);
  ck_assert (!c->api[ENT_API_X11].allow);
  ent_profile_free (cc);
  ent_profile_free (c);
  ent_profile_free (p);
}
END_TEST

START_TEST (copy_is_deep)
{
  ent_profile_t *p = populated_profile ();
  ent_profile_t *c = ent_profile_copy (p);

  ck_assert_ptr_nonnull (c);
  ck_assert_ptr_ne (c->seccomp.rules, p->seccomp.rules);
  ck_assert_ptr_ne (c->seccomp.rules[0].syscall, p->seccomp.rules[0].syscall);
  ck_assert_ptr_ne (c->fs.mounts[0].path, p->fs.mounts[0].path);
  ck_assert_ptr_ne (c->fs.mounts[0].source, p->fs.mounts[0].source);
  ck_assert_ptr_ne (c->fs.mounts[0].options, p->fs.mounts[0].options);
  ck_assert_ptr_ne (c->fs.mounts[0].options[0], p->fs.mounts[0].options[0]);
  ck_assert_ptr_ne (c->fs.mounts[1].type, p->fs.mounts[1].type);
  ck_assert_ptr_ne (c->fs.masked, p->fs.masked);
  ck_assert_ptr_ne (c->fs.masked[0], p->fs.masked[0]);
  ck_assert_ptr_ne (c->fs.readonly[0], p->fs.readonly[0]);
  ck_assert_ptr_ne (c->env, p->env);
  ck_assert_ptr_ne (c->env[0].name, p->env[0].name);
  ck_assert_ptr_ne (c->env[0].value, p->env[0].value);
  ck_assert_ptr_ne (c->net.publish, p->net.publish);
  ck_assert_ptr_ne (c->net.proxy_url, p->net.proxy_url);
  ck_assert_ptr_ne (c->hostname, p->hostname);
  ck_assert_ptr_ne (c->cwd, p->cwd);
  ck_assert_ptr_ne (c->home, p->home);
  ck_assert_ptr_ne (c->api[ENT_API_DOCKER].paths, p->api[ENT_API_DOCKER].paths);
  ck_assert_ptr_ne (c->api[ENT_API_DOCKER].paths[0], p->api[ENT_API_DOCKER].paths[0]);
  ck_assert_ptr_ne (c->api[ENT_API_X11].vars, p->api[ENT_API_X11].vars);
  ck_assert_ptr_ne (c->api[ENT_API_X11].vars[1], p->api[ENT_API_X11].vars[1]);
  ck_assert_ptr_null (c->api[ENT_API_PODMAN].paths);
  /* Freeing the original leaves the copy intact. */
  ent_profile_free (p);
  ck_assert_str_eq (c->fs.mounts[2].path, "/etc/shadow");
  ck_assert_str_eq (c->fs.mounts[0].source, "/srv/d");
  ck_assert_str_eq (c->fs.mounts[0].options[1], "nodev");
  ck_assert_str_eq (c->fs.mounts[1].type, "mqueue");
  ck_assert_str_eq (c->api[ENT_API_DOCKER].paths[0], "/run/docker.sock");
  ck_assert_str_eq (c->api[ENT_API_X11].vars[1], "XAUTHORITY");
  ck_assert_str_eq (c->hostname, "box");
  ent_profile_free (c);
}
END_TEST

START_TEST (copy_of_new_profile)
{
  ent_profile_t *p = ent_profile_new ();
  ent_profile_t *c = ent_profile_copy (p);

  ck_assert_ptr_nonnull (c);
  ck_assert (ent_profile_equal (p, c));
  ent_profile_free (c);
  ent_profile_free (p);
}
END_TEST

/* Each changes one field; equality must notice every one of them. */
static void
mut_ns (ent_profile_t *p)
{
  p->ns.create[ENT_NS_CGROUP] = !p->ns.create[ENT_NS_CGROUP];
}
static void
mut_uid (ent_profile_t *p)
{
  p->uid = 1000;
}
static void
mut_gid (ent_profile_t *p)
{
  p->gid = 1000;
}
static void
mut_caps (ent_profile_t *p)
{
  p->caps[ENT_CAPSET_AMBIENT] ^= ENT_CAP_BIT (CAP_CHOWN);
}
static void
mut_nnp (ent_profile_t *p)
{
  p->no_new_privs = false;
}
static void
mut_session (ent_profile_t *p)
{
  p->new_session = false;
}
static void
mut_seccomp_enabled (ent_profile_t *p)
{
  p->seccomp.enabled = false;
}
static void
mut_seccomp_errno (ent_profile_t *p)
{
  p->seccomp.default_errno = EPERM;
}
static void
mut_seccomp_unknown (ent_profile_t *p)
{
  p->seccomp.unknown_errno = p->seccomp.unknown_errno == ENOSYS ? EPERM : ENOSYS;
}
static void
mut_rule_added (ent_profile_t *p)
{
  OK (ent_profile_allow_syscall (p, "write", NULL));
}
static void
mut_rule_arg (ent_profile_t *p)
{
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    if (p->seccomp.rules[i].n_args)
      p->seccomp.rules[i].args[0].value++;
}
static void
mut_rule_errno (ent_profile_t *p)
{
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    if (p->seccomp.rules[i].action == ENT_SECCOMP_ERRNO)
      p->seccomp.rules[i].errnum = EPERM;
}
static void
mut_mount_kind (ent_profile_t *p)
{
  p->fs.mounts[0].kind = ENT_MOUNT_TMPFS;
}
static void
mut_mount_source (ent_profile_t *p)
{
  p->fs.mounts[0].source[1] = 'X';
}
static void
mut_mount_type (ent_profile_t *p)
{
  p->fs.mounts[1].type[0] = 'X';
}
static void
mut_mount_option (ent_profile_t *p)
{
  p->fs.mounts[0].options[1][0] = 'X';
}
static void
mut_mount_option_dropped (ent_profile_t *p)
{
  free (p->fs.mounts[0].options[1]);
  p->fs.mounts[0].options[1] = NULL;
}
static void
mut_caps_unset (ent_profile_t *p)
{
  p->caps_unset = !p->caps_unset;
}
static void
mut_mount_added (ent_profile_t *p)
{
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/usr", NULL));
}
static void
mut_dev (ent_profile_t *p)
{
  p->fs.dev = ENT_DEV_MINIMAL;
}
static void
mut_proc (ent_profile_t *p)
{
  p->fs.proc = ENT_PROC_HOST;
}
static void
mut_sys (ent_profile_t *p)
{
  p->fs.sys = ENT_SYS_HOST;
}
static void
mut_masked (ent_profile_t *p)
{
  OK (ent_strlist_add (&p->fs.masked, "/proc/keys"));
}
static void
mut_readonly (ent_profile_t *p)
{
  ent_strlist_remove (p->fs.readonly, "/proc/sys");
}
static void
mut_read_only (ent_profile_t *p)
{
  p->fs.read_only = false;
}
static void
mut_rlimit (ent_profile_t *p)
{
  p->rlimits[ENT_RLIMIT_NOFILE].hard = 129;
}
static void
mut_net_mode (ent_profile_t *p)
{
  p->net.mode = ENT_NET_USER;
}
static void
mut_net_admin (ent_profile_t *p)
{
  p->net.admin = false;
}
static void
mut_loopback (ent_profile_t *p)
{
  p->net.host_loopback = false;
}
static void
mut_proxy (ent_profile_t *p)
{
  OK (ent_profile_set_string (&p->net.proxy_url, "http://h:2"));
}
static void
mut_publish (ent_profile_t *p)
{
  p->net.publish[0].sandbox_port++;
}
static void
mut_env_value (ent_profile_t *p)
{
  p->env[0].value[0] = '2';
}
static void
mut_env_op (ent_profile_t *p)
{
  p->env[2].op = ENT_ENV_UNSET;
}
static void
mut_env_added (ent_profile_t *p)
{
  OK (ent_profile_add_env (p, ENT_ENV_UNSET, "D", NULL, NULL));
}
static void
mut_clearenv (ent_profile_t *p)
{
  p->clearenv = false;
}
static void
mut_hostname (ent_profile_t *p)
{
  OK (ent_profile_set_string (&p->hostname, NULL));
}
static void
mut_cwd (ent_profile_t *p)
{
  OK (ent_profile_set_string (&p->cwd, "/"));
}
static void
mut_home (ent_profile_t *p)
{
  OK (ent_profile_set_string (&p->home, "/root"));
}

static void
mut_res_pids (ent_profile_t *p)
{
  p->resources.pids = -1;
}
static void
mut_res_memory (ent_profile_t *p)
{
  p->resources.memory++;
}
static void
mut_res_cpu_time (ent_profile_t *p)
{
  p->resources.cpu_time = 61;
}
static void
mut_res_files (ent_profile_t *p)
{
  p->resources.files = 255;
}
static void
mut_res_file_size (ent_profile_t *p)
{
  p->resources.file_size = -1;
}
static void
mut_res_timeout (ent_profile_t *p)
{
  p->resources.timeout = 31;
}
static void
mut_res_backend (ent_profile_t *p)
{
  p->resources.backend = ENT_RES_RLIMIT;
}
static void
mut_api_allow (ent_profile_t *p)
{
  p->api[ENT_API_X11].allow = true;
}
static void
mut_api_granted (ent_profile_t *p)
{
  p->api[ENT_API_PIPEWIRE].granted = true;
}
static void
mut_api_path_added (ent_profile_t *p)
{
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].paths, "/run/user/1000/docker.sock"));
}
static void
mut_api_path_moved (ent_profile_t *p)
{
  /* The same path under another API. */
  OK (ent_strlist_add (&p->api[ENT_API_PODMAN].paths, "/run/docker.sock"));
  ent_strlist_remove (p->api[ENT_API_DOCKER].paths, "/run/docker.sock");
}
static void
mut_api_var_removed (ent_profile_t *p)
{
  ent_strlist_remove (p->api[ENT_API_X11].vars, "XAUTHORITY");
}
static void
mut_api_var_changed (ent_profile_t *p)
{
  p->api[ENT_API_DOCKER].vars[0][0] = 'X';
}

static void (*const mutators[]) (ent_profile_t *) = {
  mut_ns,
  mut_uid,
  mut_gid,
  mut_caps,
  mut_nnp,
  mut_session,
  mut_seccomp_enabled,
  mut_seccomp_errno,
  mut_seccomp_unknown,
  mut_rule_added,
  mut_rule_arg,
  mut_rule_errno,
  mut_mount_kind,
  mut_mount_added,
  mut_dev,
  mut_proc,
  mut_sys,
  mut_masked,
  mut_readonly,
  mut_read_only,
  mut_rlimit,
  mut_net_mode,
  mut_net_admin,
  mut_loopback,
  mut_proxy,
  mut_publish,
  mut_env_value,
  mut_env_op,
  mut_env_added,
  mut_clearenv,
  mut_hostname,
  mut_cwd,
  mut_home,
  mut_res_pids,
  mut_res_memory,
  mut_res_cpu_time,
  mut_res_files,
  mut_res_file_size,
  mut_res_timeout,
  mut_res_backend,
  mut_api_allow,
  mut_api_granted,
  mut_api_path_added,
  mut_api_path_moved,
  mut_api_var_removed,
  mut_api_var_changed,
  mut_mount_source,
  mut_mount_type,
  mut_mount_option,
  mut_mount_option_dropped,
  mut_caps_unset,
};

START_TEST (equal_sees_each_field)
{
  ent_profile_t *p = populated_profile ();
  ent_profile_t *c = ent_profile_copy (p);

  ck_assert_ptr_nonnull (c);
  mutators[_i] (c);
  ck_assert (!ent_profile_equal (p, c));
  ck_assert (!ent_profile_equal (c, p));
  ent_profile_free (c);
  ent_profile_free (p);
}
END_TEST

START_TEST (equal_ignores_publish_padding)
{
  ent_profile_t *a = ent_profile_new ();
  ent_profile_t *b = ent_profile_new ();
  ent_publish_t dirty, clean;

  /* Callers fill ent_publish_t field by field; the padding byte after
   * 'udp' holds whatever was there and must not make profiles differ. */
  memset (&dirty, 0xa5, sizeof (dirty));
  memset (&clean, 0, sizeof (clean));
  dirty.host_port = clean.host_port = 8080;
  dirty.sandbox_port = clean.sandbox_port = 80;
  dirty.udp = clean.udp = false;
  OK (ent_profile_add_publish (a, &dirty, NULL));
  OK (ent_profile_add_publish (b, &clean, NULL));
  ck_assert (ent_profile_equal (a, b));
  ent_profile_free (a);
  ent_profile_free (b);
}
END_TEST

START_TEST (equal_ignores_resources_padding)
{
  ent_profile_t *a = ent_profile_new ();
  ent_profile_t *b = ent_profile_new ();

  /* ent_resources_t ends with an enum after six int64_t: its tail padding
   * is whatever a caller's assignment left there, and must not count. */
  memset (&a->resources, 0xa5, sizeof (a->resources));
  memset (&b->resources, 0x00, sizeof (b->resources));
  a->resources.pids = b->resources.pids = 10;
  a->resources.memory = b->resources.memory = -1;
  a->resources.cpu_time = b->resources.cpu_time = -1;
  a->resources.files = b->resources.files = 20;
  a->resources.file_size = b->resources.file_size = -1;
  a->resources.timeout = b->resources.timeout = -1;
  a->resources.backend = b->resources.backend = ENT_RES_CGROUP;
  ck_assert (ent_profile_equal (a, b));
  ck_assert (ent_profile_equal (b, a));
  ent_profile_free (a);
  ent_profile_free (b);
}
END_TEST

/* ---- names ---------------------------------------------------------------- */

START_TEST (enum_names)
{
  static const char *const ns[] = { "user", "mount", "pid", "net", "ipc", "uts", "cgroup" };
  static const char *const sets[] = { "bounding", "permitted", "effective", "inheritable",
                                      "ambient" };

  for (int i = 0; i < ENT_NS_COUNT; i++)
    ck_assert_str_eq (ent_ns_name (i), ns[i]);
  ck_assert_str_eq (ent_ns_name (ENT_NS_COUNT), "?");
  for (int i = 0; i < ENT_CAPSET_COUNT; i++)
    ck_assert_str_eq (ent_capset_name (i), sets[i]);
  ck_assert_str_eq (ent_capset_name (ENT_CAPSET_COUNT), "?");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_NPROC), "RLIMIT_NPROC");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_MEMLOCK), "RLIMIT_MEMLOCK");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_CORE), "RLIMIT_CORE");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_COUNT), "?");
  ck_assert_str_eq (ent_net_mode_name (ENT_NET_NONE), "none");
  ck_assert_str_eq (ent_net_mode_name (ENT_NET_USER), "user");
  ck_assert_str_eq (ent_net_mode_name (ENT_NET_PROXY), "proxy");
  ck_assert_str_eq (ent_net_mode_name (ENT_NET_HOST), "host");
  ck_assert_str_eq (ent_net_mode_name ((ent_net_mode_t) 9), "?");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_AS), "RLIMIT_AS");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_CPU), "RLIMIT_CPU");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_NOFILE), "RLIMIT_NOFILE");
  ck_assert_str_eq (ent_rlimit_name (ENT_RLIMIT_FSIZE), "RLIMIT_FSIZE");
  ck_assert_str_eq (ent_res_backend_name (ENT_RES_RLIMIT), "rlimit");
  ck_assert_str_eq (ent_res_backend_name (ENT_RES_CGROUP), "cgroup");
}
END_TEST

START_TEST (api_enum_names)
{
  static const char *const names[] = { "ssh-agent", "gpg-agent", "dbus-session",
                                       "dbus-system", "docker",  "podman",
                                       "x11",       "wayland",   "pipewire" };

  ck_assert_int_eq (TEST_N (names), ENT_API_COUNT);
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      ck_assert_str_eq (ent_api_name (i), names[i]);
      ck_assert_int_eq (ent_api_from_name (names[i]), i);
    }
  ck_assert_str_eq (ent_api_name (ENT_API_COUNT), "?");
  ck_assert_str_eq (ent_api_name ((ent_api_t) -1), "?");
  ck_assert_int_eq (ent_api_from_name ("ssh"), -1);
  ck_assert_int_eq (ent_api_from_name ("Docker"), -1);
  ck_assert_int_eq (ent_api_from_name ("docker "), -1);
  ck_assert_int_eq (ent_api_from_name (""), -1);
  ck_assert_int_eq (ent_api_from_name ("?"), -1);
  ck_assert_int_eq (ent_api_from_name (NULL), -1);
}
END_TEST

/* ---- capabilities -------------------------------------------------------- */

START_TEST (cap_from_name)
{
  ck_assert_int_eq (ent_cap_from_name ("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
  ck_assert_int_eq (ent_cap_from_name ("sys_admin"), CAP_SYS_ADMIN);
  ck_assert_int_eq (ent_cap_from_name ("Cap_Sys_Admin"), CAP_SYS_ADMIN);
  ck_assert_int_eq (ent_cap_from_name ("CAP_CHOWN"), CAP_CHOWN);
  ck_assert_int_eq (ent_cap_from_name ("net_raw"), CAP_NET_RAW);
  ck_assert_int_eq (ent_cap_from_name ("CAP_AUDIT_READ"), CAP_AUDIT_READ);
  ck_assert_int_eq (ent_cap_from_name ("CAP_CHECKPOINT_RESTORE"), 40);
  ck_assert_int_eq (ent_cap_from_name ("bogus"), -1);
  ck_assert_int_eq (ent_cap_from_name ("CAP_"), -1);
  ck_assert_int_eq (ent_cap_from_name (""), -1);
  ck_assert_int_eq (ent_cap_from_name ("CAP_SYS_ADMINX"), -1);
  ck_assert_int_eq (ent_cap_from_name (NULL), -1);
}
END_TEST

START_TEST (cap_to_name)
{
  ck_assert_str_eq (ent_cap_to_name (CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
  ck_assert_str_eq (ent_cap_to_name (0), "CAP_CHOWN");
  ck_assert_str_eq (ent_cap_to_name (CAP_DAC_READ_SEARCH), "CAP_DAC_READ_SEARCH");
  ck_assert_str_eq (ent_cap_to_name (CAP_IPC_LOCK), "CAP_IPC_LOCK");
  ck_assert_str_eq (ent_cap_to_name (ENT_CAP_LAST), "CAP_CHECKPOINT_RESTORE");
  ck_assert_ptr_null (ent_cap_to_name (ENT_CAP_LAST + 1));
  ck_assert_ptr_null (ent_cap_to_name (-1));
  for (int c = 0; c <= ENT_CAP_LAST; c++)
    ck_assert_int_eq (ent_cap_from_name (ent_cap_to_name (c)), c);
}
END_TEST

START_TEST (cap_all_mask)
{
  ck_assert_uint_eq (ENT_CAP_ALL, UINT64_C (0x1ffffffffff));
}
END_TEST

START_TEST (grant_and_revoke_cap)
{
  ent_profile_t *p = ent_profile_new ();

  ent_profile_caps_clear (p);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ent_profile_grant_cap (p, CAP_NET_RAW);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (CAP_NET_RAW));
  ent_profile_grant_cap (p, -1);
  ent_profile_grant_cap (p, ENT_CAP_LAST + 1);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (CAP_NET_RAW));
  ent_profile_revoke_cap (p, CAP_NET_RAW);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ent_profile_free (p);
}
END_TEST

START_TEST (add_caps_named)
{
  ent_profile_t *p = ent_profile_new ();

  ent_profile_caps_clear (p);
  OK (ent_profile_add_caps (p, NULL, "CAP_NET_ADMIN", "sys_admin", NULL));
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (CAP_NET_ADMIN) | ENT_CAP_BIT (CAP_SYS_ADMIN));
  ent_profile_free (p);
}
END_TEST

START_TEST (add_caps_unknown_grants_nothing)
{
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;

  ent_profile_caps_clear (p);
  test_assert_error (ent_profile_add_caps (p, &err, "CAP_NET_ADMIN", "CAP_BOGUS", NULL), err, EINVAL,
                     "'CAP_BOGUS'");
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], 0);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* ---- seccomp helpers ----------------------------------------------------- */

START_TEST (rules_sorted)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t deny = { .syscall = (char *) (uintptr_t) "read", .action = ENT_SECCOMP_ERRNO,
                              .errnum = EACCES };
  ent_seccomp_rule_t c2 = allow_if_eq ("personality", 0, 2);
  ent_seccomp_rule_t c1 = allow_if_eq ("personality", 0, 1);

  OK (ent_profile_allow_syscall (p, "write", NULL));
  OK (ent_profile_add_rule (p, &deny, NULL));
  OK (ent_profile_allow_syscall (p, "read", NULL));
  OK (ent_profile_add_rule (p, &c2, NULL));
  OK (ent_profile_allow_syscall (p, "openat", NULL));
  OK (ent_profile_add_rule (p, &c1, NULL));
  ck_assert_int_eq (p->seccomp.n_rules, 6);
  /* By name, then ALLOW before ERRNO, then by argument. */
  ck_assert_str_eq (p->seccomp.rules[0].syscall, "openat");
  ck_assert_str_eq (p->seccomp.rules[1].syscall, "personality");
  ck_assert_uint_eq (p->seccomp.rules[1].args[0].value, 1);
  ck_assert_str_eq (p->seccomp.rules[2].syscall, "personality");
  ck_assert_uint_eq (p->seccomp.rules[2].args[0].value, 2);
  ck_assert_str_eq (p->seccomp.rules[3].syscall, "read");
  ck_assert_int_eq (p->seccomp.rules[3].action, ENT_SECCOMP_ALLOW);
  ck_assert_str_eq (p->seccomp.rules[4].syscall, "read");
  ck_assert_int_eq (p->seccomp.rules[4].action, ENT_SECCOMP_ERRNO);
  ck_assert_str_eq (p->seccomp.rules[5].syscall, "write");
  ent_profile_free (p);
}
END_TEST

START_TEST (rules_dedup)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t r = allow_if_eq ("personality", 0, 8);
  ent_seccomp_rule_t a = allow_rule ("read");
  ent_seccomp_rule_t a_with_errno = allow_rule ("read");

  a_with_errno.errnum = 5; /* meaningless for ALLOW: must not make a new rule */
  OK (ent_profile_add_rule (p, &r, NULL));
  OK (ent_profile_add_rule (p, &r, NULL));
  OK (ent_profile_add_rule (p, &a, NULL));
  OK (ent_profile_add_rule (p, &a_with_errno, NULL));
  OK (ent_profile_allow_syscall (p, "read", NULL));
  ck_assert_int_eq (p->seccomp.n_rules, 2);
  ck_assert_int_eq (p->seccomp.rules[1].errnum, 0);
  ent_profile_free (p);
}
END_TEST

START_TEST (rule_name_copied)
{
  ent_profile_t *p = ent_profile_new ();
  char name[] = "read";
  ent_seccomp_rule_t r = allow_rule (name);

  OK (ent_profile_add_rule (p, &r, NULL));
  name[0] = 'X';
  ck_assert_str_eq (p->seccomp.rules[0].syscall, "read");
  ent_profile_free (p);
}
END_TEST

/* "allow X" and "allow X if ..." commute: the unconditional rule subsumes
 * the conditional ones whichever comes first. */
static void
check_subsumes (bool conditional_first, bool via_add_rule)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t cond = allow_if_eq ("personality", 0, 8);
  ent_seccomp_rule_t uncond = allow_rule ("personality");

  for (int step = 0; step < 2; step++)
    {
      if ((step == 0) == conditional_first)
        OK (ent_profile_add_rule (p, &cond, NULL));
      else if (via_add_rule)
        OK (ent_profile_add_rule (p, &uncond, NULL));
      else
        OK (ent_profile_allow_syscall (p, "personality", NULL));
    }
  ck_assert_int_eq (p->seccomp.n_rules, 1);
  ck_assert_int_eq (p->seccomp.rules[0].n_args, 0);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "personality"), 2);
  ent_profile_free (p);
}

START_TEST (allow_subsumes_conditional_after)
{
  check_subsumes (true, false);
}
END_TEST

START_TEST (allow_subsumes_conditional_before)
{
  check_subsumes (false, false);
}
END_TEST

START_TEST (add_rule_subsumes_conditional_after)
{
  check_subsumes (true, true);
}
END_TEST

START_TEST (add_rule_subsumes_conditional_before)
{
  check_subsumes (false, true);
}
END_TEST

START_TEST (conditional_errno_kept_by_allow)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t deny = { .syscall = (char *) (uintptr_t) "ioctl", .action = ENT_SECCOMP_ERRNO,
                              .errnum = EPERM, .n_args = 1 };

  deny.args[0].index = 1;
  deny.args[0].op = ENT_ARG_MASKED_EQ;
  deny.args[0].mask = 0xffffffff;
  deny.args[0].value = 0x5412;
  OK (ent_profile_add_rule (p, &deny, NULL));
  OK (ent_profile_allow_syscall (p, "ioctl", NULL));
  /* Only ALLOW rules are subsumed; a conditional ERRNO does not lower the
   * verdict either. */
  ck_assert_int_eq (p->seccomp.n_rules, 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ioctl"), 2);
  ent_profile_free (p);
}
END_TEST

START_TEST (deny_removes_allows)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t cond = allow_if_eq ("personality", 0, 8);

  OK (ent_profile_allow_syscall (p, "read", NULL));
  OK (ent_profile_add_rule (p, &cond, NULL));
  OK (ent_profile_deny_syscall (p, "read", EACCES, NULL));
  OK (ent_profile_deny_syscall (p, "personality", EPERM, NULL));
  ck_assert_int_eq (p->seccomp.n_rules, 2);
  ck_assert_int_eq (test_count_rules (p, "read", ENT_SECCOMP_ALLOW), 0);
  ck_assert_int_eq (test_count_rules (p, "personality", ENT_SECCOMP_ALLOW), 0);
  ck_assert_int_eq (p->seccomp.rules[1].errnum, EACCES);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "read"), 0);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "personality"), 0);
  ent_profile_free (p);
}
END_TEST

START_TEST (deny_wins_over_later_allow)
{
  ent_profile_t *p = ent_profile_new ();

  OK (ent_profile_deny_syscall (p, "ptrace", EPERM, NULL));
  OK (ent_profile_allow_syscall (p, "ptrace", NULL));
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "ptrace"), 0);
  ck_assert_int_eq (test_count_rules (p, "ptrace", ENT_SECCOMP_ERRNO), 1);
  ent_profile_free (p);
}
END_TEST

START_TEST (disallow_keeps_errno)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t cond = allow_if_eq ("clone", 0, 17);
  ent_seccomp_rule_t deny = { .syscall = (char *) (uintptr_t) "clone", .action = ENT_SECCOMP_ERRNO,
                              .errnum = EPERM, .n_args = 1 };

  deny.args[0].op = ENT_ARG_EQ;
  deny.args[0].value = 99;
  OK (ent_profile_add_rule (p, &cond, NULL));
  OK (ent_profile_add_rule (p, &deny, NULL));
  OK (ent_profile_allow_syscall (p, "read", NULL));
  ent_profile_disallow_syscall (p, "clone");
  ck_assert_int_eq (p->seccomp.n_rules, 2);
  ck_assert_int_eq (test_count_rules (p, "clone", ENT_SECCOMP_ALLOW), 0);
  ck_assert_int_eq (test_count_rules (p, "clone", ENT_SECCOMP_ERRNO), 1);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "clone"), 0);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "read"), 2);
  ent_profile_free (p);
}
END_TEST

START_TEST (forget_removes_all)
{
  ent_profile_t *p = ent_profile_new ();

  OK (ent_profile_allow_syscall (p, "read", NULL));
  OK (ent_profile_deny_syscall (p, "clone3", ENOSYS, NULL));
  OK (ent_profile_allow_syscall (p, "write", NULL));
  ent_profile_forget_syscall (p, "clone3");
  ck_assert_int_eq (p->seccomp.n_rules, 2);
  ck_assert_int_eq (test_count_rules (p, "clone3", ENT_SECCOMP_ERRNO), 0);
  /* Forgetting lets a later allow through, unlike a kept ERRNO rule. */
  OK (ent_profile_allow_syscall (p, "clone3", NULL));
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "clone3"), 2);
  ent_profile_forget_syscall (p, "not-there");
  ck_assert_int_eq (p->seccomp.n_rules, 3);
  ent_profile_free (p);
}
END_TEST

START_TEST (syscall_allowed_levels)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t cond = allow_if_eq ("personality", 0, 8);

  ck_assert_int_eq (ent_profile_syscall_allowed (p, "read"), 0);
  OK (ent_profile_add_rule (p, &cond, NULL));
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "personality"), 1);
  OK (ent_profile_allow_syscall (p, "read", NULL));
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "read"), 2);
  ck_assert_int_eq (ent_profile_syscall_allowed (p, "write"), 0);
  ent_profile_free (p);
}
END_TEST

START_TEST (unknown_syscall_rejected)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t r = allow_rule ("no_such_syscall");
  ent_error_t *err = NULL;

  test_assert_error (ent_profile_add_rule (p, &r, &err), err, EINVAL, "'no_such_syscall'");
  ent_error_clear (&err);
  test_assert_error (ent_profile_allow_syscall (p, "frobnicate", &err), err, EINVAL, "'frobnicate'");
  ent_error_clear (&err);
  test_assert_error (ent_profile_deny_syscall (p, "frobnicate", EPERM, &err), err, EINVAL,
                     "unknown syscall");
  ent_error_clear (&err);
  test_assert_error (ent_profile_allow_syscall (p, "", &err), err, EINVAL, "unknown syscall");
  ent_error_clear (&err);
  r.syscall = NULL;
  test_assert_error (ent_profile_add_rule (p, &r, &err), err, EINVAL, "unknown syscall");
  ck_assert_int_eq (p->seccomp.n_rules, 0);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

START_TEST (bad_rules_rejected)
{
  ent_profile_t *p = ent_profile_new ();
  ent_seccomp_rule_t too_many = allow_rule ("read");
  ent_seccomp_rule_t bad_index = allow_if_eq ("read", 6, 0);
  ent_seccomp_rule_t bad_op = allow_if_eq ("read", 0, 0);
  ent_seccomp_rule_t no_errno = { .syscall = (char *) (uintptr_t) "read",
                                  .action = ENT_SECCOMP_ERRNO };
  ent_seccomp_rule_t big_errno = no_errno;
  ent_error_t *err = NULL;

  too_many.n_args = ENT_SECCOMP_MAX_ARGS + 1;
  bad_op.args[0].op = (ent_arg_op_t) 42;
  big_errno.errnum = 4096;
  test_assert_error (ent_profile_add_rule (p, &too_many, &err), err, EINVAL, "too many");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_rule (p, &bad_index, &err), err, EINVAL, "bad argument");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_rule (p, &bad_op, &err), err, EINVAL, "bad argument");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_rule (p, &no_errno, &err), err, EINVAL, "bad errno 0");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_rule (p, &big_errno, &err), err, EINVAL, "bad errno 4096");
  ck_assert_int_eq (p->seccomp.n_rules, 0);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

START_TEST (syscall_known)
{
  ck_assert (ent_syscall_known ("read"));
  ck_assert (ent_syscall_known ("clone3"));
  ck_assert (ent_syscall_known ("_llseek")); /* x86 only */
  /* Newer than libseccomp 2.5.4: core/syscall-abi.c numbers them. */
  ck_assert (ent_syscall_known ("cachestat"));
  ck_assert (ent_syscall_known ("removexattrat"));
  ck_assert (ent_syscall_known ("open_tree_attr"));
  ck_assert (ent_syscall_known ("uprobe"));
  ck_assert (!ent_syscall_known ("bogus"));
  ck_assert (!ent_syscall_known (""));
  ck_assert (!ent_syscall_known (NULL));
}
END_TEST

/* ---- string lists -------------------------------------------------------- */

START_TEST (strlist_sorted_unique)
{
  char **l = NULL;

  ck_assert_int_eq (ent_strlist_len (l), 0);
  ck_assert (!ent_strlist_contains (l, "/a"));
  OK (ent_strlist_add (&l, "/c"));
  OK (ent_strlist_add (&l, "/a"));
  OK (ent_strlist_add (&l, "/b"));
  OK (ent_strlist_add (&l, "/a"));
  ck_assert_int_eq (ent_strlist_len (l), 3);
  ck_assert_str_eq (l[0], "/a");
  ck_assert_str_eq (l[1], "/b");
  ck_assert_str_eq (l[2], "/c");
  ck_assert_ptr_null (l[3]);
  ck_assert (ent_strlist_contains (l, "/b"));
  ck_assert (!ent_strlist_contains (l, "/d"));
  ent_strlist_remove (l, "/b");
  ent_strlist_remove (l, "/zzz");
  ck_assert_int_eq (ent_strlist_len (l), 2);
  ck_assert_str_eq (l[0], "/a");
  ck_assert_str_eq (l[1], "/c");
  ck_assert_ptr_null (l[2]);
  ent_strlist_remove (NULL, "/a");
  ent_strlist_remove (l, "/a");
  ent_strlist_remove (l, "/c");
  ck_assert_int_eq (ent_strlist_len (l), 0);
  free (l);
}
END_TEST

START_TEST (strlist_copies)
{
  char **l = NULL;
  char s[] = "/x";

  OK (ent_strlist_add (&l, s));
  s[1] = 'y';
  ck_assert_str_eq (l[0], "/x");
  free (l[0]);
  free (l);
}
END_TEST

/* ---- paths --------------------------------------------------------------- */

static const struct
{
  const char *path, *cwd, *home, *out;
} paths_ok[] = {
  { "~", "/work", "/home/u", "/home/u" },
  { "~/", "/work", "/home/u", "/home/u" },
  { "~/a/../b", "/work", "/home/u", "/home/u/b" },
  { "a/./b//c", "/work", "/home/u", "/work/a/b/c" },
  { "/..", "/work", "/home/u", "/" },
  { "/", NULL, NULL, "/" },
  { "/a/b/../../..", NULL, NULL, "/" },
  { "../..", "/work/x", NULL, "/" },
  { "..", "/work/x", NULL, "/work" },
  { ".", "/work", NULL, "/work" },
  { "/tmp/", NULL, NULL, "/tmp" },
  { "//tmp//x/", NULL, NULL, "/tmp/x" },
  { "x", "/", NULL, "/x" },
  { "x", "/work/", NULL, "/work/x" },
  { "a/..b/c..", "/w", NULL, "/w/a/..b/c.." },
  { "~/..", NULL, "/home/u", "/home" },
  { "/a/~", NULL, NULL, "/a/~" },
};

START_TEST (path_resolve_ok)
{
  char *out = NULL;
  ent_error_t *err = NULL;
  int ret = ent_path_resolve (paths_ok[_i].path, paths_ok[_i].cwd, paths_ok[_i].home, &out, &err);

  ck_assert_msg (ret == 0, "'%s': %s", paths_ok[_i].path, ent_error_message (err));
  ck_assert_str_eq (out, paths_ok[_i].out);
  free (out);
}
END_TEST

static const struct
{
  const char *path, *cwd, *home, *why;
} paths_bad[] = {
  { "", "/work", "/home/u", "empty path" },
  { NULL, "/work", "/home/u", "empty path" },
  { "~user", "/work", "/home/u", "'~user'" },
  { "~user/x", "/work", "/home/u", "only '~' and '~/'" },
  { "~", "/work", NULL, "no home directory" },
  { "~/x", "/work", "relative", "no home directory" },
  { "x", NULL, "/home/u", "no working directory" },
  { "x", "work", "/home/u", "no working directory" },
};

START_TEST (path_resolve_bad)
{
  char *out = (char *) (uintptr_t) "untouched";
  ent_error_t *err = NULL;

  test_assert_error (ent_path_resolve (paths_bad[_i].path, paths_bad[_i].cwd, paths_bad[_i].home,
                                       &out, &err),
                     err, EINVAL, paths_bad[_i].why);
  ck_assert_str_eq (out, "untouched");
  ent_error_free (err);
}
END_TEST

/* ---- mounts -------------------------------------------------------------- */

START_TEST (mounts_sorted_one_per_path)
{
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;

  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/usr", NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_TMPFS, "/tmp", NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/home", NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/usr", NULL));
  ck_assert_int_eq (p->fs.n_mounts, 3);
  ck_assert_str_eq (p->fs.mounts[0].path, "/home");
  ck_assert_str_eq (p->fs.mounts[1].path, "/tmp");
  ck_assert_str_eq (p->fs.mounts[2].path, "/usr");
  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/usr", &err), err, EEXIST,
                     "conflicting grants for '/usr': host.fs.ro and host.fs.hide");
  ck_assert_int_eq (p->fs.n_mounts, 3);
  ck_assert_int_eq (p->fs.mounts[2].kind, ENT_MOUNT_BIND_RO);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

START_TEST (mount_never_covers_root)
{
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;

  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/", &err), err, EINVAL,
                     "host.fs.hide: refusing to cover '/'");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_TMPFS, "/", &err), err, EINVAL,
                     "host.fs.tmpfs: refusing to cover '/'");
  ck_assert_int_eq (p->fs.n_mounts, 0);
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/", NULL));
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

START_TEST (mount_needs_absolute)
{
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;

  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "tmp", &err), err, EINVAL,
                     "'tmp' is not absolute");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, NULL, &err), err, EINVAL,
                     "not absolute");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_mount (p, (ent_mount_kind_t) 9, "/x", &err), err, EINVAL,
                     "bad mount kind");
  ck_assert_int_eq (p->fs.n_mounts, 0);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* ---- environment --------------------------------------------------------- */

START_TEST (env_in_order)
{
  ent_profile_t *p = ent_profile_new ();

  OK (ent_profile_add_env (p, ENT_ENV_SET, "Z", "1", NULL));
  OK (ent_profile_add_env (p, ENT_ENV_UNSET, "A", NULL, NULL));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "Z", "2=3", NULL));
  OK (ent_profile_add_env (p, ENT_ENV_KEEP, "TERM", NULL, NULL));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "EMPTY", "", NULL));
  ck_assert_int_eq (p->n_env, 5);
  ck_assert_str_eq (p->env[0].name, "Z");
  ck_assert_str_eq (p->env[0].value, "1");
  ck_assert_int_eq (p->env[1].op, ENT_ENV_UNSET);
  ck_assert_ptr_null (p->env[1].value);
  ck_assert_str_eq (p->env[2].value, "2=3");
  ck_assert_int_eq (p->env[3].op, ENT_ENV_KEEP);
  ck_assert_str_eq (p->env[4].value, "");
  ent_profile_free (p);
}
END_TEST

START_TEST (env_invalid)
{
  ent_profile_t *p = ent_profile_new ();
  ent_error_t *err = NULL;

  test_assert_error (ent_profile_add_env (p, ENT_ENV_SET, "A=B", "1", &err), err, EINVAL, "'A=B'");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_env (p, ENT_ENV_SET, "", "1", &err), err, EINVAL,
                     "invalid environment variable name");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_env (p, ENT_ENV_UNSET, NULL, NULL, &err), err, EINVAL,
                     "invalid environment variable name");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_env (p, ENT_ENV_SET, "A", NULL, &err), err, EINVAL,
                     "value mismatch");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_env (p, ENT_ENV_UNSET, "A", "1", &err), err, EINVAL,
                     "value mismatch");
  ck_assert_int_eq (p->n_env, 0);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* ---- publishing ---------------------------------------------------------- */

START_TEST (publish_sorted_unique)
{
  ent_profile_t *p = ent_profile_new ();
  ent_publish_t a = { .host_port = 9000, .sandbox_port = 1, .udp = true };
  ent_publish_t b = { .host_port = 8080, .sandbox_port = 80 };
  ent_publish_t c = { .host_port = 8080, .sandbox_port = 80, .udp = true };
  ent_publish_t dup = { .host_port = 8080, .sandbox_port = 81 };
  ent_error_t *err = NULL;

  OK (ent_profile_add_publish (p, &a, NULL));
  OK (ent_profile_add_publish (p, &b, NULL));
  OK (ent_profile_add_publish (p, &c, NULL));
  test_assert_error (ent_profile_add_publish (p, &dup, &err), err, EEXIST,
                     "host port 8080/tcp is published twice");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_publish (p, &c, &err), err, EEXIST, "8080/udp");
  ck_assert_int_eq (p->net.n_publish, 3);
  ck_assert_uint_eq (p->net.publish[0].host_port, 8080);
  ck_assert (!p->net.publish[0].udp);
  ck_assert_uint_eq (p->net.publish[1].host_port, 8080);
  ck_assert (p->net.publish[1].udp);
  ck_assert_uint_eq (p->net.publish[2].host_port, 9000);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* ---- host API sockets ---------------------------------------------------- */

/* Endpoints as the launcher fills them in, for three APIs. */
static ent_profile_t *
api_profile (void)
{
  ent_profile_t *p = test_base_profile ();

  OK (ent_strlist_add (&p->api[ENT_API_SSH_AGENT].paths, "/tmp/ssh-XYZ/agent.42"));
  OK (ent_strlist_add (&p->api[ENT_API_SSH_AGENT].vars, "SSH_AUTH_SOCK"));
  OK (ent_strlist_add (&p->api[ENT_API_SSH_AGENT].vars, "SSH_AGENT_PID"));
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].paths, "/run/user/1000/docker.sock"));
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].paths, "/run/docker.sock"));
  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].vars, "DOCKER_HOST"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].paths, "/tmp/.X11-unix"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].vars, "XAUTHORITY"));
  OK (ent_strlist_add (&p->api[ENT_API_X11].vars, "DISPLAY"));
  return p;
}

static void
assert_mount (const ent_profile_t *p, size_t i, ent_mount_kind_t kind, const char *path)
{
  ck_assert_uint_gt (p->fs.n_mounts, i);
  ck_assert_int_eq (p->fs.mounts[i].kind, kind);
  ck_assert_str_eq (p->fs.mounts[i].path, path);
}

static void
assert_unset (const ent_profile_t *p, size_t i, const char *name)
{
  ck_assert_uint_gt (p->n_env, i);
  ck_assert_int_eq (p->env[i].op, ENT_ENV_UNSET);
  ck_assert_str_eq (p->env[i].name, name);
  ck_assert_ptr_null (p->env[i].value);
}

/* Nothing allowed (granted deny or not granted at all): every path
 * hidden, every variable unset, in API then name order. */
START_TEST (apply_api_denied)
{
  ent_profile_t *p = api_profile ();

  p->api[ENT_API_DOCKER].granted = true; /* api.access=docker:deny */
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 4);
  assert_mount (p, 0, ENT_MOUNT_HIDE, "/run/docker.sock");
  assert_mount (p, 1, ENT_MOUNT_HIDE, "/run/user/1000/docker.sock");
  assert_mount (p, 2, ENT_MOUNT_HIDE, "/tmp/.X11-unix");
  assert_mount (p, 3, ENT_MOUNT_HIDE, "/tmp/ssh-XYZ/agent.42");
  ck_assert_uint_eq (p->n_env, 5);
  assert_unset (p, 0, "SSH_AGENT_PID");
  assert_unset (p, 1, "SSH_AUTH_SOCK");
  assert_unset (p, 2, "DOCKER_HOST");
  assert_unset (p, 3, "DISPLAY");
  assert_unset (p, 4, "XAUTHORITY");
  /* The table itself is left alone. */
  ck_assert_uint_eq (ent_strlist_len (p->api[ENT_API_DOCKER].paths), 2);
  ck_assert (p->api[ENT_API_DOCKER].granted);
  ck_assert (!p->api[ENT_API_DOCKER].allow);
  ent_profile_free (p);
}
END_TEST

START_TEST (apply_api_allowed)
{
  ent_profile_t *p = api_profile ();

  p->api[ENT_API_DOCKER].allow = p->api[ENT_API_DOCKER].granted = true;
  p->api[ENT_API_SSH_AGENT].allow = p->api[ENT_API_SSH_AGENT].granted = true;
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 1);
  assert_mount (p, 0, ENT_MOUNT_HIDE, "/tmp/.X11-unix");
  ck_assert_uint_eq (p->n_env, 2);
  assert_unset (p, 0, "DISPLAY");
  assert_unset (p, 1, "XAUTHORITY");
  ent_profile_free (p);
}
END_TEST

START_TEST (apply_api_all_allowed)
{
  ent_profile_t *p = api_profile ();
  ent_profile_t *before;

  for (int i = 0; i < ENT_API_COUNT; i++)
    p->api[i].allow = p->api[i].granted = true;
  before = ent_profile_copy (p);
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 0);
  ck_assert_uint_eq (p->n_env, 0);
  ck_assert (ent_profile_equal (p, before));
  ent_profile_free (before);
  ent_profile_free (p);
}
END_TEST

START_TEST (apply_api_no_endpoints)
{
  ent_profile_t *p = test_base_profile ();
  ent_profile_t *before = ent_profile_copy (p);

  OK (ent_profile_apply_api (p, NULL));
  ck_assert (ent_profile_equal (p, before));
  ent_profile_free (before);
  ent_profile_free (p);
}
END_TEST

/* Other mounts and environment changes stay, in their order, before. */
START_TEST (apply_api_keeps_the_rest)
{
  ent_profile_t *p = api_profile ();

  p->api[ENT_API_SSH_AGENT].allow = p->api[ENT_API_X11].allow = true;
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/usr", NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/run/docker.sock", NULL));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "DOCKER_HOST", "tcp://h:1", NULL));
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 3);
  assert_mount (p, 0, ENT_MOUNT_HIDE, "/run/docker.sock");
  assert_mount (p, 1, ENT_MOUNT_HIDE, "/run/user/1000/docker.sock");
  assert_mount (p, 2, ENT_MOUNT_BIND_RO, "/usr");
  ck_assert_uint_eq (p->n_env, 2);
  ck_assert_int_eq (p->env[0].op, ENT_ENV_SET);
  ck_assert_str_eq (p->env[0].value, "tcp://h:1");
  assert_unset (p, 1, "DOCKER_HOST");
  ent_profile_free (p);
}
END_TEST

static const struct
{
  ent_mount_kind_t kind;
  const char *path;
  const char *message;
} api_mount_conflicts[] = {
  { ENT_MOUNT_BIND_RW, "/run/docker.sock",
    "api.access=docker:deny (the default): conflicting grants for '/run/docker.sock': host.fs.rw "
    "and host.fs.hide" },
  { ENT_MOUNT_BIND_RO, "/run/user/1000/docker.sock",
    "api.access=docker:deny (the default): conflicting grants for '/run/user/1000/docker.sock': "
    "host.fs.ro and host.fs.hide" },
  { ENT_MOUNT_TMPFS, "/tmp/.X11-unix",
    "api.access=x11:deny (the default): conflicting grants for '/tmp/.X11-unix': host.fs.tmpfs and "
    "host.fs.hide" },
  { ENT_MOUNT_BIND_RW, "/tmp/ssh-XYZ/agent.42",
    "api.access=ssh-agent:deny (the default): conflicting grants for '/tmp/ssh-XYZ/agent.42': "
    "host.fs.rw and host.fs.hide" },
};

START_TEST (apply_api_mount_conflict)
{
  ent_profile_t *p = api_profile ();
  ent_error_t *err = NULL;

  OK (ent_profile_add_mount (p, api_mount_conflicts[_i].kind, api_mount_conflicts[_i].path, NULL));
  test_assert_error (ent_profile_apply_api (p, &err), err, EEXIST, "api.access");
  ck_assert_str_eq (ent_error_message (err), api_mount_conflicts[_i].message);
  ent_error_free (err);
  ent_profile_free (p);
}
END_TEST

/* An address variable may name '/' (DOCKER_HOST=unix:///): no socket, and
 * hiding it would leave the sandbox nothing.  It is skipped; the rest of the
 * API is still hidden and its variable unset. */
START_TEST (apply_api_root_skipped)
{
  ent_profile_t *p = api_profile ();

  OK (ent_strlist_add (&p->api[ENT_API_DOCKER].paths, "/"));
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 4);
  assert_mount (p, 0, ENT_MOUNT_HIDE, "/run/docker.sock");
  assert_mount (p, 1, ENT_MOUNT_HIDE, "/run/user/1000/docker.sock");
  assert_unset (p, 2, "DOCKER_HOST");
  ent_profile_free (p);
}
END_TEST

START_TEST (apply_api_allowed_path_mounted)
{
  ent_profile_t *p = api_profile ();

  p->api[ENT_API_DOCKER].allow = p->api[ENT_API_DOCKER].granted = true;
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/run/docker.sock", NULL));
  OK (ent_profile_apply_api (p, NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 3);
  assert_mount (p, 0, ENT_MOUNT_BIND_RW, "/run/docker.sock");
  assert_mount (p, 1, ENT_MOUNT_HIDE, "/tmp/.X11-unix");
  assert_mount (p, 2, ENT_MOUNT_HIDE, "/tmp/ssh-XYZ/agent.42");
  ent_profile_free (p);
}
END_TEST

/* ---- strings ------------------------------------------------------------- */

START_TEST (set_string)
{
  char *field = NULL;
  char src[] = "one";

  OK (ent_profile_set_string (&field, src));
  src[0] = 'X';
  ck_assert_str_eq (field, "one");
  OK (ent_profile_set_string (&field, "two"));
  ck_assert_str_eq (field, "two");
  OK (ent_profile_set_string (&field, NULL));
  ck_assert_ptr_null (field);
}
END_TEST

/* ---- the model a platform maps to OCI --------------------------------------- */

/* A fresh profile leaves the capabilities unset, which is not the same as
 * granting all of them: they render and compare differently, and any
 * capability helper makes the sets say what they say. */
START_TEST (caps_unset_distinct_from_all)
{
  ent_profile_t *fresh = ent_profile_new (), *all = ent_profile_new ();
  ent_profile_t *copy;
  char *json, *text = NULL;

  ck_assert (fresh->caps_unset);
  for (int c = 0; c <= ENT_CAP_LAST; c++)
    ent_profile_grant_cap (all, c);
  ck_assert (!all->caps_unset);
  ck_assert (!ent_profile_equal (fresh, all));
  json = test_render_profile_json (fresh);
  ck_assert_ptr_nonnull (strstr (json, "\"capabilities\": \"unset\""));
  free (json);
  json = test_render_profile_json (all);
  ck_assert_ptr_null (strstr (json, "unset"));
  ck_assert_ptr_nonnull (strstr (json, "CAP_CHECKPOINT_RESTORE"));
  free (json);
  OK (ent_render_profile (fresh, ENT_RENDER_TEXT, &text, NULL));
  ck_assert_ptr_nonnull (strstr (text, "capabilities: unset"));
  free (text);
  copy = ent_profile_copy (fresh);
  ck_assert (copy->caps_unset && ent_profile_equal (copy, fresh));
  ent_profile_free (copy);
  /* Each helper sets them: a cleared set is "none", not "unset". */
  ent_profile_caps_clear (fresh);
  ck_assert (!fresh->caps_unset);
  ent_profile_free (fresh);
  fresh = ent_profile_new ();
  ent_profile_revoke_cap (fresh, CAP_SYS_ADMIN);
  ck_assert (!fresh->caps_unset);
  ent_profile_free (fresh);
  fresh = ent_profile_new ();
  OK (ent_profile_add_caps (fresh, NULL, NULL));
  ck_assert (!fresh->caps_unset);
  ent_profile_free (fresh);
  ent_profile_free (all);
}
END_TEST

/* Every level of the default catalogue says what the capabilities are. */
START_TEST (caps_set_by_every_security_level)
{
  static const char *const levels[] = { "security.confined",    "security.view", "security.admin",
                                        "security.memory-lock", "network.admin", NULL };
  ent_catalogue_t *cat = test_catalogue ();

  for (size_t i = 0; levels[i]; i++)
    {
      const char *one[] = { levels[i], NULL };
      ent_manager_t *m = test_manager_with (cat, one);
      ck_assert_msg (!ent_manager_profile (m)->caps_unset, "%s leaves them unset", levels[i]);
      ent_manager_free (m);
    }
  ent_catalogue_free (cat);
}
END_TEST

/* A mount has a source, a destination, a type and options, as an OCI
 * config's "mounts" entries do, and keeps them through copy and render. */
START_TEST (mount_full_fields)
{
  ent_profile_t *p = test_base_profile (), *copy;
  char *opts[] = { "nosuid", "noexec", NULL };
  ent_mount_t data
      = { .kind = ENT_MOUNT_BIND_RW, .path = "/data", .source = "/srv//d/", .options = opts };
  ent_mount_t proc = { .kind = ENT_MOUNT_OTHER, .path = "/proc", .source = "proc", .type = "proc" };
  char *json, *text = NULL;

  OK (ent_profile_add_mount_full (p, &data, NULL));
  OK (ent_profile_add_mount_full (p, &proc, NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_TMPFS, "/tmp", NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 3);
  ck_assert_str_eq (p->fs.mounts[0].path, "/data");
  ck_assert_str_eq (p->fs.mounts[0].source, "/srv/d"); /* tidied */
  ck_assert_str_eq (p->fs.mounts[0].options[1], "noexec");
  ck_assert_ptr_null (p->fs.mounts[0].options[2]);
  ck_assert_str_eq (ent_mount_type (&p->fs.mounts[0]), "bind");
  ck_assert_str_eq (ent_mount_type (&p->fs.mounts[1]), "proc");
  ck_assert_str_eq (ent_mount_type (&p->fs.mounts[2]), "tmpfs");
  ck_assert_ptr_null (p->fs.mounts[2].source);
  opts[0] = "changed"; /* copied, not kept */
  ck_assert_str_eq (p->fs.mounts[0].options[0], "nosuid");
  copy = ent_profile_copy (p);
  ck_assert (ent_profile_equal (copy, p));
  free (copy->fs.mounts[0].options[1]);
  copy->fs.mounts[0].options[1] = strdup ("nodev");
  ck_assert (!ent_profile_equal (copy, p));
  ent_profile_free (copy);
  json = test_render_profile_json (p);
  ck_assert_ptr_nonnull (strstr (json,
                                 "{\"kind\": \"rw\", \"path\": \"/data\", \"default\": false, "
                                 "\"source\": \"/srv/d\", \"options\": [\"nosuid\", \"noexec\"]}"));
  ck_assert_ptr_nonnull (strstr (json, "\"kind\": \"other\", \"path\": \"/proc\", \"default\": "
                                       "false, \"source\": \"proc\", \"type\": \"proc\"}"));
  /* A mount with nothing but kind and path renders as it always did. */
  ck_assert_ptr_nonnull (
      strstr (json, "{\"kind\": \"tmpfs\", \"path\": \"/tmp\", \"default\": false}"));
  free (json);
  OK (ent_render_profile (p, ENT_RENDER_TEXT, &text, NULL));
  ck_assert_ptr_nonnull (
      strstr (text, "rw      /data from \"/srv/d\" options \"nosuid\",\"noexec\"\n"));
  ck_assert_ptr_nonnull (strstr (text, "other   /proc type \"proc\" from \"proc\"\n"));
  free (text);
  ent_profile_free (p);
}
END_TEST

/* The same mount again is a no-op; another at the same destination, even
 * one that differs only in its source or options, is a conflict. */
START_TEST (mount_full_conflicts)
{
  ent_profile_t *p = test_base_profile ();
  char *opts[] = { "nosuid", NULL }, *none[] = { NULL };
  ent_mount_t a
      = { .kind = ENT_MOUNT_BIND_RO, .path = "/data", .source = "/srv/a", .options = opts };
  ent_mount_t b = a, c = a, d = a, e = { .kind = ENT_MOUNT_BIND_RO, .path = "/x", .options = none };
  ent_error_t *err = NULL;

  OK (ent_profile_add_mount_full (p, &a, NULL));
  OK (ent_profile_add_mount_full (p, &a, NULL));
  b.source = "/srv/b";
  test_assert_error (ent_profile_add_mount_full (p, &b, &err), err, EEXIST, "'/data'");
  ent_error_clear (&err);
  c.options = NULL;
  test_assert_error (ent_profile_add_mount_full (p, &c, &err), err, EEXIST, "'/data'");
  ent_error_clear (&err);
  d.source = NULL;
  test_assert_error (ent_profile_add_mount_full (p, &d, &err), err, EEXIST, "'/data'");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/data", &err), err, EEXIST,
                     NULL);
  ent_error_clear (&err);
  /* An empty option list is no options: the same as a plain grant. */
  OK (ent_profile_add_mount_full (p, &e, NULL));
  ck_assert_ptr_null (p->fs.mounts[1].options);
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/x", NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 2);
  ent_profile_free (p);
}
END_TEST

START_TEST (mount_full_invalid)
{
  char *comma[] = { "size=1,exec", NULL }, *empty[] = { "", NULL },
       *ctl[] = { "no\x1b[2Jexec", NULL };
  char *bad_utf8[] = { "mode=\xff", NULL };
  const struct
  {
    ent_mount_t m;
    const char *needle;
  } cases[] = {
    { { .kind = ENT_MOUNT_TMPFS, .path = "/t", .source = "/s" }, "takes no source" },
    { { .kind = ENT_MOUNT_HIDE, .path = "/t", .source = "/s" }, "takes no source" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .source = "s" }, "not an absolute" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .source = "/a/../etc" }, "not an absolute" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .source = "/a/.." }, "not an absolute" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .source = "/a\x1b]0;x" }, "not printable" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .type = "ext4" }, "only a mount of kind" },
    { { .kind = ENT_MOUNT_OTHER, .path = "/t" }, "needs a type" },
    { { .kind = ENT_MOUNT_OTHER, .path = "/t", .type = "" }, "bad filesystem type" },
    { { .kind = ENT_MOUNT_OTHER, .path = "/t", .type = "tmpfs,exec" }, "bad filesystem type" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .options = comma }, "bad mount option #1" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .options = empty }, "bad mount option #1" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .options = ctl }, "bad mount option #1" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .options = bad_utf8 }, "bad mount option #1" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "t" }, "not absolute" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/x/../t" }, "not normalised" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t/.." }, "not normalised" },
    { { .kind = ENT_MOUNT_HIDE, .path = "//" }, "refusing to cover '/'" },
    { { .kind = ENT_MOUNT_TMPFS, .path = "/." }, "refusing to cover '/'" },
    { { .kind = ENT_MOUNT_BIND_RW, .path = "/t", .source = "/a\xe2\x80\xaetxt" }, "not printable" },
    { { .kind = ENT_MOUNT_OTHER, .path = "/t", .type = "ro\xe2\x81\xa6" }, "bad filesystem type" },
    { { .kind = ENT_MOUNT_TMPFS, .path = "/" }, "refusing to cover '/'" },
    { { .kind = (ent_mount_kind_t)99, .path = "/t" }, "bad mount kind" },
  };
  ent_profile_t *p = test_base_profile ();
  ent_error_t *err = NULL;

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      test_assert_error (ent_profile_add_mount_full (p, &cases[i].m, &err), err, EINVAL,
                         cases[i].needle);
      ent_error_clear (&err);
    }
  test_assert_error (ent_profile_add_mount (p, ENT_MOUNT_OTHER, "/t", &err), err, EINVAL,
                     "needs ent_profile_add_mount_full");
  ent_error_clear (&err);
  test_assert_error (ent_profile_add_mount_full (p, NULL, &err), err, EINVAL, NULL);
  ent_error_clear (&err);
  ck_assert_uint_eq (p->fs.n_mounts, 0);
  ent_profile_free (p);
}
END_TEST

/* Findings of the attack review: the destination is tidied before it is
 * compared (one mount per destination, however spelt); a source equal to
 * the destination is the plain grant; a non-NULL empty option list written
 * into the struct renders as none. */
START_TEST (mount_full_tidied)
{
  ent_profile_t *p = test_base_profile ();
  ent_mount_t same = { .kind = ENT_MOUNT_BIND_RO, .path = "/tq", .source = "/tq/" };
  ent_mount_t spelt = { .kind = ENT_MOUNT_BIND_RW, .path = "//tdest/./" };
  ent_error_t *err = NULL;
  char *json, *none[] = { NULL };

  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/tdest", NULL));
  test_assert_error (ent_profile_add_mount_full (p, &spelt, &err), err, EEXIST, "'/tdest'");
  ent_error_clear (&err);
  OK (ent_profile_add_mount_full (p, &same, NULL));
  ck_assert_ptr_null (p->fs.mounts[1].source);
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/tq", NULL));
  ck_assert_uint_eq (p->fs.n_mounts, 2);
  /* A callback may write the struct itself. */
  p->fs.mounts[1].options = calloc (1, sizeof (char *));
  json = test_render_profile_json (p);
  ck_assert_ptr_null (strstr (json, "options"));
  free (json);
  (void)none;
  ent_profile_free (p);
}
END_TEST

/* Unset capabilities are not a set to add to: granting one on a fresh
 * profile grants that one alone, and revoking one leaves none. */
START_TEST (caps_from_unset_start_empty)
{
  ent_profile_t *p = ent_profile_new ();

  ent_profile_grant_cap (p, CAP_SYS_ADMIN);
  for (int set = 0; set < ENT_CAPSET_COUNT; set++)
    ck_assert_uint_eq (p->caps[set], ENT_CAP_BIT (CAP_SYS_ADMIN));
  ent_profile_free (p);
  p = ent_profile_new ();
  ent_profile_revoke_cap (p, CAP_NET_RAW);
  for (int set = 0; set < ENT_CAPSET_COUNT; set++)
    ck_assert_uint_eq (p->caps[set], 0);
  ent_profile_free (p);
  p = ent_profile_new ();
  OK (ent_profile_add_caps (p, NULL, "CAP_CHOWN", NULL));
  ck_assert_uint_eq (p->caps[ENT_CAPSET_BOUNDING], ENT_CAP_BIT (CAP_CHOWN));
  /* Once set, they add up as before. */
  ent_profile_grant_cap (p, CAP_KILL);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_EFFECTIVE],
                     ENT_CAP_BIT (CAP_CHOWN) | ENT_CAP_BIT (CAP_KILL));
  ent_profile_free (p);
}
END_TEST

/* A mount from another source cannot show a credential store that the
 * default boundary hides at its own path. */
START_TEST (mount_source_cannot_expose_credentials)
{
  static const char *const sources[] = { "/home/u/.ssh", "/home/u/.ssh/keys", "/home/u", "/" };
  ent_catalogue_t *cat = test_catalogue ();

  for (size_t i = 0; i < sizeof (sources) / sizeof (sources[0]); i++)
    {
      ent_profile_t *base = test_base_profile ();
      ent_mount_t m
          = { .kind = ENT_MOUNT_BIND_RO, .path = "/mnt/keys", .source = (char *)sources[i] };
      ent_error_t *err = NULL;

      base->host_boundary = true;
      OK (ent_profile_add_mount_full (base, &m, NULL));
      ck_assert_ptr_null (ent_manager_new (base, cat, &err));
      test_assert_err (err, EPERM, "credential store");
      ent_error_free (err);
    }
  ent_catalogue_free (cat);
}
END_TEST

/* Each launcher extension is found by the grant that asks for it, and only
 * by it: a platform can refuse what has no OCI form. */
START_TEST (launcher_features_named)
{
  static const struct
  {
    const char *grant;
    unsigned feature;
  } cases[] = {
    { "network.user", ENT_FEATURE_NET_USER },
    { "network.user,network.publish=8080:80", ENT_FEATURE_NET_USER },
    { "network.proxy=http://127.0.0.1:3128", ENT_FEATURE_NET_PROXY },
    { "api.access=ssh-agent:allow", ENT_FEATURE_API },
    { "host.clipboard", ENT_FEATURE_CLIPBOARD },
    { "resources.timeout=5", ENT_FEATURE_TIMEOUT },
    { "security.landlock-required", ENT_FEATURE_LANDLOCK },
    { "api.access=ssh-agent:deny", 0 },
    { "network.none", 0 },
    { "network.host", 0 },
    { "host.fs.rw=/srv", 0 },
  };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  ck_assert_uint_eq (ent_profile_launcher_features (ent_manager_profile (m)), 0);
  ck_assert_uint_eq (ent_profile_launcher_features (NULL), 0);
  ent_manager_free (m);
  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      ent_profile_t *base = test_base_profile ();
      test_fill_api (base);
      m = test_manager_over (cat, base);
      if (strchr (cases[i].grant, ','))
        test_grant_ok (m, cat, "network.user");
      test_grant_ok (m, cat,
                     strrchr (cases[i].grant, ',') ? strrchr (cases[i].grant, ',') + 1
                                                   : cases[i].grant);
      ck_assert_msg (ent_profile_launcher_features (ent_manager_profile (m)) == cases[i].feature,
                     "%s: features 0x%x, expected 0x%x", cases[i].grant,
                     ent_profile_launcher_features (ent_manager_profile (m)), cases[i].feature);
      if (cases[i].feature && strchr (cases[i].grant, ','))
        ck_assert_str_eq (ent_feature_name (cases[i].feature), "network.user");
      else if (cases[i].feature)
        ck_assert_int_eq (strncmp (ent_feature_name (cases[i].feature), cases[i].grant,
                                   strcspn (cases[i].grant, "=")),
                          0);
      ent_manager_free (m);
    }
  /* What the launcher does beyond the profile's own fields. */
  {
    ent_profile_t *base = test_base_profile ();
    const char *const env[] = { "GITHUB_TOKEN=x", "HOME=/h", NULL };
    base->host_boundary = true;
    OK (ent_profile_scrub_env (base, env, NULL));
    m = test_manager_over (cat, base);
    test_grant_ok (m, cat, "resources.memory=1G");
    ck_assert_uint_eq (ent_profile_launcher_features (ent_manager_profile (m)),
                       ENT_FEATURE_HOST_BOUNDARY | ENT_FEATURE_ENV_SCRUB
                           | ENT_FEATURE_MEMORY_WATCH);
    ck_assert_str_eq (ent_feature_name (ENT_FEATURE_HOST_BOUNDARY), "default boundary");
    ck_assert_str_eq (ent_feature_name (ENT_FEATURE_MEMORY_WATCH),
                      "resources.memory without a cgroup");
    ent_manager_free (m);
  }
  ck_assert_ptr_null (ent_feature_name (0));
  ck_assert_ptr_null (ent_feature_name (ENT_FEATURE_NET_USER | ENT_FEATURE_API));
  ck_assert_ptr_null (ent_feature_name (1u << 20));
  ent_catalogue_free (cat);
}
END_TEST

Suite *
profile_suite (void)
{
  Suite *s = suite_create ("profile");
  TCase *tc = tcase_create ("profile");

  tcase_add_test (tc, new_profile_defaults);
  tcase_add_test (tc, free_null);
  tcase_add_test (tc, copy_equal_roundtrip);
  tcase_add_test (tc, copy_is_deep);
  tcase_add_test (tc, copy_of_new_profile);
  tcase_add_loop_test (tc, equal_sees_each_field, 0, TEST_N (mutators));
  tcase_add_test (tc, equal_ignores_publish_padding);
  tcase_add_test (tc, equal_ignores_resources_padding);
  tcase_add_test (tc, enum_names);
  tcase_add_test (tc, api_enum_names);
  tcase_add_test (tc, cap_from_name);
  tcase_add_test (tc, cap_to_name);
  tcase_add_test (tc, cap_all_mask);
  tcase_add_test (tc, grant_and_revoke_cap);
  tcase_add_test (tc, add_caps_named);
  tcase_add_test (tc, add_caps_unknown_grants_nothing);
  tcase_add_test (tc, rules_sorted);
  tcase_add_test (tc, rules_dedup);
  tcase_add_test (tc, rule_name_copied);
  tcase_add_test (tc, allow_subsumes_conditional_after);
  tcase_add_test (tc, allow_subsumes_conditional_before);
  tcase_add_test (tc, add_rule_subsumes_conditional_after);
  tcase_add_test (tc, add_rule_subsumes_conditional_before);
  tcase_add_test (tc, conditional_errno_kept_by_allow);
  tcase_add_test (tc, deny_removes_allows);
  tcase_add_test (tc, deny_wins_over_later_allow);
  tcase_add_test (tc, disallow_keeps_errno);
  tcase_add_test (tc, forget_removes_all);
  tcase_add_test (tc, syscall_allowed_levels);
  tcase_add_test (tc, unknown_syscall_rejected);
  tcase_add_test (tc, bad_rules_rejected);
  tcase_add_test (tc, syscall_known);
  tcase_add_test (tc, strlist_sorted_unique);
  tcase_add_test (tc, strlist_copies);
  tcase_add_loop_test (tc, path_resolve_ok, 0, TEST_N (paths_ok));
  tcase_add_loop_test (tc, path_resolve_bad, 0, TEST_N (paths_bad));
  tcase_add_test (tc, mounts_sorted_one_per_path);
  tcase_add_test (tc, mount_needs_absolute);
  tcase_add_test (tc, mount_never_covers_root);
  tcase_add_test (tc, env_in_order);
  tcase_add_test (tc, env_invalid);
  tcase_add_test (tc, publish_sorted_unique);
  tcase_add_test (tc, apply_api_denied);
  tcase_add_test (tc, apply_api_allowed);
  tcase_add_test (tc, apply_api_all_allowed);
  tcase_add_test (tc, apply_api_no_endpoints);
  tcase_add_test (tc, apply_api_keeps_the_rest);
  tcase_add_loop_test (tc, apply_api_mount_conflict, 0, TEST_N (api_mount_conflicts));
  tcase_add_test (tc, apply_api_allowed_path_mounted);
  tcase_add_test (tc, apply_api_root_skipped);
  tcase_add_test (tc, set_string);
  tcase_add_test (tc, caps_unset_distinct_from_all);
  tcase_add_test (tc, caps_set_by_every_security_level);
  tcase_add_test (tc, mount_full_fields);
  tcase_add_test (tc, mount_full_conflicts);
  tcase_add_test (tc, mount_full_invalid);
  tcase_add_test (tc, launcher_features_named);
  tcase_add_test (tc, mount_full_tidied);
  tcase_add_test (tc, caps_from_unset_start_empty);
  tcase_add_test (tc, mount_source_cannot_expose_credentials);
  suite_add_tcase (s, tc);
  return s;
}
