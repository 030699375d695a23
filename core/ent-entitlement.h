/* libentitlement — entitlements.
 *
 * An entitlement is a full name ("security.custom.cap-sys-admin",
 * "resources.pids=100", "network.proxy=http://10.0.0.1:3128") plus an
 * enforcement callback that edits a profile.  Three types mirror Docker's Go
 * libentitlement: void (no value), int (a decimal int64) and string (a
 * non-empty string).
 */
#ifndef ENT_ENTITLEMENT_H
#define ENT_ENTITLEMENT_H

#include <stdint.h>

#include "ent-error.h"
#include "ent-profile.h"

#ifdef __cplusplus
extern "C"
{
#endif

  typedef enum ent_type
  {
    ENT_TYPE_VOID,
    ENT_TYPE_INT,
    ENT_TYPE_STRING,
  } ent_type_t;

  ENT_EXPORT const char *ent_type_name (ent_type_t t); /* "void", "int", "string" */

  /* Enforcement callbacks: edit @profile, return 0, or a negative errno
   * with @err set (the message says why; the manager adds the name).
   *
   * The contract.  A callback must be a pure function of its arguments
   * (@profile, the value, @data): deterministic, with no effect outside
   * @profile, and safe to run any number of times, because the manager
   * re-resolves its whole profile from the base when a grant comes or
   * goes that sorts before others: it runs the callbacks of every active
   * grant again, in canonical order (ENT_ORDER_*, then full name), never
   * in the order of the adds.  A callback runs on a scratch copy: when it
   * (or a later one) fails, everything it did is dropped.  Returning > 0,
   * 0 with @err set, or below -4095 (no errno), breaks the contract and
   * fails the grant (-EINVAL); changing its own manager from a callback
   * gets -EBUSY.  @data
   * must stay valid, and unchanged in meaning, while any manager holds the
   * entitlement. */
  typedef int (*ent_void_fn) (ent_profile_t *profile, void *data, ent_error_t **err);
  typedef int (*ent_int_fn) (ent_profile_t *profile, int64_t value, void *data, ent_error_t **err);
  typedef int (*ent_string_fn) (ent_profile_t *profile, const char *value, void *data,
                                ent_error_t **err);

  typedef struct ent_entitlement ent_entitlement_t;

  /* Constructors.  @full_name is checked against the name grammar; a void
   * entitlement must have no value, an int one a decimal value
   * ("resources.pids=100"), a string one a non-empty value.  @data is passed to
   * the callback and is not owned.  NULL with @err set on error.
   *
   * Lifetime.  Entitlements are reference-counted.  A new one carries one
   * "floating" reference: the first manager it is added to takes that
   * reference over (so `ent_manager_add (m, ent_void_entitlement_new (...))`
   * needs no free), and every other manager it is added to takes a
   * reference of its own.  Call ent_entitlement_ref() to keep using one
   * after an add; ent_entitlement_free() drops a reference, and frees it
   * with the last. */
  ENT_EXPORT ent_entitlement_t *ent_void_entitlement_new (const char *full_name, ent_void_fn fn,
                                                          void *data, ent_error_t **err);
  ENT_EXPORT ent_entitlement_t *ent_int_entitlement_new (const char *full_name, ent_int_fn fn,
                                                         void *data, ent_error_t **err);
  ENT_EXPORT ent_entitlement_t *ent_string_entitlement_new (const char *full_name, ent_string_fn fn,
                                                            void *data, ent_error_t **err);
  ENT_EXPORT ent_entitlement_t *ent_entitlement_ref (ent_entitlement_t *e); /* returns @e */
  ENT_EXPORT void ent_entitlement_free (ent_entitlement_t *e); /* drop a reference; NULL ok */
  /* Has a manager (or ent_manager_*) taken it?  Then it is frozen: the
   * setters below return -EBUSY and change nothing. */
  ENT_EXPORT bool ent_entitlement_frozen (const ent_entitlement_t *e);

  /* The strings below belong to @e and live as long as it. */

  ENT_EXPORT const char *ent_entitlement_full_name (const ent_entitlement_t *e);
  ENT_EXPORT const char *ent_entitlement_name (const ent_entitlement_t *e); /* no value */
  ENT_EXPORT const char *ent_entitlement_domain (const ent_entitlement_t *e);
  ENT_EXPORT const char *ent_entitlement_identifier (const ent_entitlement_t *e);
  ENT_EXPORT const char *ent_entitlement_value (const ent_entitlement_t *e); /* NULL for void */
  ENT_EXPORT ent_type_t ent_entitlement_type (const ent_entitlement_t *e);
  ENT_EXPORT int64_t ent_entitlement_int_value (const ent_entitlement_t *e);

  /* Run the callback on @profile.  Atomic: on failure @profile is unchanged. */
  ENT_EXPORT int ent_entitlement_enforce (const ent_entitlement_t *e, ent_profile_t *profile,
                                          ent_error_t **err) ENT_WUR;

/* How the manager treats an entitlement.  Set by the catalogue for its own
 * entries; custom entitlements default to: no group, not repeatable,
 * order ENT_ORDER_CUSTOM.  The setters return 0, -EBUSY once the
 * entitlement is frozen (held by a manager), -EPERM for the group, order
 * or repeatability of a built-in (made by ent_catalogue_new_default()),
 * -EINVAL for NULL, or -ENOMEM. */
#define ENT_ORDER_LEVEL 100  /* exclusive domain levels (security.* first) */
#define ENT_ORDER_FLAG 200   /* flags refining a level */
#define ENT_ORDER_LIST 300   /* list entries (host.fs.*, network.publish) */
#define ENT_ORDER_CUSTOM 400 /* custom entitlements: applied last */

  /* Exclusive group: at most one entitlement of a group is active. */
  ENT_EXPORT int ent_entitlement_set_group (ent_entitlement_t *e, const char *group) ENT_WUR;
  ENT_EXPORT const char *ent_entitlement_group (const ent_entitlement_t *e);
  /* Repeatable: the same name may be added again with different values. */
  ENT_EXPORT int ent_entitlement_set_repeatable (ent_entitlement_t *e, bool repeatable) ENT_WUR;
  ENT_EXPORT bool ent_entitlement_repeatable (const ent_entitlement_t *e);
  ENT_EXPORT int ent_entitlement_set_order (ent_entitlement_t *e, int order) ENT_WUR;
  ENT_EXPORT int ent_entitlement_order (const ent_entitlement_t *e);
  /* Where the grant came from ("command line", "dev.ini:3") and its
   * precedence: for an exclusive group a higher precedence replaces a lower
   * one; equal precedence is a conflict. */
  ENT_EXPORT int ent_entitlement_set_source (ent_entitlement_t *e, const char *source,
                                             int precedence) ENT_WUR;
  ENT_EXPORT const char *ent_entitlement_source (const ent_entitlement_t *e);
  ENT_EXPORT int ent_entitlement_precedence (const ent_entitlement_t *e);

#define ENT_PRECEDENCE_DEFAULT 0
#define ENT_PRECEDENCE_PROFILE 10
#define ENT_PRECEDENCE_CLI 20

#ifdef __cplusplus
}
#endif
#endif
