/* entrun — turn the command line into a resolved profile (via the manager). */
#ifndef ENTRUN_POLICY_H
#define ENTRUN_POLICY_H

#include "cli.h"
#include "entitlement.h"

#include "conf.h"

/* The profiles a run loaded: their custom entitlements' callbacks point
 * into them, so they live as long as the catalogue. */
typedef struct entrun_loaded
{
  entrun_conf_t *confs; /* the project profile first, if any */
  size_t n;
  char **files; /* the profile files read, real paths: read-only inside */
  /* The project profile (.entrun.ini, see trust.h): confs[0], its real
   * path and directory, and the bytes it was parsed from. */
  bool has_project;
  char *project_path;
  char *project_dir;
  char *project_bytes;
  size_t project_len;
} entrun_loaded_t;

/* The project profile's grants sit below every -p profile's: the command
 * line's profiles and --ent override its levels. */
#define ENTRUN_PRECEDENCE_PROJECT (ENT_PRECEDENCE_PROFILE - 5)

void entrun_loaded_clear (entrun_loaded_t *l);

/* Build a manager over @cat from @cli: each -p profile is found (user
 * directory, /etc/entrun, then the built-in ones), parsed, and its custom
 * entitlements registered in @cat; the base profile carries the working
 * directory, home, environment changes and hostname (the command line's
 * over the profiles'); the profiles' grants at profile precedence and every
 * --ent at command-line precedence are granted as one set.  @project (or
 * NULL), the project profile's path, is loaded first, below them all, as
 * l->confs[0]; its settings apply where no -p profile gives one. */
int entrun_policy_build (const entrun_cli_t *cli, const char *project, ent_catalogue_t *cat,
                         entrun_loaded_t *loaded, ent_manager_t **out, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Load only the project profile @path (a trust command), as
 * entrun_policy_build() would. */
int entrun_policy_load_project (const char *path, ent_catalogue_t *cat, entrun_loaded_t *loaded,
                                ent_error_t **err) __attribute__ ((warn_unused_result));

/* The project profile alone, resolved over a base that depends on nothing
 * but its directory and @home (no environment, no host scan): what an
 * approval is of (see trust.h). */
int entrun_policy_project_only (const entrun_loaded_t *loaded, const ent_catalogue_t *cat,
                                const char *home, ent_manager_t **out, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Does @p ask only for what the launcher applies?  The library's model is
 * wider than entrun's: capabilities left unset, a mount of a type it does
 * not interpret (ENT_MOUNT_OTHER), from another source than its path, or
 * with options of its own.  None of these comes from the catalogue or an
 * INI profile; a sandbox that would run with less than its profile says
 * is refused instead (-ENOTSUP, the offending field named). */
int entrun_policy_check_runnable (const ent_profile_t *p, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* The caller's home, resolved (NULL when unknown). */
char *entrun_caller_home (void);

/* Where a bare profile NAME is looked up, in order (whether they exist or
 * not): $XDG_CONFIG_HOME/entrun (or ~/.config/entrun), /etc/entrun. */
char **entrun_profile_search_dirs (const char *home);

/* The directories profiles are looked up in, most specific first:
 * $XDG_CONFIG_HOME/entrun (or ~/.config/entrun) and /etc/entrun.  The
 * built-in profiles live inside the binary.  NULL-terminated, real paths of
 * those that exist. */
char **entrun_profile_dirs (const char *home);

#endif
