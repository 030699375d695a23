/* libentitlement — the entitlements manager.
 *
 * The manager holds a base profile and the set of granted entitlements, and
 * keeps a resolved profile: the base with every grant enforced in a
 * canonical order (order, then full name), plus the default level of every
 * exclusive group of its catalogue that nothing granted.  Hence:
 *   - adding is atomic: if any callback fails, the grant is refused and the
 *     resolved profile stays as it was;
 *   - the same set of grants in any order gives the same profile;
 *   - two levels of one exclusive group at the same precedence conflict;
 *   - repeatable entitlements (lists) may be added with different values.
 */
#ifndef ENT_MANAGER_H
#define ENT_MANAGER_H

#include <stddef.h>

#include "ent-catalogue.h"
#include "ent-entitlement.h"
#include "ent-profile.h"

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct ent_manager ent_manager_t;

  /* A manager over @base (owned by the manager from now on; NULL means
   * ent_profile_new()).  @defaults, when not NULL, supplies the default level
   * of each exclusive group and must outlive the manager. */
  ENT_EXPORT ent_manager_t *ent_manager_new (ent_profile_t *base, const ent_catalogue_t *defaults);

  /* ent_manager_new() then ent_manager_add_all(@ents), resolving the
   * profile once instead of twice (a launcher's start-up path).  Takes
   * ownership of @base and of every entry of @ents whatever the outcome;
   * NULL on failure, with @err set. */
  ENT_EXPORT ent_manager_t *ent_manager_new_granted (ent_profile_t *base,
                                                     const ent_catalogue_t *defaults,
                                                     ent_entitlement_t **ents, size_t n,
                                                     ent_error_t **err);
  ENT_EXPORT void ent_manager_free (ent_manager_t *m);

  /* Grant @e.  The manager takes ownership of @e whatever the outcome. */
  ENT_EXPORT int ent_manager_add (ent_manager_t *m, ent_entitlement_t *e,
                                  ent_error_t **err) ENT_WUR;

  /* Grant all of @ents at once: atomic for the whole set (on error none is
   * granted) and checked with the whole set present, so grants that depend
   * on each other may come in any order.  Takes ownership of every entry. */
  ENT_EXPORT int ent_manager_add_all (ent_manager_t *m, ent_entitlement_t **ents, size_t n,
                                      ent_error_t **err) ENT_WUR;

  /* Instantiate @request from @cat and grant it, recording @source and
   * @precedence (ENT_PRECEDENCE_*). */
  ENT_EXPORT int ent_manager_add_request (ent_manager_t *m, const ent_catalogue_t *cat,
                                          const char *request, const char *source, int precedence,
                                          ent_error_t **err) ENT_WUR;

  /* The resolved profile. */
  ENT_EXPORT const ent_profile_t *ent_manager_profile (const ent_manager_t *m);

  /* The active grants, in canonical order, including default levels applied
   * (their source is "default"). */
  ENT_EXPORT size_t ent_manager_count (const ent_manager_t *m);
  ENT_EXPORT const ent_entitlement_t *ent_manager_get (const ent_manager_t *m, size_t i);

#ifdef __cplusplus
}
#endif
#endif
