/* entrun — launcher utilities. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "util.h"

int entrun_verbosity = 1;
static struct timespec start_time;
static bool use_underscore_exit;

void
die_use_underscore_exit (void)
{
  use_underscore_exit = true;
}

static pid_t kill_first, kill_first_owner;

void
die_kill_first (pid_t pid)
{
  kill_first = pid;
  kill_first_owner = getpid ();
}

static __attribute__ ((noreturn)) void
finish (void)
{
  /* Only in the process that asked: a child (pid 1 is one) has a copy. */
  if (kill_first > 0 && getpid () == kill_first_owner)
    {
      kill (kill_first, SIGKILL);
      while (waitpid (kill_first, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  if (use_underscore_exit)
    _exit (ENTRUN_EXIT_ERROR);
  exit (ENTRUN_EXIT_ERROR);
}

static void
vmessage (const char *fmt, va_list ap, const char *suffix)
{
  char buf[1024], out[4 * sizeof (buf)];
  size_t o = 0, len;
  int n = vsnprintf (buf, sizeof (buf), fmt, ap);

  if (n < 0)
    buf[0] = '\0';
  /* A path or value of the caller's, or of the sandbox's, may hold control
   * characters: escaped, they cannot forge a line or reach the terminal
   * as a command (an OSC sequence, C1's CSI in UTF-8, a stray byte). */
  for (const char *c = buf; *c; c += len)
    {
      char esc[5];
      int e = ent_escape_utf8 (c, true, esc, &len);
      if (e > 0)
        {
          memcpy (out + o, esc, (size_t)e);
          o += (size_t)e;
        }
      else
        {
          memcpy (out + o, c, len);
          o += len;
        }
    }
  out[o] = '\0';
  /* One write so concurrent messages from our processes do not interleave. */
  dprintf (STDERR_FILENO, "entrun: %s%s%s\n", out, suffix ? ": " : "", suffix ? suffix : "");
}

void
die (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vmessage (fmt, ap, NULL);
  va_end (ap);
  finish ();
}

void
die_errno (const char *fmt, ...)
{
  int saved = errno;
  va_list ap;

  va_start (ap, fmt);
  vmessage (fmt, ap, strerror (saved));
  va_end (ap);
  finish ();
}

void
warn (const char *fmt, ...)
{
  va_list ap;

  if (entrun_verbosity < 1)
    return;
  va_start (ap, fmt);
  vmessage (fmt, ap, NULL);
  va_end (ap);
}

/* -v: each step with the time since entrun started, which is how the
 * start-up cost is attributed (see tests/bench/). */
void
verbose (const char *fmt, ...)
{
  struct timespec now;
  char buf[1024];
  va_list ap;
  int n;

  if (entrun_verbosity < 2)
    return;
  clock_gettime (CLOCK_MONOTONIC, &now);
  va_start (ap, fmt);
  n = vsnprintf (buf, sizeof (buf), fmt, ap);
  va_end (ap);
  if (n < 0)
    buf[0] = '\0';
  dprintf (STDERR_FILENO, "entrun: [%5d %8.3f ms] %s\n", (int)getpid (),
           (double)(now.tv_sec - start_time.tv_sec) * 1e3
               + (double)(now.tv_nsec - start_time.tv_nsec) / 1e6,
           buf);
}

int64_t
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
poll_ms_until (int64_t deadline)
{
  int64_t left;

  if (deadline < 0)
    return -1;
  left = deadline - now_ms ();
  return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

/* The heap entrun's start-up needs, faulted in with one madvise(2) rather
 * than a page fault per page.  On the virtual machines entrun is measured
 * on a fault costs ~12 us (PTI and a nested page table walk), a populated
 * page ~1 us, and resolving the profile alone writes ~35 fresh heap pages
 * (tests/bench/).  The pages are the heap's own top pad, so malloc hands
 * them out; kept (not trimmed) when freed.  Best effort: a kernel before
 * 5.14 has no MADV_POPULATE_WRITE, and the pages then fault as before. */
void
entrun_prefault_heap (size_t bytes)
{
  void *first, *end;
  uintptr_t start;

  if (mallopt (M_TOP_PAD, (int)bytes) == 0 || mallopt (M_TRIM_THRESHOLD, (int)(2 * bytes)) == 0
      || (first = malloc (1)) == NULL)
    return;
  end = sbrk (0);
  start = (uintptr_t)first & ~(uintptr_t)4095;
  if (end != (void *)-1 && (uintptr_t)end > start)
    (void)madvise ((void *)start, (uintptr_t)end - start, MADV_POPULATE_WRITE);
  free (first);
}

void
verbose_start_clock (void)
{
  clock_gettime (CLOCK_MONOTONIC, &start_time);
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n == 0)
        return -EIO;
      p += n;
      len -= n;
    }
  return 0;
}

ssize_t
read_all (int fd, void *buf, size_t len)
{
  char *p = buf;
  size_t got = 0;

  while (got < len)
    {
      ssize_t n = read (fd, p + got, len - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -errno;
      if (n == 0)
        break;
      got += n;
    }
  return got;
}

int
strv_send (int fd, char *const *const *lists, size_t n)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, at = 0;

  for (size_t i = 0; i < n; i++)
    {
      for (size_t j = 0; lists[i] && lists[i][j]; j++)
        len += strlen (lists[i][j]) + 1;
      len++;
    }
  if ((buf = malloc (len)) == NULL)
    return -ENOMEM;
  for (size_t i = 0; i < n; i++)
    {
      for (size_t j = 0; lists[i] && lists[i][j]; j++)
        {
          size_t k = strlen (lists[i][j]) + 1;
          memcpy (buf + at, lists[i][j], k);
          at += k;
        }
      buf[at++] = '\0';
    }
  return write_all (fd, buf, len);
}

/* Split @buf (@len bytes, as strv_send() wrote them) into @out, in order. */
static int
strv_parse (const char *buf, size_t len, char ***out, size_t n)
{
  size_t at = 0;

  for (size_t i = 0; i < n; i++)
    {
      size_t count = 0, from = at, k = 0;
      /* Count, up to the empty string that ends the list. */
      for (;;)
        {
          const char *nul = at < len ? memchr (buf + at, '\0', len - at) : NULL;
          if (nul == NULL)
            return -EPROTO; /* cut short */
          if (nul == buf + at)
            break;
          at = (size_t)(nul - buf) + 1;
          count++;
        }
      at++;
      /* An empty list is an empty array, not NULL: "received". */
      if ((out[i] = calloc (count + 1, sizeof (char *))) == NULL)
        return -ENOMEM;
      for (at = from; k < count; k++)
        {
          size_t l = strlen (buf + at);
          if ((out[i][k] = strdup (buf + at)) == NULL)
            return -ENOMEM;
          at += l + 1;
        }
      at++;
    }
  return at == len ? 0 : -EPROTO;
}

int
strv_recv (int fd, char ***out, size_t n, size_t max)
{
  cleanup_free char *buf = NULL;
  size_t len = 0, size = 0;
  int ret;

  for (size_t i = 0; i < n; i++)
    out[i] = NULL;
  for (;;)
    {
      ssize_t got;
      if (len == size)
        {
          char *more;
          if (size >= max)
            return -E2BIG;
          size = size ? size * 2 : 16384;
          if (size > max)
            size = max;
          if ((more = realloc (buf, size)) == NULL)
            return -ENOMEM;
          buf = more;
        }
      /* Short only at EOF. */
      if ((got = read_all (fd, buf + len, size - len)) < 0)
        return (int)got;
      len += (size_t)got;
      if (len < size)
        break;
    }
  if ((ret = strv_parse (buf, len, out, n)) < 0)
    for (size_t i = 0; i < n; i++)
      {
        ent_strv_free (out[i]);
        out[i] = NULL;
      }
  return ret;
}

int
mkdir_p (const char *path, mode_t mode)
{
  cleanup_free char *copy = strdup (path);

  if (copy == NULL)
    die ("out of memory");
  for (char *c = copy + 1; (c = strchr (c, '/')); c++)
    {
      *c = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return -1;
      *c = '/';
    }
  return mkdir (copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int
write_file_at (int dirfd, const char *path, const char *buf, size_t len)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  int ret;

  if (fd < 0)
    return -errno;
  ret = write_all (fd, buf, len);
  if (ret == 0 && close (steal_fd (&fd)) < 0)
    return -errno;
  return ret;
}

int
close_fds_except (const int *keep, size_t n_keep)
{
  /* The gaps between kept descriptors, lowest first: the next kept one is
   * looked for each time (a handful), so @keep may come in any order. */
  for (unsigned int from = 3;;)
    {
      unsigned int next = UINT_MAX;
      for (size_t i = 0; i < n_keep; i++)
        if ((unsigned int)keep[i] >= from && (unsigned int)keep[i] < next)
          next = (unsigned int)keep[i];
      if (next > from && syscall (SYS_close_range, from, next - 1, 0) < 0)
        return -errno;
      if (next == UINT_MAX)
        return 0;
      from = next + 1;
    }
}

void
unescape_octal (char *s)
{
  char *out = s;

  for (char *p = s; *p; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0'
          && p[3] <= '7')
        {
          *out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
          p += 3;
        }
      else
        *out++ = *p;
    }
  *out = '\0';
}

int
drop_all_capabilities (const char **step)
{
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct none[2] = { { 0 } };

  *step = "clearing the ambient capabilities";
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return -errno;
  /* Up to the first the kernel does not know (EINVAL). */
  *step = "dropping the bounding capabilities";
  for (int cap = 0; cap < 64; cap++)
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      {
        if (errno == EINVAL && cap > 0)
          break;
        return -errno;
      }
  *step = "dropping the capabilities";
  if (syscall (SYS_capset, &hdr, none) < 0)
    return -errno;
  return 0;
}
