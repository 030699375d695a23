/* entrun — Landlock, the second wall (see landlock.h).
 *
 * Every restriction of the sandbox rests first on one mechanism: mounts
 * for files, namespaces for the network and for abstract sockets, seccomp
 * for calls.  One mistake in a mount plan is then an escape.  Landlock
 * lets an unprivileged process restrict itself again, in the kernel's LSM,
 * from the same profile; a file write must now get past both.
 *
 * What each family does, and why some are off at some levels:
 *
 *   files    writes (write, create, remove, rename, link, truncate) only
 *            beneath the writable places of the mount plan (host.fs.rw,
 *            tmpfs and overlay targets, the working directory and the
 *            private /tmp and runtime directory by default), /proc's files
 *            and, with host.devices.admin, /sys's; read and execute
 *            anywhere in the view.  Landlock only ever adds rights, so it
 *            cannot take reading back beneath a readable directory: hides
 *            stay the mounts' alone.  Renames and links (REFER) are allowed
 *            only where both ends are writable, and never gain rights.  A
 *            Landlock domain forbids mount(2) too, so security.admin, which
 *            grants it, runs without this family.
 *   devices  writes and ioctls (ABI 5) only to null, zero, full, random,
 *            urandom, tty, ptmx, the private devpts and /dev/shm, whatever
 *            /dev holds (host.devices.view binds the host's); all of /dev
 *            with host.devices.admin.
 *   network  (ABI 4) ports, not addresses: under network.proxy TCP connects
 *            only to the relay's port.  Under network.none the namespace
 *            holds lo alone, and the command's own servers there may use
 *            any port: a port rule would break them and stop nothing.
 *   scoping  (ABI 6) no abstract unix socket and no signal beyond the
 *            sandbox: what network.host would otherwise reach, and pid 1.
 *
 * The descriptors the command inherits (0-2: a log file, the caller's
 * terminal) keep working when reopened through /dev/stdout: each gets a
 * rule for its own file, with the rights its open mode already has. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "ent-json.h"
#include "landlock.h"
#include "netsetup.h"
#include "util.h"

/* Debian 12's headers know ABI 1: the rest is defined here, by value. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* ABI 9 (Linux 7.1): connect(2) and sendmsg(2) to a path unix socket
 * made outside the domain. */
#define LL_FS_RESOLVE_UNIX (1ULL << 16)
#define LL_RULE_NET_PORT 2
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr
{
  uint64_t handled_access_fs, handled_access_net, scoped;
};

struct ll_net_port_attr
{
  uint64_t allowed_access, port;
};

#define FS_READ                                                                                    \
  (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_WRITE                                                                                   \
  (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE  \
   | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK      \
   | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER         \
   | LANDLOCK_ACCESS_FS_TRUNCATE)
/* A device node's own rights. */
#define FS_NODE                                                                                    \
  (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* What a rule on a file (not a directory) may hold. */
#define FS_FILE_RIGHTS                                                                             \
  (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | FS_NODE | LL_FS_RESOLVE_UNIX)

/* The ABI that brought each family in; the scoping pair came together. */
static const struct
{
  const char *name;
  int abi;
} families[ENTRUN_LL_N_FAMILIES] = {
  [ENTRUN_LL_FILES] = { "files", 1 },        [ENTRUN_LL_DEVICES] = { "devices", 1 },
  [ENTRUN_LL_NETWORK] = { "network", 4 },    [ENTRUN_LL_ABSTRACT] = { "abstract-sockets", 6 },
  [ENTRUN_LL_SIGNALS] = { "signals", 6 },    [ENTRUN_LL_UNIX] = { "unix-connect", 9 },
};

/* Beneath /dev, what stays writable (host.devices.none and .view). */
static const char *const dev_nodes[] = { "/dev/null",    "/dev/zero", "/dev/full", "/dev/random",
                                         "/dev/urandom", "/dev/tty",  "/dev/ptmx", "/dev/pts" };

/* The ABI at which the profile's use of Landlock is complete. */
#define LL_ABI_FULL 6

const char *
entrun_landlock_family_name (entrun_ll_family_t f)
{
  return f < ENTRUN_LL_N_FAMILIES ? families[f].name : NULL;
}

int
entrun_landlock_family_abi (entrun_ll_family_t f)
{
  return f < ENTRUN_LL_N_FAMILIES ? families[f].abi : 0;
}

int
entrun_landlock_abi (void)
{
  static int abi = -1;

  if (abi < 0)
    {
      long v = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
      abi = v > 0 ? (int)v : 0;
    }
  return abi;
}

/* ---- the plan (pure) ----------------------------------------------------- */

static uint64_t
fs_handled (int abi)
{
  uint64_t a = FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK;

  if (abi < 2)
    a &= ~LANDLOCK_ACCESS_FS_REFER;
  if (abi < 3)
    a &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    a |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  if (abi >= 9)
    a |= LL_FS_RESOLVE_UNIX;
  return abi >= 1 ? a : 0;
}

static void
add_path (entrun_landlock_plan_t *plan, const char *path, uint64_t access)
{
  access &= plan->handled_fs;
  if (access)
    plan->paths[plan->n_paths++] = (entrun_ll_path_t){ path, access };
}

static void
set_state (entrun_landlock_plan_t *plan, entrun_ll_family_t f, entrun_ll_state_t s, const char *fmt,
           ...) __attribute__ ((format (printf, 4, 5)));

static void
set_state (entrun_landlock_plan_t *plan, entrun_ll_family_t f, entrun_ll_state_t s, const char *fmt,
           ...)
{
  va_list ap;

  plan->state[f] = s;
  va_start (ap, fmt);
  vsnprintf (plan->detail[f], sizeof (plan->detail[f]), fmt, ap);
  va_end (ap);
}

/* The kernel lacks @f: say which ABI would bring it. */
static bool
kernel_lacks (entrun_landlock_plan_t *plan, entrun_ll_family_t f)
{
  if (plan->abi >= families[f].abi)
    return false;
  if (plan->abi == 0)
    set_state (plan, f, ENTRUN_LL_OFF_KERNEL, "no Landlock in this kernel");
  else
    set_state (plan, f, ENTRUN_LL_OFF_KERNEL, "needs Landlock ABI %d; this kernel offers %d",
               families[f].abi, plan->abi);
  return true;
}

static bool
writable_kind (ent_mount_kind_t k)
{
  return k == ENT_MOUNT_BIND_RW || k == ENT_MOUNT_TMPFS || k == ENT_MOUNT_OVERLAY;
}

/* "writes only beneath A B C; ..." within the detail's room. */
static void
describe_files (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  char *d = plan->detail[ENTRUN_LL_FILES];
  size_t size = sizeof (plan->detail[ENTRUN_LL_FILES]), len, n = 0;
  const char *tail = "; read and execute anywhere in the view";

  len = (size_t)snprintf (d, size, "writes only beneath");
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (writable_kind (p->fs.mounts[i].kind))
      {
        const char *m = p->fs.mounts[i].path;
        if (len + 1 + strlen (m) + 4 + strlen (tail) >= size)
          {
            len += (size_t)snprintf (d + len, size - len, " ...");
            break;
          }
        len += (size_t)snprintf (d + len, size - len, " %s", m);
        n++;
      }
  if (n == 0)
    len += (size_t)snprintf (d + len, size - len, " no place of the mount plan");
  snprintf (d + len, size - len, "%s", tail);
}

/* Does a grant (but a hide, which holds no device) meet @path: at it,
 * below it or above it? */
static bool
grant_meets (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind != ENT_MOUNT_HIDE
        && (ent_path_is_below (p->fs.mounts[i].path, path)
            || ent_path_is_below (path, p->fs.mounts[i].path)))
      return true;
  return false;
}

/* A grant below /dev: a tmpfs (binds there are refused, see
 * entrun_landlock_refusal: a read-only bind does not stop writes to a
 * device node).  entrun's /dev then holds more than the harmless nodes,
 * whose rules must not cover it. */
static bool
grant_under_dev (const ent_profile_t *p)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind != ENT_MOUNT_HIDE && strcmp (p->fs.mounts[i].path, "/") != 0
        && ent_path_is_below (p->fs.mounts[i].path, "/dev"))
      return true;
  return false;
}

static void
plan_devices (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  uint64_t write = FS_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV;

  if (p->fs.dev == ENT_DEV_HOST_RW)
    {
      add_path (plan, "/dev", FS_READ | write);
      set_state (plan, ENTRUN_LL_DEVICES, ENTRUN_LL_OFF_LEVEL,
                 "host.devices.admin grants the host's /dev read-write");
      return;
    }
  /* entrun's own /dev holds the harmless nodes alone, so one rule does,
   * unless a grant put something there; the host's /dev needs one rule
   * per node.  No rule meets a grant: an explicit host.fs.rw has its
   * own, and a read-only one gets no node rights. */
  if (p->fs.dev == ENT_DEV_MINIMAL && !grant_under_dev (p))
    add_path (plan, "/dev", FS_NODE);
  else
    for (size_t i = 0; i < N_ELEMENTS (dev_nodes); i++)
      if (!grant_meets (p, dev_nodes[i]))
        add_path (plan, dev_nodes[i], FS_NODE);
  add_path (plan, "/dev/shm", write);
  set_state (plan, ENTRUN_LL_DEVICES, ENTRUN_LL_ON,
             "writes%s only to null zero full random urandom tty ptmx, devpts and /dev/shm%s",
             plan->abi >= 5 ? " and ioctls" : "",
             plan->abi >= 5 ? "" : " (ioctls on devices need ABI 5)");
}

/* /proc's writable files, when it is the sandbox's own: the mounts keep
 * /proc/sys and the masked ones read-only (a rule cannot leave them out:
 * Landlock only grants); what is left is the sandbox's processes'.  The
 * host's /proc, of host.processes.*, gets none.  /sys under
 * host.devices.admin. */
static void
plan_proc_sys (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  if (p->fs.proc == ENT_PROC_FRESH)
    add_path (plan, "/proc", LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE);
  if (p->fs.sys == ENT_SYS_HOST)
    add_path (plan, "/sys", LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE);
}

/* security.admin lets the command mount: a Landlock domain that handles
 * file access forbids that, so only the device rules stay, where /dev
 * holds the host's devices or a grant (with only their rights handled,
 * every other place keeps them). */
static void
plan_devices_only (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  set_state (plan, ENTRUN_LL_FILES, ENTRUN_LL_OFF_LEVEL,
             "security.admin: the command may mount, which a Landlock file rule forbids");
  plan->fd_rules = true;
  if (p->fs.dev == ENT_DEV_HOST_RW || (p->fs.dev == ENT_DEV_MINIMAL && !grant_under_dev (p)))
    {
      plan->handled_fs = 0;
      set_state (plan, ENTRUN_LL_DEVICES, ENTRUN_LL_OFF_LEVEL, "%s",
                 p->fs.dev == ENT_DEV_HOST_RW ? "host.devices.admin grants the host's /dev"
                                              : "security.admin: as for files");
      return;
    }
  plan->handled_fs &= FS_NODE;
  add_path (plan, ENTRUN_LL_TOP_ENTRIES, FS_NODE);
  plan_proc_sys (plan, p);
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (writable_kind (p->fs.mounts[i].kind) && ent_path_is_below (p->fs.mounts[i].path, "/dev"))
      add_path (plan, p->fs.mounts[i].path, FS_NODE);
  plan_devices (plan, p);
}

static void
plan_files (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  uint64_t write = FS_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV;

  if (kernel_lacks (plan, ENTRUN_LL_FILES))
    {
      kernel_lacks (plan, ENTRUN_LL_DEVICES);
      return;
    }
  plan->handled_fs = fs_handled (plan->abi);
  if (ent_profile_syscall_allowed (p, "mount") > 0)
    {
      plan_devices_only (plan, p);
      return;
    }
  plan->fd_rules = true;
  add_path (plan, "/", FS_READ);
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (!writable_kind (p->fs.mounts[i].kind))
      continue;
    else if (strcmp (p->fs.mounts[i].path, "/") != 0 || p->fs.dev == ENT_DEV_HOST_RW)
      add_path (plan, p->fs.mounts[i].path, FS_READ | write);
    else
      /* host.fs.rw=/: every top-level directory in full, but /dev, /proc
       * and /sys, and not / itself: a rule on / would reach beneath
       * them (the host's /dev, under host.devices.view). */
      add_path (plan, ENTRUN_LL_TOP_ENTRIES, FS_READ | write);
  plan_proc_sys (plan, p);
  /* Host unix sockets (ABI 9): only those a grant names, as the mounts
   * have it (the others they cover, launcher/hostscan.c): a host.fs.ro or
   * .rw grant of the socket or of a directory, the ones api.access
   * allows.  The command's own sockets need no rule. */
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if ((p->fs.mounts[i].kind == ENT_MOUNT_BIND_RO || p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW)
        && !p->fs.mounts[i].implicit)
      add_path (plan, p->fs.mounts[i].path, LL_FS_RESOLVE_UNIX);
  for (int a = 0; a < ENT_API_COUNT; a++)
    for (size_t i = 0; p->api[a].allow && p->api[a].paths && p->api[a].paths[i]; i++)
      add_path (plan, p->api[a].paths[i], LL_FS_RESOLVE_UNIX);
  plan_devices (plan, p);
  plan->state[ENTRUN_LL_FILES] = ENTRUN_LL_ON;
  describe_files (plan, p);
}

static void
plan_network (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  static const char *const moot[] = {
    [ENT_NET_NONE] = "network.none: its namespace holds lo alone, and Landlock's TCP rules name "
                     "ports, not addresses: the command's own servers there may use any port",
    [ENT_NET_USER] = "network.user: outbound TCP to any port is the level's point (the NAT "
                     "helper may bind only the published ports)",
    [ENT_NET_HOST] = "network.host: the host's network is shared by choice",
  };

  if (p->net.mode != ENT_NET_PROXY)
    {
      set_state (plan, ENTRUN_LL_NETWORK, ENTRUN_LL_OFF_LEVEL, "%s", moot[p->net.mode]);
      return;
    }
  if (kernel_lacks (plan, ENTRUN_LL_NETWORK))
    return;
  /* Binds stay free: nothing outside reaches the sandbox's own lo. */
  plan->handled_net = LL_NET_CONNECT_TCP;
  plan->ports[plan->n_ports++] = (entrun_ll_port_t){ NETSETUP_PROXY_PORT, LL_NET_CONNECT_TCP };
  set_state (plan, ENTRUN_LL_NETWORK, ENTRUN_LL_ON,
             "TCP connects only to port %d, the proxy relay's", NETSETUP_PROXY_PORT);
}

static void
plan_scopes (entrun_landlock_plan_t *plan, const ent_profile_t *p)
{
  bool lacks_abstract = kernel_lacks (plan, ENTRUN_LL_ABSTRACT);

  if (kernel_lacks (plan, ENTRUN_LL_SIGNALS) || lacks_abstract)
    return;
  plan->scoped = LL_SCOPE_ABSTRACT | LL_SCOPE_SIGNAL;
  set_state (plan, ENTRUN_LL_ABSTRACT, ENTRUN_LL_ON, "%s",
             p->net.mode == ENT_NET_HOST
                 ? "no abstract unix socket of the host's (X11, D-Bus, ...) reachable"
                 : "no abstract unix socket outside the sandbox reachable");
  set_state (plan, ENTRUN_LL_SIGNALS, ENTRUN_LL_ON,
             "no signal to a process outside the sandbox (entrun's pid 1, the host's)");
}

int
entrun_landlock_plan (const ent_profile_t *p, int abi, entrun_landlock_plan_t *plan)
{
  size_t n = p->fs.n_mounts + N_ELEMENTS (dev_nodes) + 6;

  for (int a = 0; a < ENT_API_COUNT; a++)
    n += p->api[a].allow ? ent_strlist_len (p->api[a].paths) : 0;
  memset (plan, 0, sizeof (*plan));
  plan->abi = abi;
  /* "/" and ENTRUN_LL_TOP_ENTRIES, the mounts, /proc, /sys, /dev's
   * nodes and shm, the allowed API sockets. */
  plan->paths = calloc (n, sizeof (*plan->paths));
  if (plan->paths == NULL)
    return -ENOMEM;
  plan_files (plan, p);
  plan_network (plan, p);
  plan_scopes (plan, p);
  if (kernel_lacks (plan, ENTRUN_LL_UNIX))
    return 0;
  if (plan->state[ENTRUN_LL_FILES] != ENTRUN_LL_ON)
    set_state (plan, ENTRUN_LL_UNIX, ENTRUN_LL_OFF_LEVEL, "off with the files family");
  else
    set_state (plan, ENTRUN_LL_UNIX, ENTRUN_LL_ON,
               "connects only to the command's own path unix sockets, those beneath host.fs.ro "
               "and .rw grants and the host APIs api.access allows");
  return 0;
}

void
entrun_landlock_plan_clear (entrun_landlock_plan_t *plan)
{
  free (plan->paths);
  plan->paths = NULL;
  plan->n_paths = 0;
}

const char *
entrun_landlock_refusal (const ent_profile_t *p, const entrun_landlock_plan_t *plan, char *buf,
                         size_t size)
{
  if (p->fs.dev == ENT_DEV_HOST_RO && plan->abi == 0)
    return "host.devices.view: the host's devices stay read-only only through Landlock, which "
           "this kernel lacks";
  /* A bind below /dev brings the host's device nodes in, and a
   * read-only bind does not stop writes to a device (nor does a tmpfs
   * granted above it): the levels are the grants for devices. */
  for (size_t i = 0; p->fs.dev != ENT_DEV_HOST_RW && i < p->fs.n_mounts; i++)
    if ((p->fs.mounts[i].kind == ENT_MOUNT_BIND_RO || p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW
         || p->fs.mounts[i].kind == ENT_MOUNT_OVERLAY)
        && strcmp (p->fs.mounts[i].path, "/") != 0 && ent_path_is_below (p->fs.mounts[i].path, "/dev"))
      {
        snprintf (buf, size,
                  "host.fs.%s=%s: a bind below /dev brings in the host's devices: grant "
                  "host.devices.view to look at them, host.devices.admin to use them",
                  p->fs.mounts[i].kind == ENT_MOUNT_BIND_RO   ? "ro"
                  : p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW ? "rw"
                                                              : "overlay",
                  p->fs.mounts[i].path);
        return buf;
      }
  if (!p->landlock_required)
    return NULL;
  if (plan->abi < LL_ABI_FULL)
    {
      snprintf (buf, size,
                "security.landlock-required: entrun needs Landlock ABI %d (files, device ioctls, "
                "TCP ports, scoping); %s",
                LL_ABI_FULL, plan->abi ? "this kernel offers less" : "this kernel has none");
      if (plan->abi)
        snprintf (buf + strlen (buf), size - strlen (buf), " (ABI %d)", plan->abi);
      return buf;
    }
  if (plan->state[ENTRUN_LL_FILES] != ENTRUN_LL_ON)
    {
      snprintf (buf, size, "security.landlock-required: files: %s",
                plan->detail[ENTRUN_LL_FILES]);
      return buf;
    }
  return NULL;
}

/* ---- --explain ----------------------------------------------------------- */

void
entrun_landlock_render (const entrun_landlock_plan_t *plan, bool json, FILE *f)
{
  if (json)
    {
      json_t *fam = json_object (), *tree;
      for (int i = 0; fam && i < ENTRUN_LL_N_FAMILIES; i++)
        if (json_object_set_new (fam, families[i].name,
                                 json_pack ("{s:b, s:o}", "active", plan->state[i] == ENTRUN_LL_ON,
                                            "detail", ent_json_bytes (plan->detail[i])))
            < 0)
          fam = (json_decref (fam), NULL);
      tree = json_pack ("{s:i, s:o}", "abi", plan->abi, "families", fam);
      if (tree == NULL || ent_json_dump_inline (f, tree, NULL) < 0)
        die ("out of memory");
      json_decref (tree);
      return;
    }
  if (plan->abi)
    fprintf (f, "landlock: ABI %d on this kernel, a second wall behind the mounts, namespaces "
                "and seccomp:\n",
             plan->abi);
  else
    fputs ("landlock: not available on this kernel (the mounts, namespaces and seccomp stand "
           "alone):\n",
           f);
  for (int i = 0; i < ENTRUN_LL_N_FAMILIES; i++)
    fprintf (f, "  %-17s %-3s %s\n", families[i].name, plan->state[i] == ENTRUN_LL_ON ? "on" : "off",
             plan->detail[i]);
}

/* ---- applying it --------------------------------------------------------- */

/* What failed, naming the path: set by add_rule. */
static char rule_step[PATH_MAX + 64];

static int
rule_failed (int dirfd, const char *path)
{
  int saved = errno;

  snprintf (rule_step, sizeof (rule_step), "Landlock: the rule for %s%s",
            dirfd == AT_FDCWD ? "" : "/", path);
  return -saved;
}

/* @rights beneath @path (a directory or a file), which may be missing or
 * out of reach (then no rule: the narrower way).  No stat first: a rule
 * with a directory's rights on a file fails with EINVAL, and is made
 * again with the file's share of them (every system call counts here:
 * tests/bench/phases.sh). */
static int
add_rule (int ruleset, int dirfd, const char *path, uint64_t rights, int flags)
{
  struct landlock_path_beneath_attr rule = { .allowed_access = rights };
  cleanup_close int fd = -1;
  long ret;

  if (rights == 0)
    return 0; /* Landlock refuses an empty rule (ENOMSG) */
  if ((fd = openat (dirfd, path, O_PATH | O_CLOEXEC | flags)) < 0)
    return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? 0 : rule_failed (dirfd, path);
  rule.parent_fd = fd;
  ret = syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
  if (ret < 0 && errno == EINVAL && (rights & ~FS_FILE_RIGHTS) && (rights & FS_FILE_RIGHTS))
    {
      rule.allowed_access = rights & FS_FILE_RIGHTS;
      ret = syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    }
  /* EBADFD: a file of an internal filesystem (a memfd), which Landlock
   * never checks. */
  if (ret < 0)
    return errno == EBADFD ? 0 : rule_failed (dirfd, path);
  return 0;
}

/* ENTRUN_LL_TOP_ENTRIES: every top-level entry of / but dev, proc and
 * sys. */
static int
add_top_entries (int ruleset, uint64_t rights)
{
  cleanup_dir DIR *root = opendir ("/");
  struct dirent *de;
  int ret;

  if (root == NULL)
    return rule_failed (AT_FDCWD, "/");
  /* Symbolic links (/bin -> usr/bin) lead to directories of their own. */
  while ((de = readdir (root)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && strcmp (de->d_name, "dev") != 0 && strcmp (de->d_name, "proc") != 0
        && strcmp (de->d_name, "sys") != 0 && de->d_type != DT_LNK
        && (ret = add_rule (ruleset, dirfd (root), de->d_name, rights, O_NOFOLLOW)) < 0)
      return ret;
  return 0;
}

/* A descriptor the command inherited, reopened through /proc/self/fd (as
 * /dev/stdout does), gets the rights its open mode has: the file is the
 * caller's choice, and may lie outside the sandbox's view. */
static int
add_fd_rule (int ruleset, int fd, uint64_t handled)
{
  char path[64];
  struct stat st;
  int mode = fcntl (fd, F_GETFL);
  uint64_t rights = 0;

  snprintf (path, sizeof (path), "/proc/self/fd/%d", fd);
  if (mode < 0 || fstat (fd, &st) < 0)
    return errno == EBADF ? 0 : rule_failed (AT_FDCWD, path); /* EBADF: not open */
  /* Sockets and pipes need no rule; O_PATH descriptors and directories
   * get none (a directory's open mode says nothing about writing). */
  if ((mode & O_PATH) || S_ISDIR (st.st_mode) || S_ISSOCK (st.st_mode) || S_ISLNK (st.st_mode))
    return 0;
  if ((mode & O_ACCMODE) != O_WRONLY)
    rights |= LANDLOCK_ACCESS_FS_READ_FILE;
  if ((mode & O_ACCMODE) != O_RDONLY)
    rights |= LANDLOCK_ACCESS_FS_WRITE_FILE;
  /* O_APPEND (a log: >>) may only grow: no truncation. */
  if ((mode & O_ACCMODE) != O_RDONLY && !(mode & O_APPEND))
    rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
    rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  return add_rule (ruleset, AT_FDCWD, path, rights & handled, 0);
}

static int
add_port_rule (int ruleset, const entrun_ll_port_t *r)
{
  struct ll_net_port_attr rule = { .allowed_access = r->access, .port = r->port };

  if (syscall (SYS_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0) < 0)
    return -errno;
  return 0;
}

static int
create_ruleset (int abi, uint64_t fs, uint64_t net, uint64_t scoped)
{
  struct ll_ruleset_attr attr = { fs, net, scoped };
  /* The attribute grew with the ABI: a kernel refuses bytes it does not
   * know unless they are zero. */
  size_t size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;

  return (int)syscall (SYS_landlock_create_ruleset, &attr, size, 0);
}

int
entrun_landlock_apply (const entrun_landlock_plan_t *plan, const int *keep_fds, size_t n_keep,
                       const char **step)
{
  cleanup_close int ruleset = -1;
  int ret = 0;

  if (plan->handled_fs == 0 && plan->handled_net == 0 && plan->scoped == 0)
    return 0;
  *step = "Landlock: creating the ruleset";
  ruleset = create_ruleset (plan->abi, plan->handled_fs, plan->handled_net, plan->scoped);
  if (ruleset < 0)
    return -errno;
  for (size_t i = 0; i < plan->n_paths && ret == 0; i++)
    if (strcmp (plan->paths[i].path, ENTRUN_LL_TOP_ENTRIES) == 0)
      ret = add_top_entries (ruleset, plan->paths[i].access);
    else
      ret = add_rule (ruleset, AT_FDCWD, plan->paths[i].path, plan->paths[i].access, O_NOFOLLOW);
  for (int fd = 0; fd <= 2 && ret == 0 && plan->fd_rules; fd++)
    ret = add_fd_rule (ruleset, fd, plan->handled_fs);
  for (size_t i = 0; i < n_keep && ret == 0 && plan->fd_rules; i++)
    ret = keep_fds[i] > 2 ? add_fd_rule (ruleset, keep_fds[i], plan->handled_fs) : 0;
  if (ret < 0)
    {
      *step = rule_step;
      return ret;
    }
  *step = "Landlock: the port rules";
  for (size_t i = 0; i < plan->n_ports && ret == 0; i++)
    ret = add_port_rule (ruleset, &plan->ports[i]);
  if (ret < 0)
    return ret;
  *step = "Landlock: restricting the command";
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    return -errno;
  return 0;
}

int
entrun_landlock_helper (const char *const *read_files, const uint16_t *bind_ports, size_t n_bind,
                        uint16_t connect_port, const char **step)
{
  int abi = entrun_landlock_abi ();
  uint64_t net = abi >= 4 ? LL_NET_BIND_TCP | (connect_port ? LL_NET_CONNECT_TCP : 0) : 0;
  cleanup_close int ruleset = -1;
  int ret = 0;

  if (abi == 0)
    return 0;
  *step = "Landlock";
  ruleset = create_ruleset (abi, fs_handled (abi), net,
                            abi >= 6 ? LL_SCOPE_ABSTRACT | LL_SCOPE_SIGNAL : 0);
  if (ruleset < 0)
    return -errno;
  for (size_t i = 0; read_files[i] && ret == 0; i++)
    ret = add_rule (ruleset, AT_FDCWD, read_files[i], LANDLOCK_ACCESS_FS_READ_FILE, 0);
  for (size_t i = 0; net && i < n_bind && ret == 0; i++)
    ret = add_port_rule (ruleset, &(entrun_ll_port_t){ bind_ports[i], LL_NET_BIND_TCP });
  if (net && connect_port && ret == 0)
    ret = add_port_rule (ruleset, &(entrun_ll_port_t){ connect_port, LL_NET_CONNECT_TCP });
  if (ret < 0)
    return ret;
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    return -errno;
  return 0;
}
