/* libentitlement — internal helpers shared by the profile and its default
 * boundary (ent-defaults.c).  Not installed. */
#ifndef ENT_DEFAULTS_H
#define ENT_DEFAULTS_H

#include "ent-profile.h"

/* Add a mount the default boundary (or a denied API) needs, marked
 * implicit.  A mount any grant already made at @path wins: nothing is
 * added. */
int ent_profile_add_implicit_mount (ent_profile_t *p, ent_mount_kind_t kind, const char *path,
                                    ent_error_t **err) __attribute__ ((warn_unused_result));

/* Is @path @top or below it (lexically)? */
bool ent_path_is_below (const char *path, const char *top);

/* The mount of @p that covers @path with something of its own: the
 * deepest mount strictly above @path, when it is a tmpfs or a hide (what
 * the host has there is out of sight); NULL otherwise. */
const ent_mount_t *ent_profile_covered_by (const ent_profile_t *p, const char *path);

/* "rw", "ro", "hide", "tmpfs", "overlay": as the renderings name a mount
 * kind (ent-render.c). */
const char *ent_mount_kind_name (ent_mount_kind_t kind);

#endif
