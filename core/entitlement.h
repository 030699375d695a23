/* libentitlement — the whole public API.  Include this one header.
 *
 * libentitlement turns high-level grants ("network.none",
 * "security.fs-read-only") into a plain security profile: namespaces,
 * capabilities, a seccomp policy, a mount plan, rlimits, network mode.
 * It makes no system calls of its own; a launcher applies the profile.
 */
#ifndef ENTITLEMENT_H
#define ENTITLEMENT_H

#include "ent-error.h"
#include "ent-name.h"
#include "ent-profile.h"
#include "ent-entitlement.h"
#include "ent-catalogue.h"
#include "ent-manager.h"
#include "ent-render.h"
#include "ent-oci.h"
#include "ent-version.h"

#endif
