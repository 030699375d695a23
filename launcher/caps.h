/* entrun — capabilities of the payload, with libcap-ng. */
#ifndef ENTRUN_CAPS_H
#define ENTRUN_CAPS_H

#include "entitlement.h"

/* Set all five capability sets (bounding, permitted, effective,
 * inheritable, ambient) to exactly the profile's.  0 or -errno, with the
 * failing step in *step. */
int entrun_apply_caps (const ent_profile_t *p, const char **step);

#endif
