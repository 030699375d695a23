/* entrun — the sandbox's pid 1: finishes the sandbox, starts the payload,
 * reaps zombies and forwards signals (see sandbox.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memwatch.h"
#include "mounts.h"
#include "netsetup.h"
#include "sandbox.h"
#include "util.h"

/* Die with the parent, and make sure it has not died already.  The "go"
 * byte only comes from a parent that has written our uid/gid maps, but it
 * may have been killed right after writing it and before our
 * PR_SET_PDEATHSIG: the death signal would then never come, and the sandbox
 * would run on without entrun.  getppid() cannot tell (it is 0 in our own
 * PID namespace), so entrun keeps the pipe's write end open for as long as
 * it lives: a hangup after the "go" byte means it is gone.  The kernel
 * closes a dying process's files before it reparents its children, so a
 * parent that dies after our prctl either sends the signal or has already
 * hung up when we look.
 *
 * Every sandbox has its own PID namespace (entrun refuses a profile
 * without): pid 1's death kills everything in it, whatever the payload
 * did (double forks, setsid), so SIGKILL is the death signal. */
static void
wait_for_parent (entrun_sandbox_t *sb)
{
  struct pollfd pfd = { .fd = sb->sync_fd, .events = POLLIN };
  ssize_t n;
  char go;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_PDEATHSIG)");
  if ((n = read_all (sb->sync_fd, &go, 1)) < 0)
    {
      errno = (int)-n;
      die_errno ("waiting for entrun to start the sandbox");
    }
  if (n != 1)
    _exit (ENTRUN_EXIT_ERROR); /* the parent is gone or failed and said why */
  if (poll (&pfd, 1, 0) != 0)
    _exit (ENTRUN_EXIT_ERROR); /* killed after "go", before our prctl */
  close (sb->sync_fd);
}

/* Close what entrun's caller left open, but 0-2 and the --keep-fd ones,
 * before anything of the sandbox runs.  The payload closes its own copies,
 * but under security.admin it shares pid 1's user namespace and could reach
 * pid 1's through /proc/1/fd/N: a directory there leads out of the mount
 * namespace, past every hidden and read-only path (runc's CVE-2024-21626),
 * and a socket or pipe is one the caller never meant to pass. */
static void
close_inherited_fds (const entrun_sandbox_t *sb)
{
  cleanup_free int *keep = calloc (sb->n_keep_fds + 4, sizeof (int));
  size_t n = 0;
  int ret;

  if (keep == NULL)
    die ("out of memory");
  for (size_t i = 0; i < sb->n_keep_fds; i++)
    keep[n++] = sb->keep_fds[i];
  keep[n++] = sb->status_fd;
  keep[n++] = sb->list_fd;
  if (sb->net_sock >= 0)
    keep[n++] = sb->net_sock;
  if (sb->tty_sock >= 0)
    keep[n++] = sb->tty_sock;
  if ((ret = close_fds_except (keep, n)) < 0)
    {
      errno = -ret;
      die_errno ("closing inherited file descriptors");
    }
}

static void
setup_identity (const entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;

  if (p->hostname)
    {
      if (!p->ns.create[ENT_NS_UTS])
        die ("--hostname needs a private UTS namespace");
      if (sethostname (p->hostname, strlen (p->hostname)) < 0)
        die_errno ("sethostname");
    }
  /* A new session has no controlling terminal: the payload cannot push
   * input into the caller's terminal with TIOCSTI (CVE-2017-5226).  With
   * a pty, it is that session's (open_pty). */
  if ((p->new_session || sb->tty_sock >= 0) && setsid () < 0)
    die_errno ("setsid");
}

/* The network: lo up, and for network.user/proxy the tap or listening fd
 * handed to the helper; for network.user the tap configured. */
static void
setup_network (entrun_sandbox_t *sb, int tun_path)
{
  const ent_profile_t *p = sb->profile;
  ent_error_t *err = NULL;
  cleanup_close int fd = -1;
  int ret;

  if (!p->ns.create[ENT_NS_NET])
    return;
  if (netsetup_inside (p, tun_path, &fd, &err) < 0)
    die ("%s", ent_error_message (err));
  /* EPIPE: the network helper failed, and says why through entrun. */
  ret = fd >= 0 ? netsetup_send_fd (sb->net_sock, fd) : 0;
  if (ret == -EPIPE || ret == -ECONNRESET)
    _exit (ENTRUN_EXIT_ERROR);
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("handing the network to the network helper");
    }
  /* The interface's address and routes (see netsetup_inside_configure),
   * at once: pid 1 would otherwise wait here for the lists entrun makes
   * meanwhile (receive_host_lists); and the UDP publish relay's sockets,
   * made next, connect inside. */
  if (fd >= 0 && netsetup_inside_configure (p, &err) < 0)
    die ("%s", ent_error_message (err));
  if (fd >= 0 && p->net.mode == ENT_NET_USER
      && (ret = netsetup_send_udp_sockets (p, sb->net_sock, &err)) < 0)
    {
      if (ret == -EPIPE || ret == -ECONNRESET)
        _exit (ENTRUN_EXIT_ERROR);
      die ("%s", ent_error_message (err));
    }
  /* Closing the last reference to a tap makes the kernel tear the device
   * down, which takes ~20 ms here.  pid 1 keeps one until its own exit,
   * after its report, so that entrun never waits for it. */
  if (fd >= 0 && p->net.mode == ENT_NET_USER)
    sb->tap_hold = steal_fd (&fd);
}

static void
write_self_map (int self, const char *file, const char *content)
{
  int ret = write_file_at (self, file, content, strlen (content));

  if (ret < 0)
    {
      errno = -ret;
      die_errno ("writing %s of the nested user namespace", file);
    }
}

/* See entrun_needs_locked_mounts(): move into a nested user namespace
 * (same uid and gid) and new mount, network, UTS and IPC namespaces owned by
 * it.  Every mount built so far is now locked for the payload.  @self is
 * our /proc/PID directory, opened before the root changed: the sandbox's
 * /proc may be the host's, read-only (host.processes.view). */
static void
enter_locked_namespaces (const ent_profile_t *p, int self)
{
  uid_t uid = getuid ();
  gid_t gid = getgid ();
  char map[64];
  int flags = CLONE_NEWNS;

  /* The ids are read before unshare: until the maps exist, the new
   * namespace sees us as the overflow id. */
  if (unshare (CLONE_NEWUSER) < 0)
    die_errno ("creating the nested user namespace");
  snprintf (map, sizeof (map), "%u %u 1\n", uid, uid);
  write_self_map (self, "uid_map", map);
  write_self_map (self, "setgroups", "deny");
  snprintf (map, sizeof (map), "%u %u 1\n", gid, gid);
  write_self_map (self, "gid_map", map);
  flags |= p->ns.create[ENT_NS_NET] ? CLONE_NEWNET : 0;
  flags |= p->ns.create[ENT_NS_UTS] ? CLONE_NEWUTS : 0;
  flags |= p->ns.create[ENT_NS_IPC] ? CLONE_NEWIPC : 0;
  if (unshare (flags) < 0)
    die_errno ("creating the payload's namespaces");
}

/* A request of the network helper's for a UDP publish socket: it must
 * never hold pid 1 up (netsetup_udp_serve does not block).  Once the
 * helper is gone or says something unexpected, pid 1 stops listening. */
static void
serve_network (entrun_sandbox_t *sb)
{
  if (netsetup_udp_serve (sb->profile, sb->net_sock) < 0)
    {
      close (sb->net_sock);
      sb->net_sock = -1;
    }
}

/* The payload stopped (^Z at the sandbox's terminal, SIGSTOP): entrun is
 * told, and stops too, as a job of the caller's shell would; once it is
 * continued, it says "C" (see continue_payload).  Only with a pty: without
 * one, the caller's ^Z stops entrun itself. */
static void
tell_stopped (entrun_sandbox_t *sb, int sig)
{
  char msg[2] = { 'Z', (char)sig };

  if (sb->tty_sock >= 0 && write (sb->tty_sock, msg, sizeof (msg)) < 0)
    verbose ("pid 1: telling entrun the command stopped: %s", strerror (errno));
}

/* Reap everything that exited; return true once @payload has, with its
 * status in *payload_status.  With a pty, a stop of the payload's is
 * reported too (tell_stopped). */
static bool
reap (entrun_sandbox_t *sb, pid_t payload, int *payload_status)
{
  bool done = false;
  int st;
  pid_t r;

  if (sb->tty_sock >= 0 && (r = waitpid (payload, &st, WNOHANG | WUNTRACED)) == payload)
    {
      if (!WIFSTOPPED (st))
        {
          *payload_status = st;
          done = true;
        }
      else
        tell_stopped (sb, WSTOPSIG (st));
    }
  while ((r = waitpid (-1, &st, WNOHANG)) > 0)
    if (r == payload)
      {
        *payload_status = st;
        done = true;
      }
  return done;
}

/* The process group in the foreground of the sandbox's pty, or -1. */
static pid_t
pty_foreground (const entrun_sandbox_t *sb)
{
  pid_t fg;

  if (sb->pty_master < 0 || ioctl (sb->pty_master, TIOCGPGRP, &fg) < 0)
    return -1;
  return fg;
}

/* entrun was continued after it stopped with the payload: so is the
 * payload's group, and the pty's foreground group (a shell's job). */
static void
continue_payload (entrun_sandbox_t *sb, pid_t payload)
{
  pid_t fg = pty_foreground (sb);
  char c;
  ssize_t n = read (sb->tty_sock, &c, 1);

  if (n <= 0)
    {
      /* entrun is gone (and we die with it) or failed: no more stops. */
      if (n == 0 || (errno != EINTR && errno != EAGAIN))
        {
          close (sb->tty_sock);
          sb->tty_sock = -1;
        }
      return;
    }
  if (c != 'C')
    return;
  kill (-payload, SIGCONT);
  kill (payload, SIGCONT);
  if (fg > 0)
    kill (-fg, SIGCONT);
}

/* resources.timeout, enforced again here: entrun ends the sandbox on time,
 * but entrun can be stopped (SIGSTOP, ^Z of a job that is not the
 * sandbox's).  A deadline a little later than entrun's, then; -1 without
 * a timeout. */
static int64_t
timeout_deadline (const ent_profile_t *p)
{
  if (p->resources.timeout <= 0)
    return -1;
  return now_ms () + p->resources.timeout * 1000 + ENTRUN_PID1_TIMEOUT_GRACE_MS;
}

/* resources.memory without a cgroup: once the sandbox holds more, or can
 * no longer be watched, all of it is killed at once (all of it may be
 * allocating).  Returns the flag for the report, or 0. */
static int
watch_memory (entrun_memwatch_t *w, int64_t now)
{
  int ret = entrun_memwatch_check (w, now);

  if (ret == 0)
    return 0;
  kill (-1, SIGKILL);
  return ret > 0 ? ENTRUN_STATUS_OVER_MEMORY : ENTRUN_STATUS_UNWATCHED;
}

/* poll(2)'s timeout: until the earliest of @deadline, the memory
 * watch's next look and the next count of processes (each -1 when none). */
static int
poll_timeout (const entrun_sandbox_t *sb, int64_t deadline, const entrun_memwatch_t *w)
{
  int64_t next = w->proc >= 0 ? w->next : -1;

  if (deadline >= 0 && (next < 0 || deadline < next))
    next = deadline;
  if (sb->pids_next >= 0 && (next < 0 || sb->pids_next < next))
    next = sb->pids_next;
  return poll_ms_until (next);
}

/* A signal for the payload, from outside the sandbox (entrun, or the
 * user): @from is its sender's pid in our namespace, 0 for one outside,
 * and @code says it came from kill(2) or tgkill(2), the calls whose
 * sender the kernel fills in itself.  A process of the sandbox cannot have
 * pid 1 signal for it: not with its own pid, not with a siginfo it wrote
 * (rt_sigqueueinfo: SI_QUEUE, any pid it likes), not through the kernel
 * (F_SETOWN's SIGIO: a pid of 0 too).  Nor does pid 1 forward what it sent
 * itself, below.
 *
 * SIGINT, SIGQUIT, SIGTERM, SIGHUP and SIGWINCH reach the payload's whole
 * process group, as a terminal's ^C reaches a whole foreground job: make
 * and its recipes, a test runner and its tests.  That group is pid 1's
 * own (the payload is no group leader, so it may call setsid): pid 1
 * signals it, itself included, and drops its own copy when it comes back.
 * A payload that left it (setsid, setpgid) gets the signal as well.
 * SIGUSR1 and SIGUSR2 mean something to the payload alone (and would kill
 * a child that does not expect them).
 *
 * With a pty, the payload leads a process group of its own in the pty's
 * session, and the pty's foreground group is the job a terminal would
 * signal: it gets them (^C typed at the caller's terminal reaches it as a
 * byte, through the pty, not through here).  SIGTERM and SIGHUP, which ask
 * the whole sandbox to stop, reach the payload too (a shell, whose jobs
 * are elsewhere). */
static void
forward_signal (entrun_sandbox_t *sb, pid_t payload, int sig, pid_t from, int code)
{
  pid_t fg;

  if (from != 0 || (code != SI_USER && code != SI_TKILL))
    return;
  if (sig == SIGUSR1 || sig == SIGUSR2)
    kill (payload, sig);
  else if (sb->pty_master < 0)
    {
      if (kill (0, sig) < 0 || getpgid (payload) != getpgrp ())
        kill (payload, sig);
    }
  else
    {
      fg = pty_foreground (sb);
      if (fg > 0)
        kill (-fg, sig);
      if (fg <= 0 || ((sig == SIGTERM || sig == SIGHUP) && getpgid (payload) != fg))
        kill (payload, sig);
    }
}

static __attribute__ ((noreturn)) void
supervise_payload (entrun_sandbox_t *sb, pid_t payload, int sfd, int64_t deadline,
                   entrun_memwatch_t *w)
{
  struct signalfd_siginfo si;
  int status = 0, ret, flags = 0;
  entrun_report_t report = { .kind = ENTRUN_REPORT_STATUS };

  for (;;)
    {
      struct pollfd pfd[4] = { { .fd = sfd, .events = POLLIN },
                               { .fd = sb->tty_sock, .events = POLLIN },
                               { .fd = sb->net_sock, .events = POLLIN },
                               { .fd = sb->listener, .events = POLLIN } };
      int64_t now;
      if (reap (sb, payload, &status))
        break;
      now = now_ms ();
      if (deadline >= 0 && now >= deadline && flags == 0)
        {
          /* The rest of the sandbox goes below, once the payload is
           * reaped. */
          kill (payload, SIGKILL);
          flags = ENTRUN_STATUS_TIMED_OUT;
        }
      if (flags == 0)
        flags = watch_memory (w, now);
      entrun_pid1_pids_look (sb, now, false);
      if (poll (pfd, 4, flags ? -1 : poll_timeout (sb, deadline, w)) < 0)
        {
          /* EINTR, or the kernel short of memory: the command runs, so
           * pid 1 cannot give up; again, a little later. */
          if (errno != EINTR)
            usleep (10000);
          continue;
        }
      if (sb->net_sock >= 0 && pfd[2].revents)
        serve_network (sb);
      if (sb->listener >= 0 && (pfd[3].revents & POLLIN))
        entrun_pid1_hints_serve (sb);
      else if (sb->listener >= 0 && pfd[3].revents)
        {
          /* No process runs under the filter any more. */
          close (sb->listener);
          sb->listener = -1;
        }
      if (sb->tty_sock >= 0 && pfd[1].revents)
        continue_payload (sb, payload);
      if (!(pfd[0].revents & POLLIN) || read_all (sfd, &si, sizeof (si)) != (ssize_t)sizeof (si))
        continue;
      if (si.ssi_signo != SIGCHLD)
        forward_signal (sb, payload, (int)si.ssi_signo, (pid_t)si.ssi_pid, si.ssi_code);
    }
  /* One last count of what is left, which a busy sandbox may have kept
   * pid 1 from doing on time (a fork bomb starves it). */
  entrun_pid1_pids_look (sb, now_ms (), true);
  /* End what the payload left behind before reporting, so that nothing of
   * the sandbox is alive once entrun returns.  In our own PID namespace
   * kill(-1) reaches all of it, and every orphan is our child to reap. */
  kill (-1, SIGKILL);
  while (waitpid (-1, NULL, 0) > 0 || errno == EINTR)
    ;
  verbose ("pid 1: payload reaped");
  /* learn: what it wrote in the home, before the status (which ends
   * entrun's reading). */
  entrun_pid1_learn_files (sb);
  /* The pty's last slave: the relay reads what is left, then EIO, and
   * is done before our report is read (see terminal.c). */
  if (sb->pty_slave >= 0)
    close (steal_fd (&sb->pty_slave));
  /* Our own exit status mirrors the payload's: entrun falls back to it if
   * the report cannot be written. */
  report.value = status | flags;
  if ((ret = write_all (sb->status_fd, &report, sizeof (report))) < 0)
    {
      errno = -ret;
      warn ("pid 1: reporting the command's status: %s", strerror (errno));
      _exit (entrun_exit_status (status));
    }
  _exit (entrun_exit_status (status));
}

/* The sandbox's network namespace when clone() did not make it (see
 * clone_flags in sandbox.c): first thing after "go", before pid 1 opens or
 * makes anything of the network.  With locked mounts it comes with the
 * nested user namespace instead. */
static void
enter_network_namespace (const entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;

  if (!sb->overlap || !p->ns.create[ENT_NS_NET] || entrun_needs_locked_mounts (p))
    return;
  if (unshare (CLONE_NEWNET) < 0)
    die_errno ("creating the sandbox's network namespace");
}

/* What entrun lists while we start (see entrun_run): the paths to keep
 * read-only, the host's sockets to cover and the git hooks and config to
 * protect.  Nothing of the sandbox is built before they are all here; cut
 * short, entrun failed and said why. */
static void
receive_host_lists (entrun_sandbox_t *sb)
{
  char **lists[3];
  /* Unbounded: entrun, which made them, holds them all already. */
  int ret = strv_recv (sb->list_fd, lists, N_ELEMENTS (lists), SIZE_MAX);

  if (ret == -EPROTO)
    _exit (ENTRUN_EXIT_ERROR);
  /* Said before the pipe closes: entrun, told EPIPE, stops us and stays
   * silent only once we have spoken (die_after_pid1). */
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("pid 1: receiving the paths the sandbox protects");
    }
  close (sb->list_fd);
  sb->list_fd = -1;
  sb->protect = lists[0];
  sb->sockets = lists[1];
  sb->git = lists[2];
}

/* The sandbox's own terminal: a pty of its private devpts (the host's
 * under host.devices.admin), with the caller's modes and window size.  Its
 * master goes to entrun, for the relay.  pid 1 leads the session the pty
 * controls, as a login shell would, and the payload runs in a process
 * group of its own, in the pty's foreground (take_terminal in payload.c):
 * a group whose parent is in another group of its session, so that ^Z
 * stops it (the kernel drops SIGTSTP in an orphaned group, which a session
 * leader's own group is).  pid 1 keeps a copy of each end: the master to
 * know the pty's foreground group (forward_signal), the slave so that the
 * relay reads EIO only once the sandbox is over (see supervise_payload),
 * however the command closes and opens its own. */
static void
open_pty (entrun_sandbox_t *sb)
{
  int unlock = 0, ret;

  if (sb->tty_sock < 0)
    return;
  sb->pty_master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (sb->pty_master < 0)
    die_errno ("the sandbox's terminal: opening /dev/ptmx");
  if (ioctl (sb->pty_master, TIOCSPTLCK, &unlock) < 0
      || (sb->pty_slave = ioctl (sb->pty_master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
    die_errno ("the sandbox's terminal: opening its pty");
  if (sb->have_termios && tcsetattr (sb->pty_slave, TCSANOW, &sb->termios) < 0)
    die_errno ("the sandbox's terminal: setting its modes");
  if (ioctl (sb->pty_slave, TIOCSWINSZ, &sb->winsize) < 0)
    die_errno ("the sandbox's terminal: setting its window size");
  if (ioctl (sb->pty_slave, TIOCSCTTY, 0) < 0)
    die_errno ("the sandbox's terminal: making it the session's");
  /* EPIPE: entrun failed, and says why. */
  ret = netsetup_send_fd (sb->tty_sock, sb->pty_master);
  if (ret == -EPIPE || ret == -ECONNRESET)
    _exit (ENTRUN_EXIT_ERROR);
  if (ret < 0)
    {
      errno = -ret;
      die_errno ("the sandbox's terminal: handing it to entrun");
    }
}

/* Once the payload runs (the vfork returned), pid 1 keeps nothing it does
 * not need to reap, forward signals, report and serve the UDP relay: no
 * capability (not even over its own namespaces), no_new_privs, and its own
 * filter (pid1-filter.c).  It was made non-dumpable before the payload
 * existed: its memory belongs to the host's user namespace, so neither
 * ptrace nor /proc/1/{fd,mem,environ,root,cwd} is open to the payload,
 * whatever its capabilities in the sandbox's.  Should any step fail, the
 * payload is ended at once and entrun exits 125. */
static void
confine_self (pid_t payload)
{
  const char *step = "no_new_privs";
  int ret = prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;

  if (ret == 0)
    ret = drop_all_capabilities (&step);
  if (ret == 0 && (ret = entrun_pid1_filter ()) < 0)
    step = "loading its seccomp filter";
  if (ret == 0)
    return;
  kill (payload, SIGKILL);
  errno = -ret;
  die_errno ("pid 1: confining itself: %s", step);
}

void
entrun_pid1 (entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;
  entrun_mount_ctx_t mctx = { .profile = p, .watch_proc = -1, .watch_pool = -1 };
  entrun_memwatch_t watch = { .proc = -1, .pool = -1 };
  cleanup_close int tun_path = -1, self_dir = -1;
  pid_t self, payload;
  int sfd, hint_end, ret;

  wait_for_parent (sb);
  close_inherited_fds (sb);
  enter_network_namespace (sb);
  verbose ("pid 1: started");
  if (!entrun_needs_locked_mounts (p))
    setup_network (sb, -1);
  else if (p->ns.create[ENT_NS_NET] && p->net.mode == ENT_NET_USER)
    {
      /* Opened again in the payload's network namespace, after the root
       * (and its /dev) changed. */
      tun_path = open ("/dev/net/tun", O_PATH | O_CLOEXEC);
      if (tun_path < 0)
        die_errno ("network.user: /dev/net/tun");
    }
  if (entrun_needs_locked_mounts (p)
      && (self_dir = open ("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("/proc/self");
  receive_host_lists (sb);
  mctx.protect = sb->protect;
  mctx.git = sb->git;
  mctx.sockets = sb->sockets;
  mctx.learn_upper_of = sb->learn ? p->home : NULL;
  if (p->ns.create[ENT_NS_MOUNT])
    entrun_setup_mounts (&mctx);
  if (entrun_memwatch_wanted (p) && mctx.watch_proc < 0)
    die ("resources.memory without a delegated cgroup needs a private mount namespace");
  watch.proc = mctx.watch_proc;
  watch.pool = mctx.watch_pool;
  sb->learn_upper = p->ns.create[ENT_NS_MOUNT] ? mctx.learn_upper : -1;
  watch.limit = p->resources.memory;
  verbose ("pid 1: root ready");
  if (entrun_needs_locked_mounts (p))
    {
      enter_locked_namespaces (p, self_dir);
      close (steal_fd (&self_dir));
      setup_network (sb, tun_path);
      verbose ("pid 1: mounts locked in a nested user namespace");
    }
  setup_identity (sb);
  open_pty (sb);
  verbose ("pid 1: hostname, network, session and terminal ready");

  /* Made before the payload exists: once it may run, a failure here could
   * no longer stop it (invariant 1). */
  sfd = signalfd (-1, &sb->forwarded, SFD_CLOEXEC);
  if (sfd < 0)
    die_errno ("signalfd");
  /* The network helper may still be starting: the payload sets itself up
   * meanwhile, and waits for the network before its seccomp filter and
   * execve (await_network in payload.c): if the network cannot be up (a
   * port that cannot be published, a helper that failed), the command
   * never runs. */
  /* vfork: the payload borrows our memory until its execve, while we wait.
   * A fork would copy our page tables, and each page either of us wrote
   * next would fault to be copied: on the virtual machines entrun is
   * measured on, a page fault costs ~25 us, and this saved 1.3-1.7 ms of a
   * 12-19 ms start (tests/bench/).  The payload's code is entrun's own up
   * to its execve and keeps to what a vfork child may do: it never returns
   * (entrun_payload is noreturn), it leaves with _exit only (die() does,
   * see die_use_underscore_exit), and what it changes in the memory it
   * shares (the environment, the heap) is nothing we use again.  Its
   * descriptors, credentials, limits, signal mask and seccomp filter are
   * its own: vfork shares the memory only. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    die_errno ("pid 1: prctl(PR_SET_DUMPABLE)");
  entrun_pid1_hints_prepare (sb, &hint_end);
  entrun_pid1_pids_prepare (sb);
  self = getpid ();
  payload = vfork ();
  if (payload < 0)
    die_errno ("vfork");
  if (payload == 0)
    {
      close (sb->status_fd);
      close (sfd);
      if (hint_end >= 0)
        close (hint_end);
      if (sb->pids_proc >= 0)
        close (sb->pids_proc);
      if (sb->learn_upper >= 0)
        close (sb->learn_upper);
      entrun_payload (sb, self);
    }
  /* Confined first: the command runs already, and may look at us. */
  confine_self (payload);
  if ((ret = entrun_pid1_hints_receive (sb, hint_end)) < 0)
    {
      kill (payload, SIGKILL);
      errno = -ret;
      die_errno ("pid 1: receiving the seccomp listener");
    }
  /* The payload runs (or gave up before its execve: the network never came
   * up).  With a UDP publish, pid 1 makes the relay's sockets for as long
   * as the sandbox runs (see serve_network). */
  if (sb->net_sock >= 0 && !netsetup_udp_service (p))
    {
      close (sb->net_sock);
      sb->net_sock = -1;
    }
  supervise_payload (sb, payload, sfd, timeout_deadline (p), &watch);
}
