/* entrun — INI profiles: custom entitlements from [entitlement NAME]
 * sections, registered into a catalogue as void entitlements. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* seccomp = PATH: the imported profile's rules replace the policy's, but
 * for its ERRNO rules: entrun's own walls (terminal injection, pid 1, the
 * socket families, ENOSYS for what libc must fall back from) stay, and win
 * over what the profile allows.  Its "includes"/"excludes" capabilities are
 * judged on the capabilities the sandbox holds by then. */
static int
custom_seccomp (ent_profile_t *p, const entrun_conf_custom_t *cu, ent_error_t **err)
{
  ent_seccomp_t imported;
  int ret
      = ent_seccomp_from_docker (cu->seccomp_json, cu->seccomp_len,
                                 p->caps_unset ? 0 : p->caps[ENT_CAPSET_BOUNDING], &imported, err);

  if (ret < 0)
    return ret;
  for (size_t i = 0; ret == 0 && i < p->seccomp.n_rules; i++)
    if (p->seccomp.rules[i].action == ENT_SECCOMP_ERRNO)
      {
        ent_profile_t scratch = { .seccomp = imported };
        ret = ent_profile_add_rule (&scratch, &p->seccomp.rules[i], err);
        imported = scratch.seccomp;
      }
  if (ret < 0)
    {
      ent_seccomp_clear (&imported);
      return ret;
    }
  imported.enabled = true;
  imported.unknown_errno = p->seccomp.unknown_errno;
  ent_seccomp_clear (&p->seccomp);
  p->seccomp = imported;
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
  if (ret == 0 && cu->seccomp_json)
    ret = custom_seccomp (p, cu, err);
  return ret; /* core prefixes the message with the entitlement's name */
}

/* Read and check @cu's seccomp profile, as for a container holding no
 * capability and one holding all: a bad file fails here, naming it. */
static int
load_seccomp (entrun_conf_custom_t *cu, ent_error_t **err)
{
  cleanup_close int fd = open (cu->seccomp, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  struct stat st;
  ent_seccomp_t check;
  ssize_t n;

  if (fd < 0 || fstat (fd, &st) < 0)
    return ent_error_set (err, errno, "%s: seccomp = %s: %s", cu->source, cu->seccomp,
                          strerror (errno));
  if (!S_ISREG (st.st_mode) || st.st_size > (16 << 20))
    return ent_error_set (err, EINVAL, "%s: seccomp = %s: not a regular file of at most 16 MiB",
                          cu->source, cu->seccomp);
  if ((cu->seccomp_json = malloc ((size_t)st.st_size + 1)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  while ((n = read (fd, cu->seccomp_json + cu->seccomp_len, (size_t)st.st_size - cu->seccomp_len))
         > 0)
    cu->seccomp_len += (size_t)n;
  if (n < 0)
    return ent_error_set (err, errno, "%s: seccomp = %s: %s", cu->source, cu->seccomp,
                          strerror (errno));
  for (int pass = 0; pass < 2; pass++)
    {
      if (ent_seccomp_from_docker (cu->seccomp_json, cu->seccomp_len, pass ? ENT_CAP_ALL : 0,
                                   &check, err)
          < 0)
        return ent_error_prefix (err, "%s: seccomp = %s", cu->source, cu->seccomp);
      ent_seccomp_clear (&check);
    }
  return 0;
}

int
entrun_conf_register_customs (entrun_conf_t *c, ent_catalogue_t *cat, ent_error_t **err)
{
  /* Check every name first, so that a clash registers nothing. */
  for (size_t i = 0; i < c->n_customs; i++)
    if (ent_catalogue_lookup (cat, c->customs[i].name))
      return ent_error_set (err, EEXIST, "%s: entitlement '%s' is already defined",
                            c->customs[i].source, c->customs[i].name);

  for (size_t i = 0; i < c->n_customs; i++)
    if (c->customs[i].seccomp && c->customs[i].seccomp_json == NULL)
      {
        int ret = load_seccomp (&c->customs[i], err);
        if (ret < 0)
          return ret;
      }
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
