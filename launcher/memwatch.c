/* entrun — resources.memory without a delegated cgroup (see memwatch.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "memwatch.h"
#include "util.h"

#define MEMWATCH_MIN_INTERVAL_MS 50
#define MEMWATCH_MAX_INTERVAL_MS 1000
#define MEMWATCH_MAX_FAILURES 10

bool
entrun_memwatch_wanted (const ent_profile_t *p)
{
  return p->resources.memory > 0 && p->resources.backend != ENT_RES_CGROUP;
}

/* The value in kB of the line "@key:  N kB" of a /proc/PID/status, 0 when
 * absent (a zombie, a kernel thread).  Only the start of a line counts: the
 * one field a process chooses, its name, is on the first line, with any
 * newline in it escaped. */
static int64_t
status_kb (const char *status, const char *key)
{
  size_t len = strlen (key);
  const char *line = status;

  while (line != NULL)
    {
      if (strncmp (line, key, len) == 0 && line[len] == ':')
        {
          int64_t kb = strtoll (line + len + 1, NULL, 10);
          return kb > 0 ? kb : 0;
        }
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return 0;
}

/* Read @path of w->proc into @buf (NUL-terminated); -errno on failure. */
static ssize_t
read_proc (const entrun_memwatch_t *w, const char *path, char *buf, size_t size)
{
  ssize_t n;
  int fd = openat (w->proc, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0)
    return -errno;
  n = read (fd, buf, size - 1);
  if (n < 0)
    n = -errno;
  close (fd);
  if (n >= 0)
    buf[n] = '\0';
  return n;
}

/* A process or thread that is gone, or has no memory of its own (a zombie
 * thread-group leader whose other threads live on). */
#define NO_MM (-ESRCH)

/* What the memory of @dir ("PID" or "PID/task/TID") holds, in bytes;
 * NO_MM, or -errno.  The proportional sizes of smaps_rollup first: pages
 * a fork shares copy-on-write count once in all, as they take memory once
 * (RssAnon would count them in parent and child alike).  A process that
 * made itself non-dumpable does not show them to pid 1 (EACCES): its
 * status's resident sizes count then, which is never less. */
static int64_t
mm_bytes (const entrun_memwatch_t *w, const char *dir)
{
  char path[640], buf[4096];
  ssize_t n;

  snprintf (path, sizeof (path), "%s/smaps_rollup", dir);
  n = read_proc (w, path, buf, sizeof (buf));
  if (n >= 0 && strstr (buf, "\nPss_Anon:") != NULL)
    return (status_kb (buf, "Pss_Anon") + status_kb (buf, "Pss_Shmem") + status_kb (buf, "SwapPss"))
           * 1024;
  if (n < 0 && n != -EACCES && n != -EPERM && n != -ESRCH && n != -ENOENT)
    return n;
  snprintf (path, sizeof (path), "%s/status", dir);
  n = read_proc (w, path, buf, sizeof (buf));
  if (n == -ENOENT || n == -ESRCH)
    return NO_MM;
  if (n < 0)
    return n;
  if (strstr (buf, "\nVmRSS:") == NULL)
    return NO_MM;
  return (status_kb (buf, "RssAnon") + status_kb (buf, "RssShmem") + status_kb (buf, "VmSwap"))
         * 1024;
}

/* What process @name (a directory of w->proc) holds.  A leader that
 * exited while its threads live on shows no memory of its own: one of
 * the threads shows it (they all share it).  A process that is gone holds
 * nothing; any other failure is -errno, not a process that holds nothing. */
static int64_t
process_bytes (const entrun_memwatch_t *w, const char *name)
{
  static char dents[8192];
  char path[600];
  int64_t bytes = mm_bytes (w, name);
  ssize_t n = 0;
  int fd;

  if (bytes != NO_MM)
    return bytes;
  snprintf (path, sizeof (path), "%s/task", name);
  fd = openat (w->proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT || errno == ESRCH ? 0 : -errno;
  bytes = NO_MM;
  while (bytes == NO_MM && (n = getdents64 (fd, dents, sizeof (dents))) > 0)
    for (ssize_t off = 0; off < n && bytes == NO_MM;)
      {
        struct dirent64 *e = (struct dirent64 *)(dents + off);
        off += e->d_reclen;
        if (e->d_name[0] == '.' || strcmp (e->d_name, name) == 0)
          continue;
        snprintf (path, sizeof (path), "%s/task/%s", name, e->d_name);
        bytes = mm_bytes (w, path);
      }
  if (bytes == NO_MM && n < 0)
    bytes = -errno;
  close (fd);
  return bytes == NO_MM ? 0 : bytes;
}

static bool
is_pid (const char *name)
{
  if (*name == '\0')
    return false;
  for (const char *c = name; *c; c++)
    if (*c < '0' || *c > '9')
      return false;
  return true;
}

int64_t
entrun_memwatch_usage (const entrun_memwatch_t *w)
{
  /* Static: pid 1 is single-threaded, and its stack stays small. */
  static char dents[32768];
  struct statfs sf;
  int64_t total = 0;
  ssize_t n;

  if (fstatfs (w->pool, &sf) < 0)
    return -errno;
  total += (int64_t)(sf.f_blocks - sf.f_bfree) * sf.f_bsize;
  if (lseek (w->proc, 0, SEEK_SET) < 0)
    return -errno;
  while ((n = getdents64 (w->proc, dents, sizeof (dents))) > 0)
    for (ssize_t off = 0; off < n;)
      {
        struct dirent64 *e = (struct dirent64 *)(dents + off);
        off += e->d_reclen;
        int64_t bytes;
        if (!is_pid (e->d_name) || strcmp (e->d_name, "1") == 0)
          continue;
        if ((bytes = process_bytes (w, e->d_name)) < 0)
          return bytes;
        total += bytes;
      }
  return n < 0 ? -errno : total;
}

int
entrun_memwatch_check (entrun_memwatch_t *w, int64_t now)
{
  int64_t used, end, took;

  if (w->proc < 0 || now < w->next)
    return 0;
  used = entrun_memwatch_usage (w);
  end = now_ms ();
  took = end - now;
  w->interval_ms = took * 20;
  if (w->interval_ms < MEMWATCH_MIN_INTERVAL_MS)
    w->interval_ms = MEMWATCH_MIN_INTERVAL_MS;
  if (w->interval_ms > MEMWATCH_MAX_INTERVAL_MS)
    w->interval_ms = MEMWATCH_MAX_INTERVAL_MS;
  w->next = end + w->interval_ms;
  if (used < 0)
    return ++w->failures >= MEMWATCH_MAX_FAILURES ? -1 : 0;
  w->failures = 0;
  return used > w->limit ? 1 : 0;
}
