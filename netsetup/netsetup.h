/* entrun — network setup inside the sandbox's network namespace. */
#ifndef ENTRUN_NETSETUP_H
#define ENTRUN_NETSETUP_H

#include "entitlement.h"

/* Bring the loopback interface up with libnl-route-3 (127.0.0.1 and ::1
 * then work).  Call from inside the sandbox's network namespace. */
int netsetup_loopback_up (ent_error_t **err) __attribute__ ((warn_unused_result));

/* Everything the sandbox side of @mode needs before the payload runs. */
int netsetup_inside (const ent_profile_t *p, ent_error_t **err)
    __attribute__ ((warn_unused_result));

#endif
