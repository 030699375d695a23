/* libentitlement — the security profile.
 *
 * A profile is a plain description of a sandbox: which namespaces to create,
 * which capabilities to keep, which syscalls to allow, what to mount.  It is
 * pure data: entitlements edit it, the launcher walks it, and it can be
 * rendered (ent-render.h) or exported as an OCI config (ent-oci.h).
 *
 * Fields are public so that enforcement callbacks may edit them directly, but
 * the helpers below keep lists sorted and free of duplicates, which is what
 * makes a profile independent of the order its entitlements were added in.
 */
#ifndef ENT_PROFILE_H
#define ENT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ent-error.h"

#ifdef __cplusplus
extern "C"
{
#endif

  /* ---- namespaces ---------------------------------------------------------- */

  typedef enum ent_ns_type
  {
    ENT_NS_USER,
    ENT_NS_MOUNT,
    ENT_NS_PID,
    ENT_NS_NET,
    ENT_NS_IPC,
    ENT_NS_UTS,
    ENT_NS_CGROUP,
    ENT_NS_COUNT
  } ent_ns_type_t;

  /* true: create a new one; false: share the caller's. */
  typedef struct ent_namespaces
  {
    bool create[ENT_NS_COUNT];
  } ent_namespaces_t;

  ENT_EXPORT const char *ent_ns_name (ent_ns_type_t ns); /* "user", "mount", ... */

  /* ---- capabilities -------------------------------------------------------- */

  typedef enum ent_capset
  {
    ENT_CAPSET_BOUNDING,
    ENT_CAPSET_PERMITTED,
    ENT_CAPSET_EFFECTIVE,
    ENT_CAPSET_INHERITABLE,
    ENT_CAPSET_AMBIENT,
    ENT_CAPSET_COUNT
  } ent_capset_t;

#define ENT_CAP_LAST 40 /* CAP_CHECKPOINT_RESTORE */
#define ENT_CAP_ALL ((UINT64_C (1) << (ENT_CAP_LAST + 1)) - 1)
#define ENT_CAP_BIT(n) (UINT64_C (1) << (n))

  ENT_EXPORT const char *ent_capset_name (ent_capset_t set); /* "bounding", ... */

  /* Capability number for "CAP_SYS_ADMIN" or "sys_admin" (any case); -1 when
   * unknown. */
  ENT_EXPORT int ent_cap_from_name (const char *name);
  /* "CAP_SYS_ADMIN" for 21; NULL when out of range. */
  ENT_EXPORT const char *ent_cap_to_name (int cap);

  /* ---- seccomp ------------------------------------------------------------- */

  typedef enum ent_seccomp_action
  {
    ENT_SECCOMP_ALLOW,
    ENT_SECCOMP_ERRNO,
  } ent_seccomp_action_t;

  typedef enum ent_arg_op
  {
    ENT_ARG_EQ,
    ENT_ARG_NE,
    ENT_ARG_LT,
    ENT_ARG_LE,
    ENT_ARG_GT,
    ENT_ARG_GE,
    ENT_ARG_MASKED_EQ, /* (arg & mask) == value */
  } ent_arg_op_t;

#define ENT_SECCOMP_MAX_ARGS 6

  typedef struct ent_arg_cond
  {
    unsigned int index; /* 0..5 */
    ent_arg_op_t op;
    uint64_t mask; /* only for ENT_ARG_MASKED_EQ */
    uint64_t value;
  } ent_arg_cond_t;

  /* One rule.  Several rules may name the same syscall (e.g. personality with
   * different allowed values).  ERRNO rules take precedence over ALLOW rules:
   * the launcher's filter evaluates them first, as if they were a second
   * filter loaded on top (the kernel's most restrictive result wins). */
  typedef struct ent_seccomp_rule
  {
    char *syscall;
    ent_seccomp_action_t action;
    int errnum; /* for ENT_SECCOMP_ERRNO */
    unsigned int n_args;
    ent_arg_cond_t args[ENT_SECCOMP_MAX_ARGS];
  } ent_seccomp_rule_t;

  typedef struct ent_seccomp
  {
    bool enabled;      /* false: no filter at all (only an OCI export may want it) */
    int default_errno; /* what a syscall not allowed fails with (EPERM) */
    /* What a syscall newer than the policy fails with (ENOSYS, as from a
     * kernel that lacks it, so that libc falls back on an older call); 0:
     * the same as default_errno.  "Newer" means absent from the kernel
     * whose syscall tables the policy knows, and named by no rule. */
    int unknown_errno;
    ent_seccomp_rule_t *rules; /* sorted, no duplicates */
    size_t n_rules;
  } ent_seccomp_t;

  /* A policy for runtimes that build ONE filter from a rule list (runc and
   * crun from an OCI config, through libseccomp).  @in means what
   * ent_profile_syscall_verdict says: for a syscall and its arguments, the
   * last matching ERRNO rule (in @in's order) gives its errno, else a
   * matching ALLOW rule lets the call run, else it fails with default_errno.
   * One filter reads rules differently: libseccomp lets a syscall's
   * unconditional rule win over its conditional ones whatever their actions,
   * refuses (EEXIST) or orders as it likes overlapping conditional rules of
   * different actions, refuses (EACCES) a rule with the default action, and
   * OCI reads two conditions on one argument as "either".
   *
   * @out gets @in's enabled, default_errno and unknown_errno and new rules
   * that give every call the verdict @in gives it, read either way:
   *   - for one syscall, two rules with different actions (ALLOW, ERRNO n,
   *     ERRNO m) never match the same arguments, so no order between them
   *     matters; rules of the same action may overlap;
   *   - a rule has at most one condition per argument;
   *   - no ERRNO rule has default_errno, and a syscall whose every call fails
   *     with default_errno has no rule (so it is "named by no rule": a
   *     consumer that applies unknown_errno to those would change its errno
   *     if it is also outside its syscall tables);
   *   - a rule nothing overrides and with one condition per argument is
   *     copied as it is, ops unchanged: an unconditional ERRNO rule stays the
   *     syscall's only rule, an ALLOW rule no ERRNO rule overlaps is kept;
   *     the others are rewritten exactly, as EQ and MASKED_EQ conditions.
   * The rules are in the order a one-filter consumer must add them in: every
   * unconditional rule first, then the conditional ones, each part sorted
   * by syscall.  libseccomp needs it on i386, where it turns the argument
   * rules of socket() into socketcall(SYS_SOCKET) rules without the family
   * check, which conflict (EEXIST) unless socketcall's unconditional rule
   * came first.  So @out is not sorted as a profile's rules are: do not give
   * it to the ent_profile_* helpers.
   *
   * Exact or nothing: a rule that needs more than 4096 terms (one rule each)
   * or a syscall with more than 256 rules fails with -E2BIG, an invalid
   * rule with -EINVAL, both naming the syscall, and @out is left empty.
   * So does (-EINVAL) an ALLOW rule that, less the denies overlapping it,
   * needs a condition on the high 32 bits of an argument: i386 and x32
   * have none and libseccomp compares the low word only there, so the
   * one filter would let through on them what @in denies.  Write such
   * denies on the low 32 bits (MASKED_EQ 0xffffffff), as the catalogue
   * does.  @out is overwritten, not freed; it
   * must not be @in.  Release it with ent_seccomp_clear(). */
  ENT_EXPORT int ent_seccomp_flatten (const ent_seccomp_t *in, ent_seccomp_t *out,
                                      ent_error_t **err) ENT_WUR;
  /* Free @s's rules and zero it (a policy from ent_seccomp_flatten). */
  ENT_EXPORT void ent_seccomp_clear (ent_seccomp_t *s);

  /* ---- mounts -------------------------------------------------------------- */

  typedef enum ent_mount_kind
  {
    ENT_MOUNT_BIND_RW, /* host.fs.rw */
    ENT_MOUNT_BIND_RO, /* host.fs.ro */
    ENT_MOUNT_HIDE,    /* host.fs.hide: empty tmpfs (dir) or /dev/null (file) */
    ENT_MOUNT_TMPFS,   /* host.fs.tmpfs: fresh private writable tmpfs */
    ENT_MOUNT_OVERLAY, /* host.fs.overlay: the host's PATH, writes kept in memory */
    /* A mount the profile carries but does not interpret (an OCI config's
     * "proc", "mqueue", "cgroup", ...): @type, @source and @options as
     * given.  A platform's runtime mounts it; entrun refuses to run it. */
    ENT_MOUNT_OTHER,
  } ent_mount_kind_t;

  /* One mount, in the terms of an OCI config's "mounts" entry.  The grants
   * of the default catalogue mount the host's own paths at the same place
   * (@source NULL) with the options their kind implies; a platform's base
   * profile or a custom entitlement may say more through
   * ent_profile_add_mount_full(). */
  typedef struct ent_mount
  {
    ent_mount_kind_t kind;
    char *path;    /* the destination: absolute, normalised */
    bool implicit; /* added by the default boundary, not by a grant */
    /* Where it comes from: NULL for the same path on the host (binds,
     * overlay) or none (hide, tmpfs); absolute for binds and overlay. */
    char *source;
    /* The filesystem type: NULL for what @kind implies ("bind" for binds,
     * "tmpfs" for tmpfs and a hidden directory, where a hidden file is
     * /dev/null bound over it; "overlay"); required for ENT_MOUNT_OTHER. */
    char *type;
    /* Options beyond those @kind implies, NULL-terminated, in order, each
     * one OCI option ("nosuid", "noexec", "size=64m"); NULL: none. */
    char **options;
  } ent_mount_t;

  /* "bind", "tmpfs", "overlay", or @m->type: the filesystem type of @m. */
  ENT_EXPORT const char *ent_mount_type (const ent_mount_t *m);

  typedef enum ent_dev_mode
  {
    ENT_DEV_MINIMAL, /* null zero full random urandom tty, devpts, shm */
    ENT_DEV_HOST_RO,
    ENT_DEV_HOST_RW,
  } ent_dev_mode_t;

  typedef enum ent_proc_mode
  {
    ENT_PROC_FRESH, /* new proc for the sandbox's own PID namespace */
    ENT_PROC_HOST,  /* the host's /proc bound in: its processes listed */
  } ent_proc_mode_t;

  typedef enum ent_sys_mode
  {
    ENT_SYS_RO,
    ENT_SYS_HOST,
  } ent_sys_mode_t;

  typedef struct ent_fs
  {
    ent_mount_t *mounts; /* sorted by path, one per path */
    size_t n_mounts;
    ent_dev_mode_t dev;
    ent_proc_mode_t proc;
    ent_sys_mode_t sys;
    char **masked;   /* NULL-terminated, sorted: hidden from the payload */
    char **readonly; /* NULL-terminated, sorted: remounted read-only */
    bool read_only;  /* security.fs-read-only: the working directory read-only too */
    /* Set by ent_profile_apply_defaults(): the working directory is left
     * read-only because it is '/', the home directory or above it. */
    bool cwd_too_broad;
  } ent_fs_t;

  /* ---- resources ----------------------------------------------------------- */

  typedef enum ent_rlimit_res
  {
    ENT_RLIMIT_NPROC,
    ENT_RLIMIT_AS,
    ENT_RLIMIT_CPU,
    ENT_RLIMIT_NOFILE,
    ENT_RLIMIT_FSIZE,
    ENT_RLIMIT_MEMLOCK,
    ENT_RLIMIT_CORE,
    ENT_RLIMIT_COUNT
  } ent_rlimit_res_t;

#define ENT_RLIM_UNSET (-1) /* leave as inherited */
#define ENT_RLIM_HARD (-2)  /* raise the soft limit to the hard limit */

  typedef struct ent_rlimit
  {
    int64_t soft; /* ENT_RLIM_UNSET, ENT_RLIM_HARD or a value */
    int64_t hard; /* ENT_RLIM_UNSET or a value */
  } ent_rlimit_t;

  ENT_EXPORT const char *ent_rlimit_name (ent_rlimit_res_t res); /* "RLIMIT_NPROC" */

  typedef enum ent_res_backend
  {
    ENT_RES_RLIMIT, /* pids as RLIMIT_NPROC; memory watched by the launcher */
    ENT_RES_CGROUP, /* pids and memory as pids.max and memory.max */
  } ent_res_backend_t;

  /* resources.*: -1 when not granted.  cpu-time, files and file-size are
   * always rlimits (RLIMIT_CPU, RLIMIT_NOFILE, RLIMIT_FSIZE); timeout is
   * enforced by the launcher, and so is memory without a cgroup: no rlimit
   * bounds what a sandbox holds (RLIMIT_AS and RLIMIT_DATA count address
   * space per process, and break sanitizers). */
/* resources.pids when nothing grants one: every host.processes level sets
 * it (a fork bomb must not take the host down), generous enough for `make
 * -j` of a large project.  Under RLIMIT_NPROC the kernel counts a user
 * namespace's processes apart from the user's others (Linux 5.14+). */
#define ENT_DEFAULT_PIDS 4096

  typedef struct ent_resources
  {
    int64_t pids, memory, cpu_time, files, file_size, timeout;
    ent_res_backend_t backend; /* set on the base profile by the launcher */
  } ent_resources_t;

  ENT_EXPORT const char *ent_res_backend_name (ent_res_backend_t b); /* "rlimit", "cgroup" */

  /* ---- host API sockets (api.access) --------------------------------------- */

  typedef enum ent_api
  {
    ENT_API_SSH_AGENT,
    ENT_API_GPG_AGENT,
    ENT_API_DBUS_SESSION,
    ENT_API_DBUS_SYSTEM,
    ENT_API_DOCKER,
    ENT_API_PODMAN,
    ENT_API_X11,
    ENT_API_WAYLAND,
    ENT_API_PIPEWIRE,
    ENT_API_COUNT
  } ent_api_t;

  /* "ssh-agent", ...; ent_api_from_name returns -1 when unknown. */
  ENT_EXPORT const char *ent_api_name (ent_api_t api);
  ENT_EXPORT int ent_api_from_name (const char *name);

  typedef struct ent_api_endpoint
  {
    char **paths; /* NULL-terminated, sorted: sockets or directories found on this host */
    char **vars;  /* NULL-terminated, sorted: environment variables naming them */
    bool allow;   /* api.access=NAME:allow */
    bool granted; /* an api.access grant named it (allow or deny) */
  } ent_api_endpoint_t;

  /* ---- network ------------------------------------------------------------- */

  typedef enum ent_net_mode
  {
    ENT_NET_NONE,  /* private namespace, lo only */
    ENT_NET_USER,  /* private namespace, tap + user-mode NAT */
    ENT_NET_PROXY, /* private namespace, lo + relay to an HTTP CONNECT proxy */
    ENT_NET_HOST,  /* host namespace shared */
  } ent_net_mode_t;

  typedef struct ent_publish
  {
    uint16_t host_port;
    uint16_t sandbox_port;
    bool udp;
  } ent_publish_t;

  typedef struct ent_network
  {
    ent_net_mode_t mode;
    bool admin;             /* network.admin: NET_* capabilities granted */
    bool host_loopback;     /* gateway reaches the host's 127.0.0.1 */
    char *proxy_url;        /* ENT_NET_PROXY */
    ent_publish_t *publish; /* sorted, unique */
    size_t n_publish;
  } ent_network_t;

  ENT_EXPORT const char *ent_net_mode_name (ent_net_mode_t mode); /* "none", ... */

  /* ---- environment --------------------------------------------------------- */

  typedef enum ent_env_op
  {
    ENT_ENV_SET,   /* name=value */
    ENT_ENV_UNSET, /* name */
    ENT_ENV_KEEP,  /* with clearenv: keep name from the caller */
  } ent_env_op_t;

  typedef struct ent_env
  {
    ent_env_op_t op;
    char *name;
    char *value; /* ENT_ENV_SET only */
  } ent_env_t;

  /* ---- the profile --------------------------------------------------------- */

  typedef struct ent_profile
  {
    ent_namespaces_t ns;
    int64_t uid; /* inside; -1: same as the caller */
    int64_t gid; /* inside; -1: same as the caller */
    uint64_t caps[ENT_CAPSET_COUNT];
    bool no_new_privs;
    bool new_session;
    bool clipboard; /* host.clipboard: the terminal relay passes OSC 52 */
    ent_seccomp_t seccomp;
    ent_fs_t fs;
    ent_rlimit_t rlimits[ENT_RLIMIT_COUNT];
    ent_network_t net;
    ent_env_t *env; /* in the order given; later entries win */
    size_t n_env;
    bool clearenv;
    char *hostname; /* NULL: keep (a new UTS namespace starts with the caller's) */
    char *cwd;      /* working directory inside, also the base of relative paths */
    char *home;     /* what '~' expands to */
    ent_resources_t resources;
    /* The host API sockets the launcher found (paths, variables); denied
     * ones are hidden and unset by ent_profile_apply_api(). */
    ent_api_endpoint_t api[ENT_API_COUNT];
    /* The default boundary of a developer's machine (the launcher sets it):
     * the host read-only but the working directory, a private /tmp and
     * runtime directory, credential stores hidden (ent_profile_apply_defaults). */
    bool host_boundary;
    char *runtime_dir; /* $XDG_RUNTIME_DIR, covered by a private tmpfs; NULL: none */
    /* The credential stores to hide, absolute, sorted: the launcher lists
     * those of ent_credential_paths() that exist.  NULL: all of them. */
    char **credentials;
    /* Secret-looking variables of the caller's that the payload does not get
     * (ent_profile_scrub_env); NULL-terminated, sorted, names only. */
    char **env_removed;
    /* security.landlock-required: the launcher refuses to run where the
     * kernel cannot enforce its Landlock rules (last: appended for
     * binary compatibility). */
    bool landlock_required;
    /* The capability sets in @caps say nothing: leave the capabilities to
     * whoever runs the profile (an OCI export writes no
     * "process.capabilities").  True in ent_profile_new(); the capability
     * helpers below set it false, and so must a callback that writes @caps
     * itself.  entrun refuses a profile that leaves them unset. */
    bool caps_unset;
    /* The OCI config the profile was loaded from (ent_oci_load), as
     * compact JSON: what ent_oci_write() keeps of it.  NULL: none. */
    char *oci_base;
  } ent_profile_t;

  /* ---- launcher extensions --------------------------------------------------
   *
   * Most of a profile is what every container runtime applies: namespaces,
   * capabilities, a seccomp filter, mounts, rlimits, resources, environment.
   * Some fields describe what entrun's launcher does beyond that, with no
   * equivalent in an OCI runtime: user-mode NAT and the proxy relay
   * (@net.mode, @net.publish, @net.host_loopback, @net.proxy_url), host API
   * sockets passed through (@api), the terminal relay's clipboard, the
   * timeout that kills the sandbox, the Landlock rules, the default
   * boundary of a developer's machine, the scrubbed environment, and
   * memory watched without a cgroup.  A platform that
   * hands a profile to another runtime asks which of them the profile uses
   * and refuses or reports each one, rather than dropping it unnoticed. */
  typedef enum ent_feature
  {
    ENT_FEATURE_NET_USER = 1 << 0,  /* network.user: user-mode NAT, published ports */
    ENT_FEATURE_NET_PROXY = 1 << 1, /* network.proxy: relay to an HTTP CONNECT proxy */
    ENT_FEATURE_API = 1 << 2,       /* api.access=NAME:allow: a host socket passed in */
    ENT_FEATURE_CLIPBOARD = 1 << 3, /* host.clipboard: OSC 52 through the terminal relay */
    ENT_FEATURE_TIMEOUT = 1 << 4,   /* resources.timeout: the sandbox killed after N s */
    ENT_FEATURE_LANDLOCK = 1 << 5,  /* security.landlock-required */
    /* @host_boundary: the launcher's default boundary beyond the mounts
     * the profile lists: the host's listening sockets covered, git hooks
     * and entrun's own files read-only, Landlock as a second wall. */
    ENT_FEATURE_HOST_BOUNDARY = 1 << 6,
    ENT_FEATURE_ENV_SCRUB = 1 << 7,    /* @env_removed: the caller's secrets unset */
    ENT_FEATURE_MEMORY_WATCH = 1 << 8, /* resources.memory with the rlimit backend */
  } ent_feature_t;

  /* The ENT_FEATURE_* bits of the launcher extensions @p uses. */
  ENT_EXPORT unsigned ent_profile_launcher_features (const ent_profile_t *p);
  /* "network.user", ...: the grant that asks for one ENT_FEATURE_* bit
   * ("default boundary", "secret variables removed", "resources.memory
   * without a cgroup" for the last three); NULL for anything else. */
  ENT_EXPORT const char *ent_feature_name (unsigned feature);

  /* A new profile with nothing granted and nothing restricted: every
   * namespace shared, the capabilities unset (@caps_unset), no seccomp
   * filter.  The default catalogue's levels fill it in. */
  ENT_EXPORT ent_profile_t *ent_profile_new (void);
  ENT_EXPORT void ent_profile_free (ent_profile_t *p);
  /* Deep copy; NULL on allocation failure. */
  ENT_EXPORT ent_profile_t *ent_profile_copy (const ent_profile_t *p);
  /* Deep equality (used by tests and by the manager's order checks). */
  ENT_EXPORT bool ent_profile_equal (const ent_profile_t *a, const ent_profile_t *b);

  /* Capabilities. @cap is a number (see ent_cap_from_name).  Each of these
   * sets @caps_unset false: the sets then say exactly what the payload
   * holds.  On a profile whose capabilities are unset they start from
   * none: granting one never grants the others with it, and revoking one
   * leaves none. */
  ENT_EXPORT void ent_profile_caps_clear (ent_profile_t *p);
  /* Grant @cap: bounding, permitted, effective, inheritable and ambient, so a
   * non-root uid keeps it across execve. */
  ENT_EXPORT void ent_profile_grant_cap (ent_profile_t *p, int cap);
  ENT_EXPORT void ent_profile_revoke_cap (ent_profile_t *p, int cap);
  /* Grant each named capability ("CAP_SYS_ADMIN", ...); the list ends with
   * NULL.  An unknown name is an error and nothing is granted. */
  ENT_EXPORT int ent_profile_add_caps (ent_profile_t *p, ent_error_t **err, ...)
      __attribute__ ((sentinel)) ENT_WUR;

  /* Seccomp.  Rules are kept sorted and unique. */
  ENT_EXPORT int ent_profile_add_rule (ent_profile_t *p, const ent_seccomp_rule_t *rule,
                                       ent_error_t **err) ENT_WUR;
  /* Allow @syscall unconditionally (drops its conditional ALLOW rules). */
  ENT_EXPORT int ent_profile_allow_syscall (ent_profile_t *p, const char *syscall,
                                            ent_error_t **err) ENT_WUR;
  /* Remove every ALLOW rule for @syscall (it falls back to the default errno). */
  ENT_EXPORT void ent_profile_disallow_syscall (ent_profile_t *p, const char *syscall);
  /* Remove every rule (ALLOW and ERRNO) for @syscall. */
  ENT_EXPORT void ent_profile_forget_syscall (ent_profile_t *p, const char *syscall);
  /* Make @syscall fail with @errnum whatever else allows it. */
  ENT_EXPORT int ent_profile_deny_syscall (ent_profile_t *p, const char *syscall, int errnum,
                                           ent_error_t **err) ENT_WUR;
  /* Is @syscall allowed unconditionally, with conditions, or not at all?
   * Returns 2 (unconditional), 1 (conditional ALLOW rules only), 0 (no ALLOW
   * rule); an unconditional ERRNO rule makes it 0. */
  ENT_EXPORT int ent_profile_syscall_allowed (const ent_profile_t *p, const char *syscall);
  /* What the filter of @p does with @syscall(@args): 0 if the call runs,
   * else the errno it fails with.  ERRNO rules win over ALLOW rules (the
   * launcher's filter evaluates them first); a call no rule allows fails
   * with default_errno.  @args holds ENT_SECCOMP_MAX_ARGS values. */
  ENT_EXPORT int ent_profile_syscall_verdict (const ent_profile_t *p, const char *syscall,
                                              const uint64_t *args);
  /* Is @name a syscall libseccomp knows on some architecture, or one of
   * the newer syscalls whose numbers entrun knows itself? */
  ENT_EXPORT bool ent_syscall_known (const char *name);

  /* Mount plan.  @path must be absolute and normalised (ent_path_resolve).
   * One mount per destination: the same mount again is a no-op, another
   * one at the same destination an error (EEXIST). */
  ENT_EXPORT int ent_profile_add_mount (ent_profile_t *p, ent_mount_kind_t kind, const char *path,
                                        ent_error_t **err) ENT_WUR;
  /* The same with every field of @m (copied; @m->implicit is ignored):
   * @source absolute and normalised for binds and overlay, none for hide
   * and tmpfs; @type only for ENT_MOUNT_OTHER, where it is required; each
   * option printable UTF-8 without ',' (the runtime joins them with
   * commas). */
  ENT_EXPORT int ent_profile_add_mount_full (ent_profile_t *p, const ent_mount_t *m,
                                             ent_error_t **err) ENT_WUR;
  /* Add/remove a path in a sorted NULL-terminated list (masked, readonly). */
  ENT_EXPORT int ent_strlist_add (char ***list, const char *s) ENT_WUR;
  ENT_EXPORT void ent_strlist_remove (char **list, const char *s);
  ENT_EXPORT bool ent_strlist_contains (char *const *list, const char *s);
  ENT_EXPORT size_t ent_strlist_len (char *const *list);

  /* Environment changes, applied in order by the launcher. */
  ENT_EXPORT int ent_profile_add_env (ent_profile_t *p, ent_env_op_t op, const char *name,
                                      const char *value, ent_error_t **err) ENT_WUR;

  /* Port publishing; duplicates of the same host port and protocol are an
   * error. */
  ENT_EXPORT int ent_profile_add_publish (ent_profile_t *p, const ent_publish_t *pub,
                                          ent_error_t **err) ENT_WUR;

  /* Set a string field (hostname, cwd, home, net.proxy_url). */
  ENT_EXPORT int ent_profile_set_string (char **field, const char *value) ENT_WUR;

  /* Turn the api table into mounts and environment changes: every API not
   * allowed has its paths hidden (host.fs.hide) and its variables unset.
   * The manager calls this after all grants.  A denied path that another
   * grant mounts explicitly is an error. */
  ENT_EXPORT int ent_profile_apply_api (ent_profile_t *p, ent_error_t **err) ENT_WUR;

  /* The default boundary, applied by the manager after all grants: the
   * host API table (ent_profile_apply_api) always, and when
   * @p->host_boundary is set, what no grant names, marked implicit (a
   * grant of the very same path replaces a default mount):
   *   - the working directory writable, unless security.fs-read-only, or it
   *     is '/', the home directory or above (then fs.cwd_too_broad);
   *   - a private tmpfs on /tmp and on @p->runtime_dir;
   *   - every credential store of ent_credential_paths() hidden.
   * A grant inside a hidden credential store is an error (grant the store
   * itself). */
  ENT_EXPORT int ent_profile_apply_defaults (ent_profile_t *p, ent_error_t **err) ENT_WUR;

  /* The credential and secret stores hidden by default, NULL-terminated;
   * "~/" stands for the home directory. */
  ENT_EXPORT const char *const *ent_credential_paths (void);

  /* Does the variable @name ("NAME" or "NAME=VALUE") look like a secret (a
   * token, a key, a password, a credential or a socket that runs
   * commands)?  The rule is documented in entrun(1): names containing
   * TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, CREDENTIAL, APIKEY,
   * API_KEY, COOKIE, WEBHOOK, JWT, CONNECTION_STRING or PRIVATE_KEY; names
   * ending in _KEY, _KEYS, _AUTH, _PAT, _PASS, _PWD or _DSN; names starting
   * with OP_SESSION_ (any case); a fixed list (AWS_ACCESS_KEY_ID,
   * KRB5CCNAME, TMUX, STY, BW_SESSION, ...); and any value holding a URL
   * with a password (scheme://user:password@host). */
  ENT_EXPORT bool ent_env_is_secret (const char *name);

  /* Record in @p->env_removed each of the caller's variables @names (NULL-
   * terminated; "NAME" or "NAME=VALUE") that looks like a secret and that no
   * environment change of @p keeps or sets. */
  ENT_EXPORT int ent_profile_scrub_env (ent_profile_t *p, const char *const *names,
                                        ent_error_t **err) ENT_WUR;

  /* Resolve @path against @cwd and @home ("~" and "~/x"), then normalise it
   * lexically (".", "..", "//").  The result is absolute; @path must not be
   * empty.  "~user" is not supported and is an error. */
  ENT_EXPORT int ent_path_resolve (const char *path, const char *cwd, const char *home, char **out,
                                   ent_error_t **err) ENT_WUR;

#ifdef __cplusplus
}
#endif
#endif
