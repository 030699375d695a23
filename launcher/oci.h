/* entrun — `entrun oci export|apply` and `entrun seccomp export|import`:
 * the same grants through any OCI runtime (see core/ent-oci.h). */
#ifndef ENTRUN_OCI_H
#define ENTRUN_OCI_H

#include "cli.h"
#include "entitlement.h"

/* The subcommands that work on a resolved profile of entrun's (@p, from
 * the command line and profiles as for a run): oci export, seccomp
 * export.  Returns the exit status; dies (125) on error. */
int entrun_oci_resolved (const entrun_cli_t *cli, const ent_profile_t *p,
                         char *const *profile_files);

/* The subcommands that start from a file: oci apply, seccomp import. */
int entrun_oci_file (const entrun_cli_t *cli, const ent_catalogue_t *cat);

#endif
