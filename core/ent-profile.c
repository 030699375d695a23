/* libentitlement — the profile: construction, copying, editing helpers.
 *
 * Every list helper keeps its list sorted and free of duplicates.  That is
 * what makes the resolved profile independent of the order grants arrive in
 * (DESIGN invariant 5) without the callbacks having to care. */
#include "config.h"

#include <ctype.h>
#include <malloc.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ent-defaults.h"
#include "ent-profile.h"
#include "ent-util.h"
#include "syscall-abi.h"

static const char *const ns_names[ENT_NS_COUNT] = {
  [ENT_NS_USER] = "user",     [ENT_NS_MOUNT] = "mount", [ENT_NS_PID] = "pid",
  [ENT_NS_NET] = "net",       [ENT_NS_IPC] = "ipc",     [ENT_NS_UTS] = "uts",
  [ENT_NS_CGROUP] = "cgroup",
};

static const char *const capset_names[ENT_CAPSET_COUNT] = {
  [ENT_CAPSET_BOUNDING] = "bounding",   [ENT_CAPSET_PERMITTED] = "permitted",
  [ENT_CAPSET_EFFECTIVE] = "effective", [ENT_CAPSET_INHERITABLE] = "inheritable",
  [ENT_CAPSET_AMBIENT] = "ambient",
};

/* Indexed by capability number, as in <linux/capability.h>. */
static const char *const cap_names[ENT_CAP_LAST + 1] = {
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
};

static const char *const rlimit_names[ENT_RLIMIT_COUNT] = {
  [ENT_RLIMIT_NPROC] = "RLIMIT_NPROC", [ENT_RLIMIT_AS] = "RLIMIT_AS",
  [ENT_RLIMIT_CPU] = "RLIMIT_CPU",     [ENT_RLIMIT_NOFILE] = "RLIMIT_NOFILE",
  [ENT_RLIMIT_FSIZE] = "RLIMIT_FSIZE", [ENT_RLIMIT_MEMLOCK] = "RLIMIT_MEMLOCK",
  [ENT_RLIMIT_CORE] = "RLIMIT_CORE",
};

static const char *const net_mode_names[] = {
  [ENT_NET_NONE] = "none",
  [ENT_NET_USER] = "user",
  [ENT_NET_PROXY] = "proxy",
  [ENT_NET_HOST] = "host",
};

static const char *const api_names[ENT_API_COUNT] = {
  [ENT_API_SSH_AGENT] = "ssh-agent",
  [ENT_API_GPG_AGENT] = "gpg-agent",
  [ENT_API_DBUS_SESSION] = "dbus-session",
  [ENT_API_DBUS_SYSTEM] = "dbus-system",
  [ENT_API_DOCKER] = "docker",
  [ENT_API_PODMAN] = "podman",
  [ENT_API_X11] = "x11",
  [ENT_API_WAYLAND] = "wayland",
  [ENT_API_PIPEWIRE] = "pipewire",
};

const char *
ent_api_name (ent_api_t api)
{
  return (unsigned)api < ENT_API_COUNT ? api_names[api] : "?";
}

int
ent_api_from_name (const char *name)
{
  for (int i = 0; name && i < ENT_API_COUNT; i++)
    if (strcmp (api_names[i], name) == 0)
      return i;
  return -1;
}

const char *
ent_res_backend_name (ent_res_backend_t b)
{
  return b == ENT_RES_CGROUP ? "cgroup" : "rlimit";
}

const char *
ent_ns_name (ent_ns_type_t ns)
{
  return (unsigned)ns < ENT_NS_COUNT ? ns_names[ns] : "?";
}

const char *
ent_capset_name (ent_capset_t set)
{
  return (unsigned)set < ENT_CAPSET_COUNT ? capset_names[set] : "?";
}

const char *
ent_rlimit_name (ent_rlimit_res_t res)
{
  return (unsigned)res < ENT_RLIMIT_COUNT ? rlimit_names[res] : "?";
}

const char *
ent_net_mode_name (ent_net_mode_t mode)
{
  return (unsigned)mode < N_ELEMENTS (net_mode_names) ? net_mode_names[mode] : "?";
}

const char *
ent_cap_to_name (int cap)
{
  return cap >= 0 && cap <= ENT_CAP_LAST ? cap_names[cap] : NULL;
}

int
ent_cap_from_name (const char *name)
{
  const char *bare = name;

  if (name == NULL)
    return -1;
  if (strncasecmp (name, "CAP_", 4) == 0)
    bare = name + 4;
  for (int i = 0; i <= ENT_CAP_LAST; i++)
    if (strcasecmp (cap_names[i] + 4, bare) == 0)
      return i;
  return -1;
}

/* ---- construction -------------------------------------------------------- */

ent_profile_t *
ent_profile_new (void)
{
  ent_profile_t *p = calloc (1, sizeof (*p));

  if (p == NULL)
    return NULL;
  p->uid = -1;
  p->gid = -1;
  p->caps_unset = true;
  for (int i = 0; i < ENT_CAPSET_COUNT; i++)
    p->caps[i] = ENT_CAP_ALL;
  p->caps[ENT_CAPSET_INHERITABLE] = 0;
  p->caps[ENT_CAPSET_AMBIENT] = 0;
  p->seccomp.default_errno = EPERM;
  for (int i = 0; i < ENT_RLIMIT_COUNT; i++)
    p->rlimits[i].soft = p->rlimits[i].hard = ENT_RLIM_UNSET;
  p->fs.dev = ENT_DEV_HOST_RW;
  p->fs.proc = ENT_PROC_HOST;
  p->fs.sys = ENT_SYS_HOST;
  p->net.mode = ENT_NET_HOST;
  p->resources = (ent_resources_t){ -1, -1, -1, -1, -1, -1, ENT_RES_RLIMIT };
  return p;
}

static void
free_rule (ent_seccomp_rule_t *r)
{
  free (r->syscall);
}

static void
free_mount (ent_mount_t *m)
{
  free (m->path);
  free (m->source);
  free (m->type);
  ent_strv_free (m->options);
}

static void
free_env (ent_env_t *e)
{
  free (e->name);
  free (e->value);
}

void
ent_profile_free (ent_profile_t *p)
{
  if (p == NULL)
    return;
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    free_rule (&p->seccomp.rules[i]);
  free (p->seccomp.rules);
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    free_mount (&p->fs.mounts[i]);
  free (p->fs.mounts);
  ent_strv_free (p->fs.masked);
  ent_strv_free (p->fs.readonly);
  ent_strv_free (p->env_removed);
  ent_strv_free (p->credentials);
  free (p->runtime_dir);
  free (p->net.proxy_url);
  free (p->net.publish);
  for (size_t i = 0; i < p->n_env; i++)
    free_env (&p->env[i]);
  free (p->env);
  free (p->hostname);
  free (p->oci_base);
  free (p->cwd);
  free (p->home);
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      ent_strv_free (p->api[i].paths);
      ent_strv_free (p->api[i].vars);
    }
  free (p);
}

static char **
strv_copy (char *const *v)
{
  size_t n = ent_strlist_len (v);
  char **c = calloc (n + 1, sizeof (char *));

  if (c == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if ((c[i] = strdup (v[i])) == NULL)
      {
        ent_strv_free (c);
        return NULL;
      }
  return c;
}

/* strdup that maps NULL to NULL and records failure in *ok. */
static char *
dup_or_null (const char *s, bool *ok)
{
  char *d;

  if (s == NULL)
    return NULL;
  d = strdup (s);
  if (d == NULL)
    *ok = false;
  return d;
}

/* Copy the pointer-bearing parts of @src into @p, whose scalar fields are
 * already set and whose pointers and counts are all zero.  Counts are raised
 * only as elements are copied, so on failure ent_profile_free(p) frees
 * exactly what was copied. */
static bool
copy_owned (ent_profile_t *p, const ent_profile_t *src)
{
  bool ok = true;

  if (src->seccomp.n_rules
      && !(p->seccomp.rules = calloc (src->seccomp.n_rules, sizeof (ent_seccomp_rule_t))))
    return false;
  for (size_t i = 0; ok && i < src->seccomp.n_rules; i++, p->seccomp.n_rules++)
    {
      p->seccomp.rules[i] = src->seccomp.rules[i];
      p->seccomp.rules[i].syscall = dup_or_null (src->seccomp.rules[i].syscall, &ok);
    }
  if (ok && src->fs.n_mounts && !(p->fs.mounts = calloc (src->fs.n_mounts, sizeof (ent_mount_t))))
    return false;
  for (size_t i = 0; ok && i < src->fs.n_mounts; i++, p->fs.n_mounts++)
    {
      const ent_mount_t *m = &src->fs.mounts[i];
      p->fs.mounts[i].kind = m->kind;
      p->fs.mounts[i].path = dup_or_null (m->path, &ok);
      p->fs.mounts[i].implicit = m->implicit;
      p->fs.mounts[i].source = dup_or_null (m->source, &ok);
      p->fs.mounts[i].type = dup_or_null (m->type, &ok);
      if (ok && m->options && m->options[0] && !(p->fs.mounts[i].options = strv_copy (m->options)))
        ok = false;
    }
  if (ok && src->n_env && !(p->env = calloc (src->n_env, sizeof (ent_env_t))))
    return false;
  for (size_t i = 0; ok && i < src->n_env; i++, p->n_env++)
    {
      p->env[i].op = src->env[i].op;
      p->env[i].name = dup_or_null (src->env[i].name, &ok);
      p->env[i].value = dup_or_null (src->env[i].value, &ok);
    }
  if (ok && src->net.n_publish)
    {
      if (!(p->net.publish = calloc (src->net.n_publish, sizeof (ent_publish_t))))
        return false;
      memcpy (p->net.publish, src->net.publish, src->net.n_publish * sizeof (ent_publish_t));
      p->net.n_publish = src->net.n_publish;
    }
  if (ok && src->fs.masked && !(p->fs.masked = strv_copy (src->fs.masked)))
    return false;
  if (ok && src->fs.readonly && !(p->fs.readonly = strv_copy (src->fs.readonly)))
    return false;
  for (int i = 0; ok && i < ENT_API_COUNT; i++)
    {
      if (src->api[i].paths && !(p->api[i].paths = strv_copy (src->api[i].paths)))
        return false;
      if (src->api[i].vars && !(p->api[i].vars = strv_copy (src->api[i].vars)))
        return false;
    }
  p->net.proxy_url = dup_or_null (src->net.proxy_url, &ok);
  p->hostname = dup_or_null (src->hostname, &ok);
  p->oci_base = dup_or_null (src->oci_base, &ok);
  p->cwd = dup_or_null (src->cwd, &ok);
  p->home = dup_or_null (src->home, &ok);
  p->runtime_dir = dup_or_null (src->runtime_dir, &ok);
  if (ok && src->env_removed && !(p->env_removed = strv_copy (src->env_removed)))
    return false;
  if (ok && src->credentials && !(p->credentials = strv_copy (src->credentials)))
    return false;
  return ok;
}

ent_profile_t *
ent_profile_copy (const ent_profile_t *src)
{
  ent_profile_t *p = calloc (1, sizeof (*p));

  if (p == NULL)
    return NULL;
  *p = *src;
  memset (&p->seccomp, 0, sizeof (p->seccomp));
  p->seccomp.enabled = src->seccomp.enabled;
  p->seccomp.default_errno = src->seccomp.default_errno;
  p->seccomp.unknown_errno = src->seccomp.unknown_errno;
  p->fs.mounts = NULL;
  p->fs.n_mounts = 0;
  p->fs.masked = p->fs.readonly = NULL;
  p->env = NULL;
  p->n_env = 0;
  p->net.publish = NULL;
  p->net.n_publish = 0;
  p->net.proxy_url = p->hostname = p->cwd = p->home = p->runtime_dir = p->oci_base = NULL;
  p->env_removed = p->credentials = NULL;
  for (int i = 0; i < ENT_API_COUNT; i++)
    p->api[i].paths = p->api[i].vars = NULL;
  if (!copy_owned (p, src))
    {
      ent_profile_free (p);
      return NULL;
    }
  return p;
}

/* ---- comparison ---------------------------------------------------------- */

static int
cmp_u64 (uint64_t a, uint64_t b)
{
  return a < b ? -1 : a > b;
}

static int
cmp_str (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  return strcmp (a, b);
}

static int
rule_cmp (const ent_seccomp_rule_t *a, const ent_seccomp_rule_t *b)
{
  int c = strcmp (a->syscall, b->syscall);

  if (c == 0)
    c = cmp_u64 (a->action, b->action);
  if (c == 0)
    c = cmp_u64 ((unsigned)a->errnum, (unsigned)b->errnum);
  if (c == 0)
    c = cmp_u64 (a->n_args, b->n_args);
  for (unsigned i = 0; c == 0 && i < a->n_args; i++)
    {
      const ent_arg_cond_t *x = &a->args[i], *y = &b->args[i];
      c = cmp_u64 (x->index, y->index);
      if (c == 0)
        c = cmp_u64 (x->op, y->op);
      if (c == 0)
        c = cmp_u64 (x->mask, y->mask);
      if (c == 0)
        c = cmp_u64 (x->value, y->value);
    }
  return c;
}

static int publish_cmp (const ent_publish_t *a, const ent_publish_t *b);

static bool
mount_equal (const ent_mount_t *a, const ent_mount_t *b)
{
  return a->kind == b->kind && a->implicit == b->implicit && strcmp (a->path, b->path) == 0
         && !cmp_str (a->source, b->source) && !cmp_str (a->type, b->type)
         && ent_strv_equal (a->options, b->options);
}

static bool
lists_equal (const ent_profile_t *a, const ent_profile_t *b)
{
  if (a->seccomp.n_rules != b->seccomp.n_rules || a->fs.n_mounts != b->fs.n_mounts
      || a->n_env != b->n_env || a->net.n_publish != b->net.n_publish)
    return false;
  for (size_t i = 0; i < a->seccomp.n_rules; i++)
    if (rule_cmp (&a->seccomp.rules[i], &b->seccomp.rules[i]) != 0)
      return false;
  for (size_t i = 0; i < a->fs.n_mounts; i++)
    if (!mount_equal (&a->fs.mounts[i], &b->fs.mounts[i]))
      return false;
  for (size_t i = 0; i < a->n_env; i++)
    if (a->env[i].op != b->env[i].op || cmp_str (a->env[i].name, b->env[i].name)
        || cmp_str (a->env[i].value, b->env[i].value))
      return false;
  /* Field by field: ent_publish_t has a padding byte after 'udp' that
   * callers filling it field by field leave undefined, so memcmp would make
   * equal profiles differ. */
  for (size_t i = 0; i < a->net.n_publish; i++)
    if (publish_cmp (&a->net.publish[i], &b->net.publish[i]) != 0)
      return false;
  return ent_strv_equal (a->fs.masked, b->fs.masked)
         && ent_strv_equal (a->fs.readonly, b->fs.readonly);
}

/* Field by field: ent_resources_t has tail padding after 'backend' that an
 * assignment from a caller's local struct may fill with anything. */
static bool
resources_equal (const ent_resources_t *a, const ent_resources_t *b)
{
  return a->pids == b->pids && a->memory == b->memory && a->cpu_time == b->cpu_time
         && a->files == b->files && a->file_size == b->file_size && a->timeout == b->timeout
         && a->backend == b->backend;
}

bool
ent_profile_equal (const ent_profile_t *a, const ent_profile_t *b)
{
  if (memcmp (&a->ns, &b->ns, sizeof (a->ns)) != 0 || a->uid != b->uid || a->gid != b->gid
      || memcmp (a->caps, b->caps, sizeof (a->caps)) != 0 || a->no_new_privs != b->no_new_privs
      || a->new_session != b->new_session || a->clipboard != b->clipboard
      || a->landlock_required != b->landlock_required || a->caps_unset != b->caps_unset
      || a->seccomp.enabled != b->seccomp.enabled
      || a->seccomp.default_errno != b->seccomp.default_errno
      || a->seccomp.unknown_errno != b->seccomp.unknown_errno || a->fs.dev != b->fs.dev
      || a->fs.proc != b->fs.proc || a->fs.sys != b->fs.sys || a->fs.read_only != b->fs.read_only
      || memcmp (a->rlimits, b->rlimits, sizeof (a->rlimits)) != 0 || a->net.mode != b->net.mode
      || a->net.admin != b->net.admin || a->net.host_loopback != b->net.host_loopback
      || a->clearenv != b->clearenv || !resources_equal (&a->resources, &b->resources))
    return false;
  for (int i = 0; i < ENT_API_COUNT; i++)
    if (a->api[i].allow != b->api[i].allow || a->api[i].granted != b->api[i].granted
        || !ent_strv_equal (a->api[i].paths, b->api[i].paths)
        || !ent_strv_equal (a->api[i].vars, b->api[i].vars))
      return false;
  if (cmp_str (a->net.proxy_url, b->net.proxy_url) || cmp_str (a->hostname, b->hostname)
      || cmp_str (a->oci_base, b->oci_base) || cmp_str (a->cwd, b->cwd)
      || cmp_str (a->home, b->home) || cmp_str (a->runtime_dir, b->runtime_dir)
      || a->host_boundary != b->host_boundary || a->fs.cwd_too_broad != b->fs.cwd_too_broad
      || !ent_strv_equal (a->env_removed, b->env_removed)
      || !ent_strv_equal (a->credentials, b->credentials))
    return false;
  return lists_equal (a, b);
}

/* ---- launcher extensions ------------------------------------------------- */

static const char *const feature_names[] = {
  "network.user",
  "network.proxy",
  "api.access",
  "host.clipboard",
  "resources.timeout",
  "security.landlock-required",
  "default boundary",
  "secret variables removed",
  "resources.memory without a cgroup",
};

const char *
ent_feature_name (unsigned feature)
{
  for (size_t i = 0; i < N_ELEMENTS (feature_names); i++)
    if (feature == 1u << i)
      return feature_names[i];
  return NULL;
}

unsigned
ent_profile_launcher_features (const ent_profile_t *p)
{
  unsigned f = 0;

  if (p == NULL)
    return 0;
  if (p->net.mode == ENT_NET_USER || p->net.n_publish || p->net.host_loopback)
    f |= ENT_FEATURE_NET_USER;
  if (p->net.mode == ENT_NET_PROXY || p->net.proxy_url)
    f |= ENT_FEATURE_NET_PROXY;
  for (int i = 0; i < ENT_API_COUNT; i++)
    if (p->api[i].allow)
      f |= ENT_FEATURE_API;
  if (p->clipboard)
    f |= ENT_FEATURE_CLIPBOARD;
  if (p->resources.timeout >= 0)
    f |= ENT_FEATURE_TIMEOUT;
  if (p->landlock_required)
    f |= ENT_FEATURE_LANDLOCK;
  if (p->host_boundary)
    f |= ENT_FEATURE_HOST_BOUNDARY;
  if (p->env_removed && p->env_removed[0])
    f |= ENT_FEATURE_ENV_SCRUB;
  if (p->resources.memory >= 0 && p->resources.backend == ENT_RES_RLIMIT)
    f |= ENT_FEATURE_MEMORY_WATCH;
  return f;
}

/* ---- capabilities -------------------------------------------------------- */

/* Unset capabilities are the runtime's to choose, not a set to add to or
 * take from: the first helper that touches them starts from none, so that
 * granting one capability never grants the others with it. */
static void
caps_set_from_unset (ent_profile_t *p)
{
  if (p->caps_unset)
    ent_profile_caps_clear (p);
}

void
ent_profile_caps_clear (ent_profile_t *p)
{
  memset (p->caps, 0, sizeof (p->caps));
  p->caps_unset = false;
}

void
ent_profile_grant_cap (ent_profile_t *p, int cap)
{
  if (cap < 0 || cap > ENT_CAP_LAST)
    return;
  caps_set_from_unset (p);
  for (int i = 0; i < ENT_CAPSET_COUNT; i++)
    p->caps[i] |= ENT_CAP_BIT (cap);
}

void
ent_profile_revoke_cap (ent_profile_t *p, int cap)
{
  if (cap < 0 || cap > ENT_CAP_LAST)
    return;
  caps_set_from_unset (p);
  for (int i = 0; i < ENT_CAPSET_COUNT; i++)
    p->caps[i] &= ~ENT_CAP_BIT (cap);
}

int
ent_profile_add_caps (ent_profile_t *p, ent_error_t **err, ...)
{
  uint64_t add = 0;
  const char *name;
  va_list ap;

  va_start (ap, err);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      int cap = ent_cap_from_name (name);
      if (cap < 0)
        {
          va_end (ap);
          return ent_error_set (err, EINVAL, "unknown capability '%s'", name);
        }
      add |= ENT_CAP_BIT (cap);
    }
  va_end (ap);
  caps_set_from_unset (p);
  for (int cap = 0; cap <= ENT_CAP_LAST; cap++)
    if (add & ENT_CAP_BIT (cap))
      ent_profile_grant_cap (p, cap);
  return 0;
}

/* ---- seccomp ------------------------------------------------------------- */

bool
ent_syscall_known (const char *name)
{
  static const uint32_t arches[] = { SCMP_ARCH_NATIVE, SCMP_ARCH_X86_64,  SCMP_ARCH_X86,
                                     SCMP_ARCH_X32,    SCMP_ARCH_AARCH64, SCMP_ARCH_ARM };

  if (name == NULL || *name == '\0')
    return false;
  for (size_t i = 0; i < N_ELEMENTS (arches); i++)
    if (seccomp_syscall_resolve_name_arch (arches[i], name) != __NR_SCMP_ERROR)
      return true;
  return ent_syscall_newer_lookup (name) != NULL;
}

/* Rules are sorted by syscall name first: find the slice [*lo, *hi) of
 * @syscall's rules by binary search, so editing a 350-rule allowlist stays
 * cheap (this runs on every sandbox start). */
static void
rule_range (const ent_profile_t *p, const char *syscall, size_t *lo, size_t *hi)
{
  size_t a = 0, b = p->seccomp.n_rules;

  while (a < b)
    {
      size_t mid = a + (b - a) / 2;
      if (strcmp (p->seccomp.rules[mid].syscall, syscall) < 0)
        a = mid + 1;
      else
        b = mid;
    }
  *lo = a;
  while (b < p->seccomp.n_rules && strcmp (p->seccomp.rules[b].syscall, syscall) == 0)
    b++;
  *hi = b < a ? a : b;
}

static void
remove_rules (ent_profile_t *p, const char *syscall, int action, bool conditional_only)
{
  ent_seccomp_t *s = &p->seccomp;
  size_t lo, hi, out;

  rule_range (p, syscall, &lo, &hi);
  out = lo;
  for (size_t i = lo; i < hi; i++)
    {
      ent_seccomp_rule_t *r = &s->rules[i];
      bool drop = (action < 0 || (int)r->action == action) && (!conditional_only || r->n_args > 0);
      if (drop)
        free_rule (r);
      else
        s->rules[out++] = *r;
    }
  /* Only when something was dropped: with no rules at all, s->rules is
   * NULL and memmove must not see it, even for 0 bytes. */
  if (out < hi)
    memmove (&s->rules[out], &s->rules[hi], (s->n_rules - hi) * sizeof (*s->rules));
  s->n_rules -= hi - out;
}

static bool
has_unconditional (const ent_profile_t *p, const char *syscall, ent_seccomp_action_t action)
{
  size_t lo, hi;

  rule_range (p, syscall, &lo, &hi);
  for (size_t i = lo; i < hi; i++)
    if (p->seccomp.rules[i].action == action && p->seccomp.rules[i].n_args == 0)
      return true;
  return false;
}

static int
check_rule (const ent_seccomp_rule_t *rule, ent_error_t **err)
{
  if (!ent_syscall_known (rule->syscall))
    return ent_error_set (err, EINVAL, "unknown syscall '%s'", rule->syscall ? rule->syscall : "");
  if (rule->n_args > ENT_SECCOMP_MAX_ARGS)
    return ent_error_set (err, EINVAL, "syscall '%s': too many argument conditions", rule->syscall);
  for (unsigned i = 0; i < rule->n_args; i++)
    if (rule->args[i].index >= ENT_SECCOMP_MAX_ARGS || rule->args[i].op > ENT_ARG_MASKED_EQ)
      return ent_error_set (err, EINVAL, "syscall '%s': bad argument condition", rule->syscall);
  if (rule->action == ENT_SECCOMP_ERRNO && (rule->errnum <= 0 || rule->errnum > 4095))
    return ent_error_set (err, EINVAL, "syscall '%s': bad errno %d", rule->syscall, rule->errnum);
  return 0;
}

/* The rules array with room for one more.  A profile gets hundreds of
 * rules one by one, so it grows geometrically; its capacity is what the
 * allocator says it is, which keeps ent_seccomp_t (public) as it was. */
static ent_seccomp_rule_t *
rules_reserve (ent_seccomp_t *s)
{
  size_t cap;

  if (s->rules && malloc_usable_size (s->rules) >= (s->n_rules + 1) * sizeof (*s->rules))
    return s->rules;
  cap = s->n_rules < 16 ? 16 : s->n_rules * 2;
  return realloc (s->rules, cap * sizeof (*s->rules));
}

/* Insert an already checked rule at its sorted place. */
static int
insert_rule (ent_profile_t *p, const ent_seccomp_rule_t *rule, ent_error_t **err)
{
  ent_seccomp_t *s = &p->seccomp;
  ent_seccomp_rule_t copy = *rule;
  size_t pos, end;

  if (rule->action == ENT_SECCOMP_ALLOW)
    copy.errnum = 0;
  /* An unconditional ALLOW subsumes conditional ones; keeping only it makes
   * "allow X" and "allow X if ..." commute. */
  if (copy.action == ENT_SECCOMP_ALLOW && copy.n_args > 0
      && has_unconditional (p, copy.syscall, ENT_SECCOMP_ALLOW))
    return 0;
  /* ... and the other way round: an unconditional ALLOW replaces the
   * conditional ones already there. */
  if (copy.action == ENT_SECCOMP_ALLOW && copy.n_args == 0)
    remove_rules (p, copy.syscall, ENT_SECCOMP_ALLOW, true);
  rule_range (p, copy.syscall, &pos, &end);
  while (pos < end && rule_cmp (&s->rules[pos], &copy) < 0)
    pos++;
  if (pos < end && rule_cmp (&s->rules[pos], &copy) == 0)
    return 0;

  copy.syscall = strdup (rule->syscall);
  if (copy.syscall == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  ent_seccomp_rule_t *rules = rules_reserve (s);
  if (rules == NULL)
    {
      free (copy.syscall);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  memmove (&rules[pos + 1], &rules[pos], (s->n_rules - pos) * sizeof (*rules));
  rules[pos] = copy;
  s->rules = rules;
  s->n_rules++;
  return 0;
}

int
ent_profile_add_rule (ent_profile_t *p, const ent_seccomp_rule_t *rule, ent_error_t **err)
{
  int ret = check_rule (rule, err);

  if (ret < 0)
    return ret;
  return insert_rule (p, rule, err);
}

int
ent_profile_allow_syscall (ent_profile_t *p, const char *syscall, ent_error_t **err)
{
  ent_seccomp_rule_t rule = { .syscall = (char *)syscall, .action = ENT_SECCOMP_ALLOW };
  int ret = check_rule (&rule, err);

  if (ret < 0)
    return ret;
  remove_rules (p, syscall, ENT_SECCOMP_ALLOW, true);
  return insert_rule (p, &rule, err);
}

void
ent_profile_disallow_syscall (ent_profile_t *p, const char *syscall)
{
  remove_rules (p, syscall, ENT_SECCOMP_ALLOW, false);
}

void
ent_profile_forget_syscall (ent_profile_t *p, const char *syscall)
{
  remove_rules (p, syscall, -1, false);
}

int
ent_profile_deny_syscall (ent_profile_t *p, const char *syscall, int errnum, ent_error_t **err)
{
  ent_seccomp_rule_t rule
      = { .syscall = (char *)syscall, .action = ENT_SECCOMP_ERRNO, .errnum = errnum };
  int ret = check_rule (&rule, err);

  if (ret < 0)
    return ret;
  remove_rules (p, syscall, -1, false);
  return insert_rule (p, &rule, err);
}

int
ent_profile_syscall_allowed (const ent_profile_t *p, const char *syscall)
{
  bool conditional = false;
  size_t lo, hi;

  if (has_unconditional (p, syscall, ENT_SECCOMP_ERRNO))
    return 0;
  rule_range (p, syscall, &lo, &hi);
  for (size_t i = lo; i < hi; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      if (r->action != ENT_SECCOMP_ALLOW)
        continue;
      if (r->n_args == 0)
        return 2;
      conditional = true;
    }
  return conditional ? 1 : 0;
}

static bool
cond_holds (const ent_arg_cond_t *c, const uint64_t *args)
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
      return false;
    }
}

int
ent_profile_syscall_verdict (const ent_profile_t *p, const char *syscall, const uint64_t *args)
{
  bool allowed = false;
  int errnum = 0;
  size_t lo, hi;

  rule_range (p, syscall, &lo, &hi);
  for (size_t i = lo; i < hi; i++)
    {
      const ent_seccomp_rule_t *r = &p->seccomp.rules[i];
      bool match = true;

      for (unsigned k = 0; match && k < r->n_args; k++)
        match = r->args[k].index < ENT_SECCOMP_MAX_ARGS && cond_holds (&r->args[k], args);
      if (!match)
        continue;
      if (r->action == ENT_SECCOMP_ERRNO)
        errnum = r->errnum;
      else
        allowed = true;
    }
  if (errnum)
    return errnum;
  return allowed ? 0 : p->seccomp.default_errno;
}

/* ---- string lists -------------------------------------------------------- */

size_t
ent_strlist_len (char *const *list)
{
  size_t n = 0;

  while (list && list[n])
    n++;
  return n;
}

bool
ent_strlist_contains (char *const *list, const char *s)
{
  for (size_t i = 0; list && list[i]; i++)
    if (strcmp (list[i], s) == 0)
      return true;
  return false;
}

int
ent_strlist_add (char ***list, const char *s)
{
  size_t n = ent_strlist_len (*list);
  size_t pos = 0;
  char **v;
  char *copy;

  while (pos < n && strcmp ((*list)[pos], s) < 0)
    pos++;
  if (pos < n && strcmp ((*list)[pos], s) == 0)
    return 0;
  copy = strdup (s);
  if (copy == NULL)
    return -ENOMEM;
  v = realloc (*list, (n + 2) * sizeof (char *));
  if (v == NULL)
    {
      free (copy);
      return -ENOMEM;
    }
  memmove (&v[pos + 1], &v[pos], (n - pos + 1) * sizeof (char *));
  v[pos] = copy;
  v[n + 1] = NULL;
  *list = v;
  return 0;
}

void
ent_strlist_remove (char **list, const char *s)
{
  size_t out = 0;

  for (size_t i = 0; list && list[i]; i++)
    {
      if (strcmp (list[i], s) == 0)
        free (list[i]);
      else
        list[out++] = list[i];
    }
  if (list)
    list[out] = NULL;
}

/* ---- mounts, env, publish, strings --------------------------------------- */

static const char *const mount_kind_names[] = {
  [ENT_MOUNT_BIND_RW] = "host.fs.rw",      [ENT_MOUNT_BIND_RO] = "host.fs.ro",
  [ENT_MOUNT_HIDE] = "host.fs.hide",       [ENT_MOUNT_TMPFS] = "host.fs.tmpfs",
  [ENT_MOUNT_OVERLAY] = "host.fs.overlay", [ENT_MOUNT_OTHER] = "mount",
};

const char *
ent_mount_type (const ent_mount_t *m)
{
  switch (m->kind)
    {
    case ENT_MOUNT_BIND_RW:
    case ENT_MOUNT_BIND_RO:
      return "bind";
    case ENT_MOUNT_HIDE:
    case ENT_MOUNT_TMPFS:
      return "tmpfs";
    case ENT_MOUNT_OVERLAY:
      return "overlay";
    default:
      return m->type;
    }
}

/* One option of a mount: printable, not empty, no ',' (the runtime joins
 * the options with commas into the mount's data: "size=1,exec" would be two). */
static bool
option_valid (const char *o)
{
  return o && *o && strchr (o, ',') == NULL && ent_utf8_printable (o);
}

/* Does @path have a ".." component? */
static bool
has_dotdot (const char *path)
{
  for (const char *c = path; c; c = strchr (c, '/'))
    {
      while (*c == '/')
        c++;
      if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
        return true;
    }
  return false;
}

/* The fields of @m beyond kind and path: a source only where the kind has
 * one, a type only for ENT_MOUNT_OTHER (and there always), valid options.
 * *@tidy gets the source tidied (binds, overlay). */
static int
check_mount_extra (const ent_mount_t *m, char **tidy, ent_error_t **err)
{
  const char *what = mount_kind_names[m->kind];

  *tidy = NULL;
  if (m->source && (m->kind == ENT_MOUNT_HIDE || m->kind == ENT_MOUNT_TMPFS))
    return ent_error_set (err, EINVAL, "%s=%s: takes no source", what, m->path);
  if (m->source && !ent_utf8_printable (m->source))
    return ent_error_set (err, EINVAL, "%s=%s: the source is not printable UTF-8", what, m->path);
  if (m->source && m->kind != ENT_MOUNT_OTHER)
    {
      if (m->source[0] != '/' || has_dotdot (m->source))
        return ent_error_set (err, EINVAL, "%s=%s: source '%s' is not an absolute normalised path",
                              what, m->path, m->source);
      if ((*tidy = ent_path_tidy (m->source)) == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
    }
  if ((m->type != NULL) != (m->kind == ENT_MOUNT_OTHER))
    return ent_error_set (err, EINVAL,
                          m->type ? "%s=%s: only a mount of kind ENT_MOUNT_OTHER takes a type"
                                  : "%s=%s: a mount of kind ENT_MOUNT_OTHER needs a type",
                          what, m->path);
  if (m->type && (!*m->type || strchr (m->type, ',') || !ent_utf8_printable (m->type)))
    return ent_error_set (err, EINVAL, "%s=%s: bad filesystem type", what, m->path);
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (!option_valid (m->options[i]))
      return ent_error_set (err, EINVAL,
                            "%s=%s: bad mount option #%zu (empty, a ',' or not printable)", what,
                            m->path, i + 1);
  return 0;
}

static bool
mount_same_target (const ent_mount_t *a, const ent_mount_t *b, const char *b_source)
{
  return a->kind == b->kind && !cmp_str (a->source, b_source) && !cmp_str (a->type, b->type)
         && ent_strv_equal (a->options, b->options);
}

int
ent_profile_add_mount_full (ent_profile_t *p, const ent_mount_t *want, ent_error_t **err)
{
  ent_fs_t *fs = &p->fs;
  cleanup_free char *source = NULL;
  ent_mount_t add = { 0 };
  size_t pos = 0;
  int c = 1, ret;

  if (want == NULL || (unsigned)want->kind >= N_ELEMENTS (mount_kind_names))
    return ent_error_set (err, EINVAL, "bad mount kind %d", want ? (int)want->kind : -1);
  const char *what = mount_kind_names[want->kind];
  if (want->path == NULL || want->path[0] != '/')
    return ent_error_set (err, EINVAL, "%s: path '%s' is not absolute", what,
                          want->path ? want->path : "");
  if (has_dotdot (want->path))
    return ent_error_set (err, EINVAL, "%s: path '%s' is not normalised (a '..')", what,
                          want->path);
  cleanup_free char *path = ent_path_tidy (want->path);
  if (path == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  /* Hiding '/' or putting a tmpfs on it leaves a sandbox with nothing to
   * run: refused here for every caller (the catalogue and the INI
   * profiles say so first, quoting the value as written). */
  if ((want->kind == ENT_MOUNT_HIDE || want->kind == ENT_MOUNT_TMPFS) && strcmp (path, "/") == 0)
    return ent_error_set (err, EINVAL, "%s: refusing to cover '/'", what);
  if ((ret = check_mount_extra (want, &source, err)) < 0)
    return ret;
  /* A bind from the very path it mounts on is the plain grant. */
  if (source && strcmp (source, path) == 0)
    free (steal_pointer (&source));
  else if (source == NULL && want->source && (source = strdup (want->source)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  while (pos < fs->n_mounts && (c = strcmp (fs->mounts[pos].path, path)) < 0)
    pos++;
  if (c == 0)
    {
      if (mount_same_target (&fs->mounts[pos], want, source))
        return 0;
      return ent_error_set (err, EEXIST, "conflicting grants for '%s': %s and %s", path,
                            mount_kind_names[fs->mounts[pos].kind], what);
    }

  ent_mount_t *m = realloc (fs->mounts, (fs->n_mounts + 1) * sizeof (*m));
  if (m == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  fs->mounts = m;
  add.kind = want->kind;
  add.path = steal_pointer (&path);
  add.type = want->type ? strdup (want->type) : NULL;
  /* An empty list is no options: stored as NULL, so that equal mounts
   * compare equal. */
  add.options = want->options && want->options[0] ? strv_copy (want->options) : NULL;
  add.source = steal_pointer (&source);
  if (add.path == NULL || (want->type && add.type == NULL)
      || (want->options && want->options[0] && add.options == NULL))
    {
      free_mount (&add);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  memmove (&m[pos + 1], &m[pos], (fs->n_mounts - pos) * sizeof (*m));
  m[pos] = add;
  fs->n_mounts++;
  return 0;
}

int
ent_profile_add_mount (ent_profile_t *p, ent_mount_kind_t kind, const char *path, ent_error_t **err)
{
  ent_mount_t m = { .kind = kind, .path = (char *)(uintptr_t)path };

  if (kind == ENT_MOUNT_OTHER)
    return ent_error_set (err, EINVAL,
                          "mount: '%s': ENT_MOUNT_OTHER needs ent_profile_add_mount_full",
                          path ? path : "");
  return ent_profile_add_mount_full (p, &m, err);
}

static bool
env_name_valid (const char *name)
{
  if (name == NULL || *name == '\0')
    return false;
  return strchr (name, '=') == NULL;
}

int
ent_profile_add_env (ent_profile_t *p, ent_env_op_t op, const char *name, const char *value,
                     ent_error_t **err)
{
  ent_env_t *env;
  ent_env_t e = { .op = op };

  if (!env_name_valid (name))
    return ent_error_set (err, EINVAL, "invalid environment variable name '%s'", name ? name : "");
  if ((op == ENT_ENV_SET) != (value != NULL))
    return ent_error_set (err, EINVAL, "environment variable '%s': value mismatch", name);
  e.name = strdup (name);
  e.value = value ? strdup (value) : NULL;
  env = realloc (p->env, (p->n_env + 1) * sizeof (*env));
  if (e.name == NULL || (value && e.value == NULL) || env == NULL)
    {
      if (env)
        p->env = env;
      free_env (&e);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  env[p->n_env++] = e;
  p->env = env;
  return 0;
}

static int
publish_cmp (const ent_publish_t *a, const ent_publish_t *b)
{
  int c = cmp_u64 (a->udp, b->udp);

  if (c == 0)
    c = cmp_u64 (a->host_port, b->host_port);
  if (c == 0)
    c = cmp_u64 (a->sandbox_port, b->sandbox_port);
  return c;
}

int
ent_profile_add_publish (ent_profile_t *p, const ent_publish_t *pub, ent_error_t **err)
{
  ent_network_t *n = &p->net;
  size_t pos = 0;

  for (size_t i = 0; i < n->n_publish; i++)
    if (n->publish[i].udp == pub->udp && n->publish[i].host_port == pub->host_port)
      return ent_error_set (err, EEXIST, "host port %u/%s is published twice", pub->host_port,
                            pub->udp ? "udp" : "tcp");
  while (pos < n->n_publish && publish_cmp (&n->publish[pos], pub) < 0)
    pos++;
  ent_publish_t *v = realloc (n->publish, (n->n_publish + 1) * sizeof (*v));
  if (v == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  memmove (&v[pos + 1], &v[pos], (n->n_publish - pos) * sizeof (*v));
  v[pos] = *pub;
  n->publish = v;
  n->n_publish++;
  return 0;
}

int
ent_profile_set_string (char **field, const char *value)
{
  char *copy = NULL;

  if (value && (copy = strdup (value)) == NULL)
    return -ENOMEM;
  free (*field);
  *field = copy;
  return 0;
}

/* ---- paths --------------------------------------------------------------- */

/* Append component @c (@len bytes) to the normalised absolute path in @buf,
 * handling "." and "..". */
static void
push_component (char *buf, const char *c, size_t len)
{
  size_t blen = strlen (buf);

  if (len == 0 || (len == 1 && c[0] == '.'))
    return;
  if (len == 2 && c[0] == '.' && c[1] == '.')
    {
      char *slash = strrchr (buf, '/');
      if (slash)
        *slash = '\0';
      return;
    }
  buf[blen] = '/';
  memcpy (buf + blen + 1, c, len);
  buf[blen + 1 + len] = '\0';
}

static void
push_path (char *buf, const char *path)
{
  while (*path)
    {
      const char *slash = strchrnul (path, '/');
      push_component (buf, path, slash - path);
      path = *slash ? slash + 1 : slash;
    }
}

int
ent_path_resolve (const char *path, const char *cwd, const char *home, char **out,
                  ent_error_t **err)
{
  const char *base = NULL;
  cleanup_free char *buf = NULL;

  if (path == NULL || *path == '\0')
    return ent_error_set (err, EINVAL, "empty path");
  if (path[0] == '~')
    {
      if (path[1] != '\0' && path[1] != '/')
        return ent_error_set (err, EINVAL, "path '%s': only '~' and '~/' are supported", path);
      if (home == NULL || home[0] != '/')
        return ent_error_set (err, EINVAL, "path '%s': no home directory to expand '~'", path);
      base = home;
      path++;
    }
  else if (path[0] != '/')
    {
      if (cwd == NULL || cwd[0] != '/')
        return ent_error_set (err, EINVAL, "path '%s': relative, and no working directory", path);
      base = cwd;
    }

  buf = calloc (1, (base ? strlen (base) : 0) + strlen (path) + 3);
  if (buf == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (base)
    push_path (buf, base);
  push_path (buf, path);
  if (buf[0] == '\0')
    strcpy (buf, "/");
  *out = steal_pointer (&buf);
  return 0;
}

/* Only what never changes the meaning, whatever the links on the way:
 * ".." stays, as "a/.." is not "." when a is a symlink. */
char *
ent_path_tidy (const char *path)
{
  char *out = malloc (strlen (path) + 2), *o = out;

  if (out == NULL)
    return NULL;
  if (path[0] == '/')
    *o++ = '/';
  while (*path)
    {
      const char *slash = strchrnul (path, '/');
      size_t len = slash - path;

      if (len > 0 && !(len == 1 && path[0] == '.'))
        {
          if (o > out && o[-1] != '/')
            *o++ = '/';
          memcpy (o, path, len);
          o += len;
        }
      path = *slash ? slash + 1 : slash;
    }
  if (o == out)
    *o++ = '.';
  *o = '\0';
  return out;
}

/* ---- host API sockets ---------------------------------------------------- */

/* Does a grant (not a default) mount @path? */
static bool
explicitly_mounted (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (!p->fs.mounts[i].implicit && strcmp (p->fs.mounts[i].path, path) == 0)
      return true;
  return false;
}

int
ent_profile_apply_api (ent_profile_t *p, ent_error_t **err)
{
  for (int i = 0; i < ENT_API_COUNT; i++)
    {
      const ent_api_endpoint_t *a = &p->api[i];
      if (a->allow)
        continue;
      for (size_t j = 0; a->paths && a->paths[j]; j++)
        {
          int ret;
          /* '/' is no API's socket: an address variable naming it
           * (DOCKER_HOST=unix:///) is a mistake, and hiding it would leave
           * no sandbox.  The variable is still unset below. */
          if (strcmp (a->paths[j], "/") == 0)
            continue;
          /* A grant that mounts a denied API's path is a conflict (the
           * API's own grant is the way to it), reported as before. */
          ret = explicitly_mounted (p, a->paths[j])
                    ? ent_profile_add_mount (p, ENT_MOUNT_HIDE, a->paths[j], err)
                    : ent_profile_add_implicit_mount (p, ENT_MOUNT_HIDE, a->paths[j], err);
          if (ret < 0)
            return ent_error_prefix (err, "api.access=%s:deny%s", api_names[i],
                                     a->granted ? "" : " (the default)");
        }
      for (size_t j = 0; a->vars && a->vars[j]; j++)
        {
          int ret = ent_profile_add_env (p, ENT_ENV_UNSET, a->vars[j], NULL, err);
          if (ret < 0)
            return ret;
        }
    }
  return 0;
}
