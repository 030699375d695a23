/* libentitlement — internals of ent_entitlement_t shared by the manager and
 * the catalogue.  Not installed. */
#ifndef ENT_ENTITLEMENT_PRIVATE_H
#define ENT_ENTITLEMENT_PRIVATE_H

#include "ent-entitlement.h"
#include "ent-name.h"

struct ent_entitlement
{
  char *full_name;
  ent_name_t name;
  ent_type_t type;
  int64_t ival;
  void *fn; /* ent_void_fn, ent_int_fn or ent_string_fn per @type */
  void *data;
  /* Frees @data with the last reference; NULL: @data is not owned.  Set
   * by the library's own constructors (ent_seccomp_entitlement_new). */
  void (*data_free) (void *data);
  char *group;
  bool repeatable;
  char key_sep; /* see ent_definition_t */
  int order;
  char *source;
  int precedence;
  unsigned refs;
  bool floating;    /* the creator's reference, not yet taken by a manager */
  bool reserved_ok; /* from the catalogue that owns the reserved domains */
  bool path;        /* the value is a path, tidied (ent_path_tidy) */
  bool lent;        /* handed out by ent_manager_get(): outlives its grant */
};

/* A manager takes @e: the floating reference if there is one, else a new
 * one.  Drop it with ent_entitlement_free(). */
ent_entitlement_t *ent_entitlement_take (ent_entitlement_t *e);

ent_entitlement_t *ent_entitlement_new_typed (const char *full_name, ent_type_t type, bool size,
                                              void *fn, void *data, ent_error_t **err);

/* Run the callback on @profile in place (not atomic).  A callback that
 * breaks its contract (returns > 0, or 0 with an error set) fails. */
int ent_entitlement_call (const ent_entitlement_t *e, ent_profile_t *profile, ent_error_t **err);

#endif
