/* entrun — the sandbox's pid 1: finishes the sandbox, starts the payload,
 * reaps zombies and forwards signals (see sandbox.h). */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "netsetup.h"
#include "sandbox.h"
#include "util.h"

/* Die with the parent, and make sure it has not died already: the "go" byte
 * only comes from a live parent that has written our uid/gid maps. */
static void
wait_for_parent (entrun_sandbox_t *sb)
{
  char go;

  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    die_errno ("prctl(PR_SET_PDEATHSIG)");
  if (read_all (sb->sync_fd, &go, 1) != 1)
    _exit (ENTRUN_EXIT_ERROR); /* the parent is gone or failed and said why */
  close (sb->sync_fd);
}

static void
setup_identity (const ent_profile_t *p)
{
  ent_error_t *err = NULL;

  if (p->hostname)
    {
      if (!p->ns.create[ENT_NS_UTS])
        die ("--hostname needs a private UTS namespace");
      if (sethostname (p->hostname, strlen (p->hostname)) < 0)
        die_errno ("sethostname");
    }
  if (p->ns.create[ENT_NS_NET] && netsetup_inside (p, &err) < 0)
    die ("%s", ent_error_message (err));
  /* A new session has no controlling terminal: the payload cannot push
   * input into the caller's terminal with TIOCSTI (CVE-2017-5226). */
  if (p->new_session && setsid () < 0)
    die_errno ("setsid");
}

/* Reap everything that exited; return true once @payload has, with its
 * status in *payload_status. */
static bool
reap (pid_t payload, int *payload_status)
{
  bool done = false;
  int st;
  pid_t r;

  while ((r = waitpid (-1, &st, WNOHANG)) > 0)
    if (r == payload)
      {
        *payload_status = st;
        done = true;
      }
  return done;
}

static __attribute__ ((noreturn)) void
supervise_payload (entrun_sandbox_t *sb, pid_t payload)
{
  cleanup_close int sfd = signalfd (-1, &sb->forwarded, SFD_CLOEXEC);
  struct signalfd_siginfo si;
  int status = 0;

  if (sfd < 0)
    {
      kill (payload, SIGKILL);
      die_errno ("signalfd");
    }
  for (;;)
    {
      if (reap (payload, &status))
        break;
      if (read_all (sfd, &si, sizeof (si)) != (ssize_t) sizeof (si))
        continue;
      if (si.ssi_signo != SIGCHLD)
        kill (payload, (int) si.ssi_signo);
    }
  verbose ("pid 1: payload reaped");
  if (write_all (sb->status_fd, &status, sizeof (status)) < 0)
    _exit (ENTRUN_EXIT_ERROR);
  /* Leaving kills whatever the payload left behind in our PID namespace. */
  _exit (0);
}

void
entrun_pid1 (entrun_sandbox_t *sb)
{
  const ent_profile_t *p = sb->profile;
  entrun_mount_ctx_t mctx = { .profile = p, .self_exe = sb->self_exe };
  pid_t self, payload;

  wait_for_parent (sb);
  verbose ("pid 1: started");
  if (p->ns.create[ENT_NS_MOUNT])
    entrun_setup_mounts (&mctx);
  verbose ("pid 1: root ready");
  setup_identity (p);
  verbose ("pid 1: hostname, network and session ready");

  self = getpid ();
  payload = fork ();
  if (payload < 0)
    die_errno ("fork");
  if (payload == 0)
    {
      close (sb->status_fd);
      entrun_payload (sb, self);
    }
  supervise_payload (sb, payload);
}
