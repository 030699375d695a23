/* entrun — pid 1's side of the hints (see filter.h): it answers the calls
 * the filter hands it, exactly as the filter would have (a denied call gets
 * the filter's errno, a watched one is let through for the kernel to
 * judge), and tells entrun, once per hint, what the command tried and who.
 *
 * What pid 1 reads here comes from the sandbox: the call and its
 * arguments (as the kernel copied them, by value: no pointer is followed)
 * and the process's /proc files.  None of it decides a verdict but through
 * the filter's own program (entrun_filter_judge); the name of the process
 * is passed on as 16 bytes that entrun makes printable. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "netsetup.h"
#include "sandbox.h"
#include "seccomp-policy.h"
#include "util.h"

/* Linux 6.7: the caller's wake-up hands the CPU to pid 1 and back, instead
 * of waking a CPU that may be idle each way (older headers lack it). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* The kernel's sizes of a notification and a reply: it writes a whole
 * notification, which may one day be larger than this build's. */
static struct seccomp_notif_sizes sizes;
static union
{
  struct seccomp_notif n;
  char bytes[512];
} notif;

void
entrun_pid1_hints_prepare (entrun_sandbox_t *sb, int *pid1_end)
{
  int pair[2];

  *pid1_end = -1;
  sb->hint_sock = -1;
  sb->listener = -1;
  if (sb->filter.marked.len == 0)
    return;
  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0
      || sizes.seccomp_notif > sizeof (notif) || sizes.seccomp_notif < sizeof (notif.n)
      || sizes.seccomp_notif_resp < sizeof (struct seccomp_notif_resp))
    {
      /* A kernel without listeners, or one we cannot talk to: the
       * payload loads the filter with the hints' verdicts built in. */
      verbose ("pid 1: no seccomp notifications on this kernel: no hints");
      if (entrun_filter_drop_hints (&sb->filter) < 0)
        die ("out of memory");
      return;
    }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    die_errno ("pid 1: socketpair for the hints");
  *pid1_end = pair[0];
  sb->hint_sock = pair[1];
}

int
entrun_pid1_hints_receive (entrun_sandbox_t *sb, int pid1_end)
{
  int fd;

  if (pid1_end < 0)
    return 0;
  close (sb->hint_sock);
  sb->hint_sock = -1;
  /* The payload sent it before its execve, which we waited for (vfork),
   * or it loaded its filter without one (EPIPE: it closed its end), or it
   * died first (EAGAIN too: the kernel lets a vfork's parent go on before
   * the child's descriptors are closed). */
  fd = netsetup_recv_fd_msg (pid1_end, (char[1]){ 0 }, 1, &(size_t){ 0 }, MSG_DONTWAIT);
  close (pid1_end);
  if (fd >= 0)
    {
      sb->listener = fd;
      /* Older kernels say EINVAL: the calls wait a little longer. */
      (void)ioctl (fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
    }
  return fd >= 0 || fd == -EPIPE || fd == -EAGAIN ? 0 : fd;
}

/* "Max locked memory  SOFT  HARD  bytes" of /proc/PID/limits, and VmLck,
 * VmSize of its status, in bytes; false if unreadable. */
static bool
read_memlock (pid_t pid, uint64_t *soft, uint64_t *hard, uint64_t *locked, uint64_t *size)
{
  char path[64], buf[4096];
  const char *line;
  int fd;
  ssize_t n;

  snprintf (path, sizeof (path), "/proc/%d/limits", (int)pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return false;
  n = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (n <= 0 || (buf[n] = '\0', line = strstr (buf, "Max locked memory")) == NULL)
    return false;
  line += strlen ("Max locked memory");
  *soft = strncmp (line + strspn (line, " "), "unlimited", 9) == 0 ? UINT64_MAX
                                                                   : strtoull (line, NULL, 10);
  line += strspn (line, " ");
  line += strcspn (line, " ");
  *hard = strncmp (line + strspn (line, " "), "unlimited", 9) == 0 ? UINT64_MAX
                                                                   : strtoull (line, NULL, 10);
  snprintf (path, sizeof (path), "/proc/%d/status", (int)pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return false;
  n = read (fd, buf, sizeof (buf) - 1);
  close (fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  *locked = *size = 0;
  /* Line starts only: the name on the first line is the process's own. */
  for (line = buf; line; line = (line = strchr (line, '\n')) ? line + 1 : NULL)
    if (strncmp (line, "VmLck:", 6) == 0)
      *locked = strtoull (line + 6, NULL, 10) * 1024;
    else if (strncmp (line, "VmSize:", 7) == 0)
      *size = strtoull (line + 7, NULL, 10) * 1024;
  return true;
}

/* A watched call, which the kernel judges: will it fail for want of the
 * hint's grant (and would the grant make it pass)?  The mlock family:
 * RLIMIT_MEMLOCK, which security.memory-lock raises to its hard limit. */
static bool
watched_fails (const struct seccomp_notif *n, const ent_policy_hint_t *h)
{
  uint64_t soft, hard, locked, size, want;
  const uint64_t page = 4096;

  if (!read_memlock ((pid_t)n->pid, &soft, &hard, &locked, &size))
    return false;
  if (strcmp (h->syscall, "mlockall") == 0)
    want = (n->data.args[0] & MCL_CURRENT) ? size : 0;
  else
    want = locked + ((n->data.args[1] + (n->data.args[0] % page) + page - 1) / page) * page;
  return want > soft && want <= hard;
}

/* The name of @pid (its comm), NUL-padded into @comm[16]. */
static void
read_comm (pid_t pid, char comm[16])
{
  char path[64];
  ssize_t n;
  int fd;

  memset (comm, 0, 16);
  snprintf (path, sizeof (path), "/proc/%d/comm", (int)pid);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return;
  n = read (fd, comm, 15);
  close (fd);
  if (n > 0 && comm[n - 1] == '\n')
    comm[n - 1] = '\0';
}

static void
tell_entrun (entrun_sandbox_t *sb, int hint, const struct seccomp_notif *n)
{
  entrun_report_t r = { .kind = ENTRUN_REPORT_HINT, .value = hint, .pid = (int32_t)n->pid };

  read_comm ((pid_t)n->pid, r.comm);
  /* The pid may have been reused meanwhile: then no name. */
  if (ioctl (sb->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
    memset (r.comm, 0, sizeof (r.comm));
  /* One record, atomically (it is under PIPE_BUF); a full pipe drops it. */
  if (write (sb->status_fd, &r, sizeof (r)) != (ssize_t)sizeof (r))
    verbose ("pid 1: telling entrun of a hint: %s", strerror (errno));
}

void
entrun_pid1_hints_serve (entrun_sandbox_t *sb)
{
  struct seccomp_notif_resp resp = { 0 };
  uint32_t verdict;
  int hint;

  memset (&notif, 0, sizes.seccomp_notif);
  if (ioctl (sb->listener, SECCOMP_IOCTL_NOTIF_RECV, &notif) < 0)
    {
      /* ENOENT: the caller was interrupted, and asks again. */
      if (errno != ENOENT && errno != EINTR)
        {
          warn ("pid 1: reading a seccomp notification: %s", strerror (errno));
          close (sb->listener);
          sb->listener = -1;
        }
      return;
    }
  verdict = entrun_filter_judge (&sb->filter, &notif.n.data, &hint);
  resp.id = notif.n.id;
  if (verdict == SECCOMP_RET_ALLOW)
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  else if ((verdict & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
    resp.error = -(int32_t)(verdict & SECCOMP_RET_DATA);
  else
    {
      /* Never: only a hint's return notifies, and it stands for one of
       * the two above.  The caller is refused all the same. */
      resp.error = -(sb->filter.default_errno ? sb->filter.default_errno : EPERM);
      hint = -1;
    }
  if (hint >= 0 && hint < 64 && !(sb->hints_told & (UINT64_C (1) << hint))
      && (ent_policy_hints[hint].kind == ENT_HINT_DENIED
          || watched_fails (&notif.n, &ent_policy_hints[hint])))
    {
      sb->hints_told |= UINT64_C (1) << hint;
      tell_entrun (sb, hint, &notif.n);
    }
  /* ENOENT: the caller is gone (or was interrupted) meanwhile. */
  if (ioctl (sb->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
    warn ("pid 1: answering a seccomp notification: %s", strerror (errno));
}
