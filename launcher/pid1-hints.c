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
#include <arpa/inet.h>
#include <inttypes.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
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

/* The first port the sandbox's network namespace lets anyone bind
 * (net.ipv4.ip_unprivileged_port_start; pid 1's filter lets it read
 * /proc). */
static int
unprivileged_port_start (void)
{
  char buf[16] = "";
  int fd = open ("/proc/sys/net/ipv4/ip_unprivileged_port_start", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof (buf) - 1) : -1;

  if (fd >= 0)
    close (fd);
  return n > 0 ? atoi (buf) : 1024;
}

void
entrun_pid1_hints_prepare (entrun_sandbox_t *sb, int *pid1_end)
{
  int pair[2];

  *pid1_end = -1;
  sb->hint_sock = -1;
  sb->listener = -1;
  if (sb->filter.marked.len == 0)
    return;
  /* Read at the first bind to word (socket_call_fails). */
  sb->low_ports = -1;
  if (sb->learn)
    {
      struct rlimit rl;
      sb->learn_memlock = getrlimit (RLIMIT_MEMLOCK, &rl) == 0 ? rl.rlim_cur : UINT64_MAX;
    }
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

/* "Max locked memory  SOFT  HARD  bytes" of /proc/PID/limits, and VmSize
 * of its status, in bytes; false if unreadable. */
static bool
read_memlock (pid_t pid, uint64_t *soft, uint64_t *hard, uint64_t *size)
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
  *size = 0;
  /* Line starts only: the name on the first line is the process's own. */
  for (line = buf; line; line = (line = strchr (line, '\n')) ? line + 1 : NULL)
    if (strncmp (line, "VmSize:", 7) == 0)
      *size = strtoull (line + 7, NULL, 10) * 1024;
  return true;
}

/* The socket address of a connect(2) or bind(2) @n: its family, port and
 * address in words ("192.0.2.1"), and whether it is a loopback one.  The
 * caller's memory, read as it stands (it may change before the kernel
 * reads it: the kernel's verdict stands, this only words a hint).  false
 * if unreadable or neither IPv4 nor IPv6. */
static bool
read_inet_address (const struct seccomp_notif *n, unsigned *port, char *addr, size_t size,
                   bool *loopback)
{
  union
  {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
  } u = { 0 };
  size_t len = n->data.args[2] < sizeof (u) ? (size_t)n->data.args[2] : sizeof (u);
  struct iovec local = { &u, len }, remote = { (void *)(uintptr_t)n->data.args[1], len };

  if (process_vm_readv ((pid_t)n->pid, &local, 1, &remote, 1, 0) != (ssize_t)len)
    return false;
  if (u.sa.sa_family == AF_INET && len >= sizeof (u.in))
    {
      *port = ntohs (u.in.sin_port);
      /* 0.0.0.0 connects to this host: lo too. */
      *loopback = (ntohl (u.in.sin_addr.s_addr) >> 24) == 127 || u.in.sin_addr.s_addr == 0;
      return inet_ntop (AF_INET, &u.in.sin_addr, addr, (socklen_t)size) != NULL;
    }
  if (u.sa.sa_family == AF_INET6 && len >= sizeof (u.in6))
    {
      *port = ntohs (u.in6.sin6_port);
      *loopback = IN6_IS_ADDR_LOOPBACK (&u.in6.sin6_addr)
                  || IN6_IS_ADDR_UNSPECIFIED (&u.in6.sin6_addr)
                  || (IN6_IS_ADDR_V4MAPPED (&u.in6.sin6_addr)
                      && (u.in6.sin6_addr.s6_addr[12] == 127
                          || !memcmp (&u.in6.sin6_addr.s6_addr[12], "\0\0\0\0", 4)));
      return inet_ntop (AF_INET6, &u.in6.sin6_addr, addr, (socklen_t)size) != NULL;
    }
  return false;
}

/* connect(2) beyond lo without network.user: the kernel refuses it (no
 * route); bind(2) to a port below ip_unprivileged_port_start without
 * CAP_NET_BIND_SERVICE: it refuses that too.  Says which in @detail. */
static bool
socket_call_fails (entrun_sandbox_t *sb, const struct seccomp_notif *n, const ent_policy_hint_t *h,
                   char *detail, size_t size)
{
  char addr[INET6_ADDRSTRLEN];
  unsigned port;
  bool loopback;

  if (!read_inet_address (n, &port, addr, sizeof (addr), &loopback))
    return false;
  if (strcmp (h->syscall, "bind") == 0)
    {
      if (sb->low_ports < 0)
        sb->low_ports = unprivileged_port_start ();
      if (port == 0 || port >= (unsigned)sb->low_ports)
        return false;
      snprintf (detail, size, "to port %u", port);
      return true;
    }
  if (loopback)
    return false;
  snprintf (detail, size, strchr (addr, ':') ? "to [%s]:%u%s" : "to %s:%u%s", addr, port,
            port == 53 ? " (a DNS lookup)" : "");
  return true;
}

/* A watched call, which the kernel judges: will it fail for want of the
 * hint's grant (and would the grant make it pass)?  The mlock family:
 * RLIMIT_MEMLOCK, which security.memory-lock raises to its hard limit;
 * the socket calls: see socket_call_fails. */
static bool
watched_fails (entrun_sandbox_t *sb, const struct seccomp_notif *n, const ent_policy_hint_t *h,
               char *detail, size_t size)
{
  uint64_t soft, hard, size_now, want;
  const uint64_t page = 4096;

  /* The conditional watched hints are the socket calls'. */
  if (h->n_args > 0)
    return socket_call_fails (sb, n, h, detail, size);
  /* Its limits are in its /proc files, which only the sandbox's own
   * /proc has (see tell_entrun). */
  if (sb->profile->fs.proc != ENT_PROC_FRESH
      || !read_memlock ((pid_t)n->pid, &soft, &hard, &size_now))
    return false;
  /* The limit of the grants given (learn's own add none). */
  if (sb->learn)
    soft = sb->learn_memlock;
  /* Only what fails surely: mlockall(MCL_CURRENT) past the limit (the
   * kernel weighs the whole address space), an mlock of more than the
   * limit by itself (pages it finds locked already count once, so what is
   * locked elsewhere, VmLck, cannot be added to it). */
  if (strcmp (h->syscall, "mlockall") == 0)
    want = (n->data.args[0] & MCL_CURRENT) ? size_now : 0;
  else
    want = ((n->data.args[1] + (n->data.args[0] % page) + page - 1) / page) * page;
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
tell_entrun (entrun_sandbox_t *sb, int hint, const struct seccomp_notif *n, const char *detail)
{
  entrun_report_t r = { .kind = ENTRUN_REPORT_HINT, .value = hint, .pid = (int32_t)n->pid };

  snprintf (r.detail, sizeof (r.detail), "%s", detail);
  /* The pid is the sandbox's: in the host's /proc (host.processes.view)
   * it names another process. */
  if (sb->profile->fs.proc == ENT_PROC_FRESH)
    read_comm ((pid_t)n->pid, r.comm);
  /* The pid may have been reused meanwhile: then no name. */
  if (ioctl (sb->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) < 0)
    memset (r.comm, 0, sizeof (r.comm));
  /* One record, atomically (it is under PIPE_BUF); a full pipe drops it. */
  if (write (sb->status_fd, &r, sizeof (r)) != (ssize_t)sizeof (r))
    verbose ("pid 1: telling entrun of a hint: %s", strerror (errno));
}

/* learn: is @detail new (and now remembered)?  false when seen, or when
 * there is no more room. */
static bool
learn_new (entrun_sandbox_t *sb, const char *detail)
{
  for (size_t i = 0; i < sb->learn_n_seen; i++)
    if (strcmp (sb->learn_seen[i], detail) == 0)
      return false;
  if (sb->learn_n_seen == N_ELEMENTS (sb->learn_seen))
    return false;
  snprintf (sb->learn_seen[sb->learn_n_seen++], sizeof (sb->learn_seen[0]), "%s", detail);
  return true;
}

void
entrun_pid1_hints_serve (entrun_sandbox_t *sb)
{
  struct seccomp_notif_resp resp = { 0 };
  char detail[sizeof (((entrun_report_t *)0)->detail)] = "";
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
  if (hint >= 0 && hint < 64 && sb->learn && ent_policy_hints[hint].kind == ENT_HINT_WATCHED
      && ent_policy_hints[hint].n_args > 0)
    {
      /* learn: each destination, each port (up to learn_seen's room). */
      if (watched_fails (sb, &notif.n, &ent_policy_hints[hint], detail, sizeof (detail))
          && learn_new (sb, detail))
        tell_entrun (sb, hint, &notif.n, detail);
    }
  else if (hint >= 0 && hint < 64 && !(sb->hints_told & (UINT64_C (1) << hint))
           && (ent_policy_hints[hint].kind == ENT_HINT_DENIED
               || watched_fails (sb, &notif.n, &ent_policy_hints[hint], detail, sizeof (detail))))
    {
      sb->hints_told |= UINT64_C (1) << hint;
      tell_entrun (sb, hint, &notif.n, detail);
    }
  /* ENOENT: the caller is gone (or was interrupted) meanwhile. */
  if (ioctl (sb->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
    warn ("pid 1: answering a seccomp notification: %s", strerror (errno));
}

/* ---- resources.pids --------------------------------------------------------- */

void
entrun_pid1_pids_prepare (entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;

  sb->pids_proc = -1;
  sb->pids_next = -1;
  /* The sandbox's own /proc lists its processes alone; the host's (under
   * host.processes.view) would not. */
  if (p->resources.pids <= 0 || p->resources.backend == ENT_RES_CGROUP
      || p->fs.proc != ENT_PROC_FRESH || sb->host_root)
    return;
  sb->pids_proc = open ("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sb->pids_proc >= 0)
    sb->pids_next = now_ms () + ENTRUN_PIDS_LOOK_MS;
}

/* The processes in the directory @fd (a /proc), or -1. */
static int64_t
count_processes (int fd)
{
  char buf[8192];
  int64_t count = 0;
  long n;

  if (lseek (fd, 0, SEEK_SET) < 0)
    return -1;
  while ((n = syscall (SYS_getdents64, fd, buf, sizeof (buf))) > 0)
    for (long off = 0; off < n;)
      {
        struct
        {
          uint64_t ino;
          int64_t off;
          unsigned short reclen;
          unsigned char type;
          char name[];
        } *d = (void *)(buf + off);
        if (d->name[0] >= '1' && d->name[0] <= '9')
          count++;
        off += d->reclen;
      }
  return n < 0 ? -1 : count;
}

void
entrun_pid1_pids_look (entrun_sandbox_t *sb, int64_t now, bool final)
{
  entrun_report_t r = { .kind = ENTRUN_REPORT_PIDS };
  int64_t count;

  if (sb->pids_proc < 0 || (!final && now < sb->pids_next))
    return;
  sb->pids_next = now + ENTRUN_PIDS_LOOK_MS;
  count = count_processes (sb->pids_proc);
  /* RLIMIT_NPROC counts threads too: at the limit, or a process short of
   * it as they come and go, the next fork fails.  (The host's root, whom
   * it does not hold, is not watched: see entrun_pid1_pids_prepare.) */
  if (count < 0 || count < sb->profile->resources.pids - 1)
    return;
  r.value = count > INT32_MAX ? INT32_MAX : (int32_t)count;
  if (write (sb->status_fd, &r, sizeof (r)) != (ssize_t)sizeof (r))
    verbose ("pid 1: telling entrun of resources.pids: %s", strerror (errno));
  close (sb->pids_proc);
  sb->pids_proc = -1;
  sb->pids_next = -1;
}

/* ---- learn: what the command wrote in the home ---------------------------- */

#define LEARN_MAX_FILES 64
#define LEARN_MAX_DEPTH 4

typedef struct linux_dirent64_
{
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
} dirent64_t;

static void
tell_file (entrun_sandbox_t *sb, const char *path, int *told)
{
  entrun_report_t r = { .kind = ENTRUN_REPORT_FILE };

  if (*told >= LEARN_MAX_FILES)
    return;
  (*told)++;
  snprintf (r.detail, sizeof (r.detail), "%s", path);
  if (write (sb->status_fd, &r, sizeof (r)) != (ssize_t)sizeof (r))
    verbose ("pid 1: telling entrun of a file written: %s", strerror (errno));
}

/* Every entry but directories below @fd (@path: its path in the home),
 * depth first; a directory's own entry only when nothing in it is told
 * (a directory made, or emptied).  Names are the sandbox's: passed on as
 * they are, for entrun to weigh.  Nothing is followed: the payload is
 * gone, and each directory is opened with O_NOFOLLOW. */
static void
walk_upper (entrun_sandbox_t *sb, int fd, const char *path, int depth, int *told)
{
  char buf[4096];
  long n;
  int before = *told;

  while (*told < LEARN_MAX_FILES && (n = syscall (SYS_getdents64, fd, buf, sizeof (buf))) > 0)
    for (long off = 0; off < n && *told < LEARN_MAX_FILES;)
      {
        dirent64_t *d = (void *)(buf + off);
        char sub[256];
        off += d->reclen;
        if (strcmp (d->name, ".") == 0 || strcmp (d->name, "..") == 0)
          continue;
        snprintf (sub, sizeof (sub), "%s%s%s", path, path[0] ? "/" : "", d->name);
        if (d->type == DT_DIR && depth < LEARN_MAX_DEPTH)
          {
            int sfd = openat (fd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sfd >= 0)
              {
                walk_upper (sb, sfd, sub, depth + 1, told);
                close (sfd);
              }
            continue;
          }
        tell_file (sb, sub, told);
      }
  if (*told == before && path[0])
    tell_file (sb, path, told);
}

void
entrun_pid1_learn_files (entrun_sandbox_t *sb)
{
  int told = 0;

  if (sb->learn_upper < 0)
    return;
  walk_upper (sb, sb->learn_upper, "", 0, &told);
  close (sb->learn_upper);
  sb->learn_upper = -1;
}
