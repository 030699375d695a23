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

/* A growable list of strings, sorted and made unique once at the end:
 * /proc/net/unix may hold very many entries (anybody can bind sockets). */
typedef struct
{
  char **v;
  size_t n, cap;
} strvec_t;

static void
vec_push (strvec_t *vec, char *owned)
{
  if (owned == NULL)
    die ("out of memory");
  if (vec->n + 2 > vec->cap)
    {
      size_t cap = vec->cap ? 2 * vec->cap : 64;
      char **v = realloc (vec->v, cap * sizeof (char *));
      if (v == NULL)
        die ("out of memory");
      vec->v = v;
      vec->cap = cap;
    }
  vec->v[vec->n++] = owned;
  vec->v[vec->n] = NULL;
}

static int
str_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates; returns the NULL-terminated list (owned). */
static char **
vec_finish (strvec_t *vec)
{
  size_t k = 0;

  if (vec->v == NULL && (vec->v = calloc (1, sizeof (char *))) == NULL)
    die ("out of memory");
  qsort (vec->v, vec->n, sizeof (char *), str_cmp);
  for (size_t i = 0; i < vec->n; i++)
    {
      if (k > 0 && strcmp (vec->v[k - 1], vec->v[i]) == 0)
        free (vec->v[i]);
      else
        vec->v[k++] = vec->v[i];
    }
  vec->v[k] = NULL;
  vec->n = k;
  return vec->v;
}

/* Sockets bound by a relative name ("app.sock") are listed so: they lie in
 * their binder's working directory; one bound through /proc/self/fd/N/x or
 * /dev/fd/N/x (around the length limit of a socket's path) lies in the
 * directory of the binder's descriptor N.  One walk of /proc finds, for
 * each, a process of the caller's holding the socket (@inodes, @names: @n
 * of them). */
static void
add_relative (strvec_t *out, const unsigned long *inodes, char *const *names, size_t n)
{
  cleanup_dir DIR *proc = n ? opendir ("/proc") : NULL;
  struct dirent *p;

  if (n && proc == NULL)
    die_errno ("reading /proc");
  while (proc && (p = readdir (proc)) != NULL)
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
          unsigned long inode;
          ssize_t len;
          snprintf (fd, sizeof (fd), "%s/%s", fds, f->d_name);
          len = readlink (fd, link, sizeof (link) - 1);
          if (len < 9 || strncmp (link, "socket:[", 8) != 0)
            continue;
          link[len] = '\0';
          inode = strtoul (link + 8, NULL, 10);
          for (size_t i = 0; i < n; i++)
            {
              const char *name = names[i];
              const char *fdrel = ent_str_has_prefix (name, "/proc/self/") ? name + 11
                                  : ent_str_has_prefix (name, "/dev/fd/")  ? name + 5
                                                                           : NULL;
              if (inodes[i] != inode)
                continue;
              if (fdrel)
                {
                  cleanup_free char *via = ent_str_printf ("/proc/%s/%s", p->d_name, fdrel);
                  char *real = via ? realpath (via, NULL) : NULL;
                  if (real && real[0] == '/')
                    vec_push (out, real);
                  else
                    free (real);
                  continue;
                }
              snprintf (fd, sizeof (fd), "/proc/%s/cwd", p->d_name);
              if ((len = readlink (fd, link, sizeof (link) - 1)) > 0 && link[0] == '/')
                {
                  link[len] = '\0';
                  vec_push (out, ent_str_printf ("%s/%s", strcmp (link, "/") ? link : "", name));
                }
            }
        }
    }
}

/* Is @st the caller's or root's? */
static bool
mine_or_roots (const struct stat *st)
{
  return st->st_uid == getuid () || st->st_uid == 0;
}

/* Is the socket @path worth covering: the caller's or root's (only those
 * are the user's environment: another user's flood of sockets in a shared
 * directory must not make entrun cover each one, and run out of mounts)?
 * One that is gone, in a directory of the caller's or root's, is kept:
 * it may have been linked or renamed into place under another name there,
 * which pid 1 looks for.  (fstatat, not lstat: the number of these calls
 * depends on every socket of the host's, and the fault-injection test
 * counts lstat calls.) */
static bool
worth_covering (const char *path)
{
  cleanup_free char *dir = NULL;
  struct stat st;
  char *slash;

  if (fstatat (AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0)
    return S_ISSOCK (st.st_mode) && mine_or_roots (&st);
  if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG)
    die_errno ("looking at the host socket %s", path);
  if (errno != ENOENT || (dir = strdup (path)) == NULL || (slash = strrchr (dir, '/')) == NULL)
    return false;
  *(slash == dir ? slash + 1 : slash) = '\0';
  if (fstatat (AT_FDCWD, dir, &st, 0) < 0)
    {
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG)
        die_errno ("looking at the host socket %s", path);
      return false;
    }
  return S_ISDIR (st.st_mode) && mine_or_roots (&st);
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
  cleanup_free unsigned long *rel_inodes = NULL;
  cleanup_free char **rel_names = NULL;
  cleanup_free host_mount_t *mounts = NULL;
  strvec_t bound = { 0 }, out = { 0 };
  char *line, *next;
  size_t n_mounts = 0, n_rel = 0, cap_rel = 0;

  /* "Num RefCount Protocol Flags Type St Inode Path": the path, when there
   * is one, is the rest of the line after the seventh field.  Abstract
   * names start with '@' and live in the network namespace, which the
   * sandbox does not share unless network.host. */
  for (line = table; line && *line; line = next)
    {
      char *p = line;
      unsigned long inode = 0;
      if ((next = strchr (line, '\n')))
        *next++ = '\0';
      if (line == table)
        continue; /* the header: "Num RefCount ... Inode Path" */
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
      if (p[0] == '/' && !ent_str_has_prefix (p, "/proc/") && !ent_str_has_prefix (p, "/dev/fd/"))
        {
          if (worth_covering (p))
            vec_push (&bound, strdup (p));
        }
      else if (p[0] != '@' && p[0] != '\0')
        {
          if (n_rel == cap_rel)
            {
              cap_rel = cap_rel ? 2 * cap_rel : 16;
              rel_inodes = realloc (rel_inodes, cap_rel * sizeof (*rel_inodes));
              rel_names = realloc (rel_names, cap_rel * sizeof (*rel_names));
              if (rel_inodes == NULL || rel_names == NULL)
                die ("out of memory");
            }
          rel_inodes[n_rel] = inode;
          rel_names[n_rel++] = p;
        }
    }
  add_relative (&bound, rel_inodes, rel_names, n_rel);
  vec_finish (&bound);
  /* Other spellings through bind mounts, only when there is one. */
  if (bound.n)
    mounts = read_mounts (&n_mounts);
  for (size_t i = 0; i < bound.n; i++)
    {
      char **aliases = calloc (1, sizeof (char *));
      if (aliases == NULL)
        die ("out of memory");
      add_aliases (&aliases, mounts, n_mounts, bound.v[i]);
      for (size_t k = 0; aliases[k]; k++)
        vec_push (&out, aliases[k]);
      free (aliases);
      vec_push (&out, bound.v[i]);
    }
  free (bound.v);
  return vec_finish (&out);
}

/* ---- git ----------------------------------------------------------------- */

/* A git file the host's git will read, opened for reading only if it is
 * a regular file: a FIFO would block entrun, /dev/zero never end (anybody
 * can make a .git in a shared directory).  At most CONFIG_MAX bytes are
 * read from it (see config_line). */
#define CONFIG_MAX (1 << 20)

static FILE *
open_git_file (const char *path)
{
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  FILE *f;

  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || (f = fdopen (fd, "r")) == NULL)
    {
      close (fd);
      return NULL;
    }
  return f;
}

/* fgets, but nothing past CONFIG_MAX bytes of the file. */
static char *
config_line (char *buf, int size, FILE *f)
{
  return ftell (f) < CONFIG_MAX ? fgets (buf, size, f) : NULL;
}

/* "gitdir: PATH" in a .git file (a worktree or a submodule), resolved
 * against @base; NULL when it is not that. */
static char *
read_pointer (const char *file, const char *key, const char *base)
{
  cleanup_fclose FILE *f = open_git_file (file);
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

/* The next "key = value" line of a git config, with the section it is in
 * in @section (lower case, "core", "include", "includeif ..."); a value on
 * the section header's own line counts.  NULL at the end. */
static char *
config_next (FILE *f, char *line, int size, char section[32])
{
  while (f && config_line (line, size, f))
    {
      char *s = line + strspn (line, " \t");
      s[strcspn (s, "\r\n")] = '\0';
      if (s[0] == '[')
        {
          char *end = strchr (s, ']');
          size_t n = 0;
          for (char *c = s + 1; c < (end ? end : s + strlen (s)) && n < 31; c++)
            section[n++] = (char)tolower ((unsigned char)*c);
          section[n] = '\0';
          s = end ? end + 1 + strspn (end + 1, " \t") : s + strlen (s);
        }
      if (*s)
        return s;
    }
  return NULL;
}

/* core.hooksPath from the git config @config into *@found (the last one
 * wins, as in git).  A deliberately small reader: "hooksPath = VALUE" in a
 * [core] section (also on the header's line), any case; a relative value
 * is relative to the work tree.  [include] and [includeIf] paths are
 * followed, whatever their condition, a few levels deep. */
static void
hooks_path (const char *config, const char *worktree, const char *home, char **found, int depth)
{
  cleanup_fclose FILE *f = depth > 0 ? open_git_file (config) : NULL;
  cleanup_free char *dir = strdup (config);
  char line[PATH_MAX + 64], section[32] = "", *slash, *s;

  if (dir == NULL)
    die ("out of memory");
  if ((slash = strrchr (dir, '/')))
    *(slash == dir ? slash + 1 : slash) = '\0';
  while ((s = config_next (f, line, sizeof (line), section)))
    {
      bool core = strcmp (section, "core") == 0;
      bool include = strcmp (section, "include") == 0 || ent_str_has_prefix (section, "includeif");
      char *v;
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

/* core.hooksPath given in the environment the host's git will see too:
 * GIT_CONFIG_PARAMETERS (what git -c sets: 'core.hooksPath'='VALUE') and
 * GIT_CONFIG_COUNT with GIT_CONFIG_KEY_n and GIT_CONFIG_VALUE_n. */
static void
hooks_path_env (const char *worktree, const char *home, char **found)
{
  const char *count = getenv ("GIT_CONFIG_COUNT");
  const char *params = getenv ("GIT_CONFIG_PARAMETERS");
  long n = count ? strtol (count, NULL, 10) : 0;

  for (const char *c = params; c && (c = strcasestr (c, "'core.hookspath'='"));)
    {
      cleanup_free char *v = NULL;
      c += strlen ("'core.hookspath'='");
      if ((v = strndup (c, strcspn (c, "'"))) == NULL)
        die ("out of memory");
      free (*found);
      *found = config_path (v, worktree, home);
    }

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

/* The most directories looked at below a writable directory, and in a git
 * directory's modules/. */
#define MAX_SCAN 512

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
  if (getenv ("GIT_CONFIG_NOSYSTEM") == NULL)
    hooks_path (getenv ("GIT_CONFIG_SYSTEM") ? getenv ("GIT_CONFIG_SYSTEM") : "/etc/gitconfig",
                worktree, home, &found, 5);
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
  else if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG)
    die_errno ("looking for a project profile at %s", ini);
}


static bool add_worktree (git_scan_t *g, const char *dir, bool below);

/* The work tree of the submodule whose git directory is @moddir: its
 * [core] worktree, relative to @moddir. */
static char *
module_worktree (const char *moddir)
{
  cleanup_free char *config = ent_str_printf ("%s/config", moddir);
  cleanup_fclose FILE *f = config ? open_git_file (config) : NULL;
  char line[PATH_MAX + 64], section[32] = "", *s, *v;
  char *found = NULL;

  while ((s = config_next (f, line, sizeof (line), section)))
    {
      if (strcmp (section, "core") == 0 && (v = config_value (s, "worktree")) && v[0])
        {
          free (found);
          found = v[0] == '/' ? strdup (v) : ent_str_printf ("%s/%s", moddir, v);
        }
    }
  return found;
}

/* The submodules under @dir, a git directory's modules/ (read-only
 * inside, unlike .gitmodules), at any depth: git status in the
 * superproject goes into each, and each work tree's .git file is
 * protected like the top one's.  A module named a/b lives in
 * modules/a/b; a nested one in modules/NAME/modules/. */
static void
add_submodules (git_scan_t *g, const char *dir, int depth, int *budget)
{
  cleanup_dir DIR *d = depth > 0 ? opendir (dir) : NULL;
  struct dirent *e;

  while (d && *budget > 0 && (e = readdir (d)) != NULL)
    {
      cleanup_free char *sub = NULL, *config = NULL, *wt = NULL, *inner = NULL;
      struct stat st;
      char real[PATH_MAX];
      if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
        continue;
      (*budget)--;
      if ((sub = ent_str_printf ("%s/%s", dir, e->d_name)) == NULL
          || (config = ent_str_printf ("%s/config", sub)) == NULL)
        die ("out of memory");
      if (stat (config, &st) < 0 || !S_ISREG (st.st_mode))
        {
          add_submodules (g, sub, depth - 1, budget); /* a part of a name */
          continue;
        }
      if ((wt = module_worktree (sub)) && realpath (wt, real))
        add_worktree (g, real, true);
      if ((inner = ent_str_printf ("%s/modules", sub)) == NULL)
        die ("out of memory");
      add_submodules (g, inner, depth - 1, budget);
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
  if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG)
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
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES && errno != ENAMETOOLONG)
        die_errno ("looking for a git directory at %s", dotgit);
      return false;
    }
  /* As git's safe.directory: a .git another user made (in a shared /tmp
   * above the project, say) is not the caller's repository, and may not
   * stop or slow its runs.  The caller's git would refuse it too. */
  if (st.st_uid != getuid () && st.st_uid != 0)
    return false;
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
  if (gitdir && !below)
    {
      int budget = MAX_SCAN;
      char real[PATH_MAX];
      cleanup_free char *modules = NULL;
      if (realpath (gitdir, real) && (modules = ent_str_printf ("%s/modules", real)))
        add_submodules (g, modules, 8, &budget);
    }
  return true;
}

/* Repositories below the writable directory @dir (a workspace of clones,
 * submodules): two levels deep, at most MAX_SCAN directories, hidden ones
 * and node_modules left out. */

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
