/* entrun — the terminal relay: runs in a process of its own.
 *
 * When the caller's fds 0-2 hold a terminal, the sandbox gets a pty of its
 * own (open_pty in pid1.c) and this process copies bytes between its
 * master and the caller's terminal: what the caller types goes in, what
 * the sandbox writes comes out, through the escape-sequence filter
 * (ttyfilter.c), which is where the sandbox's bytes are parsed.  A bug
 * there must not hand the sandbox entrun's rights, so none of it runs in
 * entrun: entrun starts this relay (entrun_terminal_start in terminal.c)
 * by executing its own binary again, in a session of its own (the caller's
 * terminal is not its controlling one: no TIOCSTI, no job-control
 * signals), with an empty environment and these descriptors:
 *
 *   fd 0  the caller's terminal to read (reopened, non-blocking), or
 *         /dev/null when stdin is no terminal;
 *   fd 1  the caller's terminal to write (reopened, non-blocking);
 *   fd 3  a SOCK_SEQPACKET socket to entrun: the pty's master and the
 *         settings come in first ("M" and a flags byte, the master
 *         attached), then "I" (read the caller's terminal: entrun is in
 *         its foreground) and "i" (stop: it is not).  Its hangup means
 *         entrun is gone.
 *
 * Before it reads a byte of the sandbox's, the relay confines itself: a
 * user namespace of its own, no capability in any set, no_new_privs, not
 * dumpable, no core, no descriptor past
 * the ones it holds, and a seccomp allowlist of read, write, poll and exit
 * (relay-filter.c): no open, no ioctl, no signal, no socket.  A relay taken
 * over can still write to the caller's terminal, which it does anyway; it
 * cannot change the terminal's modes, nor reach anything else.  It dies
 * with entrun (PR_SET_PDEATHSIG); entrun ends the sandbox with exit 125 if
 * it dies first.
 *
 * It ends once the master reads EIO, which happens only once the sandbox
 * is over (pid 1 holds a slave until then), having written out what was
 * left; entrun waits for that before it restores the caller's terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netsetup.h"
#include "sandbox.h"
#include "terminal.h"
#include "ttyfilter.h"
#include "util.h"

#define IN_FD 0
#define OUT_FD 1
#define CTL_FD 3

/* A pty hands out at most 4 KiB per read: the relay reads while it can,
 * up to OUT_SIZE, and writes that in one go, so that a command that writes
 * a lot costs a write of the caller's terminal per 64 KiB, not per 4. */
#define OUT_SIZE (64 * 1024)
#define IN_SIZE 4096

typedef struct relay
{
  int master;
  bool input;       /* read the caller's terminal (entrun's "I") */
  bool eof_in;      /* it hung up or failed: read no more */
  bool done;        /* the master read EIO: the sandbox is over */
  bool out_ok;      /* the caller's terminal takes output */
  bool out_blocked; /* ... but not now (EAGAIN): wait for POLLOUT */
  bool master_full; /* the master takes no input now (EAGAIN) */
  entrun_ttyfilter_t filter;
  unsigned char raw[OUT_SIZE];
  unsigned char out[OUT_SIZE + ENTRUN_TTYFILTER_HOLD + 1];
  size_t out_at, out_end, out_len; /* written, ready to write, held */
  unsigned char in[IN_SIZE];
  size_t in_at, in_len;
} relay_t;

/* The relay's own failures: entrun sees the exit status (see terminal.c). */
static __attribute__ ((noreturn)) void
relay_exit (int status)
{
  _exit (status);
}

static void
confine (int master)
{
  struct rlimit zero = { 0, 0 }, files = { (rlim_t)master + 1, (rlim_t)master + 1 };

  const char *step;

  /* A user namespace of its own (no mapping: the relay opens nothing), so
   * that it holds no capability over anything of the host's, run as root
   * too, and may empty every set, the bounding one included. */
  if (unshare (CLONE_NEWUSER) < 0 || drop_all_capabilities (&step) < 0
      || prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0
      || setrlimit (RLIMIT_CORE, &zero) < 0 || setrlimit (RLIMIT_FSIZE, &zero) < 0
      || setrlimit (RLIMIT_NOFILE, &files) < 0 || prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
      || entrun_relay_filter () < 0)
    relay_exit (ENTRUN_EXIT_ERROR);
}

/* A message of entrun's; false once entrun is gone. */
static bool
read_ctl (relay_t *r)
{
  char msg[16];
  ssize_t n = read (CTL_FD, msg, sizeof (msg));

  if (n < 0)
    return errno == EINTR || errno == EAGAIN;
  if (n == 0)
    return false;
  if (msg[0] == 'I')
    r->input = true;
  else if (msg[0] == 'i')
    {
      /* Said back: entrun hands the terminal back to the caller's shell
       * once we read no more of it. */
      r->input = false;
      if (write (CTL_FD, "i", 1) < 0)
        return false;
    }
  return true;
}

/* The sandbox's output: read (and filter) while there is some and room
 * for it, then write as much as the caller's terminal takes.  A terminal
 * that takes its time holds the sandbox's writers up, as it would hold a
 * program of the caller's. */
static void
pump_output (relay_t *r)
{
  while (!r->done && r->out_at == 0 && r->out_len < OUT_SIZE)
    {
      ssize_t n = read (r->master, r->raw, OUT_SIZE - r->out_len);
      if (n > 0)
        r->out_len += entrun_ttyfilter_run (&r->filter, r->raw, (size_t)n, r->out + r->out_len);
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && errno == EAGAIN)
        break;
      else
        {
          /* EIO: no slave is open any more, the sandbox is over.  A
           * terminal left inside a sequence gets it cancelled. */
          r->done = true;
          r->out_len += entrun_ttyfilter_finish (&r->filter, r->out + r->out_len);
        }
    }
  /* A character the sandbox has not finished waits for its last bytes. */
  r->out_end = r->out_len - (r->done ? 0 : entrun_ttyfilter_tail (r->out, r->out_len));
  while (r->out_at < r->out_end && r->out_ok && !r->out_blocked)
    {
      ssize_t n = write (OUT_FD, r->out + r->out_at, r->out_end - r->out_at);
      if (n > 0)
        r->out_at += (size_t)n;
      else if (n < 0 && errno == EAGAIN)
        r->out_blocked = true;
      else if (n < 0 && errno != EINTR)
        r->out_ok = false; /* gone: the output goes nowhere, as a program's would */
    }
  if (!r->out_ok)
    r->out_at = r->out_end = r->out_len = 0;
  if (r->out_at == r->out_end)
    {
      memmove (r->out, r->out + r->out_end, r->out_len - r->out_end);
      r->out_len -= r->out_end;
      r->out_at = r->out_end = 0;
    }
}

/* What the caller typed (poll said so, and entrun still lets us read). */
static void
read_input (relay_t *r)
{
  ssize_t n;

  if (r->in_len > 0 || !r->input || r->eof_in)
    return;
  n = read (IN_FD, r->in, sizeof (r->in));
  if (n > 0)
    {
      r->in_at = 0;
      r->in_len = (size_t)n;
    }
  else if (n == 0 || (errno != EINTR && errno != EAGAIN))
    r->eof_in = true;
}

/* ... into the pty. */
static void
pump_input (relay_t *r)
{
  while (r->in_at < r->in_len && !r->master_full && !r->done)
    {
      ssize_t n = write (r->master, r->in + r->in_at, r->in_len - r->in_at);
      if (n > 0)
        r->in_at += (size_t)n;
      else if (n < 0 && errno == EAGAIN)
        r->master_full = true;
      else if (n < 0 && errno != EINTR)
        r->in_at = r->in_len; /* the sandbox is going: drop it */
    }
  if (r->in_at == r->in_len)
    r->in_at = r->in_len = 0;
}

static __attribute__ ((noreturn)) void
relay_loop (relay_t *r)
{
  for (;;)
    {
      struct pollfd fds[4] = {
        { .fd = CTL_FD, .events = POLLIN },
        { .fd = r->master, .events = 0 },
        { .fd = OUT_FD, .events = 0 },
        { .fd = IN_FD, .events = 0 },
      };
      pump_output (r);
      pump_input (r);
      if (r->done && r->out_len == 0)
        relay_exit (0);
      if (!r->done && r->out_at == r->out_end)
        fds[1].events |= POLLIN;
      if (!r->done && r->in_len > 0)
        fds[1].events |= POLLOUT;
      if (r->out_at < r->out_end)
        fds[2].events = POLLOUT;
      if (r->input && !r->eof_in && r->in_len == 0)
        fds[3].events = POLLIN;
      if (poll (fds, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          relay_exit (ENTRUN_EXIT_ERROR);
        }
      /* entrun's word first: after "i", not a byte more of the
       * terminal. */
      if (fds[0].revents && !read_ctl (r))
        relay_exit (0);
      if (fds[3].revents)
        read_input (r);
      if (fds[1].revents & (POLLOUT | POLLHUP | POLLERR))
        r->master_full = false;
      if (fds[2].revents)
        r->out_blocked = false;
    }
}

void
entrun_relay_main (void)
{
  static relay_t r;
  struct ucred peer;
  socklen_t peer_len = sizeof (peer);
  unsigned char msg[2];
  size_t got = 0;
  int master;

  /* Our death signal, then is entrun still there?  Its pid is the one
   * that made the socket. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
      || getsockopt (CTL_FD, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) < 0
      || getppid () != peer.pid)
    relay_exit (ENTRUN_EXIT_ERROR);
  master = netsetup_recv_fd_msg (CTL_FD, msg, sizeof (msg), &got, 0);
  if (master == -EPIPE)
    relay_exit (0); /* entrun gave up before the sandbox had a terminal */
  if (master < 0 || got != 2 || msg[0] != 'M')
    relay_exit (ENTRUN_EXIT_ERROR);
  if (fcntl (master, F_SETFL, O_NONBLOCK) < 0)
    relay_exit (ENTRUN_EXIT_ERROR);
  confine (master);
  r.master = master;
  r.out_ok = true;
  entrun_ttyfilter_init (&r.filter, (msg[1] & ENTRUN_RELAY_CLIPBOARD) != 0);
  relay_loop (&r);
}
