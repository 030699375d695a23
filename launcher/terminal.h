/* entrun — the sandbox's own terminal, entrun's side (runs in entrun).
 *
 * When any of entrun's fds 0-2 is a terminal (and no --no-pty), the
 * sandbox gets a pty of its own: pid 1 opens it in the sandbox's devpts
 * (open_pty in pid1.c) and sends entrun the master; the payload makes the
 * slave its controlling terminal and has it on each of fds 0-2 that held
 * the caller's terminal (take_terminal in payload.c).  The terminal relay
 * (relay.c), a confined process of its own, copies the bytes between the
 * master and the caller's terminal.  entrun itself never reads a byte of
 * the sandbox's: it keeps the caller's terminal in raw mode while the
 * relay reads it and restores its modes exactly afterwards, passes window
 * size changes on to the pty, and stops and continues with the command
 * (^Z at a command that is no shell), as a job of the caller's shell. */
#ifndef ENTRUN_TERMINAL_H
#define ENTRUN_TERMINAL_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "entitlement.h"
#include "sandbox.h"

/* The flags byte of the relay's "M" message. */
#define ENTRUN_RELAY_CLIPBOARD 0x01

/* How many pollfds entrun_terminal_pollfds fills. */
#define ENTRUN_TERMINAL_NFDS 2

typedef struct entrun_terminal
{
  bool on;             /* the sandbox has a pty of its own */
  bool clipboard;      /* host.clipboard: OSC 52 passes */
  int in_fd;           /* entrun's fd the caller types on, or -1 */
  int out_fd;          /* entrun's fd the sandbox's output goes to, or -1 */
  int modes_fd;        /* the terminal put in raw mode (in_fd), or -1 */
  struct termios saved; /* its modes as entrun found them */
  bool raw;            /* modes_fd is in raw mode now */
  int sock;            /* entrun's end of pid 1's terminal socket, or -1 */
  int master;          /* the pty's master once pid 1 sent it, or -1 */
  pid_t relay;         /* the terminal relay, or 0 */
  int relay_ctl;       /* its socket, or -1 */
  bool input;          /* the relay reads the caller's terminal */
  bool shared_in;      /* ... through entrun's own open file description */
  int in_flags;        /* whose file status flags were these */
  bool suspended;      /* entrun stopped with the command: continue it */
  char why[128];       /* what happened to the relay, once it died */
} entrun_terminal_t;

/* Does the sandbox get a pty?  If so, fill @sb's terminal fields (the
 * caller's modes and window size, the fds to replace, pid 1's end of a new
 * socket pair) and start the relay; the caller's terminal goes into raw
 * mode when entrun is in its foreground.  Dies on failure. */
void entrun_terminal_prepare (entrun_terminal_t *t, entrun_sandbox_t *sb, const ent_profile_t *p,
                              bool no_pty);

/* pid 1 exists: entrun's copy of its end goes. */
void entrun_terminal_pid1_started (entrun_terminal_t *t, entrun_sandbox_t *sb);

/* The descriptors supervise() polls for us: ENTRUN_TERMINAL_NFDS of them
 * (-1 where there is nothing to watch). */
void entrun_terminal_pollfds (const entrun_terminal_t *t, struct pollfd *fds);

/* What they said: 0, or -1 once the relay died (t->why says how). */
int entrun_terminal_events (entrun_terminal_t *t, const struct pollfd *fds);

/* A signal entrun got: true when it was the terminal's to handle
 * (SIGWINCH and SIGCONT with a pty), and is not to be forwarded. */
bool entrun_terminal_signal (entrun_terminal_t *t, int sig);

/* The sandbox is over: let the relay write out what is left (bounded),
 * and put the caller's terminal back as it was. */
void entrun_terminal_finish (entrun_terminal_t *t);

#endif
