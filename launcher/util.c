/* entrun — launcher utilities. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int entrun_verbosity = 1;
static struct timespec start_time;
static bool use_underscore_exit;

void
die_use_underscore_exit (void)
{
  use_underscore_exit = true;
}

static __attribute__ ((noreturn)) void
finish (void)
{
  if (use_underscore_exit)
    _exit (ENTRUN_EXIT_ERROR);
  exit (ENTRUN_EXIT_ERROR);
}

static void
vmessage (const char *fmt, va_list ap, const char *suffix)
{
  char buf[1024], out[4 * sizeof (buf)];
  size_t o = 0;
  int n = vsnprintf (buf, sizeof (buf), fmt, ap);

  if (n < 0)
    buf[0] = '\0';
  /* A path or value of the caller's, or of the sandbox's, may hold control
   * characters: escaped, they cannot forge a line or reach the terminal
   * as a command (an OSC sequence). */
  for (const char *c = buf; *c; c++)
    {
      char esc[5];
      int e = ent_escape_control ((unsigned char)*c, true, esc);
      if (e > 0)
        {
          memcpy (out + o, esc, (size_t)e);
          o += (size_t)e;
        }
      else
        out[o++] = *c;
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
  unsigned int from = 3;

  for (size_t i = 0; i <= n_keep; i++)
    {
      unsigned int to = i < n_keep ? (unsigned int)keep[i] - 1 : UINT_MAX;
      if (to >= from && syscall (SYS_close_range, from, to, 0) < 0)
        return -errno;
      if (i < n_keep && (unsigned int)keep[i] >= from)
        from = (unsigned int)keep[i] + 1;
    }
  return 0;
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
