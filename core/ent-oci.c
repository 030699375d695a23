/* libentitlement — OCI runtime configs (ent-oci.h).
 *
 * Loading reads the fields the profile models into a new profile and keeps
 * the whole document (compact) in @oci_base.  Writing starts from that
 * document, loads it again into a second profile (what the config said),
 * and rewrites only the fields where the profile now says something else:
 * every other field, and every field no grant changed, comes back as the
 * platform wrote it.  A profile with no loaded config is written from a
 * template shaped like `runc spec --rootless`.
 *
 * Errors name the JSON path ("process.capabilities.bounding[2]: unknown
 * capability \"CAP_FOO\"").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ent-defaults.h"
#include "ent-json.h"
#include "ent-oci.h"
#include "ent-util.h"

/* What a config may weigh: runc's own are a few KiB. */
#define OCI_MAX_BYTES (16u << 20)

/* jansson's own json_decrefp() */
#define cleanup_json __attribute__ ((cleanup (json_decrefp)))

static void
profile_freep (ent_profile_t **p)
{
  ent_profile_free (*p);
}
#define cleanup_profile __attribute__ ((cleanup (profile_freep)))

/* Do two optional strings differ (NULL differs from any string)? */
static bool
ent_str_differs (const char *a, const char *b)
{
  return (a == NULL) != (b == NULL) || (a && strcmp (a, b) != 0);
}

static bool
ent_seccomp_differs (const ent_seccomp_t *a, const ent_seccomp_t *b)
{
  if (a->default_errno != b->default_errno || a->unknown_errno != b->unknown_errno
      || a->n_rules != b->n_rules)
    return true;
  for (size_t i = 0; i < a->n_rules; i++)
    {
      const ent_seccomp_rule_t *x = &a->rules[i], *y = &b->rules[i];
      if (strcmp (x->syscall, y->syscall) != 0 || x->action != y->action || x->errnum != y->errnum
          || x->n_args != y->n_args
          || memcmp (x->args, y->args, x->n_args * sizeof (x->args[0])) != 0)
        return true;
    }
  return false;
}

/* ---- typed access, errors named by path ------------------------------------ */

static int
type_error (ent_error_t **err, const char *path, const char *want)
{
  return ent_error_set (err, EINVAL, "%s: not %s", path, want);
}

/* The member @key of @obj when it is there, checked to be of @type
 * (JSON_OBJECT, ...; JSON_TRUE stands for a boolean, JSON_INTEGER for an
 * integer); *@out NULL when absent. */
static int
member (json_t *obj, const char *key, json_type type, const char *path, json_t **out,
        ent_error_t **err)
{
  static const char *const names[] = {
    [JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array", [JSON_STRING] = "a string",
    [JSON_INTEGER] = "an integer", [JSON_REAL] = "a number",  [JSON_TRUE] = "a boolean",
  };
  json_t *v = json_object_get (obj, key);

  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (type == JSON_TRUE ? !json_is_boolean (v) : json_typeof (v) != type)
    return type_error (err, path, names[type]);
  *out = v;
  return 0;
}

/* "parent.key" into @buf. */
/* A path cut short ends in "...". */
static const char *
path_fit (char *buf, size_t size, int n)
{
  if (n < 0 || (size_t)n >= size)
    memcpy (buf + size - 4, "...", 4);
  return buf;
}

static const char *
path_key (char *buf, size_t size, const char *parent, const char *key)
{
  return path_fit (buf, size, snprintf (buf, size, "%s%s%s", parent, *parent ? "." : "", key));
}

/* "parent[i]" into @buf. */
static const char *
path_index (char *buf, size_t size, const char *parent, size_t i)
{
  return path_fit (buf, size, snprintf (buf, size, "%s[%zu]", parent, i));
}

/* A string member, required or not. */
static int
string_member (json_t *obj, const char *key, const char *parent, bool required, const char **out,
               ent_error_t **err)
{
  char path[256];
  json_t *v;
  int ret = member (obj, key, JSON_STRING, path_key (path, sizeof (path), parent, key), &v, err);

  *out = NULL;
  if (ret < 0)
    return ret;
  if (v == NULL)
    return required ? ent_error_set (err, EINVAL, "%s: missing", path) : 0;
  *out = json_string_value (v);
  return 0;
}

/* ---- names ------------------------------------------------------------------ */

static const char *const ns_oci[ENT_NS_COUNT] = {
  [ENT_NS_USER] = "user",     [ENT_NS_MOUNT] = "mount", [ENT_NS_PID] = "pid",
  [ENT_NS_NET] = "network",   [ENT_NS_IPC] = "ipc",     [ENT_NS_UTS] = "uts",
  [ENT_NS_CGROUP] = "cgroup",
};

/* The order namespaces are written in, as runc spec writes them. */
static const ent_ns_type_t ns_order[] = {
  ENT_NS_PID, ENT_NS_NET, ENT_NS_IPC, ENT_NS_UTS, ENT_NS_MOUNT, ENT_NS_USER, ENT_NS_CGROUP,
};

static int
ns_from_oci (const char *type)
{
  for (int i = 0; i < ENT_NS_COUNT; i++)
    if (strcmp (ns_oci[i], type) == 0)
      return i;
  return -1;
}

static const char *const capset_oci[ENT_CAPSET_COUNT] = {
  [ENT_CAPSET_BOUNDING] = "bounding",   [ENT_CAPSET_PERMITTED] = "permitted",
  [ENT_CAPSET_EFFECTIVE] = "effective", [ENT_CAPSET_INHERITABLE] = "inheritable",
  [ENT_CAPSET_AMBIENT] = "ambient",
};

static int
rlimit_from_oci (const char *type)
{
  for (int i = 0; i < ENT_RLIMIT_COUNT; i++)
    if (strcmp (ent_rlimit_name (i), type) == 0)
      return i;
  return -1;
}

/* ---- loading ------------------------------------------------------------------ */

static int
load_namespaces (json_t *linux_, ent_profile_t *p, ent_error_t **err)
{
  json_t *list, *e;
  size_t i;
  char path[64];
  bool seen[ENT_NS_COUNT] = { false };
  int ret = member (linux_, "namespaces", JSON_ARRAY, "linux.namespaces", &list, err);

  if (ret < 0 || list == NULL)
    return ret;
  json_array_foreach (list, i, e)
  {
    const char *type, *joined;
    int ns;
    path_index (path, sizeof (path), "linux.namespaces", i);
    if (!json_is_object (e))
      return type_error (err, path, "an object");
    if ((ret = string_member (e, "type", path, true, &type, err)) < 0
        || (ret = string_member (e, "path", path, false, &joined, err)) < 0)
      return ret;
    if ((ns = ns_from_oci (type)) < 0)
      continue; /* "time" and the like: kept as they are */
    if (seen[ns])
      return ent_error_set (err, EINVAL, "%s.type: \"%s\" twice", path, type);
    seen[ns] = true;
    /* A path joins a namespace that exists already, someone else's: not a
     * private one.  A grant that wants one private (network.none) then
     * changes the profile, and the entry is written without the path. */
    p->ns.create[ns] = joined == NULL;
  }
  return 0;
}

static int
load_caps (json_t *process, ent_profile_t *p, ent_error_t **err)
{
  json_t *caps, *list, *e;
  char path[96], item[112];
  size_t i;
  int ret = member (process, "capabilities", JSON_OBJECT, "process.capabilities", &caps, err);

  if (ret < 0 || caps == NULL)
    return ret;
  ent_profile_caps_clear (p);
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    {
      path_key (path, sizeof (path), "process.capabilities", capset_oci[s]);
      if ((ret = member (caps, capset_oci[s], JSON_ARRAY, path, &list, err)) < 0)
        return ret;
      json_array_foreach (list, i, e)
      {
        int cap = json_is_string (e) ? ent_cap_from_name (json_string_value (e)) : -2;
        path_index (item, sizeof (item), path, i);
        if (cap == -2)
          return type_error (err, item, "a string");
        if (cap < 0 || !ent_str_has_prefix (json_string_value (e), "CAP_"))
          return ent_error_set (err, EINVAL, "%s: unknown capability \"%s\"", item,
                                json_string_value (e));
        p->caps[s] |= ENT_CAP_BIT (cap);
      }
    }
  return 0;
}

/* An integer member that fits @min..@max. */
static int
int_member (json_t *obj, const char *key, const char *parent, int64_t min, int64_t max,
            bool required, int64_t *out, ent_error_t **err)
{
  char path[128];
  json_t *v;
  int ret = member (obj, key, JSON_INTEGER, path_key (path, sizeof (path), parent, key), &v, err);

  if (ret < 0)
    return ret;
  if (v == NULL)
    return required ? ent_error_set (err, EINVAL, "%s: missing", path) : 0;
  if (json_integer_value (v) < min || json_integer_value (v) > max)
    return ent_error_set (err, EINVAL, "%s: %" JSON_INTEGER_FORMAT " is out of range", path,
                          json_integer_value (v));
  *out = json_integer_value (v);
  return 0;
}

static int
load_rlimits (json_t *process, ent_profile_t *p, ent_error_t **err)
{
  json_t *list, *e;
  char path[64];
  size_t i;
  int ret = member (process, "rlimits", JSON_ARRAY, "process.rlimits", &list, err);

  if (ret < 0 || list == NULL)
    return ret;
  json_array_foreach (list, i, e)
  {
    const char *type;
    int64_t hard = 0, soft = 0;
    int r;
    path_index (path, sizeof (path), "process.rlimits", i);
    if (!json_is_object (e))
      return type_error (err, path, "an object");
    if ((ret = string_member (e, "type", path, true, &type, err)) < 0
        || (ret = int_member (e, "hard", path, 0, INT64_MAX, true, &hard, err)) < 0
        || (ret = int_member (e, "soft", path, 0, INT64_MAX, true, &soft, err)) < 0)
      return ret;
    if ((r = rlimit_from_oci (type)) < 0)
      continue; /* kept as it is */
    if (p->rlimits[r].soft != ENT_RLIM_UNSET)
      return ent_error_set (err, EINVAL, "%s.type: \"%s\" twice", path, type);
    p->rlimits[r].soft = soft;
    p->rlimits[r].hard = hard;
  }
  return 0;
}

static int
load_process (json_t *root, ent_profile_t *p, ent_error_t **err)
{
  json_t *process, *user, *nnp;
  const char *cwd;
  int ret = member (root, "process", JSON_OBJECT, "process", &process, err);

  if (ret < 0 || process == NULL)
    return ret;
  if ((ret = load_caps (process, p, err)) < 0 || (ret = load_rlimits (process, p, err)) < 0)
    return ret;
  if ((ret = member (process, "noNewPrivileges", JSON_TRUE, "process.noNewPrivileges", &nnp, err))
      < 0)
    return ret;
  p->no_new_privs = nnp && json_is_true (nnp);
  if ((ret = member (process, "user", JSON_OBJECT, "process.user", &user, err)) < 0)
    return ret;
  if (user
      && ((ret = int_member (user, "uid", "process.user", 0, UINT32_MAX, false, &p->uid, err)) < 0
          || (ret = int_member (user, "gid", "process.user", 0, UINT32_MAX, false, &p->gid, err))
                 < 0))
    return ret;
  if ((ret = string_member (process, "cwd", "process", false, &cwd, err)) < 0)
    return ret;
  if (cwd && cwd[0] != '/')
    return ent_error_set (err, EINVAL, "process.cwd: \"%s\" is not absolute", cwd);
  if (cwd && (p->cwd = ent_path_tidy (cwd)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  return 0;
}

/* One mount entry, kept as a mount the profile does not interpret: the
 * profile's own grants add theirs beside it, and a grant on the same
 * destination is a conflict. */
static int
load_mount (json_t *e, const char *path, ent_profile_t *p, ent_error_t **err)
{
  const char *dest, *type, *source;
  json_t *opts, *o;
  cleanup_strv char **options = NULL;
  char item[96];
  size_t i;
  int ret;

  if (!json_is_object (e))
    return type_error (err, path, "an object");
  if ((ret = string_member (e, "destination", path, true, &dest, err)) < 0
      || (ret = string_member (e, "type", path, false, &type, err)) < 0
      || (ret = string_member (e, "source", path, false, &source, err)) < 0)
    return ret;
  path_key (item, sizeof (item), path, "options");
  if ((ret = member (e, "options", JSON_ARRAY, item, &opts, err)) < 0)
    return ret;
  if (opts && (options = calloc (json_array_size (opts) + 1, sizeof (char *))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  json_array_foreach (opts, i, o)
  {
    char at[112];
    path_index (at, sizeof (at), item, i);
    if (!json_is_string (o))
      return type_error (err, at, "a string");
    if ((options[i] = strdup (json_string_value (o))) == NULL)
      return ent_error_set (err, ENOMEM, "out of memory");
  }
  ent_mount_t m = { .kind = ENT_MOUNT_OTHER,
                    .path = (char *)(uintptr_t)dest,
                    .source = (char *)(uintptr_t)source,
                    .type = (char *)(uintptr_t)(type ? type : "none"),
                    .options = options };
  if ((ret = ent_profile_add_mount_full (p, &m, err)) < 0)
    return ent_error_prefix (err, "%s", path);
  return 0;
}

static int
load_mounts (json_t *root, ent_profile_t *p, ent_error_t **err)
{
  json_t *list, *e;
  char path[48];
  size_t i;
  int ret = member (root, "mounts", JSON_ARRAY, "mounts", &list, err);

  if (ret < 0 || list == NULL)
    return ret;
  json_array_foreach (list, i, e)
  {
    if ((ret = load_mount (e, path_index (path, sizeof (path), "mounts", i), p, err)) < 0)
      return ret;
  }
  return 0;
}

/* maskedPaths and readonlyPaths. */
static int
load_paths (json_t *linux_, const char *key, char ***list, ent_error_t **err)
{
  json_t *arr, *e;
  char path[64], item[80];
  size_t i;
  int ret
      = member (linux_, key, JSON_ARRAY, path_key (path, sizeof (path), "linux", key), &arr, err);

  if (ret < 0 || arr == NULL)
    return ret;
  json_array_foreach (arr, i, e)
  {
    path_index (item, sizeof (item), path, i);
    if (!json_is_string (e))
      return type_error (err, item, "a string");
    if (json_string_value (e)[0] != '/')
      return ent_error_set (err, EINVAL, "%s: \"%s\" is not absolute", item, json_string_value (e));
    if (ent_strlist_add (list, json_string_value (e)) < 0)
      return ent_error_set (err, ENOMEM, "out of memory");
  }
  return 0;
}

/* Is every key of @obj one of @keys?  The Docker format's own keys
 * ("includes", "excludes", "archMap", ...) mean nothing to an OCI runtime,
 * which ignores them: a rule "for CAP_SYS_ADMIN only" would apply always.
 * Read with Docker's meaning, the profile would believe a filter stricter
 * than the one that runs, so a config holding one is refused. */
static int
oci_keys_only (json_t *obj, const char *const *keys, size_t n, const char *path, ent_error_t **err)
{
  const char *key;
  json_t *v;

  json_object_foreach (obj, key, v)
  {
    bool known = false;
    for (size_t i = 0; i < n && !known; i++)
      known = strcmp (key, keys[i]) == 0;
    if (!known)
      return ent_error_set (err, EINVAL,
                            "%s.%s: not a key of an OCI seccomp filter (OCI runtimes ignore it)",
                            path, key);
  }
  return 0;
}

static int
check_oci_seccomp (json_t *sc, ent_error_t **err)
{
  static const char *const top[] = { "defaultAction", "defaultErrnoRet",  "architectures", "flags",
                                     "listenerPath",  "listenerMetadata", "syscalls" };
  static const char *const rule[] = { "names", "action", "errnoRet", "args" };
  static const char *const arg[] = { "index", "value", "valueTwo", "op" };
  json_t *list = json_object_get (sc, "syscalls"), *r, *a;
  char path[96], apath[128];
  size_t i, k;
  int ret = oci_keys_only (sc, top, N_ELEMENTS (top), "linux.seccomp", err);

  json_array_foreach (json_is_array (list) ? list : NULL, i, r)
  {
    path_index (path, sizeof (path), "linux.seccomp.syscalls", i);
    if (ret < 0 || !json_is_object (r))
      break;
    ret = oci_keys_only (r, rule, N_ELEMENTS (rule), path, err);
    json_array_foreach (
        json_is_array (json_object_get (r, "args")) ? json_object_get (r, "args") : NULL, k, a)
    {
      path_index (apath, sizeof (apath), path, k);
      if (ret == 0 && json_is_object (a))
        ret = oci_keys_only (a, arg, N_ELEMENTS (arg), apath, err);
    }
  }
  return ret;
}

static int
load_seccomp (json_t *linux_, ent_profile_t *p, ent_error_t **err)
{
  json_t *sc;
  cleanup_free char *text = NULL;
  ent_seccomp_t s;
  int ret = member (linux_, "seccomp", JSON_OBJECT, "linux.seccomp", &sc, err);

  if (ret < 0 || sc == NULL)
    return ret;
  if ((ret = check_oci_seccomp (sc, err)) < 0)
    return ret;
  if ((text = json_dumps (sc, JSON_COMPACT)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  ret = ent_seccomp_from_docker (text, strlen (text), p->caps[ENT_CAPSET_EFFECTIVE], &s, err);
  if (ret < 0)
    return ent_error_prefix (err, "linux.seccomp");
  ent_seccomp_clear (&p->seccomp);
  p->seccomp = s;
  p->seccomp.enabled = true;
  return 0;
}

static int
load_resources (json_t *linux_, ent_profile_t *p, ent_error_t **err)
{
  json_t *res, *pids, *mem;
  int ret = member (linux_, "resources", JSON_OBJECT, "linux.resources", &res, err);

  if (ret < 0 || res == NULL)
    return ret;
  if ((ret = member (res, "pids", JSON_OBJECT, "linux.resources.pids", &pids, err)) < 0
      || (ret = member (res, "memory", JSON_OBJECT, "linux.resources.memory", &mem, err)) < 0)
    return ret;
  if (pids
      && (ret = int_member (pids, "limit", "linux.resources.pids", -1, INT64_MAX, false,
                            &p->resources.pids, err))
             < 0)
    return ret;
  if (mem
      && (ret = int_member (mem, "limit", "linux.resources.memory", -1, INT64_MAX, false,
                            &p->resources.memory, err))
             < 0)
    return ret;
  p->resources.backend = ENT_RES_CGROUP;
  return 0;
}

static int
load_linux (json_t *root, ent_profile_t *p, ent_error_t **err)
{
  json_t *linux_;
  int ret = member (root, "linux", JSON_OBJECT, "linux", &linux_, err);

  if (ret < 0 || linux_ == NULL)
    return ret;
  if ((ret = load_namespaces (linux_, p, err)) < 0
      || (ret = load_paths (linux_, "maskedPaths", &p->fs.masked, err)) < 0
      || (ret = load_paths (linux_, "readonlyPaths", &p->fs.readonly, err)) < 0
      || (ret = load_resources (linux_, p, err)) < 0)
    return ret;
  /* After the capabilities: a rule of a Docker profile may depend on them. */
  return load_seccomp (linux_, p, err);
}

/* The fields of @root into @p (fresh from ent_profile_new). */
static int
load_doc (json_t *root, ent_profile_t *p, ent_error_t **err)
{
  const char *hostname;
  json_t *rootobj, *ro;
  int ret;

  if (!json_is_object (root))
    return ent_error_set (err, EINVAL, "an OCI config is a JSON object");
  /* The host's /dev, /proc and /sys are not a container's: a config has
   * its own, among its mounts. */
  p->fs.dev = ENT_DEV_MINIMAL;
  p->fs.proc = ENT_PROC_FRESH;
  p->fs.sys = ENT_SYS_RO;
  p->net.mode = ENT_NET_NONE;
  if ((ret = load_process (root, p, err)) < 0 || (ret = load_mounts (root, p, err)) < 0
      || (ret = load_linux (root, p, err)) < 0)
    return ret;
  if (!p->ns.create[ENT_NS_NET])
    p->net.mode = ENT_NET_HOST;
  if ((ret = string_member (root, "hostname", "", false, &hostname, err)) < 0)
    return ret;
  if (hostname && ent_profile_set_string (&p->hostname, hostname) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((ret = member (root, "root", JSON_OBJECT, "root", &rootobj, err)) < 0)
    return ret;
  if (rootobj && (ret = member (rootobj, "readonly", JSON_TRUE, "root.readonly", &ro, err)) < 0)
    return ret;
  p->fs.read_only = rootobj && ro && json_is_true (ro);
  return 0;
}

/* No string of the config holds a NUL byte but the big-integer marks of
 * ent_json_quote_big(): a NUL would cut it short in C, and a mark of the
 * user's own would come back as a number. */
static int
check_strings (json_t *v, const char *path, ent_error_t **err)
{
  char sub[256];
  const char *key;
  json_t *c;
  size_t i;
  int ret = 0;

  switch (json_typeof (v))
    {
    case JSON_STRING:
      if (strlen (json_string_value (v)) == json_string_length (v))
        return 0;
      for (i = 1; i < json_string_length (v); i++)
        if (json_string_value (v)[i] < '0' || json_string_value (v)[i] > '9')
          break;
      if (json_string_value (v)[0] == '\0' && i == json_string_length (v) && i > 1)
        return 0;
      return ent_error_set (err, EINVAL, "%s: a string holding a NUL byte", *path ? path : "(top)");
    case JSON_OBJECT:
      json_object_foreach (
          v, key, c) if ((ret = check_strings (c, path_key (sub, sizeof (sub), path, key), err))
                         < 0) return ret;
      return 0;
    case JSON_ARRAY:
      json_array_foreach (
          v, i, c) if ((ret = check_strings (c, path_index (sub, sizeof (sub), path, i), err))
                       < 0) return ret;
      return 0;
    default:
      return 0;
    }
}

/* Parse @json (@len bytes) into *@out: an object, within the size bound. */
static int
parse (const char *json, size_t len, json_t **out, ent_error_t **err)
{
  json_error_t jerr;
  cleanup_free char *quoted = NULL;
  size_t n;

  *out = NULL;
  if (json == NULL)
    return ent_error_set (err, EINVAL, "no OCI config");
  if (len > OCI_MAX_BYTES)
    return ent_error_set (err, E2BIG, "the OCI config is %zu bytes, more than %u", len,
                          OCI_MAX_BYTES);
  /* Seccomp values go up to UINT64_MAX, past what jansson holds. */
  if ((quoted = ent_json_quote_big (json, len, &n)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((*out = json_loadb (quoted, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr)) == NULL)
    return ent_error_set (err, EINVAL, "the OCI config is not valid JSON: line %d, column %d: %s",
                          jerr.line, jerr.column, jerr.text);
  return 0;
}

int
ent_oci_load (const char *json, size_t len, ent_profile_t **out, ent_error_t **err)
{
  cleanup_json json_t *root = NULL;
  cleanup_profile ent_profile_t *p = NULL;
  int ret;

  if (out == NULL)
    return ent_error_set (err, EINVAL, "ent_oci_load: nowhere to put the profile");
  *out = NULL;
  if ((ret = parse (json, len, &root, err)) < 0)
    return ret;
  if ((p = ent_profile_new ()) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((ret = load_doc (root, p, err)) < 0)
    return ret;
  if ((ret = check_strings (root, "", err)) < 0)
    return ret;
  if ((p->oci_base = json_dumps (root, JSON_COMPACT)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  ent_json_unquote_big (p->oci_base);
  *out = steal_pointer (&p);
  return 0;
}

int
ent_oci_load_file (const char *path, ent_profile_t **out, ent_error_t **err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  struct stat st;
  size_t got = 0;

  if (out)
    *out = NULL;
  if (path == NULL)
    return ent_error_set (err, EINVAL, "no OCI config file");
  if ((fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0 || fstat (fd, &st) < 0)
    return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
  if (!S_ISREG (st.st_mode))
    return ent_error_set (err, EINVAL, "%s: not a regular file", path);
  if ((uint64_t)st.st_size > OCI_MAX_BYTES)
    return ent_error_set (err, E2BIG, "%s: %lld bytes, more than %u", path, (long long)st.st_size,
                          OCI_MAX_BYTES);
  if ((buf = malloc ((size_t)st.st_size + 1)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  while (got < (size_t)st.st_size)
    {
      ssize_t n = read (fd, buf + got, (size_t)st.st_size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return ent_error_set (err, errno, "%s: %s", path, strerror (errno));
      if (n == 0)
        break;
      got += (size_t)n;
    }
  if (ent_oci_load (buf, got, out, err) < 0)
    return ent_error_prefix (err, "%s", path);
  return 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* Set @obj[@key] = @v (a new reference, stolen); ENOMEM when @v is NULL. */
static int
put (json_t *obj, const char *key, json_t *v, ent_error_t **err)
{
  if (v == NULL || json_object_set_new (obj, key, v) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return 0;
}

static int
append (json_t *arr, json_t *v, ent_error_t **err)
{
  if (v == NULL || json_array_append_new (arr, v) < 0)
    return ent_error_set (err, ENOMEM, "out of memory");
  return 0;
}

/* @obj[@key] as an object, created when absent (or not an object). */
static json_t *
child (json_t *obj, const char *key)
{
  json_t *c = json_object_get (obj, key);

  if (json_is_object (c))
    return c;
  c = json_object ();
  if (c == NULL || json_object_set_new (obj, key, c) < 0)
    return NULL;
  return c;
}

static json_t *
strv_json (char *const *v)
{
  json_t *arr = json_array ();

  for (size_t i = 0; arr && v && v[i]; i++)
    if (json_array_append_new (arr, json_string (v[i])) < 0)
      {
        json_decref (arr);
        return NULL;
      }
  return arr;
}

/* What the written config holds when no config was loaded: the shape of
 * `runc spec --rootless`, less what the profile writes itself. */
static json_t *template(void)
{
  return json_pack ("{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:s}, s:{s:s, s:b}, s:[], s:{}}",
                    "ociVersion", "1.0.2", "process", "terminal", 0, "user", "uid", 0, "gid", 0,
                    "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "cwd", "/", "root", "path", "rootfs", "readonly", 1, "mounts", "linux");
}

/* linux.namespaces: the config's entries stay (one of a type we do not
 * know, one that joins a namespace by path while the profile still shares
 * it), but those of the namespaces a grant made shared, and a joined one a
 * grant wants private is written without its path. */
static int
write_namespaces (const ent_profile_t *p, const ent_profile_t *base, json_t *linux_,
                  ent_error_t **err)
{
  json_t *old = json_object_get (linux_, "namespaces"), *list = json_array (), *e;
  bool listed[ENT_NS_COUNT] = { false };
  size_t i;
  int ret = 0;

  if (list == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  json_array_foreach (json_is_array (old) ? old : NULL, i, e)
  {
    int ns = ns_from_oci (json_string_value (json_object_get (e, "type")) ?: "");
    bool joined = json_object_get (e, "path") != NULL;
    if (ns >= 0 && (listed[ns] || (!p->ns.create[ns] && !(joined && base && !base->ns.create[ns]))))
      continue;
    if (ns >= 0)
      listed[ns] = true;
    if (ns >= 0 && joined && p->ns.create[ns])
      ret = append (list, json_pack ("{s:s}", "type", ns_oci[ns]), err);
    else
      ret = append (list, json_incref (e), err);
    if (ret < 0)
      break;
  }
  for (size_t k = 0; ret == 0 && k < N_ELEMENTS (ns_order); k++)
    if (p->ns.create[ns_order[k]] && !listed[ns_order[k]])
      ret = append (list, json_pack ("{s:s}", "type", ns_oci[ns_order[k]]), err);
  if (ret < 0)
    {
      json_decref (list);
      return ret;
    }
  return put (linux_, "namespaces", list, err);
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* The five sets, each by name in alphabetical order, as runc spec and
 * Docker write them. */
static int
write_caps (const ent_profile_t *p, json_t *process, ent_error_t **err)
{
  json_t *caps = json_object ();
  int ret = 0;

  if (caps == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (int s = 0; ret == 0 && s < ENT_CAPSET_COUNT; s++)
    {
      const char *names[ENT_CAP_LAST + 1];
      size_t n = 0;
      json_t *list = json_array ();
      for (int c = 0; c <= ENT_CAP_LAST; c++)
        if (p->caps[s] & ENT_CAP_BIT (c))
          names[n++] = ent_cap_to_name (c);
      qsort (names, n, sizeof (names[0]), cmp_names);
      for (size_t i = 0; list && i < n; i++)
        if (json_array_append_new (list, json_string (names[i])) < 0)
          {
            json_decref (list);
            list = NULL;
          }
      ret = put (caps, capset_oci[s], list, err);
    }
  if (ret < 0)
    {
      json_decref (caps);
      return ret;
    }
  return put (process, "capabilities", caps, err);
}

/* The rlimits the profile sets, resources.files/cpu-time/file-size among
 * them (entrun applies those as rlimits too), over the config's others. */
static int
rlimit_value (const ent_profile_t *p, int r, int64_t *soft, int64_t *hard, ent_error_t **err)
{
  /* resources.pids without a cgroup: RLIMIT_NPROC, as entrun applies it. */
  int64_t res = r == ENT_RLIMIT_NOFILE  ? p->resources.files
                : r == ENT_RLIMIT_CPU   ? p->resources.cpu_time
                : r == ENT_RLIMIT_FSIZE ? p->resources.file_size
                : r == ENT_RLIMIT_NPROC && p->resources.backend == ENT_RES_RLIMIT
                    ? p->resources.pids
                    : -1;

  *soft = p->rlimits[r].soft;
  *hard = p->rlimits[r].hard;
  if (res >= 0)
    *soft = *hard = res;
  if (*soft == ENT_RLIM_UNSET && *hard == ENT_RLIM_UNSET)
    return 0;
  if (*soft == ENT_RLIM_HARD && *hard >= 0)
    *soft = *hard;
  if (*soft < 0 || *hard < 0)
    return ent_error_set (
        err, ENOTSUP, "process.rlimits: %s %s has no OCI form (a config gives both limits)",
        ent_rlimit_name (r),
        *soft == ENT_RLIM_HARD ? "raised to the inherited hard limit" : "with only one limit set");
  return 1;
}

static int
write_rlimits (const ent_profile_t *p, json_t *process, ent_error_t **err)
{
  json_t *old = json_object_get (process, "rlimits"), *list = json_array (), *e;
  size_t i;
  int ret = 0;

  if (list == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  json_array_foreach (json_is_array (old) ? old : NULL, i,
                      e) if (rlimit_from_oci (json_string_value (json_object_get (e, "type")) ?: "")
                                 < 0
                             && (ret = append (list, json_incref (e), err)) < 0) break;
  for (int r = 0; ret == 0 && r < ENT_RLIMIT_COUNT; r++)
    {
      int64_t soft, hard;
      if ((ret = rlimit_value (p, r, &soft, &hard, err)) > 0)
        ret = append (list,
                      json_pack ("{s:s, s:I, s:I}", "type", ent_rlimit_name (r), "hard",
                                 (json_int_t)hard, "soft", (json_int_t)soft),
                      err);
    }
  if (ret < 0 || json_array_size (list) == 0)
    {
      json_decref (list);
      if (ret == 0)
        json_object_del (process, "rlimits");
      return ret;
    }
  return put (process, "rlimits", list, err);
}

/* Is @name (up to '=') the variable of @entry "NAME=VALUE"? */
static bool
env_is (const char *entry, const char *name)
{
  size_t n = strlen (name);

  return strncmp (entry, name, n) == 0 && entry[n] == '=';
}

/* process.env: the config's list (or the template's) with the profile's
 * changes applied in order, and the secrets it removes gone. */
static int
write_env (const ent_profile_t *p, json_t *process, ent_error_t **err)
{
  json_t *old = json_object_get (process, "env"), *env = json_array (), *e;
  size_t i;
  int ret = 0;

  if (env == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  json_array_foreach (json_is_array (old) ? old : NULL, i, e)
  {
    const char *s = json_string_value (e);
    bool keep = s != NULL && !p->clearenv;
    for (size_t k = 0; s && p->clearenv && k < p->n_env; k++)
      keep = keep || (p->env[k].op == ENT_ENV_KEEP && env_is (s, p->env[k].name));
    for (size_t k = 0; keep && p->env_removed && p->env_removed[k]; k++)
      keep = !env_is (s, p->env_removed[k]);
    if (keep && (ret = append (env, json_incref (e), err)) < 0)
      break;
  }
  for (size_t k = 0; ret == 0 && k < p->n_env; k++)
    {
      const ent_env_t *c = &p->env[k];
      if (c->op == ENT_ENV_KEEP)
        continue;
      for (size_t j = json_array_size (env); j-- > 0;)
        if (env_is (json_string_value (json_array_get (env, j)), c->name))
          json_array_remove (env, j);
      if (c->op == ENT_ENV_SET)
        {
          cleanup_free char *kv = ent_str_printf ("%s=%s", c->name, c->value);
          ret = kv ? append (env, json_string (kv), err)
                   : ent_error_set (err, ENOMEM, "out of memory");
        }
    }
  if (ret < 0)
    {
      json_decref (env);
      return ret;
    }
  return put (process, "env", env, err);
}

/* One of the profile's mounts as a "mounts" entry, or (hide) a masked
 * path: runc covers a masked directory with an empty read-only tmpfs and a
 * masked file with /dev/null, as host.fs.hide does. */
static int
mount_json (const ent_mount_t *m, json_t **out, ent_error_t **err)
{
  json_t *opts = json_array ();
  const char *src = m->source ? m->source : m->path;
  int ret = 0;

  *out = NULL;
  if (opts == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  switch (m->kind)
    {
    case ENT_MOUNT_BIND_RW:
    case ENT_MOUNT_BIND_RO:
      ret = append (opts, json_string ("rbind"), err);
      if (ret == 0)
        ret = append (opts, json_string (m->kind == ENT_MOUNT_BIND_RO ? "ro" : "rw"), err);
      /* runc and crun make only the top mount of an rbind "ro": "rro"
       * (mount_setattr, AT_RECURSIVE) makes the mounts below it read-only
       * too, as entrun does (a user-owned tmpfs under /run, a cgroup). */
      if (ret == 0 && m->kind == ENT_MOUNT_BIND_RO)
        ret = append (opts, json_string ("rro"), err);
      if (ret == 0)
        ret = append (opts, json_string ("nosuid"), err);
      if (ret == 0)
        ret = append (opts, json_string ("nodev"), err);
      break;
    case ENT_MOUNT_TMPFS:
      src = "tmpfs";
      ret = append (opts, json_string ("nosuid"), err);
      if (ret == 0)
        ret = append (opts, json_string ("nodev"), err);
      /* The launcher gives a tmpfs the mode of the directory it covers;
       * an OCI runtime has none to copy: /tmp's is the one that matters. */
      if (ret == 0)
        ret = append (
            opts,
            json_string (strcmp (m->path, "/tmp") == 0 || strcmp (m->path, "/var/tmp") == 0
                             ? "mode=1777"
                             : "mode=700"),
            err);
      break;
    case ENT_MOUNT_OTHER:
      src = m->source;
      break;
    case ENT_MOUNT_OVERLAY:
      json_decref (opts);
      return ent_error_set (err, ENOTSUP,
                            "host.fs.overlay=%s has no OCI form here (a rootless runtime has no "
                            "place for the upper layer)",
                            m->path);
    default:
      json_decref (opts);
      return ent_error_set (err, EINVAL, "mount kind %d at %s", (int)m->kind, m->path);
    }
  for (size_t i = 0; ret == 0 && m->options && m->options[i]; i++)
    ret = append (opts, json_string (m->options[i]), err);
  if (ret == 0)
    {
      *out = json_pack ("{s:s, s:s}", "destination", m->path, "type", ent_mount_type (m));
      if (*out == NULL)
        ret = ent_error_set (err, ENOMEM, "out of memory");
    }
  if (ret == 0 && src)
    ret = put (*out, "source", json_string (src), err);
  if (ret == 0 && json_array_size (opts))
    ret = put (*out, "options", json_incref (opts), err);
  json_decref (opts);
  if (ret < 0)
    {
      json_decref (*out);
      *out = NULL;
    }
  return ret;
}

static const ent_mount_t *
find_mount (const ent_profile_t *p, const char *path)
{
  for (size_t i = 0; p && i < p->fs.n_mounts; i++)
    if (strcmp (p->fs.mounts[i].path, path) == 0)
      return &p->fs.mounts[i];
  return NULL;
}

static bool
same_mount (const ent_mount_t *a, const ent_mount_t *b)
{
  return a && b && a->kind == b->kind && !ent_str_differs (a->source, b->source)
         && !ent_str_differs (a->type, b->type) && ent_strv_equal (a->options, b->options);
}

/* /proc, /dev and /sys of a profile written from scratch, as the modes
 * say: a fresh proc, a tmpfs /dev (the runtime adds the standard devices),
 * devpts, shm, and the host's /sys read-only (a rootless runtime cannot
 * mount a sysfs of its own). */
static int
write_system_mounts (const ent_profile_t *p, json_t *list, ent_error_t **err)
{
  int ret = 0;

  if (p->fs.proc != ENT_PROC_FRESH || p->fs.dev != ENT_DEV_MINIMAL)
    return ent_error_set (err, ENOTSUP,
                          "the host's %s has no OCI form here (host.processes / host.devices)",
                          p->fs.proc != ENT_PROC_FRESH ? "/proc" : "/dev");
  if (!find_mount (p, "/proc"))
    ret = append (
        list,
        json_pack ("{s:s, s:s, s:s}", "destination", "/proc", "type", "proc", "source", "proc"),
        err);
  if (ret == 0 && !find_mount (p, "/dev"))
    ret = append (list,
                  json_pack ("{s:s, s:s, s:s, s:[s, s, s, s]}", "destination", "/dev", "type",
                             "tmpfs", "source", "tmpfs", "options", "nosuid", "strictatime",
                             "mode=755", "size=65536k"),
                  err);
  if (ret == 0 && !find_mount (p, "/dev/pts"))
    ret = append (list,
                  json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", "/dev/pts",
                             "type", "devpts", "source", "devpts", "options", "nosuid", "noexec",
                             "newinstance", "ptmxmode=0666", "mode=0620"),
                  err);
  if (ret == 0 && !find_mount (p, "/dev/shm"))
    ret = append (list,
                  json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", "/dev/shm",
                             "type", "tmpfs", "source", "shm", "options", "nosuid", "noexec",
                             "nodev", "mode=1777", "size=65536k"),
                  err);
  if (ret == 0 && !find_mount (p, "/sys"))
    ret = append (list,
                  p->fs.sys == ENT_SYS_RO
                      ? json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s, s]}", "destination", "/sys",
                                   "type", "none", "source", "/sys", "options", "rbind", "nosuid",
                                   "noexec", "nodev", "ro", "rro")
                      : json_pack ("{s:s, s:s, s:s, s:[s, s, s, s, s]}", "destination", "/sys",
                                   "type", "none", "source", "/sys", "options", "rbind", "nosuid",
                                   "noexec", "nodev", "rw"),
                  err);
  return ret;
}

/* "mounts": the loaded config's entries the profile still has as loaded,
 * as the config wrote them; the profile's others after them (sorted:
 * parents first); hides as masked paths. */
static int
write_mounts (const ent_profile_t *p, const ent_profile_t *base, json_t *root, json_t *linux_,
              ent_error_t **err)
{
  json_t *old = json_object_get (root, "mounts"), *list = json_array (), *e;
  cleanup_strv char **masked = NULL;
  size_t i;
  int ret = 0;

  if (list == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (base == NULL)
    ret = write_system_mounts (p, list, err);
  json_array_foreach (json_is_array (old) && base ? old : NULL, i, e)
  {
    const char *dest = json_string_value (json_object_get (e, "destination"));
    cleanup_free char *tidy = dest ? ent_path_tidy (dest) : NULL;
    if (ret < 0)
      break;
    if (tidy && same_mount (find_mount (p, tidy), find_mount (base, tidy)))
      ret = append (list, json_incref (e), err);
  }
  for (size_t k = 0; ret == 0 && k < p->fs.n_mounts; k++)
    {
      const ent_mount_t *m = &p->fs.mounts[k];
      json_t *j;
      if (base && same_mount (m, find_mount (base, m->path)))
        continue;
      if (m->kind == ENT_MOUNT_HIDE)
        {
          ret = ent_strlist_add (&masked, m->path) < 0
                    ? ent_error_set (err, ENOMEM, "out of memory")
                    : 0;
          continue;
        }
      if ((ret = mount_json (m, &j, err)) == 0)
        ret = append (list, j, err);
    }
  if (ret == 0)
    ret = put (root, "mounts", list, err);
  else
    json_decref (list);
  /* Hidden paths join the masked ones. */
  for (size_t k = 0; ret == 0 && masked && masked[k]; k++)
    {
      json_t *mp = json_object_get (linux_, "maskedPaths");
      if (!json_is_array (mp))
        {
          if ((ret = put (linux_, "maskedPaths", json_array (), err)) < 0)
            break;
          mp = json_object_get (linux_, "maskedPaths");
        }
      ret = append (mp, json_string (masked[k]), err);
    }
  return ret;
}

/* The launcher features @p uses that the caller did not take on. */
static int
check_features (const ent_profile_t *p, unsigned allowed, ent_error_t **err)
{
  /* Written as the variables it removes from process.env. */
  unsigned left = ent_profile_launcher_features (p) & ~allowed & ~(unsigned)ENT_FEATURE_ENV_SCRUB;

  for (unsigned bit = 1; left; bit <<= 1)
    if (left & bit)
      return ent_error_set (err, ENOTSUP,
                            "%s has no OCI form: an OCI runtime would run the container without it",
                            ent_feature_name (bit));
  return 0;
}

static int
write_seccomp (const ent_profile_t *p, json_t *linux_, ent_error_t **err)
{
  cleanup_free char *text = NULL;
  json_t *sc;
  json_error_t jerr;
  int ret;

  if (!p->seccomp.enabled)
    {
      json_object_del (linux_, "seccomp");
      return 0;
    }
  cleanup_free char *quoted = NULL;
  size_t n;

  if ((ret = ent_seccomp_to_docker (&p->seccomp, &text, err)) < 0)
    return ret;
  if ((quoted = ent_json_quote_big (text, strlen (text), &n)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((sc = json_loadb (quoted, n, JSON_ALLOW_NUL, &jerr)) == NULL)
    return ent_error_set (err, EINVAL, "linux.seccomp: %s", jerr.text);
  return put (linux_, "seccomp", sc, err);
}

static int
write_resources (const ent_profile_t *p, json_t *linux_, ent_error_t **err)
{
  json_t *res;
  int ret = 0;

  if (p->resources.backend != ENT_RES_CGROUP || (p->resources.pids < 0 && p->resources.memory < 0))
    return 0; /* pids as RLIMIT_NPROC; memory watched: refused before */
  if ((res = child (linux_, "resources")) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (p->resources.pids >= 0)
    ret = put (res, "pids", json_pack ("{s:I}", "limit", (json_int_t)p->resources.pids), err);
  if (ret == 0 && p->resources.memory >= 0)
    ret = put (res, "memory", json_pack ("{s:I}", "limit", (json_int_t)p->resources.memory), err);
  return ret;
}

/* process.user and the rootless mappings. */
static int
write_user (const ent_profile_t *p, const ent_oci_options_t *opt, json_t *process, json_t *linux_,
            bool changed, ent_error_t **err)
{
  json_t *user;
  /* A runtime needs the namespace's root mapped: a rootless config maps
   * the one host id it has to 0, and the payload runs as that (with no
   * capability but those granted), where entrun keeps the caller's. */
  int64_t uid = p->uid >= 0 ? p->uid : opt->host_uid >= 0 ? 0 : -1;
  int64_t gid = p->gid >= 0 ? p->gid : opt->host_gid >= 0 ? 0 : -1;
  int ret = 0;

  if ((changed || opt->host_uid >= 0) && uid >= 0 && gid >= 0)
    {
      if ((user = child (process, "user")) == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
      ret = put (user, "uid", json_integer (uid), err);
      if (ret == 0)
        ret = put (user, "gid", json_integer (gid), err);
    }
  if (ret == 0 && opt->host_uid >= 0)
    ret = put (linux_, "uidMappings",
               json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                          (json_int_t)opt->host_uid, "size", 1),
               err);
  if (ret == 0 && opt->host_gid >= 0)
    ret = put (linux_, "gidMappings",
               json_pack ("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                          (json_int_t)opt->host_gid, "size", 1),
               err);
  return ret;
}

static int
write_args (const ent_oci_options_t *opt, json_t *process, ent_error_t **err)
{
  json_t *args;

  if (opt->args == NULL || opt->args[0] == NULL)
    return json_array_size (json_object_get (process, "args"))
               ? 0
               : ent_error_set (err, EINVAL, "process.args: no command to run");
  if ((args = json_array ()) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  for (size_t i = 0; opt->args[i]; i++)
    if (json_array_append_new (args, json_string (opt->args[i])) < 0)
      {
        json_decref (args);
        return ent_error_set (err, EINVAL, "process.args[%zu]: not UTF-8 text", i);
      }
  return put (process, "args", args, err);
}

/* Each field the profile models, where it differs from what the loaded
 * config said (@base; NULL: write them all). */
static int
write_fields (const ent_profile_t *p, const ent_profile_t *base, const ent_oci_options_t *opt,
              json_t *root, ent_error_t **err)
{
  json_t *process = child (root, "process"), *linux_ = child (root, "linux"), *rootobj;
  bool all = base == NULL;
  int ret = 0;

  if (process == NULL || linux_ == NULL || (rootobj = child (root, "root")) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if (base
      && (p->fs.dev != base->fs.dev || p->fs.proc != base->fs.proc || p->fs.sys != base->fs.sys))
    return ent_error_set (err, ENOTSUP,
                          "changing /dev, /proc or /sys of a loaded OCI config is not supported");
  if (all || memcmp (&p->ns, &base->ns, sizeof (p->ns)))
    ret = write_namespaces (p, base, linux_, err);
  if (ret == 0 && !p->caps_unset
      && (all || base->caps_unset || memcmp (p->caps, base->caps, sizeof (p->caps))))
    ret = write_caps (p, process, err);
  if (ret == 0 && (all || p->no_new_privs != base->no_new_privs))
    ret = put (process, "noNewPrivileges", json_boolean (p->no_new_privs), err);
  if (ret == 0
      && (all || memcmp (p->rlimits, base->rlimits, sizeof (p->rlimits))
          || p->resources.files != base->resources.files
          || p->resources.cpu_time != base->resources.cpu_time
          || p->resources.file_size != base->resources.file_size
          || p->resources.pids != base->resources.pids
          || p->resources.backend != base->resources.backend))
    ret = write_rlimits (p, process, err);
  if (ret == 0 && p->hostname && (all || ent_str_differs (p->hostname, base->hostname)))
    ret = put (root, "hostname", json_string (p->hostname), err);
  if (ret == 0 && p->cwd && (all || ent_str_differs (p->cwd, base->cwd)))
    ret = put (process, "cwd", json_string (p->cwd), err);
  if (ret == 0 && (all || p->n_env || p->clearenv || p->env_removed))
    ret = write_env (p, process, err);
  if (ret == 0 && (all || p->fs.read_only != base->fs.read_only || p->host_boundary))
    ret = put (rootobj, "readonly", json_boolean (p->fs.read_only || p->host_boundary || all), err);
  if (ret == 0 && opt->root)
    ret = put (rootobj, "path", json_string (opt->root), err);
  if (ret == 0 && (all || !ent_strv_equal (p->fs.masked, base->fs.masked)))
    ret = put (linux_, "maskedPaths", strv_json (p->fs.masked), err);
  if (ret == 0 && (all || !ent_strv_equal (p->fs.readonly, base->fs.readonly)))
    ret = put (linux_, "readonlyPaths", strv_json (p->fs.readonly), err);
  if (ret == 0)
    ret = write_mounts (p, base, root, linux_, err);
  if (ret == 0
      && (all || p->seccomp.enabled != base->seccomp.enabled
          || ent_seccomp_differs (&p->seccomp, &base->seccomp)))
    ret = write_seccomp (p, linux_, err);
  if (ret == 0
      && (all || p->resources.pids != base->resources.pids
          || p->resources.memory != base->resources.memory))
    ret = write_resources (p, linux_, err);
  if (ret == 0)
    ret = write_user (p, opt, process, linux_, all || p->uid != base->uid || p->gid != base->gid,
                      err);
  if (ret == 0)
    ret = write_args (opt, process, err);
  return ret;
}

int
ent_oci_write (const ent_profile_t *p, const ent_oci_options_t *opt, char **out, ent_error_t **err)
{
  static const ent_oci_options_t none = { .host_uid = -1, .host_gid = -1 };
  cleanup_json json_t *root = NULL;
  cleanup_profile ent_profile_t *base = NULL;
  int ret;

  if (out)
    *out = NULL;
  if (p == NULL || out == NULL)
    return ent_error_set (err, EINVAL, "ent_oci_write: no profile, or nowhere to put the config");
  if (opt == NULL)
    opt = &none;
  if ((ret = check_features (p, opt->allow_features, err)) < 0)
    return ret;
  if (p->oci_base)
    {
      /* One parse serves both: the tree to write into, and what the
       * config said (load_doc reads the tree, never changes it). */
      if ((ret = parse (p->oci_base, strlen (p->oci_base), &root, err)) < 0)
        return ent_error_prefix (err, "the profile's loaded config");
      if ((base = ent_profile_new ()) == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
      if ((ret = load_doc (root, base, err)) < 0)
        return ent_error_prefix (err, "the profile's loaded config");
    }
  else if ((root = template()) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((ret = write_fields (p, base, opt, root, err)) < 0)
    return ret;
  if ((*out = json_dumps (root, JSON_INDENT (2))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  ent_json_unquote_big (*out);
  return 0;
}
