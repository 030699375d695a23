/* entrun — the parent side of the process tree (see sandbox.h). */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <inttypes.h>
#include <time.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup.h"
#include "hints.h"
#include "hostscan.h"
#include "memwatch.h"
#include "netsetup.h"
#include "policy.h"
#include "sandbox.h"
#include "terminal.h"
#include "trust.h"
#include "util.h"

static const int forwarded_signals[]
    = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };

static const struct
{
  ent_ns_type_t ns;
  int flag;
} ns_flags[] = {
  { ENT_NS_USER, CLONE_NEWUSER },     { ENT_NS_MOUNT, CLONE_NEWNS }, { ENT_NS_PID, CLONE_NEWPID },
  { ENT_NS_NET, CLONE_NEWNET },       { ENT_NS_IPC, CLONE_NEWIPC },  { ENT_NS_UTS, CLONE_NEWUTS },
  { ENT_NS_CGROUP, CLONE_NEWCGROUP },
};

int
entrun_exit_status (int wstatus)
{
  if (WIFEXITED (wstatus))
    return WEXITSTATUS (wstatus);
  if (WIFSIGNALED (wstatus))
    return 128 + WTERMSIG (wstatus);
  return ENTRUN_EXIT_ERROR;
}

bool
entrun_needs_locked_mounts (const ent_profile_t *p)
{
  return (p->caps[ENT_CAPSET_BOUNDING] & ENT_CAP_BIT (CAP_SYS_ADMIN)) != 0;
}

static int
clone_flags (const entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;
  int flags = 0;

  for (size_t i = 0; i < N_ELEMENTS (ns_flags); i++)
    if (p->ns.create[ns_flags[i].ns])
      flags |= ns_flags[i].flag;
  /* With locked mounts, pid 1 creates these later, in the nested user
   * namespace, so that the payload administers them. */
  if (entrun_needs_locked_mounts (p))
    flags &= ~(CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC);
  /* The network namespace, the costliest to make (~0.4 ms here), pid 1
   * may make itself once it runs (enter_network_namespace in pid1.c):
   * while entrun scans the host (see overlap_start). */
  return sb->overlap ? flags & ~CLONE_NEWNET : flags;
}

static void
check_keep_fds (const entrun_cli_t *cli)
{
  for (size_t i = 0; i < cli->n_keep_fds; i++)
    if (fcntl (cli->keep_fds[i], F_GETFD) < 0)
      die_errno ("--keep-fd %d", cli->keep_fds[i]);
}

/* A step of ours failed once pid 1 exists.  pid 1 may have failed first:
 * then it has said why, and our failure is only the echo of its own (maps
 * for a process that is gone, a pipe with no reader), so exit with its
 * status, 125, and add nothing: the one message names the step that
 * failed.  Otherwise stop it and name ours (with @err's text unless 0).
 * Either way pid 1 is gone before we are. */
static __attribute__ ((noreturn)) void
die_after_pid1 (pid_t pid, int err, const char *step)
{
  int wstatus = 0;

  kill (pid, SIGKILL);
  while (waitpid (pid, &wstatus, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == ENTRUN_EXIT_ERROR)
    exit (ENTRUN_EXIT_ERROR);
  if (err == 0)
    die ("%s", step);
  errno = err;
  die_errno ("%s", step);
}

/* Write the sandbox's uid and gid maps: one id inside (the caller's, or 0
 * under security.admin) mapped to the caller's.  setgroups is denied first,
 * as an unprivileged gid_map requires, so the payload cannot drop groups to
 * get past a "deny group" permission. */
static void
write_maps (pid_t pid, const ent_profile_t *p)
{
  char path[64], map[64];
  int n, ret;

  n = snprintf (map, sizeof (map), "%lld %u 1\n", (long long)(p->uid < 0 ? getuid () : p->uid),
                getuid ());
  snprintf (path, sizeof (path), "/proc/%d/uid_map", pid);
  if ((ret = write_file_at (AT_FDCWD, path, map, n)) < 0)
    goto fail_uid;
  snprintf (path, sizeof (path), "/proc/%d/setgroups", pid);
  if ((ret = write_file_at (AT_FDCWD, path, "deny", 4)) < 0 && ret != -ENOENT)
    goto fail_setgroups;
  n = snprintf (map, sizeof (map), "%lld %u 1\n", (long long)(p->gid < 0 ? getgid () : p->gid),
                getgid ());
  snprintf (path, sizeof (path), "/proc/%d/gid_map", pid);
  if ((ret = write_file_at (AT_FDCWD, path, map, n)) < 0)
    goto fail_gid;
  return;

fail_uid:
  die_after_pid1 (pid, -ret, "writing uid_map");
fail_setgroups:
  die_after_pid1 (pid, -ret, "writing setgroups");
fail_gid:
  die_after_pid1 (pid, -ret, "writing gid_map");
}

/* Can the caller write to @path?  Any answer but a plain no (or yes) is an
 * error: taken for a no, it would leave entrun's binary writable inside. */
static bool
writable (const char *path)
{
  if (access (path, W_OK) == 0)
    return true;
  if (errno == EACCES || errno == EROFS || errno == ETXTBSY || errno == EPERM)
    return false;
  die_errno ("checking whether %s is writable", path);
}

/* entrun's own binary, when the caller could write to it or replace it
 * (through any of its directories: a read-only one can still be renamed
 * in a writable parent): then pid 1 binds it read-only inside and pins
 * its ancestors (invariant 4).  An installed binary owned by root needs no
 * mount. */
static void
protect_self (char ***protect)
{
  cleanup_free char *self = realpath ("/proc/self/exe", NULL);
  cleanup_free char *dir = self ? strdup (self) : NULL;
  bool replaceable;

  if (self == NULL || dir == NULL)
    die_errno ("locating the entrun binary");
  replaceable = writable (self);
  for (char *slash; !replaceable && (slash = strrchr (dir, '/')) != NULL;)
    {
      *(slash == dir ? slash + 1 : slash) = '\0';
      replaceable = writable (dir);
      if (slash == dir)
        break;
    }
  if (replaceable && ent_strlist_add (protect, self) < 0)
    die ("out of memory");
}

/* What pid 1 makes read-only inside, whatever the grants: entrun's profile
 * directories, its trust store and the profile files this run loaded (a
 * sandbox must never change its own policy or the next one's), and its
 * binary. */
char **
entrun_protected_paths (const ent_profile_t *p, char *const *profile_files)
{
  char **protect = entrun_profile_dirs (p->home);
  cleanup_strv char **trust = entrun_trust_dirs (p->home);

  for (size_t i = 0; trust[i]; i++)
    if (ent_strlist_add (&protect, trust[i]) < 0)
      die ("out of memory");
  for (size_t i = 0; profile_files && profile_files[i]; i++)
    if (ent_strlist_add (&protect, profile_files[i]) < 0)
      die ("out of memory");
  protect_self (&protect);
  return protect;
}

/* Does pid 1 start while entrun scans the host (its network namespace its
 * own to make), or after?  Overlapped, the two run side by side: on two
 * CPUs, 0.4-0.9 ms off a 13-15 ms start (tests/bench/).  But a network
 * helper starting takes a CPU of its own for ~6 ms, and with two in all
 * entrun and pid 1 would only share the other: there the scan comes first,
 * while pid 1 does not exist yet. */
static bool
overlap_start (const entrun_sandbox_t *sb)
{
  cpu_set_t cpus;

  if (sb->net_sock < 0)
    return true;
  return sched_getaffinity (0, sizeof (cpus), &cpus) == 0 && CPU_COUNT (&cpus) >= 3;
}

/* What pid 1's mounts must cover: see strv_send in entrun_run. */
static void
scan_host (entrun_sandbox_t *sb, char *const *profile_files)
{
  sb->protect = entrun_protected_paths (sb->profile, profile_files);
  sb->sockets = entrun_host_sockets ();
  entrun_git_protected (sb->profile, &sb->git);
}

/* resources.pids/memory through a delegated cgroup: pid 1 goes into a new
 * child cgroup before it may run anything, so all of the sandbox is in.
 * So does the network helper (@helper, or 0), before the command can
 * send it a byte: what it holds for the sandbox (flows, socket buffers,
 * the kernel's share of them too) counts against resources.memory, as
 * the sandbox's own memory would.  It is one process more than the
 * sandbox's own: pids.max is raised by one for it. */
static char *
enter_cgroup (pid_t pid, pid_t helper, const ent_profile_t *p)
{
  cleanup_free char *dir = NULL;
  ent_resources_t r = p->resources;
  ent_error_t *err = NULL;
  char *created = NULL;
  char msg[1024];
  int ret;

  if (r.backend != ENT_RES_CGROUP || (r.pids < 0 && r.memory < 0))
    return NULL;
  if (helper > 0 && r.pids > 0)
    r.pids++;
  if (entrun_cgroup_backend (&dir) != ENT_RES_CGROUP
      || entrun_cgroup_enter (dir, pid, &r, &created, &err) < 0)
    {
      snprintf (msg, sizeof (msg), "resources: %s",
                err ? ent_error_message (err) : "the delegated cgroup went away");
      die_after_pid1 (pid, 0, msg);
    }
  /* A helper already gone (ESRCH) failed, and says why on its socket. */
  if (helper > 0 && (ret = entrun_cgroup_add (created, helper, &err)) < 0 && ret != -ESRCH)
    {
      /* pid 1 first, so that the cgroup is empty and goes too. */
      snprintf (msg, sizeof (msg), "resources: %s (the network helper)", ent_error_message (err));
      kill (pid, SIGKILL);
      while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
      entrun_cgroup_remove (created);
      die ("%s", msg);
    }
  verbose ("cgroup %s", created);
  return created;
}

static pid_t
spawn_pid1 (entrun_sandbox_t *sb, int sync_w, int status_r, int list_w)
{
  int flags = clone_flags (sb);
  pid_t pid;

  if (!(flags & CLONE_NEWUSER))
    die ("the profile has no user namespace: entrun runs only inside its own");
  /* Without one, what the payload leaves behind (a double fork, setsid)
   * would outlive entrun: nothing could find it all to end it. */
  if (!(flags & CLONE_NEWPID))
    die ("the profile has no PID namespace: entrun runs every sandbox in its own");
  /* A command that may mount could keep memory in a tmpfs of its own,
   * which pid 1's watch never sees. */
  if (entrun_memwatch_wanted (sb->profile) && entrun_needs_locked_mounts (sb->profile))
    die ("resources.memory with security.admin needs a delegated cgroup: the command could "
         "mount a tmpfs that pid 1's memory watch cannot see (systemd-run --user --scope -p "
         "Delegate=yes entrun ...)");
  /* clone() with fork semantics: namespaces and the child in one step. */
  pid = syscall (SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    {
      if (errno == EPERM || errno == ENOSPC || errno == EUSERS)
        die_errno ("creating the sandbox namespaces (are unprivileged user namespaces enabled? "
                   "try entrun --doctor)");
      die_errno ("creating the sandbox namespaces");
    }
  if (pid == 0)
    {
      die_use_underscore_exit ();
      close (sync_w);
      close (status_r);
      close (list_w);
      entrun_pid1 (sb);
    }
  return pid;
}

/* How long kill_sandbox waits for the sandbox to be gone. */
#define KILL_WAIT_MS 5000

/* resources.timeout and --stop-timeout: end the whole sandbox and wait until
 * it is gone.  pid 1's death takes everything in its PID namespace with
 * it (the kernel reaps the namespace before pid 1 can be waited for). */
/* Reap pid 1 within @ms: 1 with its *@wstatus once it is, 0 if it is
 * still there, -errno if it cannot be waited for.  Never without bound: a
 * process of the sandbox stuck in the kernel (on a FUSE mount of its own,
 * say) keeps pid 1 from being reaped, and entrun must not hang with it. */
static int
reap_within (pid_t pid, int ms, int *wstatus)
{
  for (int i = 0; i < ms / 5; i++)
    {
      pid_t r = waitpid (pid, wstatus, WNOHANG);
      if (r == pid)
        return 1;
      if (r < 0 && errno != EINTR)
        return -errno;
      usleep (5000);
    }
  return 0;
}

static void
kill_sandbox (pid_t pid)
{
  int wstatus;

  kill (pid, SIGKILL);
  if (reap_within (pid, KILL_WAIT_MS, &wstatus) == 0)
    warn ("the sandbox's processes did not all die within %d s of SIGKILL", KILL_WAIT_MS / 1000);
}

/* How supervise() ended. */
typedef enum
{
  END_PAYLOAD, /* with the payload's wait status (or pid 1's) */
  END_TIMEOUT, /* resources.timeout ran out: the sandbox was killed */
  END_STOPPED, /* asked to stop, it outlived --stop-timeout: killed */
  END_HELPER,  /* the network helper died or failed: the sandbox was killed */
  END_PID1,    /* pid 1 was killed before its report: so was everything else */
  END_MEMORY,  /* it held more than resources.memory (pid 1's watch): killed */
  END_UNWATCHED, /* pid 1 could no longer watch its memory: killed */
  END_RELAY,     /* the terminal relay died or failed: the sandbox was killed */
} end_t;

typedef struct supervisor
{
  pid_t pid;                                      /* pid 1 */
  unsigned char report[sizeof (entrun_report_t)]; /* pid 1's record, as read so far */
  size_t report_len;
  entrun_hints_t *hints;       /* what pid 1 said the command was denied */
  bool learn;                  /* entrun learn: pid 1 lists files too */
  int stop_timeout;            /* seconds */
  int stop_signal;             /* the first stop request, 0 before one */
  int64_t timeout_at, stop_at; /* deadlines (now_ms()), -1 when unset */
  pid_t helper;                /* the network helper, or 0 */
  int helper_ctl;              /* its report socket, or -1 */
  int64_t helper_gone_at;      /* deadline for pid 1's status once the
                                  helper said pid 1 was gone, or -1 */
  char helper_why[512];        /* END_HELPER: what happened to it */
  entrun_terminal_t *term;     /* the sandbox's own terminal */
} supervisor_t;

/* How long pid 1's status may take to follow the helper's word that pid 1
 * is gone ('P'). */
#define PID1_GONE_GRACE_MS 2000

/* SIGTERM and SIGHUP ask entrun to stop: the request is forwarded and, if
 * the sandbox still runs --stop-timeout seconds later, it is killed, so that
 * a payload that ignores SIGTERM cannot keep a stopped entrun alive (docker
 * stop's grace period).  A hangup means the terminal is gone: a stop too.
 * SIGINT is not one: ^C reaches entrun as the terminal's foreground job, and
 * an interactive shell inside ignores it on purpose; it must not start a
 * timer that kills the shell.  SIGINT, like SIGQUIT, SIGUSR1, SIGUSR2 and
 * SIGWINCH, is only forwarded. */
static bool
is_stop_request (int sig)
{
  return sig == SIGTERM || sig == SIGHUP;
}

static const char *
stop_name (int sig)
{
  return sig == SIGTERM ? "SIGTERM" : "SIGHUP";
}

static void
on_signal (supervisor_t *s, int sig)
{
  if (sig == SIGCHLD || entrun_terminal_signal (s->term, sig))
    return;
  if (is_stop_request (sig) && s->stop_signal == 0)
    {
      s->stop_signal = sig;
      s->stop_at = now_ms () + (int64_t)s->stop_timeout * 1000;
      verbose ("%s: stopping; SIGKILL in %d s if the sandbox still runs", stop_name (sig),
               s->stop_timeout);
    }
  /* With --stop-timeout 0 the sandbox is killed at once: no forwarding. */
  if (!(is_stop_request (sig) && s->stop_timeout == 0))
    kill (s->pid, sig);
}

/* Milliseconds until the first deadline (0 when one has passed), or -1. */
static int
poll_timeout (const supervisor_t *s)
{
  int64_t next = s->timeout_at;

  if (s->stop_at >= 0 && (next < 0 || s->stop_at < next))
    next = s->stop_at;
  if (s->helper_gone_at >= 0 && (next < 0 || s->helper_gone_at < next))
    next = s->helper_gone_at;
  return poll_ms_until (next);
}

/* A report of pid 1's: a wait status, perhaps with one of
 * ENTRUN_STATUS_FLAGS, and nothing else: an exit code, or a signal (with
 * the core-dump bit). */
static bool
valid_report (int report)
{
  int st = report & ~ENTRUN_STATUS_FLAGS, flags = report & ENTRUN_STATUS_FLAGS;

  if ((flags & (flags - 1)) != 0)
    return false;
  if ((st & ~0xffff) != 0)
    return false;
  if ((st & 0x7f) == 0)
    return (st & 0x80) == 0;
  return (st & 0x7f) != 0x7f && (st >> 8) == 0 && (st & 0x7f) < 65;
}

/* pid 1 closed its status pipe without a report: its own exit status
 * (125 when it failed and said why, or the payload's as it mirrors it).
 * Bounded: a pid 1 that closed the pipe and lives on is killed. */
static int
pid1_status (pid_t pid)
{
  int wstatus, ret = reap_within (pid, 1000, &wstatus);

  if (ret > 0)
    return wstatus;
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("waitpid");
    }
  kill_sandbox (pid);
  die ("pid 1 closed its status pipe but did not exit; the sandbox was stopped");
}

/* Read what pid 1 reports without ever blocking (the pipe is
 * non-blocking): pid 1 is entrun's, but it lives in the sandbox, and
 * entrun's supervision waits on nothing the sandbox could hold up.  Hints
 * come first, as they happen (entrun_report_t), the status last.  1 with
 * *@wstatus set once the status is complete or pid 1 is gone, 2 with pid
 * 1's own status when a signal killed it before it reported, 0 while
 * neither.  Anything but valid records ends the sandbox with 125. */
static int
read_status (supervisor_t *s, int status_fd, int *wstatus)
{
  entrun_report_t r;

  for (;;)
    {
      ssize_t n = read (status_fd, s->report + s->report_len, sizeof (s->report) - s->report_len);
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
      if (n < 0)
        {
          int err = errno;
          kill_sandbox (s->pid);
          errno = err;
          die_errno ("reading the command's status from pid 1");
        }
      if (n == 0 && s->report_len == 0)
        {
          *wstatus = pid1_status (s->pid);
          /* Killed: not the command's status, whatever it is. */
          return WIFSIGNALED (*wstatus) ? 2 : 1;
        }
      s->report_len += (size_t)n;
      if (n > 0 && s->report_len < sizeof (s->report))
        continue;
      memcpy (&r, s->report, sizeof (r));
      s->report_len = 0;
      if (n > 0 && r.kind == ENTRUN_REPORT_HINT && entrun_hints_note (s->hints, &r))
        continue;
      if (n > 0 && r.kind == ENTRUN_REPORT_PIDS && r.value > 0)
        {
          s->hints->pids_reached = r.value;
          continue;
        }
      if (n > 0 && r.kind == ENTRUN_REPORT_FILE && s->learn)
        {
          entrun_hints_file (s->hints, &r);
          continue;
        }
      if (n == 0 || r.kind != ENTRUN_REPORT_STATUS || !valid_report (r.value))
        {
          kill_sandbox (s->pid);
          die ("pid 1 sent a malformed status report; the sandbox was stopped");
        }
      *wstatus = r.value;
      return 1;
    }
}

/* The network helper's report: "R" ready, "P" pid 1 gave up, "E<text>"
 * failed; nothing (the socket hung up) when it died.  The text is the
 * helper's: bounded, printable ASCII only. */
static char
read_helper_report (supervisor_t *s)
{
  char msg[sizeof (s->helper_why)];
  ssize_t n;
  int wstatus = 0;

  do
    n = recv (s->helper_ctl, msg, sizeof (msg) - 1, 0);
  while (n < 0 && errno == EINTR);
  /* A helper that failed before it read its configuration closed its end
   * with that still unread: the kernel reports ECONNRESET once, ahead of
   * what the helper sent before it ended. */
  if (n < 0 && errno == ECONNRESET)
    n = recv (s->helper_ctl, msg, sizeof (msg) - 1, MSG_DONTWAIT);
  if (n > 0 && (msg[0] == 'R' || msg[0] == 'P'))
    return msg[0];
  if (n > 0 && msg[0] == 'E')
    {
      /* Printable ASCII only: a helper taken over must not reach the
       * caller's terminal with C1 controls (0x9b is a CSI) either. */
      for (ssize_t i = 1; i < n; i++)
        if (msg[i] < 0x20 || msg[i] > 0x7e)
          msg[i] = '?';
      msg[n] = '\0';
      snprintf (s->helper_why, sizeof (s->helper_why), "%s", msg + 1);
      return 'E';
    }
  /* Gone without a word: how? */
  kill (s->helper, SIGKILL);
  while (waitpid (s->helper, &wstatus, 0) < 0 && errno == EINTR)
    ;
  s->helper = 0;
  if (WIFSIGNALED (wstatus))
    snprintf (s->helper_why, sizeof (s->helper_why), "the network helper died (%s)",
              strsignal (WTERMSIG (wstatus)));
  else
    snprintf (s->helper_why, sizeof (s->helper_why),
              "the network helper ended unexpectedly (status %d)",
              WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1);
  return 'E';
}

/* Forward signals to pid 1 and watch the network helper until the
 * payload's status arrives or a deadline passes.  Returning as soon as the
 * status is there means entrun's exit never waits for the kernel to tear
 * the namespaces (and a tap device) down; pid 1 has ended everything else
 * of the sandbox before reporting, and dies with us (PR_SET_PDEATHSIG). */
static int
supervise (supervisor_t *s, int sfd, int status_fd, end_t *end)
{
  struct pollfd fds[3 + ENTRUN_TERMINAL_NFDS];
  struct signalfd_siginfo si;
  int wstatus, ret = 0;

  *end = END_PAYLOAD;
  for (;;)
    {
      int timeout = poll_timeout (s);
      fds[0] = (struct pollfd){ .fd = status_fd, .events = POLLIN };
      fds[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      fds[2] = (struct pollfd){ .fd = s->helper_ctl, .events = POLLIN };
      entrun_terminal_pollfds (s->term, fds + 3);
      if (poll (fds, N_ELEMENTS (fds), timeout) < 0 && errno != EINTR)
        die_errno ("poll");
      /* The status first: a payload that finished just as a deadline
       * passed keeps its own status. */
      if (fds[0].revents && (ret = read_status (s, status_fd, &wstatus)) == 2)
        {
          *end = END_PID1;
          return wstatus;
        }
      if (fds[0].revents && ret == 1)
        {
          /* pid 1 enforced resources.timeout itself (entrun was
           * stopped), or resources.memory. */
          if (wstatus & ENTRUN_STATUS_TIMED_OUT)
            *end = END_TIMEOUT;
          else if (wstatus & ENTRUN_STATUS_OVER_MEMORY)
            *end = END_MEMORY;
          else if (wstatus & ENTRUN_STATUS_UNWATCHED)
            *end = END_UNWATCHED;
          return wstatus & ~ENTRUN_STATUS_FLAGS;
        }
      if (fds[1].revents && read_all (sfd, &si, sizeof (si)) == (ssize_t)sizeof (si))
        on_signal (s, (int)si.ssi_signo);
      if (entrun_terminal_events (s->term, fds + 3) < 0)
        *end = END_RELAY;
      else if (s->helper_ctl >= 0 && fds[2].revents)
        {
          /* From a running helper: a failure, or pid 1 gone before it
           * heard "ready" (its status comes next: a helper taken over
           * that says so falsely, to be watched no more, is caught by
           * helper_gone_at). */
          char report = read_helper_report (s);
          if (report == 'P')
            {
              close (s->helper_ctl);
              s->helper_ctl = -1;
              s->helper_gone_at = now_ms () + PID1_GONE_GRACE_MS;
              continue;
            }
          if (report != 'E')
            snprintf (s->helper_why, sizeof (s->helper_why),
                      "the network helper sent an unexpected report");
          *end = END_HELPER;
        }
      else if (s->timeout_at >= 0 && now_ms () >= s->timeout_at)
        *end = END_TIMEOUT;
      else if (s->stop_at >= 0 && now_ms () >= s->stop_at)
        *end = END_STOPPED;
      else if (s->helper_gone_at >= 0 && now_ms () >= s->helper_gone_at)
        {
          snprintf (s->helper_why, sizeof (s->helper_why),
                    "the network helper stopped, saying pid 1 was gone while it was not");
          *end = END_HELPER;
        }
      if (*end != END_PAYLOAD)
        {
          kill_sandbox (s->pid);
          /* The payload's fate: killed by SIGKILL (a wait status with
           * only the signal number in it), so entrun exits 137. */
          return SIGKILL;
        }
    }
}

pid_t
entrun_spawn_self (const char *argv0, const int *fds, int n_fds, const char *what)
{
  static const char *const keep_env[] = { "ASAN_OPTIONS=", "UBSAN_OPTIONS=", "LSAN_OPTIONS=" };
  char *envp[N_ELEMENTS (keep_env) + 1] = { NULL };
  char *const argv[] = { (char *)argv0, NULL };
  int high[8], null_fd, ret = 0;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  size_t n_env = 0;
  sigset_t none, all;
  pid_t pid;

  if (n_fds > (int)N_ELEMENTS (high))
    die ("internal error: %s with %d descriptors", what, n_fds);
  /* A sanitizer build's helper reports where entrun's would. */
  for (size_t i = 0; i < N_ELEMENTS (keep_env); i++)
    for (char **e = environ; *e; e++)
      if (strncmp (*e, keep_env[i], strlen (keep_env[i])) == 0)
        {
          envp[n_env++] = *e;
          break;
        }
  /* Every source above the targets first, so that no dup2 below
   * overwrites one. */
  if ((null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
    die_errno ("%s: /dev/null", what);
  for (int i = 0; i < n_fds; i++)
    if ((high[i] = fcntl (fds[i] >= 0 ? fds[i] : null_fd, F_DUPFD_CLOEXEC, n_fds)) < 0)
      die_errno ("%s: its descriptors", what);
  close (null_fd);
  sigemptyset (&none);
  sigfillset (&all);
  if ((ret = posix_spawnattr_init (&attr)) != 0
      || (ret = posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK
                                                     | POSIX_SPAWN_SETSIGDEF))
             != 0
      || (ret = posix_spawnattr_setsigmask (&attr, &none)) != 0
      || (ret = posix_spawnattr_setsigdefault (&attr, &all)) != 0
      || (ret = posix_spawn_file_actions_init (&fa)) != 0)
    {
      errno = ret;
      die_errno ("%s: its attributes", what);
    }
  for (int i = 0; i < n_fds && ret == 0; i++)
    ret = posix_spawn_file_actions_adddup2 (&fa, high[i], i);
  if (ret == 0)
    ret = posix_spawn_file_actions_addclosefrom_np (&fa, n_fds);
  if (ret != 0)
    {
      errno = ret;
      die_errno ("%s: its descriptors", what);
    }
  /* Out of entrun's process group and session (POSIX_SPAWN_SETSID): ^C,
   * ^Z and ^\ at the caller's terminal go to the foreground group, and
   * are entrun's to forward to the sandbox, never a helper's to die of;
   * nor is the caller's terminal a helper's controlling one. */
  ret = posix_spawn (&pid, "/proc/self/exe", &fa, &attr, argv, envp);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&attr);
  if (ret != 0)
    {
      errno = ret;
      die_errno ("%s: executing /proc/self/exe", what);
    }
  for (int i = 0; i < n_fds; i++)
    close (high[i]);
  return pid;
}

/* Start the network helper (launcher/nethelper.c): /dev/null on 0-2, the
 * report socket on 3 and @pid1_sock (pid 1's network socket) on 4.  Its
 * configuration follows (send_net_config, net_config_early): the helper
 * needs it only after its exec.  posix_spawn, not fork: a vfork-like
 * clone neither copies entrun's page tables nor faults its pages in again
 * before the exec, which takes a third off the helper's cost while the
 * sandbox starts.  What fork's child used to do itself -- its death
 * signal, SIGPIPE ignored -- the helper does first thing
 * (entrun_nethelper_main). */
static void
spawn_net_helper (int pid1_sock, supervisor_t *s)
{
  int ctl[2];

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0)
    die_errno ("socketpair");
  {
    const int fds[] = { -1, -1, -1, ctl[1], pid1_sock };
    s->helper = entrun_spawn_self (ENTRUN_NETHELPER_ARGV0, fds, N_ELEMENTS (fds), "network helper");
  }
  close (ctl[1]);
  s->helper_ctl = ctl[0];
}

/* Is the helper's configuration sent at once (true), or once pid 1 is on
 * its way (false)?  A proxy's name is resolved for it, which may take the
 * resolver's time: pid 1 sets the sandbox up meanwhile.  Otherwise it is
 * sent while the helper execs, so that the helper never waits for it: the
 * helper is what the payload waits for (0.5-1.4 ms, tests/bench/). */
static bool
net_config_early (const ent_profile_t *p)
{
  return p->net.mode != ENT_NET_PROXY;
}

/* The helper's configuration.  Once pid 1 (@s->pid) exists, a failure
 * stops it too. */
static void
send_net_config (const ent_profile_t *p, supervisor_t *s)
{
  static const char step[] = "configuring the network helper";
  cleanup_free netsetup_config_t *config = NULL;
  ent_error_t *err = NULL;
  size_t len;

  if (netsetup_config_new (p, &config, &len, &err) < 0)
    {
      if (s->pid > 0)
        die_after_pid1 (s->pid, 0, ent_error_message (err));
      die ("%s", ent_error_message (err));
    }
  if (send (s->helper_ctl, config, len, MSG_NOSIGNAL) < 0)
    {
      if (s->pid > 0)
        die_after_pid1 (s->pid, errno, step);
      die_errno ("%s", step);
    }
}

/* How long the network helper may take to start. */
#define HELPER_START_MS 30000

/* Wait until the helper has the network up, and with it pid 1's payload
 * free to start.  If pid 1 failed instead, it said why and exits 125:
 * return and let supervise() collect that. */
static void
await_net_helper (supervisor_t *s, int sfd)
{
  int64_t deadline = now_ms () + HELPER_START_MS;
  struct signalfd_siginfo si;

  /* A stop request or ^C meanwhile ends it all (the command never ran),
   * and so does a helper that never answers (stopped, say). */
  for (;;)
    {
      struct pollfd fds[2]
          = { { .fd = s->helper_ctl, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
      int left = poll_ms_until (deadline);
      if (left == 0)
        {
          kill_sandbox (s->pid);
          die ("the network helper did not start within %d s", HELPER_START_MS / 1000);
        }
      if (poll (fds, 2, left) < 0 && errno != EINTR)
        die_errno ("poll");
      if (fds[0].revents)
        break;
      if (fds[1].revents && read_all (sfd, &si, sizeof (si)) == (ssize_t)sizeof (si)
          && (si.ssi_signo == SIGINT || si.ssi_signo == SIGQUIT
              || is_stop_request ((int)si.ssi_signo)))
        {
          kill_sandbox (s->pid);
          exit (128 + (int)si.ssi_signo);
        }
    }
  switch (read_helper_report (s))
    {
    case 'R':
      verbose ("network ready");
      return;
    case 'P':
      close (s->helper_ctl);
      s->helper_ctl = -1;
      return;
    default:
      /* pid 1 waits for the helper in silence: the helper's word is the
       * one to print. */
      kill_sandbox (s->pid);
      die ("%s", s->helper_why);
    }
}

/* End the helper with the sandbox.  Not reaped: its exit tears down its
 * mount and user namespaces, which takes the kernel milliseconds that
 * entrun's own exit need not wait for (as with pid 1's tap, see
 * supervise); once entrun is gone, init reaps it. */
static void
stop_net_helper (supervisor_t *s)
{
  if (s->helper_ctl >= 0)
    close (s->helper_ctl);
  s->helper_ctl = -1;
  if (s->helper <= 0)
    return;
  kill (s->helper, SIGKILL);
  s->helper = 0;
}

/* The caller's terminal and standard descriptors as entrun found them.  The
 * sandbox shares the open file descriptions of fds 0-2 with the caller.  Its
 * new session keeps it from making the terminal its controlling one (no
 * TIOCSTI, no job control), but it may still change the terminal's modes
 * (stty raw -echo) or set O_NONBLOCK on a shared description, and a payload
 * that is killed never undoes that: the caller's shell would be left with
 * no echo, or EAGAIN on read.  Like ssh and sudo for the terminals they
 * drive, entrun puts both back once the sandbox is gone. */
typedef struct caller_stdio
{
  int flags[3]; /* F_GETFL of fds 0-2, -1 when closed */
  int tty;      /* the first of them that is a terminal, or -1 */
  struct termios termios;
} caller_stdio_t;

static void
save_stdio (caller_stdio_t *s)
{
  memset (s, 0, sizeof (*s));
  s->tty = -1;
  for (int fd = 0; fd < 3; fd++)
    {
      s->flags[fd] = fcntl (fd, F_GETFL);
      if (s->tty < 0 && s->flags[fd] >= 0 && tcgetattr (fd, &s->termios) == 0)
        s->tty = fd;
    }
}

/* The terminal modes go back only while entrun owns the terminal: it is in
 * the foreground process group, or the terminal is not its controlling one.
 * Run in the background, entrun must not clobber the modes of the job that
 * has the terminal now (and would be stopped by SIGTTOU for trying). */
static void
restore_stdio (const caller_stdio_t *s)
{
  struct termios now;
  pid_t fg;

  for (int fd = 0; fd < 3; fd++)
    if (s->flags[fd] >= 0 && fcntl (fd, F_GETFL) != s->flags[fd]
        && fcntl (fd, F_SETFL, s->flags[fd]) < 0)
      verbose ("restoring the file status flags of fd %d: %s", fd, strerror (errno));
  memset (&now, 0, sizeof (now));
  if (s->tty < 0 || tcgetattr (s->tty, &now) < 0 || memcmp (&now, &s->termios, sizeof (now)) == 0)
    return;
  fg = tcgetpgrp (s->tty);
  if (fg >= 0 && fg != getpgrp ())
    return;
  if (tcsetattr (s->tty, TCSANOW, &s->termios) < 0)
    verbose ("restoring the terminal modes: %s", strerror (errno));
  else
    verbose ("terminal modes restored");
}

static void
block_signals (entrun_sandbox_t *sb)
{
  sigemptyset (&sb->forwarded);
  sigaddset (&sb->forwarded, SIGCHLD);
  for (size_t i = 0; i < N_ELEMENTS (forwarded_signals); i++)
    sigaddset (&sb->forwarded, forwarded_signals[i]);
  if (sigprocmask (SIG_BLOCK, &sb->forwarded, &sb->saved_mask) < 0)
    die_errno ("sigprocmask");
}

/* @bytes as the grant would say it: 64M rather than 67108864. */
static void
format_size (char *buf, size_t size, int64_t bytes)
{
  static const char units[] = "KMGT";
  int u = -1;

  while (u < 3 && bytes > 0 && bytes % 1024 == 0)
    {
      bytes /= 1024;
      u++;
    }
  if (u < 0)
    snprintf (buf, size, "%" PRId64, bytes);
  else
    snprintf (buf, size, "%" PRId64 "%c", bytes, units[u]);
}

/* The command died of a signal that a limit of the profile sends or
 * causes (or exited 128+N, as a shell says a child died of signal N): one
 * line naming the grant.  SIGXCPU and SIGXFSZ come from
 * resources.cpu-time and file-size alone.  Past memory.max, the kernel
 * kills a process of the cgroup (SIGKILL), which may also have come from
 * elsewhere: that one is a "perhaps".  pid 1's watch says for itself
 * (END_MEMORY). */
static void
say_limit (const ent_profile_t *p, int wstatus)
{
  const ent_resources_t *r = &p->resources;
  char size[32];
  int sig;

  /* A shell in between says 128+N for a child of its that signal N
   * killed. */
  if (WIFSIGNALED (wstatus))
    sig = WTERMSIG (wstatus);
  else if (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) > 128)
    sig = WEXITSTATUS (wstatus) - 128;
  else
    return;
  if (sig == SIGXCPU && r->cpu_time > 0)
    warn ("resources.cpu-time=%" PRId64 ": the command used up its CPU time (SIGXCPU)",
          r->cpu_time);
  else if (sig == SIGXFSZ && r->file_size > 0)
    {
      format_size (size, sizeof (size), r->file_size);
      warn ("resources.file-size=%s: the command wrote past it (SIGXFSZ)", size);
    }
  else if (sig == SIGKILL && r->memory > 0 && r->backend == ENT_RES_CGROUP)
    {
      format_size (size, sizeof (size), r->memory);
      warn ("resources.memory=%s: the command died of SIG%s, perhaps out of memory", size,
            sigabbrev_np (sig) ? sigabbrev_np (sig) : "?");
    }
}

/* entrun's exit status, saying why when entrun killed the sandbox.  Killed
 * after --stop-timeout, it is the payload's own fate, 137 (128+SIGKILL),
 * as docker stop gives; resources.timeout has its own status, 124. */
static int
final_status (const supervisor_t *sup, end_t end, int wstatus, const ent_profile_t *p)
{
  char size[32];

  switch (end)
    {
    case END_TIMEOUT:
      warn ("resources.timeout: the sandbox ran out of its %" PRId64 " s and was killed",
            p->resources.timeout);
      return ENTRUN_EXIT_TIMEOUT;
    case END_HELPER:
      warn ("%s; the sandbox was stopped", sup->helper_why);
      return ENTRUN_EXIT_ERROR;
    case END_STOPPED:
      if (sup->stop_timeout == 0)
        warn ("%s: the sandbox was killed at once (--stop-timeout 0)",
              stop_name (sup->stop_signal));
      else
        warn ("%s: the sandbox still ran %d s later (--stop-timeout) and was killed",
              stop_name (sup->stop_signal), sup->stop_timeout);
      return entrun_exit_status (wstatus);
    case END_MEMORY:
      format_size (size, sizeof (size), p->resources.memory);
      warn ("resources.memory=%s: the sandbox held more and was killed (SIGKILL)", size);
      return entrun_exit_status (wstatus);
    case END_UNWATCHED:
      format_size (size, sizeof (size), p->resources.memory);
      warn ("resources.memory=%s: pid 1 could no longer read the sandbox's memory use; the "
            "sandbox was killed",
            size);
      return ENTRUN_EXIT_ERROR;
    case END_RELAY:
      warn ("%s; the sandbox was stopped", sup->term->why);
      return ENTRUN_EXIT_ERROR;
    case END_PID1:
      warn ("the sandbox's pid 1 was killed (SIG%s), and everything in the sandbox with it",
            sigabbrev_np (WTERMSIG (wstatus)) ? sigabbrev_np (WTERMSIG (wstatus)) : "?");
      return ENTRUN_EXIT_ERROR;
    case END_PAYLOAD:
    default:
      say_limit (p, wstatus);
      return entrun_exit_status (wstatus);
    }
}

/* The payload's Landlock rules, planned here where a refusal still stops
 * everything (security.landlock-required on a kernel without them). */
static void
check_landlock (const ent_profile_t *p, entrun_landlock_plan_t *plan)
{
  const char *why;
  char buf[256];

  if (entrun_landlock_plan (p, entrun_landlock_abi (), plan) < 0)
    die ("out of memory");
  if ((why = entrun_landlock_refusal (p, plan, buf, sizeof (buf))) != NULL)
    die ("%s", why);
}

int
entrun_run (const ent_profile_t *p, const entrun_cli_t *cli, char *const *profile_files)
{
  return entrun_run_learning (p, cli, profile_files, NULL);
}

int
entrun_run_learning (const ent_profile_t *p, const entrun_cli_t *cli, char *const *profile_files,
                     entrun_learning_t *learn)
{
  entrun_sandbox_t sb = { .profile = p,
                          .argv = cli->argv,
                          .keep_fds = cli->keep_fds,
                          .n_keep_fds = cli->n_keep_fds,
                          .hint_sock = -1,
                          .listener = -1,
                          .learn_upper = -1,
                          .host_root = getuid () == 0 };
  entrun_hints_t own_hints, *hintsp = learn ? learn->hints : &own_hints;
  int sync_pipe[2], status_pipe[2], list_pipe[2], net_pair[2];
  cleanup_free char *cgroup = NULL;
  supervisor_t sup = { .hints = hintsp,
                       .learn = learn != NULL,
                       .stop_timeout = cli->stop_timeout,
                       .timeout_at = -1,
                       .stop_at = -1,
                       .helper_ctl = -1,
                       .helper_gone_at = -1 };
  ent_error_t *err = NULL;
  cleanup_close int sfd = -1;
  entrun_terminal_t term;
  caller_stdio_t stdio;
  sigset_t sfd_set;
  end_t end;
  int wstatus, ret;

  check_keep_fds (cli);
  check_landlock (p, &sb.landlock);
  entrun_hints_init (hintsp, p, cli->argv, entrun_verbosity > 1, cli->json);
  sb.learn = learn != NULL;
  sb.net_sock = -1;
  /* First: the helper sets itself up while entrun scans the host. */
  if (netsetup_needs_engine (p))
    {
      if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, net_pair) < 0)
        die_errno ("socketpair");
      sb.net_sock = net_pair[1];
      spawn_net_helper (net_pair[0], &sup);
      close (net_pair[0]);
      verbose ("network helper started (pid %d)", (int)sup.helper);
      if (net_config_early (p))
        send_net_config (p, &sup);
    }
  if (learn ? entrun_filter_compile_observing (p, entrun_filter_hints (p), learn->observe,
                                               &sb.filter, &err)
                  < 0
            : entrun_filter_prepare (p, &sb.filter, &err) < 0)
    die ("%s", ent_error_message (err));
  sb.overlap = overlap_start (&sb);
  if (!sb.overlap)
    scan_host (&sb, profile_files);
  /* The status pipe is read without blocking (see read_status); pid 1's
   * one write of a few bytes into it, empty, never would. */
  if (pipe2 (sync_pipe, O_CLOEXEC) < 0 || pipe2 (status_pipe, O_CLOEXEC | O_NONBLOCK) < 0
      || pipe2 (list_pipe, O_CLOEXEC) < 0)
    die_errno ("pipe");
  sb.sync_fd = sync_pipe[0];
  sb.status_fd = status_pipe[1];
  sb.list_fd = list_pipe[0];
  sb.tap_hold = -1;
  block_signals (&sb);
  save_stdio (&stdio);
  sup.term = &term;
  entrun_terminal_prepare (&term, &sb, p, cli->no_pty);

  verbose ("seccomp filter ready");
  sup.pid = spawn_pid1 (&sb, sync_pipe[1], status_pipe[0], list_pipe[1]);
  verbose ("namespaces created (pid 1 is %d)", sup.pid);
  /* A write to pid 1's pipe or socket, or libslirp's to a socket whose peer
   * is gone, must be an EPIPE for entrun, not a SIGPIPE.  Set only now,
   * after pid 1 exists, so that no sandboxed process inherits the ignored
   * signal. */
  signal (SIGPIPE, SIG_IGN);
  /* Everything that can fail comes before pid 1 has the lists below: once
   * the payload may run, a failure could no longer stop it (invariant 1). */
  entrun_terminal_pid1_started (&term, &sb);
  /* SIGCONT too, for entrun alone: once continued, it puts the terminal
   * back in raw mode (terminal.c); with a pty, the stop signals too. */
  sfd_set = sb.forwarded;
  sigaddset (&sfd_set, SIGCONT);
  if (term.on)
    {
      /* A stop from outside hands the terminal back first (terminal.c). */
      sigaddset (&sfd_set, SIGTSTP);
      sigaddset (&sfd_set, SIGTTIN);
      sigaddset (&sfd_set, SIGTTOU);
    }
  if (sigprocmask (SIG_BLOCK, &sfd_set, NULL) < 0)
    die_after_pid1 (sup.pid, errno, "sigprocmask");
  if ((sfd = signalfd (-1, &sfd_set, SFD_CLOEXEC)) < 0)
    die_after_pid1 (sup.pid, errno, "signalfd");
  close (sync_pipe[0]);
  close (status_pipe[1]);
  close (list_pipe[0]);
  write_maps (sup.pid, p);
  /* The "go" byte.  The pipe's write end then stays open until entrun is
   * done: pid 1 reads its hangup as "entrun died before my
   * PR_SET_PDEATHSIG could catch it" (see wait_for_parent in pid1.c). */
  if ((ret = write_all (sync_pipe[1], "1", 1)) < 0)
    die_after_pid1 (sup.pid, -ret, "starting the sandbox");
  verbose ("uid/gid maps written");
  /* What the mounts must cover, listed while pid 1 starts (its network
   * first) unless that was done before: ~1 ms of scanning the host.  pid 1
   * builds no mount and runs nothing of the sandbox before it has them
   * all; should entrun fail here, die() ends pid 1 first. */
  if (sb.overlap)
    {
      die_kill_first (sup.pid);
      scan_host (&sb, profile_files);
      die_kill_first (0);
    }
  /* After the scan, whose failures die() where they are found: no cgroup
   * is left behind by them.  Before the lists: pid 1 makes the payload
   * only once it has them, so the payload starts inside. */
  cgroup = enter_cgroup (sup.pid, sup.helper, p);
  entrun_hints_check_fcaps (hintsp, p);
  {
    char *const *const lists[] = { sb.protect, sb.sockets, sb.git };
    if ((ret = strv_send (list_pipe[1], lists, N_ELEMENTS (lists))) < 0)
      die_after_pid1 (sup.pid, -ret, "handing the sandbox's pid 1 the paths to protect");
    close (list_pipe[1]);
  }
  verbose ("host sockets and paths to protect listed");
  if (sup.helper > 0)
    {
      close (net_pair[1]);
      if (!net_config_early (p))
        send_net_config (p, &sup);
      await_net_helper (&sup, sfd);
    }

  if (p->resources.timeout > 0)
    sup.timeout_at = now_ms () + p->resources.timeout * 1000;
  wstatus = supervise (&sup, sfd, status_pipe[0], &end);
  close (status_pipe[0]);
  close (sync_pipe[1]);
  stop_net_helper (&sup);
  entrun_terminal_finish (&term);
  restore_stdio (&stdio);
  verbose ("sandbox finished: %s %d", WIFSIGNALED (wstatus) ? "signal" : "status",
           WIFSIGNALED (wstatus) ? WTERMSIG (wstatus) : WEXITSTATUS (wstatus));
  entrun_filter_clear (&sb.filter);
  entrun_landlock_plan_clear (&sb.landlock);
  ent_strv_free (sb.protect);
  ent_strv_free (sb.sockets);
  ent_strv_free (sb.git);
  hintsp->pids_refused = entrun_cgroup_event (cgroup, "pids.events", "max");
  entrun_cgroup_remove (cgroup);
  ret = final_status (&sup, end, wstatus, p);
  /* learn says what it found in the file it writes (learn.c). */
  if (learn == NULL)
    entrun_hints_finish (hintsp, ret, p);
  return ret;
}
