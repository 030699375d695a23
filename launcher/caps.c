/* entrun — capabilities (see caps.h).
 *
 * In its own user namespace the sandbox starts with every capability; this
 * is where it gives them up.  The bounding set is emptied too, so that even
 * a uid 0 inside (entrun run by root, or a setuid helper) cannot regain a
 * capability at execve. */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include "caps.h"

static const struct
{
  ent_capset_t set;
  capng_type_t type;
} set_types[] = {
  { ENT_CAPSET_EFFECTIVE, CAPNG_EFFECTIVE },     { ENT_CAPSET_PERMITTED, CAPNG_PERMITTED },
  { ENT_CAPSET_INHERITABLE, CAPNG_INHERITABLE }, { ENT_CAPSET_BOUNDING, CAPNG_BOUNDING_SET },
  { ENT_CAPSET_AMBIENT, CAPNG_AMBIENT },
};

/* Read back what the kernel now has and compare: fail closed if libcap-ng
 * silently skipped anything. */
static int
verify (const ent_profile_t *p)
{
  for (int cap = 0; cap <= CAP_LAST_CAP && cap <= ENT_CAP_LAST; cap++)
    {
      bool want_bnd = p->caps[ENT_CAPSET_BOUNDING] & ENT_CAP_BIT (cap);
      bool want_amb = p->caps[ENT_CAPSET_AMBIENT] & ENT_CAP_BIT (cap);
      int bnd = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);
      int amb = prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);
      if (bnd < 0 && errno == EINVAL)
        break; /* past the running kernel's last capability */
      if (bnd < 0 || amb < 0)
        return -errno;
      if (bnd != want_bnd || amb != want_amb)
        return -EPERM;
    }
  return 0;
}

int
entrun_apply_caps (const ent_profile_t *p, const char **step)
{
  int ret;

  *step = "capabilities";
  capng_clear (CAPNG_SELECT_ALL);
  for (size_t i = 0; i < sizeof (set_types) / sizeof (set_types[0]); i++)
    for (int cap = 0; cap <= ENT_CAP_LAST && cap <= CAP_LAST_CAP; cap++)
      if (p->caps[set_types[i].set] & ENT_CAP_BIT (cap))
        if (capng_update (CAPNG_ADD, set_types[i].type, cap) < 0)
          return -EINVAL;
  ret = capng_apply (CAPNG_SELECT_ALL);
  if (ret < 0)
    {
      *step = ret == -4 || ret == -5 ? "capabilities (bounding set)" : "capabilities (capset)";
      return -EPERM;
    }
  *step = "capabilities (verify)";
  return verify (p);
}
