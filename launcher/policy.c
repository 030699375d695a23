/* entrun — from command line and profiles to a resolved profile.  Policy
 * lives in core; this file gathers the caller's context (cwd, home, host
 * API sockets, cgroup), loads the INI profiles, and hands every request to
 * the manager as one set. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "builtin-profiles.h"
#include "cgroup.h"
#include "ent-util.h"
#include "policy.h"
#include "util.h"

/* The caller's home, resolved: the default boundary compares it with the
 * working directory (a real path) and hides the stores below it, so it must
 * be spelled as the mount plan will find it.  NULL when unknown. */
char *
entrun_caller_home (void)
{
  const char *home = getenv ("HOME");
  struct passwd *pw;
  char *real;

  if (home == NULL || home[0] != '/')
    {
      pw = getpwuid (getuid ());
      home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
    }
  if (home == NULL)
    return NULL;
  real = realpath (home, NULL);
  if (real == NULL && errno == ENOMEM)
    die ("out of memory");
  return real ? real : strdup (home);
}

/* $XDG_RUNTIME_DIR (else /run/user/UID) when it is a directory: the user's
 * daemons keep their sockets there, and the sandbox gets a private empty
 * one instead. */
static char *
runtime_dir (void)
{
  const char *dir = getenv ("XDG_RUNTIME_DIR");
  char fallback[64];
  struct stat st;
  char *real;

  if (dir == NULL || dir[0] != '/')
    {
      snprintf (fallback, sizeof (fallback), "/run/user/%u", getuid ());
      dir = fallback;
    }
  real = realpath (dir, NULL);
  if (real && stat (real, &st) == 0 && S_ISDIR (st.st_mode) && strcmp (real, "/") != 0)
    return real;
  free (real);
  return NULL;
}

/* Add @owned (freed here) to the stores to hide if it exists: a store kept elsewhere (a
 * dotfiles manager's ~/.aws -> ...) is hidden where it leads; a link to
 * nothing hides nothing. */
static int
add_credential (ent_profile_t *base, char *owned, ent_error_t **err)
{
  cleanup_free char *path = owned;
  cleanup_free char *real = NULL;
  struct stat st;

  if (path == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (lstat (path, &st) < 0)
    {
      /* Not there, or out of our reach (and so of the sandbox's). */
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
        return 0;
      return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
    }
  /* Where it really is, through a link on the way too (~/.config ->
   * dotfiles/config): the mount plan and the checks of what covers it
   * speak of real paths. */
  if ((real = realpath (path, NULL)) == NULL)
    {
      if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP)
        return 0;
      return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
    }
  if (strcmp (real, "/") == 0)
    return 0;
  if (ent_strlist_add (&base->credentials, real) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return 0;
}

/* Variables that name a credential file elsewhere than its default. */
static const char *const credential_vars[]
    = { "KUBECONFIG", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "GOOGLE_APPLICATION_CREDENTIALS", "DOCKER_CONFIG", "NETRC", "PGPASSFILE", "GNUPGHOME",
        "PASSWORD_STORE_DIR", "VAULT_CONFIG_PATH", "NPM_CONFIG_USERCONFIG", "CARGO_HOME" };

/* The credential stores of ent_credential_paths() that exist here (those
 * under ~/.config and ~/.local/share also where $XDG_CONFIG_HOME and
 * $XDG_DATA_HOME put them), and the files that variables name, so that
 * --explain lists what is hidden and pid 1 covers only what is there. */
static int
existing_credentials (ent_profile_t *base, ent_error_t **err)
{
  static const struct
  {
    const char *prefix, *var;
  } xdg[] = { { "~/.config/", "XDG_CONFIG_HOME" }, { "~/.local/share/", "XDG_DATA_HOME" } };
  const char *const *all = ent_credential_paths ();
  int ret = 0;

  if (base->home == NULL)
    return 0;
  if ((base->credentials = calloc (1, sizeof (char *))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; ret == 0 && all[i]; i++)
    {
      ret = add_credential (base, ent_str_printf ("%s/%s", base->home, all[i] + 2), err);
      for (size_t j = 0; ret == 0 && j < N_ELEMENTS (xdg); j++)
        {
          const char *dir = getenv (xdg[j].var);
          if (dir && dir[0] == '/' && ent_str_has_prefix (all[i], xdg[j].prefix))
            ret = add_credential (base, ent_str_printf ("%s/%s", dir, all[i] + strlen (xdg[j].prefix)),
                                  err);
        }
    }
  /* CARGO_HOME names the directory that holds credentials.toml. */
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (credential_vars); i++)
    {
      const char *v = getenv (credential_vars[i]);
      if (v == NULL || v[0] != '/')
        continue;
      if (strcmp (credential_vars[i], "CARGO_HOME") == 0)
        ret = add_credential (base, ent_str_printf ("%s/credentials.toml", v), err);
      else if (strcmp (credential_vars[i], "KUBECONFIG") == 0)
        {
          /* A list, separated by ':'. */
          cleanup_free char *copy = strdup (v);
          char *save = NULL;
          if (copy == NULL)
            return ent_error_set (err, ENOMEM, "out of memory");
          for (char *f = strtok_r (copy, ":", &save); ret == 0 && f; f = strtok_r (NULL, ":", &save))
            if (f[0] == '/')
              ret = add_credential (base, strdup (f), err);
        }
      else
        ret = add_credential (base, strdup (v), err);
    }
  return ret;
}

/* ---- profiles ------------------------------------------------------------ */

char **
entrun_profile_search_dirs (const char *home)
{
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  char **dirs = calloc (3, sizeof (char *));
  size_t n = 0;

  if (dirs == NULL)
    die ("out of memory");
  if (xdg && xdg[0] == '/')
    dirs[n++] = ent_str_printf ("%s/entrun", xdg);
  else if (home)
    dirs[n++] = ent_str_printf ("%s/.config/entrun", home);
  dirs[n++] = strdup ("/etc/entrun");
  for (size_t i = 0; i < n; i++)
    if (dirs[i] == NULL)
      die ("out of memory");
  return dirs;
}

static const char *
builtin_text (const char *name)
{
  for (const entrun_builtin_profile_t *b = entrun_builtin_profiles; b->name; b++)
    if (strcmp (b->name, name) == 0)
      return b->text;
  return NULL;
}

/* Does this process run in a user namespace of its own (where root's
 * files show the overflow uid)? */
static bool
in_nested_userns (void)
{
  static int nested = -1;
  cleanup_fclose FILE *f = NULL;
  unsigned long inside, outside, count;

  if (nested < 0)
    {
      f = fopen ("/proc/self/uid_map", "re");
      nested = !(f && fscanf (f, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0
                 && outside == 0 && count == 4294967295UL);
    }
  return nested;
}

/* A profile is policy: like ssh with its configuration, refuse one that
 * another user could have written, the file or any directory above it (a
 * sticky one such as /tmp excepted: nobody else can replace an entry
 * there). */
static int
check_owner (const char *path, const struct stat *st, bool dir, ent_error_t **err)
{
  if (st->st_uid != getuid () && st->st_uid != 0
      && !(st->st_uid == 65534 && in_nested_userns ()))
    return ent_error_set (err, EPERM, "%s: refusing a profile %s owned by uid %u (not you or root)",
                          path, dir ? "in a directory" : "file", (unsigned)st->st_uid);
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(dir && (st->st_mode & S_ISVTX)))
    return ent_error_set (err, EPERM, "%s: refusing a profile %s writable by others (mode %04o)",
                          path, dir ? "in a directory" : "file", (unsigned)(st->st_mode & 07777));
  return 0;
}

/* /proc/PID/fd/N, /proc/PID/cwd, /proc/PID/root (PID a number, self or
 * thread-self): a link the kernel makes, not the caller. */
static bool
is_magic_link (const char *path)
{
  const char *p = path;
  size_t n;

  if (!ent_str_has_prefix (p, "/proc/"))
    return false;
  p += 6;
  n = strcspn (p, "/");
  if (n == 0 || p[n] != '/')
    return false;
  p += n + 1;
  if (strcmp (p, "cwd") == 0 || strcmp (p, "root") == 0)
    return true;
  if (!ent_str_has_prefix (p, "fd/"))
    return false;
  p += 3;
  return *p && strspn (p, "0123456789") == strlen (p);
}

/* The path as given, component by component: a symbolic link of the
 * caller's on the way is refused (the caller's sandboxes could have made
 * it, or replace it for the next run), and each directory on the way is
 * checked as the real ones are. */
static int
check_spelled (const char *path, ent_error_t **err)
{
  cleanup_free char *cwd = path[0] == '/' ? NULL : getcwd (NULL, 0);
  cleanup_free char *full = path[0] == '/' ? strdup (path)
                            : cwd        ? ent_str_printf ("%s/%s", strcmp (cwd, "/") ? cwd : "", path)
                                         : NULL;
  int ret = 0;

  if (full == NULL)
    return ent_error_set (err, errno ? errno : ENOMEM, "%s: %s", path, strerror (errno));
  for (char *c = full + 1; ret == 0; c++)
    {
      char *slash = strchr (c, '/');
      struct stat st;
      if (slash)
        *slash = '\0';
      if (lstat (full, &st) < 0)
        return ent_error_set (err, errno, "%s: %s", full, strerror (errno));
      /* /proc's magic links (-p <(...) through /dev/fd) are the kernel's;
       * what lies below one is checked on. */
      if (S_ISLNK (st.st_mode) && st.st_uid == getuid () && getuid () != 0
          && !is_magic_link (full))
        return ent_error_set (err, EPERM,
                              "%s: refusing a profile through %s, a symbolic link of yours "
                              "(give the resolved path)",
                              path, full);
      if (slash && S_ISDIR (st.st_mode))
        ret = check_owner (full, &st, true, err);
      if (slash == NULL)
        break;
      *slash = '/';
      c = slash;
    }
  return ret;
}

/* @spelled: the path was given (-p PATH), not found by name in a profile
 * directory: a project's .entrun.ini -> elsewhere, in a directory its
 * sandboxes write, could be re-pointed by one of them.  (A directory of
 * the search path reached through a link of the caller's, a dotfiles
 * manager's ~/.config, is only writable inside under host.fs.rw=~, which
 * gives the home away.) */
static int
check_profile_file (FILE *f, const char *path, bool spelled, char **real_out, ent_error_t **err)
{
  cleanup_free char *real = realpath (path, NULL);
  struct stat st;
  int ret;

  if (real == NULL || fstat (fileno (f), &st) < 0)
    return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
  if ((ret = check_owner (path, &st, false, err)) < 0
      || (spelled && (ret = check_spelled (path, err)) < 0))
    return ret;
  for (char *slash = strrchr (real, '/'); slash; slash = strrchr (real, '/'))
    {
      struct stat d;
      *(slash == real ? slash + 1 : slash) = '\0';
      if (stat (real, &d) < 0)
        return ent_error_set (err, errno, "%s: %s", real, strerror (errno));
      if ((ret = check_owner (real, &d, true, err)) < 0)
        return ret;
      if (slash == real)
        break;
    }
  if ((*real_out = realpath (path, NULL)) == NULL)
    return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
  return 0;
}

/* Find @name (user directory, /etc/entrun, then built in) and parse it. */
static int
load_profile (const char *name, const char *home, entrun_conf_t *out, char ***files,
              ent_error_t **err)
{
  cleanup_free char *real = NULL;
  cleanup_strv char **dirs = entrun_profile_search_dirs (home);
  cleanup_free char *path = NULL;
  cleanup_fclose FILE *f = NULL;
  const char *text;
  ent_error_t *find_err = NULL;
  int ret = entrun_conf_find (name, (const char *const *)dirs, &path, &find_err);

  if (ret == -ENOENT && strchr (name, '/') == NULL && (text = builtin_text (name)))
    {
      cleanup_free char *label = ent_str_printf ("builtin:%s.ini", name);
      ent_error_free (find_err);
      return entrun_conf_parse_buffer (text, strlen (text), label ? label : name, out, err);
    }
  if (ret < 0)
    {
      if (ret == -ENOENT && strchr (name, '/') == NULL)
        ent_error_set (err, ENOENT, "%s, nor among the built-in profiles (dev, offline, untrusted)",
                       ent_error_message (find_err));
      else
        ent_error_set (err, -ret, "%s", ent_error_message (find_err));
      ent_error_free (find_err);
      return ret;
    }
  if ((f = fopen (path, "re")) == NULL)
    return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
  if ((ret = check_profile_file (f, path, strchr (name, '/') != NULL, &real, err)) < 0)
    return ret;
  if (ent_strlist_add (files, real) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return entrun_conf_parse_file (f, path, out, err);
}

void
entrun_loaded_clear (entrun_loaded_t *l)
{
  for (size_t i = 0; i < l->n; i++)
    entrun_conf_clear (&l->confs[i]);
  free (l->confs);
  ent_strv_free (l->files);
  free (l->project_path);
  free (l->project_dir);
  free (l->project_bytes);
  memset (l, 0, sizeof (*l));
}

/* A path a project profile gives relative (not "/..." nor "~...") is
 * relative to the project's directory, whatever the working directory:
 * `hide = secrets` hides the project's secrets from a run in src/ too.
 * Each is normalised (lexically, as ent_path_resolve does), so that the
 * approval lists it as it applies: /p/x, never /p/build/../x. */
static int
anchor (char **value, const char *dir)
{
  char *v = *value, *abs = NULL;
  int ret;

  if (v[0] == '~')
    return 0;
  /* Anything else wrong with it is for the grant to say, as written. */
  if ((ret = ent_path_resolve (v, dir, NULL, &abs, NULL)) < 0)
    return ret == -ENOMEM ? ret : 0;
  free (v);
  *value = abs;
  return 0;
}

static int
anchor_paths (entrun_conf_t *c, const char *dir, ent_error_t **err)
{
  static const char *const path_grants[]
      = { "host.fs.rw=", "host.fs.ro=", "host.fs.hide=", "host.fs.tmpfs=", "host.fs.overlay=" };
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < c->n_requests; i++)
    for (size_t k = 0; ret == 0 && k < N_ELEMENTS (path_grants); k++)
      {
        char *req = c->requests[i].request, *value;
        size_t len = strlen (path_grants[k]);
        if (!ent_str_has_prefix (req, path_grants[k]) || req[len] == '~' || req[len] == '\0')
          continue;
        if ((value = strdup (req + len)) == NULL || anchor (&value, dir) < 0)
          ret = -ENOMEM;
        else if ((c->requests[i].request = ent_str_printf ("%s%s", path_grants[k], value)) == NULL)
          {
            c->requests[i].request = req;
            ret = -ENOMEM;
          }
        else
          free (req);
        free (value);
      }
  for (size_t i = 0; ret == 0 && i < c->n_customs; i++)
    for (size_t j = 0; ret == 0 && j < c->customs[i].n_mounts; j++)
      ret = anchor (&c->customs[i].mount_paths[j], dir);
  if (ret == 0 && c->chdir)
    ret = anchor (&c->chdir, dir);
  return ret < 0 ? ent_error_set (err, ENOMEM, "out of memory") : 0;
}

/* Read the project profile at @path (as found, absolute) into l->confs[0],
 * keeping its bytes: an approval is checked against them. */
static int
load_project (const char *path, entrun_loaded_t *l, ent_error_t **err)
{
  /* Not blocking: a FIFO planted there must not hang entrun (it is
   * refused below, as anything but a regular file).  Not through a
   * link: see below. */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_fclose FILE *f = fd >= 0 ? fdopen (fd, "r") : NULL;
  size_t cap = 2048, len = 0, got;
  char *buf = NULL, *slash;
  struct stat st;
  int ret;

  if (f == NULL)
    {
      ret = errno;
      if (fd >= 0)
        close (fd);
      /* A link would carry the approval of the file it names (another
       * project's) to this place: refused, root's own links too. */
      if (ret == ELOOP)
        return ent_error_set (err, EPERM,
                              "%s: refusing a project profile that is a symbolic link (copy "
                              "the file there, or use -p)",
                              path);
      return ent_error_set (err, ret, "%s: %s", path, strerror (ret));
    }
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return ent_error_set (err, EINVAL, "%s: not a regular file", path);
  if ((ret = check_profile_file (f, path, true, &l->project_path, err)) < 0)
    return ret;
  for (;;)
    {
      if (buf == NULL || len + 1 >= cap)
        {
          char *more = realloc (buf, cap *= 2);
          if (more == NULL)
            {
              free (buf);
              return ent_error_set (err, ENOMEM, "out of memory");
            }
          buf = more;
        }
      got = fread (buf + len, 1, cap - len - 1, f);
      len += got;
      if (got == 0 || len > ENTRUN_CONF_MAX_SIZE)
        break;
    }
  l->project_bytes = buf;
  l->project_len = len;
  if (ferror (f))
    return ent_error_set (err, EIO, "%s: %s", path, strerror (EIO));
  if (len > ENTRUN_CONF_MAX_SIZE)
    return ent_error_set (err, EFBIG, "%s: larger than %d bytes", path, ENTRUN_CONF_MAX_SIZE);
  if ((l->project_dir = strdup (l->project_path)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  slash = strrchr (l->project_dir, '/');
  *(slash == l->project_dir ? slash + 1 : slash) = '\0';
  if (ent_strlist_add (&l->files, l->project_path) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((ret = entrun_conf_parse_buffer (buf, len, path, &l->confs[0], err)) < 0)
    return ret;
  l->has_project = true;
  l->n = 1;
  return anchor_paths (&l->confs[0], l->project_dir, err);
}

/* Is -p @name the project profile itself?  Then it is loaded once, as
 * the project's (and approved as such). */
static bool
is_project (const entrun_loaded_t *l, const char *name)
{
  cleanup_free char *real = NULL;

  return l->has_project && strchr (name, '/') && (real = realpath (name, NULL)) != NULL
         && strcmp (real, l->project_path) == 0;
}

static int
load_all (const entrun_cli_t *cli, const char *project, const char *home, ent_catalogue_t *cat,
          entrun_loaded_t *l, ent_error_t **err)
{
  int ret;

  memset (l, 0, sizeof (*l));
  if (cli->n_profiles == 0 && project == NULL)
    return 0;
  l->confs = calloc (cli->n_profiles + 1, sizeof (entrun_conf_t));
  if (l->confs == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (project
      && ((ret = load_project (project, l, err)) < 0
          || (ret = entrun_conf_register_customs (&l->confs[0], cat, err)) < 0))
    return ret;
  for (size_t i = 0; i < cli->n_profiles; i++)
    {
      if (is_project (l, cli->profiles[i]))
        continue;
      ret = load_profile (cli->profiles[i], home, &l->confs[l->n], &l->files, err);
      if (ret < 0)
        return ret;
      l->n++;
      if ((ret = entrun_conf_register_customs (&l->confs[l->n - 1], cat, err)) < 0)
        return ret;
    }
  return 0;
}

int
entrun_policy_load_project (const char *path, ent_catalogue_t *cat, entrun_loaded_t *loaded,
                            ent_error_t **err)
{
  entrun_cli_t none = { 0 };

  return load_all (&none, path, NULL, cat, loaded, err);
}

/* One value (hostname, chdir) that several profiles may set: the command
 * line wins; two profiles disagreeing is a conflict, as for levels. */
static int
pick_setting (const entrun_loaded_t *l, size_t field_off, size_t source_off, const char *what,
              const char **value, ent_error_t **err)
{
  const char *src = NULL;

  /* The -p profiles first: the project's value only when none sets one. */
  for (size_t k = 0; k < l->n; k++)
    {
      size_t i = l->has_project ? (k + 1) % l->n : k;
      if (i == 0 && l->has_project && *value)
        break;
      const char *v = *(char *const *)((const char *)&l->confs[i] + field_off);
      const char *s = *(char *const *)((const char *)&l->confs[i] + source_off);
      if (v == NULL)
        continue;
      if (*value && strcmp (*value, v) != 0)
        return ent_error_set (err, EEXIST, "%s: %s = %s conflicts with %s = %s (%s)", s, what, v,
                              what, *value, src);
      *value = v;
      src = s;
    }
  return 0;
}

/* ---- the base profile ---------------------------------------------------- */

static int
base_env (ent_profile_t *base, const entrun_cli_t *cli, const entrun_loaded_t *l, ent_error_t **err)
{
  int ret = 0;

  base->clearenv = cli->clearenv;
  for (size_t i = 0; ret == 0 && i < l->n; i++)
    {
      base->clearenv = base->clearenv || (l->confs[i].clearenv_source && l->confs[i].clearenv);
      for (size_t j = 0; ret == 0 && j < l->confs[i].n_env; j++)
        {
          const ent_env_t *e = &l->confs[i].env[j];
          ret = ent_profile_add_env (base, e->op, e->name, e->value, err);
        }
    }
  /* The command line's changes come last: they win. */
  for (size_t i = 0; ret == 0 && i < cli->n_env; i++)
    ret = ent_profile_add_env (base, cli->env[i].op, cli->env[i].name, cli->env[i].value, err);
  return ret;
}

static int
base_places (ent_profile_t *base, const entrun_cli_t *cli, const entrun_loaded_t *l,
             const char *cwd, ent_error_t **err)
{
  const char *chdir_to = cli->chdir, *hostname = cli->hostname;
  cleanup_free char *dir = NULL;
  int ret = 0;

  if (chdir_to == NULL)
    ret = pick_setting (l, offsetof (entrun_conf_t, chdir), offsetof (entrun_conf_t, chdir_source),
                        "chdir", &chdir_to, err);
  if (ret == 0 && hostname == NULL)
    ret = pick_setting (l, offsetof (entrun_conf_t, hostname),
                        offsetof (entrun_conf_t, hostname_source), "hostname", &hostname, err);
  if (ret == 0 && chdir_to)
    ret = ent_path_resolve (chdir_to, cwd, base->home, &dir, err);
  if (ret == 0 && ent_profile_set_string (&base->cwd, dir ? dir : cwd) < 0)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0 && hostname && ent_profile_set_string (&base->hostname, hostname) < 0)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  return ret;
}

static int
make_base (const entrun_cli_t *cli, const entrun_loaded_t *l, ent_profile_t *base,
           ent_error_t **err)
{
  cleanup_free char *cwd = getcwd (NULL, 0);
  cleanup_free char *cgdir = NULL;
  int ret;

  if (cwd == NULL)
    return ent_error_set (err, errno, "cannot get the current directory: %s", strerror (errno));
  base->host_boundary = true;
  base->runtime_dir = runtime_dir ();
  if ((ret = base_places (base, cli, l, cwd, err)) < 0 || (ret = base_env (base, cli, l, err)) < 0
      || (ret = ent_profile_scrub_env (base, (const char *const *)environ, err)) < 0
      || (ret = entrun_api_discover (base, err)) < 0 || (ret = existing_credentials (base, err)) < 0)
    return ret;
  base->resources.backend = entrun_cgroup_backend (&cgdir);
  return 0;
}

/* ---- requests -------------------------------------------------------------- */

static int
push_request (ent_entitlement_t **ents, size_t *n, const ent_catalogue_t *cat, const char *req,
              const char *source, int precedence, ent_error_t **err)
{
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, req, err);

  if (e == NULL)
    {
      if (err && *err && (*err)->code == ENOENT)
        {
          /* The library names no program; entrun says where the list is. */
          char *msg = NULL;
          if (asprintf (&msg, "%s (see entrun --list)", ent_error_message (*err)) >= 0)
            {
              free ((*err)->msg);
              (*err)->msg = msg;
            }
        }
      if (strcmp (source, "command line") != 0)
        ent_error_prefix (err, "%s", source);
      return err && *err ? -(*err)->code : -EINVAL;
    }
  ents[(*n)++] = e;
  if (ent_entitlement_set_source (e, source, precedence) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return 0;
}

/* Instantiate every request, then grant them as one set over @base (owned
 * from now on), so the order on the command line or in the profiles never
 * matters; the profile is resolved once. */
static int
grant_requests (ent_profile_t *base, const ent_catalogue_t *cat, const entrun_cli_t *cli,
                const entrun_loaded_t *l, ent_manager_t **out, ent_error_t **err)
{
  size_t total = cli->n_ents, n = 0;
  ent_entitlement_t **ents;
  int ret = 0;

  for (size_t i = 0; i < l->n; i++)
    total += l->confs[i].n_requests;
  if ((ents = calloc (total + 1, sizeof (*ents))) == NULL)
    {
      ent_profile_free (base);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  for (size_t i = 0; ret == 0 && i < l->n; i++)
    for (size_t j = 0; ret == 0 && j < l->confs[i].n_requests; j++)
      ret = push_request (
          ents, &n, cat, l->confs[i].requests[j].request, l->confs[i].requests[j].source,
          i == 0 && l->has_project ? ENTRUN_PRECEDENCE_PROJECT : ENT_PRECEDENCE_PROFILE, err);
  for (size_t i = 0; ret == 0 && i < cli->n_ents; i++)
    ret = push_request (ents, &n, cat, cli->ents[i], "command line", ENT_PRECEDENCE_CLI, err);
  if (ret == 0 && (*out = ent_manager_new_granted (base, cat, ents, n, err)) == NULL)
    ret = err && *err ? -(*err)->code : -ENOMEM;
  else if (ret < 0)
    {
      for (size_t i = 0; i < n; i++)
        ent_entitlement_free (ents[i]);
      ent_profile_free (base);
    }
  free (ents);
  return ret;
}

int
entrun_policy_build (const entrun_cli_t *cli, const char *project, ent_catalogue_t *cat,
                     entrun_loaded_t *loaded, ent_manager_t **out, ent_error_t **err)
{
  ent_profile_t *base = ent_profile_new ();
  int ret;

  if (base == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  errno = 0;
  if ((base->home = entrun_caller_home ()) == NULL && errno == ENOMEM)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  else if ((ret = load_all (cli, project, base->home, cat, loaded, err)) == 0)
    ret = make_base (cli, loaded, base, err);
  if (ret < 0)
    {
      ent_profile_free (base);
      return ret;
    }
  return grant_requests (base, cat, cli, loaded, out, err);
}

int
entrun_policy_check_runnable (const ent_profile_t *p, ent_error_t **err)
{
  if (p->caps_unset)
    return ent_error_set (err, ENOTSUP,
                          "the profile leaves the capabilities unset; entrun drops every "
                          "capability not granted and needs them set");
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    {
      const ent_mount_t *m = &p->fs.mounts[i];
      const char *why = m->kind == ENT_MOUNT_OTHER    ? "a mount of type"
                        : m->source                   ? "a mount from another source,"
                        : m->options && m->options[0] ? "a mount with options of its own,"
                                                      : NULL;
      const char *what = m->kind == ENT_MOUNT_OTHER    ? m->type
                         : m->source                   ? m->source
                         : m->options && m->options[0] ? m->options[0]
                                                       : "";
      if (why)
        return ent_error_set (err, ENOTSUP,
                              "%s '%s', at %s: entrun mounts the host's own paths only, with the "
                              "options of their grant",
                              why, what, m->path);
    }
  return 0;
}

int
entrun_policy_project_only (const entrun_loaded_t *l, const ent_catalogue_t *cat, const char *home,
                            ent_manager_t **out, ent_error_t **err)
{
  entrun_loaded_t project = { .confs = l->confs, .n = 1, .has_project = true };
  entrun_cli_t none = { 0 };
  ent_profile_t *base = ent_profile_new ();
  int ret = 0;

  if (base == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  base->host_boundary = true;
  if (home && (base->home = strdup (home)) == NULL)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0)
    ret = base_places (base, &none, &project, l->project_dir, err);
  if (ret == 0)
    ret = base_env (base, &none, &project, err);
  if (ret < 0)
    {
      ent_profile_free (base);
      return ret;
    }
  return grant_requests (base, cat, &none, &project, out, err);
}

/* mkdir -p @path, 0755 (world-readable, as XDG and /etc directories are);
 * false when the caller may not.  Any other failure is fatal: taken for a
 * "may not", it would leave a directory the sandbox could make unprotected. */
static bool
make_dirs (const char *path)
{
  if (mkdir_p (path, 0755) == 0)
    return true;
  if (errno == EACCES || errno == EPERM || errno == EROFS || errno == ENOTDIR)
    return false;
  die_errno ("creating the profile directory %s", path);
}

char **
entrun_profile_dirs (const char *home)
{
  cleanup_strv char **search = entrun_profile_search_dirs (home);
  char **dirs = calloc (4, sizeof (char *));
  char real[PATH_MAX];
  size_t n = 0;

  if (dirs == NULL)
    die ("out of memory");
  /* Both user directories, whatever $XDG_CONFIG_HOME says now: a later run
   * may see another value. */
  if (home && getenv ("XDG_CONFIG_HOME") && getenv ("XDG_CONFIG_HOME")[0] == '/')
    {
      char **more = realloc (search, 4 * sizeof (char *));
      if (more == NULL)
        die ("out of memory");
      search = more;
      search[3] = NULL;
      search[2] = search[1];
      if ((search[1] = ent_str_printf ("%s/.config/entrun", home)) == NULL)
        die ("out of memory");
    }
  for (size_t i = 0; search[i] && n < 3; i++)
    {
      /* A directory the sandbox could create is made now, so that it can be
       * protected: else a sandbox could plant a profile where the next run
       * of entrun looks first.  One the caller cannot create (/etc/entrun
       * for an ordinary user) the sandbox cannot create either. */
      if (access (search[i], F_OK) < 0 && !make_dirs (search[i]))
        continue;
      if (realpath (search[i], real) && (dirs[n++] = strdup (real)) == NULL)
        die ("out of memory");
    }
  return dirs;
}
