/* entrun — INI profiles: finding a profile by name.
 *
 * The first directory that has NAME.ini wins, even if that file turns out
 * unreadable or broken: falling back to the next directory would quietly
 * run a different policy than the one the user wrote (or shadowed). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "conf.h"
#include "ent-util.h"

/* 1: @path is a regular file; 0: it does not exist; <0: error. */
static int
probe (const char *path, ent_error_t **err)
{
  struct stat st;

  if (stat (path, &st) < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 0;
      return ent_error_set (err, errno, "profile '%s': %s", path, strerror (errno));
    }
  if (!S_ISREG (st.st_mode))
    return ent_error_set (err, EINVAL, "profile '%s': not a regular file", path);
  return 1;
}

static int
find_path (const char *path, char **path_out, ent_error_t **err)
{
  int ret = probe (path, err);

  if (ret == 0)
    return ent_error_set (err, ENOENT, "profile '%s': %s", path, strerror (ENOENT));
  if (ret < 0)
    return ret;
  *path_out = strdup (path);
  return *path_out ? 0 : ent_error_set (err, ENOMEM, "out of memory");
}

/* "not found" naming every directory searched. */
static int
not_found (const char *name, const char *const *dirs, ent_error_t **err)
{
  cleanup_free char *list = NULL;
  size_t size = 0;
  FILE *f = open_memstream (&list, &size);

  if (f == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; dirs && dirs[i]; i++)
    fprintf (f, "%s%s", i ? ", " : "", dirs[i]);
  if (fclose (f) != 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return ent_error_set (err, ENOENT, "profile '%s' not found (looked for %s.ini in %s)", name, name,
                        size ? list : "no directory");
}

int
entrun_conf_find (const char *name_or_path, const char *const *dirs, char **path_out,
                  ent_error_t **err)
{
  *path_out = NULL;
  if (name_or_path == NULL || *name_or_path == '\0')
    return ent_error_set (err, EINVAL, "empty profile name");
  if (strchr (name_or_path, '/'))
    return find_path (name_or_path, path_out, err);

  for (size_t i = 0; dirs && dirs[i]; i++)
    {
      cleanup_free char *path = NULL;
      int ret;

      if (asprintf (&path, "%s/%s.ini", dirs[i], name_or_path) < 0)
        return ent_error_set (err, ENOMEM, "out of memory");
      ret = probe (path, err);
      if (ret < 0)
        return ret;
      if (ret == 1)
        {
          *path_out = steal_pointer (&path);
          return 0;
        }
    }
  return not_found (name_or_path, dirs, err);
}
