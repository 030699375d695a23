/* libentitlement — catalogues of entitlement definitions.
 *
 * A definition says what a name means: its type, exclusive group, the
 * callback, a one-line description.  A request such as "network.proxy=URL"
 * is instantiated against a catalogue into an ent_entitlement_t.
 */
#ifndef ENT_CATALOGUE_H
#define ENT_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "ent-entitlement.h"

#ifdef __cplusplus
extern "C"
{
#endif

  typedef struct ent_definition
  {
    const char *name; /* "network.none", "host.fs.rw" (no value) */
    ent_type_t type;
    const char *group;       /* exclusive group, or NULL */
    bool is_default;         /* the group's level when none is granted */
    bool repeatable;         /* may be granted several times (lists) */
    bool size;               /* int values take a K/M/G/T suffix */
    char key_sep;            /* repeatable: grants whose values agree up to the
                                last key_sep are one setting, and precedence
                                decides between them (api.access=NAME:allow) */
    int order;               /* ENT_ORDER_* */
    const char *value_hint;  /* "PATH", "URL", "H:S[/udp]"; NULL for void */
    bool path;               /* string values are paths, tidied on
                                instantiation ("//" and "/./" collapsed, a
                                trailing "/" dropped): one grant per path */
    const char *description; /* one line for --list / --explain */
    ent_void_fn void_fn;     /* the one matching @type */
    ent_int_fn int_fn;
    ent_string_fn string_fn;
    void *data;
  } ent_definition_t;

  typedef struct ent_catalogue ent_catalogue_t;

  /* An empty catalogue. */
  ENT_EXPORT ent_catalogue_t *ent_catalogue_new (void);
  /* The default catalogue of entrun's DESIGN: network.*, security.*,
   * host.devices.*, host.processes.*, host.fs.*. */
  ENT_EXPORT ent_catalogue_t *ent_catalogue_new_default (void);
  ENT_EXPORT void ent_catalogue_free (ent_catalogue_t *c);

  /* Add a custom definition (strings are copied).  Its name must be valid, not
   * already defined, and outside the built-in domains, as its group must
   * (ent_domain_reserved). */
  ENT_EXPORT int ent_catalogue_register (ent_catalogue_t *c, const ent_definition_t *def,
                                         ent_error_t **err) ENT_WUR;

  /* Is @domain reserved for built-ins: network, security, host, resources,
   * debug, api, or a domain below one ("host.fs", "network.x") but their
   * "custom" sub-domains ("security.custom", "network.custom.acme"), which
   * are a platform's (Go's convention).  Exclusive groups are named like
   * domains, and the same rule keeps every group under a reserved root
   * (network, security, host.devices, ...) to built-ins. */
  ENT_EXPORT bool ent_domain_reserved (const char *domain);

  ENT_EXPORT const ent_definition_t *ent_catalogue_lookup (const ent_catalogue_t *c,
                                                           const char *name);
  /* Definitions sorted by name. */
  ENT_EXPORT size_t ent_catalogue_size (const ent_catalogue_t *c);
  ENT_EXPORT const ent_definition_t *ent_catalogue_get (const ent_catalogue_t *c, size_t i);

  /* Parse @request ("network.proxy=http://h:3128"), find its definition, check
   * the value against the type, and build the entitlement (floating: see
   * ent-entitlement.h).  Errors name the request: unknown entitlement, value
   * on a void one, missing value, bad int.  Only an entitlement instantiated
   * from ent_catalogue_new_default() may carry a reserved domain's name: a
   * manager refuses one built by hand (ent_void_entitlement_new
   * ("network.host", ...)). */
  ENT_EXPORT ent_entitlement_t *ent_catalogue_instantiate (const ent_catalogue_t *c,
                                                           const char *request, ent_error_t **err);

#ifdef __cplusplus
}
#endif
#endif
