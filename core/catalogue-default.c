/* libentitlement — the default catalogue of DESIGN.md.
 *
 * Each exclusive group's first level is its default, so a sandbox with no
 * grants at all is the most confined one.  Security levels are applied
 * first (they reset capabilities and seccomp), then the other levels, then
 * flags, then list entries: see ENT_ORDER_* and the manager. */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue-default.h"
#include "ent-util.h"
#include "seccomp-policy.h"

#define ORDER_SECURITY ENT_ORDER_LEVEL
#define ORDER_OTHER_LEVEL (ENT_ORDER_LEVEL + 10)

/* Docker's masked and read-only /proc and /sys paths (moby's
 * oci/defaults.go); the launcher skips those missing on this kernel. */
static const char *const masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/interrupts",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/sys/devices/virtual/powercap",
  "/sys/firmware",
  NULL,
};

static const char *const readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static int
oom (ent_error_t **err)
{
  return ent_error_set (err, ENOMEM, "out of memory");
}

static int
add_paths (char ***list, const char *const *paths, ent_error_t **err)
{
  for (; *paths; paths++)
    if (ent_strlist_add (list, *paths) < 0)
      return oom (err);
  return 0;
}

/* Namespaces every security level creates: the sandbox always gets its own
 * user, mount, IPC, UTS and cgroup namespaces. */
static void
own_namespaces (ent_profile_t *p)
{
  p->ns.create[ENT_NS_USER] = true;
  p->ns.create[ENT_NS_MOUNT] = true;
  p->ns.create[ENT_NS_IPC] = true;
  p->ns.create[ENT_NS_UTS] = true;
  p->ns.create[ENT_NS_CGROUP] = true;
}

static int
security_confined (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  own_namespaces (p);
  p->uid = p->gid = -1;
  ent_profile_caps_clear (p);
  p->no_new_privs = true;
  p->new_session = true;
  if (add_paths (&p->fs.masked, masked_paths, err) < 0
      || add_paths (&p->fs.readonly, readonly_paths, err) < 0)
    return -ENOMEM;
  return ent_policy_apply_confined (p, err);
}

static int
security_view (ent_profile_t *p, void *data, ent_error_t **err)
{
  int ret = security_confined (p, data, err);
  bool keys;

  if (ret < 0)
    return ret;
  /* Not CAP_AUDIT_READ (Docker's libentitlement dropped it): it reads the
   * audit log only in the initial user namespace, which a sandbox never
   * holds a capability in. */
  ent_profile_grant_cap (p, ent_cap_from_name ("CAP_DAC_READ_SEARCH"));
  /* Masked paths become visible, but read-only; /proc/keys stays masked:
   * it names the keys in the user's keyrings, which is no introspection
   * of the sandbox. */
  keys = ent_strlist_contains (p->fs.masked, "/proc/keys");
  for (size_t i = 0; p->fs.masked && p->fs.masked[i]; i++)
    if (strcmp (p->fs.masked[i], "/proc/keys") != 0
        && ent_strlist_add (&p->fs.readonly, p->fs.masked[i]) < 0)
      return oom (err);
  ent_strv_free (p->fs.masked);
  p->fs.masked = NULL;
  if (keys && ent_strlist_add (&p->fs.masked, "/proc/keys") < 0)
    return oom (err);
  return ent_policy_allow_group (p, ent_policy_introspection_family, err);
}

static int
security_admin (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  own_namespaces (p);
  p->uid = p->gid = 0;
  ent_profile_caps_clear (p);
  p->caps[ENT_CAPSET_BOUNDING] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_PERMITTED] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_EFFECTIVE] = ENT_CAP_ALL;
  p->no_new_privs = true;
  p->new_session = true;
  ent_strv_free (p->fs.masked);
  ent_strv_free (p->fs.readonly);
  p->fs.masked = p->fs.readonly = NULL;
  if (ent_policy_apply_confined (p, err) < 0)
    return err && *err ? -(*err)->code : -EINVAL;
  return ent_policy_apply_admin (p, err);
}

/* The mlock family itself is allowed to every sandbox (seccomp-policy.c),
 * bounded by RLIMIT_MEMLOCK: this raises the bound. */
static int
security_memory_lock (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  ent_profile_grant_cap (p, ent_cap_from_name ("CAP_IPC_LOCK"));
  p->rlimits[ENT_RLIMIT_MEMLOCK].soft = ENT_RLIM_HARD;
  return 0;
}

/* The launcher checks it against the kernel (launcher/landlock.c). */
static int
security_landlock_required (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  p->landlock_required = true;
  return 0;
}

static int
security_fs_read_only (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  p->fs.read_only = true;
  return 0;
}

/* ---- network ------------------------------------------------------------- */

static int
net_private (ent_profile_t *p, ent_net_mode_t mode)
{
  p->ns.create[ENT_NS_NET] = true;
  p->net.mode = mode;
  return 0;
}

static int
network_none (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  return net_private (p, ENT_NET_NONE);
}

static int
network_user (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  return net_private (p, ENT_NET_USER);
}

/* Also widens the socket families (AF_PACKET, the netlink protocols of
 * network administration) where a filter is in force: security levels are
 * applied first, so the confined allowlist is already there to replace. */
static int
network_admin (ent_profile_t *p, void *data, ent_error_t **err)
{
  int ret;

  (void)data;
  net_private (p, ENT_NET_USER);
  p->net.admin = true;
  ret = ent_profile_add_caps (p, err, "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_NET_BIND_SERVICE",
                              "CAP_NET_BROADCAST", NULL);
  if (ret == 0 && p->seccomp.enabled)
    ret = ent_policy_socket_families (p, true, err);
  return ret;
}

static int
network_host (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  p->ns.create[ENT_NS_NET] = false;
  p->net.mode = ENT_NET_HOST;
  return 0;
}

/* Parse a port 1..65535 from @s up to @end; -1 when bad. */
static int
parse_port (const char *s, const char *end)
{
  long v = 0;

  if (s == end || end - s > 5)
    return -1;
  for (; s < end; s++)
    {
      if (*s < '0' || *s > '9')
        return -1;
      v = v * 10 + (*s - '0');
    }
  return v >= 1 && v <= 65535 ? (int)v : -1;
}

/* Accept http://HOST:PORT[/] where HOST is a name, an IPv4 address or a
 * bracketed IPv6 address: the relay connects to it and speaks CONNECT. */
static int
check_proxy_url (const char *url, ent_error_t **err)
{
  const char *host = url + strlen ("http://");
  const char *colon, *end;

  if (!ent_str_has_prefix (url, "http://"))
    return ent_error_set (err, EINVAL, "network.proxy: '%s' is not an http:// URL", url);
  end = host + strcspn (host, "/");
  if (*end == '/' && end[1] != '\0')
    return ent_error_set (err, EINVAL, "network.proxy: '%s' must not have a path", url);
  colon = memrchr (host, ':', end - host);
  if (colon == NULL || colon == host || parse_port (colon + 1, end) < 0
      || (host[0] == '[' && colon[-1] != ']') || memchr (host, '@', end - host))
    return ent_error_set (err, EINVAL, "network.proxy: '%s' needs http://HOST:PORT", url);
  return 0;
}

static int
network_proxy (ent_profile_t *p, const char *url, void *data, ent_error_t **err)
{
  static const char *const vars[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY" };
  int ret = check_proxy_url (url, err);

  (void)data;
  if (ret < 0)
    return ret;
  net_private (p, ENT_NET_PROXY);
  if (ent_profile_set_string (&p->net.proxy_url, url) < 0)
    return oom (err);
  for (size_t i = 0; i < N_ELEMENTS (vars); i++)
    if ((ret = ent_profile_add_env (p, ENT_ENV_SET, vars[i], "http://127.0.0.1:3128", err)) < 0)
      return ret;
  return 0;
}

static int
needs_user_net (const ent_profile_t *p, const char *what, ent_error_t **err)
{
  if (p->net.mode != ENT_NET_USER)
    return ent_error_set (err, EINVAL, "%s needs network.user or network.admin (network is %s)",
                          what, ent_net_mode_name (p->net.mode));
  return 0;
}

static int
network_publish (ent_profile_t *p, const char *spec, void *data, ent_error_t **err)
{
  ent_publish_t pub = { 0 };
  const char *colon = strchr (spec, ':');
  const char *end = spec + strcspn (spec, "/");
  int host, sandbox;

  (void)data;
  if (needs_user_net (p, "network.publish", err) < 0)
    return -EINVAL;
  if (*end == '/' && strcmp (end, "/udp") != 0 && strcmp (end, "/tcp") != 0)
    return ent_error_set (err, EINVAL, "network.publish=%s: protocol must be tcp or udp", spec);
  host = colon && colon < end ? parse_port (spec, colon) : -1;
  sandbox = host > 0 ? parse_port (colon + 1, end) : -1;
  if (host < 0 || sandbox < 0)
    return ent_error_set (err, EINVAL, "network.publish=%s: expected HOSTPORT:SANDBOXPORT[/udp]",
                          spec);
  pub.host_port = host;
  pub.sandbox_port = sandbox;
  pub.udp = strcmp (end, "/udp") == 0;
  return ent_profile_add_publish (p, &pub, err);
}

static int
network_host_loopback (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  if (needs_user_net (p, "network.host-loopback", err) < 0)
    return -EINVAL;
  p->net.host_loopback = true;
  return 0;
}

/* The sandbox's output reaches the caller's terminal through entrun's
 * relay, which drops the escape sequences that write the clipboard (OSC
 * 52): a later paste into the caller's shell would run what the sandbox
 * chose.  This lets them through (a remote editor's yank, say). */
static int
host_clipboard (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  (void)err;
  p->clipboard = true;
  return 0;
}

/* ---- host devices, processes, filesystem --------------------------------- */

static int
set_devices (ent_profile_t *p, ent_dev_mode_t dev, ent_sys_mode_t sys)
{
  p->fs.dev = dev;
  p->fs.sys = sys;
  return 0;
}

static int
devices_none (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  return set_devices (p, ENT_DEV_MINIMAL, ENT_SYS_RO);
}

static int
devices_view (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  return set_devices (p, ENT_DEV_HOST_RO, ENT_SYS_RO);
}

static int
devices_admin (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  return set_devices (p, ENT_DEV_HOST_RW, ENT_SYS_HOST);
}

static int default_pids (ent_profile_t *p);

static int
processes_none (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_FRESH;
  return default_pids (p);
}

/* host.processes.view and admin keep a PID namespace of their own, as
 * every sandbox has (entrun refuses a profile without): only that ends
 * everything the command leaves behind when entrun ends, and keeps the
 * user's processes out of reach of kill(), pidfd_send_signal() and ptrace
 * (their pids mean nothing inside).  The host's /proc is what they see:
 * the user's processes are listed, not signalled. */
static int
processes_view (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data, (void)err;
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_HOST;
  return default_pids (p);
}

/* What a rootless sandbox can have beyond view: ptrace of its own
 * processes.  The kernel refuses it ptrace of the user's host processes
 * whatever its seccomp filter allows: they belong to another user
 * namespace, where the sandbox holds no CAP_SYS_PTRACE. */
static int
processes_admin (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  p->ns.create[ENT_NS_PID] = true;
  p->fs.proc = ENT_PROC_HOST;
  if (default_pids (p) < 0)
    return -EINVAL;
  return ent_policy_allow_group (p, ent_policy_ptrace_family, err);
}

static int
add_fs (ent_profile_t *p, ent_mount_kind_t kind, const char *value, ent_error_t **err)
{
  cleanup_free char *path = NULL;
  int ret = ent_path_resolve (value, p->cwd, p->home, &path, err);

  if (ret < 0)
    return ret;
  if (strcmp (path, "/") == 0 && kind != ENT_MOUNT_BIND_RO && kind != ENT_MOUNT_BIND_RW)
    return ent_error_set (err, EINVAL, "refusing to cover '/' ('%s')", value);
  return ent_profile_add_mount (p, kind, path, err);
}

static int
fs_rw (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void)data;
  return add_fs (p, ENT_MOUNT_BIND_RW, v, err);
}

static int
fs_ro (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void)data;
  return add_fs (p, ENT_MOUNT_BIND_RO, v, err);
}

static int
fs_hide (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void)data;
  return add_fs (p, ENT_MOUNT_HIDE, v, err);
}

static int
fs_tmpfs (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void)data;
  return add_fs (p, ENT_MOUNT_TMPFS, v, err);
}

static int
fs_overlay (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void)data;
  return add_fs (p, ENT_MOUNT_OVERLAY, v, err);
}

/* ---- resources ----------------------------------------------------------- */

/* Where a resource limit goes: its field, and the rlimit used for it (always,
 * or only when the launcher has no delegated cgroup). */
typedef struct resource_def
{
  size_t offset; /* of the int64_t in ent_resources_t */
  int rlimit;    /* ENT_RLIMIT_*, or -1 */
  bool cgroup_capable;
  const char *name;
} resource_def_t;

static const resource_def_t res_pids
    = { offsetof (ent_resources_t, pids), ENT_RLIMIT_NPROC, true, "resources.pids" };
static const resource_def_t res_memory
    = { offsetof (ent_resources_t, memory), -1, true, "resources.memory" };
static const resource_def_t res_cpu
    = { offsetof (ent_resources_t, cpu_time), ENT_RLIMIT_CPU, false, "resources.cpu-time" };
static const resource_def_t res_files
    = { offsetof (ent_resources_t, files), ENT_RLIMIT_NOFILE, false, "resources.files" };
static const resource_def_t res_fsize
    = { offsetof (ent_resources_t, file_size), ENT_RLIMIT_FSIZE, false, "resources.file-size" };
static const resource_def_t res_timeout
    = { offsetof (ent_resources_t, timeout), -1, false, "resources.timeout" };

static int
resource_limit (ent_profile_t *p, int64_t value, void *data, ent_error_t **err)
{
  const resource_def_t *d = data;

  if (value <= 0)
    return ent_error_set (err, EINVAL, "%s=%" PRId64 ": must be positive", d->name, value);
  *(int64_t *)((char *)&p->resources + d->offset) = value;
  if (d->rlimit >= 0 && !(d->cgroup_capable && p->resources.backend == ENT_RES_CGROUP))
    {
      p->rlimits[d->rlimit].soft = value;
      p->rlimits[d->rlimit].hard = value;
      /* At the soft limit the kernel sends SIGXCPU, at the hard one
       * SIGKILL: a second between them, so that a command ended by
       * resources.cpu-time dies of SIGXCPU, which says why (entrun prints
       * it), not of a SIGKILL like any other. */
      if (d->rlimit == ENT_RLIMIT_CPU && value < INT64_MAX)
        p->rlimits[d->rlimit].hard = value + 1;
    }
  return 0;
}

/* ENT_DEFAULT_PIDS unless resources.pids came first (coming later, it
 * replaces it). */
static int
default_pids (ent_profile_t *p)
{
  if (p->resources.pids >= 0)
    return 0;
  return resource_limit (p, ENT_DEFAULT_PIDS, (void *)&res_pids, NULL);
}

/* ---- debug ---------------------------------------------------------------- */

static int
debug_ptrace (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  if (ent_policy_allow_group (p, ent_policy_ptrace_family, err) < 0)
    return -EINVAL;
  return ent_policy_allow_personality_no_aslr (p, err);
}

static int
debug_perf (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  return ent_policy_allow_group (p, ent_policy_perf_family, err);
}

/* ---- api.access ---------------------------------------------------------- */

static int
api_access (ent_profile_t *p, const char *spec, void *data, ent_error_t **err)
{
  const char *colon = strrchr (spec, ':');
  cleanup_free char *name = colon ? strndup (spec, colon - spec) : NULL;
  int api = name ? ent_api_from_name (name) : -1;
  bool allow;

  (void)data;
  if (colon == NULL || (strcmp (colon, ":allow") != 0 && strcmp (colon, ":deny") != 0))
    return ent_error_set (err, EINVAL, "api.access=%s: expected NAME:allow or NAME:deny", spec);
  if (api < 0)
    return ent_error_set (err, EINVAL,
                          "api.access=%s: unknown API '%s' (ssh-agent, gpg-agent, dbus-session, "
                          "dbus-system, docker, podman, x11, wayland, pipewire)",
                          spec, name ? name : "");
  allow = strcmp (colon, ":allow") == 0;
  if (p->api[api].granted && p->api[api].allow != allow)
    return ent_error_set (err, EEXIST, "api.access=%s conflicts with api.access=%s:%s", spec, name,
                          p->api[api].allow ? "allow" : "deny");
  p->api[api].granted = true;
  p->api[api].allow = allow;
  return 0;
}

/* ---- the table ----------------------------------------------------------- */

#define LEVEL(n, g, def, ord, fn, desc)                                                            \
  {                                                                                                \
    .name = n, .type = ENT_TYPE_VOID, .group = g, .is_default = def, .order = ord,                 \
    .description = desc, .void_fn = fn                                                             \
  }
#define FLAG(n, fn, desc)                                                                          \
  {                                                                                                \
    .name = n, .type = ENT_TYPE_VOID, .order = ENT_ORDER_FLAG, .description = desc, .void_fn = fn  \
  }
#define RESOURCE(n, sz, def, desc)                                                                 \
  {                                                                                                \
    .name = n, .type = ENT_TYPE_INT, .size = sz, .order = ENT_ORDER_FLAG, .value_hint = "N",       \
    .description = desc, .int_fn = resource_limit, .data = (void *)(def)                           \
  }
#define LIST(n, hint, fn, desc)                                                                    \
  {                                                                                                \
    .name = n, .type = ENT_TYPE_STRING, .repeatable = true, .order = ENT_ORDER_LIST,               \
    .value_hint = hint, .description = desc, .string_fn = fn                                       \
  }
/* A list of paths: one path is one grant however it is spelled. */
#define PATHS(n, fn, desc)                                                                         \
  {                                                                                                \
    .name = n, .type = ENT_TYPE_STRING, .repeatable = true, .order = ENT_ORDER_LIST,               \
    .value_hint = "PATH", .path = true, .description = desc, .string_fn = fn                       \
  }

const ent_definition_t ent_default_definitions[] = {
  LEVEL ("network.none", "network", true, ORDER_OTHER_LEVEL, network_none,
         "private network namespace with only lo up; nothing outside is reachable"),
  LEVEL (
      "network.user", "network", false, ORDER_OTHER_LEVEL, network_user,
      "private network namespace with user-mode NAT: outbound TCP/UDP, host loopback unreachable"),
  { .name = "network.proxy",
    .type = ENT_TYPE_STRING,
    .group = "network",
    .order = ORDER_OTHER_LEVEL,
    .value_hint = "URL",
    .string_fn = network_proxy,
    .description = "lo only; 127.0.0.1:3128 inside relays to the HTTP CONNECT proxy at URL" },
  LEVEL ("network.admin", "network", false, ORDER_OTHER_LEVEL, network_admin,
         "as network.user plus NET_ADMIN, NET_RAW, NET_BIND_SERVICE, NET_BROADCAST inside, "
         "AF_PACKET and the netlink protocols of ip/nft/ethtool"),
  LEVEL ("network.host", "network", false, ORDER_OTHER_LEVEL, network_host,
         "share the host's network namespace (no network isolation)"),
  LIST ("network.publish", "H:S[/udp]", network_publish,
        "forward the host's 127.0.0.1:H to port S in the sandbox (network.user/admin)"),
  FLAG ("network.host-loopback", network_host_loopback,
        "let the gateway 10.0.2.2 reach the host's 127.0.0.1 (network.user/admin)"),
  LEVEL ("security.confined", "security", true, ORDER_SECURITY, security_confined,
         "no capabilities, no_new_privs, default-deny seccomp, masked /proc paths, new session"),
  LEVEL ("security.view", "security", false, ORDER_SECURITY, security_view,
         "confined plus DAC_READ_SEARCH; masked paths but /proc/keys shown read-only"),
  LEVEL (
      "security.admin", "security", false, ORDER_SECURITY, security_admin,
      "uid 0 with all capabilities of the sandbox's user namespace; mount/unshare/ptrace allowed"),
  FLAG ("security.memory-lock", security_memory_lock,
        "CAP_IPC_LOCK and RLIMIT_MEMLOCK raised to its hard limit (mlock beyond the default)"),
  FLAG ("security.landlock-required", security_landlock_required,
        "refuse to run where the kernel cannot apply the Landlock rules (ABI 6)"),
  FLAG ("security.fs-read-only", security_fs_read_only,
        "the working directory read-only too: only host.fs.rw/tmpfs/overlay and /tmp writable"),
  LEVEL ("host.devices.none", "host.devices", true, ORDER_OTHER_LEVEL, devices_none,
         "minimal /dev (null zero full random urandom tty, devpts, shm); /sys read-only"),
  LEVEL ("host.devices.view", "host.devices", false, ORDER_OTHER_LEVEL, devices_view,
         "the host's /dev to look at: no node written to (Landlock), private devpts and shm; /sys "
         "read-only"),
  LEVEL ("host.devices.admin", "host.devices", false, ORDER_OTHER_LEVEL, devices_admin,
         "the host's /dev read-write; /sys as on the host"),
  LEVEL ("host.processes.none", "host.processes", true, ORDER_OTHER_LEVEL, processes_none,
         "private PID namespace and a fresh /proc; no host process visible"),
  LEVEL ("host.processes.view", "host.processes", false, ORDER_OTHER_LEVEL, processes_view,
         "own PID namespace, the host's /proc: host processes listed, not signalled"),
  LEVEL ("host.processes.admin", "host.processes", false, ORDER_OTHER_LEVEL, processes_admin,
         "as view, plus ptrace of the sandbox's own processes (never of the host's)"),
  FLAG ("host.clipboard", host_clipboard,
        "let the command set the clipboard through the terminal (OSC 52), which the relay "
        "drops otherwise"),
  PATHS ("host.fs.rw", fs_rw, "bind PATH writable"),
  PATHS ("host.fs.ro", fs_ro, "bind PATH read-only"),
  PATHS ("host.fs.hide", fs_hide, "cover PATH with an empty directory or /dev/null"),
  PATHS ("host.fs.tmpfs", fs_tmpfs, "mount a fresh private tmpfs on PATH"),
  PATHS ("host.fs.overlay", fs_overlay,
         "PATH as on the host but writable; the writes stay in memory and are dropped at exit"),
  RESOURCE ("resources.pids", false, &res_pids,
            "at most N processes, 4096 by default (cgroup pids.max, else RLIMIT_NPROC)"),
  RESOURCE ("resources.memory", true, &res_memory,
            "at most N bytes of memory, K/M/G/T (cgroup memory.max, else watched by pid 1)"),
  RESOURCE ("resources.cpu-time", false, &res_cpu,
            "at most N seconds of CPU (RLIMIT_CPU: SIGXCPU at N, SIGKILL a second later)"),
  RESOURCE ("resources.files", false, &res_files, "at most N open files (RLIMIT_NOFILE)"),
  RESOURCE ("resources.file-size", true, &res_fsize,
            "no file written past N bytes, K/M/G/T (RLIMIT_FSIZE)"),
  RESOURCE ("resources.timeout", false, &res_timeout,
            "kill the whole sandbox after N seconds (exit status 124)"),
  FLAG ("debug.ptrace", debug_ptrace,
        "ptrace and process_vm_* of the sandbox's own processes, personality(ADDR_NO_RANDOMIZE)"),
  FLAG ("debug.perf", debug_perf, "perf_event_open (as perf_event_paranoid allows)"),
  { .name = "api.access",
    .type = ENT_TYPE_STRING,
    .repeatable = true,
    .key_sep = ':',
    .order = ENT_ORDER_FLAG,
    .value_hint = "NAME:allow|deny",
    .string_fn = api_access,
    .description
    = "host API socket (ssh-agent, dbus-session, docker, ...): hidden unless allowed" },
};

const size_t ent_default_definitions_count = N_ELEMENTS (ent_default_definitions);
