/* entrun — host lookups before the sandbox starts (see hostscan.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

char **
entrun_host_sockets (void)
{
  cleanup_free char *table = read_unix_table ();
  char **list = calloc (1, sizeof (char *));
  char *line, *next;

  if (list == NULL)
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
      for (int field = 0; field < 7 && p; field++)
        {
          p += strspn (p, " ");
          p = strchr (p, ' ');
        }
      if (p == NULL)
        continue;
      p += strspn (p, " ");
      if (p[0] == '/')
        add_or_die (&list, p);
    }
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

/* core.hooksPath from the git config @config, or NULL.  A deliberately
 * small reader: "hooksPath = VALUE" in a [core] section, any case. */
static char *
hooks_path (const char *config, const char *worktree, const char *home)
{
  cleanup_fclose FILE *f = fopen (config, "re");
  char line[PATH_MAX + 64];
  bool core = false;
  char *found = NULL;

  while (f && fgets (line, sizeof (line), f))
    {
      char *s = line + strspn (line, " \t"), *v;
      s[strcspn (s, "\r\n")] = '\0';
      if (s[0] == '[')
        core = strncasecmp (s, "[core]", 6) == 0;
      if (!core || strncasecmp (s, "hookspath", 9) != 0)
        continue;
      v = s + 9;
      v += strspn (v, " \t");
      if (*v++ != '=')
        continue;
      v += strspn (v, " \t\"");
      v[strcspn (v, "\"")] = '\0';
      free (found);
      if (v[0] == '~' && v[1] == '/' && home)
        found = ent_str_printf ("%s/%s", home, v + 2);
      else
        found = v[0] == '/' ? strdup (v) : ent_str_printf ("%s/%s", worktree, v);
    }
  return found;
}

static void
add_gitdir (char ***list, const char *gitdir, const char *worktree, const char *home)
{
  cleanup_free char *commondir_file = ent_str_printf ("%s/commondir", gitdir);
  cleanup_free char *common = read_pointer (commondir_file, NULL, gitdir);
  const char *dirs[] = { gitdir, common };

  /* The whole git directory: hooks and config, but also what redirects
   * them (commondir, a submodule's modules/NAME/hooks, config.worktree,
   * info/), none of which a build needs to write. */
  for (size_t i = 0; i < N_ELEMENTS (dirs); i++)
    {
      cleanup_free char *config = NULL, *custom = NULL;
      char real[PATH_MAX];
      if (dirs[i] == NULL || realpath (dirs[i], real) == NULL)
        continue;
      add_or_die (list, real);
      if ((config = ent_str_printf ("%s/config", real)) == NULL)
        die ("out of memory");
      if ((custom = hooks_path (config, worktree, home)) && realpath (custom, real))
        add_or_die (list, real);
    }
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

/* The repository @dir belongs to: the nearest .git at or above it; and
 * every .entrun.ini on the way there. */
static void
find_repo (char ***list, const char *dir, const char *home)
{
  cleanup_free char *cur = strdup (dir);

  if (cur == NULL)
    die ("out of memory");
  for (;;)
    {
      cleanup_free char *dotgit = ent_str_printf ("%s/.git", strcmp (cur, "/") ? cur : "");
      struct stat st;
      char *slash;
      if (dotgit == NULL)
        die ("out of memory");
      add_project_profile (list, cur);
      if (lstat (dotgit, &st) < 0)
        {
          /* Any error but "not there" could hide a repository's hooks. */
          if (errno != ENOENT && errno != ENOTDIR && errno != EACCES)
            die_errno ("looking for a git directory at %s", dotgit);
        }
      else
        {
          cleanup_free char *gitdir
              = S_ISDIR (st.st_mode) ? strdup (dotgit) : read_pointer (dotgit, "gitdir:", cur);
          if (gitdir)
            add_gitdir (list, gitdir, cur, home);
          return;
        }
      if ((slash = strrchr (cur, '/')) == NULL || strcmp (cur, "/") == 0)
        return;
      *(slash == cur ? slash + 1 : slash) = '\0';
    }
}

void
entrun_git_protected (const ent_profile_t *p, char ***list)
{
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    if (p->fs.mounts[i].kind == ENT_MOUNT_BIND_RW)
      find_repo (list, p->fs.mounts[i].path, p->home);
}
