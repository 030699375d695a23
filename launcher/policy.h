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
  entrun_conf_t *confs;
  size_t n;
  char **files; /* the profile files read, real paths: read-only inside */
} entrun_loaded_t;

void entrun_loaded_clear (entrun_loaded_t *l);

/* Build a manager over @cat from @cli: each -p profile is found (user
 * directory, /etc/entrun, then the built-in ones), parsed, and its custom
 * entitlements registered in @cat; the base profile carries the working
 * directory, home, environment changes and hostname (the command line's
 * over the profiles'); the profiles' grants at profile precedence and every
 * --ent at command-line precedence are granted as one set. */
int entrun_policy_build (const entrun_cli_t *cli, ent_catalogue_t *cat, entrun_loaded_t *loaded,
                         ent_manager_t **out, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Where a bare profile NAME is looked up, in order (whether they exist or
 * not): $XDG_CONFIG_HOME/entrun (or ~/.config/entrun), /etc/entrun. */
char **entrun_profile_search_dirs (const char *home);

/* The directories profiles are looked up in, most specific first:
 * $XDG_CONFIG_HOME/entrun (or ~/.config/entrun) and /etc/entrun.  The
 * built-in profiles live inside the binary.  NULL-terminated, real paths of
 * those that exist. */
char **entrun_profile_dirs (const char *home);

#endif
