/* libentitlement — the entitlements manager.
 *
 * The manager holds a base profile and the set of granted entitlements, and
 * keeps a resolved profile: the base with every grant in force enforced in a
 * canonical order (order, then full name), plus the default level of every
 * exclusive group of its catalogue that nothing granted.  Hence:
 *   - adding and removing are atomic: if any callback fails, the change is
 *     refused and the resolved profile stays as it was;
 *   - the same set of grants in any order gives the same profile;
 *   - two levels of one exclusive group at the same precedence conflict,
 *     also when a grant of higher precedence overrides both;
 *   - repeatable entitlements (lists) may be added with different values.
 * Callbacks run as ent-entitlement.h's contract says: pure, maybe many
 * times, in canonical order; one that calls back into its own manager to
 * change it gets -EBUSY.  Grants that sort after every active one
 * (customs, or adds in canonical order) cost one callback run each; one
 * that sorts before runs the callbacks after it again.
 *
 * Lifetimes.  Every pointer a manager gives out stays valid until
 * ent_manager_free(): the resolved profile of ent_manager_profile(), also
 * after later adds and removes have replaced it (the manager keeps what it
 * gave out; it frees what it did not), and the entitlements of
 * ent_manager_get(), ent_manager_grant() and ent_manager_shadowed_by(),
 * also once they are no longer in force.  Read a fresh ent_manager_profile()
 * after a change to see it.  A long-lived manager that gives out pointers
 * and changes often keeps them all: ent_manager_trim() lets them go.
 *
 * Errors.  A function that fails stores the error of this call in *@err;
 * one left there from before is freed then, and given back untouched when
 * the call succeeds.
 *
 * Threads.  A manager is not locked: use one from one thread at a time.
 * Distinct managers may be used from different threads at once, also over
 * one catalogue, which they only read (register definitions before), and
 * also holding the same entitlements (their reference counts are atomic,
 * and they do not change once held).
 */
#ifndef ENT_MANAGER_H
#define ENT_MANAGER_H

#include <stdbool.h>
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
   * of each exclusive group and must outlive the manager.  NULL with @err
   * set on failure. */
  ENT_EXPORT ent_manager_t *ent_manager_new (ent_profile_t *base, const ent_catalogue_t *defaults,
                                             ent_error_t **err);

  /* ent_manager_new() then ent_manager_add_all(@ents), resolving the
   * profile once instead of twice (a launcher's start-up path).  Takes
   * ownership of @base and a reference to every entry of @ents (see
   * ent-entitlement.h) whatever the outcome; NULL on failure, with @err
   * set. */
  ENT_EXPORT ent_manager_t *ent_manager_new_granted (ent_profile_t *base,
                                                     const ent_catalogue_t *defaults,
                                                     ent_entitlement_t **ents, size_t n,
                                                     ent_error_t **err);
  /* Free @m and everything it gave out; NULL is allowed. */
  ENT_EXPORT void ent_manager_free (ent_manager_t *m);

  /* Grant @e.  The manager takes a reference to @e whatever the outcome:
   * the floating one of a new entitlement, so a caller that does not keep
   * @e frees nothing (ent-entitlement.h).  An entitlement of a reserved
   * domain ("network.host") is refused with -EPERM unless the default
   * catalogue made it, and so is a custom in a built-in group
   * ("security").  Returns 0 when @e is in force (or the very same grant,
   * same source and precedence, already is), 1 when it is granted but not
   * in force: a grant of higher precedence overrides it, or the same full
   * name is in force from a preferred source (ent_manager_shadowed_by()
   * names the overriding one; removing it brings @e in); or a negative
   * errno: -EEXIST for a conflict at the same precedence (also two
   * different entitlements by one name from one source), -EBUSY from a
   * callback of @m, -EINVAL, -EPERM, -ENOMEM, or the callback's error. */
  ENT_EXPORT int ent_manager_add (ent_manager_t *m, ent_entitlement_t *e,
                                  ent_error_t **err) ENT_WUR;

  /* Grant all of @ents at once: atomic for the whole set (on error none is
   * granted) and checked with the whole set present, so grants that depend
   * on each other may come in any order.  Takes a reference to every entry.
   * Returns how many of @ents are not in force (0 when all are), or a
   * negative errno. */
  ENT_EXPORT int ent_manager_add_all (ent_manager_t *m, ent_entitlement_t **ents, size_t n,
                                      ent_error_t **err) ENT_WUR;

  /* Instantiate @request from @cat and grant it, recording @source and
   * @precedence (ENT_PRECEDENCE_*).  Returns as ent_manager_add(). */
  ENT_EXPORT int ent_manager_add_request (ent_manager_t *m, const ent_catalogue_t *cat,
                                          const char *request, const char *source, int precedence,
                                          ent_error_t **err) ENT_WUR;

  /* Revoke grants: a full name ("host.fs.rw=/tmp", a path however spelled)
   * revokes that grant, a bare name ("host.fs.rw") every grant of it.
   * Atomic: when what is left fails to resolve (a grant needs the one
   * removed), nothing changes.  A grant it had overridden is in force
   * again; a group left without a grant falls back to its default level.
   * Returns how many grants were revoked, -ENOENT when none matched (a
   * default level is not a grant: grant another level instead), or a
   * negative errno. */
  ENT_EXPORT int ent_manager_remove (ent_manager_t *m, const char *name, ent_error_t **err) ENT_WUR;

  /* Is @name in force: a full name, or any value of a bare name?  Default
   * levels count ("network.none" on a fresh manager). */
  ENT_EXPORT bool ent_manager_has (const ent_manager_t *m, const char *name);

  /* For a grant @full_name that is not in force: the grant that overrides
   * it (higher precedence, or the same grant from a preferred source).
   * NULL when @full_name is in force or was never granted. */
  ENT_EXPORT const ent_entitlement_t *ent_manager_shadowed_by (const ent_manager_t *m,
                                                               const char *full_name);

  /* The resolved profile: valid until ent_manager_free() (see above). */
  ENT_EXPORT const ent_profile_t *ent_manager_profile (const ent_manager_t *m);

  /* The entitlements in force, in canonical order, including default levels
   * applied (their source is "default"). */
  ENT_EXPORT size_t ent_manager_count (const ent_manager_t *m);
  ENT_EXPORT const ent_entitlement_t *ent_manager_get (const ent_manager_t *m, size_t i);

  /* Every grant, also those not in force, in the order granted. */
  ENT_EXPORT size_t ent_manager_grant_count (const ent_manager_t *m);
  ENT_EXPORT const ent_entitlement_t *ent_manager_grant (const ent_manager_t *m, size_t i);

  /* Free what @m gave out and has replaced since (old profiles, grants no
   * longer held): every such pointer the caller has becomes invalid; the
   * current profile and the entitlements still held stay valid.  For a
   * long-lived manager that would otherwise keep them all until
   * ent_manager_free(). */
  ENT_EXPORT void ent_manager_trim (ent_manager_t *m);

#ifdef __cplusplus
}
#endif
#endif
