/* libentitlement — the manager (see ent-manager.h).
 *
 * Rather than editing one profile as grants arrive (Docker's Go manager
 * does), every add rebuilds the resolved profile from the base, applying the
 * grants sorted by (order, full name).  Grants are few, so the cost is
 * nothing, and it buys both atomicity and order independence for free. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ent-catalogue.h"
#include "ent-entitlement-private.h"
#include "ent-manager.h"
#include "ent-util.h"

struct ent_manager
{
  ent_profile_t *base;
  const ent_catalogue_t *defaults;
  ent_entitlement_t **grants; /* what was granted, owned */
  size_t n_grants;
  ent_entitlement_t **active; /* grants + default levels, canonical order */
  size_t n_active;
  ent_entitlement_t **implied; /* the default levels in @active, owned */
  size_t n_implied;
  ent_profile_t *profile; /* resolved */
};

static void
free_ents (ent_entitlement_t **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ent_entitlement_free (v[i]);
  free (v);
}

static int
active_cmp (const void *a, const void *b)
{
  const ent_entitlement_t *x = *(ent_entitlement_t *const *)a;
  const ent_entitlement_t *y = *(ent_entitlement_t *const *)b;

  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return strcmp (x->full_name, y->full_name);
}

static bool
group_granted (ent_entitlement_t *const *grants, size_t n, const char *group)
{
  for (size_t i = 0; i < n; i++)
    if (grants[i]->group && strcmp (grants[i]->group, group) == 0)
      return true;
  return false;
}

/* Instantiate the default level of every group of the catalogue that no
 * grant covers. */
static int
make_implied (const ent_catalogue_t *cat, ent_entitlement_t *const *grants, size_t n,
              ent_entitlement_t ***out, size_t *n_out, ent_error_t **err)
{
  size_t count = cat ? ent_catalogue_size (cat) : 0;
  ent_entitlement_t **v = calloc (count + 1, sizeof (*v));
  size_t k = 0;

  if (v == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < count; i++)
    {
      const ent_definition_t *d = ent_catalogue_get (cat, i);
      if (!d->is_default || d->group == NULL || group_granted (grants, n, d->group))
        continue;
      v[k] = ent_catalogue_instantiate (cat, d->name, err);
      if (v[k] == NULL || ent_entitlement_set_source (v[k], "default", ENT_PRECEDENCE_DEFAULT) < 0)
        {
          free_ents (v, k + (v[k] != NULL));
          return err && *err ? -(*err)->code : -ENOMEM;
        }
      k++;
    }
  *out = v;
  *n_out = k;
  return 0;
}

/* Build the resolved profile for @grants.  On success the manager's active
 * and implied lists and profile are replaced; on failure nothing changes. */
static int
rebuild (ent_manager_t *m, ent_entitlement_t **grants, size_t n, ent_error_t **err)
{
  ent_entitlement_t **implied = NULL, **active = NULL;
  ent_profile_t *p = NULL;
  size_t n_implied = 0;
  int ret = make_implied (m->defaults, grants, n, &implied, &n_implied, err);

  if (ret < 0)
    return ret;
  active = calloc (n + n_implied + 1, sizeof (*active));
  p = ent_profile_copy (m->base);
  if (active == NULL || p == NULL)
    {
      ret = ent_error_set (err, ENOMEM, "out of memory");
      goto fail;
    }
  if (n > 0) /* @grants is NULL when the manager is created */
    memcpy (active, grants, n * sizeof (*active));
  memcpy (active + n, implied, n_implied * sizeof (*active));
  qsort (active, n + n_implied, sizeof (*active), active_cmp);
  for (size_t i = 0; i < n + n_implied; i++)
    if ((ret = ent_entitlement_call (active[i], p, err)) < 0)
      goto fail;
  /* Host API sockets not granted stay hidden (api.access, deny by
   * default), and the developer's-machine boundary adds what no grant
   * named. */
  if ((ret = ent_profile_apply_defaults (p, err)) < 0)
    goto fail;

  free_ents (m->implied, m->n_implied);
  free (m->active);
  ent_profile_free (m->profile);
  m->implied = implied;
  m->n_implied = n_implied;
  m->active = active;
  m->n_active = n + n_implied;
  m->profile = p;
  return 0;

fail:
  free_ents (implied, n_implied);
  free (active);
  ent_profile_free (p);
  return ret;
}

/* A manager with nothing resolved yet: its first rebuild makes it whole. */
static ent_manager_t *
manager_alloc (ent_profile_t *base, const ent_catalogue_t *defaults)
{
  ent_manager_t *m = calloc (1, sizeof (*m));

  if (base == NULL)
    base = ent_profile_new ();
  if (m == NULL || base == NULL)
    {
      free (m);
      ent_profile_free (base);
      return NULL;
    }
  m->base = base;
  m->defaults = defaults;
  return m;
}

ent_manager_t *
ent_manager_new (ent_profile_t *base, const ent_catalogue_t *defaults)
{
  ent_manager_t *m = manager_alloc (base, defaults);

  if (m != NULL && rebuild (m, NULL, 0, NULL) < 0)
    {
      ent_manager_free (m);
      return NULL;
    }
  return m;
}

ent_manager_t *
ent_manager_new_granted (ent_profile_t *base, const ent_catalogue_t *defaults,
                         ent_entitlement_t **ents, size_t n, ent_error_t **err)
{
  ent_manager_t *m = manager_alloc (base, defaults);

  if (m == NULL)
    {
      for (size_t i = 0; i < n; i++)
        ent_entitlement_free (ents[i]);
      ent_error_set (err, ENOMEM, "out of memory");
      return NULL;
    }
  /* With no grants yet, add_all's one rebuild is the first. */
  if (ent_manager_add_all (m, ents, n, err) < 0)
    {
      ent_manager_free (m);
      return NULL;
    }
  return m;
}

void
ent_manager_free (ent_manager_t *m)
{
  if (m == NULL)
    return;
  free_ents (m->grants, m->n_grants);
  free_ents (m->implied, m->n_implied);
  free (m->active);
  ent_profile_free (m->profile);
  ent_profile_free (m->base);
  free (m);
}

enum verdict
{
  KEEP_BOTH,
  DROP_NEW,
  REPLACE_OLD,
};

/* Do two grants of a keyed repeatable entitlement set the same thing
 * (api.access=docker:allow and api.access=docker:deny)? */
static bool
same_key (const ent_entitlement_t *a, const ent_entitlement_t *b)
{
  const char *ka, *kb;

  if (!a->key_sep || !a->name.value || !b->name.value)
    return false;
  ka = strrchr (a->name.value, a->key_sep);
  kb = strrchr (b->name.value, b->key_sep);
  return ka && kb && ka - a->name.value == kb - b->name.value
         && strncmp (a->name.value, b->name.value, ka - a->name.value) == 0;
}

/* Decide how @e relates to an existing grant @old. */
static int
judge (const ent_entitlement_t *old, const ent_entitlement_t *e, enum verdict *v, ent_error_t **err)
{
  bool same_name = strcmp (old->name.name, e->name.name) == 0;
  bool same_group = old->group && e->group && strcmp (old->group, e->group) == 0;

  *v = KEEP_BOTH;
  if (strcmp (old->full_name, e->full_name) == 0)
    {
      /* The same grant twice: one is kept, and its source is what the
       * renderings show.  The higher precedence's; at one precedence the
       * source first in byte order, not the one that came first, so that
       * the order of two profiles on the command line changes nothing. */
      if (e->precedence != old->precedence)
        *v = e->precedence > old->precedence ? REPLACE_OLD : DROP_NEW;
      else
        *v = strcmp (ent_entitlement_source (e), ent_entitlement_source (old)) < 0 ? REPLACE_OLD
                                                                                   : DROP_NEW;
      return 0;
    }
  if (!same_group && (!same_name || (e->repeatable && !same_key (old, e))))
    return 0;
  if (e->precedence == old->precedence)
    {
      if (same_group)
        ent_error_set (err, EEXIST, "conflicting %s levels: '%s' (%s) and '%s' (%s)", e->group,
                       old->full_name, ent_entitlement_source (old), e->full_name,
                       ent_entitlement_source (e));
      else
        ent_error_set (err, EEXIST, "'%s' (%s) and '%s' (%s): only one value allowed",
                       old->full_name, ent_entitlement_source (old), e->full_name,
                       ent_entitlement_source (e));
      /* From a profile: lead with the FILE:LINE of the grant that clashed. */
      if (e->source && strchr (e->source, ':'))
        ent_error_prefix (err, "%s", e->source);
      return -EEXIST;
    }
  *v = e->precedence > old->precedence ? REPLACE_OLD : DROP_NEW;
  return 0;
}

static bool
contains (ent_entitlement_t *const *v, size_t n, const ent_entitlement_t *e)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == e)
      return true;
  return false;
}

/* Fold @e into @next (@n entries), resolving duplicates and conflicts. */
static int
fold (ent_entitlement_t **next, size_t *n, ent_entitlement_t *e, ent_error_t **err)
{
  size_t out = 0;
  bool keep_new = true;

  for (size_t i = 0; i < *n; i++)
    {
      enum verdict v;
      int ret = judge (next[i], e, &v, err);
      if (ret < 0)
        return ret;
      if (v == DROP_NEW)
        keep_new = false;
      if (v != REPLACE_OLD)
        next[out++] = next[i];
    }
  if (keep_new)
    next[out++] = e;
  *n = out;
  return 0;
}

/* The lowest precedence of @ents above @above (any when !@have_above);
 * false when there is none. */
static bool
next_precedence (ent_entitlement_t *const *ents, size_t n, bool have_above, int above, int *out)
{
  bool found = false;

  for (size_t i = 0; i < n; i++)
    if ((!have_above || ents[i]->precedence > above) && (!found || ents[i]->precedence < *out))
      {
        *out = ents[i]->precedence;
        found = true;
      }
  return found;
}

/* Fold @ents into @next one precedence at a time, the lowest first.  Two
 * levels of a group from one source are a conflict even when a grant of
 * higher precedence would override both: folded in the order given, the
 * override could come first and drop them one by one unseen, so whether a
 * set is accepted would depend on its order. */
static int
fold_all (ent_entitlement_t **next, size_t *n, ent_entitlement_t **ents, size_t n_ents,
          ent_error_t **err)
{
  bool have_level = false;
  int level = 0;

  while (next_precedence (ents, n_ents, have_level, level, &level))
    {
      for (size_t i = 0; i < n_ents; i++)
        {
          int ret = ents[i]->precedence == level ? fold (next, n, ents[i], err) : 0;
          if (ret < 0)
            return ret;
        }
      have_level = true;
    }
  return 0;
}

int
ent_manager_add_all (ent_manager_t *m, ent_entitlement_t **ents, size_t n_ents, ent_error_t **err)
{
  ent_entitlement_t **next = calloc (m->n_grants + n_ents + 1, sizeof (*next));
  size_t n = m->n_grants;
  int ret = 0;

  for (size_t i = 0; ret == 0 && i < n_ents; i++)
    if (ents[i] == NULL)
      ret = ent_error_set (err, EINVAL, "no entitlement");
  if (ret == 0 && next == NULL)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  if (ret == 0 && m->n_grants > 0) /* no grants yet: m->grants is NULL */
    memcpy (next, m->grants, m->n_grants * sizeof (*next));
  if (ret == 0)
    ret = fold_all (next, &n, ents, n_ents, err);
  /* One rebuild for the whole set: a grant that depends on another
   * (network.publish on network.user) is judged with all of them present,
   * whatever order they came in. */
  if (ret == 0)
    ret = rebuild (m, next, n, err);
  if (ret < 0)
    {
      free (next);
      for (size_t i = 0; i < n_ents; i++)
        ent_entitlement_free (ents[i]);
      return ret;
    }
  for (size_t i = 0; i < m->n_grants; i++)
    if (!contains (next, n, m->grants[i]))
      ent_entitlement_free (m->grants[i]);
  for (size_t i = 0; i < n_ents; i++)
    if (!contains (next, n, ents[i]))
      ent_entitlement_free (ents[i]);
  free (m->grants);
  m->grants = next;
  m->n_grants = n;
  return 0;
}

int
ent_manager_add (ent_manager_t *m, ent_entitlement_t *e, ent_error_t **err)
{
  return ent_manager_add_all (m, &e, 1, err);
}

int
ent_manager_add_request (ent_manager_t *m, const ent_catalogue_t *cat, const char *request,
                         const char *source, int precedence, ent_error_t **err)
{
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, request, err);

  if (e == NULL)
    return err && *err ? -(*err)->code : -EINVAL;
  if (ent_entitlement_set_source (e, source, precedence) < 0)
    {
      ent_entitlement_free (e);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  return ent_manager_add (m, e, err);
}

const ent_profile_t *
ent_manager_profile (const ent_manager_t *m)
{
  return m->profile;
}

size_t
ent_manager_count (const ent_manager_t *m)
{
  return m->n_active;
}

const ent_entitlement_t *
ent_manager_get (const ent_manager_t *m, size_t i)
{
  return i < m->n_active ? m->active[i] : NULL;
}
