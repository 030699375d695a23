/* entrun — capabilities (see caps.h).
 *
 * In its own user namespace the sandbox starts with every capability; this
 * is where it gives them up.  The bounding set is emptied too, so that even
 * a uid 0 inside (entrun run by root, or a setuid helper) cannot regain a
 * capability at execve.
 *
 * Each step reports the kernel's own errno: libcap-ng's capng_apply()
 * returns a code of its own, and with CAPNG_SELECT_BOUNDS it goes on past a
 * bounding-set drop that failed.  So the bounding set is emptied here with
 * prctl(), libcap-ng sets the other sets one call at a time, and the result
 * is read back from the kernel before the payload may run. */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* Is @cap past the running kernel's last capability?  PR_CAPBSET_READ
 * fails with EINVAL only there. */
static bool
beyond_kernel (int cap)
{
  return prctl (PR_CAPBSET_READ, cap, 0, 0, 0) < 0 && errno == EINVAL;
}

static int
drop_bounding (const ent_profile_t *p)
{
  for (int cap = 0; cap <= CAP_LAST_CAP && cap <= ENT_CAP_LAST; cap++)
    if (!(p->caps[ENT_CAPSET_BOUNDING] & ENT_CAP_BIT (cap))
        && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      {
        int saved = errno;
        if (saved == EINVAL && beyond_kernel (cap))
          break;
        return -saved;
      }
  return 0;
}

/* libcap-ng's result as -errno: the failing system call's, which it leaves
 * in errno. */
static int
capng_result (int ret)
{
  if (ret == 0)
    return 0;
  return errno > 0 ? -errno : -EPERM;
}

/* The bounding and ambient sets as /proc/self/status shows them: one
 * read instead of two prctl(2) per capability (~80 system calls, ~0.1 ms
 * of the payload's start, tests/bench/).  1 when read, 0 when it cannot
 * tell (no /proc, a kernel that knows fewer capabilities than this build,
 * whose status then lacks some, or a line missing): the caller then asks
 * prctl(2) one by one.  -errno when the kernel could not be asked. */
static int
status_sets (uint64_t *bnd, uint64_t *amb)
{
  char buf[4096], *line;
  bool have_bnd = false, have_amb = false;
  ssize_t n;
  int fd;

  if (prctl (PR_CAPBSET_READ, CAP_LAST_CAP < ENT_CAP_LAST ? CAP_LAST_CAP : ENT_CAP_LAST, 0, 0, 0)
      < 0)
    return errno == EINVAL ? 0 : -errno;
  if ((fd = open ("/proc/self/status", O_RDONLY | O_CLOEXEC)) < 0)
    return 0;
  n = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  for (line = buf; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    {
      char *end;
      if (strncmp (line, "CapBnd:\t", 8) == 0)
        have_bnd = (*bnd = strtoull (line + 8, &end, 16), *end == '\n');
      else if (strncmp (line, "CapAmb:\t", 8) == 0)
        have_amb = (*amb = strtoull (line + 8, &end, 16), *end == '\n');
    }
  return have_bnd && have_amb;
}

/* Read back what the kernel now has and compare: fail closed if anything
 * was silently skipped. */
static int
verify (const ent_profile_t *p, const char **step)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  static const ent_capset_t sets[]
      = { ENT_CAPSET_EFFECTIVE, ENT_CAPSET_PERMITTED, ENT_CAPSET_INHERITABLE };
  uint64_t known = 0, bnd_set, amb_set;
  int ret;

  *step = "capabilities: reading them back (prctl)";
  if ((ret = status_sets (&bnd_set, &amb_set)) < 0)
    return ret;
  if (ret > 0)
    {
      known = ENT_CAP_ALL & ((UINT64_C (2) << CAP_LAST_CAP) - 1);
      if (((bnd_set ^ p->caps[ENT_CAPSET_BOUNDING]) | (amb_set ^ p->caps[ENT_CAPSET_AMBIENT]))
          & known)
        {
          *step = "capabilities: the kernel kept a bounding or ambient one";
          return -EPERM;
        }
    }
  else
    for (int cap = 0; cap <= CAP_LAST_CAP && cap <= ENT_CAP_LAST; cap++)
      {
        bool want_bnd = p->caps[ENT_CAPSET_BOUNDING] & ENT_CAP_BIT (cap);
        bool want_amb = p->caps[ENT_CAPSET_AMBIENT] & ENT_CAP_BIT (cap);
        int bnd = prctl (PR_CAPBSET_READ, cap, 0, 0, 0);
        int amb;
        if (bnd < 0 && errno == EINVAL && beyond_kernel (cap))
          break;
        if (bnd < 0)
          return -errno;
        if ((amb = prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0)) < 0)
          return -errno;
        known |= ENT_CAP_BIT (cap);
        if (bnd != want_bnd || amb != want_amb)
          {
            *step = "capabilities: the kernel kept a bounding or ambient one";
            return -EPERM;
          }
      }
  *step = "capabilities: reading them back (capget)";
  if (syscall (SYS_capget, &hdr, data) < 0)
    return -errno;
  for (size_t i = 0; i < sizeof (sets) / sizeof (sets[0]); i++)
    {
      uint64_t have = 0;
      for (int w = 0; w < 2; w++)
        {
          uint32_t word = sets[i] == ENT_CAPSET_EFFECTIVE   ? data[w].effective
                          : sets[i] == ENT_CAPSET_PERMITTED ? data[w].permitted
                                                            : data[w].inheritable;
          have |= (uint64_t)word << (32 * w);
        }
      if ((have ^ p->caps[sets[i]]) & known)
        {
          *step = "capabilities: the kernel did not set them as asked";
          return -EPERM;
        }
    }
  return 0;
}

int
entrun_apply_caps (const ent_profile_t *p, const char **step)
{
  int ret;

  /* libcap-ng's first use probes the kernel (capget) and, should that
   * fail, only remembers that it failed: ask for the current sets, whose
   * failure keeps the errno. */
  *step = "capabilities: capget";
  errno = 0;
  if ((ret = capng_result (capng_get_caps_process ())) < 0)
    return ret;
  *step = "capabilities";
  capng_clear (CAPNG_SELECT_ALL);
  for (size_t i = 0; i < sizeof (set_types) / sizeof (set_types[0]); i++)
    for (int cap = 0; cap <= ENT_CAP_LAST && cap <= CAP_LAST_CAP; cap++)
      if (p->caps[set_types[i].set] & ENT_CAP_BIT (cap))
        if (capng_update (CAPNG_ADD, set_types[i].type, cap) < 0)
          return -EINVAL;
  *step = "capabilities: prctl(PR_CAPBSET_DROP)";
  if ((ret = drop_bounding (p)) < 0)
    return ret;
  *step = "capabilities: capset";
  errno = 0;
  if ((ret = capng_result (capng_apply (CAPNG_SELECT_CAPS))) < 0)
    return ret;
  *step = "capabilities: prctl(PR_CAP_AMBIENT)";
  errno = 0;
  if ((ret = capng_result (capng_apply (CAPNG_SELECT_AMBIENT))) < 0)
    return ret;
  return verify (p, step);
}
