/* libentitlement — the built-in seccomp policy (internal, not installed).
 *
 * Tables of syscall names and the functions that turn them into profile
 * rules for the default catalogue: security.confined builds the baseline
 * allowlist, the other levels and flags open named groups on top of it.
 * Everything here only edits an ent_profile_t; nothing is loaded into the
 * kernel (that is the launcher's job).
 *
 * Every list is NULL-terminated and sorted in strcmp order.  Names are
 * libseccomp's: a name that does not exist on an architecture (for example
 * "_llseek" on x86_64) is meant to be skipped there by the launcher, which is
 * what lets one list serve x86_64, x86 and x32 alike.
 */
#ifndef ENT_SECCOMP_POLICY_H
#define ENT_SECCOMP_POLICY_H

#include "ent-error.h"
#include "ent-profile.h"

/* Allowed unconditionally under security.confined. */
extern const char *const ent_policy_default_allow[];

/* mount, umount, umount2, the new mount API (fsopen ... mount_setattr) and
 * pivot_root. */
extern const char *const ent_policy_mount_family[];
/* unshare, setns. */
extern const char *const ent_policy_namespace_family[];
/* keyctl, add_key, request_key. */
extern const char *const ent_policy_keyring_family[];
/* ptrace and the calls that need ptrace access to another process. */
extern const char *const ent_policy_ptrace_family[];
/* perf_event_open. */
extern const char *const ent_policy_perf_family[];
/* Read-only introspection for security.view: syslog, kcmp, lookup_dcookie. */
extern const char *const ent_policy_introspection_family[];
/* What security.admin allows beyond the mount, namespace, keyring and ptrace
 * families. */
extern const char *const ent_policy_admin_extra[];

/* Allow every syscall of the NULL-terminated @group unconditionally. */
int ent_policy_allow_group (ent_profile_t *p, const char *const *group, ent_error_t **err) ENT_WUR;

/* security.confined: enable the filter with EPERM as the default and
 * ENOSYS for syscalls newer than the policy, allow ent_policy_default_allow,
 * and add the argument-filtered rules for clone, clone3 (ENOSYS), ioctl (no
 * TIOCSTI/TIOCLINUX), personality and the socket families. */
int ent_policy_apply_confined (ent_profile_t *p, ent_error_t **err) ENT_WUR;

/* Replace the rules of socket and socketpair with the family allowlist:
 * AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK (NETLINK_ROUTE,
 * NETLINK_SOCK_DIAG), plus with @admin (network.admin) AF_PACKET and
 * NETLINK_GENERIC, NETLINK_NETFILTER, NETLINK_XFRM.  Other families fail
 * with EAFNOSUPPORT, other netlink protocols with EPROTONOSUPPORT, and
 * i386's socketcall with EAFNOSUPPORT. */
int ent_policy_socket_families (ent_profile_t *p, bool admin, ent_error_t **err) ENT_WUR;

/* security.admin: allow the mount, namespace, keyring and ptrace families
 * and ent_policy_admin_extra; clone and clone3 become unconditional. */
int ent_policy_apply_admin (ent_profile_t *p, ent_error_t **err) ENT_WUR;

/* debug.ptrace: also allow personality(ADDR_NO_RANDOMIZE), alone and with
 * PER_LINUX32, so that gdb and setarch -R can turn ASLR off. */
int ent_policy_allow_personality_no_aslr (ent_profile_t *p, ent_error_t **err) ENT_WUR;

/* ---- hints --------------------------------------------------------------
 *
 * What the policy denies that a grant would allow, so that entrun can say
 * so when the command tries it (entrun(1), DENIAL HINTS): the launcher's
 * filter hands these calls to pid 1 instead of failing them itself.  Kept
 * here, next to the groups they name, so that both change together
 * (tests/unit/test-filter.c checks every grant of the catalogue against
 * this table). */
typedef enum ent_policy_hint_kind
{
  /* The filter denies the call: pid 1 answers with the errno the filter
   * would have given. */
  ENT_HINT_DENIED,
  /* The filter allows the call and the kernel decides (a limit, a missing
   * capability): pid 1 lets it through and judges whether it fails. */
  ENT_HINT_WATCHED,
} ent_policy_hint_kind_t;

typedef struct ent_policy_hint
{
  const char *syscall;
  ent_policy_hint_kind_t kind;
  unsigned int n_args; /* 0 or 1 */
  ent_arg_cond_t arg;
  const char *what;  /* what the command tried, in words */
  const char *grant; /* the grant that allows it */
  /* ENT_HINT_WATCHED: does @p hold the grant already? */
  bool (*granted) (const ent_profile_t *p);
} ent_policy_hint_t;

extern const ent_policy_hint_t ent_policy_hints[];
extern const size_t ent_policy_n_hints;
/* The calls a grant allows that get no hint (the kernel may still refuse
 * them): NULL-terminated. */
extern const char *const ent_policy_unhinted[];

/* The hints that apply to @p, bit i for ent_policy_hints[i]: a denied
 * call that @p denies for every value its condition matches (no ALLOW
 * rule of @p could overlap it), or a watched call that @p allows
 * unconditionally and whose grant @p lacks.  Conservative: no bit when it
 * cannot tell. */
uint64_t ent_policy_hints_apply (const ent_profile_t *p);

#endif
