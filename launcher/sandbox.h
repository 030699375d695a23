/* entrun — the process tree:
 *
 *   entrun (host namespaces: writes the uid/gid maps, forwards signals,
 *     |     waits, maps the exit status)
 *     +-- network helper (network.user/admin/proxy: see nethelper.c)
 *     +-- pid 1 of the sandbox, always in its own PID namespace (mounts,
 *           |   hostname, lo; then non-dumpable, no capability,
 *           |   no_new_privs, its own filter; reaps, forwards, reports)
 *           +-- payload (rlimits, env, fds, caps, no_new_privs, Landlock,
 *                        seccomp, execve)
 */
#ifndef ENTRUN_SANDBOX_H
#define ENTRUN_SANDBOX_H

#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#include "cli.h"
#include "entitlement.h"
#include "filter.h"
#include "landlock.h"

/* argv[0] of the network helper, entrun's own binary started again (see
 * launcher/nethelper.c), and of the terminal relay (launcher/relay.c). */
#define ENTRUN_NETHELPER_ARGV0 "entrun-network-helper"
#define ENTRUN_RELAY_ARGV0 "entrun-terminal-relay"

typedef struct entrun_sandbox
{
  const ent_profile_t *profile;
  char *const *argv;
  const int *keep_fds;
  size_t n_keep_fds;
  entrun_filter_t filter;
  entrun_landlock_plan_t landlock; /* the payload's Landlock rules */
  char **protect;     /* read-only inside: see entrun_mount_ctx_t */
  char **git;         /* git hooks and config, read-only inside */
  char **sockets;     /* the host's bound unix sockets, covered inside */
  sigset_t forwarded; /* blocked in every process until the payload execs */
  sigset_t saved_mask;
  int sync_fd;   /* pid 1 reads: 1 byte "go" once the maps are written */
  int list_fd;   /* pid 1 reads: protect, sockets and git (strv_send), then
                    EOF; -1 once read */
  bool overlap;  /* pid 1 starts while entrun scans the host, and makes
                    the network namespace itself (see overlap_start) */
  int status_fd; /* pid 1 writes: the payload's wait status */
  int tap_hold;  /* pid 1's copy of the tap, kept until entrun is gone */
  int net_sock;  /* pid 1's end: hands the tap/listening fd to the
                    network helper; the payload then waits on it for
                    "network ready"; -1 without one */
  /* The sandbox's own terminal (see terminal.h), when the caller's fds
   * 0-2 hold one: */
  int tty_sock;            /* pid 1's end: the pty's master goes to entrun;
                              then "Z" and the signal when the payload
                              stopped, "C" back to continue it; -1 without
                              a pty */
  unsigned pty_fds;        /* the payload's fds (bit N: fd N) that get the
                              pty's slave in place of the caller's terminal */
  bool have_termios;       /* termios below holds the caller's modes */
  struct termios termios;  /* the pty starts with them... */
  struct winsize winsize;  /* ... and with the caller's window size */
  int pty_master, pty_slave; /* pid 1's, opened inside (open_pty); -1 */
  /* Hints (see filter.h): */
  int hint_sock;       /* the payload's end of pid 1's socket: the filter's
                          listener goes through it; -1 without hints */
  int listener;        /* pid 1's copy of the listener, -1 without one */
  uint64_t hints_told; /* pid 1: the hints entrun heard of, bit per hint */
  int low_ports;       /* pid 1: ip_unprivileged_port_start inside */
  bool host_root;      /* entrun runs as the host's root, whom RLIMIT_NPROC
                          does not hold */
  int pids_proc;       /* pid 1: the sandbox's /proc, to count its processes
                          (see entrun_pid1_pids_look); -1 */
  int64_t pids_next;   /* pid 1: now_ms() of the next count, -1: none */
  /* entrun learn (see learn.h): */
  bool learn;
  int learn_upper;         /* pid 1: the home overlay's upper layer, -1 */
  uint64_t learn_memlock;  /* pid 1: RLIMIT_MEMLOCK's soft limit of the
                              grants given (learn raises the payload's) */
  char learn_seen[32][64]; /* pid 1: destinations told already */
  size_t learn_n_seen;
} entrun_sandbox_t;

/* What pid 1 writes to entrun on the status pipe, one record per write
 * (under PIPE_BUF: never split): a hint as it happens, once per hint, and
 * the payload's status last of all. */
typedef enum
{
  ENTRUN_REPORT_HINT = 'H',
  ENTRUN_REPORT_PIDS = 'P', /* value: the processes found at resources.pids */
  ENTRUN_REPORT_FILE = 'F', /* learn: detail, a path written under the home */
  ENTRUN_REPORT_STATUS = 'S',
} entrun_report_kind_t;

typedef struct entrun_report
{
  int32_t kind;  /* entrun_report_kind_t */
  int32_t value; /* the status (a wait status | ENTRUN_STATUS_*), or the
                    hint's index in ent_policy_hints */
  int32_t pid;   /* a hint's caller, as the sandbox numbers it */
  char comm[16]; /* its name, as it set it: untrusted bytes */
  char detail[64]; /* what it tried, in words pid 1 wrote ("to 192.0.2.1:80"),
                      NUL-terminated */
} entrun_report_t;

/* pid 1's side of the hints (pid1-hints.c).  Before the payload exists:
 * the socket its listener comes through (*@pid1_end, -1 without hints).
 * Once the payload runs: take the listener (sb->listener), 0 or -errno
 * (then the hints' calls would fail with ENOSYS: the payload must end).
 * Then, whenever it is readable, answer one notification. */
void entrun_pid1_hints_prepare (entrun_sandbox_t *sb, int *pid1_end);
int entrun_pid1_hints_receive (entrun_sandbox_t *sb, int pid1_end);
void entrun_pid1_hints_serve (entrun_sandbox_t *sb);

/* resources.pids through RLIMIT_NPROC leaves no count of the forks it
 * refused: pid 1 counts the sandbox's processes every
 * ENTRUN_PIDS_LOOK_MS, and tells entrun once it finds them at the limit.
 * prepare opens the sandbox's /proc where that is wanted (while pid 1
 * may); look counts when sb->pids_next has come, or at once (@final). */
#define ENTRUN_PIDS_LOOK_MS 500
void entrun_pid1_pids_prepare (entrun_sandbox_t *sb);
void entrun_pid1_pids_look (entrun_sandbox_t *sb, int64_t now, bool final);

/* entrun learn: once the payload is gone, tell entrun what the command
 * wrote in the home (the overlay's upper layer): at most 64 paths. */
void entrun_pid1_learn_files (entrun_sandbox_t *sb);

/* Will the payload hold CAP_SYS_ADMIN?  Then it could remount or unmount
 * what the sandbox's mounts restrict, unless those mounts are locked: pid 1
 * builds them in one user namespace and the payload lives in a nested one
 * (with its own mount, network, UTS and IPC namespaces), where the kernel
 * locks every mount it inherited (MNT_LOCKED, MNT_LOCK_READONLY). */
bool entrun_needs_locked_mounts (const ent_profile_t *p);

/* Run @cli's command under @p; returns entrun's exit status. */
int entrun_run (const ent_profile_t *p, const entrun_cli_t *cli, char *const *profile_files);

/* entrun learn's run (learn.c): the calls of the hints of @observe are
 * let through and noted (see entrun_filter_compile_observing), and what
 * pid 1 tells ends in @hints, for learn to propose grants from; nothing is
 * said on the way. */
typedef struct entrun_learning
{
  uint64_t observe;
  struct entrun_hints *hints;
} entrun_learning_t;
int entrun_run_learning (const ent_profile_t *p, const entrun_cli_t *cli,
                         char *const *profile_files, entrun_learning_t *learn);

/* What pid 1 makes read-only inside, whatever the grants: entrun's profile
 * directories, its trust store, the profile files @profile_files this run
 * loaded, and its binary.  Sorted, NULL-terminated; dies without memory. */
char **entrun_protected_paths (const ent_profile_t *p, char *const *profile_files);

/* The sandbox's pid 1 (pid1.c) and the payload (payload.c): never return. */
__attribute__ ((noreturn)) void entrun_pid1 (entrun_sandbox_t *sb);
__attribute__ ((noreturn)) void entrun_payload (entrun_sandbox_t *sb, pid_t pid1);

/* Map a wait status to entrun's exit status: N, or 128+signal. */
int entrun_exit_status (int wstatus);

/* The network helper's seccomp filter, loaded into the calling process:
 * @started false before its engine started (bind and listen allowed),
 * true after.  0 or -errno. */
int entrun_nethelper_filter (bool started);

/* Load pid 1's own filter (pid1-filter.c): 0 or -errno. */
int entrun_pid1_filter (void);

/* The network helper's whole life (launcher/nethelper.c); never returns. */
__attribute__ ((noreturn)) void entrun_nethelper_main (void);

/* The terminal relay's whole life (launcher/relay.c); never returns. */
__attribute__ ((noreturn)) void entrun_relay_main (void);

/* Load the terminal relay's filter (relay-filter.c): 0 or -errno. */
int entrun_relay_filter (void);

/* Start entrun's own binary again as @argv0 (a helper's main), in a
 * session of its own, with an empty environment (but the sanitizers'
 * options), all signals default and unblocked, and only @fds open: fd i
 * is @fds[i], or /dev/null where that is -1.  Its pid; dies on failure,
 * naming @what. */
pid_t entrun_spawn_self (const char *argv0, const int *fds, int n_fds, const char *what);

#endif
