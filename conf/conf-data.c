/* entrun — INI profiles: growing and releasing the parsed data. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "conf-private.h"
#include "ent-util.h"

/* Make room for element @n of *@arr (@size bytes each): capacities are the
 * powers of two, so no capacity field is needed and appends stay linear. */
static int
grow (void *arr, size_t n, size_t size)
{
  void **pa = arr;
  void *bigger;

  if (n != 0 && (n & (n - 1)) != 0)
    return 0;
  if (n > SIZE_MAX / 2 / size)
    return -ENOMEM;
  bigger = realloc (*pa, (n ? 2 * n : 1) * size);
  if (bigger == NULL)
    return -ENOMEM;
  *pa = bigger;
  return 0;
}

static int
oom (conf_parser_t *p)
{
  return ent_error_set (p->err, ENOMEM, "out of memory");
}

int
conf_add_request (conf_parser_t *p, const char *request)
{
  entrun_conf_t *c = p->conf;
  entrun_conf_request_t r = { strdup (request), conf_source (p) };

  if (r.request == NULL || r.source == NULL || grow (&c->requests, c->n_requests, sizeof (r)) < 0)
    {
      free (r.request);
      free (r.source);
      return oom (p);
    }
  c->requests[c->n_requests++] = r;
  return 0;
}

int
conf_add_env (conf_parser_t *p, ent_env_op_t op, const char *name, const char *value)
{
  entrun_conf_t *c = p->conf;
  ent_env_t e = { op, strdup (name), value ? strdup (value) : NULL };
  char *source = conf_source (p);

  if (e.name == NULL || (value && e.value == NULL) || source == NULL
      || grow (&c->env, c->n_env, sizeof (e)) < 0
      || grow (&c->env_sources, c->n_env, sizeof (source)) < 0)
    {
      free (e.name);
      free (e.value);
      free (source);
      return oom (p);
    }
  c->env[c->n_env] = e;
  c->env_sources[c->n_env++] = source;
  return 0;
}

int
conf_add_custom (conf_parser_t *p, const char *name)
{
  entrun_conf_t *c = p->conf;
  entrun_conf_custom_t cu = { .name = strdup (name), .source = conf_source (p) };

  if (cu.name == NULL || cu.source == NULL || grow (&c->customs, c->n_customs, sizeof (cu)) < 0)
    {
      free (cu.name);
      free (cu.source);
      return oom (p);
    }
  c->customs[c->n_customs++] = cu;
  return 0;
}

int
conf_custom_add_mount (conf_parser_t *p, ent_mount_kind_t kind, const char *path)
{
  entrun_conf_custom_t *cu = p->custom;
  char *copy = strdup (path);

  if (copy == NULL || grow (&cu->mount_kinds, cu->n_mounts, sizeof (*cu->mount_kinds)) < 0
      || grow (&cu->mount_paths, cu->n_mounts, sizeof (*cu->mount_paths)) < 0)
    {
      free (copy);
      return oom (p);
    }
  cu->mount_kinds[cu->n_mounts] = kind;
  cu->mount_paths[cu->n_mounts++] = copy;
  return 0;
}

bool
conf_strv_contains (char *const *list, const char *s)
{
  for (; list && *list; list++)
    if (strcmp (*list, s) == 0)
      return true;
  return false;
}

int
conf_strv_add_unique (conf_parser_t *p, char ***list, const char *s)
{
  size_t n = 0;
  char *copy;
  char **bigger;

  if (conf_strv_contains (*list, s))
    return 0;
  while (*list && (*list)[n])
    n++;
  copy = strdup (s);
  bigger = copy ? realloc (*list, (n + 2) * sizeof (**list)) : NULL;
  if (bigger == NULL)
    {
      free (copy);
      return oom (p);
    }
  bigger[n] = copy;
  bigger[n + 1] = NULL;
  *list = bigger;
  return 0;
}

/* ---- release ----------------------------------------------------------------- */

static void
custom_clear (entrun_conf_custom_t *cu)
{
  free (cu->name);
  free (cu->description);
  free (cu->source);
  ent_strv_free (cu->allow);
  ent_strv_free (cu->deny);
  for (size_t i = 0; i < cu->n_mounts; i++)
    free (cu->mount_paths[i]);
  free (cu->mount_paths);
  free (cu->mount_kinds);
  free (cu->seccomp);
  free (cu->seccomp_json);
}

void
entrun_conf_clear (entrun_conf_t *c)
{
  for (size_t i = 0; i < c->n_requests; i++)
    {
      free (c->requests[i].request);
      free (c->requests[i].source);
    }
  free (c->requests);
  for (size_t i = 0; i < c->n_customs; i++)
    custom_clear (&c->customs[i]);
  free (c->customs);
  for (size_t i = 0; i < c->n_env; i++)
    {
      free (c->env[i].name);
      free (c->env[i].value);
      free (c->env_sources[i]);
    }
  free (c->env);
  free (c->env_sources);
  free (c->hostname);
  free (c->hostname_source);
  free (c->chdir);
  free (c->chdir_source);
  free (c->clearenv_source);
  memset (c, 0, sizeof (*c));
}
