/* entrun — project profiles and their approval (see trust.h). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "ent-util.h"
#include "trust.h"
#include "util.h"

/* Text built with stdio into memory (open_memstream); out of memory is
 * fatal, as everywhere in entrun's own process. */
typedef struct text
{
  char *buf;
  size_t len;
  FILE *f;
} text_t;

static FILE *
text_open (text_t *t)
{
  *t = (text_t){ 0 };
  if ((t->f = open_memstream (&t->buf, &t->len)) == NULL)
    die ("out of memory");
  return t->f;
}

static char *
text_close (text_t *t)
{
  if (fclose (t->f) != 0)
    die ("out of memory");
  return t->buf;
}

/* ---- hashes ---------------------------------------------------------------- */

static void
hex_digest (struct sha256_ctx *ctx, char out[65])
{
  uint8_t d[SHA256_DIGEST_SIZE];

  sha256_digest (ctx, sizeof (d), d);
  for (size_t i = 0; i < sizeof (d); i++)
    snprintf (out + 2 * i, 3, "%02x", d[i]);
}

/* Fields separated by NUL bytes, so that no two inputs run together. */
static void
hash_field (struct sha256_ctx *ctx, const void *data, size_t len)
{
  sha256_update (ctx, len, data);
  sha256_update (ctx, 1, (const uint8_t *)"");
}

static void
hash_string (const char *s, char out[65])
{
  struct sha256_ctx ctx;

  sha256_init (&ctx);
  sha256_update (&ctx, strlen (s), (const uint8_t *)s);
  hex_digest (&ctx, out);
}

/* The fast path's key: the same bytes at the same place, for the same
 * home and the same entrun, resolve the same (DESIGN invariant 6). */
static void
file_hash (const entrun_loaded_t *l, const char *home, char out[65])
{
  struct sha256_ctx ctx;

  sha256_init (&ctx);
  hash_field (&ctx, "entrun-trust-file", 17);
  hash_field (&ctx, PACKAGE_VERSION, strlen (PACKAGE_VERSION));
  hash_field (&ctx, home ? home : "", home ? strlen (home) : 0);
  hash_field (&ctx, l->project_path, strlen (l->project_path));
  hash_field (&ctx, l->project_bytes, l->project_len);
  hex_digest (&ctx, out);
}

/* ---- discovery ------------------------------------------------------------- */

static char *shown (const char *s);

static char *data_dir (const char *home, bool xdg);

/* die_errno naming @path, escaped: errno kept across the escaping. */
static void __attribute__ ((noreturn)) fail_looking (const char *what, const char *path)
{
  int e = errno;
  char *p = shown (path);

  errno = e;
  die_errno ("%s %s", what, p);
}
static char *record_file (const char *store, const char *project_path);

char *
entrun_project_find (const char *dir, const char *home)
{
  cleanup_free char *d = realpath (dir, NULL);
  cleanup_free char *data = home ? data_dir (home, true) : NULL;
  cleanup_free char *store = data ? ent_str_printf ("%s/trust", data) : NULL;
  struct stat st;

  if (d == NULL)
    return NULL;
  for (;;)
    {
      cleanup_free char *cand
          = ent_str_printf ("%s/" ENTRUN_PROJECT_FILE, strcmp (d, "/") ? d : "");
      char *slash;

      if (cand == NULL)
        die ("out of memory");
      /* Fail closed: a profile that may be there is not taken for
       * none. */
      if (lstat (cand, &st) == 0)
        {
          if (st.st_uid == getuid () || st.st_uid == 0)
            return steal_pointer (&cand);
          cleanup_free char *c = shown (cand);
          warn ("ignoring %s: it belongs to uid %u, not to you", c, (unsigned)st.st_uid);
        }
      else if (errno != ENOENT)
        fail_looking ("looking for the project profile", cand);
      else if (store)
        {
          /* Approved, then gone: a sandbox may have removed it (and its
           * hides and limits with it) where it could write.  (The store's
           * path is not checked here: a forged record could only refuse.) */
          cleanup_free char *rec = record_file (store, cand);
          if (rec == NULL)
            die ("out of memory");
          if (access (rec, F_OK) == 0)
            {
              cleanup_free char *c = shown (cand);
              cleanup_free char *dd = shown (d);
              die ("%s, a project profile you approved, is gone; if that is meant, forget it "
                   "with: entrun trust --revoke %s (or run with --no-project)",
                   c, dd);
            }
          if (errno != ENOENT && errno != ENOTDIR)
            fail_looking ("looking for an approval record:", rec);
        }
      if (strcmp (d, "/") == 0)
        return NULL;
      slash = strrchr (d, '/');
      *(slash == d ? slash + 1 : slash) = '\0';
    }
}

/* ---- items ----------------------------------------------------------------- */

void
entrun_trust_items_free (entrun_trust_item_t *items, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (items[i].text);
      free (items[i].what);
      free (items[i].source);
    }
  free (items);
}

static int
push_item (entrun_trust_item_t **items, size_t *n, char *text, const char *what, const char *source)
{
  entrun_trust_item_t *v = realloc (*items, (*n + 1) * sizeof (**items));

  if (v == NULL || text == NULL)
    {
      free (text);
      if (v)
        *items = v;
      return -ENOMEM;
    }
  *items = v;
  v[*n].text = text;
  v[*n].what = what ? strdup (what) : NULL;
  v[*n].source = source ? strdup (source) : NULL;
  (*n)++;
  return (what && v[*n - 1].what == NULL) || (source && v[*n - 1].source == NULL) ? -ENOMEM : 0;
}

static const entrun_conf_custom_t *
find_custom (const entrun_conf_t *c, const char *name)
{
  for (size_t i = 0; i < c->n_customs; i++)
    if (strcmp (c->customs[i].name, name) == 0)
      return &c->customs[i];
  return NULL;
}

static size_t
strv_length (char *const *v)
{
  size_t n = 0;

  while (v && v[n])
    n++;
  return n;
}

/* A custom entitlement's item carries its definition: a changed
 * definition is a changed grant. */
/* A path may hold ", " or ")": escaped, so that one item never reads as
 * two. */
static void
put_item_path (FILE *f, const char *path)
{
  for (const char *c = path; *c; c++)
    {
      if (*c == ',' || *c == ')' || *c == '\\')
        fputc ('\\', f);
      fputc (*c, f);
    }
}

static char *
custom_text (const entrun_conf_custom_t *cu)
{
  text_t t;
  FILE *f = text_open (&t);
  const char *sep = "";

  /* "custom ": a custom name may begin as a catalogue one does
   * (security.fs-read-only.x), and must never be taken for it. */
  fprintf (f, "custom %s (", cu->name);
  for (int cap = 0; cap < 64; cap++)
    if (cu->caps & (UINT64_C (1) << cap))
      {
        fprintf (f, "%s%s", *sep ? " " : "caps ", ent_cap_to_name (cap));
        sep = ", ";
      }
  for (char **s = cu->allow; s && *s; s++, sep = ", ")
    fprintf (f, "%sallow %s", sep, *s);
  for (char **s = cu->deny; s && *s; s++, sep = ", ")
    fprintf (f, "%sdeny %s", sep, *s);
  for (size_t i = 0; i < cu->n_mounts; i++, sep = ", ")
    {
      fprintf (f, "%s%s ", sep, ent_mount_kind_name (cu->mount_kinds[i]));
      put_item_path (f, cu->mount_paths[i]);
    }
  if (cu->seccomp)
    {
      /* Its rules are in the resolved profile, hashed with the approval. */
      fprintf (f, "%sseccomp ", sep);
      put_item_path (f, cu->seccomp);
    }
  fputc (')', f);
  return text_close (&t);
}

static int
grant_items (const ent_manager_t *m, const ent_catalogue_t *cat, const entrun_conf_t *c,
             entrun_trust_item_t **items, size_t *n)
{
  for (size_t i = 0; i < ent_manager_count (m); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      const ent_definition_t *d = ent_catalogue_lookup (cat, ent_entitlement_name (e));
      const entrun_conf_custom_t *cu = find_custom (c, ent_entitlement_name (e));
      char *text;

      if (ent_entitlement_precedence (e) == ENT_PRECEDENCE_DEFAULT)
        continue;
      /* Sizes as numbers: a limit is compared with the one approved. */
      if (ent_entitlement_type (e) == ENT_TYPE_INT)
        text = ent_str_printf ("%s=%" PRId64, ent_entitlement_name (e),
                               ent_entitlement_int_value (e));
      else
        text = cu ? custom_text (cu) : strdup (ent_entitlement_full_name (e));
      if (push_item (items, n, text, d ? d->description : NULL, ent_entitlement_source (e)) < 0)
        return -ENOMEM;
    }
  return 0;
}

/* A custom entitlement the profile defines but does not grant still
 * counts: `-e NAME` would take its definition from the project. */
static int
define_items (const entrun_conf_t *c, entrun_trust_item_t **items, size_t *n)
{
  size_t granted = *n;

  for (size_t i = 0; i < c->n_customs; i++)
    {
      const entrun_conf_custom_t *cu = &c->customs[i];
      cleanup_free char *def = custom_text (cu);
      bool used = false;
      if (def == NULL)
        return -ENOMEM;
      for (size_t j = 0; j < granted && !used; j++)
        used = strcmp ((*items)[j].text, def) == 0;
      if (!used
          && push_item (items, n, ent_str_printf ("define %s", def + strlen ("custom ")),
                        cu->description ? cu->description : "a custom entitlement (-e grants it)",
                        cu->source)
                 < 0)
        return -ENOMEM;
    }
  return 0;
}

static int
setting_items (const entrun_conf_t *c, entrun_trust_item_t **items, size_t *n)
{
  static const char *const env_op[]
      = { [ENT_ENV_SET] = "set", [ENT_ENV_UNSET] = "unset", [ENT_ENV_KEEP] = "keep" };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < c->n_env; i++)
    ret = push_item (items, n,
                     c->env[i].op == ENT_ENV_SET
                         ? ent_str_printf ("env set %s=%s", c->env[i].name, c->env[i].value)
                         : ent_str_printf ("env %s %s", env_op[c->env[i].op], c->env[i].name),
                     c->env[i].op == ENT_ENV_UNSET ? "removed from the environment"
                                                   : "passed into the sandbox",
                     c->env_sources[i]);
  if (ret == 0 && c->clearenv_source && c->clearenv)
    ret = push_item (items, n, strdup ("env clear"), "start from an empty environment",
                     c->clearenv_source);
  if (ret == 0 && c->chdir)
    ret = push_item (items, n, ent_str_printf ("chdir %s", c->chdir),
                     "working directory inside (writable by default)", c->chdir_source);
  if (ret == 0 && c->hostname)
    ret = push_item (items, n, ent_str_printf ("hostname %s", c->hostname), "hostname inside",
                     c->hostname_source);
  return ret;
}

int
entrun_trust_items (const entrun_loaded_t *l, const ent_catalogue_t *cat, const char *home,
                    entrun_trust_item_t **items, size_t *n, char resolved_hash[65],
                    ent_error_t **err)
{
  ent_manager_t *m = NULL;
  cleanup_free char *json = NULL;
  int ret;

  *items = NULL;
  *n = 0;
  if ((ret = entrun_policy_project_only (l, cat, home, &m, err)) < 0)
    return ret;
  if ((ret = ent_render_profile (ent_manager_profile (m), ENT_RENDER_JSON, &json, err)) == 0)
    {
      hash_string (json, resolved_hash);
      if (grant_items (m, cat, &l->confs[0], items, n) < 0
          || define_items (&l->confs[0], items, n) < 0
          || setting_items (&l->confs[0], items, n) < 0)
        ret = ent_error_set (err, ENOMEM, "out of memory");
    }
  ent_manager_free (m);
  return ret;
}

/* ---- what a change does ---------------------------------------------------- */

/* Levels, lowest first: the first of each group is its default.
 * network.proxy is not on the ladder: its relay reaches what the proxy
 * reaches, the host's loopback included, which network.user does not. */
static const char *const level_groups[][6] = {
  { "network.none", "network.user", "network.admin", "network.host", NULL },
  { "security.confined", "security.view", "security.admin", NULL },
  { "host.devices.none", "host.devices.view", "host.devices.admin", NULL },
  { "host.processes.none", "host.processes.view", "host.processes.admin", NULL },
};
#define PROXY "network.proxy="
#define OFF_LADDER ((size_t)-1)

/* Grants that only restrict: adding one narrows, dropping one widens. */
static const char *const restrictions[]
    = { "host.fs.hide=", "security.fs-read-only", "security.landlock-required", "env unset ",
        "env clear" };
/* (An entry ending in '=' or ' ' is a prefix; any other is the whole
 * item: a custom item reads "custom NAME (...)" and so never matches.) */

/* Grants that only give: dropping one narrows.  Anything else (host.fs.ro,
 * tmpfs and overlay, which can also take writes or sight away; a custom
 * entitlement, which can deny and hide; chdir, hostname, env set) widens
 * both when added and when dropped: when unsure, it asks. */
static const char *const pure_grants[]
    = { "host.fs.rw=", "network.publish=", "network.host-loopback", "debug.ptrace",
        "debug.perf",  "host.clipboard",   "security.memory-lock",  "env keep " };

/* The group and rank of a level item; false for others. */
static bool
level_of (const char *item, size_t *group, size_t *rank)
{
  if (ent_str_has_prefix (item, PROXY))
    {
      *group = 0;
      *rank = OFF_LADDER;
      return true;
    }
  for (size_t g = 0; g < N_ELEMENTS (level_groups); g++)
    for (size_t r = 0; level_groups[g][r]; r++)
      if (strcmp (item, level_groups[g][r]) == 0)
        {
          *group = g;
          *rank = r;
          return true;
        }
  return false;
}

/* A limit item's name ("resources.pids") length and value. */
static bool
limit_of (const char *item, size_t *name_len, int64_t *value)
{
  const char *eq = strchr (item, '=');
  char *end;

  if (!ent_str_has_prefix (item, "resources.") || eq == NULL)
    return false;
  errno = 0;
  *value = strtoll (eq + 1, &end, 10);
  *name_len = (size_t)(eq - item);
  return errno == 0 && *end == '\0' && end != eq + 1;
}

/* A limit with no grant: resources.pids is 4096 by default, the others
 * unlimited. */
static int64_t
default_limit (const char *item, size_t name_len)
{
  return name_len == 14 && strncmp (item, "resources.pids", 14) == 0 ? 4096 : INT64_MAX;
}

static bool
has_prefix_in (const char *item, const char *const *prefixes, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      size_t len = strlen (prefixes[i]);
      char last = prefixes[i][len - 1];
      if (last == '=' || last == ' ' ? strncmp (item, prefixes[i], len) == 0
                                     : strcmp (item, prefixes[i]) == 0)
        return true;
    }
  return false;
}

/* api.access=NAME:deny is the default already; NAME:allow only gives. */
static bool
is_api (const char *item, const char *verdict)
{
  const char *colon = strrchr (item, ':');

  return ent_str_has_prefix (item, "api.access=") && colon && strcmp (colon + 1, verdict) == 0;
}

static bool
is_restriction (const char *item)
{
  return has_prefix_in (item, restrictions, N_ELEMENTS (restrictions)) || is_api (item, "deny");
}

static bool
is_pure_grant (const char *item)
{
  return has_prefix_in (item, pure_grants, N_ELEMENTS (pure_grants)) || is_api (item, "allow");
}

static bool
in_list (char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

/* The item of @v in the same level group or of the same limit as @item. */
static const char *
same_setting (char *const *v, const char *item)
{
  size_t g, r, g2, r2, len, len2;
  int64_t x;

  for (; v && *v; v++)
    if ((level_of (item, &g, &r) && level_of (*v, &g2, &r2) && g == g2)
        || (limit_of (item, &len, &x) && limit_of (*v, &len2, &x) && len == len2
            && strncmp (item, *v, len) == 0))
      return *v;
  return NULL;
}

/* Does going from @from (NULL: the default) to @to (NULL: the default)
 * in one setting widen? */
static bool
setting_widens (const char *from, const char *to)
{
  size_t g, r_from = 0, r_to = 0, len;
  int64_t v_from, v_to;

  if (level_of (to ? to : from, &g, &r_to))
    {
      if (to == NULL)
        r_to = 0;
      if (from)
        level_of (from, &g, &r_from);
      /* Onto the proxy from anywhere but itself, or off it to anything
       * but the default. */
      if (r_to == OFF_LADDER || r_from == OFF_LADDER)
        return r_to != 0;
      return r_to > r_from;
    }
  limit_of (to ? to : from, &len, &v_to);
  v_from = v_to;
  if (from)
    limit_of (from, &len, &v_from);
  else
    v_from = default_limit (to, len);
  if (to == NULL)
    v_to = default_limit (from, len);
  return v_to > v_from;
}

/* Does the line @item, @added or removed, widen?  @other: the lines of
 * the other kind (a level or limit replaced is judged once, where it was
 * added). */
static bool
line_widens (const char *item, bool added, char *const *other)
{
  size_t g, r, len;
  int64_t v;

  if (level_of (item, &g, &r) || limit_of (item, &len, &v))
    {
      if (added)
        return setting_widens (same_setting (other, item), item);
      /* Dropped: back to the default. */
      return same_setting (other, item) == NULL && setting_widens (item, NULL);
    }
  return added ? !is_restriction (item) : !is_pure_grant (item);
}

entrun_change_t
entrun_trust_classify (char *const *old, char *const *new_items, char ***added, char ***removed)
{
  bool widens = false;

  *added = calloc (1, sizeof (char *));
  *removed = calloc (1, sizeof (char *));
  if (*added == NULL || *removed == NULL)
    die ("out of memory");
  for (char *const *n = new_items; n && *n; n++)
    if (!in_list (old, *n) && ent_strlist_add (added, *n) < 0)
      die ("out of memory");
  for (char *const *o = old; o && *o; o++)
    if (!in_list (new_items, *o) && ent_strlist_add (removed, *o) < 0)
      die ("out of memory");
  for (char **a = *added; *a; a++)
    widens = widens || line_widens (*a, true, *removed);
  for (char **d = *removed; *d; d++)
    widens = widens || line_widens (*d, false, *added);
  if (widens)
    return ENTRUN_CHANGE_WIDENS;
  return **added || **removed ? ENTRUN_CHANGE_NARROWS : ENTRUN_CHANGE_SAME;
}

/* ---- the store -------------------------------------------------------------- */

typedef struct record
{
  char *path;
  char file_hash[65];
  char resolved_hash[65];
  char *key; /* a pinned publisher key, or NULL */
  long long approved;
  char **items;
} record_t;

static void
record_clear (record_t *r)
{
  free (r->path);
  free (r->key);
  ent_strv_free (r->items);
  memset (r, 0, sizeof (*r));
}

/* $XDG_DATA_HOME/entrun when @xdg and it is set, else in the home. */
static char *
data_dir (const char *home, bool xdg)
{
  const char *x = getenv ("XDG_DATA_HOME");

  if (xdg && x && x[0] == '/')
    return ent_str_printf ("%s/entrun", x);
  return home ? ent_str_printf ("%s/.local/share/entrun", home) : NULL;
}

/* A symbolic link of the caller's on the way to the store: a sandbox
 * allowed to write where the link sits could point it at a store of its
 * own making, with approvals in it.  Root's own links outside its home
 * are the system's (/var/run). */
static void
check_store_path (const char *dir, const char *home)
{
  cleanup_free char *p = strdup (dir);
  struct stat st;

  if (p == NULL)
    die ("out of memory");
  for (char *c = p + 1;; c++)
    {
      char *slash = strchr (c, '/');
      if (slash)
        *slash = '\0';
      if (lstat (p, &st) < 0)
        return;
      if (S_ISLNK (st.st_mode) && st.st_uid == getuid ()
          && (getuid () != 0 || (home && ent_path_is_below (p, home))))
        {
          cleanup_free char *d = shown (dir), *l = shown (p);
          die ("the trust store %s is reached through %s, a symbolic link of yours: a sandbox "
               "allowed to write beside it could forge approvals; set XDG_DATA_HOME to the "
               "real place",
               d, l);
        }
      if (slash == NULL)
        return;
      *slash = '/';
      c = slash;
    }
}

static char *
store_dir (const char *home)
{
  cleanup_free char *d = data_dir (home, true);

  if (d == NULL)
    die ("cannot find the trust store: neither $XDG_DATA_HOME nor your home is known");
  check_store_path (d, home);
  return ent_str_printf ("%s/trust", d);
}

static char *
record_file (const char *store, const char *project_path)
{
  char h[65];

  hash_string (project_path, h);
  return ent_str_printf ("%s/%s", store, h);
}

static char *
record_path (const char *home, const char *project_path)
{
  cleanup_free char *dir = store_dir (home);

  return dir ? record_file (dir, project_path) : NULL;
}

/* Items are stored one a line: a newline or backslash in one (a path) is
 * escaped. */
static void
put_escaped (FILE *f, const char *s)
{
  for (; *s; s++)
    if (*s == '\n')
      fputs ("\\n", f);
    else if (*s == '\\')
      fputs ("\\\\", f);
    else
      fputc (*s, f);
}

static char *
unescape (const char *s)
{
  char *out = malloc (strlen (s) + 1), *o = out;

  if (out == NULL)
    die ("out of memory");
  for (; *s; s++)
    if (*s == '\\' && (s[1] == 'n' || s[1] == '\\'))
      *o++ = *++s == 'n' ? '\n' : '\\';
    else
      *o++ = *s;
  *o = '\0';
  return out;
}

/* A record, or -ENOENT.  One that someone else could have written is
 * refused, as a profile would be. */
static int
record_read (const char *file, const char *expected_path, record_t *r)
{
  cleanup_fclose FILE *f = fopen (file, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  struct stat st;

  memset (r, 0, sizeof (*r));
  if (f == NULL)
    {
      if (errno == ENOENT)
        return -ENOENT;
      die_errno ("reading the approval %s", file);
    }
  if (fstat (fileno (f), &st) < 0)
    die_errno ("reading the approval %s", file);
  if (st.st_uid != getuid () || (st.st_mode & (S_IWGRP | S_IWOTH)))
    die ("%s: refusing an approval record owned or writable by someone else", file);
  if ((r->items = calloc (1, sizeof (char *))) == NULL)
    die ("out of memory");
  while ((len = getline (&line, &cap, f)) > 0)
    {
      cleanup_free char *value = NULL;
      char *sp;
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      if ((sp = strchr (line, ' ')) == NULL)
        continue;
      *sp = '\0';
      value = unescape (sp + 1);
      if (strcmp (line, "path") == 0 && r->path == NULL)
        r->path = steal_pointer (&value);
      else if (strcmp (line, "file") == 0 && strlen (value) == 64)
        memcpy (r->file_hash, value, 65);
      else if (strcmp (line, "resolved") == 0 && strlen (value) == 64)
        memcpy (r->resolved_hash, value, 65);
      else if (strcmp (line, "key") == 0 && r->key == NULL)
        r->key = steal_pointer (&value);
      else if (strcmp (line, "approved") == 0)
        r->approved = strtoll (value, NULL, 10);
      else if (strcmp (line, "item") == 0 && ent_strlist_add (&r->items, value) < 0)
        die ("out of memory");
    }
  if (r->path && expected_path && strcmp (r->path, expected_path) != 0)
    die ("%s: an approval record of another path (%s), refusing it", file, r->path);
  /* Cut short (a crash while it was written): as if never approved. */
  if (r->path == NULL)
    {
      warn ("%s: an incomplete approval record, ignored", file);
      record_clear (r);
      return -ENOENT;
    }
  return 0;
}

/* Write @r atomically (a new file renamed over the old). */
static void
record_write (const char *home, const record_t *r)
{
  cleanup_free char *dir = store_dir (home);
  cleanup_free char *file = dir ? record_file (dir, r->path) : NULL;
  cleanup_free char *tmp = file ? ent_str_printf ("%s.%d.tmp", file, (int)getpid ()) : NULL;
  cleanup_close int fd = -1;
  FILE *f;

  if (dir == NULL || file == NULL || tmp == NULL)
    die ("out of memory");
  if (mkdir_p (dir, 0700) < 0)
    die_errno ("creating the trust store %s", dir);
  if ((fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
    die_errno ("recording the approval in %s", dir);
  if ((f = fdopen (steal_fd (&fd), "w")) == NULL)
    die ("out of memory");
  fputs ("path ", f);
  put_escaped (f, r->path);
  fprintf (f, "\napproved %lld\n", r->approved);
  if (r->file_hash[0])
    fprintf (f, "file %s\nresolved %s\n", r->file_hash, r->resolved_hash);
  if (r->key)
    fprintf (f, "key %s\n", r->key);
  for (char **i = r->items; i && *i; i++)
    {
      fputs ("item ", f);
      put_escaped (f, *i);
      fputc ('\n', f);
    }
  /* Not synced: a record lost in a crash is only asked for again. */
  if (fclose (f) != 0)
    {
      unlink (tmp);
      die_errno ("recording the approval in %s", dir);
    }
  if (rename (tmp, file) < 0)
    {
      unlink (tmp);
      die_errno ("recording the approval in %s", dir);
    }
}

char **
entrun_trust_dirs (const char *home)
{
  char **dirs = calloc (3, sizeof (char *));
  char real[PATH_MAX];
  size_t n = 0;

  if (dirs == NULL)
    die ("out of memory");
  for (int xdg = 1; xdg >= 0; xdg--)
    {
      cleanup_free char *d = data_dir (home, xdg);
      if (d == NULL || (n == 1 && strcmp (d, dirs[0]) == 0))
        continue;
      /* Made now, so that it can be protected: else a sandbox could make
       * it and plant approvals (see entrun_profile_dirs). */
      if (access (d, F_OK) < 0)
        {
          cleanup_free char *t = ent_str_printf ("%s/trust", d);
          if (t == NULL)
            die ("out of memory");
          if (mkdir_p (t, 0700) < 0 && errno != EACCES && errno != ENOENT && errno != EPERM
              && errno != EROFS && errno != ENOTDIR)
            die_errno ("creating the trust store %s", t);
        }
      if (realpath (d, real) && (n == 0 || strcmp (real, dirs[0]) != 0)
          && (dirs[n++] = strdup (real)) == NULL)
        die ("out of memory");
    }
  return dirs;
}

/* ---- saying it -------------------------------------------------------------- */

/* A string from the profile, with its control characters escaped: a
 * description or a path must not move the cursor or forge a line of the
 * question (THREATS: the terminal).  Bytes above ASCII too: UTF-8's C1
 * controls and bidirectional overrides could make a line read otherwise
 * than it is. */
static void
put_text (FILE *f, const char *s)
{
  char esc[5];

  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (ent_escape_control (*c, false, esc) > 0)
      fputs (esc, f);
    else if (*c >= 0x80)
      fprintf (f, "\\x%02x", *c);
    else
      fputc (*c, f);
}

/* @s as put_text() writes it, newly allocated: for messages. */
static char *
shown (const char *s)
{
  text_t t;

  put_text (text_open (&t), s);
  return text_close (&t);
}

static void
put_item (FILE *f, char sign, const char *text, const entrun_trust_item_t *items, size_t n)
{
  const entrun_trust_item_t *it = NULL;

  for (size_t i = 0; items && i < n && it == NULL; i++)
    if (strcmp (items[i].text, text) == 0)
      it = &items[i];
  fprintf (f, "  %c ", sign);
  put_text (f, text);
  if (it && it->what)
    {
      fputs (": ", f);
      put_text (f, it->what);
    }
  if (it && it->source)
    {
      fputs (" [", f);
      put_text (f, it->source);
      fputc (']', f);
    }
  fputc ('\n', f);
}

static char **
item_texts (const entrun_trust_item_t *items, size_t n)
{
  char **v = calloc (n + 1, sizeof (char *));

  if (v == NULL)
    die ("out of memory");
  for (size_t i = 0; i < n; i++)
    if ((v[i] = strdup (items[i].text)) == NULL)
      die ("out of memory");
  return v;
}

/* ---- asking ----------------------------------------------------------------- */

/* Ask at the controlling terminal (as ssh and sudo do: the command's
 * standard input may be a pipe).  -1: there is none. */
static int
ask (const char *question)
{
  cleanup_close int fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  char answer[16];
  ssize_t n;

  /* Not in the terminal's foreground (a background job, timeout(1)):
   * reading would only stop us. */
  if (fd < 0 || tcgetpgrp (fd) != getpgrp ())
    return -1;
  /* Only what is typed after the question answers it. */
  tcflush (fd, TCIFLUSH);
  if (write (fd, question, strlen (question)) < 0)
    return -1;
  n = read (fd, answer, sizeof (answer) - 1);
  if (n <= 0)
    return 0;
  answer[n] = '\0';
  answer[strcspn (answer, "\n")] = '\0';
  return strcasecmp (answer, "y") == 0 || strcasecmp (answer, "yes") == 0;
}

/* Show @lines (written into a buffer by the caller) at the terminal and
 * ask; without a terminal, print them on stderr and exit 125 with the
 * command that approves. */
static void
ask_or_refuse (const char *lines, const char *project_dir, bool explain)
{
  cleanup_free char *question = NULL, *dir = shown (project_dir);
  int yes;

  if (explain)
    {
      fputs (lines, stderr);
      warn ("--explain shows it with the project profile; approve it with: entrun trust %s", dir);
      return;
    }
  if ((question = ent_str_printf ("%sRun with it, and remember the approval? [y/N] ", lines))
      == NULL)
    die ("out of memory");
  yes = ask (question);
  if (yes > 0)
    return;
  if (yes < 0)
    fputs (lines, stderr);
  die ("not approved: to approve it, run: entrun trust %s (or ignore it with --no-project)", dir);
}

/* ---- publisher signatures --------------------------------------------------- */

/* A public key as ssh writes it: TYPE BASE64 [COMMENT], one line. */
static char *
read_key (const char *file)
{
  cleanup_fclose FILE *f = fopen (file, "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  char type[64], blob[16384];

  if (f == NULL)
    die_errno ("--key %s", file);
  if (getline (&line, &cap, f) <= 0 || sscanf (line, "%63s %16383s", type, blob) != 2
      || !(ent_str_has_prefix (type, "ssh-") || ent_str_has_prefix (type, "ecdsa-")
           || ent_str_has_prefix (type, "sk-"))
      || strspn (blob, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
             != strlen (blob))
    die ("--key %s: not an SSH public key (expected a line such as 'ssh-ed25519 AAAA...')", file);
  return ent_str_printf ("%s %s", type, blob);
}

static int
memfd_with (const char *name, const void *data, size_t len)
{
  int fd = memfd_create (name, 0);

  if (fd < 0)
    die_errno ("memfd_create");
  if (write (fd, data, len) != (ssize_t)len || lseek (fd, 0, SEEK_SET) < 0)
    die_errno ("writing %s", name);
  return fd;
}

/* The signature file, read by entrun: a regular file of at most 64 KiB
 * (a FIFO or a link to /dev/zero must not hang the check), into a memfd. */
static int
read_signature (const char *sig)
{
  cleanup_close int fd = open (sig, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  char buf[65536];
  struct stat st;
  ssize_t n;

  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  if (!S_ISREG (st.st_mode) || st.st_size > (off_t)sizeof (buf))
    {
      errno = EINVAL;
      return -1;
    }
  if ((n = read (fd, buf, sizeof (buf))) < 0)
    return -1;
  return memfd_with ("entrun-signature", buf, (size_t)n);
}

/* Does @sig verify the bytes entrun parsed against @key?  ssh-keygen
 * does the cryptography (SSHSIG, as git's signed commits); it reads the
 * exact bytes entrun parsed and the signature entrun read, from memfds.
 * It is run by its absolute path found at build time, never through
 * PATH (a sandbox may write a directory on the caller's PATH), dies with
 * entrun, and gets 10 s. */
static bool
signature_ok (const entrun_loaded_t *l, const char *key, const char *sig, char *why, size_t why_len)
{
  cleanup_free char *signers = ent_str_printf ("entrun namespaces=\"entrun-profile\" %s\n", key);
  cleanup_free char *signers_path = NULL, *sig_path = NULL;
  cleanup_close int msg = -1, allowed = -1, sigfd = -1;
  struct pollfd pfd;
  int out[2], status;
  ssize_t n = 0;
  pid_t pid;

  if (signers == NULL)
    die ("out of memory");
  if ((sigfd = read_signature (sig)) < 0)
    {
      int e = errno;
      if (e == EINVAL)
        snprintf (why, why_len, "not a regular file of at most 64 KiB");
      else
        snprintf (why, why_len, "cannot read it: %s", strerror (e));
      return false;
    }
  msg = memfd_with ("entrun-profile", l->project_bytes, l->project_len);
  allowed = memfd_with ("entrun-allowed-signers", signers, strlen (signers));
  if ((signers_path = ent_str_printf ("/proc/self/fd/%d", allowed)) == NULL
      || (sig_path = ent_str_printf ("/proc/self/fd/%d", sigfd)) == NULL)
    die ("out of memory");
  if (pipe2 (out, O_CLOEXEC) < 0)
    die_errno ("pipe");
  if ((pid = fork ()) < 0)
    die_errno ("fork");
  if (pid == 0)
    {
      char *const argv[] = { (char *)SSH_KEYGEN, (char *)"-Y", (char *)"verify",
                             (char *)"-f",       signers_path, (char *)"-I",
                             (char *)"entrun",   (char *)"-n", (char *)"entrun-profile",
                             (char *)"-s",       sig_path,     NULL };
      char *const envp[] = { (char *)"PATH=/usr/bin:/bin", (char *)"LC_ALL=C", NULL };
      int devnull = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (prctl (PR_SET_PDEATHSIG, SIGKILL) < 0 || dup2 (msg, 0) < 0 || dup2 (devnull, 1) < 0
          || dup2 (out[1], 2) < 0)
        _exit (126);
      fcntl (allowed, F_SETFD, 0);
      fcntl (sigfd, F_SETFD, 0);
      execve (SSH_KEYGEN, argv, envp);
      dprintf (2, "cannot run %s: %s (install openssh-client)", SSH_KEYGEN, strerror (errno));
      _exit (127);
    }
  close (out[1]);
  pfd = (struct pollfd){ .fd = out[0], .events = POLLIN };
  if (poll (&pfd, 1, 10000) > 0)
    n = read (out[0], why, why_len - 1);
  else
    {
      kill (pid, SIGKILL);
      snprintf (why, why_len, "%s did not answer in 10 s", SSH_KEYGEN);
      n = -2;
    }
  close (out[0]);
  if (n != -2)
    {
      why[n > 0 ? n : 0] = '\0';
      why[strcspn (why, "\r\n")] = '\0';
    }
  /* ssh-keygen's words, quoted in entrun's message: nothing that a
   * terminal would act on. */
  for (char *c = why; *c; c++)
    if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
      *c = '?';
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      die_errno ("waitpid");
  return n != -2 && WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* ---- the check -------------------------------------------------------------- */

static void
fill_record (record_t *r, const entrun_loaded_t *l, const char *home, const char *resolved,
             const entrun_trust_item_t *items, size_t n)
{
  free (r->path);
  if ((r->path = strdup (l->project_path)) == NULL)
    die ("out of memory");
  file_hash (l, home, r->file_hash);
  memcpy (r->resolved_hash, resolved, 65);
  ent_strv_free (r->items);
  r->items = item_texts (items, n);
  r->approved = (long long)time (NULL);
}

/* The profile that applies above @l's directory when @l does not (the
 * nearest .entrun.ini above it), if it is approved: its record in
 * @parent. */
static bool
approved_parent (const entrun_loaded_t *l, const char *home, record_t *parent)
{
  cleanup_free char *d = strdup (l->project_dir);
  cleanup_free char *store = store_dir (home);
  struct stat st;

  if (d == NULL || store == NULL)
    die ("out of memory");
  while (strcmp (d, "/") != 0)
    {
      char *slash = strrchr (d, '/');
      *(slash == d ? slash + 1 : slash) = '\0';
      cleanup_free char *cand
          = ent_str_printf ("%s/" ENTRUN_PROJECT_FILE, strcmp (d, "/") ? d : "");
      cleanup_free char *file = cand ? record_file (store, cand) : NULL;
      if (file == NULL)
        die ("out of memory");
      if (lstat (cand, &st) < 0)
        continue;
      return record_read (file, cand, parent) == 0 && parent->file_hash[0];
    }
  return false;
}

/* The listing of a profile never approved, or of what changed. */
static char *
describe (const entrun_loaded_t *l, const record_t *r, const entrun_trust_item_t *items, size_t n,
          char **added, char **removed, const record_t *parent)
{
  text_t t;
  FILE *f = text_open (&t);

  fputs ("entrun: the project profile ", f);
  put_text (f, l->project_path);
  if (r == NULL)
    fprintf (f, " is not approved yet; it asks for%s:\n", n ? "" : " nothing beyond the default");
  else
    fputs (" changed since you approved it, and asks for more:\n", f);
  /* What narrows first, what widens last: next to the question, where a
   * long list cannot scroll it away. */
  for (int pass = 0; pass < 2; pass++)
    if (r == NULL)
      {
        cleanup_strv char **none = calloc (1, sizeof (char *));
        for (size_t i = 0; i < n; i++)
          if (line_widens (items[i].text, true, none) == (pass == 1))
            put_item (f, '+', items[i].text, items, n);
      }
    else
      {
        for (char **d = removed; d && *d; d++)
          if (line_widens (*d, false, added) == (pass == 1))
            put_item (f, '-', *d, NULL, 0);
        for (char **a = added; a && *a; a++)
          if (line_widens (*a, true, removed) == (pass == 1))
            put_item (f, '+', *a, items, n);
      }
  /* A new profile below an approved one takes its place for runs from
   * here on: what that one restricted stops applying. */
  if (parent && parent->items && parent->items[0])
    {
      fputs ("  and for runs from here on it replaces the approved ", f);
      put_text (f, parent->path);
      fputs (", so these of its grants stop applying:\n", f);
      for (char **p = parent->items; *p; p++)
        put_item (f, '-', *p, NULL, 0);
    }
  return text_close (&t);
}

void
entrun_trust_check (const entrun_loaded_t *l, const ent_catalogue_t *cat, const char *home,
                    bool explain)
{
  cleanup_free char *file = record_path (home, l->project_path);
  entrun_trust_item_t *items = NULL;
  cleanup_free char *lines = NULL;
  char **added = NULL, **removed = NULL, now_hash[65], resolved[65];
  ent_error_t *err = NULL;
  record_t rec;
  size_t n = 0;
  bool have;
  entrun_change_t change;

  if (file == NULL)
    die ("out of memory");
  have = record_read (file, l->project_path, &rec) == 0;
  file_hash (l, home, now_hash);
  /* Unchanged since approved: nothing more to do. */
  if (have && rec.file_hash[0] && strcmp (rec.file_hash, now_hash) == 0)
    {
      record_clear (&rec);
      return;
    }
  if (entrun_trust_items (l, cat, home, &items, &n, resolved, &err) < 0)
    die ("%s", ent_error_message (err));
  {
    cleanup_strv char **texts = item_texts (items, n);
    change = entrun_trust_classify (have ? rec.items : NULL, texts, &added, &removed);
  }
  if (have && rec.key && strcmp (rec.resolved_hash, resolved) != 0)
    {
      cleanup_free char *sig = ent_str_printf ("%s.sig", l->project_path);
      cleanup_free char *sig_s = sig ? shown (sig) : NULL, *path_s = shown (l->project_path);
      cleanup_free char *dir_s = shown (l->project_dir);
      char why[512];
      if (sig == NULL)
        die ("out of memory");
      if (access (sig, F_OK) < 0)
        die ("%s has no signature (%s) but a publisher key is pinned for %s (entrun trust "
             "--revoke %s forgets it)",
             path_s, sig_s, dir_s, dir_s);
      if (!signature_ok (l, rec.key, sig, why, sizeof (why)))
        die ("%s: the signature does not verify with the publisher key pinned for %s: %s", sig_s,
             dir_s, why[0] ? why : "ssh-keygen refused it");
      if (!explain && change == ENTRUN_CHANGE_WIDENS && entrun_verbosity > 0)
        {
          lines = describe (l, &rec, items, n, added, removed, NULL);
          fputs (lines, stderr);
          warn ("approved by its publisher's signature (%s)", sig_s);
        }
    }
  else if (have && change != ENTRUN_CHANGE_WIDENS)
    {
      /* Comments or spacing changed, or it narrowed, or entrun itself
       * resolves the same grants differently now.  (A widening of the
       * items is one even when the resolved form is the same: a custom
       * entitlement defined, not granted, changes what -e would get.) */
      if (!explain)
        {
          cleanup_free char *path_s = shown (l->project_path);
          verbose ("the project profile %s %s; approval updated", path_s,
                   change == ENTRUN_CHANGE_NARROWS ? "narrowed" : "changed but not in effect");
        }
    }
  else
    {
      record_t parent = { 0 };
      bool replaces = !have && approved_parent (l, home, &parent);
      lines = describe (l, have ? &rec : NULL, items, n, added, removed, replaces ? &parent : NULL);
      record_clear (&parent);
      ask_or_refuse (lines, l->project_dir, explain);
    }
  /* Approved, by its signature, by being no wider, or by the answer
   * (record_read left @rec empty when there was none). */
  if (!explain)
    {
      fill_record (&rec, l, home, resolved, items, n);
      record_write (home, &rec);
    }
  ent_strv_free (added);
  ent_strv_free (removed);
  entrun_trust_items_free (items, n);
  record_clear (&rec);
}

/* ---- entrun trust ----------------------------------------------------------- */

static int
trust_list (const char *home)
{
  cleanup_free char *dir = store_dir (home);
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (dir == NULL)
    die ("out of memory");
  if ((d = opendir (dir)) == NULL)
    {
      if (errno == ENOENT)
        return 0;
      die_errno ("reading the trust store %s", dir);
    }
  while ((de = readdir (d)) != NULL)
    {
      cleanup_free char *file = NULL;
      record_t r;
      char when[32] = "";
      time_t t;
      struct tm tm;
      if (strlen (de->d_name) != 64 || strspn (de->d_name, "0123456789abcdef") != 64)
        continue;
      if ((file = ent_str_printf ("%s/%s", dir, de->d_name)) == NULL)
        die ("out of memory");
      if (record_read (file, NULL, &r) < 0)
        continue;
      t = (time_t)r.approved;
      if (r.approved && localtime_r (&t, &tm))
        strftime (when, sizeof (when), "%Y-%m-%d %H:%M", &tm);
      put_text (stdout, r.path);
      if (r.file_hash[0])
        printf ("  approved %s, %zu grant%s", when, strv_length (r.items),
                strv_length (r.items) == 1 ? "" : "s");
      else
        fputs ("  not approved", stdout);
      if (r.key)
        fputs (", publisher key pinned", stdout);
      if (access (r.path, F_OK) < 0)
        fputs (" (the file is gone)", stdout);
      putchar ('\n');
      record_clear (&r);
    }
  return fflush (stdout) == 0 ? 0 : ENTRUN_EXIT_ERROR;
}

/* entrun trust --revoke [DIR]: DIR's own .entrun.ini (gone or not),
 * else the one discovery finds from DIR. */
static int
trust_revoke (const char *home, const char *dir)
{
  cleanup_free char *real = realpath (dir, NULL);
  cleanup_free char *own = NULL, *file = NULL, *found = NULL, *shown_path = NULL;

  if (real == NULL)
    die_errno ("trust: %s", dir);
  if ((own = ent_str_printf ("%s/" ENTRUN_PROJECT_FILE, strcmp (real, "/") ? real : "")) == NULL
      || (file = record_path (home, own)) == NULL)
    die ("out of memory");
  if (access (file, F_OK) < 0 && (found = entrun_project_find (dir, NULL)) != NULL)
    {
      cleanup_free char *found_real = realpath (found, NULL);
      free (file);
      if ((file = record_path (home, found_real ? found_real : found)) == NULL)
        die ("out of memory");
      free (own);
      own = found_real ? steal_pointer (&found_real) : strdup (found);
    }
  shown_path = shown (own);
  if (unlink (file) < 0)
    {
      if (errno == ENOENT)
        die ("trust: %s was not approved", shown_path);
      die_errno ("trust: forgetting %s", shown_path);
    }
  if (entrun_verbosity > 0)
    printf ("forgot the approval of %s\n", shown_path);
  return fflush (stdout) == 0 ? 0 : ENTRUN_EXIT_ERROR;
}

/* entrun trust --key FILE [DIR]: pin it; approve now if the profile's
 * signature verifies.  0: approved, 1: pinned only. */
static int
trust_key (const char *home, const char *key_file, const entrun_loaded_t *l, record_t *rec)
{
  cleanup_free char *sig = ent_str_printf ("%s.sig", l->project_path);
  cleanup_free char *sig_s = sig ? shown (sig) : NULL, *path_s = shown (l->project_path);
  char why[512];

  if (sig == NULL)
    die ("out of memory");
  free (rec->key);
  rec->key = read_key (key_file);
  if (access (sig, F_OK) == 0)
    {
      if (!signature_ok (l, rec->key, sig, why, sizeof (why)))
        die ("%s: the signature does not verify with %s: %s", sig_s, key_file,
             why[0] ? why : "ssh-keygen refused it");
      return 0;
    }
  /* Pinned, not approved: the next signed version will be. */
  rec->file_hash[0] = rec->resolved_hash[0] = '\0';
  if (rec->path == NULL && (rec->path = strdup (l->project_path)) == NULL)
    die ("out of memory");
  record_write (home, rec);
  if (entrun_verbosity > 0)
    printf ("pinned the publisher key for %s (it has no signature yet, so it is not approved)\n",
            path_s);
  return 1;
}

int
entrun_trust_command (const entrun_cli_t *cli)
{
  cleanup_free char *home = entrun_caller_home ();
  cleanup_free char *project = NULL, *file = NULL, *path_s = NULL;
  const char *dir = cli->trust_dir ? cli->trust_dir : ".";
  entrun_loaded_t loaded = { 0 };
  entrun_trust_item_t *items = NULL;
  ent_catalogue_t *cat = NULL;
  ent_error_t *err = NULL;
  char resolved[65];
  record_t rec = { 0 };
  size_t n = 0;
  struct stat st;

  if (cli->trust_op == ENTRUN_TRUST_LIST)
    return trust_list (home);
  if (stat (dir, &st) < 0 || !S_ISDIR (st.st_mode))
    {
      cleanup_free char *d = shown (dir);
      die ("trust: %s: %s", d,
           errno && !S_ISDIR (st.st_mode) ? strerror (errno) : "not a directory");
    }
  if (cli->trust_op == ENTRUN_TRUST_REVOKE)
    return trust_revoke (home, dir);
  if ((project = entrun_project_find (dir, NULL)) == NULL)
    {
      cleanup_free char *d = shown (dir);
      die ("trust: no " ENTRUN_PROJECT_FILE " in %s or above it", d);
    }
  if ((cat = ent_catalogue_new_default ()) == NULL)
    die ("out of memory");
  if (entrun_policy_load_project (project, cat, &loaded, &err) < 0)
    die ("%s", ent_error_message (err));
  if ((file = record_path (home, loaded.project_path)) == NULL)
    die ("out of memory");
  path_s = shown (loaded.project_path);
  if (record_read (file, loaded.project_path, &rec) < 0)
    memset (&rec, 0, sizeof (rec));
  if (entrun_trust_items (&loaded, cat, home, &items, &n, resolved, &err) < 0)
    die ("%s", ent_error_message (err));
  if (cli->trust_key == NULL || trust_key (home, cli->trust_key, &loaded, &rec) == 0)
    {
      /* At a terminal, the very grants recorded are shown and confirmed:
       * the file may have changed since the listing that sent you here. */
      if (cli->trust_key == NULL && isatty (STDIN_FILENO))
        {
          record_t parent = { 0 };
          bool replaces = !rec.file_hash[0] && approved_parent (&loaded, home, &parent);
          cleanup_free char *lines
              = describe (&loaded, NULL, items, n, NULL, NULL, replaces ? &parent : NULL);
          record_clear (&parent);
          cleanup_free char *q = ent_str_printf ("%sApprove it? [y/N] ", lines);
          if (q == NULL)
            die ("out of memory");
          /* A terminal that cannot be asked (not its foreground, no
           * controlling one) is no answer either. */
          int yes = ask (q);
          if (yes < 0)
            die ("not approved: standard input is a terminal that entrun cannot ask (run "
                 "entrun trust in its foreground, or with input from elsewhere)");
          if (yes == 0)
            die ("not approved");
        }
      fill_record (&rec, &loaded, home, resolved, items, n);
      record_write (home, &rec);
      if (entrun_verbosity > 0)
        {
          printf ("approved %s%s", path_s, n ? ":\n" : " (nothing beyond the default)\n");
          for (size_t i = 0; i < n; i++)
            put_item (stdout, '+', items[i].text, items, n);
        }
    }
  entrun_trust_items_free (items, n);
  record_clear (&rec);
  entrun_loaded_clear (&loaded);
  ent_catalogue_free (cat);
  return fflush (stdout) == 0 ? 0 : ENTRUN_EXIT_ERROR;
}
