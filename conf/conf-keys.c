/* entrun — INI profiles: the sections, their keys and what each value
 * becomes.  One table per section; each key names a handler that checks the
 * value's syntax and records it.  Requests are not checked against the
 * catalogue here (resources.* may come from a newer catalogue than this
 * parser knows): the launcher's grant does that, quoting the source. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "conf-private.h"
#include "ent-util.h"

typedef struct conf_key_def conf_key_def_t;
typedef int (*conf_value_fn) (conf_parser_t *p, const conf_key_def_t *k, const char *value);

struct conf_key_def
{
  const char *name;
  bool repeatable;
  conf_value_fn fn;
  const char *target; /* request name: "host.fs.rw", "resources.pids" */
  int arg;            /* ent_mount_kind_t, ent_env_op_t, or a size flag */
};

struct conf_section_def
{
  const char *name;
  const conf_key_def_t *keys;
  size_t n_keys;
  int index; /* in conf_parser_t.section_seen; -1 for [entitlement NAME] */
};

#define WHITESPACE " \t"

/* ---- value checks ------------------------------------------------------- */

/* A path as ent_path_resolve() will take it at grant time: non-empty, '~'
 * only as "~" or "~/...". */
static int
check_path (conf_parser_t *p, const char *value)
{
  cleanup_free char *resolved = NULL;
  ent_error_t *local = NULL;
  int ret = ent_path_resolve (value, "/", "/", &resolved, &local);

  return ret < 0 ? conf_error_from (p, local, ret) : 0;
}

static int
check_env_name (conf_parser_t *p, const char *name, const char *text)
{
  if (*name == '\0')
    return conf_error (p, "empty variable name in '%s'", text);
  if (strpbrk (name, "=" WHITESPACE) && strcmp (name, text) == 0)
    return conf_error (p, "invalid variable name '%s'", name);
  if (strpbrk (name, "=" WHITESPACE))
    return conf_error (p, "invalid variable name '%s' in '%s'", name, text);
  return 0;
}

/* Call @fn on each whitespace-separated word of @value. */
static int
each_word (conf_parser_t *p, const conf_key_def_t *k, const char *value,
           int (*fn) (conf_parser_t *, const conf_key_def_t *, const char *))
{
  cleanup_free char *copy = strdup (value);
  char *save = NULL;
  int ret = 0;

  if (copy == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  for (char *w = strtok_r (copy, WHITESPACE, &save); w && ret == 0;
       w = strtok_r (NULL, WHITESPACE, &save))
    ret = fn (p, k, w);
  return ret;
}

static int
set_once (conf_parser_t *p, char **field, char **source, const char *value)
{
  *field = strdup (value);
  *source = conf_source (p);
  if (*field == NULL || *source == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return 0;
}

/* ---- [sandbox] -------------------------------------------------------------- */

static int
word_entitlement (conf_parser_t *p, const conf_key_def_t *k, const char *word)
{
  ent_error_t *local = NULL;
  ent_name_t n;
  int ret = ent_name_parse (word, &n, &local);

  (void)k;
  if (ret < 0)
    return conf_error_from (p, local, ret);
  ent_name_clear (&n);
  return conf_add_request (p, word);
}

static int
key_entitlements (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  return each_word (p, k, value, word_entitlement);
}

static int
key_hostname (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  size_t len = strlen (value);

  (void)k;
  if (len > 64
      || strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") != len)
    return conf_error (p, "invalid hostname '%s' (letters, digits, '-' and '.', at most 64)",
                       value);
  return set_once (p, &p->conf->hostname, &p->conf->hostname_source, value);
}

static int
key_chdir (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  int ret = check_path (p, value);

  (void)k;
  return ret < 0 ? ret : set_once (p, &p->conf->chdir, &p->conf->chdir_source, value);
}

/* ---- [filesystem] and [resources]: requests ------------------------------- */

/* "TARGET=VALUE", held to the grammar the catalogue will apply (no control
 * character in the value, a tab included). */
static int
add_target_request (conf_parser_t *p, const char *target, const char *value)
{
  cleanup_free char *request = NULL;
  ent_error_t *local = NULL;
  ent_name_t n;
  int ret;

  if (asprintf (&request, "%s=%s", target, value) < 0)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  ret = ent_name_parse (request, &n, &local);
  if (ret < 0)
    return conf_error_from (p, local, ret);
  ent_name_clear (&n);
  return conf_add_request (p, request);
}

static int
key_fs (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  int ret = check_path (p, value);

  return ret < 0 ? ret : add_target_request (p, k->target, value);
}

/* Positive integers; memory and file-size take a K/M/G/T suffix.  The
 * request keeps the text as written so that --explain shows it. */
static int
key_resource (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  ent_error_t *local = NULL;
  int64_t v = 0;
  int ret = ent_parse_int (value, k->arg != 0, &v, &local);

  if (ret < 0)
    return conf_error_from (p, local, ret);
  if (v <= 0)
    return conf_error (p, "'%s' must be positive, not '%s'", k->name, value);
  return add_target_request (p, k->target, value);
}

/* ---- [environment] ----------------------------------------------------------- */

static int
key_clear (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  if (strcmp (value, "true") != 0 && strcmp (value, "false") != 0)
    return conf_error (p, "invalid value '%s' for '%s' (expected true or false)", value, k->name);
  p->conf->clearenv = strcmp (value, "true") == 0;
  p->conf->clearenv_source = conf_source (p);
  if (p->conf->clearenv_source == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return 0;
}

static int
word_env_name (conf_parser_t *p, const conf_key_def_t *k, const char *word)
{
  int ret = check_env_name (p, word, word);

  return ret < 0 ? ret : conf_add_env (p, (ent_env_op_t)k->arg, word, NULL);
}

static int
key_env_names (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  if (k->arg == ENT_ENV_KEEP && p->first_keep == 0)
    p->first_keep = p->lineno;
  return each_word (p, k, value, word_env_name);
}

static int
key_env_set (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  const char *eq = strchr (value, '=');
  cleanup_free char *name = NULL;
  int ret;

  (void)k;
  if (eq == NULL)
    return conf_error (p, "expected NAME=VALUE, not '%s'", value);
  name = strndup (value, eq - value);
  if (name == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  ret = check_env_name (p, name, value);
  return ret < 0 ? ret : conf_add_env (p, ENT_ENV_SET, name, eq + 1);
}

/* ---- [entitlement NAME] ------------------------------------------------------ */

static int
key_description (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  (void)k;
  p->custom->description = strdup (value);
  if (p->custom->description == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return 0;
}

static int
word_cap (conf_parser_t *p, const conf_key_def_t *k, const char *word)
{
  int cap = ent_cap_from_name (word);

  (void)k;
  if (cap < 0)
    return conf_error (p, "unknown capability '%s'", word);
  p->custom->caps |= ENT_CAP_BIT (cap);
  return 0;
}

static int
key_caps (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  return each_word (p, k, value, word_cap);
}

/* A syscall both allowed and denied is a contradiction in the file, not
 * something to settle by precedence. */
static int
word_syscall (conf_parser_t *p, const conf_key_def_t *k, const char *word)
{
  bool allow = k->arg != 0;
  char **other = allow ? p->custom->deny : p->custom->allow;

  if (!ent_syscall_known (word))
    return conf_error (p, "unknown syscall '%s'", word);
  if (conf_strv_contains (other, word))
    return conf_error (p, "syscall '%s' is both allowed and denied in [entitlement %s]", word,
                       p->custom->name);
  return conf_strv_add_unique (p, allow ? &p->custom->allow : &p->custom->deny, word);
}

static int
key_syscalls (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  return each_word (p, k, value, word_syscall);
}

static int
key_custom_mount (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  int ret = check_path (p, value);

  return ret < 0 ? ret : conf_custom_add_mount (p, (ent_mount_kind_t)k->arg, value);
}

/* seccomp = PATH: read when the profile is loaded, not here (the parser
 * reads no file). */
static int
key_seccomp (conf_parser_t *p, const conf_key_def_t *k, const char *value)
{
  (void)k;
  if (value[0] != '/')
    return conf_error (p, "seccomp: '%s' is not an absolute path", value);
  if (p->custom->seccomp)
    return conf_error (p, "seccomp: given twice in [entitlement %s]", p->custom->name);
  if ((p->custom->seccomp = strdup (value)) == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  return 0;
}

/* ---- tables ------------------------------------------------------------------- */

static const conf_key_def_t sandbox_keys[] = {
  { "entitlements", true, key_entitlements, NULL, 0 },
  { "hostname", false, key_hostname, NULL, 0 },
  { "chdir", false, key_chdir, NULL, 0 },
};

static const conf_key_def_t filesystem_keys[] = {
  { "rw", true, key_fs, "host.fs.rw", 0 },
  { "ro", true, key_fs, "host.fs.ro", 0 },
  { "hide", true, key_fs, "host.fs.hide", 0 },
  { "tmpfs", true, key_fs, "host.fs.tmpfs", 0 },
  { "overlay", true, key_fs, "host.fs.overlay", 0 },
};

static const conf_key_def_t environment_keys[] = {
  { "clear", false, key_clear, NULL, 0 },
  { "keep", true, key_env_names, NULL, ENT_ENV_KEEP },
  { "set", true, key_env_set, NULL, 0 },
  { "unset", true, key_env_names, NULL, ENT_ENV_UNSET },
};

static const conf_key_def_t resources_keys[] = {
  { "pids", false, key_resource, "resources.pids", 0 },
  { "memory", false, key_resource, "resources.memory", 1 },
  { "cpu-time", false, key_resource, "resources.cpu-time", 0 },
  { "files", false, key_resource, "resources.files", 0 },
  { "file-size", false, key_resource, "resources.file-size", 1 },
  { "timeout", false, key_resource, "resources.timeout", 0 },
};

static const conf_key_def_t entitlement_keys[] = {
  { "description", false, key_description, NULL, 0 },
  { "caps", true, key_caps, NULL, 0 },
  { "allow-syscalls", true, key_syscalls, NULL, 1 },
  { "deny-syscalls", true, key_syscalls, NULL, 0 },
  { "rw", true, key_custom_mount, NULL, ENT_MOUNT_BIND_RW },
  { "ro", true, key_custom_mount, NULL, ENT_MOUNT_BIND_RO },
  { "hide", true, key_custom_mount, NULL, ENT_MOUNT_HIDE },
  { "tmpfs", true, key_custom_mount, NULL, ENT_MOUNT_TMPFS },
  { "overlay", true, key_custom_mount, NULL, ENT_MOUNT_OVERLAY },
  { "seccomp", false, key_seccomp, NULL, 0 },
};

#define SECTION(name, keys, index)                                                                 \
  {                                                                                                \
    name, keys, N_ELEMENTS (keys), index                                                           \
  }

static const conf_section_def_t sections[] = {
  SECTION ("sandbox", sandbox_keys, 0),
  SECTION ("filesystem", filesystem_keys, 1),
  SECTION ("environment", environment_keys, 2),
  SECTION ("resources", resources_keys, 3),
};

static const conf_section_def_t custom_section = SECTION ("entitlement", entitlement_keys, -1);

_Static_assert(N_ELEMENTS (sections) <= N_ELEMENTS (((conf_parser_t *)0)->section_seen),
               "section_seen too small");
_Static_assert(N_ELEMENTS (entitlement_keys) <= CONF_MAX_KEYS, "CONF_MAX_KEYS too small");

/* ---- sections ------------------------------------------------------------------- */

static void
set_section (conf_parser_t *p, const conf_section_def_t *s)
{
  p->section = s;
  memset (p->key_seen, 0, sizeof (p->key_seen));
}

/* "[entitlement NAME]": a valid name outside the reserved domains, defined
 * once.  The domain check is core's (ent_domain_reserved), the one
 * ent_catalogue_register() applies, so that the parser refuses exactly what
 * registering would. */
static int
enter_custom (conf_parser_t *p, const char *header, const char *name)
{
  cleanup_free char *domain = NULL;
  ent_error_t *local = NULL;
  int ret;

  if (*name == '\0')
    return conf_error (p, "missing entitlement name in section '[%s]'", header);
  ret = ent_name_validate (name, &local);
  if (ret < 0)
    return conf_error_from (p, local, ret);
  domain = strndup (name, strrchr (name, '.') - name);
  if (domain == NULL)
    return ent_error_set (p->err, ENOMEM, "out of memory");
  if (ent_domain_reserved (domain))
    return conf_error (p, "custom entitlement '%s': domain '%s' is reserved for built-ins", name,
                       domain);
  for (size_t i = 0; i < p->conf->n_customs; i++)
    if (strcmp (p->conf->customs[i].name, name) == 0)
      return conf_error (p, "custom entitlement '%s' is defined twice (first at %s)", name,
                         p->conf->customs[i].source);
  ret = conf_add_custom (p, name);
  if (ret < 0)
    return ret;
  set_section (p, &custom_section);
  p->custom = &p->conf->customs[p->conf->n_customs - 1];
  return 0;
}

static int
enter_fixed (conf_parser_t *p, const char *header)
{
  for (size_t i = 0; i < N_ELEMENTS (sections); i++)
    {
      const conf_section_def_t *s = &sections[i];
      if (strcmp (s->name, header) != 0)
        continue;
      if (p->section_seen[s->index])
        return conf_error (p, "duplicate section '[%s]' (first at line %d)", header,
                           p->section_seen[s->index]);
      p->section_seen[s->index] = p->lineno;
      p->custom = NULL;
      set_section (p, s);
      return 0;
    }
  return conf_error (p, "unknown section '[%s]'", header);
}

int
conf_keys_enter_section (conf_parser_t *p, const char *header)
{
  size_t word = strcspn (header, WHITESPACE);

  /* Until the header is accepted, keys belong to no section: an error
   * stops the parse anyway, but leave no stale state behind. */
  p->section = NULL;
  p->custom = NULL;
  if (word == strlen ("entitlement") && strncmp (header, "entitlement", word) == 0)
    return enter_custom (p, header, header + word + strspn (header + word, WHITESPACE));
  return enter_fixed (p, header);
}

/* ---- keys ------------------------------------------------------------------------ */

static const char *
section_label (const conf_parser_t *p)
{
  return p->custom ? "entitlement" : p->section->name;
}

int
conf_keys_apply (conf_parser_t *p, const char *key, const char *value)
{
  const conf_section_def_t *s = p->section;
  const char *sep = p->custom ? " " : "";
  const char *arg = p->custom ? p->custom->name : "";

  for (size_t i = 0; i < s->n_keys; i++)
    {
      const conf_key_def_t *k = &s->keys[i];
      if (strcmp (k->name, key) != 0)
        continue;
      if (*value == '\0')
        return conf_error (p, "missing value for '%s' in [%s%s%s]", key, section_label (p), sep,
                           arg);
      if (!k->repeatable && p->key_seen[i])
        return conf_error (p, "'%s' given twice in [%s%s%s] (first at line %d)", key,
                           section_label (p), sep, arg, p->key_seen[i]);
      p->key_seen[i] = p->lineno;
      return k->fn (p, k, value);
    }
  return conf_error (p, "unknown key '%s' in [%s%s%s]", key, section_label (p), sep, arg);
}

int
conf_keys_finish (conf_parser_t *p)
{
  if (p->conf->clearenv_source && !p->conf->clearenv && p->first_keep)
    {
      p->lineno = p->first_keep;
      return conf_error (p, "'keep' has no effect with 'clear = false' (%s)",
                         p->conf->clearenv_source);
    }
  return 0;
}
