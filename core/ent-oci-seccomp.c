/* libentitlement — Docker seccomp profiles (ent-oci.h).
 *
 * WHY
 *
 * A container platform hands its payload's syscall policy to runc, crun or
 * Podman as a Docker-format profile, and a platform that already has one
 * wants it as a profile's policy.  The two readings differ: a profile's
 * ERRNO rules win over its ALLOW rules (two filters, ent-profile.h), while
 * runc builds ONE libseccomp filter from the file.  Export goes through
 * ent_seccomp_flatten(), whose rules mean the same either way.  Import
 * states what that one filter does, as runc builds it:
 *
 *   - rules are selected as Docker and Podman select them: "includes"
 *     needs every named capability in the bounding set (@caps), "excludes"
 *     drops the rule if any is there; "arches" are Go's names for this
 *     machine ("amd64"; "x86_64" is accepted too); "minKernel" is taken as
 *     met (the kernel is assumed to be at least that new: an "includes"
 *     applies, an "excludes" drops the rule) — a pure function cannot ask
 *     the kernel, and a policy must not depend on where it was read;
 *   - a rule whose action is the default one is skipped (runc does: one
 *     libseccomp refuses), as is a syscall name libseccomp does not know
 *     (runc skips it with a warning: unknown to it, the call never gets
 *     the rule's action, whatever it was);
 *   - two conditions on one argument in one rule make runc add each
 *     condition of that rule as a rule of its own ("either"), so we split
 *     it the same way;
 *   - libseccomp lets the first unconditional rule of a syscall win over
 *     everything else for it, whatever the order: that rule alone is kept;
 *   - conditional rules of different actions that match a common call are
 *     refused, naming both: libseccomp refuses some such pairs (EEXIST) and
 *     orders the others as its tree likes, so no verdict is "the" one;
 *   - for SCMP_CMP_MASKED_EQ "value" is the mask and "valueTwo" the datum
 *     (runc, libseccomp-golang), and libseccomp masks the datum.
 *
 * What the model cannot hold is an error naming the JSON path: an action
 * other than ALLOW and ERRNO (KILL, TRAP, TRACE, LOG, NOTIFY would be
 * silently weakened or strengthened), an allow-by-default profile (the
 * profile model is default-deny), errno 0 (a faked success).  So is an
 * unknown key: Go ignores one, but a misspelt "args" would turn a
 * conditional allow into an unconditional one.
 *
 * The policy applies to every ABI of this machine, as entrun's own does; a
 * profile that leaves out a sub-architecture (runc then kills every call
 * made through it) gets its rules applied there too.  unknown_errno is 0:
 * one libseccomp filter answers a syscall it was not told about with the
 * default action.
 *
 * jansson reads integers as int64_t and Docker writes arguments as
 * uint64_t: before parsing, an integer past INT64_MAX is turned into a
 * string marked by a leading NUL (which no accepted string may hold), and
 * the writer here prints numbers itself.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent-entitlement-private.h"
#include "ent-json.h"
#include "ent-oci.h"
#include "ent-util.h"

#define DOCKER_MAX_BYTES (16u << 20)
#define DOCKER_MAX_RULES 100000
/* Rules for one syscall once selected: far beyond what BPF's 4096
 * instructions hold, and it bounds the pairwise overlap check. */
#define DOCKER_MAX_SYSCALL_RULES 4096
#define PATH_LEN 128
/* The marker of an integer past INT64_MAX, kept as a string. */
#define BIG_MARK '\0'

/* ---- this machine ---------------------------------------------------------- */

typedef struct machine
{
  uint32_t native;
  const char *goarch[3]; /* "arches" names that mean this machine */
  const char *scmp[4];   /* its ABIs as Docker writes them, native first */
} machine_t;

static const machine_t machines[] = {
  { SCMP_ARCH_X86_64,
    { "amd64", "x86_64" },
    { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" } },
  { SCMP_ARCH_AARCH64, { "arm64", "aarch64" }, { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" } },
  { SCMP_ARCH_X86, { "386", "x86", "i386" }, { "SCMP_ARCH_X86" } },
  { SCMP_ARCH_ARM, { "arm" }, { "SCMP_ARCH_ARM" } },
  { SCMP_ARCH_PPC64LE, { "ppc64le" }, { "SCMP_ARCH_PPC64LE" } },
  { SCMP_ARCH_S390X, { "s390x" }, { "SCMP_ARCH_S390X", "SCMP_ARCH_S390" } },
  { SCMP_ARCH_RISCV64, { "riscv64" }, { "SCMP_ARCH_RISCV64" } },
};

static const machine_t *
this_machine (ent_error_t **err)
{
  uint32_t native = seccomp_arch_native ();

  for (size_t i = 0; i < N_ELEMENTS (machines); i++)
    if (machines[i].native == native)
      return &machines[i];
  ent_error_set (err, ENOTSUP, "seccomp: no Docker architecture name for this machine");
  return NULL;
}

static bool
in_list (const char *const *list, size_t n, const char *s)
{
  for (size_t i = 0; i < n && list[i]; i++)
    if (strcmp (list[i], s) == 0)
      return true;
  return false;
}

/* ---- the parsed profile ----------------------------------------------------- */

/* One rule as runc hands it to libseccomp: one name, at most one condition
 * per argument, and the capability filter still to decide. */
typedef struct drule
{
  char *name;
  ent_seccomp_action_t action;
  int errnum;
  unsigned n_args;
  ent_arg_cond_t args[ENT_SECCOMP_MAX_ARGS];
  size_t entry;       /* syscalls[entry] */
  uint64_t need_caps; /* includes.caps: all of them held */
  uint64_t shun_caps; /* excludes.caps: none of them held */
  bool never;         /* includes.caps names one no container holds here */
} drule_t;

typedef struct ddoc
{
  int default_errno;
  drule_t *r; /* in file order */
  size_t n, cap;
} ddoc_t;

static void
ddoc_clear (ddoc_t *d)
{
  for (size_t i = 0; d && i < d->n; i++)
    free (d->r[i].name);
  if (d)
    {
      free (d->r);
      memset (d, 0, sizeof (*d));
    }
}

static void
ddoc_free (void *data)
{
  ddoc_clear (data);
  free (data);
}

static int
ddoc_push (ddoc_t *d, const drule_t *r, const char *path, ent_error_t **err)
{
  drule_t copy = *r;

  if (d->n == DOCKER_MAX_RULES)
    return ent_error_set (err, E2BIG, "%s: more than %d rules", path, DOCKER_MAX_RULES);
  if (d->n == d->cap)
    {
      size_t cap = d->cap ? d->cap * 2 : 64;
      drule_t *grown = realloc (d->r, cap * sizeof (*grown));
      if (grown == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
      d->r = grown;
      d->cap = cap;
    }
  copy.name = strdup (r->name);
  if (copy.name == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  d->r[d->n++] = copy;
  return 0;
}

/* ---- JSON access with paths ------------------------------------------------- */

/* "@base.@key" ("@key" at the top).  Paths are short (the deepest is
 * "syscalls[N].includes.caps[N]"); one cut short still names its start. */
static void
path_key (char *out, const char *base, const char *key)
{
  if (snprintf (out, PATH_LEN, "%s%s%s", base, *base ? "." : "", key) >= PATH_LEN)
    out[PATH_LEN - 1] = '\0';
}

static void
path_index (char *out, const char *base, size_t i)
{
  if (snprintf (out, PATH_LEN, "%s[%zu]", base, i) >= PATH_LEN)
    out[PATH_LEN - 1] = '\0';
}

static int
check_keys (json_t *obj, const char *const *allowed, size_t n, const char *path, ent_error_t **err)
{
  const char *key;
  json_t *v;

  if (!json_is_object (obj))
    return ent_error_set (err, EINVAL, "%s: not an object", *path ? path : "seccomp profile");
  json_object_foreach (obj, key, v)
  {
    if (!in_list (allowed, n, key))
      return ent_error_set (err, EINVAL, "%s%sunknown key \"%.64s\"", path, *path ? ": " : "", key);
  }
  return 0;
}

/* A string without NUL bytes (which also refuses the big-integer marker). */
static int
get_str (json_t *v, const char *path, const char **out, ent_error_t **err)
{
  if (!json_is_string (v))
    return ent_error_set (err, EINVAL, "%s: not a string", path);
  *out = json_string_value (v);
  if (strlen (*out) != json_string_length (v))
    return ent_error_set (err, EINVAL, "%s: a string holding a NUL byte", path);
  return 0;
}

static int
get_u64 (json_t *v, const char *path, uint64_t *out, ent_error_t **err)
{
  const char *s = json_string_value (v);

  if (json_is_integer (v) && json_integer_value (v) >= 0)
    {
      *out = (uint64_t)json_integer_value (v);
      return 0;
    }
  if (s && s[0] == BIG_MARK && json_string_length (v) > 1)
    {
      *out = strtoull (s + 1, NULL, 10); /* digits only, checked in range */
      return 0;
    }
  return ent_error_set (err, EINVAL, "%s: not an unsigned integer", path);
}

/* An optional array of strings; NULL and [] are both empty. */
static int
get_str_array (json_t *obj, const char *key, const char *base, json_t **out, ent_error_t **err)
{
  char path[PATH_LEN];
  json_t *v = json_object_get (obj, key);
  const char *s;
  size_t i;
  json_t *item;

  path_key (path, base, key);
  *out = NULL;
  if (v == NULL || json_is_null (v))
    return 0;
  if (!json_is_array (v))
    return ent_error_set (err, EINVAL, "%s: not an array", path);
  json_array_foreach (v, i, item)
  {
    char ipath[PATH_LEN];
    path_index (ipath, path, i);
    if (get_str (item, ipath, &s, err) < 0)
      return -EINVAL;
  }
  *out = v;
  return 0;
}

static bool
str_array_has (json_t *a, const char *const *names, size_t n)
{
  size_t i;
  json_t *item;

  json_array_foreach (a, i, item)
  {
    if (in_list (names, n, json_string_value (item)))
      return true;
  }
  return false;
}

/* ---- actions and errnos ----------------------------------------------------- */

enum
{
  ACT_ALLOW,
  ACT_ERRNO,
  ACT_UNSUPPORTED,
};

static const struct
{
  const char *name;
  int kind;
} actions[] = {
  { "SCMP_ACT_ALLOW", ACT_ALLOW },
  { "SCMP_ACT_ERRNO", ACT_ERRNO },
  { "SCMP_ACT_KILL", ACT_UNSUPPORTED },
  { "SCMP_ACT_KILL_PROCESS", ACT_UNSUPPORTED },
  { "SCMP_ACT_KILL_THREAD", ACT_UNSUPPORTED },
  { "SCMP_ACT_TRAP", ACT_UNSUPPORTED },
  { "SCMP_ACT_TRACE", ACT_UNSUPPORTED },
  { "SCMP_ACT_LOG", ACT_UNSUPPORTED },
  { "SCMP_ACT_NOTIFY", ACT_UNSUPPORTED },
};

static int
get_action (json_t *obj, const char *key, const char *base, int *kind, ent_error_t **err)
{
  char path[PATH_LEN];
  const char *s;

  path_key (path, base, key);
  if (json_object_get (obj, key) == NULL)
    return ent_error_set (err, EINVAL, "%s: missing", path);
  if (get_str (json_object_get (obj, key), path, &s, err) < 0)
    return -EINVAL;
  for (size_t i = 0; i < N_ELEMENTS (actions); i++)
    if (strcmp (s, actions[i].name) == 0)
      {
        *kind = actions[i].kind;
        if (*kind == ACT_UNSUPPORTED)
          return ent_error_set (err, ENOTSUP, "%s: unsupported action \"%s\"", path, s);
        return 0;
      }
  return ent_error_set (err, EINVAL, "%s: unknown action \"%.64s\"", path, s);
}

/* Podman's "errno"/"defaultErrno": a name ("EPERM") or a number. */
static int
errno_from_name (const char *s)
{
  char *end = NULL;
  unsigned long v;

  if (*s >= '0' && *s <= '9')
    {
      errno = 0;
      v = strtoul (s, &end, 10);
      return errno == 0 && *end == '\0' && v <= 4095 ? (int)v : -1;
    }
  for (int e = 1; e <= 4095; e++)
    {
      const char *n = strerrorname_np (e);
      if (n && strcmp (n, s) == 0)
        return e;
    }
  return -1;
}

static int
check_errno (uint64_t v, const char *path, ent_error_t **err)
{
  if (v == 0)
    return ent_error_set (err, EINVAL, "%s: errno 0 fakes a success, which a profile cannot hold",
                          path);
  if (v > 4095)
    return ent_error_set (err, EINVAL, "%s: errno %" PRIu64 " out of range (1-4095)", path, v);
  return 0;
}

/* @num_key (a number) or @name_key (Podman: a name), EPERM when neither,
 * as in runc and Podman. */
static int
get_errno (json_t *obj, const char *num_key, const char *name_key, const char *base, int *out,
           ent_error_t **err)
{
  char path[PATH_LEN];
  json_t *num = json_object_get (obj, num_key), *name = json_object_get (obj, name_key);
  uint64_t v = EPERM;
  const char *s;
  int e;

  if (num && !json_is_null (num))
    {
      path_key (path, base, num_key);
      if (get_u64 (num, path, &v, err) < 0 || check_errno (v, path, err) < 0)
        return -EINVAL;
    }
  if (name && !json_is_null (name))
    {
      path_key (path, base, name_key);
      if (get_str (name, path, &s, err) < 0)
        return -EINVAL;
      if ((e = errno_from_name (s)) < 0)
        return ent_error_set (err, EINVAL, "%s: unknown errno \"%.64s\"", path, s);
      if (check_errno ((uint64_t)e, path, err) < 0)
        return -EINVAL;
      if (num && !json_is_null (num) && (uint64_t)e != v)
        return ent_error_set (err, EINVAL, "%s: says %d, %s says %" PRIu64, path, e, num_key, v);
      v = (uint64_t)e;
    }
  *out = (int)v;
  return 0;
}

/* ---- big integers ----------------------------------------------------------- */

static bool
num_char (char c)
{
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* Is [@s, @s+@n) a plain integer in (INT64_MAX, UINT64_MAX]? */
static bool
big_integer (const char *s, size_t n)
{
  char buf[24];
  char *end = NULL;
  unsigned long long v;

  if (n < 19 || n > 20 || s[0] == '0')
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  memcpy (buf, s, n);
  buf[n] = '\0';
  errno = 0;
  v = strtoull (buf, &end, 10);
  return errno == 0 && v > (unsigned long long)INT64_MAX;
}

char *
ent_json_quote_big (const char *json, size_t len, size_t *out_len)
{
  char *out = malloc (len * 2 + 1);
  bool in_str = false;
  size_t o = 0;

  if (out == NULL)
    return NULL;
  for (size_t i = 0; i < len;)
    {
      if (in_str)
        {
          if (json[i] == '\\' && i + 1 < len)
            out[o++] = json[i++];
          else if (json[i] == '"')
            in_str = false;
          out[o++] = json[i++];
          continue;
        }
      if (json[i] == '"')
        in_str = true;
      if (!num_char (json[i]) || json[i] == 'e' || json[i] == 'E')
        {
          out[o++] = json[i++];
          continue;
        }
      size_t start = i;
      while (i < len && num_char (json[i]))
        i++;
      if (big_integer (json + start, i - start))
        o += (size_t)sprintf (out + o, "\"\\u0000%.*s\"", (int)(i - start), json + start);
      else
        {
          memcpy (out + o, json + start, i - start);
          o += i - start;
        }
    }
  out[o] = '\0';
  *out_len = o;
  return out;
}

void
ent_json_unquote_big (char *json)
{
  static const char mark[] = "\"\\u0000";
  char *w = json, *r = json;

  while (*r)
    {
      size_t digits = 0;
      if (strncmp (r, mark, sizeof (mark) - 1) == 0)
        while (r[sizeof (mark) - 1 + digits] >= '0' && r[sizeof (mark) - 1 + digits] <= '9')
          digits++;
      if (digits && r[sizeof (mark) - 1 + digits] == '"'
          && big_integer (r + sizeof (mark) - 1, digits))
        {
          memmove (w, r + sizeof (mark) - 1, digits);
          w += digits;
          r += sizeof (mark) - 1 + digits + 1;
          continue;
        }
      /* Inside a string, an escaped quote is no start of a marker. */
      if (*r == '\\' && r[1])
        *w++ = *r++;
      *w++ = *r++;
    }
  *w = '\0';
}

/* ---- syscall entries -------------------------------------------------------- */

typedef struct filter
{
  uint64_t need, shun;
  bool never, skip;
} filter_t;

static const struct
{
  const char *name;
  ent_arg_op_t op;
} ops[] = {
  { "SCMP_CMP_NE", ENT_ARG_NE },
  { "SCMP_CMP_LT", ENT_ARG_LT },
  { "SCMP_CMP_LE", ENT_ARG_LE },
  { "SCMP_CMP_EQ", ENT_ARG_EQ },
  { "SCMP_CMP_GE", ENT_ARG_GE },
  { "SCMP_CMP_GT", ENT_ARG_GT },
  { "SCMP_CMP_MASKED_EQ", ENT_ARG_MASKED_EQ },
};

static int
parse_op (json_t *v, const char *path, ent_arg_op_t *op, ent_error_t **err)
{
  const char *s;

  if (v == NULL)
    return ent_error_set (err, EINVAL, "%s: missing", path);
  if (get_str (v, path, &s, err) < 0)
    return -EINVAL;
  for (size_t i = 0; i < N_ELEMENTS (ops); i++)
    if (strcmp (s, ops[i].name) == 0)
      {
        *op = ops[i].op;
        return 0;
      }
  return ent_error_set (err, EINVAL, "%s: unknown op \"%.64s\"", path, s);
}

static int
parse_arg (json_t *a, const char *path, ent_arg_cond_t *c, ent_error_t **err)
{
  static const char *const keys[] = { "index", "value", "valueTwo", "op" };
  char p[PATH_LEN];
  uint64_t index, value = 0, two = 0;
  json_t *v;

  if (check_keys (a, keys, N_ELEMENTS (keys), path, err) < 0)
    return -EINVAL;
  path_key (p, path, "index");
  if ((v = json_object_get (a, "index")) == NULL)
    return ent_error_set (err, EINVAL, "%s: missing", p);
  if (get_u64 (v, p, &index, err) < 0)
    return -EINVAL;
  if (index >= ENT_SECCOMP_MAX_ARGS)
    return ent_error_set (err, EINVAL, "%s: %" PRIu64 " is not an argument (0-5)", p, index);
  path_key (p, path, "value");
  if ((v = json_object_get (a, "value")) && get_u64 (v, p, &value, err) < 0)
    return -EINVAL;
  path_key (p, path, "valueTwo");
  if ((v = json_object_get (a, "valueTwo")) && get_u64 (v, p, &two, err) < 0)
    return -EINVAL;
  path_key (p, path, "op");
  *c = (ent_arg_cond_t){ .index = (unsigned)index, .value = value };
  if (parse_op (json_object_get (a, "op"), p, &c->op, err) < 0)
    return -EINVAL;
  if (c->op == ENT_ARG_MASKED_EQ) /* libseccomp masks the datum */
    *c = (ent_arg_cond_t){ .index = c->index, .op = c->op, .mask = value, .value = two & value };
  return 0;
}

/* "4.8": digits, a dot, digits (Docker's KernelVersion). */
static int
check_kernel (json_t *v, const char *path, ent_error_t **err)
{
  const char *s;
  size_t a, b;

  if (get_str (v, path, &s, err) < 0)
    return -EINVAL;
  a = strspn (s, "0123456789");
  b = a > 0 && s[a] == '.' ? strspn (s + a + 1, "0123456789") : 0;
  if (b == 0 || s[a + 1 + b] != '\0')
    return ent_error_set (err, EINVAL, "%s: not a kernel version (\"4.8\"): \"%.32s\"", path, s);
  return 0;
}

/* The caps of an includes/excludes filter, as Docker compares them: the
 * exact "CAP_..." spelling against the bounding set's names. */
static uint64_t
caps_of (json_t *a, bool *unknown)
{
  uint64_t bits = 0;
  size_t i;
  json_t *item;

  json_array_foreach (a, i, item)
  {
    const char *s = json_string_value (item);
    int cap = ent_cap_from_name (s);
    if (cap >= 0 && ent_str_equal (ent_cap_to_name (cap), s))
      bits |= ENT_CAP_BIT (cap);
    else
      *unknown = true;
  }
  return bits;
}

static int
parse_filter (json_t *entry, const char *key, const char *base, const machine_t *m, filter_t *f,
              ent_error_t **err)
{
  static const char *const keys[] = { "caps", "arches", "minKernel" };
  bool includes = strcmp (key, "includes") == 0, unknown = false;
  json_t *obj = json_object_get (entry, key), *caps, *arches, *kernel;
  char path[PATH_LEN], kpath[PATH_LEN];
  uint64_t bits;

  path_key (path, base, key);
  if (obj == NULL || json_is_null (obj))
    return 0;
  if (check_keys (obj, keys, N_ELEMENTS (keys), path, err) < 0
      || get_str_array (obj, "caps", path, &caps, err) < 0
      || get_str_array (obj, "arches", path, &arches, err) < 0)
    return -EINVAL;
  path_key (kpath, path, "minKernel");
  kernel = json_object_get (obj, "minKernel");
  if (kernel && !json_is_null (kernel) && check_kernel (kernel, kpath, err) < 0)
    return -EINVAL;
  if (arches && json_array_size (arches) > 0
      && str_array_has (arches, m->goarch, N_ELEMENTS (m->goarch)) != includes)
    f->skip = true;
  if (!includes && kernel && !json_is_null (kernel))
    f->skip = true; /* the kernel is taken to be at least minKernel */
  bits = caps ? caps_of (caps, &unknown) : 0;
  if (includes)
    {
      f->need |= bits;
      f->never |= unknown;
    }
  else
    f->shun |= bits;
  return 0;
}

/* The conditions of one entry; *@split: runc adds each as a rule of its
 * own, because two of them test the same argument. */
static int
parse_args (json_t *entry, const char *base, ent_arg_cond_t **out, size_t *n, bool *split,
            ent_error_t **err)
{
  json_t *args = json_object_get (entry, "args"), *a;
  char path[PATH_LEN];
  unsigned seen = 0;
  size_t i;

  path_key (path, base, "args");
  *out = NULL;
  *n = 0;
  *split = false;
  if (args == NULL || json_is_null (args))
    return 0;
  if (!json_is_array (args))
    return ent_error_set (err, EINVAL, "%s: not an array", path);
  if (json_array_size (args) > DOCKER_MAX_SYSCALL_RULES)
    return ent_error_set (err, E2BIG, "%s: more than %d conditions", path,
                          DOCKER_MAX_SYSCALL_RULES);
  *out = calloc (json_array_size (args) + 1, sizeof (**out));
  if (*out == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  json_array_foreach (args, i, a)
  {
    char apath[PATH_LEN];
    path_index (apath, path, i);
    if (parse_arg (a, apath, &(*out)[i], err) < 0)
      return -EINVAL;
    *split |= (seen & (1u << (*out)[i].index)) != 0;
    seen |= 1u << (*out)[i].index;
  }
  *n = json_array_size (args);
  return 0;
}

/* The names of one entry: "names", or the deprecated "name" (not both). */
static int
entry_names (json_t *entry, const char *base, json_t **names, json_t **name, ent_error_t **err)
{
  char path[PATH_LEN];
  const char *s;

  *name = json_object_get (entry, "name");
  if (get_str_array (entry, "names", base, names, err) < 0)
    return -EINVAL;
  path_key (path, base, "name");
  if (*name && !json_is_null (*name))
    {
      if (get_str (*name, path, &s, err) < 0)
        return -EINVAL;
      if (*names && json_array_size (*names) > 0)
        return ent_error_set (err, EINVAL, "%s: both \"name\" and \"names\"", base);
    }
  else
    *name = NULL;
  return 0;
}

static int
push_name (ddoc_t *d, drule_t *model, const char *name, const ent_arg_cond_t *conds, size_t n,
           bool split, const char *path, ent_error_t **err)
{
  if (!ent_syscall_known (name))
    return 0; /* runc skips a name libseccomp does not know */
  model->name = (char *)name;
  if (!split)
    {
      model->n_args = (unsigned)n;
      if (n > 0) /* @conds is NULL without args */
        memcpy (model->args, conds, n * sizeof (*conds));
      return ddoc_push (d, model, path, err);
    }
  for (size_t k = 0; k < n; k++)
    {
      model->n_args = 1;
      model->args[0] = conds[k];
      if (ddoc_push (d, model, path, err) < 0)
        return -E2BIG;
    }
  return 0;
}

static int
parse_entry (json_t *entry, const char *path, size_t idx, const machine_t *m, ddoc_t *d,
             ent_error_t **err)
{
  static const char *const keys[] = { "names", "name",    "action",   "errnoRet", "errno",
                                      "args",  "comment", "includes", "excludes" };
  cleanup_free ent_arg_cond_t *conds = NULL;
  drule_t model = { .entry = idx };
  filter_t f = { 0 };
  json_t *names, *name, *comment, *item;
  size_t n_conds, i;
  bool split;
  int kind, ret;
  char cpath[PATH_LEN];

  if ((ret = check_keys (entry, keys, N_ELEMENTS (keys), path, err)) < 0
      || (ret = entry_names (entry, path, &names, &name, err)) < 0
      || (ret = get_action (entry, "action", path, &kind, err)) < 0)
    return ret;
  path_key (cpath, path, "comment");
  comment = json_object_get (entry, "comment");
  if (comment && !json_is_null (comment) && !json_is_string (comment))
    return ent_error_set (err, EINVAL, "%s: not a string", cpath);
  model.action = kind == ACT_ALLOW ? ENT_SECCOMP_ALLOW : ENT_SECCOMP_ERRNO;
  if ((ret = get_errno (entry, "errnoRet", "errno", path, &model.errnum, err)) < 0
      || (ret = parse_filter (entry, "includes", path, m, &f, err)) < 0
      || (ret = parse_filter (entry, "excludes", path, m, &f, err)) < 0
      || (ret = parse_args (entry, path, &conds, &n_conds, &split, err)) < 0)
    return ret;
  if (f.skip || (kind == ACT_ERRNO && model.errnum == d->default_errno))
    return 0; /* not for this machine, or the default action (runc skips it) */
  model.need_caps = f.need;
  model.shun_caps = f.shun;
  model.never = f.never;
  if (kind == ACT_ALLOW)
    model.errnum = 0;
  if (name
      && (ret = push_name (d, &model, json_string_value (name), conds, n_conds, split, path, err))
             < 0)
    return ret;
  json_array_foreach (names, i, item)
  {
    if ((ret = push_name (d, &model, json_string_value (item), conds, n_conds, split, path, err))
        < 0)
      return ret;
  }
  return 0;
}

static int
parse_syscalls (json_t *root, const machine_t *m, ddoc_t *d, ent_error_t **err)
{
  json_t *calls = json_object_get (root, "syscalls"), *entry;
  size_t i;

  if (calls == NULL || json_is_null (calls))
    return 0;
  if (!json_is_array (calls))
    return ent_error_set (err, EINVAL, "syscalls: not an array");
  if (json_array_size (calls) > DOCKER_MAX_RULES)
    return ent_error_set (err, E2BIG, "syscalls: more than %d rules", DOCKER_MAX_RULES);
  json_array_foreach (calls, i, entry)
  {
    char path[PATH_LEN];
    int ret;
    path_index (path, "syscalls", i);
    if ((ret = parse_entry (entry, path, i, m, d, err)) < 0)
      return ret;
  }
  return 0;
}

/* "architectures" or "archMap" (not both, as in Docker and Podman): this
 * machine's native ABI must be there.  Neither: libseccomp's native. */
static int
parse_arches (json_t *root, const machine_t *m, ent_error_t **err)
{
  static const char *const map_keys[] = { "architecture", "subArchitectures" };
  json_t *list, *map = json_object_get (root, "archMap"), *item, *sub;
  const char *s;
  size_t i;

  if (get_str_array (root, "architectures", "", &list, err) < 0)
    return -EINVAL;
  if (list && json_array_size (list) > 0 && map && !json_is_null (map))
    return ent_error_set (err, EINVAL, "archMap: both \"architectures\" and \"archMap\"");
  if (list && json_array_size (list) > 0)
    return str_array_has (list, m->scmp, 1)
               ? 0
               : ent_error_set (err, EINVAL, "architectures: no %s, this machine's", m->scmp[0]);
  if (map == NULL || json_is_null (map))
    return 0;
  if (!json_is_array (map))
    return ent_error_set (err, EINVAL, "archMap: not an array");
  bool found = false;
  json_array_foreach (map, i, item)
  {
    char path[PATH_LEN], apath[PATH_LEN];
    path_index (path, "archMap", i);
    path_key (apath, path, "architecture");
    if (check_keys (item, map_keys, N_ELEMENTS (map_keys), path, err) < 0
        || get_str_array (item, "subArchitectures", path, &sub, err) < 0)
      return -EINVAL;
    if (json_object_get (item, "architecture") == NULL)
      return ent_error_set (err, EINVAL, "%s: missing", apath);
    if (get_str (json_object_get (item, "architecture"), apath, &s, err) < 0)
      return -EINVAL;
    found |= strcmp (s, m->scmp[0]) == 0;
  }
  return found ? 0 : ent_error_set (err, EINVAL, "archMap: no %s, this machine's", m->scmp[0]);
}

static int
parse_top (json_t *root, const machine_t *m, ddoc_t *d, ent_error_t **err)
{
  static const char *const keys[]
      = { "defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",   "archMap",
          "syscalls",      "flags",           "listenerPath", "listenerMetadata" };
  json_t *flags;
  int kind, ret;

  if ((ret = check_keys (root, keys, N_ELEMENTS (keys), "", err)) < 0
      || (ret = get_action (root, "defaultAction", "", &kind, err)) < 0)
    return ret;
  if (kind == ACT_ALLOW)
    return ent_error_set (err, ENOTSUP,
                          "defaultAction: an allow-by-default profile (SCMP_ACT_ALLOW): the "
                          "profile model denies by default");
  if (get_errno (root, "defaultErrnoRet", "defaultErrno", "", &d->default_errno, err) < 0
      || get_str_array (root, "flags", "", &flags, err) < 0)
    return -EINVAL;
  for (size_t i = 0; i < 2; i++)
    {
      const char *key = i ? "listenerMetadata" : "listenerPath";
      const char *s;
      json_t *v = json_object_get (root, key);
      if (v && !json_is_null (v) && get_str (v, key, &s, err) < 0)
        return -EINVAL;
    }
  if (parse_arches (root, m, err) < 0)
    return -EINVAL;
  return parse_syscalls (root, m, d, err);
}

static int
parse_docker (const char *json, size_t len, ddoc_t *d, ent_error_t **err)
{
  cleanup_free char *text = NULL;
  const machine_t *m = this_machine (err);
  json_error_t jerr;
  json_t *root;
  size_t n;
  int ret;

  memset (d, 0, sizeof (*d));
  if (m == NULL)
    return -ENOTSUP;
  if (json == NULL)
    return ent_error_set (err, EINVAL, "seccomp profile: no text");
  if (len > DOCKER_MAX_BYTES)
    return ent_error_set (err, E2BIG, "seccomp profile: %zu bytes, more than 16 MiB", len);
  text = ent_json_quote_big (json, len, &n);
  if (text == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  root = json_loadb (text, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (root == NULL)
    return ent_error_set (err, EINVAL, "seccomp profile: line %d column %d: %s", jerr.line,
                          jerr.column, jerr.text);
  ret = parse_top (root, m, d, err);
  json_decref (root);
  if (ret < 0)
    ddoc_clear (d);
  return ret;
}

/* ---- one filter to two ------------------------------------------------------ */

/* The values one condition lets through: a masked cube, or up to two
 * ranges. */
typedef struct vset
{
  bool masked;
  uint64_t mask, value;
  unsigned n;
  uint64_t lo[2], hi[2];
} vset_t;

static void
vset_range (vset_t *s, uint64_t lo, uint64_t hi)
{
  s->lo[s->n] = lo;
  s->hi[s->n++] = hi;
}

static void
cond_vset (const ent_arg_cond_t *c, vset_t *s)
{
  uint64_t v = c->value;

  memset (s, 0, sizeof (*s));
  switch (c->op)
    {
    case ENT_ARG_MASKED_EQ:
      *s = (vset_t){ .masked = true, .mask = c->mask, .value = v };
      break;
    case ENT_ARG_EQ:
      vset_range (s, v, v);
      break;
    case ENT_ARG_NE:
      if (v > 0)
        vset_range (s, 0, v - 1);
      if (v < UINT64_MAX)
        vset_range (s, v + 1, UINT64_MAX);
      break;
    case ENT_ARG_LT:
      if (v > 0)
        vset_range (s, 0, v - 1);
      break;
    case ENT_ARG_LE:
      vset_range (s, 0, v);
      break;
    case ENT_ARG_GT:
      if (v < UINT64_MAX)
        vset_range (s, v + 1, UINT64_MAX);
      break;
    case ENT_ARG_GE:
    default:
      vset_range (s, v, UINT64_MAX);
      break;
    }
}

static bool
vset_empty (const vset_t *s)
{
  return s->masked ? (s->value & ~s->mask) != 0 : s->n == 0;
}

static uint64_t
low_bits (unsigned n)
{
  return n >= 64 ? UINT64_MAX : (UINT64_C (1) << n) - 1;
}

/* The least x >= @lo with (x & @mask) == @value (inside @mask), if any. */
static bool
least_masked_from (uint64_t lo, uint64_t mask, uint64_t value, uint64_t *out)
{
  uint64_t x = (lo & ~mask) | value, diff = x ^ lo;
  unsigned d;

  if (diff == 0)
    {
      *out = lo;
      return true;
    }
  d = 63 - (unsigned)__builtin_clzll (diff);
  if (x & (UINT64_C (1) << d)) /* above @lo: clear the free bits below d */
    {
      *out = (x & ~low_bits (d)) | (value & low_bits (d));
      return true;
    }
  /* below: carry into the lowest free bit above d that @lo has clear */
  uint64_t room = ~mask & ~lo & ~low_bits (d + 1);
  if (room == 0)
    return false;
  unsigned j = (unsigned)__builtin_ctzll (room);
  *out = (lo & ~low_bits (j + 1)) | (UINT64_C (1) << j) | (value & low_bits (j));
  return true;
}

static bool
range_meets_cube (uint64_t lo, uint64_t hi, uint64_t mask, uint64_t value)
{
  uint64_t x;

  return least_masked_from (lo, mask, value, &x) && x <= hi;
}

static bool
vsets_meet (const vset_t *a, const vset_t *b)
{
  if (a->masked && b->masked)
    return ((a->value ^ b->value) & a->mask & b->mask) == 0;
  if (b->masked)
    return vsets_meet (b, a);
  for (unsigned j = 0; j < b->n; j++)
    {
      if (a->masked && range_meets_cube (b->lo[j], b->hi[j], a->mask, a->value))
        return true;
      for (unsigned i = 0; !a->masked && i < a->n; i++)
        if (a->lo[i] <= b->hi[j] && b->lo[j] <= a->hi[i])
          return true;
    }
  return false;
}

/* Does some call match both @a and @b (each at most one condition per
 * argument)? */
static bool
rules_meet (const drule_t *a, const drule_t *b)
{
  vset_t sa[ENT_SECCOMP_MAX_ARGS], sb[ENT_SECCOMP_MAX_ARGS];
  bool ha[ENT_SECCOMP_MAX_ARGS] = { false }, hb[ENT_SECCOMP_MAX_ARGS] = { false };

  for (unsigned k = 0; k < a->n_args; k++)
    {
      cond_vset (&a->args[k], &sa[a->args[k].index]);
      ha[a->args[k].index] = true;
      if (vset_empty (&sa[a->args[k].index]))
        return false;
    }
  for (unsigned k = 0; k < b->n_args; k++)
    {
      cond_vset (&b->args[k], &sb[b->args[k].index]);
      hb[b->args[k].index] = true;
      if (vset_empty (&sb[b->args[k].index]))
        return false;
    }
  for (unsigned i = 0; i < ENT_SECCOMP_MAX_ARGS; i++)
    if (ha[i] && hb[i] && !vsets_meet (&sa[i], &sb[i]))
      return false;
  return true;
}

static bool
rule_applies (const drule_t *r, uint64_t caps)
{
  return !r->never && (r->need_caps & ~caps) == 0 && (r->shun_caps & caps) == 0;
}

/* By name, then file order (the rules are one array in file order). */
static int
by_name (const void *pa, const void *pb)
{
  const drule_t *a = *(const drule_t *const *)pa, *b = *(const drule_t *const *)pb;
  int c = strcmp (a->name, b->name);

  return c ? c : (a > b) - (a < b);
}

static int
add_drule (ent_profile_t *p, const drule_t *d, ent_error_t **err)
{
  ent_seccomp_rule_t r
      = { .syscall = d->name, .action = d->action, .errnum = d->errnum, .n_args = d->n_args };

  memcpy (r.args, d->args, sizeof (r.args));
  return ent_profile_add_rule (p, &r, err);
}

/* The @n selected rules of one syscall, in file order, into @p. */
static int
build_syscall (const drule_t *const *r, size_t n, ent_profile_t *p, ent_error_t **err)
{
  int ret;

  for (size_t i = 0; i < n; i++)
    if (r[i]->n_args == 0) /* libseccomp: the first unconditional rule wins */
      return add_drule (p, r[i], err);
  if (n > DOCKER_MAX_SYSCALL_RULES)
    return ent_error_set (err, E2BIG, "syscalls[%zu]: more than %d rules for \"%s\"", r[0]->entry,
                          DOCKER_MAX_SYSCALL_RULES, r[0]->name);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if ((r[i]->action != r[j]->action || r[i]->errnum != r[j]->errnum) && rules_meet (r[i], r[j]))
        return ent_error_set (err, EINVAL,
                              "syscalls[%zu] and syscalls[%zu]: rules for \"%s\" with different "
                              "actions match the same calls (libseccomp refuses them or picks "
                              "one)",
                              r[i]->entry, r[j]->entry, r[i]->name);
  for (size_t i = 0; i < n; i++)
    if ((ret = add_drule (p, r[i], err)) < 0)
      return ret;
  return 0;
}

static int
build_policy (const ddoc_t *d, uint64_t caps, ent_seccomp_t *out, ent_error_t **err)
{
  cleanup_free const drule_t **sel = calloc (d->n + 1, sizeof (*sel));
  ent_profile_t *p = ent_profile_new ();
  size_t n = 0;
  int ret = 0;

  if (sel == NULL || p == NULL)
    {
      ent_profile_free (p);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  for (size_t i = 0; i < d->n; i++)
    if (rule_applies (&d->r[i], caps))
      sel[n++] = &d->r[i];
  qsort (sel, n, sizeof (*sel), by_name);
  p->seccomp.enabled = true;
  p->seccomp.default_errno = d->default_errno;
  for (size_t a = 0, b; ret == 0 && a < n; a = b)
    {
      for (b = a + 1; b < n && strcmp (sel[a]->name, sel[b]->name) == 0; b++)
        ;
      ret = build_syscall (sel + a, b - a, p, err);
    }
  if (ret == 0)
    {
      *out = p->seccomp;
      memset (&p->seccomp, 0, sizeof (p->seccomp));
    }
  ent_profile_free (p);
  return ret;
}

int
ent_seccomp_from_docker (const char *json, size_t len, uint64_t caps, ent_seccomp_t *out,
                         ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_error_t *local = NULL;
  ddoc_t d;
  int ret;

  if (out == NULL)
    return ent_error_unstash (err, stale,
                              ent_error_set (err, EINVAL, "seccomp profile: nowhere to put it"));
  memset (out, 0, sizeof (*out));
  ret = parse_docker (json, len, &d, &local);
  if (ret == 0)
    ret = build_policy (&d, caps, out, &local);
  ddoc_clear (&d);
  ent_error_move (err, local);
  return ent_error_unstash (err, stale, ret);
}

/* ---- export ----------------------------------------------------------------- */

static const char *const op_names[] = {
  [ENT_ARG_EQ] = "SCMP_CMP_EQ",
  [ENT_ARG_NE] = "SCMP_CMP_NE",
  [ENT_ARG_LT] = "SCMP_CMP_LT",
  [ENT_ARG_LE] = "SCMP_CMP_LE",
  [ENT_ARG_GT] = "SCMP_CMP_GT",
  [ENT_ARG_GE] = "SCMP_CMP_GE",
  [ENT_ARG_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* Same action and conditions: one "names" entry. */
static bool
same_but_name (const ent_seccomp_rule_t *a, const ent_seccomp_rule_t *b)
{
  if (a->action != b->action || a->n_args != b->n_args
      || (a->action == ENT_SECCOMP_ERRNO && a->errnum != b->errnum))
    return false;
  for (unsigned k = 0; k < a->n_args; k++)
    if (a->args[k].index != b->args[k].index || a->args[k].op != b->args[k].op
        || a->args[k].value != b->args[k].value
        || (a->args[k].op == ENT_ARG_MASKED_EQ && a->args[k].mask != b->args[k].mask))
      return false;
  return true;
}

/* A MASKED_EQ condition whose value has bits outside its mask matches
 * nothing in the profile's reading; libseccomp would mask the value and
 * match, so such a rule is left out. */
static bool
rule_dead (const ent_seccomp_rule_t *r)
{
  for (unsigned k = 0; k < r->n_args; k++)
    if (r->args[k].op == ENT_ARG_MASKED_EQ && (r->args[k].value & ~r->args[k].mask))
      return true;
  return false;
}

/* The "args" of @r, as runc reads them: for MASKED_EQ, "value" is the
 * mask and "valueTwo" the datum (libseccomp's order). */
static json_t *
args_json (const ent_seccomp_rule_t *r)
{
  json_t *args = json_array ();

  for (unsigned k = 0; args && k < r->n_args; k++)
    {
      const ent_arg_cond_t *c = &r->args[k];
      bool masked = c->op == ENT_ARG_MASKED_EQ;
      if (json_array_append_new (
              args, json_pack ("{s:i, s:o, s:o, s:s}", "index", (int)c->index, "value",
                               ent_json_u64 (masked ? c->mask : c->value), "valueTwo",
                               ent_json_u64 (masked ? c->value : 0), "op", op_names[c->op]))
          < 0)
        {
          json_decref (args);
          return NULL;
        }
    }
  return args;
}

/* One "syscalls" entry: rule @first and every later rule of [@first, @end)
 * that differs only in its name, which @done marks. */
static json_t *
group_json (const ent_seccomp_t *s, size_t first, size_t end, bool *done)
{
  const ent_seccomp_rule_t *r = &s->rules[first];
  json_t *names = json_array (), *g;

  for (size_t i = first; names && i < end; i++)
    if (!done[i] && same_but_name (r, &s->rules[i]))
      {
        if (json_array_append_new (names, ent_json_bytes (s->rules[i].syscall)) < 0)
          {
            json_decref (names);
            return NULL;
          }
        done[i] = true;
      }
  g = json_pack ("{s:o, s:s}", "names", names, "action",
                 r->action == ENT_SECCOMP_ALLOW ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO");
  if (g && r->action == ENT_SECCOMP_ERRNO
      && json_object_set_new (g, "errnoRet", json_integer (r->errnum)) < 0)
    g = (json_decref (g), NULL);
  if (g && r->n_args > 0 && json_object_set_new (g, "args", args_json (r)) < 0)
    g = (json_decref (g), NULL);
  return g;
}

/* The profile as a tree: written by ent_json_dump, one syscalls entry a
 * line. */
static json_t *
profile_json (const ent_seccomp_t *s, const machine_t *m, bool *done)
{
  json_t *arches = json_array (), *list = json_array ();
  size_t split = 0; /* unconditional rules first: group each part apart */

  for (size_t i = 0; arches && i < N_ELEMENTS (m->scmp) && m->scmp[i]; i++)
    if (json_array_append_new (arches, json_string (m->scmp[i])) < 0)
      arches = (json_decref (arches), NULL);
  while (split < s->n_rules && s->rules[split].n_args == 0)
    split++;
  for (size_t i = 0; list && i < s->n_rules; i++)
    {
      if (done[i] || rule_dead (&s->rules[i]))
        continue;
      if (json_array_append_new (list, group_json (s, i, i < split ? split : s->n_rules, done)) < 0)
        list = (json_decref (list), NULL);
    }
  return json_pack ("{s:s, s:i, s:o, s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet",
                    s->default_errno, "architectures", arches, "syscalls", list);
}

static const ent_json_key_t docker_keys[] = {
  { "architectures", ENT_JSON_EXPAND },
  { "syscalls", ENT_JSON_EXPAND },
  { "value", ENT_JSON_UNSIGNED },
  { "valueTwo", ENT_JSON_UNSIGNED },
  { NULL, 0 },
};

static int
check_exportable (const ent_seccomp_t *s, char **out, ent_error_t **err)
{
  if (s == NULL || out == NULL)
    return ent_error_set (err, EINVAL, "seccomp: no policy to export, or nowhere to put it");
  if (!s->enabled)
    return ent_error_set (err, EINVAL, "seccomp: the policy is disabled: no filter to export");
  if (s->default_errno <= 0 || s->default_errno > 4095)
    return ent_error_set (err, EINVAL, "seccomp: bad default errno %d", s->default_errno);
  return 0;
}

int
ent_seccomp_to_docker (const ent_seccomp_t *s, char **out, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ent_seccomp_t flat = { 0 };
  const machine_t *m;
  cleanup_free bool *done = NULL;
  char *buf = NULL;
  size_t size = 0;
  FILE *f;
  int ret;

  if ((ret = check_exportable (s, out, err)) < 0 || (m = this_machine (err)) == NULL
      || (ret = ent_seccomp_flatten (s, &flat, err)) < 0)
    return ent_error_unstash (err, stale, ret < 0 ? ret : -ENOTSUP);
  done = calloc (flat.n_rules + 1, sizeof (*done));
  f = done ? open_memstream (&buf, &size) : NULL;
  if (f == NULL)
    {
      ent_seccomp_clear (&flat);
      return ent_error_unstash (err, stale, ent_error_set (err, ENOMEM, "out of memory"));
    }
  json_t *tree = profile_json (&flat, m, done);
  ent_seccomp_clear (&flat);
  if (tree == NULL || ent_json_dump (f, tree, docker_keys) < 0)
    fputc (0, f), ret = -ENOMEM;
  json_decref (tree);
  if (ret == 0)
    fputc ('\n', f);
  if (ferror (f) | fclose (f) || ret < 0)
    {
      free (buf);
      return ent_error_unstash (err, stale, ent_error_set (err, ENOMEM, "out of memory"));
    }
  *out = buf;
  return ent_error_unstash (err, stale, 0);
}

/* ---- the entitlement -------------------------------------------------------- */

/* Docker decides "includes"/"excludes" caps on the bounding set
 * (rs.Process.Capabilities.Bounding in moby and containers/common), so we
 * do too; a profile whose capabilities are unset says nothing of them, and
 * reads as holding none. */
static int
enforce_docker (ent_profile_t *p, void *data, ent_error_t **err)
{
  uint64_t caps = p->caps_unset ? 0 : p->caps[ENT_CAPSET_BOUNDING];
  ent_seccomp_t s;
  int ret = build_policy (data, caps, &s, err);

  if (ret < 0)
    return ret;
  ent_seccomp_clear (&p->seccomp);
  p->seccomp = s;
  return 0;
}

/* Parse now, and build for no capabilities and for all of them, so a bad
 * profile fails here.  A conflict that only some mix of capabilities
 * brings out fails when the entitlement is granted. */
static ddoc_t *
parse_for_entitlement (const char *json, size_t len, ent_error_t **err)
{
  ddoc_t *d = calloc (1, sizeof (*d));
  ent_seccomp_t s;
  int ret;

  if (d == NULL)
    {
      ent_error_set (err, ENOMEM, "out of memory");
      return NULL;
    }
  ret = parse_docker (json, len, d, err);
  for (int i = 0; ret == 0 && i < 2; i++)
    if ((ret = build_policy (d, i ? ENT_CAP_ALL : 0, &s, err)) == 0)
      ent_seccomp_clear (&s);
  if (ret < 0)
    {
      ddoc_free (d);
      return NULL;
    }
  return d;
}

ent_entitlement_t *
ent_seccomp_entitlement_new (const char *name, const char *json, size_t len, ent_error_t **err)
{
  ent_error_t *stale = ent_error_stash (err);
  ddoc_t *d = parse_for_entitlement (json, len, err);
  ent_entitlement_t *e = NULL;

  if (d != NULL)
    e = ent_void_entitlement_new (name, enforce_docker, d, err);
  if (e != NULL)
    e->data_free = ddoc_free; /* freed with the entitlement's last reference */
  else if (d != NULL)
    ddoc_free (d);
  ent_error_unstash (err, stale, e ? 0 : -EINVAL);
  return e;
}
