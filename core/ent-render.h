/* libentitlement — rendering a resolved profile for people and programs.
 *
 * Both forms are stable: the same profile always renders to the same bytes,
 * so `entrun --explain --json` is byte-identical for the same grants in any
 * order.  JSON is valid UTF-8 whatever the profile holds: a path or value
 * that is not UTF-8 has each ill-formed sequence rendered as U+FFFD; the
 * text form, which is for terminals, shows valid UTF-8 as it is and
 * escapes control characters (tab, C1 too) and bytes that are not UTF-8
 * (\n, \r, \t, \xHH). */
#ifndef ENT_RENDER_H
#define ENT_RENDER_H

#include "ent-manager.h"

#ifdef __cplusplus
extern "C"
{
#endif

  typedef enum ent_render_format
  {
    ENT_RENDER_TEXT,
    ENT_RENDER_JSON,
  } ent_render_format_t;

  /* Render @m's grants (with descriptions from @cat when not NULL) and its
   * resolved profile into a newly allocated string. */
  ENT_EXPORT int ent_render (const ent_manager_t *m, const ent_catalogue_t *cat,
                             ent_render_format_t format, char **out, ent_error_t **err) ENT_WUR;

  /* Render a profile alone. */
  ENT_EXPORT int ent_render_profile (const ent_profile_t *p, ent_render_format_t format, char **out,
                                     ent_error_t **err) ENT_WUR;

  /* The canonical text of the profile's seccomp rules: one rule a line.  Two
   * profiles need the same filter exactly when these strings are equal. */
  ENT_EXPORT int ent_render_seccomp_key (const ent_profile_t *p, char **out,
                                         ent_error_t **err) ENT_WUR;

#ifdef __cplusplus
}
#endif
#endif
