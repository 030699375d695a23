/* entrun — INI profiles: custom entitlements from [entitlement NAME]
 * sections, registered into a catalogue as void entitlements. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "conf.h"
#include "ent-util.h"

static int
custom_mounts (ent_profile_t *p, const entrun_conf_custom_t *cu, ent_error_t **err)
{
  for (size_t i = 0; i < cu->n_mounts; i++)
    {
      cleanup_free char *path = NULL;
      ent_mount_kind_t kind = cu->mount_kinds[i];
      int ret = ent_path_resolve (cu->mount_paths[i], p->cwd, p->home, &path, err);

      if (ret < 0)
        return ret;
      /* As for host.fs.hide/tmpfs: covering the whole tree is never what a
       * profile means. */
      if (strcmp (path, "/") == 0 && kind != ENT_MOUNT_BIND_RO && kind != ENT_MOUNT_BIND_RW)
        return ent_error_set (err, EINVAL, "refusing to cover '/' ('%s')", cu->mount_paths[i]);
      ret = ent_profile_add_mount (p, kind, path, err);
      if (ret < 0)
        return ret;
    }
  return 0;
}

/* The enforcement callback.  The manager hands it a scratch copy, so an
 * error half-way leaves the real profile untouched. */
static int
custom_enforce (ent_profile_t *p, void *data, ent_error_t **err)
{
  const entrun_conf_custom_t *cu = data;
  int ret = 0;

  for (int cap = 0; cap <= ENT_CAP_LAST; cap++)
    if (cu->caps & ENT_CAP_BIT (cap))
      ent_profile_grant_cap (p, cap);
  for (char **s = cu->allow; ret == 0 && s && *s; s++)
    ret = ent_profile_allow_syscall (p, *s, err);
  for (char **s = cu->deny; ret == 0 && s && *s; s++)
    ret = ent_profile_deny_syscall (p, *s, EPERM, err);
  if (ret == 0)
    ret = custom_mounts (p, cu, err);
  return ret; /* core prefixes the message with the entitlement's name */
}

int
entrun_conf_register_customs (const entrun_conf_t *c, ent_catalogue_t *cat, ent_error_t **err)
{
  /* Check every name first, so that a clash registers nothing. */
  for (size_t i = 0; i < c->n_customs; i++)
    if (ent_catalogue_lookup (cat, c->customs[i].name))
      return ent_error_set (err, EEXIST, "%s: entitlement '%s' is already defined",
                            c->customs[i].source, c->customs[i].name);

  for (size_t i = 0; i < c->n_customs; i++)
    {
      const entrun_conf_custom_t *cu = &c->customs[i];
      ent_definition_t def = {
        .name = cu->name,
        .type = ENT_TYPE_VOID,
        .order = ENT_ORDER_CUSTOM,
        .description = cu->description ? cu->description : cu->source,
        .void_fn = custom_enforce,
        .data = (void *)cu,
      };
      int ret = ent_catalogue_register (cat, &def, err);
      if (ret < 0)
        return ent_error_prefix (err, "%s", cu->source);
    }
  return 0;
}
