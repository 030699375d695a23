/* entrun — project profiles: found from the working directory, run only
 * once the user approved them, and stopped when they ask for more.
 *
 * An approval is a record in the trust store ($XDG_DATA_HOME/entrun/trust,
 * read-only in every sandbox): the profile's real path, a hash of its
 * bytes (the fast path: unchanged, nothing is resolved twice), a hash of
 * its resolved form (the profile alone over a base that depends only on
 * its directory and the home: comments, spacing and order do not count,
 * every change of effect does), and its grants as items, one per grant or
 * setting, which a change is compared with. */
#ifndef ENTRUN_TRUST_H
#define ENTRUN_TRUST_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "entitlement.h"
#include "policy.h"

/* The file a project keeps its profile in. */
#define ENTRUN_PROJECT_FILE ".entrun.ini"

/* The project profile for a run in @dir: ENTRUN_PROJECT_FILE in @dir or
 * the nearest parent that has one, up to /.  A .git on the way does not
 * end the search: a sandbox may create one below the project, and a run
 * from there would lose the project's hides and limits.  One owned by
 * another user (not you or root: /tmp's) is skipped with a warning.
 * With @home, one that was approved (the trust store has its record) but
 * is gone is an error: exit 125.  Newly allocated absolute path, or
 * NULL. */
char *entrun_project_find (const char *dir, const char *home);

/* One grant or setting of a project profile: @text is canonical (what is
 * stored and compared: "network.user", "host.fs.rw=/src/proj/build",
 * "env keep TOKEN", a custom entitlement with its definition), @what says
 * it in words (NULL when unknown) and @source is FILE:LINE. */
typedef struct entrun_trust_item
{
  char *text;
  char *what;
  char *source;
} entrun_trust_item_t;

/* How the items of a profile changed from an approved set. */
typedef enum entrun_change
{
  ENTRUN_CHANGE_SAME,    /* the same items */
  ENTRUN_CHANGE_NARROWS, /* only restrictions added or grants dropped */
  ENTRUN_CHANGE_WIDENS,  /* anything else */
} entrun_change_t;

/* Compare @new_items with @old (both NULL-terminated canonical texts);
 * *added and *removed (NULL-terminated, newly allocated, may be empty)
 * list the differences.  Pure: a unit test drives it. */
entrun_change_t entrun_trust_classify (char *const *old, char *const *new_items, char ***added,
                                       char ***removed);

/* The items of the project profile loaded in @l, resolved alone over
 * entrun_policy_project_only(), and the hash of that resolved form
 * (64 hex digits, into @resolved_hash). */
int entrun_trust_items (const entrun_loaded_t *l, const ent_catalogue_t *cat, const char *home,
                        entrun_trust_item_t **items, size_t *n, char resolved_hash[65],
                        ent_error_t **err) __attribute__ ((warn_unused_result));
void entrun_trust_items_free (entrun_trust_item_t *items, size_t n);

/* Before a run with the project profile in @l: go on when it is approved
 * (or only narrowed since, recording that); otherwise show what it grants
 * or what it gained, ask at a terminal, and exit 125 when not approved.
 * With @explain, only say on stderr where the profile stands. */
void entrun_trust_check (const entrun_loaded_t *l, const ent_catalogue_t *cat, const char *home,
                         bool explain);

/* `entrun trust ...`: the exit status. */
int entrun_trust_command (const entrun_cli_t *cli);

/* The directories the trust store may live in ($XDG_DATA_HOME/entrun and
 * ~/.local/share/entrun), created when the caller can, so that every
 * sandbox gets them read-only.  NULL-terminated real paths. */
char **entrun_trust_dirs (const char *home);

#endif
