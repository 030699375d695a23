/* probe -- try one thing from inside a sandbox and report what happened.
 *
 * The black-box tests run `entrun ... -- probe TEST [ARGS...]` and compare
 * what it prints, so this output contract is an interface:
 *
 *   TEST: ok [DETAIL]    the action succeeded                        exit 0
 *   TEST: errno NAME     it failed; NAME is the symbolic errno       exit 1
 *                        (EPERM, ENOSYS, ...), or the decimal number
 *                        when it is not in our table ("errno 123")
 *   (message on stderr)  unknown TEST, missing or bad argument       exit 2
 *
 * Exactly one line on stdout, except:
 *   caps, status   one "TEST: KEY VALUE" line per /proc/self/status field
 *                  (e.g. "caps: CapEff 0000000000000000"), exit 0
 *   fds            "fds: open FD FD..." and exit 1 when descriptors other
 *                  than 0-2 are open ("fds: ok" otherwise)
 *   exit N         prints nothing, exits with status N
 *   signal N       prints nothing, dies by signal N
 *   tcp-self-connect  "tcp-self-connect: listen: errno NAME" (exit 1)
 *                  when it could not even listen: the errno line is the
 *                  connect's
 * DETAIL is only printed by read (byte count), pids (count), uid
 * ("UID GID"), hostname (NAME), swap (how many swaps), tty-state
 * ("ldisc N excl N [nonblock N]"), kill-child ("killed") and
 * landlock-abi (the version).
 *
 * A seccomp filter that kills rather than fails the call (SIGSYS, e.g.
 * libseccomp's default action for an architecture the filter does not
 * cover, hit by int80-* and x32-*) leaves no line at all: the caller sees
 * the signal in the exit status (128+31).
 *
 * TEST names an action, never a verdict: whether "ok" is good news depends
 * on the sandbox, and that is for the test script to decide.  Each test is
 * independent of every other; none depends on having run another first.
 *
 * The probed action goes through syscall(2) with SYS_* numbers so that no
 * libc wrapper hides the kernel's answer (glibc's clone, fork, setuid and
 * posix_spawn make other calls or fall back on ENOSYS).  Plumbing around
 * the action (opendir, poll, getaddrinfo) uses libc.
 *
 * Standalone on purpose -- libc and <linux/...> only, no project headers --
 * so that the probe cannot share a bug with the code it checks.  Modelled
 * on bubblewrap's tests/try-syscall.c.  */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/tiocl.h>

#define UNUSED __attribute__ ((unused))

/* Syscalls newer than some libc headers.  From 424 on, numbers are the
   same on every architecture, so these fallbacks are portable.  */
#ifndef SYS_io_uring_setup
# define SYS_io_uring_setup 425
#endif
#ifndef SYS_open_tree
# define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
# define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
# define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
# define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
# define SYS_fsmount 432
#endif
#ifndef SYS_fspick
# define SYS_fspick 433
#endif
#ifndef SYS_clone3
# define SYS_clone3 435
#endif
#ifndef SYS_mount_setattr
# define SYS_mount_setattr 442
#endif
#ifndef SYS_landlock_create_ruleset
# define SYS_landlock_create_ruleset 444
#endif
#ifndef RENAME_EXCHANGE
# define RENAME_EXCHANGE (1 << 1)
#endif

/* <sys/mount.h> clashes with <linux/mount.h>, which we need for the new
   mount API, so take umount2's flag from the kernel ABI directly.  */
#ifndef MNT_DETACH
# define MNT_DETACH 2
#endif

/* A sandbox that silently drops packets must fail the test quickly rather
   than hang it, so every network wait is bounded.  */
#define PROBE_TIMEOUT_MS 2000

#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* Besides 0 (ok) and a positive errno, a test may return one of these.  */
enum
{
  PROBE_USAGE = -1,        /* bad argument, already explained on stderr */
  PROBE_PRINTED_OK = -2,   /* the test printed its own lines; exit 0 */
  PROBE_PRINTED_FAIL = -3, /* the test printed its own lines; exit 1 */
};

struct probe_ctx
{
  const char *name;  /* the TEST word, first on every output line */
  char **args;
  int nargs;
  char detail[256];  /* optional text after "ok" */
};

typedef int (*probe_fn) (struct probe_ctx *ctx);

static void print_errno (const char *name, int err);

/* ---- helpers ---------------------------------------------------------- */

/* A raw syscall's return value as 0 or a positive errno.  */
static int
check (long ret)
{
  return ret == -1 ? errno : 0;
}

/* For calls that return a descriptor: we only want to know whether the
   kernel hands one out, so close it at once.  */
static int
check_fd (long fd)
{
  if (fd == -1)
    return errno;
  close ((int) fd);
  return 0;
}

static bool
parse_long (const char *s, long min, long max, long *out)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* Argument I as a number in [MIN, MAX], or DFLT when it was not given.  */
static int
arg_long (struct probe_ctx *ctx, int i, long min, long max, long dflt,
          long *out)
{
  if (i >= ctx->nargs)
    {
      *out = dflt;
      return 0;
    }
  if (parse_long (ctx->args[i], min, max, out))
    return 0;
  fprintf (stderr, "probe: %s: bad number '%s' (want %ld..%ld)\n",
           ctx->name, ctx->args[i], min, max);
  return PROBE_USAGE;
}

static int
reap (pid_t pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

static void
sleep_ms (long ms)
{
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* ---- mount, namespaces, clone ------------------------------------------ */

static int
probe_mount (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_mount, "none", "/tmp", "tmpfs", 0L, NULL));
}

static int
probe_umount (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_umount2, "/proc", (long) MNT_DETACH));
}

static int
probe_unshare_user (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_unshare, (long) CLONE_NEWUSER));
}

static int
probe_unshare_ns (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_unshare, (long) CLONE_NEWNS));
}

static int
probe_unshare_net (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_unshare, (long) CLONE_NEWNET));
}

/* Raw clone with fork semantics (no new stack, all pointers 0, so the
   per-architecture argument order does not matter).  glibc's clone()
   insists on a stack and fork() picks its own flags; both would blur what
   the filter does with exactly these flags.  */
static int
clone_and_reap (unsigned long flags)
{
  long pid = syscall (SYS_clone, (long) (flags | SIGCHLD), 0L, 0L, 0L, 0L);

  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  reap ((pid_t) pid);
  return 0;
}

static int
probe_clone_plain (struct probe_ctx *ctx UNUSED)
{
  return clone_and_reap (0);
}

static int
probe_clone_newuser (struct probe_ctx *ctx UNUSED)
{
  return clone_and_reap (CLONE_NEWUSER);
}

static int
probe_clone_newns (struct probe_ctx *ctx UNUSED)
{
  return clone_and_reap (CLONE_NEWNS);
}

static int
probe_clone_newpid (struct probe_ctx *ctx UNUSED)
{
  return clone_and_reap (CLONE_NEWPID);
}

static int
probe_clone_newnet (struct probe_ctx *ctx UNUSED)
{
  return clone_and_reap (CLONE_NEWNET);
}

/* A seccomp filter cannot look inside clone3's struct, so a sandbox must
   answer ENOSYS (libc then falls back on clone, whose flags it can see).
   The struct asks for nothing but a plain child, so if the call does get
   through, no namespace is created.  */
static int
probe_clone3 (struct probe_ctx *ctx UNUSED)
{
  struct clone_args args;
  long pid;

  memset (&args, 0, sizeof args);
  args.exit_signal = SIGCHLD;
  pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    _exit (0);
  if (pid < 0)
    return errno;
  reap ((pid_t) pid);
  return 0;
}

/* Joining our own network namespace changes nothing, yet a filter that
   denies setns still has to say no.  */
static int
probe_setns (struct probe_ctx *ctx UNUSED)
{
  int fd = open ("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  int err;

  if (fd < 0)
    return errno;
  err = check (syscall (SYS_setns, (long) fd, (long) CLONE_NEWNET));
  close (fd);
  return err;
}

static int
probe_pivot_root (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_pivot_root, "/", "/"));
}

/* ---- the new mount API -------------------------------------------------
   Minimal arguments: EPERM is what a sandbox filter (or the kernel's own
   may_mount check) gives; any other errno means the kernel parsed the
   call.  */

static int
probe_fsopen (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_fsopen, "tmpfs", (long) FSOPEN_CLOEXEC));
}

static int
probe_open_tree (struct probe_ctx *ctx UNUSED)
{
  long flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;

  return check_fd (syscall (SYS_open_tree, (long) AT_FDCWD, "/", flags));
}

/* Clearing MOUNT_ATTR_RDONLY is the very escape a read-only sandbox must
   stop.  An all-zero attr would prove nothing: the kernel returns 0 for
   such a no-op before it checks any permission.  */
static int
probe_mount_setattr (struct probe_ctx *ctx UNUSED)
{
  struct mount_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.attr_clr = MOUNT_ATTR_RDONLY;
  return check (syscall (SYS_mount_setattr, (long) AT_FDCWD, "/", 0L,
                         &attr, sizeof attr));
}

/* Clear the read-only flag of the mounts at and below DIR: what a payload
   holding CAP_SYS_ADMIN (security.admin) would try on a read-only path.  */
static int
probe_clear_rdonly (struct probe_ctx *ctx)
{
  struct mount_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.attr_clr = MOUNT_ATTR_RDONLY;
  return check (syscall (SYS_mount_setattr, (long) AT_FDCWD, ctx->args[0],
                         (long) AT_RECURSIVE, &attr, sizeof attr));
}

/* fd -1: even a kernel that lets the call through mounts nothing; it
   answers EBADF (or EPERM from its own capability check).  */
static int
probe_fsmount (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_fsmount, -1L, (long) FSMOUNT_CLOEXEC, 0L));
}

static int
probe_move_mount (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_move_mount, -1L, "", (long) AT_FDCWD, "/tmp",
                         (long) MOVE_MOUNT_F_EMPTY_PATH));
}

/* Reconfiguring the mount of / is what fspick is for; the descriptor is
   closed at once, so nothing is reconfigured even where it is allowed.  */
static int
probe_fspick (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_fspick, (long) AT_FDCWD, "/",
                            (long) FSPICK_CLOEXEC));
}

/* fd -1: fsconfig makes no capability check of its own, so a kernel that
   sees the call answers EINVAL or EBADF; EPERM can only come from a
   filter.  */
static int
probe_fsconfig (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_fsconfig, -1L, (long) FSCONFIG_CMD_CREATE,
                         NULL, NULL, 0L));
}

/* The *-badflags tests pass a flag no kernel knows.  open_tree and
   mount_setattr check their flags before any capability, so a kernel that
   sees them answers EINVAL even to a caller without privileges: EPERM then
   means a filter stopped the call, whatever the caller's capabilities.  */
#define PROBE_BAD_FLAG 0x40000000L

static int
probe_open_tree_badflags (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_open_tree, (long) AT_FDCWD, "/",
                            OPEN_TREE_CLOEXEC | PROBE_BAD_FLAG));
}

static int
probe_mount_setattr_badflags (struct probe_ctx *ctx UNUSED)
{
  struct mount_attr attr;

  memset (&attr, 0, sizeof attr);
  return check (syscall (SYS_mount_setattr, (long) AT_FDCWD, "/",
                         PROBE_BAD_FLAG, &attr, sizeof attr));
}

/* fd -1: a kernel that sees the call answers EBADF, to any caller.  */
static int
probe_setns_badfd (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_setns, -1L, 0L));
}

/* ---- kernel-wide operations ---------------------------------------------
   Arguments chosen so that nothing changes even where the call is
   allowed.  */

static int
probe_keyctl (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_keyctl, (long) KEYCTL_GET_KEYRING_ID,
                         (long) KEY_SPEC_SESSION_KEYRING, 0L));
}

static int
probe_add_key (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_add_key, "user", "probe", "x", 1L,
                         (long) KEY_SPEC_PROCESS_KEYRING));
}

/* A one-slot array map: the simplest bpf object to create.  */
static int
probe_bpf (struct probe_ctx *ctx UNUSED)
{
  union bpf_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = sizeof (uint32_t);
  attr.value_size = sizeof (uint32_t);
  attr.max_entries = 1;
  return check_fd (syscall (SYS_bpf, (long) BPF_MAP_CREATE, &attr,
                            sizeof attr));
}

/* User-space-only counting, so that perf_event_paranoid=2 alone does not
   refuse it: a refusal then comes from the sandbox.  */
static int
probe_perf (struct probe_ctx *ctx UNUSED)
{
  struct perf_event_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  attr.disabled = 1;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return check_fd (syscall (SYS_perf_event_open, &attr, 0L, -1L, -1L,
                            (long) PERF_FLAG_FD_CLOEXEC));
}

static int
probe_kexec (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_kexec_load, 0L, 0L, NULL, 0L));
}

static int
probe_init_module (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_finit_module, -1L, "", 0L));
}

/* CAD_OFF only says what Ctrl-Alt-Del does; it reboots nothing.  */
static int
probe_reboot (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_reboot, (long) LINUX_REBOOT_MAGIC1,
                         (long) LINUX_REBOOT_MAGIC2,
                         (long) LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int
probe_swapon (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_swapon, "/nonexistent", 0L));
}

static int
probe_acct (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_acct, NULL));
}

/* Set the clock to the time it already shows: a sandbox must refuse the
   request, but if it is let through the clock barely moves.  */
static int
probe_settime (struct probe_ctx *ctx UNUSED)
{
  struct timespec now;

  if (clock_gettime (CLOCK_REALTIME, &now) < 0)
    return errno;
  return check (syscall (SYS_clock_settime, (long) CLOCK_REALTIME, &now));
}

/* SYSLOG_ACTION_SIZE_BUFFER: reads nothing, but is still gated by
   dmesg_restrict and by the filter.  */
static int
probe_syslog (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_syslog, 10L, NULL, 0L));
}

static int
probe_iopl (struct probe_ctx *ctx UNUSED)
{
#if defined __x86_64__
  return check (syscall (SYS_iopl, 3L));
#else
  return ENOSYS;
#endif
}

/* The 2014 "shocker" container escape: a forged handle opens a file
   outside the sandbox's root.  A zeroed handle is enough to reach the
   capability check.  */
static int
probe_open_by_handle_at (struct probe_ctx *ctx UNUSED)
{
  struct file_handle *fh = calloc (1, sizeof *fh + 8);
  int root, err;

  if (fh == NULL)
    return ENOMEM;
  fh->handle_bytes = 8;
  root = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    err = errno;
  else
    {
      err = check_fd (syscall (SYS_open_by_handle_at, (long) root, fh,
                               (long) O_RDONLY));
      close (root);
    }
  free (fh);
  return err;
}

/* What gdb asks for; debug.ptrace grants it.  */
static int
probe_personality_noaslr (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_personality, (long) ADDR_NO_RANDOMIZE));
}

/* 0xffffffff only reads the current persona, which every profile allows.  */
static int
probe_personality_query (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_personality, 0xffffffffL));
}

static int
probe_mlock (struct probe_ctx *ctx UNUSED)
{
  long page = sysconf (_SC_PAGESIZE);
  void *p = mmap (NULL, (size_t) page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int err;

  if (p == MAP_FAILED)
    return errno;
  err = check (syscall (SYS_mlock, p, page));
  munmap (p, (size_t) page);
  return err;
}

/* ---- ptrace and friends ------------------------------------------------ */

static int
probe_ptrace_traceme (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_ptrace, (long) PTRACE_TRACEME, 0L, 0L, 0L));
}

/* PTRACE_SEIZE, not PTRACE_ATTACH: the kernel runs the same permission
   checks for both, but ATTACH sends SIGSTOP, and our parent (the test
   harness, or the sandbox's pid 1) would stay stopped after we exit.
   Exiting detaches a seized tracee with no trace left.  */
static int
probe_ptrace_attach_parent (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_ptrace, (long) PTRACE_SEIZE, (long) getppid (),
                         0L, 0L));
}

static int
probe_process_vm_readv (struct probe_ctx *ctx UNUSED)
{
  static const char src[] = "probe";
  char dst[sizeof src];
  struct iovec local = { dst, sizeof dst };
  struct iovec remote = { (void *) src, sizeof src };

  return check (syscall (SYS_process_vm_readv, (long) getpid (), &local, 1L,
                         &remote, 1L, 0L));
}

static void print_errno (const char *name, int err);
static bool all_digits (const char *s);

/* ---- the supervisor: pid 1 (or whatever started the probe) ------------- */

/* The state letter of process @pid, or 0 when it is gone.  */
static char
state_of (pid_t pid)
{
  char path[64], buf[512], *end;
  FILE *f;
  size_t n;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  if ((f = fopen (path, "re")) == NULL)
    return 0;
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  end = strrchr (buf, ')');
  return end != NULL && end[1] == ' ' ? end[2] : 0;
}

static void
say (const char *what, int err)
{
  char name[64];

  snprintf (name, sizeof name, "supervisor %s", what);
  if (err == 0)
    printf ("%s: ok\n", name);
  else
    print_errno (name, err);
}

/* Every way in to the process that started us (pid 1 when the probe is
   the payload), one line each: "ok" is an attack that worked.  */
static int
probe_supervisor (struct probe_ctx *ctx UNUSED)
{
  pid_t pid = getppid ();
  char path[320], link[PATH_MAX], c;
  struct iovec local = { &c, 1 }, remote = { (void *) &probe_supervisor, 1 };
  int err = ENOENT, fd;
  DIR *d;

  say ("ptrace", check (syscall (SYS_ptrace, (long) PTRACE_SEIZE, (long) pid, 0L, 0L)));
  say ("process_vm_readv",
       check (syscall (SYS_process_vm_readv, (long) pid, &local, 1L, &remote, 1L, 0L)));
  /* What its descriptors lead to (a directory is a way out of the mount
     namespace), then a write into any of its pipes (the status pipe to
     entrun).  */
  snprintf (path, sizeof path, "/proc/%d/fd", (int) pid);
  d = opendir (path);
  if (d == NULL)
    err = errno;
  for (struct dirent *e; d != NULL && (e = readdir (d)) != NULL;)
    if (e->d_name[0] != '.')
      {
        snprintf (path, sizeof path, "/proc/%d/fd/%s", (int) pid, e->d_name);
        err = readlink (path, link, sizeof link) < 0 ? errno : 0;
        if (err == 0)
          break;
      }
  if (d != NULL)
    closedir (d);
  say ("fd", err);
  err = ENOENT;
  for (int n = 0; n < 64; n++)
    {
      snprintf (path, sizeof path, "/proc/%d/fd/%d", (int) pid, n);
      fd = open (path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0)
        {
          close (fd);
          err = 0;
          break;
        }
      if (errno != ENOENT)
        err = errno;
    }
  say ("fd-write", err);
  snprintf (path, sizeof path, "/proc/%d/mem", (int) pid);
  say ("mem", check_fd (open (path, O_RDONLY | O_CLOEXEC)));
  snprintf (path, sizeof path, "/proc/%d/environ", (int) pid);
  say ("environ", check_fd (open (path, O_RDONLY | O_CLOEXEC)));
  snprintf (path, sizeof path, "/proc/%d/root", (int) pid);
  say ("root", check (readlink (path, link, sizeof link)));
  snprintf (path, sizeof path, "/proc/%d/cwd", (int) pid);
  say ("cwd", check (readlink (path, link, sizeof link)));
  /* Its scheduling and limits: starved (SCHED_IDLE, nice 19, idle I/O,
     one CPU) or with its CPU time cut, pid 1 could no longer end the
     sandbox on time.  By pid, by process group (ours may be its), by
     user.  */
  {
    struct sched_param sp = { 0 };
    struct rlimit rl;
    cpu_set_t set;

    say ("sched", check (syscall (SYS_sched_setscheduler, (long) pid, (long) SCHED_IDLE, &sp)));
    say ("nice", check (setpriority (PRIO_PROCESS, (id_t) pid, 19)));
    say ("nice-group", check (setpriority (PRIO_PGRP, 0, 19)));
    say ("nice-user", check (setpriority (PRIO_USER, 0, 19)));
    say ("ioprio", check (syscall (SYS_ioprio_set, 1L, (long) pid, (long) (3 << 13))));
    CPU_ZERO (&set);
    CPU_SET (0, &set);
    say ("affinity", check (sched_setaffinity (pid, sizeof set, &set)));
    say ("prlimit", check (prlimit (pid, RLIMIT_CPU, NULL, &rl) == 0
                           ? prlimit (pid, RLIMIT_CPU, &rl, NULL) : -1));
    /* Ours back to normal, in case it worked on ourselves too.  */
    setpriority (PRIO_PROCESS, 0, 0);
  }
  /* SIGSTOP: "ok" if it stopped (then it goes on again).  */
  if (kill (pid, SIGSTOP) < 0)
    say ("SIGSTOP", errno);
  else
    {
      usleep (200000);
      c = state_of (pid);
      printf ("supervisor SIGSTOP: %s\n", c == 'T' || c == 't' ? "ok" : "ignored");
      kill (pid, SIGCONT);
    }
  fflush (stdout);
  return PROBE_PRINTED_OK;
}

/* kill(getppid(), SIG), then "ok gone" if it is gone 0.2 s later (we may
   not live to say so), "ok stopped" (then it goes on), or "ok alive".  */
static int
probe_kill_parent (struct probe_ctx *ctx)
{
  pid_t pid = getppid ();
  long sig;
  char c;
  int ret = arg_long (ctx, 0, 1, 64, 0, &sig);

  if (ret != 0)
    return ret;
  if (kill (pid, (int) sig) < 0)
    return errno;
  usleep (200000);
  c = state_of (pid);
  snprintf (ctx->detail, sizeof ctx->detail, "%s",
            c == 0 || c == 'Z' ? "gone" : c == 'T' || c == 't' ? "stopped" : "alive");
  if (c == 'T' || c == 't')
    kill (pid, SIGCONT);
  return 0;
}

/* pidfd_send_signal(0) through a /proc/PID directory, and kill(PID, 0):
   can we signal host process PID (listed in a host /proc)?  */
static int
probe_signal_pid (struct probe_ctx *ctx)
{
  char path[64];
  long pid;
  int ret = arg_long (ctx, 0, 1, 1L << 22, 0, &pid), fd, err;

  if (ret != 0)
    return ret;
  snprintf (path, sizeof path, "/proc/%ld", pid);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  err = check (syscall (SYS_pidfd_send_signal, (long) fd, 0L, 0L, 0L));
  close (fd);
  if (err == 0)
    {
      snprintf (ctx->detail, sizeof ctx->detail, "pidfd");
      return 0;
    }
  if (kill ((pid_t) pid, 0) == 0)
    {
      /* Our own PID namespace may have a process of that number: is it
         the one /proc names?  */
      snprintf (ctx->detail, sizeof ctx->detail, "kill");
      return 0;
    }
  return err;
}

/* A fork bomb for SECS seconds: every process forks without end, spinning
   on failure as a real one would.  Then more forks until one fails (8192
   at most), the process count in /proc, how that fork failed, and
   everything else is killed.  TAG, in
   the command line only, lets the caller find the bomb's processes.  */
static int
probe_fork_bomb (struct probe_ctx *ctx)
{
  long secs;
  int ret = arg_long (ctx, 0, 1, 60, 0, &secs);
  struct timespec end, now;
  pid_t child;
  DIR *d;
  struct dirent *e;
  long n = 0;

  if (ret != 0)
    return ret;
  clock_gettime (CLOCK_MONOTONIC, &end);
  end.tv_sec += secs;
  child = fork ();
  if (child == 0)
    for (;;)
      {
        clock_gettime (CLOCK_MONOTONIC, &now);
        if (now.tv_sec > end.tv_sec + 5)
          _exit (0); /* bounded, should nothing kill it */
        fork ();
      }
  do
    {
      usleep (100000);
      clock_gettime (CLOCK_MONOTONIC, &now);
    }
  while (now.tv_sec < end.tv_sec
         || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
  /* Fill up to the limit, if the bomb has not: 8192 more at most.  */
  for (int i = 0; i < 8192 && ret == 0; i++)
    {
      child = fork ();
      if (child == 0)
        {
          pause ();
          _exit (0);
        }
      ret = child < 0 ? errno : 0;
    }
  if ((d = opendir ("/proc")) != NULL)
    {
      while ((e = readdir (d)) != NULL)
        n += all_digits (e->d_name);
      closedir (d);
    }
  kill (-1, SIGKILL);
  snprintf (ctx->detail, sizeof ctx->detail, "%ld processes, then fork: %s", n,
            ret == 0 ? "ok" : ret == EAGAIN ? "EAGAIN" : strerror (ret));
  return 0;
}

static int
probe_userfaultfd (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_userfaultfd, (long) O_CLOEXEC));
}

static int
probe_io_uring (struct probe_ctx *ctx UNUSED)
{
  struct io_uring_params params;

  memset (&params, 0, sizeof params);
  return check_fd (syscall (SYS_io_uring_setup, 1L, &params));
}

/* ---- other ABIs: int $0x80 and x32 -------------------------------------
   A filter written for x86_64 numbers alone is bypassed by calling the
   same syscall through the i386 or x32 entry points.  */

#if defined __x86_64__

# define I386_NR_GETPID 20
# define I386_NR_MOUNT 21
# define I386_NR_UNSHARE 310
# define X32_NR_UNSHARE 272

static sigjmp_buf int80_env;

static void
int80_fault (int sig UNUSED)
{
  siglongjmp (int80_env, 1);
}

/* An i386 syscall from 64-bit code.  The kernel keeps only the low 32 bits
   of each argument, hence MAP_32BIT for anything passed by pointer.  */
static long
int80 (long nr, long a1, long a2, long a3, long a4, long a5)
{
  long ret;

  __asm__ volatile ("int $0x80"
                    : "=a" (ret)
                    : "0" (nr), "b" (a1), "c" (a2), "d" (a3), "S" (a4),
                      "D" (a5)
                    : "memory", "cc", "r8", "r9", "r10", "r11");
  return ret;
}

/* Without IA32 emulation (CONFIG_IA32_EMULATION=n or ia32_emulation=0)
   the instruction faults instead of entering the kernel: there are no
   i386 syscalls to bypass anything with, which we report as ENOSYS.
   A holds the five arguments.  */
static int
int80_check5 (long nr, const long *a)
{
  struct sigaction sa, old;
  volatile int ret = -ENOSYS;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = int80_fault;
  sigaction (SIGSEGV, &sa, &old);
  if (sigsetjmp (int80_env, 1) == 0)
    ret = (int) int80 (nr, a[0], a[1], a[2], a[3], a[4]);
  sigaction (SIGSEGV, &old, NULL);
  return ret < 0 && ret >= -4095 ? -ret : 0;
}

static int
int80_check (long nr, long a1, long a2, long a3)
{
  const long a[5] = { a1, a2, a3, 0, 0 };

  return int80_check5 (nr, a);
}

static int
probe_int80_getpid (struct probe_ctx *ctx UNUSED)
{
  return int80_check (I386_NR_GETPID, 0, 0, 0);
}

static int
probe_int80_unshare (struct probe_ctx *ctx UNUSED)
{
  return int80_check (I386_NR_UNSHARE, CLONE_NEWUSER, 0, 0);
}

static int
probe_int80_mount (struct probe_ctx *ctx UNUSED)
{
  static const char strings[] = "none\0/tmp\0tmpfs";
  char *low = mmap (NULL, 4096, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  int err;

  if (low == MAP_FAILED)
    return errno;
  memcpy (low, strings, sizeof strings);
  err = int80_check (I386_NR_MOUNT, (long) low, (long) (low + 5),
                     (long) (low + 10));
  munmap (low, 4096);
  return err;
}

/* Kernels built without x32 (or booted with x32 off) answer ENOSYS.  */
static int
probe_x32_unshare (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (__X32_SYSCALL_BIT | X32_NR_UNSHARE,
                         (long) CLONE_NEWUSER));
}

#else /* !__x86_64__ */

static int
probe_no_such_abi (struct probe_ctx *ctx UNUSED)
{
  return ENOSYS;
}

# define probe_int80_getpid probe_no_such_abi
# define probe_int80_unshare probe_no_such_abi
# define probe_int80_mount probe_no_such_abi
# define probe_x32_unshare probe_no_such_abi

#endif

/* ---- terminal injection ---------------------------------------------- */

/* The kernel takes the ioctl request as an unsigned int and drops bit 32,
   but a seccomp filter comparing all 64 bits would not match it: the
   bypass of CVE-2019-10063.  */
#if __SIZEOF_LONG__ == 8
# define IOCTL_HIGH_BIT (1UL << 32)
#else
# define IOCTL_HIGH_BIT 0UL
#endif

static int
tiocsti_fd (int fd, unsigned long high)
{
  char c = ' ';

  return check (syscall (SYS_ioctl, (long) fd, (unsigned long) TIOCSTI | high,
                         &c));
}

/* Only a read-only subcode: if the call gets through, nothing changes.  */
static int
tioclinux_fd (int fd, unsigned long high)
{
  char subcode = TIOCL_GETSHIFTSTATE;

  return check (syscall (SYS_ioctl, (long) fd,
                         (unsigned long) TIOCLINUX | high, &subcode));
}

static int
probe_tiocsti (struct probe_ctx *ctx)
{
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return tiocsti_fd ((int) fd, 0);
}

static int
probe_tiocsti_highbit (struct probe_ctx *ctx)
{
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return tiocsti_fd ((int) fd, IOCTL_HIGH_BIT);
}

static int
probe_tioclinux (struct probe_ctx *ctx)
{
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return tioclinux_fd ((int) fd, 0);
}

static int
probe_tioclinux_highbit (struct probe_ctx *ctx)
{
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return tioclinux_fd ((int) fd, IOCTL_HIGH_BIT);
}

/* In a new session, open the pty slave without O_NOCTTY so that it becomes
   our controlling terminal: TIOCSTI into any other terminal is EPERM for
   an unprivileged caller whatever the sandbox does, and the test would
   prove nothing.  Where dev.tty.legacy_tiocsti is 0 the kernel itself
   answers EIO.  Runs in a child, as setsid fails for a group leader.  */
static int
tiocsti_ctty (const char *path, unsigned long high)
{
  int fd;

  if (setsid () < 0)
    return errno;
  fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return errno;
  return tiocsti_fd (fd, high);
}

/* The child reports its errno (always < 256) as its exit status.  */
static int
tiocsti_in_child (const char *slave, unsigned long high)
{
  pid_t pid = fork ();
  int status;

  if (pid < 0)
    return errno;
  if (pid == 0)
    _exit (tiocsti_ctty (slave, high));
  status = reap (pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : ECHILD;
}

/* A fresh pty pair, so the test needs no terminal on stdin.  */
static int
tiocsti_pty (unsigned long high)
{
  char slave[PATH_MAX];
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  int err;

  if (master < 0)
    return errno;
  if (grantpt (master) < 0 || unlockpt (master) < 0)
    err = errno;
  else
    err = ptsname_r (master, slave, sizeof slave);
  if (err == 0)
    err = tiocsti_in_child (slave, high);
  close (master);
  return err;
}

static int
probe_tiocsti_pty (struct probe_ctx *ctx UNUSED)
{
  return tiocsti_pty (0);
}

static int
probe_tiocsti_pty_highbit (struct probe_ctx *ctx UNUSED)
{
  return tiocsti_pty (IOCTL_HIGH_BIT);
}

/* Inject TEXT and a newline into the terminal on fd FD, one TIOCSTI per
   byte: what an escaping sandbox would type into its caller's shell
   (CVE-2017-5226).  Stops at the first failure.  */
static int
inject (struct probe_ctx *ctx, unsigned long high)
{
  const char *text = ctx->args[1];
  size_t i, n = strlen (text);
  long fd;
  int err = 0;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  for (i = 0; i <= n && err == 0; i++)
    {
      char c = i < n ? text[i] : '\n';
      err = check (syscall (SYS_ioctl, fd, (unsigned long) TIOCSTI | high,
                            &c));
    }
  return err;
}

static int
probe_inject (struct probe_ctx *ctx)
{
  return inject (ctx, 0);
}

static int
probe_inject_highbit (struct probe_ctx *ctx)
{
  return inject (ctx, IOCTL_HIGH_BIT);
}

/* TIOCL_PASTESEL pastes the console selection into the terminal's input:
   the injection of CVE-2023-28100.  Only a virtual console has one; any
   other terminal answers ENOTTY (or EINVAL) when the call gets through.  */
static int
tioclinux_paste (struct probe_ctx *ctx, unsigned long high)
{
  char subcode = TIOCL_PASTESEL;
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return check (syscall (SYS_ioctl, fd, (unsigned long) TIOCLINUX | high,
                         &subcode));
}

static int
probe_tioclinux_paste (struct probe_ctx *ctx)
{
  return tioclinux_paste (ctx, 0);
}

static int
probe_tioclinux_paste_highbit (struct probe_ctx *ctx)
{
  return tioclinux_paste (ctx, IOCTL_HIGH_BIT);
}

/* ---- breaking the caller's terminal ------------------------------------ */

/* Besides injecting input, a payload holding the caller's terminal can
   leave it broken for the shell that gets it back, with calls that need no
   privilege on a terminal that is not even its controlling one: swap the
   line discipline (N_NULL: the shell reads nothing, and its writes fail),
   make it exclusive (every later open but root's is EBUSY), stop its
   output (the next write of the shell blocks for good), or set O_NONBLOCK
   on the shared open file description.  Each test does one of them to fd
   FD; tty-state reads back what they change.  */

#ifndef N_NULL
# define N_NULL 27
#endif
#ifndef TIOCGEXCL
# define TIOCGEXCL _IOR ('T', 0x40, int)
#endif

static int
fd_arg (struct probe_ctx *ctx, long *fd)
{
  return arg_long (ctx, 0, 0, INT_MAX, 0, fd);
}

/* tiocsetd [FD [DISC]]: DISC defaults to N_NULL.  */
static int
probe_tiocsetd (struct probe_ctx *ctx)
{
  long fd, disc;
  int d;

  if (fd_arg (ctx, &fd) < 0 || arg_long (ctx, 1, 0, INT_MAX, N_NULL, &disc) < 0)
    return PROBE_USAGE;
  d = (int) disc;
  return check (syscall (SYS_ioctl, fd, (unsigned long) TIOCSETD, &d));
}

static int
probe_tiocexcl (struct probe_ctx *ctx)
{
  long fd;

  if (fd_arg (ctx, &fd) < 0)
    return PROBE_USAGE;
  return check (syscall (SYS_ioctl, fd, (unsigned long) TIOCEXCL, 0L));
}

/* tcflow (FD, TCOOFF): suspends output as ^S would.  */
static int
probe_tcooff (struct probe_ctx *ctx)
{
  long fd;

  if (fd_arg (ctx, &fd) < 0)
    return PROBE_USAGE;
  return check (syscall (SYS_ioctl, fd, (unsigned long) TCXONC, (long) TCOOFF));
}

static int
probe_nonblock (struct probe_ctx *ctx)
{
  long fd, flags;

  if (fd_arg (ctx, &fd) < 0)
    return PROBE_USAGE;
  flags = syscall (SYS_fcntl, fd, (long) F_GETFL);
  if (flags < 0)
    return errno;
  return check (syscall (SYS_fcntl, fd, (long) F_SETFL, flags | O_NONBLOCK));
}

/* tty-state FD|PATH: "ok ldisc N excl N" for the terminal on FD, or opened
   at PATH (without becoming our controlling terminal): the line discipline
   (0 is N_TTY) and whether TIOCEXCL is set; for FD also "nonblock N", the
   O_NONBLOCK of its open file description.  Opening PATH fails with EBUSY
   where TIOCEXCL is set (root excepted).  */
static int
probe_tty_state (struct probe_ctx *ctx)
{
  const char *arg = ctx->args[0];
  int fd, disc = -1, excl = -1, flags = -1, err = 0;
  bool opened = !all_digits (arg);
  long n;

  if (!opened)
    {
      if (!parse_long (arg, 0, INT_MAX, &n))
        return EBADF;
      fd = (int) n;
    }
  else if ((fd = open (arg, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
    return errno;
  if (ioctl (fd, TIOCGETD, &disc) < 0 || ioctl (fd, TIOCGEXCL, &excl) < 0)
    err = errno;
  if (!opened)
    flags = fcntl (fd, F_GETFL);
  if (opened)
    close (fd);
  if (err != 0)
    return err;
  if (flags >= 0)
    snprintf (ctx->detail, sizeof ctx->detail, "ldisc %d excl %d nonblock %d",
              disc, excl, (flags & O_NONBLOCK) != 0);
  else
    snprintf (ctx->detail, sizeof ctx->detail, "ldisc %d excl %d", disc, excl);
  return 0;
}

/* ---- what the process looks like --------------------------------------- */

/* Print "NAME: KEY VALUE" if LINE ("Key:\tvalue\n") has one of KEYS.  */
static void
print_if_wanted (const char *name, char *line, const char *const *keys)
{
  char *colon = strchr (line, ':');
  char *value;
  size_t i;

  if (colon == NULL)
    return;
  *colon = '\0';
  for (i = 0; keys[i] != NULL && strcmp (line, keys[i]) != 0; i++)
    ;
  if (keys[i] == NULL)
    return;
  value = colon + 1 + strspn (colon + 1, " \t");
  value[strcspn (value, "\n")] = '\0';
  printf ("%s: %s %s\n", name, line, value);
}

static int
print_status_fields (const char *name, const char *const *keys)
{
  FILE *f = fopen ("/proc/self/status", "re");
  char line[512];

  if (f == NULL)
    return errno;
  while (fgets (line, sizeof line, f) != NULL)
    print_if_wanted (name, line, keys);
  fclose (f);
  return PROBE_PRINTED_OK;
}

static int
probe_caps (struct probe_ctx *ctx)
{
  static const char *const keys[] = {
    "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", NULL
  };

  return print_status_fields (ctx->name, keys);
}

static int
probe_status (struct probe_ctx *ctx)
{
  static const char *const keys[] = { "NoNewPrivs", "Seccomp", NULL };

  return print_status_fields (ctx->name, keys);
}

/* Invariant 3: nothing but 0-2 (and what --keep-fd asked for) leaks in.  */
static int
probe_fds (struct probe_ctx *ctx)
{
  DIR *d = opendir ("/proc/self/fd");
  char list[1024] = "";
  size_t len = 0;
  struct dirent *e;
  long fd;
  int own;

  if (d == NULL)
    return errno;
  own = dirfd (d);
  while ((e = readdir (d)) != NULL)
    {
      if (!parse_long (e->d_name, 0, INT_MAX, &fd) || fd <= 2 || fd == own)
        continue;
      if (len < sizeof list)
        len += (size_t) snprintf (list + len, sizeof list - len, " %ld", fd);
    }
  closedir (d);
  if (len == 0)
    return 0;
  printf ("%s: open%s\n", ctx->name, list);
  return PROBE_PRINTED_FAIL;
}

static int
probe_fd_open (struct probe_ctx *ctx)
{
  long fd;

  if (arg_long (ctx, 0, 0, INT_MAX, 0, &fd) < 0)
    return PROBE_USAGE;
  return check (syscall (SYS_fcntl, fd, (long) F_GETFD));
}

static bool
all_digits (const char *s)
{
  return *s != '\0' && s[strspn (s, "0123456789")] == '\0';
}

/* How many processes this /proc shows: a private PID namespace with a
   fresh /proc sees only the sandbox's own.  */
static int
probe_pids (struct probe_ctx *ctx)
{
  DIR *d = opendir ("/proc");
  struct dirent *e;
  long n = 0;

  if (d == NULL)
    return errno;
  while ((e = readdir (d)) != NULL)
    n += all_digits (e->d_name);
  closedir (d);
  snprintf (ctx->detail, sizeof ctx->detail, "%ld", n);
  return 0;
}

static int
probe_uid (struct probe_ctx *ctx)
{
  snprintf (ctx->detail, sizeof ctx->detail, "%ld %ld",
            syscall (SYS_getuid), syscall (SYS_getgid));
  return 0;
}

static int
probe_hostname (struct probe_ctx *ctx)
{
  struct utsname u;

  if (syscall (SYS_uname, &u) < 0)
    return errno;
  snprintf (ctx->detail, sizeof ctx->detail, "%s", u.nodename);
  return 0;
}

static int
probe_setuid_0 (struct probe_ctx *ctx UNUSED)
{
  return check (syscall (SYS_setuid, 0L));
}

/* kill PID SIG: kill(2), SIG 0 to ask without sending.  PID may be
   negative (a process group, -1 for every process we may signal).  */
static int
probe_kill (struct probe_ctx *ctx)
{
  long pid, sig;

  if (arg_long (ctx, 0, -(1L << 22), 1L << 22, 0, &pid) < 0
      || arg_long (ctx, 1, 0, 64, 0, &sig) < 0)
    return PROBE_USAGE;
  return check (syscall (SYS_kill, pid, sig));
}

/* pidfd-signal PID SIG: pidfd_open(PID), then pidfd_send_signal(SIG).  */
static int
probe_pidfd_signal (struct probe_ctx *ctx)
{
  long pid, sig, fd;
  int err;

  if (arg_long (ctx, 0, 1, 1L << 22, 0, &pid) < 0
      || arg_long (ctx, 1, 0, 64, 0, &sig) < 0)
    return PROBE_USAGE;
  fd = syscall (SYS_pidfd_open, pid, 0L);
  if (fd < 0)
    return errno;
  err = check (syscall (SYS_pidfd_send_signal, fd, sig, 0L, 0L));
  close ((int) fd);
  return err;
}

/* procfd-signal PID SIG: pidfd_send_signal(SIG) through a descriptor of
   the directory /proc/PID (a pidfd, to the kernel).  */
static int
probe_procfd_signal (struct probe_ctx *ctx)
{
  char path[64];
  long pid, sig;
  int fd, err;

  if (arg_long (ctx, 0, 1, 1L << 22, 0, &pid) < 0
      || arg_long (ctx, 1, 0, 64, 0, &sig) < 0)
    return PROBE_USAGE;
  snprintf (path, sizeof path, "/proc/%ld", pid);
  fd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  err = check (syscall (SYS_pidfd_send_signal, (long) fd, sig, 0L, 0L));
  close (fd);
  return err;
}

/* sigqueue-forged PID SIG: rt_sigqueueinfo(SIG) with a siginfo that
   claims a sender of pid 0 (one outside our PID namespace).  */
static int
probe_sigqueue_forged (struct probe_ctx *ctx)
{
  siginfo_t si;
  long pid, sig;

  if (arg_long (ctx, 0, 1, 1L << 22, 0, &pid) < 0
      || arg_long (ctx, 1, 0, 64, 0, &sig) < 0)
    return PROBE_USAGE;
  memset (&si, 0, sizeof si);
  si.si_signo = (int) sig;
  si.si_code = SI_QUEUE;
  si.si_pid = 0;
  si.si_uid = 0;
  return check (syscall (SYS_rt_sigqueueinfo, pid, sig, &si));
}

/* kill-child: SIGKILL a child of ours (which would otherwise sleep 10 s);
   "ok killed" when it died of it.  */
static int
probe_kill_child (struct probe_ctx *ctx)
{
  pid_t pid = fork ();
  int status, err;

  if (pid < 0)
    return errno;
  if (pid == 0)
    {
      sleep (10);
      _exit (0);
    }
  err = check (syscall (SYS_kill, (long) pid, (long) SIGKILL));
  if (err != 0)
    kill (pid, SIGKILL);
  if (waitpid (pid, &status, 0) < 0)
    return err != 0 ? err : errno;
  if (err == 0)
    snprintf (ctx->detail, sizeof ctx->detail, "%s",
              WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL ? "killed"
                                                                   : "not-killed");
  return err;
}

/* landlock-abi: the kernel's Landlock ABI version, "ok N" (EOPNOTSUPP:
   built in but disabled at boot; ENOSYS: not built in).  */
static int
probe_landlock_abi (struct probe_ctx *ctx)
{
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0L, 1L /* VERSION */);

  if (abi < 0)
    return errno;
  snprintf (ctx->detail, sizeof ctx->detail, "%ld", abi);
  return 0;
}

/* ---- files ------------------------------------------------------------- */

static int
probe_write (struct probe_ctx *ctx)
{
  long flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
  long fd = syscall (SYS_openat, (long) AT_FDCWD, ctx->args[0], flags, 0644L);
  long n;
  int err;

  if (fd < 0)
    return errno;
  n = syscall (SYS_write, fd, "x", 1L);
  err = n < 0 ? errno : n == 1 ? 0 : EIO;
  /* Some filesystems report write errors only at close.  */
  if (syscall (SYS_close, fd) < 0 && err == 0)
    err = errno;
  return err;
}

static int
probe_read (struct probe_ctx *ctx)
{
  long flags = O_RDONLY | O_CLOEXEC;
  long fd = syscall (SYS_openat, (long) AT_FDCWD, ctx->args[0], flags);
  char buf[4096];
  long n;

  if (fd < 0)
    return errno;
  n = syscall (SYS_read, fd, buf, (long) sizeof buf);
  if (n < 0)
    {
      int err = errno;

      close ((int) fd);
      return err;
    }
  close ((int) fd);
  snprintf (ctx->detail, sizeof ctx->detail, "%ld", n);
  return 0;
}

static int
probe_mkdir (struct probe_ctx *ctx)
{
  return check (syscall (SYS_mkdirat, (long) AT_FDCWD, ctx->args[0], 0755L));
}

/* Open for writing, but neither create nor truncate: the file is left as
   it was even when the open succeeds.  A running executable answers
   ETXTBSY, a read-only mount EROFS (ETXTBSY is checked first).  */
static int
probe_open_write (struct probe_ctx *ctx)
{
  return check_fd (syscall (SYS_openat, (long) AT_FDCWD, ctx->args[0],
                            (long) (O_WRONLY | O_CLOEXEC)));
}

/* As open-write, with O_TRUNC: the mount's read-only flag is checked
   before the executable's write denial, so a read-only mount answers
   EROFS even for a running binary.  A file that is opened IS truncated.  */
static int
probe_open_trunc (struct probe_ctx *ctx)
{
  return check_fd (syscall (SYS_openat, (long) AT_FDCWD, ctx->args[0],
                            (long) (O_WRONLY | O_TRUNC | O_CLOEXEC)));
}

static int
probe_rename (struct probe_ctx *ctx)
{
  return check (syscall (SYS_renameat, (long) AT_FDCWD, ctx->args[0],
                         (long) AT_FDCWD, ctx->args[1]));
}

static int
probe_unlink (struct probe_ctx *ctx)
{
  return check (syscall (SYS_unlinkat, (long) AT_FDCWD, ctx->args[0], 0L));
}

/* symlink TARGET LINK: make LINK, a symbolic link to TARGET.  */
static int
probe_symlink (struct probe_ctx *ctx)
{
  return check (syscall (SYS_symlinkat, ctx->args[0], (long) AT_FDCWD,
                         ctx->args[1]));
}

/* link FROM TO: a hard link.  */
static int
probe_link (struct probe_ctx *ctx)
{
  return check (syscall (SYS_linkat, (long) AT_FDCWD, ctx->args[0],
                         (long) AT_FDCWD, ctx->args[1], 0L));
}

/* truncate FILE: truncate(2) to 0 bytes, by name (no open).  */
static int
probe_truncate (struct probe_ctx *ctx)
{
  return check (syscall (SYS_truncate, ctx->args[0], 0L));
}

/* Swap A and B (a directory and a symbolic link, say) with
   renameat2(RENAME_EXCHANGE) for SECS seconds: a host-side racer for the
   tests of symlinks swapped in while a sandbox is set up (runc's
   CVE-2025-31133 class).  Ends with A and B as they were.  */
static int
probe_swap (struct probe_ctx *ctx)
{
  char *end = NULL;
  double secs = strtod (ctx->args[2], &end);
  struct timespec t0, t;
  long n = 0;

  if (end == ctx->args[2] || *end != '\0' || !(secs >= 0 && secs <= 600))
    {
      fprintf (stderr, "probe: swap: bad duration '%s'\n", ctx->args[2]);
      return PROBE_USAGE;
    }
  clock_gettime (CLOCK_MONOTONIC, &t0);
  do
    {
      if (syscall (SYS_renameat2, (long) AT_FDCWD, ctx->args[0],
                   (long) AT_FDCWD, ctx->args[1], (long) RENAME_EXCHANGE) < 0)
        return errno;
      n++;
      clock_gettime (CLOCK_MONOTONIC, &t);
    }
  while ((n % 2) != 0
         || (double) (t.tv_sec - t0.tv_sec)
                + (double) (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
  snprintf (ctx->detail, sizeof ctx->detail, "%ld", n);
  return 0;
}

/* ---- processes and signals --------------------------------------------- */

static int
probe_sleep (struct probe_ctx *ctx)
{
  char *end = NULL;
  double secs = strtod (ctx->args[0], &end);

  if (end == ctx->args[0] || *end != '\0' || !(secs >= 0 && secs <= 1e6))
    {
      fprintf (stderr, "probe: sleep: bad duration '%s'\n", ctx->args[0]);
      return PROBE_USAGE;
    }
  sleep_ms ((long) (secs * 1000));
  return 0;
}

static int
probe_exit (struct probe_ctx *ctx)
{
  long code;

  if (arg_long (ctx, 0, 0, 255, 0, &code) < 0)
    return PROBE_USAGE;
  _exit ((int) code);
}

/* Die by signal N even if the caller left it ignored or blocked, so that
   the 128+N exit mapping is what gets tested.  If we survive (a signal
   whose default action is to ignore), say so.  */
static int
probe_signal (struct probe_ctx *ctx)
{
  sigset_t set;
  long sig;

  if (arg_long (ctx, 0, 1, SIGRTMAX, 0, &sig) < 0)
    return PROBE_USAGE;
  signal ((int) sig, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, (int) sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  fflush (stdout);
  if (raise ((int) sig) != 0)
    return errno;
  return 0;
}

/* Leave N zombies for whoever inherits them: the sandbox's pid 1 must
   reap them.  SIGCHLD set to SIG_IGN would let the kernel reap them
   itself and hide a missing reaper, so restore the default first.  */
static int
probe_fork_zombies (struct probe_ctx *ctx)
{
  long i, n;
  pid_t pid;

  if (arg_long (ctx, 0, 1, 10000, 1, &n) < 0)
    return PROBE_USAGE;
  signal (SIGCHLD, SIG_DFL);
  for (i = 0; i < n; i++)
    {
      pid = fork ();
      if (pid == 0)
        _exit (0);
      if (pid < 0)
        return errno;
    }
  /* Long enough for a loaded machine's test to count them. */
  sleep_ms (1000);
  return 0;
}

/* ---- network ----------------------------------------------------------- */

static int
resolve (struct probe_ctx *ctx, int socktype, struct addrinfo **out)
{
  struct addrinfo hints;
  int rc;

  memset (&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socktype;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  rc = getaddrinfo (ctx->args[0], ctx->args[1], &hints, out);
  if (rc == 0)
    return 0;
  fprintf (stderr, "probe: %s: bad address '%s' port '%s': %s\n",
           ctx->name, ctx->args[0], ctx->args[1], gai_strerror (rc));
  return PROBE_USAGE;
}

static int
wait_for (int fd, short events)
{
  struct pollfd p = { .fd = fd, .events = events };
  int n;

  do
    n = poll (&p, 1, PROBE_TIMEOUT_MS);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno;
  return n == 0 ? ETIMEDOUT : 0;
}

static int
socket_error (int fd)
{
  int err = 0;
  socklen_t len = sizeof err;

  if (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
    return errno;
  return err;
}

/* Non-blocking connect, so a dropped SYN costs 2 s, not minutes.  */
static int
tcp_connect (const struct addrinfo *ai)
{
  long type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC;
  long fd = syscall (SYS_socket, (long) ai->ai_family, type, 0L);
  int err;

  if (fd < 0)
    return errno;
  if (syscall (SYS_connect, fd, ai->ai_addr, (long) ai->ai_addrlen) == 0)
    err = 0;
  else if (errno != EINPROGRESS)
    err = errno;
  else if ((err = wait_for ((int) fd, POLLOUT)) == 0)
    err = socket_error ((int) fd);
  close ((int) fd);
  return err;
}

static int
probe_tcp_connect (struct probe_ctx *ctx)
{
  struct addrinfo *ai = NULL;
  int err = resolve (ctx, SOCK_STREAM, &ai);

  if (err != 0)
    return err;
  err = tcp_connect (ai);
  freeaddrinfo (ai);
  return err;
}

/* The socket is connected so that an ICMP port-unreachable comes back as
   ECONNREFUSED rather than as a timeout.  */
static int
udp_echo (const struct addrinfo *ai)
{
  long fd = syscall (SYS_socket, (long) ai->ai_family,
                     (long) (SOCK_DGRAM | SOCK_CLOEXEC), 0L);
  char buf[512];
  int err;

  if (fd < 0)
    return errno;
  if (syscall (SYS_connect, fd, ai->ai_addr, (long) ai->ai_addrlen) < 0
      || syscall (SYS_sendto, fd, "probe", 5L, 0L, NULL, 0L) < 0)
    err = errno;
  else if ((err = wait_for ((int) fd, POLLIN)) == 0)
    err = check (syscall (SYS_recvfrom, fd, buf, (long) sizeof buf, 0L,
                          NULL, NULL));
  close ((int) fd);
  return err;
}

static int
probe_udp_echo (struct probe_ctx *ctx)
{
  struct addrinfo *ai = NULL;
  int err = resolve (ctx, SOCK_DGRAM, &ai);

  if (err != 0)
    return err;
  err = udp_echo (ai);
  freeaddrinfo (ai);
  return err;
}

/* An abstract name lives in the network namespace, a path in the mount
   namespace: a sandbox must cut both.  */
static int
unix_connect (struct probe_ctx *ctx, bool abstract)
{
  struct sockaddr_un addr;
  size_t off = abstract ? 1 : 0, len = strlen (ctx->args[0]);
  long fd;
  int err;

  if (off + len + 1 > sizeof addr.sun_path)
    {
      fprintf (stderr, "probe: %s: name too long\n", ctx->name);
      return PROBE_USAGE;
    }
  memset (&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  memcpy (addr.sun_path + off, ctx->args[0], len);
  fd = syscall (SYS_socket, (long) AF_UNIX, (long) (SOCK_STREAM | SOCK_CLOEXEC),
                0L);
  if (fd < 0)
    return errno;
  /* Abstract names are not NUL-terminated: the length is the name.  */
  err = check (syscall (SYS_connect, fd, &addr,
                        (long) (offsetof (struct sockaddr_un, sun_path) + off
                                + len + !abstract)));
  close ((int) fd);
  return err;
}

static int
probe_unix_connect (struct probe_ctx *ctx)
{
  return unix_connect (ctx, false);
}

static int
probe_unix_abstract (struct probe_ctx *ctx)
{
  return unix_connect (ctx, true);
}

static int
tcp_bind (uint32_t addr, long port, bool do_listen)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  long fd = syscall (SYS_socket, (long) AF_INET,
                     (long) (SOCK_STREAM | SOCK_CLOEXEC), 0L);
  int err;

  if (fd < 0)
    return errno;
  sin.sin_addr.s_addr = htonl (addr);
  sin.sin_port = htons ((uint16_t) port);
  err = check (syscall (SYS_bind, fd, &sin, (long) sizeof sin));
  if (err == 0 && do_listen)
    err = check (syscall (SYS_listen, fd, 1L));
  close ((int) fd);
  return err;
}

static int
probe_tcp_listen (struct probe_ctx *ctx)
{
  long port;

  if (arg_long (ctx, 0, 0, 65535, 0, &port) < 0)
    return PROBE_USAGE;
  return tcp_bind (INADDR_LOOPBACK, port, true);
}

/* tcp-self-connect PORT: listen on 127.0.0.1:PORT, then connect to it:
   the errno line is the connect's (see the top for a failed listen).  */
static int
probe_tcp_self_connect (struct probe_ctx *ctx)
{
  struct sockaddr_in sin = { .sin_family = AF_INET };
  struct addrinfo ai = { .ai_family = AF_INET, .ai_addr = (struct sockaddr *) &sin,
                         .ai_addrlen = sizeof sin };
  long port, lfd;
  int err;

  if (arg_long (ctx, 0, 1, 65535, 0, &port) < 0)
    return PROBE_USAGE;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons ((uint16_t) port);
  lfd = syscall (SYS_socket, (long) AF_INET, (long) (SOCK_STREAM | SOCK_CLOEXEC), 0L);
  if (lfd < 0)
    err = errno;
  else if ((err = check (syscall (SYS_bind, lfd, &sin, (long) sizeof sin))) == 0)
    err = check (syscall (SYS_listen, lfd, 1L));
  if (err != 0)
    {
      if (lfd >= 0)
        close ((int) lfd);
      char what[64];

      snprintf (what, sizeof what, "%s: listen", ctx->name);
      print_errno (what, err);
      return PROBE_PRINTED_FAIL;
    }
  err = tcp_connect (&ai);
  close ((int) lfd);
  return err;
}

/* Port 80 needs CAP_NET_BIND_SERVICE (unless ip_unprivileged_port_start
   says otherwise): network.admin grants it, nothing else does.  */
static int
probe_bind_low (struct probe_ctx *ctx UNUSED)
{
  return tcp_bind (INADDR_ANY, 80, false);
}

static int
probe_raw_socket (struct probe_ctx *ctx UNUSED)
{
  return check_fd (syscall (SYS_socket, (long) AF_INET,
                            (long) (SOCK_RAW | SOCK_CLOEXEC),
                            (long) IPPROTO_ICMP));
}

/* ---- seccomp policy: raw syscalls, socket families, ABIs ---------------
   Each takes numbers (decimal, 0x hex, or negative), so that the test
   script names the syscall, family or protocol and compares the answer
   inside a sandbox with the host kernel's own.  */

#define RAW_MAX_ARGS 6

/* Arguments I.. of CTX as raw 64-bit syscall arguments; 0 when absent.  */
static int
raw_args (struct probe_ctx *ctx, int first, long *out, int n)
{
  for (int i = 0; i < n; i++)
    {
      const char *a = first + i < ctx->nargs ? ctx->args[first + i] : "0";
      char *end = NULL;

      errno = 0;
      out[i] = a[0] == '-' ? strtol (a, &end, 0) : (long) strtoul (a, &end, 0);
      if (errno != 0 || end == a || *end != '\0')
        {
          fprintf (stderr, "probe: %s: bad number '%s'\n", ctx->name, a);
          return PROBE_USAGE;
        }
    }
  return 0;
}

/* syscall NR [ARG...]: the x86_64 (native) syscall NR.  A descriptor it
   may return is left open: the probe exits at once.  */
static int
probe_syscall (struct probe_ctx *ctx)
{
  long a[1 + RAW_MAX_ARGS];

  if (raw_args (ctx, 0, a, 1 + RAW_MAX_ARGS) < 0)
    return PROBE_USAGE;
  return check (syscall (a[0], a[1], a[2], a[3], a[4], a[5], a[6]));
}

/* socket FAMILY TYPE PROTOCOL, socketpair FAMILY TYPE PROTOCOL.  */
static int
probe_socket (struct probe_ctx *ctx)
{
  long a[3];

  if (raw_args (ctx, 0, a, 3) < 0)
    return PROBE_USAGE;
  return check_fd (syscall (SYS_socket, a[0], a[1], a[2]));
}

static int
probe_socketpair (struct probe_ctx *ctx)
{
  long a[3];
  int sv[2];
  int err;

  if (raw_args (ctx, 0, a, 3) < 0)
    return PROBE_USAGE;
  err = check (syscall (SYS_socketpair, a[0], a[1], a[2], sv));
  if (err == 0)
    {
      close (sv[0]);
      close (sv[1]);
    }
  return err;
}

/* ptrace-as NAME COUNT: name ourselves NAME (our comm, which entrun's
   denial hints quote) and try PTRACE_TRACEME COUNT times; the errno of
   the last try, and every try must fail alike.  */
static int
probe_ptrace_as (struct probe_ctx *ctx)
{
  long count;
  int first = 0, err = 0;

  if (arg_long (ctx, 1, 1, 10000000, 1, &count) < 0)
    return PROBE_USAGE;
  if (prctl (PR_SET_NAME, ctx->args[0], 0, 0, 0) < 0)
    return errno;
  for (long i = 0; i < count; i++)
    {
      err = check (syscall (SYS_ptrace, (long)PTRACE_TRACEME, 0L, 0L, 0L));
      if (i == 0)
        first = err;
      else if (err != first)
        return EPROTO;
    }
  return err;
}

/* calls KIND N: make N calls of KIND and print the mean cost of one in
   ns: getppid (allowed everywhere), ptrace (PTRACE_TRACEME: denied,
   a denial hint's call), bpf (denied, no hint), mlock (one page: a
   watched call, allowed), connect (a UDP socket to 127.0.0.1:9: under
   network.none, a watched call).  For tests/bench/hints.sh.  */
static int
probe_calls (struct probe_ctx *ctx)
{
  static char page[4096] __attribute__ ((aligned (4096)));
  const char *kind = ctx->args[0];
  struct timespec t0, t1;
  long n;

  if (arg_long (ctx, 1, 1, 100000000, 1, &n) < 0)
    return PROBE_USAGE;
  static const struct sockaddr_in lo
      = { .sin_family = AF_INET, .sin_port = 0x0900, .sin_addr = { 0x0100007f } }; /* 127.0.0.1:9 */
  int sock = -1;

  if (strcmp (kind, "getppid") && strcmp (kind, "ptrace") && strcmp (kind, "bpf")
      && strcmp (kind, "mlock") && strcmp (kind, "connect"))
    return PROBE_USAGE;
  if (kind[0] == 'c' && (sock = socket (AF_INET, SOCK_DGRAM, 0)) < 0)
    return errno;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++)
    if (kind[0] == 'g')
      syscall (SYS_getppid);
    else if (kind[0] == 'p')
      syscall (SYS_ptrace, (long)PTRACE_TRACEME, 0L, 0L, 0L);
    else if (kind[0] == 'b')
      syscall (SYS_bpf, 0L, 0L, 0L);
    else if (kind[0] == 'c')
      syscall (SYS_connect, (long)sock, &lo, (long)sizeof lo);
    else
      syscall (SYS_mlock, page, sizeof page);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  printf ("%s %ld %.1f\n", kind, n,
          ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)n);
  return 0;
}

/* mlock-bytes N: lock N bytes of fresh anonymous memory.  */
static int
probe_mlock_bytes (struct probe_ctx *ctx)
{
  long n;
  void *p;
  int err;

  if (arg_long (ctx, 0, 1, LONG_MAX, 1, &n) < 0)
    return PROBE_USAGE;
  p = mmap (NULL, (size_t) n, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return errno;
  err = check (syscall (SYS_mlock, p, n));
  munmap (p, (size_t) n);
  return err;
}

#if defined __x86_64__

# define I386_NR_SOCKET 359
# define I386_NR_SOCKETCALL 102
# define X32_NR_SOCKET 41

/* x32-syscall NR [ARG...]: NR through the x32 ABI (the bit is added).  */
static int
probe_x32_syscall (struct probe_ctx *ctx)
{
  long a[1 + RAW_MAX_ARGS];

  if (raw_args (ctx, 0, a, 1 + RAW_MAX_ARGS) < 0)
    return PROBE_USAGE;
  return check (syscall (__X32_SYSCALL_BIT | a[0], a[1], a[2], a[3], a[4],
                         a[5], a[6]));
}

/* int80-syscall NR [ARG...]: NR through int $0x80 (pointers cannot be
   passed: the kernel keeps 32 bits of each argument).  */
static int
probe_int80_syscall (struct probe_ctx *ctx)
{
  long a[1 + 5];

  if (ctx->nargs > 6)
    {
      fprintf (stderr, "probe: %s: at most 5 arguments\n", ctx->name);
      return PROBE_USAGE;
    }
  if (raw_args (ctx, 0, a, 6) < 0)
    return PROBE_USAGE;
  return int80_check5 (a[0], a + 1);
}

static int
probe_x32_socket (struct probe_ctx *ctx)
{
  long a[3];

  if (raw_args (ctx, 0, a, 3) < 0)
    return PROBE_USAGE;
  return check_fd (syscall (__X32_SYSCALL_BIT | X32_NR_SOCKET, a[0], a[1],
                            a[2]));
}

/* int80-socket FAMILY TYPE PROTOCOL: i386's direct socket() (Linux 4.3).  */
static int
probe_int80_socket (struct probe_ctx *ctx)
{
  long a[5] = { 0 };

  if (raw_args (ctx, 0, a, 3) < 0)
    return PROBE_USAGE;
  return int80_check5 (I386_NR_SOCKET, a);
}

/* int80-socketcall CALL FAMILY TYPE PROTOCOL: socketcall(CALL, args), the
   arguments in memory below 4 GiB where the filter cannot read them.  */
static int
probe_int80_socketcall (struct probe_ctx *ctx)
{
  long a[4];
  uint32_t *low;
  long call[5] = { 0 };
  int err;

  if (raw_args (ctx, 0, a, 4) < 0)
    return PROBE_USAGE;
  low = mmap (NULL, 4096, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (low == MAP_FAILED)
    return errno;
  low[0] = (uint32_t) a[1];
  low[1] = (uint32_t) a[2];
  low[2] = (uint32_t) a[3];
  call[0] = a[0];
  call[1] = (long) low;
  err = int80_check5 (I386_NR_SOCKETCALL, call);
  munmap (low, 4096);
  return err;
}

#else /* !__x86_64__ */

# define probe_x32_syscall probe_no_such_abi
# define probe_int80_syscall probe_no_such_abi
# define probe_x32_socket probe_no_such_abi
# define probe_int80_socket probe_no_such_abi
# define probe_int80_socketcall probe_no_such_abi

#endif

/* ---- tables ------------------------------------------------------------ */

struct probe
{
  const char *name;
  int min_args;
  int max_args;
  const char *args_help;
  probe_fn fn;
};

#define NOARGS 0, 0, ""

static const struct probe probes[] = {
  { "mount", NOARGS, probe_mount },
  { "umount", NOARGS, probe_umount },
  { "unshare-user", NOARGS, probe_unshare_user },
  { "unshare-ns", NOARGS, probe_unshare_ns },
  { "unshare-net", NOARGS, probe_unshare_net },
  { "clone-plain", NOARGS, probe_clone_plain },
  { "clone-newuser", NOARGS, probe_clone_newuser },
  { "clone-newns", NOARGS, probe_clone_newns },
  { "clone-newpid", NOARGS, probe_clone_newpid },
  { "clone-newnet", NOARGS, probe_clone_newnet },
  { "clone3", NOARGS, probe_clone3 },
  { "setns", NOARGS, probe_setns },
  { "pivot-root", NOARGS, probe_pivot_root },
  { "fsopen", NOARGS, probe_fsopen },
  { "open-tree", NOARGS, probe_open_tree },
  { "mount-setattr", NOARGS, probe_mount_setattr },
  { "clear-rdonly", 1, 1, "DIR", probe_clear_rdonly },
  { "fsmount", NOARGS, probe_fsmount },
  { "move-mount", NOARGS, probe_move_mount },
  { "fspick", NOARGS, probe_fspick },
  { "fsconfig", NOARGS, probe_fsconfig },
  { "open-tree-badflags", NOARGS, probe_open_tree_badflags },
  { "mount-setattr-badflags", NOARGS, probe_mount_setattr_badflags },
  { "setns-badfd", NOARGS, probe_setns_badfd },
  { "keyctl", NOARGS, probe_keyctl },
  { "add-key", NOARGS, probe_add_key },
  { "bpf", NOARGS, probe_bpf },
  { "perf", NOARGS, probe_perf },
  { "kexec", NOARGS, probe_kexec },
  { "init-module", NOARGS, probe_init_module },
  { "reboot", NOARGS, probe_reboot },
  { "swapon", NOARGS, probe_swapon },
  { "acct", NOARGS, probe_acct },
  { "settimeofday", NOARGS, probe_settime },
  { "clock-settime", NOARGS, probe_settime },
  { "syslog", NOARGS, probe_syslog },
  { "iopl", NOARGS, probe_iopl },
  { "open-by-handle-at", NOARGS, probe_open_by_handle_at },
  { "personality-noaslr", NOARGS, probe_personality_noaslr },
  { "personality-query", NOARGS, probe_personality_query },
  { "mlock", NOARGS, probe_mlock },
  { "ptrace-traceme", NOARGS, probe_ptrace_traceme },
  { "ptrace-attach-parent", NOARGS, probe_ptrace_attach_parent },
  { "process-vm-readv", NOARGS, probe_process_vm_readv },
  { "supervisor", NOARGS, probe_supervisor },
  { "kill-parent", 1, 1, "SIG", probe_kill_parent },
  { "signal-pid", 1, 1, "PID", probe_signal_pid },
  { "kill", 2, 2, "PID SIG", probe_kill },
  { "pidfd-signal", 2, 2, "PID SIG", probe_pidfd_signal },
  { "procfd-signal", 2, 2, "PID SIG", probe_procfd_signal },
  { "kill-child", NOARGS, probe_kill_child },
  { "sigqueue-forged", 2, 2, "PID SIG", probe_sigqueue_forged },
  { "landlock-abi", NOARGS, probe_landlock_abi },
  { "fork-bomb", 1, 2, "SECS [TAG]", probe_fork_bomb },
  { "userfaultfd", NOARGS, probe_userfaultfd },
  { "io-uring", NOARGS, probe_io_uring },
  { "int80-getpid", NOARGS, probe_int80_getpid },
  { "int80-unshare", NOARGS, probe_int80_unshare },
  { "int80-mount", NOARGS, probe_int80_mount },
  { "x32-unshare", NOARGS, probe_x32_unshare },
  { "tiocsti", 0, 1, "[FD]", probe_tiocsti },
  { "tiocsti-highbit", 0, 1, "[FD]", probe_tiocsti_highbit },
  { "tiocsti-pty", NOARGS, probe_tiocsti_pty },
  { "tiocsti-pty-highbit", NOARGS, probe_tiocsti_pty_highbit },
  { "tioclinux", 0, 1, "[FD]", probe_tioclinux },
  { "tioclinux-highbit", 0, 1, "[FD]", probe_tioclinux_highbit },
  { "tioclinux-paste", 0, 1, "[FD]", probe_tioclinux_paste },
  { "tioclinux-paste-highbit", 0, 1, "[FD]", probe_tioclinux_paste_highbit },
  { "inject", 2, 2, "FD TEXT", probe_inject },
  { "inject-highbit", 2, 2, "FD TEXT", probe_inject_highbit },
  { "tiocsetd", 0, 2, "[FD [DISC]]", probe_tiocsetd },
  { "tiocexcl", 0, 1, "[FD]", probe_tiocexcl },
  { "tcooff", 0, 1, "[FD]", probe_tcooff },
  { "nonblock", 0, 1, "[FD]", probe_nonblock },
  { "tty-state", 1, 1, "FD|PATH", probe_tty_state },
  { "caps", NOARGS, probe_caps },
  { "status", NOARGS, probe_status },
  { "fds", NOARGS, probe_fds },
  { "fd-open", 1, 1, "N", probe_fd_open },
  { "pids", NOARGS, probe_pids },
  { "uid", NOARGS, probe_uid },
  { "hostname", NOARGS, probe_hostname },
  { "setuid-0", NOARGS, probe_setuid_0 },
  { "write", 1, 1, "FILE", probe_write },
  { "read", 1, 1, "FILE", probe_read },
  { "mkdir", 1, 1, "DIR", probe_mkdir },
  { "open-write", 1, 1, "FILE", probe_open_write },
  { "open-trunc", 1, 1, "FILE", probe_open_trunc },
  { "rename", 2, 2, "FROM TO", probe_rename },
  { "unlink", 1, 1, "FILE", probe_unlink },
  { "symlink", 2, 2, "TARGET LINK", probe_symlink },
  { "link", 2, 2, "FROM TO", probe_link },
  { "truncate", 1, 1, "FILE", probe_truncate },
  { "swap", 3, 3, "A B SECS", probe_swap },
  { "sleep", 1, 1, "SECS", probe_sleep },
  { "exit", 1, 1, "N", probe_exit },
  { "signal", 1, 1, "N", probe_signal },
  { "fork-zombies", 1, 1, "N", probe_fork_zombies },
  { "tcp-connect", 2, 2, "HOST PORT", probe_tcp_connect },
  { "udp-echo", 2, 2, "HOST PORT", probe_udp_echo },
  { "unix-connect", 1, 1, "PATH", probe_unix_connect },
  { "unix-abstract", 1, 1, "NAME", probe_unix_abstract },
  { "tcp-listen", 1, 1, "PORT", probe_tcp_listen },
  { "tcp-self-connect", 1, 1, "PORT", probe_tcp_self_connect },
  { "bind-low", NOARGS, probe_bind_low },
  { "raw-socket", NOARGS, probe_raw_socket },
  { "syscall", 1, 7, "NR [ARG...]", probe_syscall },
  { "x32-syscall", 1, 7, "NR [ARG...]", probe_x32_syscall },
  { "int80-syscall", 1, 6, "NR [ARG...]", probe_int80_syscall },
  { "socket", 3, 3, "FAMILY TYPE PROTOCOL", probe_socket },
  { "socketpair", 3, 3, "FAMILY TYPE PROTOCOL", probe_socketpair },
  { "x32-socket", 3, 3, "FAMILY TYPE PROTOCOL", probe_x32_socket },
  { "int80-socket", 3, 3, "FAMILY TYPE PROTOCOL", probe_int80_socket },
  { "int80-socketcall", 4, 4, "CALL FAMILY TYPE PROTOCOL", probe_int80_socketcall },
  { "mlock-bytes", 1, 1, "N", probe_mlock_bytes },
  { "ptrace-as", 2, 2, "NAME COUNT", probe_ptrace_as },
  { "calls", 2, 2, "KIND N", probe_calls },
};

#define ERRNO_NAME(e) { e, #e }

/* Aliases (EWOULDBLOCK, ENOTSUP, EDEADLOCK) are left out so that each
   number has exactly one name.  */
static const struct
{
  int num;
  const char *name;
} errno_names[] = {
  ERRNO_NAME (EPERM), ERRNO_NAME (ENOENT), ERRNO_NAME (ESRCH),
  ERRNO_NAME (EINTR), ERRNO_NAME (EIO), ERRNO_NAME (ENXIO),
  ERRNO_NAME (E2BIG), ERRNO_NAME (ENOEXEC), ERRNO_NAME (EBADF),
  ERRNO_NAME (ECHILD), ERRNO_NAME (EAGAIN), ERRNO_NAME (ENOMEM),
  ERRNO_NAME (EACCES), ERRNO_NAME (EFAULT), ERRNO_NAME (ENOTBLK),
  ERRNO_NAME (EBUSY), ERRNO_NAME (EEXIST), ERRNO_NAME (EXDEV),
  ERRNO_NAME (ENODEV), ERRNO_NAME (ENOTDIR), ERRNO_NAME (EISDIR),
  ERRNO_NAME (EINVAL), ERRNO_NAME (ENFILE), ERRNO_NAME (EMFILE),
  ERRNO_NAME (ENOTTY), ERRNO_NAME (ETXTBSY), ERRNO_NAME (EFBIG),
  ERRNO_NAME (ENOSPC), ERRNO_NAME (ESPIPE), ERRNO_NAME (EROFS),
  ERRNO_NAME (EMLINK), ERRNO_NAME (EPIPE), ERRNO_NAME (ERANGE),
  ERRNO_NAME (ENAMETOOLONG), ERRNO_NAME (ENOSYS), ERRNO_NAME (ENOTEMPTY),
  ERRNO_NAME (ELOOP), ERRNO_NAME (ENODATA), ERRNO_NAME (EOVERFLOW),
  ERRNO_NAME (ENOTSOCK), ERRNO_NAME (EDESTADDRREQ), ERRNO_NAME (EMSGSIZE),
  ERRNO_NAME (EPROTOTYPE), ERRNO_NAME (ENOPROTOOPT),
  ERRNO_NAME (EPROTONOSUPPORT), ERRNO_NAME (ESOCKTNOSUPPORT),
  ERRNO_NAME (EOPNOTSUPP), ERRNO_NAME (EPFNOSUPPORT),
  ERRNO_NAME (EAFNOSUPPORT), ERRNO_NAME (EADDRINUSE),
  ERRNO_NAME (EADDRNOTAVAIL), ERRNO_NAME (ENETDOWN),
  ERRNO_NAME (ENETUNREACH), ERRNO_NAME (ENETRESET),
  ERRNO_NAME (ECONNABORTED), ERRNO_NAME (ECONNRESET), ERRNO_NAME (ENOBUFS),
  ERRNO_NAME (EISCONN), ERRNO_NAME (ENOTCONN), ERRNO_NAME (ETIMEDOUT),
  ERRNO_NAME (ECONNREFUSED), ERRNO_NAME (EHOSTDOWN),
  ERRNO_NAME (EHOSTUNREACH), ERRNO_NAME (EALREADY),
  ERRNO_NAME (EINPROGRESS), ERRNO_NAME (ESTALE), ERRNO_NAME (EDQUOT),
  ERRNO_NAME (ECANCELED), ERRNO_NAME (ENOKEY), ERRNO_NAME (EKEYEXPIRED),
  ERRNO_NAME (EKEYREVOKED), ERRNO_NAME (EKEYREJECTED),
};

/* ---- main -------------------------------------------------------------- */

static const struct probe *
find_probe (const char *name)
{
  size_t i;

  for (i = 0; i < sizeof probes / sizeof probes[0]; i++)
    if (strcmp (probes[i].name, name) == 0)
      return &probes[i];
  return NULL;
}

static void
usage (void)
{
  size_t i;

  fprintf (stderr, "usage: probe TEST [ARGS...]\ntests:\n");
  for (i = 0; i < sizeof probes / sizeof probes[0]; i++)
    fprintf (stderr, "  %s%s%s\n", probes[i].name,
             probes[i].args_help[0] ? " " : "", probes[i].args_help);
}

static void
print_errno (const char *name, int err)
{
  size_t i;

  for (i = 0; i < sizeof errno_names / sizeof errno_names[0]; i++)
    if (errno_names[i].num == err)
      {
        printf ("%s: errno %s\n", name, errno_names[i].name);
        return;
      }
  printf ("%s: errno %d\n", name, err);
}

/* Turn a test's return value into the output line and exit status.  */
static int
report (const struct probe_ctx *ctx, int ret)
{
  switch (ret)
    {
    case PROBE_USAGE:
      return EXIT_USAGE;
    case PROBE_PRINTED_OK:
      return EXIT_SUCCESS;
    case PROBE_PRINTED_FAIL:
      return EXIT_FAILED;
    case 0:
      printf ("%s: ok%s%s\n", ctx->name, ctx->detail[0] ? " " : "",
              ctx->detail);
      return EXIT_SUCCESS;
    default:
      print_errno (ctx->name, ret);
      return EXIT_FAILED;
    }
}

int
main (int argc, char **argv)
{
  const struct probe *p;
  struct probe_ctx ctx;

  if (argc < 2)
    {
      usage ();
      return EXIT_USAGE;
    }
  p = find_probe (argv[1]);
  if (p == NULL)
    {
      fprintf (stderr, "probe: unknown test '%s'\n", argv[1]);
      usage ();
      return EXIT_USAGE;
    }
  if (argc - 2 < p->min_args || argc - 2 > p->max_args)
    {
      fprintf (stderr, "usage: probe %s%s%s\n", p->name,
               p->args_help[0] ? " " : "", p->args_help);
      return EXIT_USAGE;
    }
  memset (&ctx, 0, sizeof ctx);
  ctx.name = p->name;
  ctx.args = argv + 2;
  ctx.nargs = argc - 2;
  return report (&ctx, p->fn (&ctx));
}
