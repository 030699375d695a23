/* libentitlement — entitlement objects (see ent-entitlement.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ent-entitlement-private.h"
#include "ent-util.h"

static const char *const type_names[] = {
  [ENT_TYPE_VOID] = "void",
  [ENT_TYPE_INT] = "int",
  [ENT_TYPE_STRING] = "string",
};

const char *
ent_type_name (ent_type_t t)
{
  return (unsigned)t < N_ELEMENTS (type_names) ? type_names[t] : "?";
}

static int
check_value_for_type (const ent_name_t *n, const char *full, ent_type_t type, bool size,
                      int64_t *ival, ent_error_t **err)
{
  switch (type)
    {
    case ENT_TYPE_VOID:
      if (n->value)
        return ent_error_set (err, EINVAL, "entitlement '%s' takes no value (got '%s')", n->name,
                              n->value);
      return 0;
    case ENT_TYPE_INT:
      if (n->value == NULL)
        return ent_error_set (err, EINVAL, "entitlement '%s' needs a value: %s=N", n->name,
                              n->name);
      if (ent_parse_int (n->value, size, ival, err) < 0)
        return ent_error_prefix (err, "entitlement '%s'", full);
      return 0;
    case ENT_TYPE_STRING:
      if (n->value == NULL)
        return ent_error_set (err, EINVAL, "entitlement '%s' needs a value: %s=VALUE", n->name,
                              n->name);
      return 0;
    default:
      return ent_error_set (err, EINVAL, "entitlement '%s': bad type %d", full, (int)type);
    }
}

ent_entitlement_t *
ent_entitlement_new_typed (const char *full_name, ent_type_t type, bool size, void *fn, void *data,
                           ent_error_t **err)
{
  ent_entitlement_t *e;
  ent_name_t n;

  if (fn == NULL)
    {
      ent_error_set (err, EINVAL, "entitlement '%s': no enforcement callback",
                     full_name ? full_name : "");
      return NULL;
    }
  if (ent_name_parse (full_name, &n, err) < 0)
    return NULL;
  e = calloc (1, sizeof (*e));
  if (e == NULL)
    {
      ent_name_clear (&n);
      ent_error_set (err, ENOMEM, "out of memory");
      return NULL;
    }
  e->name = n;
  e->refs = 1;
  e->floating = true;
  e->type = type;
  e->fn = fn;
  e->data = data;
  e->order = ENT_ORDER_CUSTOM;
  e->full_name = strdup (full_name);
  if (e->full_name == NULL
      || check_value_for_type (&e->name, full_name, type, size, &e->ival, err) < 0)
    {
      if (e->full_name == NULL)
        ent_error_set (err, ENOMEM, "out of memory");
      ent_entitlement_free (e);
      return NULL;
    }
  return e;
}

/* The public constructors: ent_entitlement_new_typed() with the error
 * slot of a public entry point (a leftover error set aside). */
static ent_entitlement_t *
new_public (const char *full_name, ent_type_t type, void *fn, void *data, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_entitlement_t *e = ent_entitlement_new_typed (full_name, type, false, fn, data, err);

  ent_error_unstash (err, stale, e ? 0 : -EINVAL);
  return e;
}

ent_entitlement_t *
ent_void_entitlement_new (const char *full_name, ent_void_fn fn, void *data, ent_error_t **err)
{
  return new_public (full_name, ENT_TYPE_VOID, (void *)fn, data, err);
}

ent_entitlement_t *
ent_int_entitlement_new (const char *full_name, ent_int_fn fn, void *data, ent_error_t **err)
{
  return new_public (full_name, ENT_TYPE_INT, (void *)fn, data, err);
}

ent_entitlement_t *
ent_string_entitlement_new (const char *full_name, ent_string_fn fn, void *data, ent_error_t **err)
{
  return new_public (full_name, ENT_TYPE_STRING, (void *)fn, data, err);
}

/* The reference count, the floating flag and the lent mark are atomic:
 * one entitlement may be held by managers in several threads at once (it
 * does not change otherwise once held: frozen). */
ent_entitlement_t *
ent_entitlement_ref (ent_entitlement_t *e)
{
  if (e != NULL)
    __atomic_add_fetch (&e->refs, 1, __ATOMIC_RELAXED);
  return e;
}

ent_entitlement_t *
ent_entitlement_take (ent_entitlement_t *e)
{
  if (!__atomic_exchange_n (&e->floating, false, __ATOMIC_ACQ_REL))
    __atomic_add_fetch (&e->refs, 1, __ATOMIC_RELAXED);
  return e;
}

void
ent_entitlement_free (ent_entitlement_t *e)
{
  if (e == NULL || __atomic_sub_fetch (&e->refs, 1, __ATOMIC_ACQ_REL) > 0)
    return;
  if (e->data_free)
    e->data_free (e->data);
  ent_name_clear (&e->name);
  free (e->full_name);
  free (e->group);
  free (e->source);
  free (e);
}

bool
ent_entitlement_frozen (const ent_entitlement_t *e)
{
  return e != NULL && !__atomic_load_n (&e->floating, __ATOMIC_ACQUIRE);
}

const char *
ent_entitlement_full_name (const ent_entitlement_t *e)
{
  return e->full_name;
}

const char *
ent_entitlement_name (const ent_entitlement_t *e)
{
  return e->name.name;
}

const char *
ent_entitlement_domain (const ent_entitlement_t *e)
{
  return e->name.domain;
}

const char *
ent_entitlement_identifier (const ent_entitlement_t *e)
{
  return e->name.identifier;
}

const char *
ent_entitlement_value (const ent_entitlement_t *e)
{
  return e->name.value;
}

ent_type_t
ent_entitlement_type (const ent_entitlement_t *e)
{
  return e->type;
}

int64_t
ent_entitlement_int_value (const ent_entitlement_t *e)
{
  return e->ival;
}

/* Call the callback on @profile directly (no copy); the manager uses this on
 * its scratch profile. */
int
ent_entitlement_call (const ent_entitlement_t *e, ent_profile_t *profile, ent_error_t **err)
{
  ent_error_t *local = NULL;
  int ret;

  /* The callback gets an error slot of its own, always: what it leaves
   * there is checked against what it returns. */
  switch (e->type)
    {
    case ENT_TYPE_VOID:
      ret = ((ent_void_fn)e->fn) (profile, e->data, &local);
      break;
    case ENT_TYPE_INT:
      ret = ((ent_int_fn)e->fn) (profile, e->ival, e->data, &local);
      break;
    case ENT_TYPE_STRING:
      ret = ((ent_string_fn)e->fn) (profile, e->name.value, e->data, &local);
      break;
    default:
      return ent_error_set (err, EINVAL, "entitlement '%s': bad type", e->full_name);
    }
  if (ret > 0 || (ret == 0 && local != NULL) || ret < -4095)
    {
      /* 0 or a negative errno, and an error only with the latter: a
       * callback that says both is not taken at its word. */
      ent_error_clear (&local);
      ret = ent_error_set (&local, EINVAL,
                           "entitlement '%s': its callback returned %d%s (0, or a negative "
                           "errno with the error set, expected)",
                           e->full_name, ret, ret == 0 ? " with an error set" : "");
      /* ret is -EINVAL from here: never a value whose negation overflows. */
    }
  if (ret < 0)
    {
      if (local == NULL)
        ent_error_set (&local, -ret, "entitlement '%s' failed", e->full_name);
      else if (!strstr (ent_error_message (local), e->name.name))
        /* Name the entitlement, unless the callback's message already does. */
        ent_error_prefix (&local, "%s", e->full_name);
      /* A grant from a profile file says where it was written. */
      if (e->source && strchr (e->source, ':'))
        ent_error_prefix (&local, "%s", e->source);
      ent_error_move (err, local);
    }
  return ret;
}

int
ent_entitlement_enforce (const ent_entitlement_t *e, ent_profile_t *profile, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_profile_t *scratch = ent_profile_copy (profile);
  ent_profile_t tmp;
  int ret;

  if (scratch == NULL)
    return ent_error_unstash (err, stale, ent_error_set (err, ENOMEM, "out of memory"));
  ret = ent_entitlement_call (e, scratch, err);
  if (ret == 0)
    {
      /* Swap contents so the caller's pointer now holds the edited profile. */
      tmp = *profile;
      *profile = *scratch;
      *scratch = tmp;
    }
  ent_profile_free (scratch);
  return ent_error_unstash (err, stale, ret);
}

/* A manager's grants do not change under it: the setters refuse once one
 * holds @e.  What the default catalogue made means what it says: its
 * group, order and repeatability are not for changing either. */
static int
check_unfrozen (const ent_entitlement_t *e)
{
  return e == NULL ? -EINVAL : ent_entitlement_frozen (e) ? -EBUSY : 0;
}

static int
check_attributes (const ent_entitlement_t *e)
{
  int ret = check_unfrozen (e);

  return ret < 0 ? ret : e->reserved_ok ? -EPERM : 0;
}

int
ent_entitlement_set_group (ent_entitlement_t *e, const char *group)
{
  return check_attributes (e) ?: ent_profile_set_string (&e->group, group);
}

const char *
ent_entitlement_group (const ent_entitlement_t *e)
{
  return e->group;
}

int
ent_entitlement_set_repeatable (ent_entitlement_t *e, bool repeatable)
{
  int ret = check_attributes (e);

  if (ret == 0)
    e->repeatable = repeatable;
  return ret;
}

bool
ent_entitlement_repeatable (const ent_entitlement_t *e)
{
  return e->repeatable;
}

int
ent_entitlement_set_order (ent_entitlement_t *e, int order)
{
  int ret = check_attributes (e);

  if (ret == 0)
    e->order = order;
  return ret;
}

int
ent_entitlement_order (const ent_entitlement_t *e)
{
  return e->order;
}

int
ent_entitlement_set_source (ent_entitlement_t *e, const char *source, int precedence)
{
  int ret = check_unfrozen (e) ?: ent_profile_set_string (&e->source, source);

  if (ret == 0)
    e->precedence = precedence;
  return ret;
}

const char *
ent_entitlement_source (const ent_entitlement_t *e)
{
  return e->source ? e->source : "api";
}

int
ent_entitlement_precedence (const ent_entitlement_t *e)
{
  return e->precedence;
}
