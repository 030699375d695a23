/* entrun — denial hints, entrun's side (see hints.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "hints.h"
#include "seccomp-policy.h"
#include "util.h"

void
entrun_hints_init (entrun_hints_t *h, const ent_profile_t *p, char *const *argv, bool live,
                   bool json)
{
  (void)p;
  memset (h, 0, sizeof (*h));
  h->live = live;
  h->json = json;
  h->cmd = argv ? argv[0] : NULL;
}

/* Bytes from the sandbox (a name it chose; pid 1's words about what it
 * tried), fit for a terminal: printable ASCII only, at most @size - 1 of
 * them.  @space: a space may stay. */
static void
printable (char *out, const char *in, size_t size, bool space)
{
  size_t i;

  for (i = 0; i + 1 < size && in[i]; i++)
    out[i] = (in[i] > 0x20 || (space && in[i] == ' ')) && in[i] < 0x7f ? in[i] : '?';
  out[i] = '\0';
}

static void
say_json (json_t *obj)
{
  char *text = obj ? json_dumps (obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

  if (text)
    dprintf (STDERR_FILENO, "%s\n", text);
  free (text);
  json_decref (obj);
}

static void
say_hint (entrun_hints_t *h, int i)
{
  const ent_policy_hint_t *hint = &ent_policy_hints[i];

  if (entrun_verbosity < 1 || (h->printed & (UINT64_C (1) << i)))
    return;
  h->printed |= UINT64_C (1) << i;
  if (h->json)
    {
      say_json (json_pack ("{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "hint", "denied", "what",
                           hint->what, "detail", h->who[i].detail, "syscall", hint->syscall, "pid",
                           (int)h->who[i].pid, "command", h->who[i].comm, "grant", hint->grant));
      return;
    }
  warn ("denied %s%s%s (pid %d%s%s) — grant %s to allow it", hint->what,
        h->who[i].detail[0] ? " " : "", h->who[i].detail, (int)h->who[i].pid,
        h->who[i].comm[0] ? " " : "", h->who[i].comm, hint->grant);
}

bool
entrun_hints_note (entrun_hints_t *h, const entrun_report_t *r)
{
  int i = r->value;

  if (i < 0 || (size_t)i >= ent_policy_n_hints || i >= ENTRUN_HINTS_MAX || r->pid <= 0)
    return false;
  /* learn: every destination of a connect, every port of a bind. */
  if (r->detail[0] && h->n_dests < N_ELEMENTS (h->dests))
    {
      h->dests[h->n_dests].hint = i;
      printable (h->dests[h->n_dests++].detail, r->detail, sizeof (h->dests[0].detail), true);
    }
  if (h->seen & (UINT64_C (1) << i))
    return true;
  h->seen |= UINT64_C (1) << i;
  h->who[i].pid = r->pid;
  printable (h->who[i].comm, r->comm, sizeof (h->who[i].comm), false);
  printable (h->who[i].detail, r->detail, sizeof (h->who[i].detail), true);
  if (h->live)
    say_hint (h, i);
  return true;
}

void
entrun_hints_file (entrun_hints_t *h, const entrun_report_t *r)
{
  if (h->n_files < N_ELEMENTS (h->files))
    printable (h->files[h->n_files++], r->detail, sizeof (h->files[0]), true);
}

/* ---- file capabilities ---------------------------------------------------- */

/* @cmd as execvp would find it, in @path: the sandbox sees the host's
 * files where the command lives (read-only), so the host's answer is its. */
static bool
find_command (const char *cmd, char *path, size_t size)
{
  const char *dirs = getenv ("PATH");

  if (strchr (cmd, '/'))
    return snprintf (path, size, "%s", cmd) < (int)size;
  if (dirs == NULL || *dirs == '\0')
    dirs = "/usr/local/bin:/usr/bin:/bin";
  while (*dirs)
    {
      size_t len = strcspn (dirs, ":");
      struct stat st;
      if (len > 0 && snprintf (path, size, "%.*s/%s", (int)len, dirs, cmd) < (int)size
          && stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0)
        return true;
      dirs += len + (dirs[len] == ':');
    }
  return false;
}

/* The grant that gives capability @cap to the command, or NULL. */
static const char *
grant_for_cap (int cap)
{
  static const struct
  {
    const char *cap, *grant;
  } map[] = {
    { "CAP_NET_RAW", "network.admin" },          { "CAP_NET_ADMIN", "network.admin" },
    { "CAP_NET_BIND_SERVICE", "network.admin" }, { "CAP_NET_BROADCAST", "network.admin" },
    { "CAP_IPC_LOCK", "security.memory-lock" },
  };
  const char *name = ent_cap_to_name (cap);

  for (size_t i = 0; name && i < N_ELEMENTS (map); i++)
    if (strcmp (name, map[i].cap) == 0)
      return map[i].grant;
  return "security.admin";
}

/* Does the command carry file capabilities the sandbox's profile does not
 * give it?  Under no_new_privs the kernel ignores them (ping, arping,
 * gst-ptp-helper): the usual reason such a command fails inside. */
static bool
check_fcaps (entrun_hints_t *h, const ent_profile_t *p)
{
  char path[PATH_MAX];
  uint32_t data[5] = { 0 };
  ssize_t n;
  uint64_t caps, missing = 0;

  if (h->cmd == NULL || !find_command (h->cmd, path, sizeof (path)))
    return false;
  n = getxattr (path, "security.capability", data, sizeof (data));
  /* struct vfs_cap_data: magic and version, then permitted and
   * inheritable, low 32 bits; high 32 bits from version 2 on. */
  if (n < 12)
    return false;
  caps = le32toh (data[1]) | (n >= 20 ? (uint64_t)le32toh (data[3]) << 32 : 0);
  for (int cap = 0; cap < 64; cap++)
    if ((caps & (UINT64_C (1) << cap)) && ent_cap_to_name (cap)
        && !(cap < 64 && (p->caps[ENT_CAPSET_PERMITTED] & (UINT64_C (1) << cap))))
      {
        const char *name = ent_cap_to_name (cap);
        size_t len = strlen (h->fcaps_names);
        missing |= UINT64_C (1) << cap;
        snprintf (h->fcaps_names + len, sizeof (h->fcaps_names) - len, "%s%s", len ? " " : "",
                  name);
        if (h->fcaps_grant == NULL || strcmp (grant_for_cap (cap), "security.admin") != 0)
          h->fcaps_grant = grant_for_cap (cap);
      }
  return missing != 0;
}

/* resources.pids: forks failed at the limit (pids.max counted them), or
 * the sandbox was found at it (RLIMIT_NPROC: pid 1 counted). */
static void
say_pids (const entrun_hints_t *h, const ent_profile_t *p)
{
  if (entrun_verbosity < 1 || (h->pids_refused <= 0 && h->pids_reached <= 0))
    return;
  if (h->json)
    say_json (json_pack ("{s:s, s:s, s:I, s:I}", "hint", "limit", "grant", "resources.pids",
                         "limit", (json_int_t)p->resources.pids, "forks_refused",
                         (json_int_t)(h->pids_refused > 0 ? h->pids_refused : -1)));
  else if (h->pids_refused > 0)
    warn ("resources.pids=%" PRId64 ": %" PRId64 " fork%s failed at the limit — raise "
          "resources.pids to allow more",
          p->resources.pids, h->pids_refused, h->pids_refused == 1 ? "" : "s");
  else
    warn ("resources.pids=%" PRId64 ": the sandbox reached it (a fork there fails) — raise "
          "resources.pids to allow more",
          p->resources.pids);
}

void
entrun_hints_check_fcaps (entrun_hints_t *h, const ent_profile_t *p)
{
  if (!check_fcaps (h, p))
    h->fcaps_grant = NULL;
}

const char *
entrun_hints_fcaps (const entrun_hints_t *h)
{
  return h->fcaps_grant;
}

void
entrun_hints_finish (entrun_hints_t *h, int exit_status, const ent_profile_t *p)
{
  for (int i = 0; i < ENTRUN_HINTS_MAX; i++)
    if (h->seen & (UINT64_C (1) << i))
      say_hint (h, i);
  say_pids (h, p);
  /* Said only when the command failed. */
  if (exit_status == 0 || entrun_verbosity < 1 || h->fcaps_grant == NULL)
    return;
  if (h->json)
    say_json (json_pack ("{s:s, s:s, s:s, s:s}", "hint", "file-capabilities", "command", h->cmd,
                         "capabilities", h->fcaps_names, "grant", h->fcaps_grant));
  else
    warn ("%s has file capabilities (%s), which do not apply in the sandbox — grant %s to "
          "give it them",
          h->cmd, h->fcaps_names, h->fcaps_grant);
}
