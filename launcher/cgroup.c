/* entrun — cgroup v2 limits (see cgroup.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "util.h"

/* Does the space-separated list in @path contain @word? */
static bool
file_has_word (const char *path, const char *word)
{
  char buf[512];
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  size_t len = strlen (word);

  if (fd < 0 || (n = read (fd, buf, sizeof (buf) - 1)) <= 0)
    return false;
  buf[n] = '\0';
  for (char *p = buf; (p = strstr (p, word)) != NULL; p += len)
    if ((p == buf || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
      return true;
  return false;
}

int
entrun_cgroup_find (const char *root, const char *self_cgroup, char **dir_out)
{
  const char *line = self_cgroup;
  cleanup_free char *dir = NULL, *ctl = NULL;

  /* The unified hierarchy's line is "0::/path". */
  while (line && *line && strncmp (line, "0::", 3) != 0)
    {
      line = strchr (line, '\n');
      line = line ? line + 1 : NULL;
    }
  if (line == NULL || *line == '\0')
    return 0;
  line += 3;
  if (asprintf (&dir, "%s%.*s", root, (int)strcspn (line, "\n"), line) < 0
      || asprintf (&ctl, "%s/cgroup.subtree_control", dir) < 0)
    return -ENOMEM;
  if (strstr (dir, "/..") || !file_has_word (ctl, "pids") || !file_has_word (ctl, "memory"))
    return 0;
  if (access (dir, W_OK | X_OK) < 0)
    return 0;
  *dir_out = steal_pointer (&dir);
  return 1;
}

/* Write @buf to @dir/@file.  O_CREAT is harmless on cgroupfs, whose
 * control files exist as soon as the directory does, and lets the unit
 * tests run against a plain directory tree. */
static int
write_cg (const char *dir, const char *file, const char *buf, bool optional, ent_error_t **err)
{
  cleanup_close int fd = -1;
  char path[4096];
  int ret;

  snprintf (path, sizeof (path), "%s/%s", dir, file);
  if (optional && access (path, F_OK) < 0)
    return 0;
  fd = open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ret = fd < 0 ? -errno : write_all (fd, buf, strlen (buf));
  if (ret == 0 && close (steal_fd (&fd)) < 0)
    ret = -errno;
  if (ret < 0)
    return ent_error_set (err, -ret, "cgroup: writing %s: %s", path, strerror (-ret));
  return 0;
}

static int
write_limit (const char *dir, const char *file, int64_t value, bool optional, ent_error_t **err)
{
  char buf[32];

  snprintf (buf, sizeof (buf), "%" PRId64 "\n", value);
  return write_cg (dir, file, buf, optional, err);
}

int
entrun_cgroup_enter (const char *dir, pid_t pid, const ent_resources_t *r, char **created,
                     ent_error_t **err)
{
  cleanup_free char *child = NULL;
  char buf[32];
  int ret;

  if (asprintf (&child, "%s/entrun-%d", dir, (int)pid) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (mkdir (child, 0755) < 0)
    return ent_error_set (err, errno, "cgroup: mkdir %s: %s", child, strerror (errno));
  if ((r->pids > 0 && (ret = write_limit (child, "pids.max", r->pids, false, err)) < 0)
      || (r->memory > 0 && (ret = write_limit (child, "memory.max", r->memory, false, err)) < 0)
      || (r->memory > 0 && (ret = write_limit (child, "memory.swap.max", 0, true, err)) < 0))
    {
      rmdir (child);
      return ret;
    }
  snprintf (buf, sizeof (buf), "%d\n", (int)pid);
  if ((ret = write_cg (child, "cgroup.procs", buf, false, err)) < 0)
    {
      rmdir (child);
      return ret;
    }
  *created = steal_pointer (&child);
  return 0;
}

int
entrun_cgroup_add (const char *created, pid_t pid, ent_error_t **err)
{
  char buf[32];

  snprintf (buf, sizeof (buf), "%d\n", (int)pid);
  return write_cg (created, "cgroup.procs", buf, false, err);
}

int64_t
entrun_cgroup_event (const char *created, const char *file, const char *key)
{
  char path[PATH_MAX], buf[1024];
  const char *line;
  ssize_t n;
  int fd;

  if (created == NULL
      || snprintf (path, sizeof (path), "%s/%s", created, file) >= (int)sizeof (path)
      || (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return -1;
  n = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  for (line = buf; line; line = (line = strchr (line, '\n')) ? line + 1 : NULL)
    if (strncmp (line, key, strlen (key)) == 0 && line[strlen (key)] == ' ')
      return strtoll (line + strlen (key) + 1, NULL, 10);
  return -1;
}

void
entrun_cgroup_remove (const char *created)
{
  struct timespec ts = { 0, 2 * 1000 * 1000 };

  /* The cgroup empties as the sandbox's processes finish dying. */
  for (int i = 0; created && i < 250; i++)
    {
      if (rmdir (created) == 0 || errno != EBUSY)
        return;
      nanosleep (&ts, NULL);
    }
}

ent_res_backend_t
entrun_cgroup_backend (char **dir_out)
{
  char buf[4096];
  cleanup_close int fd = open ("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof (buf) - 1) : -1;

  *dir_out = NULL;
  if (n <= 0)
    return ENT_RES_RLIMIT;
  buf[n] = '\0';
  return entrun_cgroup_find ("/sys/fs/cgroup", buf, dir_out) == 1 ? ENT_RES_CGROUP : ENT_RES_RLIMIT;
}
