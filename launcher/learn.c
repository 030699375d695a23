/* entrun — `entrun learn` (see learn.h).
 *
 * The run: the grants given (-e, -p), and on top of them, from a source
 * of its own that outranks the command line, what learn adds to see past
 * their denials (entrun_learn_grants): debug.ptrace, debug.perf,
 * network.user where the network is private and closed (and the tap can
 * be had), and the home as a scratch overlay.  The filter
 * hands pid 1 every call of a hint that the grants given would deny and
 * learn's allow (entrun_filter_compile_observing): pid 1 lets it through
 * and notes it, with each destination of a connect and each low port
 * bound; once the command is gone, it lists the overlay's upper layer:
 * what the command wrote in the home.  The project's own .entrun.ini is
 * not read: learn starts from the grants given.
 *
 * The file: written by entrun, on the host, after the run, only where no
 * file is (O_EXCL, O_NOFOLLOW: the working directory is the command's to
 * write, and a file or link it left there is refused, not written
 * through), in the directory opened before the run (one the command
 * swapped for a link meanwhile is not followed).  Every byte that came from the sandbox is
 * printable ASCII by then (hints.c), and a name is proposed as a path only when it is plain
 * (letters, digits, ".", "_", "-", "+", "@"); anything else is a comment.
 * Nothing that runs later is proposed writable (see propose_files).
 * A comment cannot end its line: no byte of it is a newline. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "learn.h"
#include "policy.h"
#include "sandbox.h"
#include "seccomp-policy.h"
#include "util.h"

#define LEARN_SOURCE "entrun learn"
/* Outranks the command line: network.user over -e network.none. */
#define LEARN_PRECEDENCE (ENT_PRECEDENCE_CLI + 1)
#define MAX_REASONS 6

/* None of them gives the command a capability: pid 1, which has none, could
 * then no longer read a connect's or bind's address from its memory (the
 * kernel's ptrace check).  So a bind below 1024 or an mlock past the limit
 * fails under learn too, and is noted all the same. */
const char *const entrun_learn_grants[] = {
  "debug.ptrace", "debug.perf", "network.user", "host.fs.overlay=~", NULL,
};

/* ---- rendering (pure) ------------------------------------------------------- */

typedef struct proposal
{
  char grant[96];
  char reasons[MAX_REASONS][160];
  int n, more;
} proposal_t;

typedef struct proposals
{
  proposal_t v[48];
  size_t n;
} proposals_t;

static proposal_t *find_proposal (proposals_t *ps, const char *grant);

static proposal_t *
proposal_for (proposals_t *ps, const char *grant)
{
  proposal_t *p = find_proposal (ps, grant);

  if (p)
    return p;
  if (ps->n == N_ELEMENTS (ps->v))
    return NULL;
  memset (&ps->v[ps->n], 0, sizeof (ps->v[0]));
  snprintf (ps->v[ps->n].grant, sizeof (ps->v[0].grant), "%s", grant);
  return &ps->v[ps->n++];
}

static void __attribute__ ((format (printf, 3, 4)))
propose (proposals_t *ps, const char *grant, const char *fmt, ...)
{
  proposal_t *p = proposal_for (ps, grant);
  va_list ap;

  if (p == NULL)
    return;
  for (int i = 0; i < p->n; i++)
    {
      char r[sizeof (p->reasons[0])];
      va_start (ap, fmt);
      vsnprintf (r, sizeof (r), fmt, ap);
      va_end (ap);
      if (strcmp (r, p->reasons[i]) == 0)
        return;
    }
  if (p->n == MAX_REASONS)
    {
      p->more++;
      return;
    }
  va_start (ap, fmt);
  vsnprintf (p->reasons[p->n++], sizeof (p->reasons[0]), fmt, ap);
  va_end (ap);
}

static int
proposal_cmp (const void *a, const void *b)
{
  return strcmp (((const proposal_t *)a)->grant, ((const proposal_t *)b)->grant);
}

/* A home entry's name fit to stand in a grant: plain, and neither "." nor
 * "..". */
static bool
plain_name (const char *s, size_t len)
{
  if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
    return false;
  for (size_t i = 0; i < len; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
          || (s[i] >= '0' && s[i] <= '9') || strchr ("._-+@", s[i])))
      return false;
  return true;
}

/* @s, made printable for a comment (it is already, when from hints.c). */
static void
put_comment_text (FILE *f, const char *s)
{
  for (; *s; s++)
    fputc (*s >= 0x20 && *s < 0x7f ? *s : '?', f);
}

static void
put_reasons (FILE *f, const proposal_t *p)
{
  for (int i = 0; i < p->n; i++)
    {
      fputs ("; ", f);
      put_comment_text (f, p->reasons[i]);
      fputc ('\n', f);
    }
  if (p->more)
    fprintf (f, "; ... and %d more\n", p->more);
}

static proposal_t *
find_proposal (proposals_t *ps, const char *grant)
{
  for (size_t i = 0; i < ps->n; i++)
    if (strcmp (ps->v[i].grant, grant) == 0)
      return &ps->v[i];
  return NULL;
}

/* Each proposal of @ps, its reasons above a "@key = GRANT" line. */
static void
put_proposals (FILE *f, const proposals_t *ps, const char *key)
{
  for (size_t i = 0; i < ps->n; i++)
    {
      put_reasons (f, &ps->v[i]);
      fprintf (f, "%s = %s\n", key, ps->v[i].grant);
    }
}

static void
propose_hints (proposals_t *ps, const entrun_hints_t *h)
{
  proposal_t *user;

  for (size_t i = 0; i < ent_policy_n_hints && i < ENTRUN_HINTS_MAX; i++)
    {
      const ent_policy_hint_t *hint = &ent_policy_hints[i];
      if (!(h->seen & (UINT64_C (1) << i)))
        continue;
      if (hint->kind == ENT_HINT_WATCHED && hint->n_args > 0)
        {
          /* connect, bind: every destination, every port. */
          for (size_t d = 0; d < h->n_dests; d++)
            if (h->dests[d].hint == (int)i)
              propose (ps, hint->grant, "%s %s", hint->what, h->dests[d].detail);
          continue;
        }
      propose (ps, hint->grant, "%s (pid %d): %s%s%s", h->who[i].comm[0] ? h->who[i].comm : "?",
               (int)h->who[i].pid, hint->what, h->who[i].detail[0] ? " " : "", h->who[i].detail);
    }
  /* network.admin is network.user and more: one level of one domain. */
  if ((user = find_proposal (ps, "network.user")) && find_proposal (ps, "network.admin"))
    {
      proposal_t moved = *user;
      ps->v[user - ps->v] = ps->v[--ps->n];
      for (int r = 0; r < moved.n; r++)
        propose (ps, "network.admin", "%s", moved.reasons[r]);
    }
}

/* The first @n components of @path (each plain, see plain_name) as
 * "~/A/B" in @out; false if there are not that many, or one is not
 * plain. */
static bool
home_prefix (const char *path, int n, char *out, size_t size)
{
  const char *c = path;
  size_t used = 0;

  for (int i = 0; i < n; i++)
    {
      size_t len = strcspn (c, "/");
      if (!plain_name (c, len) || (i < n - 1 && c[len] != '/'))
        return false;
      c += len + (c[len] == '/');
      used = (size_t)(c - path) - (c[-1] == '/');
    }
  return snprintf (out, size, "~/%.*s", (int)used, path) < (int)size;
}

/* Writes in the home.  What runs later is never proposed writable: a
 * grant of ~/.config or ~/.local as a whole (their autostart, systemd,
 * git and bin), or of a file in the home itself (~/.bashrc, ~/.profile).
 * So: ~/.cache/TOOL writable (a cache); any other directory, the
 * command's own below ~/.config/TOOL, ~/.local/share/TOOL,
 * ~/.local/state/TOOL or ~/DIR, as an overlay (its writes work inside and
 * are dropped at the end: make it rw yourself if they must stay); a file
 * of the home's, or an odd name, as a comment only. */
static void
propose_files (proposals_t *rw, proposals_t *overlay, proposals_t *odd, const entrun_hints_t *h)
{
  for (size_t i = 0; i < h->n_files; i++)
    {
      const char *path = h->files[i];
      char grant[96];
      if (ent_str_has_prefix (path, ".cache/") && home_prefix (path, 2, grant, sizeof (grant))
          && strchr (path + strlen (".cache/"), '/'))
        propose (rw, grant, "writes ~/%s", path);
      else if (ent_str_has_prefix (path, ".cache/"))
        propose (rw, "~/.cache", "writes ~/%s", path);
      else if ((ent_str_has_prefix (path, ".local/share/")
                || ent_str_has_prefix (path, ".local/state/"))
                   ? home_prefix (path, 3, grant, sizeof (grant))
                   : !ent_str_has_prefix (path, ".local/")
                         && (ent_str_has_prefix (path, ".config/")
                                 ? home_prefix (path, 2, grant, sizeof (grant))
                                 : home_prefix (path, 1, grant, sizeof (grant))
                                       && strchr (path, '/')))
        propose (overlay, grant, "writes ~/%s", path);
      else
        propose (odd, "odd", "writes ~/%s", path);
    }
}

/* The exclusive group of the grant @request ("network.none"), or NULL. */
static const char *
group_of (const ent_catalogue_t *cat, const char *request)
{
  char name[96];
  const ent_definition_t *d;

  snprintf (name, sizeof (name), "%.*s", (int)strcspn (request, "="), request);
  d = cat ? ent_catalogue_lookup (cat, name) : NULL;
  return d ? d->group : NULL;
}

char *
entrun_learn_render (const entrun_hints_t *h, const ent_catalogue_t *cat, const char *fcaps_grant,
                     char *const *given, size_t n_given, char *const *argv, const char *date)
{
  static proposals_t ps, rw, overlay, odd;
  size_t room;
  char *text = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&text, &size);

  if (f == NULL)
    return NULL;
  memset (&ps, 0, sizeof (ps));
  memset (&rw, 0, sizeof (rw));
  memset (&overlay, 0, sizeof (overlay));
  memset (&odd, 0, sizeof (odd));
  propose_hints (&ps, h);
  if (fcaps_grant)
    propose (&ps, fcaps_grant, "%s has file capabilities (%s), which the sandbox ignores", argv[0],
             h->fcaps_names);
  propose_files (&rw, &overlay, &odd, h);
  qsort (ps.v, ps.n, sizeof (ps.v[0]), proposal_cmp);
  qsort (rw.v, rw.n, sizeof (rw.v[0]), proposal_cmp);
  qsort (overlay.v, overlay.n, sizeof (overlay.v[0]), proposal_cmp);

  fputs ("; Written by entrun learn", f);
  if (date)
    fprintf (f, " on %s", date);
  fputs (", for:", f);
  /* The command, cut short: entrun reads lines of 197 characters at most. */
  room = 120;
  for (char *const *a = argv; *a && room > 0; a++)
    {
      size_t len = strlen (*a);
      fputc (' ', f);
      for (size_t i = 0; i < len && i + 1 < room; i++)
        fputc ((*a)[i] >= 0x20 && (*a)[i] < 0x7f ? (*a)[i] : '?', f);
      if (len + 1 >= room)
        fputs ("...", f);
      room = len + 1 >= room ? 0 : room - len - 1;
    }
  fputs ("\n; A proposal: read each grant and why it is here before you use it\n"
         "; (entrun --explain -p FILE shows what it does).\n",
         f);
  if (ps.n == 0 && rw.n == 0 && n_given == 0)
    fputs ("; The command needed nothing beyond the default sandbox.\n", f);
  if (n_given || ps.n)
    fputs ("\n[sandbox]\n", f);
  for (size_t i = 0; i < n_given; i++)
    {
      /* A level the proposals replace (-e network.none, and a connect
       * past it): one level of a domain per file. */
      const char *group = group_of (cat, given[i]);
      bool replaced = false;
      for (size_t j = 0; group && j < ps.n && !replaced; j++)
        replaced = (group_of (cat, ps.v[j].grant) != NULL
                    && strcmp (group_of (cat, ps.v[j].grant), group) == 0);
      fputs (replaced ? "; given to entrun learn, replaced by a grant proposed below: "
                      : "; given to entrun learn\nentitlements = ",
             f);
      put_comment_text (f, given[i]);
      fputc ('\n', f);
    }
  put_proposals (f, &ps, "entitlements");
  if (rw.n || overlay.n || odd.n)
    fputs ("\n[filesystem]\n", f);
  put_proposals (f, &rw, "rw");
  if (overlay.n)
    fputs ("; Writes that work inside and are dropped at the end (rw would keep them: a\n"
           "; tool's state or settings, which may run later):\n",
           f);
  put_proposals (f, &overlay, "overlay");
  if (odd.n)
    {
      fputs ("; Not proposed: files of the home itself (~/.bashrc runs later), ~/.local's\n"
             "; own, and names too odd for a grant; grant them yourself if you mean it:\n",
             f);
      put_reasons (f, &odd.v[0]);
    }
  if (h->n_files == N_ELEMENTS (h->files))
    fputs ("; (learn lists 64 writes in the home at most: there were more)\n", f);
  if (fclose (f) != 0)
    {
      free (text);
      return NULL;
    }
  return text;
}

/* ---- the run ---------------------------------------------------------------- */

/* Can this user have a tap (network.user)? */
static bool
tun_usable (void)
{
  int fd = open ("/dev/net/tun", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return false;
  close (fd);
  return true;
}

/* Did the grants given (not a default) choose the level of @group? */
static bool
level_given (const ent_manager_t *m, const ent_catalogue_t *cat, const char *group)
{
  for (size_t i = 0; i < ent_manager_count (m); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      const ent_definition_t *d = ent_catalogue_lookup (cat, ent_entitlement_name (e));
      if (d && d->group && strcmp (d->group, group) == 0)
        return strcmp (ent_entitlement_source (e), "default") != 0;
    }
  return false;
}

/* learn's additions that apply to @base (resolved by @base_m), granted
 * into @m.  The network is lent only where the default closed it: a
 * network.none or network.proxy the user chose stays, and a connect past
 * it is noted as denied. */
static void
add_learn_grants (ent_manager_t *m, ent_catalogue_t *cat, const ent_manager_t *base_m)
{
  const ent_profile_t *base = ent_manager_profile (base_m);

  for (const char *const *g = entrun_learn_grants; *g; g++)
    {
      ent_error_t *err = NULL;
      if (strcmp (*g, "network.user") == 0
          && (!base->ns.create[ENT_NS_NET] || base->net.mode != ENT_NET_NONE
              || level_given (base_m, cat, "network") || !tun_usable ()))
        continue;
      if (strcmp (*g, "host.fs.overlay=~") == 0
          && (base->home == NULL || !base->ns.create[ENT_NS_MOUNT]))
        continue;
      if (ent_manager_add_request (m, cat, *g, LEARN_SOURCE, LEARN_PRECEDENCE, &err) < 0)
        {
          verbose ("learn: not adding %s: %s", *g, ent_error_message (err));
          ent_error_free (err);
        }
    }
}

int
entrun_learn (const entrun_cli_t *cli, ent_catalogue_t *cat)
{
  const char *out = cli->output ? cli->output : ".entrun.ini";
  entrun_loaded_t loaded_base = { 0 }, loaded = { 0 };
  ent_manager_t *base_m = NULL, *m = NULL;
  entrun_hints_t hints;
  entrun_learning_t learning = { .hints = &hints };
  const ent_profile_t *base, *p;
  ent_error_t *err = NULL;
  cleanup_free char *text = NULL, *dir = NULL;
  cleanup_close int dirfd = -1;
  const char *base_name;
  char date[16] = "";
  time_t now = time (NULL);
  struct tm tm;
  struct stat st;
  int status, fd, ret;

  /* Its directory, held from now on: the command may write where it is
   * and swap a directory on the way for a link elsewhere (into
   * ~/.config/entrun, where a profile would be used by name). */
  base_name = strrchr (out, '/') ? strrchr (out, '/') + 1 : out;
  if (*base_name == '\0' || strcmp (base_name, ".") == 0 || strcmp (base_name, "..") == 0)
    die ("learn: %s: not a file name", out);
  dir = base_name == out ? strdup (".") : strndup (out, (size_t)(base_name - out));
  if (dir == NULL)
    die ("out of memory");
  if ((dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    die_errno ("learn: %s", dir);
  if (fstatat (dirfd, base_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
    die ("learn: %s exists; learn writes a new file, never over one (-o FILE)", out);
  if (errno != ENOENT)
    die_errno ("learn: %s", out);
  if (entrun_policy_build (cli, NULL, cat, &loaded_base, &base_m, &err) < 0
      || entrun_policy_build (cli, NULL, cat, &loaded, &m, &err) < 0)
    die ("%s", ent_error_message (err));
  base = ent_manager_profile (base_m);
  add_learn_grants (m, cat, base_m);
  p = ent_manager_profile (m);
  if (entrun_policy_check_runnable (p, &err) < 0)
    die ("%s", ent_error_message (err));
  learning.observe = entrun_filter_hints (base) & ~entrun_filter_hints (p);
  verbose ("learn: profile resolved; calls observed: %#" PRIx64, learning.observe);
  status = entrun_run_learning (p, cli, loaded.files, &learning);
  if (localtime_r (&now, &tm))
    strftime (date, sizeof (date), "%Y-%m-%d", &tm);
  text = entrun_learn_render (&hints, cat, entrun_hints_fcaps (&hints), cli->ents, cli->n_ents,
                              cli->argv, date);
  if (text == NULL)
    die ("out of memory");
  /* The command may have left a file or a link there meanwhile. */
  fd = openat (dirfd, base_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      if (errno == EEXIST)
        die ("learn: %s appeared while the command ran (the command may have made it); not "
             "written, nor written through",
             out);
      die_errno ("learn: %s", out);
    }
  if ((ret = write_all (fd, text, strlen (text))) < 0 || close (fd) < 0)
    {
      errno = ret < 0 ? -ret : errno;
      die_errno ("learn: writing %s", out);
    }
  if (cli->output == NULL)
    warn ("learn: wrote %s, the project's profile; read it, approve it (entrun trust), then "
          "run: entrun -- %s%s",
          out, cli->argv[0], cli->argv[1] ? " ..." : "");
  else
    warn ("learn: wrote %s; read it, then run: entrun -p %s%s -- %s%s", out,
          strchr (out, '/') ? "" : "./", out, cli->argv[0], cli->argv[1] ? " ..." : "");
  ent_manager_free (m);
  ent_manager_free (base_m);
  return status;
}
