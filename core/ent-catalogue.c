/* libentitlement — catalogue storage, lookup and instantiation.  The default
 * entries themselves live in catalogue-default.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "catalogue-default.h"
#include "ent-catalogue.h"
#include "ent-entitlement-private.h"
#include "ent-util.h"

struct ent_catalogue
{
  ent_definition_t *defs; /* sorted by name; strings owned */
  size_t n;
  bool builtin; /* ent_catalogue_new_default(): owns the reserved domains */
};

/* The built-in domains, each with every domain below it ("host" holds
 * host.fs, host.devices, host.processes and host.clipboard's "host"). */
static const char *const reserved_roots[] = {
  "network", "security", "host", "resources", "debug", "api",
};

bool
ent_domain_reserved (const char *domain)
{
  if (domain == NULL)
    return false;
  for (size_t i = 0; i < N_ELEMENTS (reserved_roots); i++)
    {
      size_t n = strlen (reserved_roots[i]);
      const char *rest = domain + n;

      if (strncmp (domain, reserved_roots[i], n) != 0 || (*rest != '\0' && *rest != '.'))
        continue;
      /* ROOT.custom and below are a platform's: Go's
       * "security.custom.cap-sys-admin". */
      if (*rest == '.' && strncmp (rest + 1, "custom", 6) == 0
          && (rest[7] == '\0' || rest[7] == '.'))
        return false;
      return true;
    }
  return false;
}

ent_catalogue_t *
ent_catalogue_new (void)
{
  return calloc (1, sizeof (ent_catalogue_t));
}

static void
def_clear (ent_definition_t *d)
{
  free ((char *)d->name);
  free ((char *)d->group);
  free ((char *)d->value_hint);
  free ((char *)d->description);
}

void
ent_catalogue_free (ent_catalogue_t *c)
{
  if (c == NULL)
    return;
  for (size_t i = 0; i < c->n; i++)
    def_clear (&c->defs[i]);
  free (c->defs);
  free (c);
}

/* strdup, with NULL for NULL; *ok turns false on allocation failure. */
static const char *
dup_opt (const char *s, bool *ok)
{
  char *d = s ? strdup (s) : NULL;

  if (s && d == NULL)
    *ok = false;
  return d;
}

static int
check_definition (const ent_definition_t *def, ent_error_t **err)
{
  void *fn = def->type == ENT_TYPE_VOID  ? (void *)def->void_fn
             : def->type == ENT_TYPE_INT ? (void *)def->int_fn
                                         : (void *)def->string_fn;
  if ((unsigned)def->type > ENT_TYPE_STRING)
    return ent_error_set (err, EINVAL, "entitlement '%s': bad type", def->name);
  if (fn == NULL)
    return ent_error_set (err, EINVAL, "entitlement '%s': no %s callback", def->name,
                          ent_type_name (def->type));
  if (def->is_default && def->group == NULL)
    return ent_error_set (err, EINVAL, "entitlement '%s': a default level needs a group",
                          def->name);
  return 0;
}

/* Insert @def keeping the list sorted; reserved-domain checks are the
 * caller's. */
int
ent_catalogue_insert (ent_catalogue_t *c, const ent_definition_t *def, ent_error_t **err)
{
  ent_definition_t copy = *def;
  size_t pos = 0;
  bool ok = true;
  int ret;

  if ((ret = ent_name_validate (def->name, err)) < 0 || (ret = check_definition (def, err)) < 0)
    return ret;
  while (pos < c->n && strcmp (c->defs[pos].name, def->name) < 0)
    pos++;
  if (pos < c->n && strcmp (c->defs[pos].name, def->name) == 0)
    return ent_error_set (err, EEXIST, "entitlement '%s' is already defined", def->name);

  copy.name = dup_opt (def->name, &ok);
  copy.group = dup_opt (def->group, &ok);
  copy.value_hint = dup_opt (def->value_hint, &ok);
  copy.description = dup_opt (def->description, &ok);
  ent_definition_t *defs = ok ? realloc (c->defs, (c->n + 1) * sizeof (*defs)) : NULL;
  if (defs == NULL)
    {
      def_clear (&copy);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  memmove (&defs[pos + 1], &defs[pos], (c->n - pos) * sizeof (*defs));
  defs[pos] = copy;
  c->defs = defs;
  c->n++;
  return 0;
}

static int
register_def (ent_catalogue_t *c, const ent_definition_t *def, ent_error_t **err)
{
  ent_name_t n;
  int ret = ent_name_parse (def->name, &n, err);

  if (ret < 0)
    return ret;
  if (n.value)
    ret = ent_error_set (err, EINVAL, "entitlement definition '%s' must not carry a value",
                         def->name);
  else if (ent_domain_reserved (n.domain))
    ret = ent_error_set (err, EPERM, "entitlement '%s': domain '%s' is reserved for built-ins",
                         def->name, n.domain);
  else if (ent_domain_reserved (def->group))
    ret = ent_error_set (err, EPERM, "entitlement '%s': group '%s' is reserved for built-ins",
                         def->name, def->group);
  ent_name_clear (&n);
  if (ret < 0)
    return ret;
  return ent_catalogue_insert (c, def, err);
}

int
ent_catalogue_register (ent_catalogue_t *c, const ent_definition_t *def, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  int ret = c && def && def->name ? register_def (c, def, err)
                                  : ent_error_set (err, EINVAL, "no catalogue or definition");

  return ent_error_unstash (err, stale, ret);
}

ent_catalogue_t *
ent_catalogue_new_default (void)
{
  ent_catalogue_t *c = ent_catalogue_new ();

  if (c == NULL)
    return NULL;
  for (size_t i = 0; i < ent_default_definitions_count; i++)
    if (ent_catalogue_insert (c, &ent_default_definitions[i], NULL) < 0)
      {
        ent_catalogue_free (c);
        return NULL;
      }
  c->builtin = true;
  return c;
}

const ent_definition_t *
ent_catalogue_lookup (const ent_catalogue_t *c, const char *name)
{
  size_t lo = 0, hi = c && name ? c->n : 0;

  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      int cmp = strcmp (c->defs[mid].name, name);
      if (cmp == 0)
        return &c->defs[mid];
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

size_t
ent_catalogue_size (const ent_catalogue_t *c)
{
  return c->n;
}

const ent_definition_t *
ent_catalogue_get (const ent_catalogue_t *c, size_t i)
{
  return i < c->n ? &c->defs[i] : NULL;
}

static ent_entitlement_t *
instantiate (const ent_catalogue_t *c, const char *request, ent_error_t **err)
{
  const ent_definition_t *d;
  cleanup_free char *tidy = NULL;
  ent_entitlement_t *e;
  ent_name_t n;
  void *fn;

  if (c == NULL || request == NULL)
    {
      ent_error_set (err, EINVAL, "%s", c ? "no request" : "no catalogue");
      return NULL;
    }
  if (ent_name_parse (request, &n, err) < 0)
    return NULL;
  d = ent_catalogue_lookup (c, n.name);
  if (d != NULL && d->path && d->type == ENT_TYPE_STRING && n.value != NULL)
    {
      cleanup_free char *value = ent_path_tidy (n.value);
      if (value == NULL || asprintf (&tidy, "%s=%s", n.name, value) < 0)
        {
          tidy = NULL;
          ent_name_clear (&n);
          ent_error_set (err, ENOMEM, "out of memory");
          return NULL;
        }
    }
  ent_name_clear (&n);
  if (d == NULL)
    {
      ent_error_set (err, ENOENT, "unknown entitlement '%s'", request);
      return NULL;
    }
  fn = d->type == ENT_TYPE_VOID  ? (void *)d->void_fn
       : d->type == ENT_TYPE_INT ? (void *)d->int_fn
                                 : (void *)d->string_fn;
  e = ent_entitlement_new_typed (tidy ? tidy : request, d->type, d->size, fn, d->data, err);
  if (e == NULL)
    return NULL;
  e->repeatable = d->repeatable;
  e->key_sep = d->key_sep;
  e->order = d->order;
  e->path = tidy != NULL;
  if (ent_entitlement_set_group (e, d->group) < 0)
    {
      ent_entitlement_free (e);
      ent_error_set (err, ENOMEM, "out of memory");
      return NULL;
    }
  /* A built-in: its attributes are fixed from here (a platform's own
   * definition registered in the default catalogue is a custom). */
  e->reserved_ok = c->builtin && ent_domain_reserved (e->name.domain);
  return e;
}

ent_entitlement_t *
ent_catalogue_instantiate (const ent_catalogue_t *c, const char *request, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_entitlement_t *e = instantiate (c, request, err);

  ent_error_unstash (err, stale, e ? 0 : -EINVAL);
  return e;
}
