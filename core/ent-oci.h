/* libentitlement — OCI runtime configs and Docker seccomp profiles.
 *
 * A container platform drives the library with its own config: it loads its
 * config.json as the manager's base profile (ent_oci_load), adds
 * entitlements, default and custom, and writes the resolved profile back as
 * a config.json (ent_oci_write).  The fields the profile models come from
 * the profile; every other field (annotations, hooks, process.user,
 * linux.resources other than pids and memory, ...) comes back from the
 * loaded config unchanged, so a config loaded and written back untouched is
 * the same JSON value.
 *
 * The seccomp policy of a profile has two-filter semantics (ERRNO rules
 * first, see ent-profile.h); everything written here is the one-filter form
 * of ent_seccomp_flatten(), which gives every call the same verdict.
 *
 * Pure: no system call but reading the file ent_oci_load_file() names.
 * Errors name the JSON path and why ("linux.seccomp.syscalls[3].action:
 * unknown action \"SCMP_ACT_FOO\"").
 */
#ifndef ENT_OCI_H
#define ENT_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ent-entitlement.h"
#include "ent-error.h"
#include "ent-profile.h"

#ifdef __cplusplus
extern "C"
{
#endif

  /* ---- config.json ----------------------------------------------------------- */

  /* A new profile from the OCI config @json (@len bytes, UTF-8; need not be
   * NUL-terminated): namespaces, the five capability sets, noNewPrivileges,
   * rlimits, hostname, cwd, env, mounts, maskedPaths, readonlyPaths, the
   * seccomp filter (read as one filter: ent_seccomp_from_docker()) and
   * linux.resources.pids/memory.  The document itself is kept in the
   * profile (@oci_base) for ent_oci_write().  Malformed, truncated,
   * wrongly typed, deeply nested or huge input is an error (EINVAL,
   * E2BIG), never a crash. */
  ENT_EXPORT int ent_oci_load (const char *json, size_t len, ent_profile_t **out,
                               ent_error_t **err) ENT_WUR;
  /* The same from the file @path (at most 16 MiB). */
  ENT_EXPORT int ent_oci_load_file (const char *path, ent_profile_t **out,
                                    ent_error_t **err) ENT_WUR;

  typedef struct ent_oci_options
  {
    /* process.args; NULL: the loaded config's (an error if it has none). */
    const char *const *args;
    /* root.path; NULL: the loaded config's, else "rootfs". */
    const char *root;
    /* Rootless: map the ids the payload runs as inside onto these host
     * ids (the caller's), one id each; -1: keep the loaded config's
     * mappings (or write none). */
    int64_t host_uid, host_gid;
    /* ENT_FEATURE_* bits (ent-profile.h) the caller takes care of itself;
     * a profile that uses any other launcher feature is refused (ENOTSUP,
     * the feature named): an OCI runtime would silently run without it. */
    unsigned allow_features;
  } ent_oci_options_t;

  /* Write @p as an OCI config into *@out (NUL-terminated, free with
   * free()): the loaded config (@p->oci_base) if any, with every field the
   * profile models replaced by the profile's.  @opt may be NULL (all
   * defaults: no args override, no mappings, no launcher feature
   * allowed). */
  ENT_EXPORT int ent_oci_write (const ent_profile_t *p, const ent_oci_options_t *opt, char **out,
                                ent_error_t **err) ENT_WUR;

  /* ---- Docker seccomp profiles ------------------------------------------------ */

  /* @s as a Docker-format seccomp profile (what `docker run --security-opt
   * seccomp=FILE`, Podman and a Kubernetes `seccompProfile: Localhost`
   * take): defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, the
   * architectures of this machine's ABIs, and the rules of
   * ent_seccomp_flatten(@s).  NUL-terminated into *@out; free with free(). */
  ENT_EXPORT int ent_seccomp_to_docker (const ent_seccomp_t *s, char **out,
                                        ent_error_t **err) ENT_WUR;
  /* A Docker-format profile (or an OCI config's linux.seccomp object) into
   * @out, with the two-filter semantics of a profile and the verdicts the
   * one filter libseccomp builds from it gives.  A rule whose "includes" or
   * "excludes" name capabilities applies as Docker decides it for a
   * container holding @caps (ENT_CAP_BIT mask); architectures, as for
   * this machine.  An action the profile cannot hold (KILL, TRAP, TRACE,
   * LOG, NOTIFY) is an error naming the rule.  Free @out with
   * ent_seccomp_clear(). */
  ENT_EXPORT int ent_seccomp_from_docker (const char *json, size_t len, uint64_t caps,
                                          ent_seccomp_t *out, ent_error_t **err) ENT_WUR;

  /* A void entitlement @name whose callback replaces the profile's seccomp
   * policy by the Docker-format profile @json (copied; checked now, so a
   * bad profile fails here, not at add), with the capabilities the profile
   * holds when it runs.  For a platform's own catalogue or an
   * ent_manager_add(); NULL and *@err on error. */
  ENT_EXPORT ent_entitlement_t *ent_seccomp_entitlement_new (const char *name, const char *json,
                                                             size_t len, ent_error_t **err);

#ifdef __cplusplus
}
#endif
#endif
