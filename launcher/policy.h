/* entrun — turn the command line into a resolved profile (via the manager). */
#ifndef ENTRUN_POLICY_H
#define ENTRUN_POLICY_H

#include "cli.h"
#include "entitlement.h"

/* Build a manager over the default catalogue @cat from @cli: the base
 * profile carries the working directory, home, environment changes and
 * hostname; every --ent is granted at command-line precedence. */
int entrun_policy_build (const entrun_cli_t *cli, const ent_catalogue_t *cat, ent_manager_t **out,
                         ent_error_t **err) __attribute__ ((warn_unused_result));

/* The directories profiles are looked up in, most specific first:
 * $XDG_CONFIG_HOME/entrun (or ~/.config/entrun) and /etc/entrun.  The
 * built-in profiles live inside the binary.  NULL-terminated, real paths of
 * those that exist. */
char **entrun_profile_dirs (const char *home);

#endif
