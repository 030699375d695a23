/* libentitlement — the manager (see ent-manager.h).
 *
 * Rather than editing one profile as grants arrive (Docker's Go manager
 * does), the manager resolves its profile from the base, applying the
 * grants in force sorted by (order, full name).  That buys atomicity and
 * order independence.  An add whose grants all sort after every active
 * one (the usual case: customs come last, a platform adds in order)
 * continues from the profile before the defaults instead of starting
 * over, so n such adds cost n callback runs, not n(n+1)/2.
 *
 * Every grant is kept, also one that a grant of higher precedence
 * overrides: removing the winner brings it back, and a conflict with it
 * is found whatever the order of the adds. */
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
  ent_entitlement_t **grants; /* every grant, in the order granted; a reference each */
  size_t n_grants;
  ent_entitlement_t **effective; /* the grants in force: borrowed from @grants */
  size_t n_effective;
  ent_entitlement_t **implied; /* default levels in force; a reference each */
  size_t n_implied;
  ent_entitlement_t **active; /* @effective + @implied, canonical order (borrowed) */
  size_t n_active;
  ent_profile_t *pre;     /* the base after every active callback */
  ent_profile_t *profile; /* resolved: @pre plus ent_profile_apply_defaults() */
  bool profile_lent;      /* ent_manager_profile() gave @profile out */
  /* What the API gave out and the manager has since replaced: kept until
   * ent_manager_free(), as ent-manager.h promises. */
  ent_profile_t **old_profiles;
  size_t n_old_profiles;
  ent_entitlement_t **old_ents; /* a reference each */
  size_t n_old_ents;
  bool busy; /* resolving: a callback calling back in gets -EBUSY */
  bool once;  /* ent_manager_new_granted(): resolved once, @pre not kept */
};

/* A resolution not yet committed to the manager. */
typedef struct
{
  ent_entitlement_t **effective, **implied, **active;
  size_t n_effective, n_implied, n_active;
  ent_profile_t *pre, *profile;
} state_t;

static void
free_ents (ent_entitlement_t **v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    ent_entitlement_free (v[i]);
  free (v);
}

static void
state_clear (state_t *s)
{
  free (s->effective);
  free_ents (s->implied, s->n_implied);
  free (s->active);
  ent_profile_free (s->pre);
  ent_profile_free (s->profile);
  memset (s, 0, sizeof (*s));
}

static bool
push (void *vp, size_t *n, void *item)
{
  void ***v = vp;
  void **grown = realloc (*v, (*n + 1) * sizeof (void *));

  if (grown == NULL)
    return false;
  grown[(*n)++] = item;
  *v = grown;
  return true;
}

/* Let go of @e, which leaves the manager's lists.  One that
 * ent_manager_get() gave out stays until the manager is freed (leaked
 * rather than freed if there is no memory to keep it). */
static void
release (ent_manager_t *m, ent_entitlement_t *e)
{
  if (!__atomic_load_n (&e->lent, __ATOMIC_ACQUIRE))
    ent_entitlement_free (e);
  else
    (void)push (&m->old_ents, &m->n_old_ents, e);
}

/* Lent: kept until ent_manager_free() once it leaves the lists. */
static const ent_entitlement_t *
lend (ent_entitlement_t *e)
{
  (void)__atomic_exchange_n (&e->lent, true, __ATOMIC_ACQ_REL); /* RMW: helgrind sees it */
  return e;
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

/* Merge sorted @a and @b into @out. */
static void
merge (ent_entitlement_t *const *a, size_t na, ent_entitlement_t *const *b, size_t nb,
       ent_entitlement_t **out)
{
  size_t i = 0, j = 0;

  while (i < na || j < nb)
    *out++ = j == nb || (i < na && active_cmp (&a[i], &b[j]) <= 0) ? a[i++] : b[j++];
}

static bool
sorted (ent_entitlement_t *const *v, size_t n)
{
  for (size_t i = 1; i < n; i++)
    if (active_cmp (&v[i - 1], &v[i]) > 0)
      return false;
  return true;
}

/* Put @s->effective in canonical order.  After an add it is the manager's
 * sorted list, less what the new grants replaced, plus the new ones at
 * the end (fold() keeps that order): sorting the tail and merging costs
 * O(n), where sorting it all would cost O(n log n) on every add. */
static int
sort_effective (state_t *s, ent_entitlement_t *const *added, size_t n_added, ent_error_t **err)
{
  size_t split = s->n_effective;
  ent_entitlement_t **out;

  for (bool from_added = true; from_added && split > 0;)
    {
      from_added = false;
      for (size_t i = 0; !from_added && i < n_added; i++)
        from_added = s->effective[split - 1] == added[i];
      split -= from_added;
    }
  if (!sorted (s->effective, split))
    split = 0;
  qsort (s->effective + split, s->n_effective - split, sizeof (*s->effective), active_cmp);
  if (split == 0 || split == s->n_effective)
    return 0;
  if ((out = calloc (s->n_effective + 1, sizeof (*out))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  merge (s->effective, split, s->effective + split, s->n_effective - split, out);
  free (s->effective);
  s->effective = out;
  return 0;
}

static bool
group_granted (ent_entitlement_t *const *grants, size_t n, const char *group)
{
  for (size_t i = 0; i < n; i++)
    if (grants[i]->group && strcmp (grants[i]->group, group) == 0)
      return true;
  return false;
}

/* The default level of every group of the catalogue that no grant in
 * force covers: the manager's own object when it already has one, so that
 * an unchanged default keeps its place (and its pointer). */
static int
make_implied (const ent_manager_t *m, state_t *s, ent_error_t **err)
{
  size_t count = m->defaults ? ent_catalogue_size (m->defaults) : 0;

  if ((s->implied = calloc (count + 1, sizeof (*s->implied))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < count; i++)
    {
      const ent_definition_t *d = ent_catalogue_get (m->defaults, i);
      ent_entitlement_t *e = NULL;

      if (!d->is_default || d->group == NULL
          || group_granted (s->effective, s->n_effective, d->group))
        continue;
      for (size_t j = 0; e == NULL && j < m->n_implied; j++)
        if (strcmp (m->implied[j]->full_name, d->name) == 0)
          e = ent_entitlement_ref (m->implied[j]);
      if (e == NULL)
        {
          e = ent_catalogue_instantiate (m->defaults, d->name, err);
          if (e == NULL)
            return err && *err ? -(*err)->code : -ENOMEM;
          if (ent_entitlement_set_source (e, "default", ENT_PRECEDENCE_DEFAULT) < 0)
            {
              ent_entitlement_free (e);
              return ent_error_set (err, ENOMEM, "out of memory");
            }
          ent_entitlement_take (e);
        }
      s->implied[s->n_implied++] = e;
    }
  return 0;
}

/* Resolve @s->effective into @s: the default levels, the canonical order,
 * the profile.  Continues from the manager's profile when its active list
 * is a prefix of the new one (the callbacks are pure: see
 * ent-entitlement.h), else starts from the base. */
static int
resolve (const ent_manager_t *m, state_t *s, ent_error_t **err)
{
  size_t start = 0;
  int ret;

  if ((ret = make_implied (m, s, err)) < 0)
    return ret;
  s->n_active = s->n_effective + s->n_implied;
  if ((s->active = calloc (s->n_active + 1, sizeof (*s->active))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  /* @s->effective is sorted (sort_effective); the default levels are few. */
  qsort (s->implied, s->n_implied, sizeof (*s->implied), active_cmp);
  merge (s->effective, s->n_effective, s->implied, s->n_implied, s->active);

  if (m->pre != NULL && m->n_active <= s->n_active
      && (m->n_active == 0
          || memcmp (m->active, s->active, m->n_active * sizeof (*s->active)) == 0))
    start = m->n_active;
  if ((s->pre = ent_profile_copy (start > 0 ? m->pre : m->base)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  ((ent_manager_t *)m)->busy = true;
  for (size_t i = start; ret == 0 && i < s->n_active; i++)
    ret = ent_entitlement_call (s->active[i], s->pre, err);
  ((ent_manager_t *)m)->busy = false;
  if (ret < 0)
    return ret;
  /* Host API sockets not granted stay hidden (api.access, deny by
   * default), and the developer's-machine boundary adds what no grant
   * named. */
  if (m->once)
    {
      /* A launcher's one resolution: no later add continues from @pre,
       * so the defaults go on it in place, a copy saved (the next
       * change, if any, resolves from the base). */
      s->profile = s->pre;
      s->pre = NULL;
    }
  else if ((s->profile = ent_profile_copy (s->pre)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  return ent_profile_apply_defaults (s->profile, err);
}

/* Make @s the manager's state.  What it replaces is freed, or kept if the
 * API gave it out. */
static void
commit (ent_manager_t *m, state_t *s)
{
  for (size_t i = 0; i < m->n_implied; i++)
    {
      bool kept = false;
      for (size_t j = 0; !kept && j < s->n_implied; j++)
        kept = s->implied[j] == m->implied[i];
      if (kept)
        ent_entitlement_free (m->implied[i]); /* @s holds its own reference */
      else
        release (m, m->implied[i]);
    }
  free (m->implied);
  free (m->effective);
  free (m->active);
  ent_profile_free (m->pre);
  if (!m->profile_lent || !push (&m->old_profiles, &m->n_old_profiles, m->profile))
    {
      if (m->profile_lent)
        m->profile = NULL; /* leaked rather than freed under the caller */
      ent_profile_free (m->profile);
    }
  m->effective = s->effective;
  m->n_effective = s->n_effective;
  m->implied = s->implied;
  m->n_implied = s->n_implied;
  m->active = s->active;
  m->n_active = s->n_active;
  m->pre = s->pre;
  m->profile = s->profile;
  m->profile_lent = false;
  memset (s, 0, sizeof (*s));
}

/* A manager with nothing resolved yet: its first resolution makes it whole. */
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
ent_manager_new (ent_profile_t *base, const ent_catalogue_t *defaults, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_manager_t *m = manager_alloc (base, defaults);
  state_t s = { 0 };
  int ret;

  if (m == NULL)
    ret = ent_error_set (err, ENOMEM, "out of memory");
  else if ((ret = resolve (m, &s, err)) == 0)
    commit (m, &s);
  if (ret < 0)
    {
      state_clear (&s);
      ent_manager_free (m);
      m = NULL;
    }
  ent_error_unstash (err, stale, ret);
  return m;
}

ent_manager_t *
ent_manager_new_granted (ent_profile_t *base, const ent_catalogue_t *defaults,
                         ent_entitlement_t **ents, size_t n, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_manager_t *m = manager_alloc (base, defaults);
  int ret;

  if (m == NULL)
    {
      for (size_t i = 0; i < n; i++)
        if (ents[i] != NULL)
          ent_entitlement_free (ent_entitlement_take (ents[i]));
      ret = ent_error_set (err, ENOMEM, "out of memory");
    }
  /* With no profile yet, add_all's one resolution is the first. */
  else if ((m->once = true, ret = ent_manager_add_all (m, ents, n, err)) < 0)
    {
      ent_manager_free (m);
      m = NULL;
    }
  else
    m->once = false; /* later changes keep their @pre again */
  ent_error_unstash (err, stale, ret < 0 ? ret : 0);
  return m;
}

void
ent_manager_free (ent_manager_t *m)
{
  if (m == NULL)
    return;
  free_ents (m->grants, m->n_grants);
  free_ents (m->implied, m->n_implied);
  ent_manager_trim (m);
  free (m->effective);
  free (m->active);
  ent_profile_free (m->pre);
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
  if (!same_name && !same_group)
    return 0; /* the common case, with one strcmp */
  if (strcmp (old->full_name, e->full_name) == 0)
    {
      /* The same grant twice: one is in force, and its source is what the
       * renderings show.  The higher precedence's; at one precedence the
       * source first in byte order, not the one that came first, so that
       * the order of two profiles on the command line changes nothing. */
      int by_source = strcmp (ent_entitlement_source (e), ent_entitlement_source (old));
      if (e->precedence != old->precedence)
        *v = e->precedence > old->precedence ? REPLACE_OLD : DROP_NEW;
      else if (by_source == 0 && (e->fn != old->fn || e->data != old->data))
        /* Two different entitlements by one name from one source: which
         * one is in force would depend on the order of the adds. */
        return ent_error_set (err, EEXIST, "two different entitlements named '%s' (%s)",
                              e->full_name, ent_entitlement_source (e));
      else
        *v = by_source < 0 ? REPLACE_OLD : DROP_NEW;
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
fold_all (ent_entitlement_t **next, size_t *n, ent_entitlement_t *const *ents, size_t n_ents,
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

/* The checks an entitlement passes before a manager takes it. */
static int
admissible (const ent_entitlement_t *e, ent_error_t **err)
{
  if (e == NULL)
    return ent_error_set (err, EINVAL, "no entitlement");
  /* A built-in name means what the catalogue says, or a platform's
   * no-op "network.host" would be listed as granted while the network
   * stays none. */
  if (ent_domain_reserved (e->name.domain) && !e->reserved_ok)
    return ent_error_set (err, EPERM,
                          "entitlement '%s': domain '%s' is reserved for built-ins; "
                          "instantiate it from the default catalogue",
                          e->full_name, e->name.domain);
  /* Nor may a custom join a built-in group: one named "security" would
   * take security.confined's place (seccomp off, every capability). */
  if (ent_domain_reserved (e->group) && !e->reserved_ok)
    return ent_error_set (err, EPERM, "entitlement '%s': group '%s' is reserved for built-ins",
                          e->full_name, e->group);
  return 0;
}

/* A callback that changes its own manager would free what the resolution
 * under way is using: the contract says callbacks are pure. */
static int
busy_error (ent_error_t **err)
{
  return ent_error_set (err, EBUSY, "the manager is resolving: a callback may not change it");
}

static int
add_all (ent_manager_t *m, ent_entitlement_t **ents, size_t n_ents, ent_error_t **err)
{
  state_t s = { 0 };
  ent_entitlement_t **grants;
  int ret = 0, inactive = 0;

  for (size_t i = 0; ret == 0 && i < n_ents; i++)
    ret = admissible (ents[i], err);
  if (ret < 0)
    return ret;
  /* A conflict with any grant, also one overridden since, and between
   * the new ones, also when a grant in force overrides both: the same
   * grants one at a time, or in one batch, would have found it. */
  for (size_t i = 0; i < n_ents; i++)
    for (size_t j = 0; j < m->n_grants + i; j++)
      {
        enum verdict v;
        const ent_entitlement_t *old = j < m->n_grants ? m->grants[j] : ents[j - m->n_grants];
        if (old != ents[i] && (ret = judge (old, ents[i], &v, err)) < 0)
          return ret;
      }
  if ((s.effective = calloc (m->n_effective + n_ents + 1, sizeof (*s.effective))) == NULL
      || (grants = realloc (m->grants, (m->n_grants + n_ents + 1) * sizeof (*grants))) == NULL)
    {
      free (s.effective);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  m->grants = grants;
  s.n_effective = m->n_effective;
  if (m->n_effective > 0)
    memcpy (s.effective, m->effective, m->n_effective * sizeof (*s.effective));
  /* One resolution for the whole set: a grant that depends on another
   * (network.publish on network.user) is judged with all of them present,
   * whatever order they came in. */
  if ((ret = fold_all (s.effective, &s.n_effective, ents, n_ents, err)) < 0
      || (ret = sort_effective (&s, ents, n_ents, err)) < 0 || (ret = resolve (m, &s, err)) < 0)
    {
      state_clear (&s);
      return ret;
    }
  commit (m, &s);
  if (n_ents > 0) /* @ents may be NULL then */
    memcpy (m->grants + m->n_grants, ents, n_ents * sizeof (*ents));
  m->n_grants += n_ents;
  /* Not in force: a grant that lost to another (higher, or the same name
   * from a preferred source); the very same grant again did not lose. */
  for (size_t i = 0; i < n_ents; i++)
    {
      bool in_force = false;
      for (size_t j = 0; !in_force && j < m->n_active; j++)
        in_force = m->active[j] == ents[i]
                   || (strcmp (m->active[j]->full_name, ents[i]->full_name) == 0
                       && m->active[j]->precedence == ents[i]->precedence
                       && strcmp (ent_entitlement_source (m->active[j]),
                                  ent_entitlement_source (ents[i]))
                              == 0);
      inactive += !in_force;
    }
  return inactive;
}

int
ent_manager_add_all (ent_manager_t *m, ent_entitlement_t **ents, size_t n_ents, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  int ret;

  /* The manager holds a reference to each from here on; on failure it
   * drops them, which frees those it took over from their creator. */
  for (size_t i = 0; i < n_ents; i++)
    if (ents[i] != NULL)
      ent_entitlement_take (ents[i]);
  ret = m == NULL ? ent_error_set (err, EINVAL, "no manager")
        : m->busy ? busy_error (err)
                  : add_all (m, ents, n_ents, err);
  if (ret < 0)
    for (size_t i = 0; i < n_ents; i++)
      ent_entitlement_free (ents[i]);
  return ent_error_unstash (err, stale, ret);
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
  ent_error_t *stale = ent_error_stash (err), *local = NULL;
  ent_entitlement_t *e = NULL;
  int ret;

  /* A local error, so that the code returned does not depend on @err. */
  if (m == NULL || cat == NULL || request == NULL)
    ret = ent_error_set (&local, EINVAL, "%s",
                         m ? cat ? "no request" : "no catalogue" : "no manager");
  else if ((e = ent_catalogue_instantiate (cat, request, &local)) == NULL)
    ret = local ? -local->code : -ENOMEM;
  else if (ent_entitlement_set_source (e, source, precedence) < 0)
    {
      ent_entitlement_free (e);
      ret = ent_error_set (&local, ENOMEM, "out of memory");
    }
  else
    ret = ent_manager_add (m, e, &local);
  ent_error_move (err, local);
  return ent_error_unstash (err, stale, ret);
}

/* Does grant @e match @query: its full name, or its bare name when @query
 * has no value?  A path value matches however it is spelled. */
static bool
matches (const ent_entitlement_t *e, const char *query)
{
  const char *eq = strchr (query, '=');
  cleanup_free char *tidy = NULL;

  if (eq == NULL)
    return strcmp (e->name.name, query) == 0;
  if (strcmp (e->full_name, query) == 0)
    return true;
  if (!e->path || strlen (e->name.name) != (size_t)(eq - query)
      || strncmp (e->name.name, query, eq - query) != 0)
    return false;
  tidy = ent_path_tidy (eq + 1);
  return tidy && e->name.value && strcmp (tidy, e->name.value) == 0;
}

static int
remove_grants (ent_manager_t *m, const char *query, ent_error_t **err)
{
  cleanup_free ent_entitlement_t **keep = calloc (m->n_grants + 1, sizeof (*keep));
  state_t s = { 0 };
  size_t n_keep = 0;
  int ret;

  if (keep == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; i < m->n_grants; i++)
    if (!matches (m->grants[i], query))
      keep[n_keep++] = m->grants[i];
  if (n_keep == m->n_grants)
    {
      for (size_t i = 0; i < m->n_implied; i++)
        if (matches (m->implied[i], query))
          return ent_error_set (err, ENOENT,
                                "'%s' is a default level, not a grant: grant another %s level "
                                "to replace it",
                                query, m->implied[i]->group);
      return ent_error_set (err, ENOENT, "entitlement '%s' is not granted", query);
    }
  if ((s.effective = calloc (n_keep + 1, sizeof (*s.effective))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  /* What is left never conflicts (it did not before), but which grant
   * of a group is in force may change: fold them again. */
  if ((ret = fold_all (s.effective, &s.n_effective, keep, n_keep, err)) < 0
      || (ret = sort_effective (&s, NULL, 0, err)) < 0 || (ret = resolve (m, &s, err)) < 0)
    {
      state_clear (&s);
      return ret;
    }
  commit (m, &s);
  ret = (int)(m->n_grants - n_keep);
  for (size_t i = 0; i < m->n_grants; i++)
    if (matches (m->grants[i], query))
      release (m, m->grants[i]);
  memcpy (m->grants, keep, n_keep * sizeof (*keep));
  m->n_grants = n_keep;
  return ret;
}

int
ent_manager_remove (ent_manager_t *m, const char *name, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  int ret;

  if (m == NULL || name == NULL)
    ret = ent_error_set (err, EINVAL, "%s", m ? "no entitlement name" : "no manager");
  else if (m->busy)
    ret = busy_error (err);
  else
    ret = remove_grants (m, name, err);
  return ent_error_unstash (err, stale, ret);
}

bool
ent_manager_has (const ent_manager_t *m, const char *name)
{
  if (m == NULL || name == NULL)
    return false;
  for (size_t i = 0; i < m->n_active; i++)
    if (matches (m->active[i], name))
      return true;
  return false;
}

const ent_entitlement_t *
ent_manager_shadowed_by (const ent_manager_t *m, const char *full_name)
{
  const ent_entitlement_t *g = NULL;

  if (m == NULL || full_name == NULL || ent_manager_has (m, full_name))
    return NULL;
  for (size_t i = 0; g == NULL && i < m->n_grants; i++)
    if (matches (m->grants[i], full_name))
      g = m->grants[i];
  for (size_t i = 0; g != NULL && i < m->n_active; i++)
    {
      enum verdict v;
      if (judge (m->active[i], g, &v, NULL) == 0 && v == DROP_NEW)
        {
          return lend (m->active[i]);
        }
    }
  return NULL;
}

/* The getters are const for their callers; what they give out is marked
 * so that it outlives a later change (the manager was allocated mutable). */
const ent_profile_t *
ent_manager_profile (const ent_manager_t *m)
{
  if (m == NULL)
    return NULL;
  ((ent_manager_t *)m)->profile_lent = true;
  return m->profile;
}

size_t
ent_manager_count (const ent_manager_t *m)
{
  return m ? m->n_active : 0;
}

const ent_entitlement_t *
ent_manager_get (const ent_manager_t *m, size_t i)
{
  return m && i < m->n_active ? lend (m->active[i]) : NULL;
}

size_t
ent_manager_grant_count (const ent_manager_t *m)
{
  return m ? m->n_grants : 0;
}

const ent_entitlement_t *
ent_manager_grant (const ent_manager_t *m, size_t i)
{
  return m && i < m->n_grants ? lend (m->grants[i]) : NULL;
}

void
ent_manager_trim (ent_manager_t *m)
{
  if (m == NULL)
    return;
  free_ents (m->old_ents, m->n_old_ents);
  for (size_t i = 0; i < m->n_old_profiles; i++)
    ent_profile_free (m->old_profiles[i]);
  free (m->old_profiles);
  m->old_ents = NULL;
  m->n_old_ents = 0;
  m->old_profiles = NULL;
  m->n_old_profiles = 0;
}
