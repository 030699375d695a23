/* entrun — find the host API sockets (api.access) on this host: the paths
 * and environment variables of ssh-agent, gpg-agent, D-Bus, Docker, Podman,
 * X11, Wayland and PipeWire.  Facts only: which are hidden is core's policy
 * (ent_profile_apply_api). */
#ifndef ENTRUN_API_H
#define ENTRUN_API_H

#include "entitlement.h"

/* Fill @p->api[] from the environment and the filesystem. */
int entrun_api_discover (ent_profile_t *p, ent_error_t **err) __attribute__ ((warn_unused_result));

#endif
