/* entrun — from CLI to profile.  Policy lives in core; this file only
 * gathers the caller's context (cwd, home) and the requests. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cgroup.h"
#include "ent-util.h"
#include "policy.h"
#include "util.h"

static const char *
caller_home (void)
{
  const char *home = getenv ("HOME");
  struct passwd *pw;

  if (home && home[0] == '/')
    return home;
  pw = getpwuid (getuid ());
  return pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
}

static int
base_env (ent_profile_t *base, const entrun_cli_t *cli, ent_error_t **err)
{
  base->clearenv = cli->clearenv;
  for (size_t i = 0; i < cli->n_env; i++)
    {
      int ret = ent_profile_add_env (base, cli->env[i].op, cli->env[i].name, cli->env[i].value, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

static int
make_base (const entrun_cli_t *cli, ent_profile_t **out, ent_error_t **err)
{
  ent_profile_t *base = ent_profile_new ();
  cleanup_free char *cwd = getcwd (NULL, 0);
  cleanup_free char *dir = NULL;
  int ret = 0;

  if (base == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (cwd == NULL)
    ret = ent_error_set (err, errno, "cannot get the current directory: %s", strerror (errno));
  if (ret == 0 && ent_profile_set_string (&base->home, caller_home ()) < 0)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0 && cli->chdir)
    ret = ent_path_resolve (cli->chdir, cwd, base->home, &dir, err);
  if (ret == 0 && ent_profile_set_string (&base->cwd, dir ? dir : cwd) < 0)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0 && cli->hostname && ent_profile_set_string (&base->hostname, cli->hostname) < 0)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0)
    ret = base_env (base, cli, err);
  if (ret == 0)
    ret = entrun_api_discover (base, err);
  if (ret == 0)
    {
      cleanup_free char *cgdir = NULL;
      base->resources.backend = entrun_cgroup_backend (&cgdir);
    }
  if (ret < 0)
    {
      ent_profile_free (base);
      return ret;
    }
  *out = base;
  return 0;
}

/* Instantiate every request, then grant them as one set, so the order on
 * the command line never matters. */
static int
add_requests (ent_manager_t *m, const ent_catalogue_t *cat, char *const *reqs, size_t n,
              ent_error_t **err)
{
  ent_entitlement_t **ents = calloc (n + 1, sizeof (*ents));
  int ret = 0;

  if (ents == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      ents[i] = ent_catalogue_instantiate (cat, reqs[i], err);
      if (ents[i] == NULL)
        ret = err && *err ? -(*err)->code : -EINVAL;
      else if (ent_entitlement_set_source (ents[i], "command line", ENT_PRECEDENCE_CLI) < 0)
        ret = ent_error_set (err, ENOMEM, "out of memory");
    }
  if (ret == 0)
    ret = ent_manager_add_all (m, ents, n, err);
  else
    for (size_t i = 0; i < n; i++)
      ent_entitlement_free (ents[i]);
  free (ents);
  return ret;
}

int
entrun_policy_build (const entrun_cli_t *cli, const ent_catalogue_t *cat, ent_manager_t **out,
                     ent_error_t **err)
{
  ent_profile_t *base = NULL;
  ent_manager_t *m;
  int ret = make_base (cli, &base, err);

  if (ret < 0)
    return ret;
  m = ent_manager_new (base, cat);
  if (m == NULL)
    return ent_error_set (err, ENOMEM, "cannot build the default profile");
  ret = add_requests (m, cat, cli->ents, cli->n_ents, err);
  if (ret < 0)
    {
      ent_manager_free (m);
      return ret;
    }
  *out = m;
  return 0;
}

char **
entrun_profile_dirs (const char *home)
{
  const char *xdg = getenv ("XDG_CONFIG_HOME");
  cleanup_free char *user = NULL;
  char **dirs = calloc (3, sizeof (char *));
  char real[PATH_MAX];
  size_t n = 0;

  if (dirs == NULL)
    die ("out of memory");
  if (xdg && xdg[0] == '/')
    user = ent_str_printf ("%s/entrun", xdg);
  else if (home)
    user = ent_str_printf ("%s/.config/entrun", home);
  if (user && realpath (user, real))
    dirs[n++] = strdup (real);
  if (realpath ("/etc/entrun", real))
    dirs[n++] = strdup (real);
  for (size_t i = 0; i < n; i++)
    if (dirs[i] == NULL)
      die ("out of memory");
  return dirs;
}
