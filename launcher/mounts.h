/* entrun — the mount plan: build the sandbox's root from the profile and
 * pivot into it.  Runs in the sandbox's pid 1, inside the new user and mount
 * namespaces, before anything of the payload exists.  Dies (exit 125) on any
 * failure: a restriction that cannot be applied means no sandbox. */
#ifndef ENTRUN_MOUNTS_H
#define ENTRUN_MOUNTS_H

#include "entitlement.h"

typedef struct entrun_mount_ctx
{
  const ent_profile_t *profile;
  char *const *protect; /* NULL-terminated: entrun's profile directories and
                           files, git hooks and config: read-only in every
                           sandbox, ancestors pinned (invariant 4) */
  char *const *git;     /* NULL-terminated: git hooks and config, read-only
                           unless a host.fs.rw grant names one exactly */
  char *const *sockets; /* NULL-terminated: unix sockets bound on the host,
                           covered unless a grant names them (invariant 3) */
  int watch_proc, watch_pool; /* out: for pid 1's memory watch (memwatch.h),
                                 -1 without one */
  const char *learn_upper_of; /* entrun learn: the host.fs.overlay path whose
                                 upper layer pid 1 lists at the end... */
  int learn_upper;            /* out: ... opened (O_DIRECTORY), or -1 */
} entrun_mount_ctx_t;

void entrun_setup_mounts (entrun_mount_ctx_t *ctx);

/* Make every mount at or below @path read-only: mount_setattr(AT_RECURSIVE)
 * where the kernel has it, else a remount of each mount listed in
 * /proc/self/mountinfo.  Returns 0 or -errno. */
int entrun_make_readonly (const char *path);

/* The same, always through /proc/self/mountinfo (exposed for tests). */
int entrun_make_readonly_fallback (const char *path);

#endif
