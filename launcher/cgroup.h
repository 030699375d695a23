/* entrun — cgroup v2 limits for resources.pids and resources.memory, where
 * the caller has a delegated cgroup it may write to.  Every function takes
 * the cgroup root so tests can run it against a fake tree. */
#ifndef ENTRUN_CGROUP_H
#define ENTRUN_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "entitlement.h"

/* From the text of /proc/self/cgroup, find our cgroup v2 directory under
 * @root and check that a child of it can take pids and memory limits: the
 * directory's cgroup.subtree_control enables both controllers and we may
 * create a child there.  Returns 1 with *dir_out set when usable, 0 when
 * not (then rlimits are used), -errno on a real error. */
int entrun_cgroup_find (const char *root, const char *self_cgroup, char **dir_out);

/* Create @dir/entrun-@pid, write pids.max and memory.max (and a zero
 * memory.swap.max where the file exists) from @r, and move @pid into it.
 * *created is the new directory, to pass to entrun_cgroup_remove(). */
int entrun_cgroup_enter (const char *dir, pid_t pid, const ent_resources_t *r, char **created,
                         ent_error_t **err) __attribute__ ((warn_unused_result));

/* Move @pid into @created too (the network helper: its memory is the
 * sandbox's). */
int entrun_cgroup_add (const char *created, pid_t pid, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Remove the sandbox's cgroup once it is empty (bounded retries). */
void entrun_cgroup_remove (const char *created);
/* The count of @key in the flat-keyed @file of @created ("pids.events",
 * "max": the forks pids.max refused), or -1. */
int64_t entrun_cgroup_event (const char *created, const char *file, const char *key);

/* Read /proc/self/cgroup and look under /sys/fs/cgroup: the backend that
 * resources.pids and resources.memory get on this host. */
ent_res_backend_t entrun_cgroup_backend (char **dir_out);

#endif
