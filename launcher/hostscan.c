/* entrun — host lookups before the sandbox starts (see hostscan.h). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "ent-util.h"
#include "hostscan.h"
#include "util.h"

static void
add_or_die (char ***list, const char *s)
{
  if (ent_strlist_add (list, s) < 0)
    die ("out of memory");
}

/* ---- sockets ------------------------------------------------------------- */

/* The whole of /proc/net/unix, NUL-terminated, read in as few reads as
 * the kernel allows (a stable number of calls, whatever the size). */
static char *
read_unix_table (void)
{
  cleanup_close int fd = open ("/proc/net/unix", O_RDONLY | O_CLOEXEC);
  size_t cap = 1 << 18, len = 0;
  char *buf = malloc (cap);

  if (buf == NULL)
    die ("out of memory");
  if (fd < 0)
    die_errno ("reading /proc/net/unix (the host's unix sockets, to cover them)");
  for (;;)
    {
      ssize_t n;
      if (cap - len < 2)
        {
          char *more = realloc (buf, cap *= 2);
          if (more == NULL)
            die ("out of memory");
          buf = more;
        }
      n = read (fd, buf + len, cap - len - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        die_errno ("reading /proc/net/unix");
      if (n == 0)
        break;
      len += (size_t)n;
    }
  buf[len] = '\0';
  return buf;
}

/* A socket bound by a relative name ("app.sock") is listed so: it lies in
 * its binder's working directory; one bound through /proc/self/fd/N/x
 * (around the length limit of a socket's path) lies in the directory of
 * the binder's descriptor N.  Each of the caller's processes holding
 * socket @inode (those it can see) names one. */
static void
add_relative (char ***list, unsigned long inode, const char *name)
{
  cleanup_dir DIR *proc = opendir ("/proc");
  char want[64];
  struct dirent *p;

  if (proc == NULL)
    die_errno ("reading /proc");
  snprintf (want, sizeof (want), "socket:[%lu]", inode);
  while ((p = readdir (proc)) != NULL)
    {
      char fds[320], link[PATH_MAX];
      cleanup_dir DIR *d = NULL;
      struct dirent *f;
      if (p->d_name[0] < '1' || p->d_name[0] > '9')
        continue;
      snprintf (fds, sizeof (fds), "/proc/%s/fd", p->d_name);
      if ((d = opendir (fds)) == NULL)
        continue; /* another user's, or gone */
      while ((f = readdir (d)) != NULL)
        {
          char fd[640];
          ssize_t n;
          snprintf (fd, sizeof (fd), "%s/%s", fds, f->d_name);
          n = readlink (fd, link, sizeof (link) - 1);
          if (n < 0 || (size_t)n != strlen (want) || strncmp (link, want, (size_t)n) != 0)
            continue;
          if (ent_str_has_prefix (name, "/proc/self/"))
            {
              cleanup_free char *via = NULL, *real = NULL;
              if ((via = ent_str_printf ("/proc/%s/%s", p->d_name, name + 11)) == NULL)
                die ("out of memory");
              if ((real = realpath (via, NULL)) && real[0] == '/')
                add_or_die (list, real);
              break;
            }
          snprintf (fd, sizeof (fd), "/proc/%s/cwd", p->d_name);
          if ((n = readlink (fd, link, sizeof (link) - 1)) > 0 && link[0] == '/')
            {
              cleanup_free char *path = NULL;
              link[n] = '\0';
              if ((path = ent_str_printf ("%s/%s", strcmp (link, "/") ? link : "", name)) == NULL)
                die ("out of memory");
              add_or_die (list, path);
            }
          break;
        }
    }
}

/* The caller's mounts: a directory bound at a second place on the host
 * shows each socket in it under a second name. */
typedef struct
{
  char dev[32];
  char root[PATH_MAX];
  char mp[PATH_MAX];
} host_mount_t;


static host_mount_t *
read_mounts (size_t *n)
{
  cleanup_fclose FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  host_mount_t *v = NULL;
  size_t cap = 0;

  *n = 0;
  if (f == NULL)
    die_errno ("reading /proc/self/mountinfo");
  while (getline (&line, &cap, f) > 0)
    {
      host_mount_t *more = realloc (v, (*n + 1) * sizeof (*v));
      if (more == NULL)
        die ("out of memory");
      v = more;
      if (sscanf (line, "%*s %*s %31s %4095s %4095s", v[*n].dev, v[*n].root, v[*n].mp) != 3)
        continue;
      unescape_octal (v[*n].root);
      unescape_octal (v[*n].mp);
      (*n)++;
    }
  return v;
}

/* @a and @b joined with one '/' (@b empty or starting with '/'). */
static char *
join (const char *a, const char *b)
{
  return ent_str_printf ("%s%s", strcmp (a, "/") == 0 && b[0] ? "" : a, b);
}

static void
add_aliases (char ***list, const host_mount_t *m, size_t n, const char *path)
{
  const host_mount_t *in = NULL;
  cleanup_free char *fs_path = NULL;

  for (size_t i = 0; i < n; i++)
    if (ent_path_is_below (path, m[i].mp) && (in == NULL || strlen (m[i].mp) >= strlen (in->mp)))
      in = &m[i];
  if (in == NULL)
    return;
  /* The socket's path within its filesystem, then under every mount of
   * that filesystem whose root holds it. */
  fs_path = join (in->root, path + (strcmp (in->mp, "/") ? strlen (in->mp) : 0));
  if (fs_path == NULL)
    die ("out of memory");
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *alias = NULL;
      if (&m[i] == in || strcmp (m[i].dev, in->dev) != 0 || !ent_path_is_below (fs_path, m[i].root))
        continue;
      alias = join (m[i].mp, fs_path + (strcmp (m[i].root, "/") ? strlen (m[i].root) : 0));
      if (alias == NULL)
        die ("out of memory");
      if (strcmp (alias, path) != 0)
        add_or_die (list, alias);
    }
}

char **
entrun_host_sockets (void)
{
  cleanup_free char *table = read_unix_table ();
  cleanup_strv char **bound = calloc (1, sizeof (char *));
  cleanup_free host_mount_t *mounts = NULL;
  char **list = calloc (1, sizeof (char *));
  char *line, *next;
  size_t n_mounts = 0;

  if (list == NULL || bound == NULL)
    die ("out of memory");
  /* "Num RefCount Protocol Flags Type St Inode Path": the path, when there
   * is one, is the rest of the line after the seventh field.  Abstract
   * names start with '@' and live in the network namespace, which the
   * sandbox does not share unless network.host. */
  for (line = table; line && *line; line = next)
    {
      char *p = line;
      if ((next = strchr (line, '\n')))
        *next++ = '\0';
      if (line == table)
        continue; /* the header: "Num RefCount ... Inode Path" */
      unsigned long inode = 0;
      for (int field = 0; field < 7 && p; field++)
        {
          p += strspn (p, " ");
          if (field == 6)
            inode = strtoul (p, NULL, 10);
          p = strchr (p, ' ');
        }
      if (p == NULL)
        continue;
      p += strspn (p, " ");
      if (p[0] == '/' && !ent_str_has_prefix (p, "/proc/"))
        add_or_die (&bound, p);
      else if (p[0] != '@' && p[0] != '\0')
        add_relative (&bound, inode, p);
    }
  for (size_t i = 0; bound[i]; i++)
    add_or_die (&list, bound[i]);
  /* Other spellings through bind mounts, only when there is one. */
  if (bound[0])
    mounts = read_mounts (&n_mounts);
  for (size_t i = 0; bound[i]; i++)
    add_aliases (&list, mounts, n_mounts, bound[i]);
  return list;
}

/* ---- git ----------------------------------------------------------------- */

/* "gitdir: PATH" in a .git file (a worktree or a submodule), resolved
 * against @base; NULL when it is not that. */
static char *
read_pointer (const char *file, const char *key, const char *base)
{
  cleanup_fclose FILE *f = fopen (file, "re");
  char buf[PATH_MAX + 16], *v;
  size_t len;

  if (f == NULL || fgets (buf, sizeof (buf), f) == NULL)
    return NULL;
  len = strcspn (buf, "\r\n");
  buf[len] = '\0';
  v = buf;
  if (key)
    {
      if (!ent_str_has_prefix (buf, key))
        return NULL;
      v = buf + strlen (key);
      v += strspn (v, " \t");
    }
  if (*v == '\0')
    return NULL;
  return v[0] == '/' ? strdup (v) : ent_str_printf ("%s/%s", base, v);
}

/* The value of "KEY = VALUE" in @s, @key any case: quotes and a trailing
 * comment (';' or '#' outside quotes) removed; NULL when @s is not that. */
static char *
config_value (char *s, const char *key)
{
  size_t n = strlen (key);
  bool quoted = false;
  char *v, *out;

  if (strncasecmp (s, key, n) != 0)
    return NULL;
  v = s + n + strspn (s + n, " \t");
  if (*v++ != '=')
    return NULL;
  v += strspn (v, " \t");
  out = v;
  for (char *c = v; *c; c++)
    {
      if (*c == '"')
        quoted = !quoted;
      else if ((*c == ';' || *c == '#') && !quoted)
        break;
      else
        *out++ = *c;
    }
  *out = '\0';
  while (out > v && (out[-1] == ' ' || out[-1] == '\t'))
    *--out = '\0';
  return v;
}

/* @value ("~/x", "/x" or relative to @base) as a path; NULL for "". */
static char *
config_path (const char *value, const char *base, const char *home)
{
  if (value[0] == '\0')
    return NULL;
  if (value[0] == '~' && value[1] == '/' && home)
    return ent_str_printf ("%s/%s", home, value + 2);
  return value[0] == '/' ? strdup (value) : ent_str_printf ("%s/%s", base, value);
}

/* core.hooksPath from the git config @config into *@found (the last one
 * wins, as in git).  A deliberately small reader: "hooksPath = VALUE" in a
 * [core] section (also on the header's line), any case; a relative value
 * is relative to the work tree.  [include] and [includeIf] paths are
 * followed, whatever their condition, a few levels deep. */
static void
hooks_path (const char *config, const char *worktree, const char *home, char **found, int depth)
{
  cleanup_fclose FILE *f = depth > 0 ? fopen (config, "re") : NULL;
  cleanup_free char *dir = strdup (config);
  char line[PATH_MAX + 64], *slash;
  bool core = false, include = false;

  if (dir == NULL)
    die ("out of memory");
  if ((slash = strrchr (dir, '/')))
    *(slash == dir ? slash + 1 : slash) = '\0';
  while (f && fgets (line, sizeof (line), f))
    {
      char *s = line + strspn (line, " \t"), *v;
      s[strcspn (s, "\r\n")] = '\0';
      if (s[0] == '[')
        {
          char *end = strchr (s, ']');
          core = strncasecmp (s, "[core]", 6) == 0;
          include = strncasecmp (s, "[include]", 9) == 0 || strncasecmp (s, "[includeif", 10) == 0;
          s = end ? end + 1 + strspn (end + 1, " \t") : s + strlen (s);
        }
      if (include && (v = config_value (s, "path")))
        {
          cleanup_free char *inc = config_path (v, dir, home);
          if (inc)
            hooks_path (inc, worktree, home, found, depth - 1);
        }
      if (core && (v = config_value (s, "hookspath")))
        {
          free (*found);
          *found = config_path (v, worktree, home);
        }
    }
}

/* core.hooksPath given in the environment the host's git will see too. */
static void
hooks_path_env (const char *worktree, const char *home, char **found)
{
  const char *count = getenv ("GIT_CONFIG_COUNT");
  long n = count ? strtol (count, NULL, 10) : 0;

  for (long i = 0; i < n && i < 1000; i++)
    {
      char key[64];
      const char *k, *v;
      snprintf (key, sizeof (key), "GIT_CONFIG_KEY_%ld", i);
      k = getenv (key);
      snprintf (key, sizeof (key), "GIT_CONFIG_VALUE_%ld", i);
      v = getenv (key);
      if (k && v && strcasecmp (k, "core.hooksPath") == 0)
        {
          free (*found);
          *found = config_path (v, worktree, home);
        }
    }
}

typedef struct
{
  const ent_profile_t *p;
  char ***list;
} git_scan_t;

/* Is @path at or below a directory the sandbox may write? */
static bool
in_writable (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW && ent_path_is_below (path, p->fs.mounts[i].path))
      return true;
  return false;
}

/* The directory core.hooksPath names, from every config git reads for
 * @worktree: the system's is root's; the user's global ones and the
 * repository's (config, config.worktree) are read here.  It is protected
 * like the git directory.  One that does not exist yet, in a directory the
 * sandbox may write, could be made there: refused. */
static void
add_hooks_path (git_scan_t *g, const char *const *dirs, const char *worktree, bool strict)
{
  const char *home = g->p->home;
  cleanup_free char *global = home ? ent_str_printf ("%s/.gitconfig", home) : NULL;
  cleanup_free char *xdg = NULL, *found = NULL;
  const char *xdg_home = getenv ("XDG_CONFIG_HOME");
  char real[PATH_MAX];

  if (xdg_home && xdg_home[0] == '/')
    xdg = ent_str_printf ("%s/git/config", xdg_home);
  else if (home)
    xdg = ent_str_printf ("%s/.config/git/config", home);
  if (getenv ("GIT_CONFIG_GLOBAL"))
    {
      free (global);
      global = strdup (getenv ("GIT_CONFIG_GLOBAL"));
      free (xdg);
      xdg = NULL;
    }
  if (xdg)
    hooks_path (xdg, worktree, home, &found, 5);
  if (global)
    hooks_path (global, worktree, home, &found, 5);
  for (size_t i = 0; dirs[i]; i++)
    {
      cleanup_free char *config = ent_str_printf ("%s/config", dirs[i]);
      cleanup_free char *wt = ent_str_printf ("%s/config.worktree", dirs[i]);
      if (config == NULL || wt == NULL)
        die ("out of memory");
      hooks_path (config, worktree, home, &found, 5);
      hooks_path (wt, worktree, home, &found, 5);
    }
  hooks_path_env (worktree, home, &found);
  if (found == NULL)
    return;
  if (realpath (found, real))
    add_or_die (g->list, real);
  else if (strict && in_writable (g->p, found))
    die ("core.hooksPath names %s, which does not exist: the sandbox could create hooks there "
         "(create the directory, or run with -e security.fs-read-only)",
         found);
}

/* The whole git directory (and a worktree's common directory): hooks and
 * config, but also what redirects them (commondir, a submodule's
 * modules/NAME/hooks, config.worktree, info/), none of which a build needs
 * to write. */
static void
add_gitdir (git_scan_t *g, const char *gitdir, const char *worktree, bool strict)
{
  cleanup_free char *commondir_file = ent_str_printf ("%s/commondir", gitdir);
  cleanup_free char *common = read_pointer (commondir_file, NULL, gitdir);
  char real[2][PATH_MAX];
  const char *dirs[3] = { NULL, NULL, NULL };
  size_t n = 0;

  if (realpath (gitdir, real[0]))
    dirs[n++] = real[0];
  if (common && realpath (common, real[1]))
    dirs[n++] = real[1];
  for (size_t i = 0; i < n; i++)
    add_or_die (g->list, dirs[i]);
  add_hooks_path (g, dirs, worktree, strict);
}

/* A project profile (.entrun.ini) in @dir, which a later run may load
 * (issue: a sandbox must not shape the next run). */
static void
add_project_profile (char ***list, const char *dir)
{
  cleanup_free char *ini = ent_str_printf ("%s/.entrun.ini", strcmp (dir, "/") ? dir : "");
  struct stat st;

  if (ini == NULL)
    die ("out of memory");
  if (lstat (ini, &st) == 0)
    {
      if (S_ISREG (st.st_mode))
        add_or_die (list, ini);
    }
  else if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
    die_errno ("looking for a project profile at %s", ini);
}

static bool add_worktree (git_scan_t *g, const char *dir, bool below);

/* The submodules .gitmodules names in work tree @dir, at any depth: git
 * status in the superproject goes into them. */
static void
add_submodules (git_scan_t *g, const char *dir)
{
  cleanup_free char *file = ent_str_printf ("%s/.gitmodules", strcmp (dir, "/") ? dir : "");
  cleanup_fclose FILE *f = file ? fopen (file, "re") : NULL;
  char line[PATH_MAX + 64];

  while (f && fgets (line, sizeof (line), f))
    {
      char *s = line + strspn (line, " \t"), *v;
      s[strcspn (s, "\r\n")] = '\0';
      if ((v = config_value (s, "path")) && v[0] && v[0] != '/' && strstr (v, "..") == NULL)
        {
          cleanup_free char *sub = ent_str_printf ("%s/%s", strcmp (dir, "/") ? dir : "", v);
          if (sub == NULL)
            die ("out of memory");
          add_worktree (g, sub, true);
        }
    }
}

/* Is @path's owner the caller (whose sandboxes could write there)? */
static bool
callers (const char *path)
{
  struct stat st;

  if (lstat (path, &st) == 0)
    return st.st_uid == getuid ();
  /* Any error but "gone" could pass a repository of the caller's over. */
  if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
    die_errno ("looking at %s", path);
  return false;
}

/* The .git of work tree @dir, if any: its git directory is protected.  A
 * .git file (a linked worktree, a submodule) is protected itself, or the
 * sandbox could point it at a git directory of its own; a .git symbolic
 * link where the sandbox may write cannot be (a mount cannot cover a link):
 * refused.  Below the writable directory (@below) only the caller's own
 * repositories are held to that: a shared /tmp granted holds anybody's.
 * Returns whether there is one. */
static bool
add_worktree (git_scan_t *g, const char *dir, bool below)
{
  cleanup_free char *dotgit = ent_str_printf ("%s/.git", strcmp (dir, "/") ? dir : "");
  cleanup_free char *gitdir = NULL;
  bool strict = !below || callers (dir);
  struct stat st;

  if (dotgit == NULL)
    die ("out of memory");
  if (lstat (dotgit, &st) < 0)
    {
      /* Any error but "not there" could hide a repository's hooks. */
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
        die_errno ("looking for a git directory at %s", dotgit);
      return false;
    }
  if (S_ISLNK (st.st_mode) && !strict)
    return false;
  if (S_ISLNK (st.st_mode) && in_writable (g->p, dir))
    die ("%s is a symbolic link, which the sandbox could replace with a git directory of its own "
         "(make it a directory, or run with -e security.fs-read-only)",
         dotgit);
  if (S_ISREG (st.st_mode))
    {
      add_or_die (g->list, dotgit);
      gitdir = read_pointer (dotgit, "gitdir:", dir);
    }
  else
    gitdir = strdup (dotgit);
  if (gitdir)
    add_gitdir (g, gitdir, dir, strict);
  if (!below)
    add_submodules (g, dir);
  return true;
}

/* Repositories below the writable directory @dir (a workspace of clones,
 * submodules): two levels deep, at most MAX_SCAN directories, hidden ones
 * and node_modules left out. */
#define MAX_SCAN 512

static void
scan_below (git_scan_t *g, const char *dir, int depth, int *budget)
{
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *e;

  if (d == NULL)
    return; /* unreadable: nor can the sandbox read it */
  while (*budget > 0 && (e = readdir (d)) != NULL)
    {
      cleanup_free char *sub = NULL;
      if (e->d_name[0] == '.' || strcmp (e->d_name, "node_modules") == 0
          || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
        continue;
      if ((sub = ent_str_printf ("%s/%s", strcmp (dir, "/") ? dir : "", e->d_name)) == NULL)
        die ("out of memory");
      (*budget)--;
      add_project_profile (g->list, sub);
      add_worktree (g, sub, true);
      if (depth > 1)
        scan_below (g, sub, depth - 1, budget);
    }
}

/* The repository @dir belongs to (the nearest .git at or above it), every
 * .entrun.ini on the way there, and the repositories below it. */
static void
find_repo (git_scan_t *g, const char *dir)
{
  cleanup_free char *cur = strdup (dir);
  int budget = MAX_SCAN;

  if (cur == NULL)
    die ("out of memory");
  scan_below (g, dir, 2, &budget);
  for (;;)
    {
      char *slash;
      add_project_profile (g->list, cur);
      if (add_worktree (g, cur, false))
        return;
      if ((slash = strrchr (cur, '/')) == NULL || strcmp (cur, "/") == 0)
        return;
      *(slash == cur ? slash + 1 : slash) = '\0';
    }
}

void
entrun_git_protected (const ent_profile_t *p, char ***list)
{
  git_scan_t g = { .p = p, .list = list };
  struct stat st;

  for (size_t i = 0; i < p->fs.n_mounts; i++)
    {
      const char *path = p->fs.mounts[i].path;
      if (p->fs.mounts[i].kind != ENT_MOUNT_BIND_RW)
        continue;
      if (stat (path, &st) < 0)
        {
          /* Missing: the mount plan says so.  Anything else would pass
           * the directory's repositories over. */
          if (errno == ENOENT || errno == ENOTDIR || errno == EACCES)
            continue;
          die_errno ("looking for git repositories in %s", path);
        }
      if (S_ISDIR (st.st_mode))
        find_repo (&g, path);
    }
}
