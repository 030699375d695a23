/* entrun — the sandbox's own terminal, entrun's side (see terminal.h).
 * Runs in entrun; the bytes are the relay's (relay.c). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netsetup.h"
#include "terminal.h"
#include "util.h"

/* How long the relay may take to write out what the sandbox left, once it
 * is over: only a terminal that takes no more output (its emulator
 * stopped, say) makes it wait that long. */
#define RELAY_DRAIN_MS 5000

/* The terminal whose modes entrun changed, for exit() on a failure. */
static entrun_terminal_t *active;

/* Is entrun in the foreground of the caller's terminal?  Only then may it
 * change its modes (else SIGTTOU) or read it (else it would take what the
 * caller types for the job that is).  A terminal that is not entrun's
 * controlling one (ENOTTY) has no foreground: it is entrun's. */
static bool
foreground (const entrun_terminal_t *t)
{
  pid_t fg = tcgetpgrp (t->modes_fd >= 0 ? t->modes_fd : t->out_fd);

  return fg < 0 || fg == getpgrp ();
}

/* Raw mode, as ssh puts the terminal it reads: every byte the caller
 * types, ^C and ^Z included, goes to the sandbox's pty, whose own line
 * discipline (with the caller's modes) echoes it, edits lines and turns
 * ^C into SIGINT for the foreground job inside. */
static void
enter_raw (entrun_terminal_t *t)
{
  struct termios raw = t->saved;

  if (t->modes_fd < 0)
    return;
  cfmakeraw (&raw);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr (t->modes_fd, TCSADRAIN, &raw) < 0)
    {
      verbose ("the terminal's raw mode: %s", strerror (errno));
      return;
    }
  t->raw = true;
}

static void
leave_raw (entrun_terminal_t *t)
{
  if (!t->raw)
    return;
  t->raw = false;
  if (!foreground (t))
    return;
  if (tcsetattr (t->modes_fd, TCSADRAIN, &t->saved) < 0)
    verbose ("restoring the terminal's modes: %s", strerror (errno));
}

static void
restore_at_exit (void)
{
  if (active == NULL)
    return;
  leave_raw (active);
  if (active->shared_in && active->in_flags >= 0)
    fcntl (active->in_fd, F_SETFL, active->in_flags);
}

/* How long entrun waits for the relay to say it stopped reading. */
#define RELAY_ACK_MS 1000

/* The relay reads the caller's terminal, or stops.  Stopping is
 * acknowledged ("i" back): once entrun gives the terminal back to the
 * caller's shell (suspend, stop_self, finish), the relay must not take
 * another byte of it.  Where the relay reads the caller's own open file
 * description (reopen could not open the terminal again), that is
 * non-blocking while the relay reads, and as it was otherwise. */
static void
set_input (entrun_terminal_t *t, bool on)
{
  int64_t deadline = now_ms () + RELAY_ACK_MS;
  char ack;

  on = on && t->in_fd >= 0;
  if (on == t->input || t->master < 0 || t->relay_ctl < 0)
    return;
  if (on && t->shared_in && t->in_flags >= 0)
    fcntl (t->in_fd, F_SETFL, t->in_flags | O_NONBLOCK);
  if (send (t->relay_ctl, on ? "I" : "i", 1, MSG_NOSIGNAL) < 0)
    return; /* the relay is gone: its hangup says so */
  t->input = on;
  while (!on)
    {
      struct pollfd pfd = { .fd = t->relay_ctl, .events = POLLIN };
      int left = poll_ms_until (deadline);
      if (left == 0 || poll (&pfd, 1, left) == 0)
        {
          verbose ("the terminal relay did not say it stopped reading");
          break;
        }
      /* Its hangup (0) stays for supervise() to see. */
      if (pfd.revents && recv (t->relay_ctl, &ack, 1, MSG_PEEK) <= 0)
        break;
      if (pfd.revents && recv (t->relay_ctl, &ack, 1, 0) == 1 && ack == 'i')
        break;
    }
  if (!on && t->shared_in && t->in_flags >= 0)
    fcntl (t->in_fd, F_SETFL, t->in_flags);
}

/* The pty's window size follows the caller's terminal's. */
static void
resize (const entrun_terminal_t *t)
{
  struct winsize ws;

  if (t->master >= 0 && ioctl (t->out_fd, TIOCGWINSZ, &ws) == 0)
    ioctl (t->master, TIOCSWINSZ, &ws);
}

/* In the foreground: raw mode, the relay reads; in the background: the
 * terminal is the foreground job's. */
static void
sync_terminal (entrun_terminal_t *t)
{
  bool fg = foreground (t);

  if (fg)
    enter_raw (t);
  else
    t->raw = false;
  set_input (t, fg);
  resize (t);
}

/* A descriptor of the caller's terminal for the relay: the same terminal
 * opened again, so that its non-blocking mode is the relay's own and never
 * the caller's shell's (an open file description is shared).  Where that
 * cannot be (a terminal of another user's, after su; one with TIOCEXCL),
 * the same one: *@shared says so. */
static int
reopen (int fd, int flags, bool *shared)
{
  char path[32];
  struct stat a, b;
  int r;

  snprintf (path, sizeof (path), "/proc/self/fd/%d", fd);
  r = open (path, flags | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (r >= 0
      && (fstat (r, &a) < 0 || fstat (fd, &b) < 0 || !S_ISCHR (a.st_mode)
          || a.st_rdev != b.st_rdev))
    {
      close (r);
      r = -1;
    }
  *shared = r < 0;
  if (r < 0 && (r = fcntl (fd, F_DUPFD_CLOEXEC, 3)) < 0)
    die_errno ("the terminal relay: fd %d", fd);
  return r;
}

static void
start_relay (entrun_terminal_t *t)
{
  bool shared_out;
  int ctl[2], in, out;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) < 0)
    die_errno ("socketpair");
  in = t->in_fd >= 0 ? reopen (t->in_fd, O_RDONLY, &t->shared_in) : -1;
  out = reopen (t->out_fd, O_WRONLY, &shared_out);
  t->in_flags = t->in_fd >= 0 ? fcntl (t->in_fd, F_GETFL) : -1;
  {
    const int fds[] = { in, out, -1, ctl[1] };
    t->relay = entrun_spawn_self (ENTRUN_RELAY_ARGV0, fds, N_ELEMENTS (fds), "terminal relay");
  }
  if (in >= 0)
    close (in);
  close (out);
  close (ctl[1]);
  t->relay_ctl = ctl[0];
}

void
entrun_terminal_prepare (entrun_terminal_t *t, entrun_sandbox_t *sb, const ent_profile_t *p,
                         bool no_pty)
{
  unsigned ttys = 0;
  int pair[2];

  memset (t, 0, sizeof (*t));
  t->in_fd = t->out_fd = t->modes_fd = t->sock = t->master = t->relay_ctl = -1;
  sb->tty_sock = sb->pty_master = sb->pty_slave = -1;
  sb->pty_fds = 0;
  for (int fd = 0; fd < 3; fd++)
    if (isatty (fd))
      ttys |= 1u << fd;
  if (ttys == 0 || no_pty)
    return;
  t->on = true;
  t->clipboard = p->clipboard;
  sb->pty_fds = ttys;
  /* Shown on stdout, else stderr, else stdin's terminal.  What the caller
   * types is relayed only when stdin and stdout are both terminals, an
   * interactive command.  In a pipeline (entrun -- make | less, tee),
   * other programs of the job read the terminal too, and a relay that
   * reads ahead would take their keystrokes: there the caller's terminal
   * is left alone, modes included, ^C at it signals the job (entrun
   * forwards it), and the command reads nothing from its pty. */
  t->out_fd = (ttys & 2) ? 1 : (ttys & 4) ? 2 : 0;
  t->in_fd = (ttys & 3) == 3 ? 0 : -1;
  t->modes_fd = t->in_fd;
  if (tcgetattr (t->in_fd >= 0 ? t->in_fd : t->out_fd, &sb->termios) < 0)
    die_errno ("the caller's terminal: its modes");
  sb->have_termios = true;
  t->saved = sb->termios;
  /* Not in raw mode, the caller's terminal turns each newline into CR LF
   * itself: the pty must not as well. */
  if (t->in_fd < 0)
    sb->termios.c_oflag &= ~OPOST;
  if (ioctl (t->out_fd, TIOCGWINSZ, &sb->winsize) < 0)
    memset (&sb->winsize, 0, sizeof (sb->winsize));
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
    die_errno ("socketpair");
  t->sock = pair[0];
  sb->tty_sock = pair[1];
  start_relay (t);
  active = t;
  if (atexit (restore_at_exit) != 0)
    die ("atexit");
  /* Raw at once: what the caller types while the sandbox starts waits in
   * the terminal for the relay, without echo or line editing of the
   * caller's terminal's own. */
  if (foreground (t))
    enter_raw (t);
  verbose ("the sandbox's terminal: relay started (pid %d)", (int)t->relay);
}

void
entrun_terminal_pid1_started (entrun_terminal_t *t, entrun_sandbox_t *sb)
{
  if (!t->on)
    return;
  close (sb->tty_sock);
  sb->tty_sock = -1;
}

void
entrun_terminal_pollfds (const entrun_terminal_t *t, struct pollfd *fds)
{
  fds[0] = (struct pollfd){ .fd = t->sock, .events = POLLIN };
  fds[1] = (struct pollfd){ .fd = t->relay_ctl, .events = POLLIN };
}

/* pid 1 sent the pty's master: the relay gets it (with its settings), and
 * the pty the caller's window size (it may have changed meanwhile). */
static void
got_master (entrun_terminal_t *t)
{
  const char msg[2] = { 'M', (char)(t->clipboard ? ENTRUN_RELAY_CLIPBOARD : 0) };
  int fd = netsetup_recv_fd (t->sock);

  if (fd < 0)
    {
      /* pid 1 failed (and said why) or sent something else: no terminal;
       * its status follows. */
      close (t->sock);
      t->sock = -1;
      return;
    }
  t->master = fd;
  if (netsetup_send_fd_msg (t->relay_ctl, fd, msg, sizeof (msg), 0) < 0)
    return; /* the relay is gone: its hangup says so */
  verbose ("the sandbox's terminal: relaying");
  sync_terminal (t);
}

/* Stop entrun as ^Z would, its terminal handed back first: the relay
 * reads no more of it, its modes are the caller's again.  SIGTSTP to the
 * whole job when entrun leads it (its partners in a pipeline), else to
 * entrun alone; unblocked meanwhile, so that it stops entrun at once.  A
 * process group that cannot stop (orphaned: no shell to continue it)
 * drops the signal, and entrun goes on (no SIGCONT is pending then). */
static void
stop_self (entrun_terminal_t *t)
{
  sigset_t tstp, pending;

  set_input (t, false);
  leave_raw (t);
  sigemptyset (&tstp);
  sigaddset (&tstp, SIGTSTP);
  sigprocmask (SIG_UNBLOCK, &tstp, NULL);
  kill (getpgrp () == getpid () ? 0 : getpid (), SIGTSTP);
  sigprocmask (SIG_BLOCK, &tstp, NULL);
  if (sigpending (&pending) == 0 && !sigismember (&pending, SIGCONT))
    entrun_terminal_signal (t, SIGCONT);
}

/* The command stopped (^Z at a command that is no shell, SIGSTOP): so
 * does entrun, as a job of the caller's shell; SIGCONT (the shell's fg or
 * bg) continues both (entrun_terminal_signal). */
static void
suspend (entrun_terminal_t *t, int sig)
{
  verbose ("the command stopped (signal %d): so does entrun", sig);
  t->suspended = true;
  stop_self (t);
}

int
entrun_terminal_events (entrun_terminal_t *t, const struct pollfd *fds)
{
  unsigned char msg[2];
  int wstatus = 0;
  ssize_t n;

  if (t->sock >= 0 && fds[0].revents)
    {
      if (t->master < 0)
        got_master (t);
      else if ((n = read (t->sock, msg, sizeof (msg))) == 2 && msg[0] == 'Z')
        suspend (t, msg[1]);
      else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        {
          close (t->sock);
          t->sock = -1;
        }
    }
  if (t->relay_ctl < 0 || !fds[1].revents)
    return 0;
  /* A late acknowledgement (see set_input), or its end. */
  if ((n = recv (t->relay_ctl, msg, sizeof (msg), MSG_DONTWAIT)) > 0
      || (n < 0 && (errno == EAGAIN || errno == EINTR)))
    return 0;
  /* Done (0) once the sandbox is over, which its status is about to say;
   * else it failed. */
  kill (t->relay, SIGKILL);
  while (waitpid (t->relay, &wstatus, 0) < 0 && errno == EINTR)
    ;
  t->relay = 0;
  close (t->relay_ctl);
  t->relay_ctl = -1;
  if (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0)
    return 0;
  if (WIFSIGNALED (wstatus))
    snprintf (t->why, sizeof (t->why), "the terminal relay died (%s)",
              strsignal (WTERMSIG (wstatus)));
  else
    snprintf (t->why, sizeof (t->why), "the terminal relay ended unexpectedly (status %d)",
              WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1);
  return -1;
}

bool
entrun_terminal_signal (entrun_terminal_t *t, int sig)
{
  if (!t->on)
    return false;
  if (sig == SIGWINCH)
    {
      resize (t);
      return true;
    }
  /* Stopped from outside (a kill -TSTP, ^Z in a pipeline partner that
   * keeps its terminal's signals): the terminal goes back first. */
  if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
    {
      stop_self (t);
      return true;
    }
  if (sig != SIGCONT)
    return false;
  if (t->suspended && t->sock >= 0 && write (t->sock, "C", 1) < 0)
    verbose ("continuing the command: %s", strerror (errno));
  t->suspended = false;
  sync_terminal (t);
  return true;
}

void
entrun_terminal_finish (entrun_terminal_t *t)
{
  int64_t deadline = now_ms () + RELAY_DRAIN_MS;
  bool stuck = false;

  if (!t->on)
    return;
  /* A relay that never got the master ends once its socket hangs up. */
  if (t->master < 0 && t->relay_ctl >= 0)
    {
      close (t->relay_ctl);
      t->relay_ctl = -1;
    }
  while (t->relay_ctl >= 0)
    {
      struct pollfd pfd = { .fd = t->relay_ctl, .events = POLLIN };
      char ack;
      int left = poll_ms_until (deadline);
      if (left == 0)
        {
          stuck = true;
          break;
        }
      ssize_t n;
      if (poll (&pfd, 1, left) <= 0)
        continue;
      n = recv (t->relay_ctl, &ack, 1, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        break;
    }
  if (t->relay > 0)
    {
      kill (t->relay, SIGKILL);
      while (waitpid (t->relay, NULL, 0) < 0 && errno == EINTR)
        ;
      t->relay = 0;
    }
  if (t->relay_ctl >= 0)
    close (t->relay_ctl);
  t->relay_ctl = -1;
  leave_raw (t);
  if (t->shared_in && t->in_flags >= 0)
    fcntl (t->in_fd, F_SETFL, t->in_flags);
  active = NULL;
  /* Said once the terminal is the caller's again. */
  if (stuck)
    warn ("the terminal took no more of the sandbox's output; the rest was dropped");
  if (t->master >= 0)
    close (t->master);
  if (t->sock >= 0)
    close (t->sock);
  t->master = t->sock = -1;
}
