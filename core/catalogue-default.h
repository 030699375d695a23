/* libentitlement — the built-in catalogue's definitions.  Not installed. */
#ifndef ENT_CATALOGUE_DEFAULT_H
#define ENT_CATALOGUE_DEFAULT_H

#include "ent-catalogue.h"

extern const ent_definition_t ent_default_definitions[];
extern const size_t ent_default_definitions_count;

/* Insert without the reserved-domain check (ent-catalogue.c). */
int ent_catalogue_insert (ent_catalogue_t *c, const ent_definition_t *def, ent_error_t **err);

#endif
