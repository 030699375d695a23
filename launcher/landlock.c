/* entrun — host.devices.view: the host's devices read-only (see landlock.h).
 *
 * A read-only bind of /dev stops nothing that matters there: writing to a
 * device node, or an ioctl on it, goes to the driver, not to the file
 * system.  So the payload restricts itself with Landlock before its seccomp
 * filter: no file beneath /dev is opened for writing or truncation, and no
 * ioctl reaches a device opened there (Landlock ABI 5), but for the
 * harmless nodes and the sandbox's own private mounts (devpts, /dev/shm).
 * Landlock grants by subtree, so every other top-level directory of the
 * sandbox's root gets the rights back with a rule of its own.  What is
 * open already (the caller's terminal on 0-2) is not affected. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "util.h"

#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* Beneath /dev, what stays writable. */
static const char *const dev_writable[]
    = { "/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/ptmx", "/dev/pts", "/dev/shm" };

/* Give @rights back beneath @path (a directory or a file), which may be
 * missing. */
static int
allow_beneath (int ruleset, int dirfd, const char *path, uint64_t rights)
{
  struct landlock_path_beneath_attr rule = { .allowed_access = rights };
  cleanup_close int fd = openat (dirfd, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return errno == ENOENT ? 0 : -errno;
  /* Symbolic links (/bin -> usr/bin) lead to directories of their own. */
  if (fstat (fd, &st) < 0)
    return -errno;
  if (S_ISLNK (st.st_mode))
    return 0;
  rule.parent_fd = fd;
  if (syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) < 0)
    return -errno;
  return 0;
}

int
entrun_landlock_devices_read_only (const char **step)
{
  struct landlock_ruleset_attr attr = { 0 };
  cleanup_close int ruleset = -1;
  cleanup_dir DIR *root = NULL;
  struct dirent *de;
  long abi;
  int ret;

  *step = "host.devices.view: Landlock, which keeps the host's devices read-only";
  abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 0)
    return -errno;
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE;
  if (abi >= 3)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
  ruleset = (int)syscall (SYS_landlock_create_ruleset, &attr, sizeof (attr), 0);
  if (ruleset < 0)
    return -errno;
  *step = "host.devices.view: Landlock rules for the sandbox's root";
  if ((root = opendir ("/")) == NULL)
    return -errno;
  while ((de = readdir (root)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0
        && strcmp (de->d_name, "dev") != 0
        && (ret = allow_beneath (ruleset, dirfd (root), de->d_name, attr.handled_access_fs)) < 0)
      return ret;
  for (size_t i = 0; i < N_ELEMENTS (dev_writable); i++)
    if ((ret = allow_beneath (ruleset, AT_FDCWD, dev_writable[i], attr.handled_access_fs)) < 0)
      return ret;
  *step = "host.devices.view: Landlock";
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) < 0)
    return -errno;
  return 0;
}
