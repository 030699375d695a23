/* libentitlement — entitlement names.
 *
 *   fullName   = domain "." identifier [ "=" value ]
 *   domain     = component *( "." component )
 *   identifier = component
 *   component  = [a-z0-9]+ ( "-" [a-z0-9]+ )*
 *
 * The name part ends at the first '='; everything after it is the value:
 * printable UTF-8 (no control character, C0 or C1, no byte that is not
 * part of a valid UTF-8 sequence), including '.', '=', ':' and '/'.
 */
#ifndef ENT_NAME_H
#define ENT_NAME_H

#include <stdbool.h>
#include <stdint.h>

#include "ent-error.h"

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct ent_name
  {
    char *domain;     /* "network", "host.fs", "security.custom" */
    char *identifier; /* "none", "rw", "cap-sys-admin" */
    char *name;       /* domain "." identifier */
    char *value;      /* NULL when there was no '=' */
  } ent_name_t;

  /* Parse @full into @out.  On error the message says why (empty component,
   * bad character, uppercase letter, no domain, empty value, ...) and quotes
   * @full.  An empty value after '=' is an error. */
  ENT_EXPORT int ent_name_parse (const char *full, ent_name_t *out, ent_error_t **err) ENT_WUR;

  /* Check a bare name (no value part). */
  ENT_EXPORT int ent_name_validate (const char *name, ent_error_t **err) ENT_WUR;

  /* Release the strings held by @n (not @n itself). */
  ENT_EXPORT void ent_name_clear (ent_name_t *n);

  /* Parse a decimal int64.  With @size_suffix, one of K, M, G, T (binary
   * multiples, upper or lower case) may follow.  Overflow, trailing junk,
   * an empty string and a bad suffix are errors naming @text. */
  ENT_EXPORT int ent_parse_int (const char *text, bool size_suffix, int64_t *out,
                                ent_error_t **err) ENT_WUR;

#ifdef __cplusplus
}
#endif
#endif
