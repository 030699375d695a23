/* entrun — the payload's last steps before execve (see sandbox.h).  The
 * order follows DESIGN.md: rlimits, environment, close fds, working
 * directory, capabilities, no_new_privs, and the seccomp filter last of
 * all. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "landlock.h"
#include "netsetup.h"
#include "sandbox.h"
#include "util.h"

static const int rlimit_ids[ENT_RLIMIT_COUNT] = {
  [ENT_RLIMIT_NPROC] = RLIMIT_NPROC, [ENT_RLIMIT_AS] = RLIMIT_AS,
  [ENT_RLIMIT_CPU] = RLIMIT_CPU,     [ENT_RLIMIT_NOFILE] = RLIMIT_NOFILE,
  [ENT_RLIMIT_FSIZE] = RLIMIT_FSIZE, [ENT_RLIMIT_MEMLOCK] = RLIMIT_MEMLOCK,
  [ENT_RLIMIT_CORE] = RLIMIT_CORE,
};

static void
die_with_parent (pid_t pid1)
{
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_PDEATHSIG)");
  /* pid 1 may have been killed between vfork and prctl: then we were
   * reparented. */
  if (getppid () != pid1)
    _exit (ENTRUN_EXIT_ERROR);
}

static void
apply_rlimits (const ent_profile_t *p)
{
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      const ent_rlimit_t *l = &p->rlimits[r];
      struct rlimit rl;
      if (l->soft == ENT_RLIM_UNSET && l->hard == ENT_RLIM_UNSET)
        continue;
      if (getrlimit (rlimit_ids[r], &rl) < 0)
        die_errno ("getrlimit %s", ent_rlimit_name (r));
      if (l->hard >= 0)
        rl.rlim_max = (rlim_t)l->hard;
      if (l->soft == ENT_RLIM_HARD)
        rl.rlim_cur = rl.rlim_max;
      else if (l->soft >= 0)
        rl.rlim_cur = (rlim_t)l->soft;
      if (rl.rlim_cur > rl.rlim_max)
        rl.rlim_cur = rl.rlim_max;
      if (setrlimit (rlimit_ids[r], &rl) < 0)
        die_errno ("setrlimit %s", ent_rlimit_name (r));
    }
}

static void
apply_env (const ent_profile_t *p)
{
  /* Secret-looking variables no grant kept (ent_profile_scrub_env). */
  for (size_t i = 0; p->env_removed && p->env_removed[i]; i++)
    if (unsetenv (p->env_removed[i]) < 0)
      die_errno ("unsetenv %s", p->env_removed[i]);
  if (p->clearenv)
    {
      /* Keep only what the profile asks to keep. */
      char **kept = calloc (p->n_env + 1, sizeof (char *));
      size_t n = 0;
      if (kept == NULL)
        die ("out of memory");
      for (size_t i = 0; i < p->n_env; i++)
        if (p->env[i].op == ENT_ENV_KEEP && getenv (p->env[i].name))
          if (asprintf (&kept[n++], "%s=%s", p->env[i].name, getenv (p->env[i].name)) < 0)
            die ("out of memory");
      clearenv ();
      for (size_t i = 0; i < n; i++)
        if (putenv (kept[i]) != 0) /* putenv keeps the string: not freed */
          die_errno ("putenv");
      free (kept);
    }
  for (size_t i = 0; i < p->n_env; i++)
    {
      const ent_env_t *e = &p->env[i];
      if (e->op == ENT_ENV_SET && setenv (e->name, e->value, 1) < 0)
        die_errno ("setenv %s", e->name);
      if (e->op == ENT_ENV_UNSET && unsetenv (e->name) < 0)
        die_errno ("unsetenv %s", e->name);
    }
}

/* Close every fd but 0-2, @keep (each >= 3), @net_sock (the network
 * helper's socket, -1 without one: see await_network) and @hint_sock
 * (pid 1's, -1 without hints: see hand_over_listener); the kept ones lose
 * close-on-exec, the sockets keep it. */
static void
close_fds (const int *keep, size_t n_keep, int net_sock, int hint_sock)
{
  int *all = calloc (n_keep + 2, sizeof (int)); /* pid 1 waits: see entrun_pid1 */
  size_t n = n_keep;
  int ret;

  if (all == NULL)
    die ("out of memory");
  if (n_keep > 0) /* @keep is NULL without --keep-fd */
    memcpy (all, keep, n_keep * sizeof (int));
  if (net_sock >= 0)
    all[n++] = net_sock;
  if (hint_sock >= 0)
    all[n++] = hint_sock;
  ret = close_fds_except (all, n);
  free (all);
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("closing inherited file descriptors");
    }
  for (size_t i = 0; i < n_keep; i++)
    {
      int flags = fcntl (keep[i], F_GETFD);
      if (flags < 0 || fcntl (keep[i], F_SETFD, flags & ~FD_CLOEXEC) < 0)
        die_errno ("--keep-fd %d", keep[i]);
    }
}

/* The sandbox's own terminal (open_pty in pid1.c), in place of the
 * caller's: a process group of our own in pid 1's session, in the pty's
 * foreground, and the pty's slave on each of fds 0-2 that held the caller's
 * terminal.  The caller's terminal is then held by nothing of the sandbox.
 * tcsetpgrp from what is still a background group would stop us with
 * SIGTTOU: blocked meanwhile. */
static void
take_terminal (const entrun_sandbox_t *sb)
{
  sigset_t ttou, saved;

  if (sb->pty_slave < 0)
    return;
  sigemptyset (&ttou);
  sigaddset (&ttou, SIGTTOU);
  if (setpgid (0, 0) < 0 || sigprocmask (SIG_BLOCK, &ttou, &saved) < 0
      || tcsetpgrp (sb->pty_slave, getpid ()) < 0 || sigprocmask (SIG_SETMASK, &saved, NULL) < 0)
    die_errno ("the sandbox's terminal: its foreground");
  for (int fd = 0; fd < 3; fd++)
    if ((sb->pty_fds & (1u << fd)) && dup2 (sb->pty_slave, fd) < 0)
      die_errno ("the sandbox's terminal: on fd %d", fd);
}

/* The working directory must lie inside the sandbox's root.  A path such
 * as /proc/self/fd/N, N a directory the caller passed in with --keep-fd,
 * would leave it in the host's mount tree, from where ".." reaches
 * everything the sandbox hides or makes read-only (runc's CVE-2024-21626).
 * There the getcwd system call answers "(unreachable)/...".  Not glibc's
 * getcwd(): it then falls back on walking "..", which the host's root
 * passes for ours (the same inode, bound in), and returns a clean path. */
static void
enter_cwd (const char *dir)
{
  char cwd[PATH_MAX];
  long n;

  if (dir == NULL)
    return;
  if (chdir (dir) < 0)
    die_errno ("chdir %s", dir);
  n = syscall (SYS_getcwd, cwd, sizeof (cwd));
  if (n < 0)
    die_errno ("chdir %s: getcwd", dir);
  if (cwd[0] != '/')
    die ("chdir %s: refusing a working directory outside the sandbox", dir);
}

static __attribute__ ((noreturn)) void
exec_command (char *const *argv)
{
  execvp (argv[0], argv);
  /* The filter is loaded: only write and exit from here on. */
  dprintf (STDERR_FILENO, "entrun: %s: %s\n", argv[0], strerror (errno));
  _exit (errno == ENOENT || errno == ENOTDIR ? ENTRUN_EXIT_NOTFOUND : ENTRUN_EXIT_NOEXEC);
}

/* The command starts only once the network helper runs: a port that
 * cannot be published, a helper that failed, and it never does.  Waited
 * for here, just before the seccomp filter (the last step), so that the
 * payload's own set-up (limits, environment, descriptors, capabilities)
 * overlaps the helper's start rather than following it (tests/bench/).
 * The helper says "R" once; a hang-up means it failed (before it read what
 * pid 1 sent it, the kernel says ECONNRESET, not EOF), and entrun prints
 * its reason: one line, not two.  Our copy of the socket is closed then:
 * the command never holds it (pid 1 keeps its own for a UDP publish). */
static void
await_network (int net_sock)
{
  ssize_t n;
  char ready;

  n = read_all (net_sock, &ready, 1);
  if (n == 0 || n == -ECONNRESET)
    _exit (ENTRUN_EXIT_ERROR);
  if (n < 0)
    {
      errno = (int)-n;
      die_errno ("waiting for the network helper");
    }
  close (net_sock);
}

/* The filter's listener goes to pid 1, which answers the hints' calls
 * (see filter.h); the command never holds it (close-on-exec, and our
 * copies closed here): a process that held it could answer its own calls,
 * and run what the filter denies.  The filter is loaded already: sendmsg
 * and close are allowed (entrun_filter_prepare checked), and the
 * message waits in the socket until pid 1, held by the vfork, reads it.
 * Without a listener (an older kernel) pid 1 reads the hang-up. */
static void
hand_over_listener (entrun_sandbox_t *sb, int listener)
{
  int ret = 0;

  if (sb->hint_sock < 0)
    return;
  if (listener >= 0)
    ret = netsetup_send_fd (sb->hint_sock, listener);
  /* Without pid 1 to answer, each hint's call would fail with ENOSYS:
   * no command then. */
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("handing the seccomp listener to pid 1");
    }
  if (listener >= 0)
    close (listener);
  close (sb->hint_sock);
}

void
entrun_payload (entrun_sandbox_t *sb, pid_t pid1)
{
  const ent_profile_t *p = sb->profile;
  const char *step = NULL;
  int ret, listener;

  die_with_parent (pid1);
  if (sigprocmask (SIG_SETMASK, &sb->saved_mask, NULL) < 0)
    die_errno ("sigprocmask");
  apply_rlimits (p);
  apply_env (p);
  take_terminal (sb);
  /* Descriptors first: the working directory must not be reached through
   * one of them (see enter_cwd). */
  close_fds (sb->keep_fds, sb->n_keep_fds, sb->net_sock, sb->hint_sock);
  enter_cwd (p->cwd);
  verbose ("payload: rlimits, environment, fds done");
  if ((ret = entrun_apply_caps (p, &step)) < 0)
    {
      errno = -ret;
      die_errno ("%s", step);
    }
  if (p->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_NO_NEW_PRIVS)");
  verbose ("payload: capabilities and no_new_privs set");
  if ((ret = entrun_landlock_apply (&sb->landlock, sb->keep_fds, sb->n_keep_fds, &step)) < 0)
    {
      errno = -ret;
      die_errno ("%s", step);
    }
  verbose ("payload: Landlock applied");
  if (sb->net_sock >= 0)
    {
      await_network (sb->net_sock);
      verbose ("payload: network ready");
    }
  if ((ret = entrun_filter_load (&sb->filter, &listener)) < 0)
    {
      errno = -ret;
      die_errno ("loading the seccomp filter");
    }
  hand_over_listener (sb, listener);
  verbose ("payload: seccomp loaded, exec %s", sb->argv[0]);
  exec_command (sb->argv);
}
