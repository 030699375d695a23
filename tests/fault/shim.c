/* tests/fault/shim.c -- an LD_PRELOAD fault injector for entrun (tests
 * only, never installed).  See tests/blackbox/fault-injection.sh.
 *
 * Every libc function entrun's setup goes through -- its own code and the
 * libraries linked statically into it (libcap-ng, libseccomp, libnl, inih)
 * alike, since they all call libc through entrun's dynamic imports -- is
 * wrapped here.  Each call of a wrapped function is a *fault point*, named
 * by the function, the process making it and its ordinal in that process:
 *
 *   FUNC     the libc function; syscall(2) is split by number into
 *            SYS_clone, SYS_pivot_root, SYS_mount_setattr, ...
 *   PROC     the process, by its place in the tree, not its pid: "0" is
 *            entrun, "0.1" the first child it made (the sandbox's pid 1),
 *            "0.1.1" pid 1's first child (the payload), and so on
 *   N        1 for the first call of FUNC in PROC, 2 for the second...
 *            (each process starts counting at 1: the tree is deterministic)
 *
 * Environment, read once at load and then removed, so that neither entrun
 * nor its payload ever sees it (execve drops the shim with LD_PRELOAD):
 *
 *   ENTRUN_FAULT_TRACE=FILE   append a line per fault point reached:
 *                             "FUNC PROC N LABEL" (LABEL: the first
 *                             argument, summarised; no spaces), and an
 *                             "exec PROC 1 PATH" line when the payload
 *                             execs
 *   ENTRUN_FAULT=FUNC@PROC:N:ERRNO
 *                             the Nth call of FUNC in PROC fails with
 *                             ERRNO (decimal); "@PROC" may be left out to
 *                             mean any process.  The trace then has only
 *                             the "exec" line and an "inject FUNC PROC N
 *                             ERRNO LABEL" line when the fault is injected
 *
 * A failed call has no effect, except close(2), which like the kernel's
 * closes the descriptor anyway.  The trace descriptor lives at a high
 * number and survives entrun's close_range (which it takes out of the
 * range): it is close-on-exec, so the payload never has it. */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE 1

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Not declared by glibc's headers (libcap's <sys/capability.h> does). */
int capset (void *hdr, const void *data);
int capget (void *hdr, void *data);

#define TRACE_FD_MIN 900
#define MAX_FDS 4096
#define MAX_SYSNO 512

/* ---- state ----------------------------------------------------------------- */

enum fn
{
  F_MOUNT,
  F_UMOUNT2,
  F_UNSHARE,
  F_PRCTL,
  F_CAPSET,
  F_CAPGET,
  F_SETHOSTNAME,
  F_SETSID,
  F_SETRLIMIT,
  F_GETRLIMIT,
  F_CHDIR,
  F_FORK,
  F_SOCKET,
  F_SOCKETPAIR,
  F_SETSOCKOPT,
  F_BIND,
  F_GETSOCKNAME,
  F_CONNECT,
  F_LISTEN,
  F_SENDMSG,
  F_RECVMSG,
  F_IOCTL,
  F_OPEN,
  F_OPENAT,
  F_READ,
  F_WRITE,
  F_CLOSE,
  F_FCNTL,
  F_ACCESS,
  F_STAT,
  F_LSTAT,
  F_FSTAT,
  F_STATVFS,
  F_MKDIR,
  F_MKNOD,
  F_SYMLINK,
  F_PIPE2,
  F_SIGPROCMASK,
  F_SIGNALFD,
  F_SETGROUPS,
  F_SETRESUID,
  F_SETRESGID,
  F_COUNT
};

static const char *const fn_names[F_COUNT] = {
  [F_MOUNT] = "mount",
  [F_UMOUNT2] = "umount2",
  [F_UNSHARE] = "unshare",
  [F_PRCTL] = "prctl",
  [F_CAPSET] = "capset",
  [F_CAPGET] = "capget",
  [F_SETHOSTNAME] = "sethostname",
  [F_SETSID] = "setsid",
  [F_SETRLIMIT] = "setrlimit",
  [F_GETRLIMIT] = "getrlimit",
  [F_CHDIR] = "chdir",
  [F_FORK] = "fork",
  [F_SOCKET] = "socket",
  [F_SOCKETPAIR] = "socketpair",
  [F_SETSOCKOPT] = "setsockopt",
  [F_BIND] = "bind",
  [F_GETSOCKNAME] = "getsockname",
  [F_CONNECT] = "connect",
  [F_LISTEN] = "listen",
  [F_SENDMSG] = "sendmsg",
  [F_RECVMSG] = "recvmsg",
  [F_IOCTL] = "ioctl",
  [F_OPEN] = "open",
  [F_OPENAT] = "openat",
  [F_READ] = "read",
  [F_WRITE] = "write",
  [F_CLOSE] = "close",
  [F_FCNTL] = "fcntl",
  [F_ACCESS] = "access",
  [F_STAT] = "stat",
  [F_LSTAT] = "lstat",
  [F_FSTAT] = "fstat",
  [F_STATVFS] = "statvfs",
  [F_MKDIR] = "mkdir",
  [F_MKNOD] = "mknod",
  [F_SYMLINK] = "symlink",
  [F_PIPE2] = "pipe2",
  [F_SIGPROCMASK] = "sigprocmask",
  [F_SIGNALFD] = "signalfd",
  [F_SETGROUPS] = "setgroups",
  [F_SETRESUID] = "setresuid",
  [F_SETRESGID] = "setresgid",
};

static const struct
{
  long nr;
  const char *name;
} sys_names[] = {
  { SYS_clone, "SYS_clone" },
  { SYS_clone3, "SYS_clone3" },
  { SYS_unshare, "SYS_unshare" },
  { SYS_pivot_root, "SYS_pivot_root" },
  { SYS_mount_setattr, "SYS_mount_setattr" },
  { SYS_open_tree, "SYS_open_tree" },
  { SYS_move_mount, "SYS_move_mount" },
  { SYS_fsopen, "SYS_fsopen" },
  { SYS_fsmount, "SYS_fsmount" },
  { SYS_close_range, "SYS_close_range" },
  { SYS_seccomp, "SYS_seccomp" },
  { SYS_openat2, "SYS_openat2" },
  { SYS_capset, "SYS_capset" },
  { SYS_capget, "SYS_capget" },
  { SYS_prctl, "SYS_prctl" },
};

static struct
{
  int (*mount) (const char *, const char *, const char *, unsigned long, const void *);
  int (*umount2) (const char *, int);
  int (*unshare) (int);
  int (*prctl) (int, unsigned long, unsigned long, unsigned long, unsigned long);
  int (*capset) (void *, const void *);
  int (*capget) (void *, void *);
  int (*sethostname) (const char *, size_t);
  pid_t (*setsid) (void);
  int (*setrlimit) (int, const struct rlimit *);
  int (*getrlimit) (int, struct rlimit *);
  int (*chdir) (const char *);
  pid_t (*fork) (void);
  long (*syscall) (long, long, long, long, long, long, long);
  int (*socket) (int, int, int);
  int (*socketpair) (int, int, int, int *);
  int (*setsockopt) (int, int, int, const void *, socklen_t);
  int (*bind) (int, const struct sockaddr *, socklen_t);
  int (*getsockname) (int, struct sockaddr *, socklen_t *);
  int (*connect) (int, const struct sockaddr *, socklen_t);
  int (*listen) (int, int);
  ssize_t (*sendmsg) (int, const struct msghdr *, int);
  ssize_t (*recvmsg) (int, struct msghdr *, int);
  int (*ioctl) (int, unsigned long, void *);
  int (*open) (const char *, int, mode_t);
  int (*open64) (const char *, int, mode_t);
  int (*openat) (int, const char *, int, mode_t);
  int (*openat64) (int, const char *, int, mode_t);
  ssize_t (*read) (int, void *, size_t);
  ssize_t (*write) (int, const void *, size_t);
  int (*close) (int);
  int (*fcntl) (int, int, long);
  int (*access) (const char *, int);
  int (*stat) (const char *, struct stat *);
  int (*lstat) (const char *, struct stat *);
  int (*fstat) (int, struct stat *);
  int (*statvfs) (const char *, struct statvfs *);
  int (*mkdir) (const char *, mode_t);
  int (*mknod) (const char *, mode_t, dev_t);
  int (*symlink) (const char *, const char *);
  int (*pipe2) (int *, int);
  int (*sigprocmask) (int, const sigset_t *, sigset_t *);
  int (*signalfd) (int, const sigset_t *, int);
  int (*setgroups) (size_t, const gid_t *);
  int (*setresuid) (uid_t, uid_t, uid_t);
  int (*setresgid) (gid_t, gid_t, gid_t);
  int (*execvp) (const char *, char *const *);
  int (*execve) (const char *, char *const *, char *const *);
} real;

static void resolve (void);
#define REAL(f) (real.f ? real.f : (resolve (), real.f))

static char proc[128] = "0";
static unsigned long children;
static unsigned long counts[F_COUNT];
static unsigned long sys_counts[MAX_SYSNO];
static int trace_fd = -1;
static bool ready; /* our constructor has run: calls before are not counted */
static bool armed;
static char fault_fn[64], fault_proc[128];
static unsigned long fault_n;
static int fault_errno;
/* What each descriptor entrun opened through us is, for the labels. */
static char *fd_names[MAX_FDS];

/* ---- tracing and injecting ------------------------------------------------- */

static void
emit (const char *fmt, ...)
{
  char line[512];
  va_list ap;
  int n;

  if (trace_fd < 0)
    return;
  va_start (ap, fmt);
  n = vsnprintf (line, sizeof (line) - 1, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if (n > (int)sizeof (line) - 2)
    n = (int)sizeof (line) - 2;
  line[n++] = '\n';
  /* One write to an O_APPEND file: lines of concurrent processes do not mix. */
  if (REAL (write) (trace_fd, line, (size_t)n) < 0)
    return;
}

/* A label is one word: spaces and control characters become '_'. */
static void
sanitize (char *s)
{
  for (; *s; s++)
    if (*s <= ' ' || *s == 0x7f)
      *s = '_';
}

/* Count a call of @name and trace it; true (with errno set) when this is
 * the call to fail. */
static bool
point (const char *name, unsigned long *count, const char *fmt, ...)
{
  int saved = errno;
  unsigned long n;
  char label[256];
  va_list ap;

  if (!ready)
    return false;
  n = __atomic_add_fetch (count, 1, __ATOMIC_SEQ_CST);
  va_start (ap, fmt);
  if (vsnprintf (label, sizeof (label), fmt, ap) < 0)
    strcpy (label, "?");
  va_end (ap);
  sanitize (label);
  if (!armed)
    emit ("%s %s %lu %s", name, proc, n, label[0] ? label : "-");
  if (armed && n == fault_n && strcmp (name, fault_fn) == 0
      && (fault_proc[0] == '\0' || strcmp (proc, fault_proc) == 0))
    {
      emit ("inject %s %s %lu %d %s", name, proc, n, fault_errno, label[0] ? label : "-");
      errno = fault_errno;
      return true;
    }
  errno = saved;
  return false;
}

#define POINT(f, ...) point (fn_names[f], &counts[f], __VA_ARGS__)

static const char *
fd_name (int fd)
{
  if (fd >= 0 && fd < MAX_FDS && fd_names[fd])
    return fd_names[fd];
  return "";
}

static void
fd_set_name (int fd, const char *name)
{
  if (fd < 0 || fd >= MAX_FDS)
    return;
  free (fd_names[fd]);
  fd_names[fd] = name ? strdup (name) : NULL;
}

static void
fd_forget (int fd)
{
  fd_set_name (fd, NULL);
}

/* Record what the new descriptor @fd is; returns @fd. */
static int
opened (int fd, const char *path)
{
  if (fd >= 0)
    fd_set_name (fd, path);
  return fd;
}

/* The new process's place in the tree (see the top). */
static void
became_child (void)
{
  size_t len = strlen (proc);

  snprintf (proc + len, sizeof (proc) - len, ".%lu", children);
  children = 0;
  memset (counts, 0, sizeof (counts));
  memset (sys_counts, 0, sizeof (sys_counts));
}

static void
parse_fault (const char *spec)
{
  char fn[64] = "", where[128] = "";
  unsigned long n;
  int e, used = 0;
  const char *colon = strchr (spec, ':');
  const char *at = memchr (spec, '@', colon ? (size_t)(colon - spec) : strlen (spec));

  if (colon == NULL || (size_t)(colon - spec) >= sizeof (fn))
    goto bad;
  if (at)
    {
      memcpy (fn, spec, (size_t)(at - spec));
      if ((size_t)(colon - at - 1) >= sizeof (where))
        goto bad;
      memcpy (where, at + 1, (size_t)(colon - at - 1));
    }
  else
    memcpy (fn, spec, (size_t)(colon - spec));
  if (sscanf (colon + 1, "%lu:%d%n", &n, &e, &used) != 2 || colon[1 + used] != '\0' || n == 0
      || e <= 0)
    goto bad;
  strcpy (fault_fn, fn);
  strcpy (fault_proc, where);
  fault_n = n;
  fault_errno = e;
  armed = true;
  return;

bad:
  dprintf (STDERR_FILENO, "fault shim: bad ENTRUN_FAULT '%s' (want FUNC[@PROC]:N:ERRNO)\n", spec);
  _exit (99);
}

#define RESOLVE(f) (*(void **)&real.f = dlsym (RTLD_NEXT, #f))

/* The functions the wrappers pass on to.  Resolved on first use: a
 * sanitizer's runtime calls some of them (setrlimit) while it starts, before
 * our constructor has run. */
static void
resolve (void)
{
  static bool resolved;

  if (resolved)
    return;
  RESOLVE (mount), RESOLVE (umount2), RESOLVE (unshare), RESOLVE (prctl);
  RESOLVE (capset), RESOLVE (capget), RESOLVE (sethostname), RESOLVE (setsid);
  RESOLVE (setrlimit), RESOLVE (getrlimit), RESOLVE (chdir), RESOLVE (fork);
  RESOLVE (syscall), RESOLVE (socket), RESOLVE (socketpair), RESOLVE (setsockopt);
  RESOLVE (bind), RESOLVE (getsockname), RESOLVE (connect), RESOLVE (listen);
  RESOLVE (sendmsg), RESOLVE (recvmsg), RESOLVE (ioctl), RESOLVE (open);
  RESOLVE (open64), RESOLVE (openat), RESOLVE (openat64), RESOLVE (read);
  RESOLVE (write), RESOLVE (close), RESOLVE (fcntl), RESOLVE (access);
  RESOLVE (stat), RESOLVE (lstat), RESOLVE (fstat), RESOLVE (statvfs);
  RESOLVE (mkdir), RESOLVE (mknod), RESOLVE (symlink), RESOLVE (pipe2);
  RESOLVE (sigprocmask), RESOLVE (signalfd), RESOLVE (setgroups);
  RESOLVE (setresuid), RESOLVE (setresgid), RESOLVE (execvp), RESOLVE (execve);
  resolved = true;
}

static void __attribute__ ((constructor)) init (void)
{
  const char *trace = getenv ("ENTRUN_FAULT_TRACE");
  const char *fault = getenv ("ENTRUN_FAULT");

  resolve ();
  if (trace && *trace)
    {
      int fd = REAL (open) (trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0)
        {
          dprintf (STDERR_FILENO, "fault shim: %s: %s\n", trace, strerror (errno));
          _exit (99);
        }
      trace_fd = REAL (fcntl) (fd, F_DUPFD_CLOEXEC, TRACE_FD_MIN);
      REAL (close) (fd);
    }
  if (fault && *fault)
    parse_fault (fault);
  /* Gone before entrun looks: its environment, and so the payload's, is
   * the caller's own. */
  unsetenv ("LD_PRELOAD");
  unsetenv ("ENTRUN_FAULT_TRACE");
  unsetenv ("ENTRUN_FAULT");
  ready = true;
}

/* ---- labels ---------------------------------------------------------------- */

static const char *
prctl_name (int option)
{
  switch (option)
    {
    case PR_SET_PDEATHSIG:
      return "PR_SET_PDEATHSIG";
    case PR_SET_NO_NEW_PRIVS:
      return "PR_SET_NO_NEW_PRIVS";
    case PR_CAPBSET_DROP:
      return "PR_CAPBSET_DROP";
    case PR_CAPBSET_READ:
      return "PR_CAPBSET_READ";
    case PR_CAP_AMBIENT:
      return "PR_CAP_AMBIENT";
    case PR_SET_CHILD_SUBREAPER:
      return "PR_SET_CHILD_SUBREAPER";
    case PR_SET_KEEPCAPS:
      return "PR_SET_KEEPCAPS";
    case PR_GET_SECUREBITS:
      return "PR_GET_SECUREBITS";
    case PR_SET_SECUREBITS:
      return "PR_SET_SECUREBITS";
    case PR_SET_SECCOMP:
      return "PR_SET_SECCOMP";
    case PR_SET_NAME:
      return "PR_SET_NAME";
    default:
      return NULL;
    }
}

static const char *
sys_name (long nr)
{
  for (size_t i = 0; i < sizeof (sys_names) / sizeof (sys_names[0]); i++)
    if (sys_names[i].nr == nr)
      return sys_names[i].name;
  return NULL;
}

static const char *
family_name (int family)
{
  switch (family)
    {
    case AF_UNIX:
      return "AF_UNIX";
    case AF_INET:
      return "AF_INET";
    case AF_INET6:
      return "AF_INET6";
    case AF_NETLINK:
      return "AF_NETLINK";
    default:
      return "AF_?";
    }
}

/* ---- the wrappers ---------------------------------------------------------- */

int
mount (const char *src, const char *dst, const char *type, unsigned long flags, const void *data)
{
  const char *fd = dst ? strstr (dst, "/proc/self/fd/") : NULL;
  const char *name = fd ? fd_name (atoi (fd + strlen ("/proc/self/fd/"))) : "";

  /* A target reached through a descriptor is labelled with what it is. */
  if (POINT (F_MOUNT, "%s%s%s", dst ? dst : "(null)", name[0] ? "=" : "", name))
    return -1;
  return REAL (mount) (src, dst, type, flags, data);
}

int
umount2 (const char *target, int flags)
{
  if (POINT (F_UMOUNT2, "%s", target))
    return -1;
  return REAL (umount2) (target, flags);
}

int
unshare (int flags)
{
  if (POINT (F_UNSHARE, "%#x", (unsigned)flags))
    return -1;
  return REAL (unshare) (flags);
}

int
prctl (int option, ...)
{
  unsigned long a[4];
  const char *name = prctl_name (option);
  va_list ap;

  va_start (ap, option);
  for (int i = 0; i < 4; i++)
    a[i] = va_arg (ap, unsigned long);
  va_end (ap);
  if (name ? POINT (F_PRCTL, "%s:%lu:%lu", name, a[0], a[1])
           : POINT (F_PRCTL, "PR_%d:%lu:%lu", option, a[0], a[1]))
    return -1;
  return REAL (prctl) (option, a[0], a[1], a[2], a[3]);
}

int
capset (void *hdr, const void *data)
{
  if (POINT (F_CAPSET, "-"))
    return -1;
  return REAL (capset) (hdr, data);
}

int
capget (void *hdr, void *data)
{
  if (POINT (F_CAPGET, "-"))
    return -1;
  return REAL (capget) (hdr, data);
}

int
sethostname (const char *name, size_t len)
{
  if (POINT (F_SETHOSTNAME, "%.*s", (int)len, name))
    return -1;
  return REAL (sethostname) (name, len);
}

pid_t
setsid (void)
{
  if (POINT (F_SETSID, "-"))
    return -1;
  return REAL (setsid) ();
}

int
setrlimit (__rlimit_resource_t resource, const struct rlimit *rl)
{
  if (POINT (F_SETRLIMIT, "%d", (int)resource))
    return -1;
  return REAL (setrlimit) ((int)resource, rl);
}

int
getrlimit (__rlimit_resource_t resource, struct rlimit *rl)
{
  if (POINT (F_GETRLIMIT, "%d", (int)resource))
    return -1;
  return REAL (getrlimit) ((int)resource, rl);
}

int
chdir (const char *path)
{
  if (POINT (F_CHDIR, "%s", path))
    return -1;
  return REAL (chdir) (path);
}

pid_t
fork (void)
{
  pid_t pid;

  if (POINT (F_FORK, "-"))
    return -1;
  children++;
  pid = REAL (fork) ();
  if (pid == 0)
    became_child ();
  return pid;
}

/* point() for a raw system call, labelled by the argument that tells the
 * calls apart (a path, flags), never by an address. */
static bool
sys_point (const char *name, long nr, const long *a)
{
  unsigned long *count = &sys_counts[nr];

  switch (nr)
    {
    case SYS_pivot_root:
      return point (name, count, "%s", (const char *)a[0]);
    case SYS_mount_setattr:
    case SYS_openat2:
    case SYS_open_tree:
      return point (name, count, "%s", (const char *)a[1]);
    case SYS_close_range:
      return point (name, count, "%lu-%lu", (unsigned long)a[0], (unsigned long)a[1]);
    case SYS_capset:
    case SYS_capget:
      return point (name, count, "-");
    default:
      return point (name, count, "%#lx", (unsigned long)a[0]);
    }
}

long
syscall (long nr, ...)
{
  long a[6];
  const char *name = sys_name (nr);
  va_list ap;
  long ret;

  va_start (ap, nr);
  for (int i = 0; i < 6; i++)
    a[i] = va_arg (ap, long);
  va_end (ap);
  /* Only the calls named in sys_names are fault points: libraries make
   * others (futex, gettid) whose number and order are not entrun's. */
  if (name && nr >= 0 && nr < MAX_SYSNO && sys_point (name, nr, a))
    return -1;
  if (nr == SYS_close_range && trace_fd >= 0 && (unsigned long)a[0] <= (unsigned long)trace_fd
      && (unsigned long)a[1] >= (unsigned long)trace_fd)
    {
      /* Around the trace descriptor, which is close-on-exec anyway. */
      if ((unsigned long)a[0] < (unsigned long)trace_fd
          && (ret = REAL (syscall) (nr, a[0], trace_fd - 1, a[2], 0, 0, 0)) < 0)
        return ret;
      if ((unsigned long)a[1] > (unsigned long)trace_fd)
        return REAL (syscall) (nr, trace_fd + 1, a[1], a[2], 0, 0, 0);
      return 0;
    }
  if (nr == SYS_clone)
    children++;
  ret = REAL (syscall) (nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  if (nr == SYS_clone && ret == 0)
    became_child ();
  if (nr == SYS_openat2 && ret >= 0)
    fd_set_name ((int)ret, (const char *)a[1]);
  /* openat2 answers EAGAIN when a rename or mount anywhere raced its walk,
   * and entrun tries again: the same step, so the same fault point (the
   * parallel tests' mounts must not shift the ordinals). */
  if (nr == SYS_openat2 && ret < 0 && errno == EAGAIN && ready)
    __atomic_sub_fetch (&sys_counts[nr], 1, __ATOMIC_SEQ_CST);
  return ret;
}

int
socket (int family, int type, int protocol)
{
  if (POINT (F_SOCKET, "%s/%d", family_name (family), protocol))
    return -1;
  return opened (REAL (socket) (family, type, protocol), family_name (family));
}

int
socketpair (int family, int type, int protocol, int sv[2])
{
  if (POINT (F_SOCKETPAIR, "%s", family_name (family)))
    return -1;
  if (REAL (socketpair) (family, type, protocol, sv) < 0)
    return -1;
  fd_set_name (sv[0], "socketpair");
  fd_set_name (sv[1], "socketpair");
  return 0;
}

int
setsockopt (int fd, int level, int name, const void *val, socklen_t len)
{
  if (POINT (F_SETSOCKOPT, "%d/%d", level, name))
    return -1;
  return REAL (setsockopt) (fd, level, name, val, len);
}

int
bind (int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
  if (POINT (F_BIND, "%s", family_name (addr.__sockaddr__->sa_family)))
    return -1;
  return REAL (bind) (fd, addr.__sockaddr__, len);
}

int
getsockname (int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
  if (POINT (F_GETSOCKNAME, "%d", fd))
    return -1;
  return REAL (getsockname) (fd, addr.__sockaddr__, len);
}

int
connect (int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
  if (POINT (F_CONNECT, "%s", family_name (addr.__sockaddr__->sa_family)))
    return -1;
  return REAL (connect) (fd, addr.__sockaddr__, len);
}

int
listen (int fd, int backlog)
{
  if (POINT (F_LISTEN, "%d", fd))
    return -1;
  return REAL (listen) (fd, backlog);
}

ssize_t
sendmsg (int fd, const struct msghdr *msg, int flags)
{
  if (POINT (F_SENDMSG, "%d", fd))
    return -1;
  return REAL (sendmsg) (fd, msg, flags);
}

ssize_t
recvmsg (int fd, struct msghdr *msg, int flags)
{
  if (POINT (F_RECVMSG, "%d", fd))
    return -1;
  return REAL (recvmsg) (fd, msg, flags);
}

int
ioctl (int fd, unsigned long request, ...)
{
  void *arg;
  va_list ap;

  va_start (ap, request);
  arg = va_arg (ap, void *);
  va_end (ap);
  if (POINT (F_IOCTL, "%#lx", request))
    return -1;
  return REAL (ioctl) (fd, request, arg);
}

static mode_t
mode_arg (int flags, va_list ap)
{
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg (ap, mode_t) : 0;
}

int
open (const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (POINT (F_OPEN, "%s", path))
    return -1;
  return opened (REAL (open) (path, flags, mode), path);
}

int
open64 (const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (POINT (F_OPEN, "%s", path))
    return -1;
  return opened (REAL (open64) (path, flags, mode), path);
}

int
openat (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (POINT (F_OPENAT, "%s", path))
    return -1;
  return opened (REAL (openat) (dirfd, path, flags, mode), path);
}

int
openat64 (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  if (POINT (F_OPENAT, "%s", path))
    return -1;
  return opened (REAL (openat64) (dirfd, path, flags, mode), path);
}

/* read and write: only on descriptors made through us (files, pipes,
 * socket pairs, signalfds), so that traffic on a descriptor passed in from
 * elsewhere (the tap the network engine reads whenever the kernel sends a
 * frame) does not shift the ordinals. */
ssize_t
read (int fd, void *buf, size_t len)
{
  if (fd_name (fd)[0] && POINT (F_READ, "%d:%s", fd, fd_name (fd)))
    return -1;
  return REAL (read) (fd, buf, len);
}

ssize_t
write (int fd, const void *buf, size_t len)
{
  if (fd_name (fd)[0] && POINT (F_WRITE, "%d:%s", fd, fd_name (fd)))
    return -1;
  return REAL (write) (fd, buf, len);
}

int
close (int fd)
{
  bool fail = fd_name (fd)[0] && POINT (F_CLOSE, "%d:%s", fd, fd_name (fd));
  int saved = errno;
  int ret;

  if (fd == trace_fd)
    {
      errno = EBADF; /* not entrun's */
      return -1;
    }
  fd_forget (fd);
  ret = REAL (close) (fd);
  if (fail)
    {
      errno = saved;
      return -1;
    }
  return ret;
}

int
fcntl (int fd, int cmd, ...)
{
  va_list ap;
  long arg;

  va_start (ap, cmd);
  arg = va_arg (ap, long);
  va_end (ap);
  if (fd > 2 && fd != trace_fd && POINT (F_FCNTL, "%d:%d", fd, cmd))
    return -1;
  return REAL (fcntl) (fd, cmd, arg);
}

int
access (const char *path, int mode)
{
  if (POINT (F_ACCESS, "%s", path))
    return -1;
  return REAL (access) (path, mode);
}

int
stat (const char *path, struct stat *st)
{
  if (POINT (F_STAT, "%s", path))
    return -1;
  return REAL (stat) (path, st);
}

int
lstat (const char *path, struct stat *st)
{
  if (POINT (F_LSTAT, "%s", path))
    return -1;
  return REAL (lstat) (path, st);
}

int
fstat (int fd, struct stat *st)
{
  if (POINT (F_FSTAT, "%d:%s", fd, fd_name (fd)))
    return -1;
  return REAL (fstat) (fd, st);
}

int
statvfs (const char *path, struct statvfs *sv)
{
  if (POINT (F_STATVFS, "%s", path))
    return -1;
  return REAL (statvfs) (path, sv);
}

int
mkdir (const char *path, mode_t mode)
{
  if (POINT (F_MKDIR, "%s", path))
    return -1;
  return REAL (mkdir) (path, mode);
}

int
mknod (const char *path, mode_t mode, dev_t dev)
{
  if (POINT (F_MKNOD, "%s", path))
    return -1;
  return REAL (mknod) (path, mode, dev);
}

int
symlink (const char *target, const char *path)
{
  if (POINT (F_SYMLINK, "%s", path))
    return -1;
  return REAL (symlink) (target, path);
}

int
pipe2 (int fds[2], int flags)
{
  if (POINT (F_PIPE2, "-"))
    return -1;
  if (REAL (pipe2) (fds, flags) < 0)
    return -1;
  fd_set_name (fds[0], "pipe");
  fd_set_name (fds[1], "pipe");
  return 0;
}

int
sigprocmask (int how, const sigset_t *set, sigset_t *old)
{
  if (POINT (F_SIGPROCMASK, "%d", how))
    return -1;
  return REAL (sigprocmask) (how, set, old);
}

int
signalfd (int fd, const sigset_t *mask, int flags)
{
  if (POINT (F_SIGNALFD, "%d", fd))
    return -1;
  return opened (REAL (signalfd) (fd, mask, flags), "signalfd");
}

int
setgroups (size_t n, const gid_t *groups)
{
  if (POINT (F_SETGROUPS, "%zu", n))
    return -1;
  return REAL (setgroups) (n, groups);
}

int
setresuid (uid_t r, uid_t e, uid_t s)
{
  if (POINT (F_SETRESUID, "%u", (unsigned)r))
    return -1;
  return REAL (setresuid) (r, e, s);
}

int
setresgid (gid_t r, gid_t e, gid_t s)
{
  if (POINT (F_SETRESGID, "%u", (unsigned)r))
    return -1;
  return REAL (setresgid) (r, e, s);
}

/* Not fault points: mark where the payload starts, for the trace. */
int
execvp (const char *file, char *const argv[])
{
  emit ("exec %s 1 %s", proc, file);
  return REAL (execvp) (file, argv);
}

int
execve (const char *file, char *const argv[], char *const envp[])
{
  /* entrun starting its network helper is not the payload. */
  if (strcmp (file, "/proc/self/exe") == 0)
    emit ("helper %s 1 %s", proc, file);
  else
    emit ("exec %s 1 %s", proc, file);
  return REAL (execve) (file, argv, envp);
}
