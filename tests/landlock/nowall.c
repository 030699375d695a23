/* tests/landlock/nowall.c -- an LD_PRELOAD shim that takes down entrun's
 * first wall (tests only, never installed).  See tests/blackbox/landlock.sh.
 *
 * Inside the sandbox the host's files are kept from the command by
 * read-only mounts (the first wall) and by the payload's Landlock domain
 * (the second).  To show that the second holds on its own, this shim makes
 * every read-only remount entrun asks for a no-op, in entrun's own process
 * tree (entrun, the sandbox's pid 1, the network helper, the payload up to
 * its execve), so that the host's / stays writable inside the sandbox:
 *
 *   mount(2)           a call with MS_REMOUNT and MS_RDONLY returns 0 and
 *                      does nothing (the bind remounts of remount_ro());
 *   mount_setattr(2)   through syscall(SYS_mount_setattr, ...), the way
 *                      entrun makes it: MOUNT_ATTR_RDONLY is dropped from
 *                      attr_set; when nothing is left to set or clear the
 *                      call returns 0 without being made.
 *
 * Environment, read once at load and then removed, so that neither entrun
 * nor its payload ever sees it (execve drops the shim with LD_PRELOAD):
 *
 *   NOWALL_LANDLOCK=absent   landlock_create_ruleset(2) (and the other two
 *                            Landlock calls) fail with ENOSYS, as on a
 *                            kernel built without Landlock
 *
 * The test sees that the shim was in effect from inside: the sandbox's /
 * is mounted read-write in /proc/self/mountinfo. */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Newer than some libc headers: from the kernel ABI. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001ULL
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_landlock_add_rule
#define SYS_landlock_add_rule 445
#endif
#ifndef SYS_landlock_restrict_self
#define SYS_landlock_restrict_self 446
#endif

/* The kernel's struct mount_attr (MOUNT_ATTR_SIZE_VER0). */
struct nowall_mount_attr
{
  unsigned long long attr_set;
  unsigned long long attr_clr;
  unsigned long long propagation;
  unsigned long long userns_fd;
};

static struct
{
  int (*mount) (const char *, const char *, const char *, unsigned long, const void *);
  long (*syscall) (long, long, long, long, long, long, long);
} real;

static bool landlock_absent;

#define RESOLVE(f) (*(void **)&real.f = dlsym (RTLD_NEXT, #f))

static void
resolve (void)
{
  static bool resolved;

  if (resolved)
    return;
  RESOLVE (mount), RESOLVE (syscall);
  resolved = true;
}

static void __attribute__ ((constructor)) init (void)
{
  const char *ll = getenv ("NOWALL_LANDLOCK");

  resolve ();
  if (ll && *ll)
    {
      if (strcmp (ll, "absent") != 0)
        {
          dprintf (STDERR_FILENO, "nowall shim: bad NOWALL_LANDLOCK '%s' (want absent)\n", ll);
          _exit (99);
        }
      landlock_absent = true;
    }
  unsetenv ("LD_PRELOAD");
  unsetenv ("NOWALL_LANDLOCK");
}

int
mount (const char *src, const char *dst, const char *type, unsigned long flags, const void *data)
{
  resolve ();
  if ((flags & MS_REMOUNT) && (flags & MS_RDONLY))
    {
      return 0;
    }
  return real.mount (src, dst, type, flags, data);
}

/* 1: the call is not to be made and returns 0; 0: make it with *@copy
 * (MOUNT_ATTR_RDONLY dropped) in place of @attr; -1: make it as it is. */
static int
setattr_filter (const void *attr, size_t size, struct nowall_mount_attr *copy)
{
  if (attr == NULL || size < sizeof (*copy))
    return -1;
  memcpy (copy, attr, sizeof (*copy));
  if (!(copy->attr_set & MOUNT_ATTR_RDONLY))
    return -1;
  copy->attr_set &= ~MOUNT_ATTR_RDONLY;
  /* A propagation change is a change too. */
  if (copy->attr_set == 0 && copy->attr_clr == 0 && copy->propagation == 0)
    return 1;
  return 0;
}

/* A larger struct (a later version) is passed on with our copy at its
 * start and the rest as it was. */
static long
setattr_call (long dfd, long path, long flags, long attr, long size)
{
  struct nowall_mount_attr copy;
  int r = setattr_filter ((const void *)attr, (size_t)size, &copy);
  unsigned char buf[256];

  if (r == 1)
    return 0;
  if (r < 0)
    return real.syscall (SYS_mount_setattr, dfd, path, flags, attr, size, 0);
  if ((size_t)size <= sizeof (buf))
    {
      memcpy (buf, (const void *)attr, (size_t)size);
      memcpy (buf, &copy, sizeof (copy));
      return real.syscall (SYS_mount_setattr, dfd, path, flags, (long)buf, size, 0);
    }
  return real.syscall (SYS_mount_setattr, dfd, path, flags, (long)&copy, (long)sizeof (copy), 0);
}

long
syscall (long nr, ...)
{
  long a[6];
  va_list ap;

  resolve ();
  va_start (ap, nr);
  for (int i = 0; i < 6; i++)
    a[i] = va_arg (ap, long);
  va_end (ap);
  if (nr == SYS_mount_setattr)
    return setattr_call (a[0], a[1], a[2], a[3], a[4]);
  if (landlock_absent
      && (nr == SYS_landlock_create_ruleset || nr == SYS_landlock_add_rule
          || nr == SYS_landlock_restrict_self))
    {
      errno = ENOSYS;
      return -1;
    }
  return real.syscall (nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
