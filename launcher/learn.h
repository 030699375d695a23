/* entrun — `entrun learn [-o FILE] [OPTIONS] -- COMMAND`: run COMMAND once
 * under observation, with more allowed than the grants given (but still
 * in a sandbox), and write the INI profile it needs, one commented line
 * per grant saying why.  A proposal for the user to read, never applied
 * by itself. */
#ifndef ENTRUN_LEARN_H
#define ENTRUN_LEARN_H

#include "cli.h"
#include "entitlement.h"
#include "hints.h"

/* What learn adds to the grants given, to see past their denials: each
 * tried in turn, skipped where it does not apply. */
extern const char *const entrun_learn_grants[];

/* The profile learn proposes for @h, the observation of a run whose
 * grants given were @given (@cli's -e, kept as they are but a level a
 * proposal of @cat's same group replaces): INI text, malloc'd; @argv is
 * the command, named in a comment.  Pure: every byte from the sandbox in
 * @h is made printable and each name it proposes checked (see learn.c). */
char *entrun_learn_render (const entrun_hints_t *h, const ent_catalogue_t *cat,
                           const char *fcaps_grant, char *const *given, size_t n_given,
                           char *const *argv, const char *date);

/* The whole of `entrun learn`: entrun's exit status (the command's). */
int entrun_learn (const entrun_cli_t *cli, ent_catalogue_t *cat);

#endif
