/* libentitlement — stable text and JSON renderings of a profile.
 *
 * The JSON is a jansson tree that ent_json_dump() writes (ent-json.h);
 * output goes through open_memstream.  Every list in the profile is already
 * sorted, so printing in storage order is deterministic. */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent-catalogue.h"
#include "ent-defaults.h"
#include "ent-json.h"
#include "ent-render.h"
#include "ent-util.h"
#include "syscall-abi.h"

static const struct
{
  int num;
  const char *name;
} errno_names[] = {
  { EPERM, "EPERM" },
  { ENOENT, "ENOENT" },
  { EACCES, "EACCES" },
  { EINVAL, "EINVAL" },
  { ENOSYS, "ENOSYS" },
  { ENOTTY, "ENOTTY" },
  { EROFS, "EROFS" },
  { EAFNOSUPPORT, "EAFNOSUPPORT" },
  { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
};

static const char *const arg_op_names[] = {
  [ENT_ARG_EQ] = "eq",
  [ENT_ARG_NE] = "ne",
  [ENT_ARG_LT] = "lt",
  [ENT_ARG_LE] = "le",
  [ENT_ARG_GT] = "gt",
  [ENT_ARG_GE] = "ge",
  [ENT_ARG_MASKED_EQ] = "masked_eq",
};

static const char *const mount_kind_names[] = {
  [ENT_MOUNT_BIND_RW] = "rw",  [ENT_MOUNT_BIND_RO] = "ro",      [ENT_MOUNT_HIDE] = "hide",
  [ENT_MOUNT_TMPFS] = "tmpfs", [ENT_MOUNT_OVERLAY] = "overlay", [ENT_MOUNT_OTHER] = "other",
};

const char *
ent_mount_kind_name (ent_mount_kind_t kind)
{
  return mount_kind_names[kind];
}

static const char *const dev_names[] = {
  [ENT_DEV_MINIMAL] = "minimal",
  [ENT_DEV_HOST_RO] = "host-ro",
  [ENT_DEV_HOST_RW] = "host-rw",
};
static const char *const proc_names[] = { [ENT_PROC_FRESH] = "fresh", [ENT_PROC_HOST] = "host" };
static const char *const sys_names[] = { [ENT_SYS_RO] = "read-only", [ENT_SYS_HOST] = "host" };
static const char *const env_op_names[] = {
  [ENT_ENV_SET] = "set",
  [ENT_ENV_UNSET] = "unset",
  [ENT_ENV_KEEP] = "keep",
};

/* The name of errno @num ("EPERM"), or its number written in @buf. */
static const char *
errno_name (int num, char buf[static 16])
{
  for (size_t i = 0; i < N_ELEMENTS (errno_names); i++)
    if (errno_names[i].num == num)
      return errno_names[i].name;
  snprintf (buf, 16, "%d", num);
  return buf;
}

static void
put_errno (FILE *f, int num)
{
  char buf[16];

  fputs (errno_name (num, buf), f);
}

/* One rule as a single canonical line: "ioctl errno EPERM a1&0xffffffff==0x5412". */
static void
put_rule_text (FILE *f, const ent_seccomp_rule_t *r)
{
  fprintf (f, "%s %s", r->syscall, r->action == ENT_SECCOMP_ALLOW ? "allow" : "errno");
  if (r->action == ENT_SECCOMP_ERRNO)
    {
      fputc (' ', f);
      put_errno (f, r->errnum);
    }
  for (unsigned i = 0; i < r->n_args; i++)
    {
      const ent_arg_cond_t *a = &r->args[i];
      fprintf (f, " a%u", a->index);
      if (a->op == ENT_ARG_MASKED_EQ)
        fprintf (f, "&0x%" PRIx64 "==0x%" PRIx64, a->mask, a->value);
      else
        fprintf (f, " %s 0x%" PRIx64, arg_op_names[a->op], a->value);
    }
}

/* ---- socket families in words ---------------------------------------------- */

/* The families and netlink protocols worth a name (<linux/socket.h>,
 * <linux/netlink.h>); any other prints as its number. */
static const char *const family_names[] = {
  [0] = "AF_UNSPEC",      [1] = "AF_UNIX",      [2] = "AF_INET",      [3] = "AF_AX25",
  [4] = "AF_IPX",         [5] = "AF_APPLETALK", [6] = "AF_NETROM",    [7] = "AF_BRIDGE",
  [8] = "AF_ATMPVC",      [9] = "AF_X25",       [10] = "AF_INET6",    [11] = "AF_ROSE",
  [12] = "AF_DECnet",     [13] = "AF_NETBEUI",  [14] = "AF_SECURITY", [15] = "AF_KEY",
  [16] = "AF_NETLINK",    [17] = "AF_PACKET",   [18] = "AF_ASH",      [19] = "AF_ECONET",
  [20] = "AF_ATMSVC",     [21] = "AF_RDS",      [22] = "AF_SNA",      [23] = "AF_IRDA",
  [24] = "AF_PPPOX",      [25] = "AF_WANPIPE",  [26] = "AF_LLC",      [27] = "AF_IB",
  [28] = "AF_MPLS",       [29] = "AF_CAN",      [30] = "AF_TIPC",     [31] = "AF_BLUETOOTH",
  [32] = "AF_IUCV",       [33] = "AF_RXRPC",    [34] = "AF_ISDN",     [35] = "AF_PHONET",
  [36] = "AF_IEEE802154", [37] = "AF_CAIF",     [38] = "AF_ALG",      [39] = "AF_NFC",
  [40] = "AF_VSOCK",      [41] = "AF_KCM",      [42] = "AF_QIPCRTR",  [43] = "AF_SMC",
  [44] = "AF_XDP",        [45] = "AF_MCTP",
};

static const char *const netlink_names[] = {
  [0] = "NETLINK_ROUTE",       [2] = "NETLINK_USERSOCK",       [3] = "NETLINK_FIREWALL",
  [4] = "NETLINK_SOCK_DIAG",   [5] = "NETLINK_NFLOG",          [6] = "NETLINK_XFRM",
  [7] = "NETLINK_SELINUX",     [8] = "NETLINK_ISCSI",          [9] = "NETLINK_AUDIT",
  [10] = "NETLINK_FIB_LOOKUP", [11] = "NETLINK_CONNECTOR",     [12] = "NETLINK_NETFILTER",
  [13] = "NETLINK_IP6_FW",     [14] = "NETLINK_DNRTMSG",       [15] = "NETLINK_KOBJECT_UEVENT",
  [16] = "NETLINK_GENERIC",    [18] = "NETLINK_SCSITRANSPORT", [19] = "NETLINK_ECRYPTFS",
  [20] = "NETLINK_RDMA",       [21] = "NETLINK_CRYPTO",        [22] = "NETLINK_SMC",
};

#define AF_NETLINK_ 16
#define SOCK_MAX_LISTED 16

/* What the rules on socket() amount to, when they amount to an allowlist:
 * the allowed families and netlink protocols, and the errno of the rest. */
typedef struct socket_words
{
  uint64_t families[SOCK_MAX_LISTED], netlink[SOCK_MAX_LISTED];
  size_t n_families, n_netlink;
  int other_family, other_netlink; /* errno; 0: none seen */
  int socketcall;                  /* -1: allowed; 0: no rule of its own; else errno */
} socket_words_t;

static bool
listed (const uint64_t *v, size_t n, uint64_t x)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == x)
      return true;
  return false;
}

static void
sort_values (uint64_t *v, size_t n)
{
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        uint64_t t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
}

/* The smallest value not in @v (at most @n + 1 tries). */
static uint64_t
first_unlisted (const uint64_t *v, size_t n)
{
  uint64_t x = 0;

  while (listed (v, n, x))
    x++;
  return x;
}

/* The values tried: every family and netlink protocol the kernel has and
 * some beyond, and values with high bits (the kernel reads an int). */
static const uint64_t probe_values[] = {
  64,
  255,
  256,
  65535,
  UINT64_C (1) << 31,
  UINT64_C (1) << 32,
  (UINT64_C (1) << 32) | 1,
  (UINT64_C (1) << 32) | 2,
  (UINT64_C (1) << 32) | 16,
  UINT64_MAX,
};

static int
call_verdict (const ent_profile_t *p, const char *call, uint64_t family, uint64_t protocol)
{
  uint64_t args[ENT_SECCOMP_MAX_ARGS] = { family, 0, protocol };

  return ent_profile_syscall_verdict (p, call, args);
}

/* Does @call treat @v (family, or netlink protocol when @netlink) as the
 * words say?  Listed values run, the others fail with one errno. */
static bool
agrees (const ent_profile_t *p, const char *call, bool netlink, uint64_t v, const socket_words_t *w)
{
  int e = netlink ? call_verdict (p, call, AF_NETLINK_, v) : call_verdict (p, call, v, 0);
  bool ok = netlink ? listed (w->netlink, w->n_netlink, v) : listed (w->families, w->n_families, v);

  return ok ? e == 0 : e != 0 && e == (netlink ? w->other_netlink : w->other_family);
}

/* Fill @w from @p's rules and check the words against the rules' verdicts
 * on every family and protocol up to 63 and the probe values, for socket
 * and socketpair alike.  false: the rules are something else (a custom
 * profile's), and are listed one by one instead. */
static bool
socket_words (const ent_profile_t *p, socket_words_t *w)
{
  static const char *const calls[] = { "socket", "socketpair" };
  const ent_seccomp_t *s = &p->seccomp;

  memset (w, 0, sizeof (*w));
  for (size_t i = 0; i < s->n_rules; i++)
    {
      const ent_seccomp_rule_t *r = &s->rules[i];
      if (strcmp (r->syscall, "socketcall") == 0 && r->n_args == 0)
        w->socketcall = r->action == ENT_SECCOMP_ALLOW ? -1 : r->errnum;
      if (strcmp (r->syscall, "socket") != 0 || r->action != ENT_SECCOMP_ALLOW)
        continue;
      if (r->n_args == 1 && r->args[0].index == 0 && r->args[0].op == ENT_ARG_EQ
          && r->args[0].value != AF_NETLINK_ && w->n_families < SOCK_MAX_LISTED)
        w->families[w->n_families++] = r->args[0].value;
      else if (r->n_args == 2 && r->args[0].index == 0 && r->args[0].op == ENT_ARG_EQ
               && r->args[0].value == AF_NETLINK_ && r->args[1].index == 2
               && r->args[1].op == ENT_ARG_EQ && w->n_netlink < SOCK_MAX_LISTED)
        w->netlink[w->n_netlink++] = r->args[1].value;
      else
        return false;
    }
  if (w->n_netlink && !listed (w->families, w->n_families, AF_NETLINK_))
    {
      if (w->n_families == SOCK_MAX_LISTED)
        return false;
      w->families[w->n_families++] = AF_NETLINK_;
    }
  if (w->n_families == 0)
    return false;
  sort_values (w->families, w->n_families);
  sort_values (w->netlink, w->n_netlink);
  w->other_family = call_verdict (p, "socket", first_unlisted (w->families, w->n_families), 0);
  w->other_netlink
      = call_verdict (p, "socket", AF_NETLINK_, first_unlisted (w->netlink, w->n_netlink));
  for (size_t c = 0; c < N_ELEMENTS (calls); c++)
    {
      for (uint64_t v = 0; v < 64; v++)
        if ((v != AF_NETLINK_ && !agrees (p, calls[c], false, v, w))
            || (w->n_netlink && !agrees (p, calls[c], true, v, w)))
          return false;
      for (size_t i = 0; i < N_ELEMENTS (probe_values); i++)
        if (!agrees (p, calls[c], false, probe_values[i], w)
            || (w->n_netlink && !agrees (p, calls[c], true, probe_values[i], w)))
          return false;
    }
  return true;
}

static bool
is_socket_call (const char *name)
{
  return strcmp (name, "socket") == 0 || strcmp (name, "socketpair") == 0
         || strcmp (name, "socketcall") == 0;
}

static void
put_value_name (FILE *f, const char *const *names, size_t n, const char *prefix, uint64_t v)
{
  if (v < n && names[v])
    fputs (names[v], f);
  else
    fprintf (f, "%s%" PRIu64, prefix, v);
}

/* ---- JSON ---------------------------------------------------------------- */

/* The document is a jansson tree written by ent_json_dump().  Containers
 * print on one line but these, one member per line: the grants, the
 * capability sets, the seccomp policy and its rules, the filesystem.  The
 * seccomp argument values and masks are uint64_t. */
static const ent_json_key_t render_layout[] = {
  { "grants", ENT_JSON_EXPAND },     { "capabilities", ENT_JSON_EXPAND },
  { "seccomp", ENT_JSON_EXPAND },    { "rules", ENT_JSON_EXPAND },
  { "filesystem", ENT_JSON_EXPAND }, { "mask", ENT_JSON_UNSIGNED },
  { "value", ENT_JSON_UNSIGNED },    { NULL, 0 },
};

/* The trees are built member by member, each json_object_set_new() or
 * json_array_append_new() or-ed into a failure flag: both drop the value
 * when the container is NULL, and refuse a NULL value, so an allocation
 * failure anywhere reaches the top as one flag, and @v is freed here. */
static json_t *
done (json_t *v, int failed)
{
  if (failed == 0)
    return v;
  json_decref (v);
  return NULL;
}

static json_t *
bytes_or_null (const char *s)
{
  return s ? ent_json_bytes (s) : json_null ();
}

/* "errno EPERM" (@prefix "errno "), "errno 4095". */
static json_t *
json_errno (const char *prefix, int num)
{
  char buf[16];

  return json_sprintf ("%s%s", prefix, errno_name (num, buf));
}

static json_t *
json_strv (char *const *v)
{
  json_t *a = json_array ();
  int failed = 0;

  for (size_t i = 0; v && v[i]; i++)
    failed |= json_array_append_new (a, ent_json_bytes (v[i]));
  return done (a, failed);
}

static json_t *
json_caps (const ent_profile_t *p)
{
  json_t *o;
  int failed = 0;

  if (p->caps_unset)
    return json_string ("unset");
  o = json_object ();
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    {
      json_t *a = json_array ();
      for (int c = 0; c <= ENT_CAP_LAST; c++)
        if (p->caps[s] & ENT_CAP_BIT (c))
          failed |= json_array_append_new (a, json_string (ent_cap_to_name (c)));
      failed |= json_object_set_new (o, ent_capset_name (s), a);
    }
  return done (o, failed);
}

static json_t *
json_arg (const ent_arg_cond_t *a)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "index", json_integer (a->index));
  failed |= json_object_set_new (o, "op", json_string (arg_op_names[a->op]));
  failed |= json_object_set_new (o, "mask", ent_json_u64 (a->mask));
  failed |= json_object_set_new (o, "value", ent_json_u64 (a->value));
  return done (o, failed);
}

static json_t *
json_rule (const ent_seccomp_rule_t *r)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "syscall", ent_json_bytes (r->syscall));
  failed |= json_object_set_new (o, "action",
                                 json_string (r->action == ENT_SECCOMP_ALLOW ? "allow" : "errno"));
  if (r->action == ENT_SECCOMP_ERRNO)
    failed |= json_object_set_new (o, "errno", json_errno ("", r->errnum));
  if (r->n_args)
    {
      json_t *args = json_array ();
      for (unsigned i = 0; i < r->n_args; i++)
        failed |= json_array_append_new (args, json_arg (&r->args[i]));
      failed |= json_object_set_new (o, "args", args);
    }
  return done (o, failed);
}

/* @n values (families, netlink protocols) by name, or by number. */
static json_t *
json_value_names (const char *const *names, size_t n_names, const uint64_t *v, size_t n)
{
  json_t *a = json_array ();
  int failed = 0;

  for (size_t i = 0; i < n; i++)
    failed |= json_array_append_new (a, v[i] < n_names && names[v[i]]
                                            ? json_string (names[v[i]])
                                            : json_sprintf ("%" PRIu64, v[i]));
  return done (a, failed);
}

static json_t *
json_socketcall (int socketcall)
{
  if (socketcall > 0)
    return json_errno ("errno ", socketcall);
  return socketcall < 0 ? json_string ("allow") : json_null ();
}

static json_t *
json_socket_words (const ent_profile_t *p)
{
  socket_words_t w;
  json_t *o;
  int failed = 0;

  if (!socket_words (p, &w))
    return json_null ();
  o = json_object ();
  failed |= json_object_set_new (
      o, "allowed",
      json_value_names (family_names, N_ELEMENTS (family_names), w.families, w.n_families));
  failed |= json_object_set_new (
      o, "netlink_protocols",
      json_value_names (netlink_names, N_ELEMENTS (netlink_names), w.netlink, w.n_netlink));
  failed |= json_object_set_new (o, "other_families", json_errno ("errno ", w.other_family));
  failed
      |= json_object_set_new (o, "other_netlink_protocols",
                              w.n_netlink ? json_errno ("errno ", w.other_netlink) : json_null ());
  failed |= json_object_set_new (o, "socketcall", json_socketcall (w.socketcall));
  return done (o, failed);
}

static json_t *
json_seccomp (const ent_profile_t *p)
{
  const ent_seccomp_t *s = &p->seccomp;
  json_t *o = json_object (), *rules = json_array ();
  int failed = 0;

  failed |= json_object_set_new (o, "enabled", json_boolean (s->enabled));
  failed |= json_object_set_new (o, "default", json_errno ("errno ", s->default_errno));
  failed |= json_object_set_new (
      o, "unknown", json_errno ("errno ", s->unknown_errno ? s->unknown_errno : s->default_errno));
  failed |= json_object_set_new (o, "known_kernel", json_string (ENT_POLICY_KERNEL));
  failed |= json_object_set_new (o, "socket_families", json_socket_words (p));
  for (size_t i = 0; i < s->n_rules; i++)
    failed |= json_array_append_new (rules, json_rule (&s->rules[i]));
  failed |= json_object_set_new (o, "rules", rules);
  return done (o, failed);
}

static json_t *
json_mount (const ent_mount_t *m)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "kind", json_string (mount_kind_names[m->kind]));
  failed |= json_object_set_new (o, "path", ent_json_bytes (m->path));
  failed |= json_object_set_new (o, "default", json_boolean (m->implicit));
  /* Source, type and options only where the mount has them, so that the
   * mounts of the default catalogue render as they always did. */
  if (m->source)
    failed |= json_object_set_new (o, "source", ent_json_bytes (m->source));
  if (m->type)
    failed |= json_object_set_new (o, "type", ent_json_bytes (m->type));
  if (m->options && m->options[0])
    failed |= json_object_set_new (o, "options", json_strv (m->options));
  return done (o, failed);
}

static json_t *
json_fs (const ent_fs_t *fs)
{
  json_t *o = json_object (), *mounts = json_array ();
  int failed = 0;

  failed |= json_object_set_new (o, "read_only", json_boolean (fs->read_only));
  failed |= json_object_set_new (o, "dev", json_string (dev_names[fs->dev]));
  failed |= json_object_set_new (o, "proc", json_string (proc_names[fs->proc]));
  failed |= json_object_set_new (o, "sys", json_string (sys_names[fs->sys]));
  for (size_t i = 0; i < fs->n_mounts; i++)
    failed |= json_array_append_new (mounts, json_mount (&fs->mounts[i]));
  failed |= json_object_set_new (o, "mounts", mounts);
  failed |= json_object_set_new (o, "masked", json_strv (fs->masked));
  failed |= json_object_set_new (o, "readonly", json_strv (fs->readonly));
  return done (o, failed);
}

static json_t *
json_limit (int64_t v)
{
  return v == ENT_RLIM_HARD ? json_string ("hard") : json_integer (v);
}

static json_t *
json_rlimits (const ent_profile_t *p)
{
  json_t *o = json_object ();
  int failed = 0;

  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    {
      const ent_rlimit_t *l = &p->rlimits[r];
      json_t *limit;
      if (l->soft == ENT_RLIM_UNSET && l->hard == ENT_RLIM_UNSET)
        continue;
      limit = json_object ();
      failed |= json_object_set_new (limit, "soft", json_limit (l->soft));
      failed |= json_object_set_new (limit, "hard", json_limit (l->hard));
      failed |= json_object_set_new (o, ent_rlimit_name (r), limit);
    }
  return done (o, failed);
}

static const struct
{
  const char *name;
  size_t offset;
} resource_fields[] = {
  { "pids", offsetof (ent_resources_t, pids) },
  { "memory", offsetof (ent_resources_t, memory) },
  { "cpu-time", offsetof (ent_resources_t, cpu_time) },
  { "files", offsetof (ent_resources_t, files) },
  { "file-size", offsetof (ent_resources_t, file_size) },
  { "timeout", offsetof (ent_resources_t, timeout) },
};

static int64_t
resource_value (const ent_resources_t *r, size_t i)
{
  return *(const int64_t *)((const char *)r + resource_fields[i].offset);
}

static json_t *
json_resources (const ent_resources_t *r)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "backend", json_string (ent_res_backend_name (r->backend)));
  for (size_t i = 0; i < N_ELEMENTS (resource_fields); i++)
    if (resource_value (r, i) >= 0)
      failed
          |= json_object_set_new (o, resource_fields[i].name, json_integer (resource_value (r, i)));
  return done (o, failed);
}

static json_t *
json_api (const ent_profile_t *p)
{
  json_t *o = json_object ();
  int failed = 0;

  for (int i = 0; i < ENT_API_COUNT; i++)
    failed |= json_object_set_new (o, ent_api_name (i),
                                   json_string (p->api[i].allow ? "allow" : "deny"));
  return done (o, failed);
}

static json_t *
json_publish (const ent_publish_t *pub)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "host", json_integer (pub->host_port));
  failed |= json_object_set_new (o, "sandbox", json_integer (pub->sandbox_port));
  failed |= json_object_set_new (o, "protocol", json_string (pub->udp ? "udp" : "tcp"));
  return done (o, failed);
}

static json_t *
json_network (const ent_network_t *n)
{
  json_t *o = json_object (), *publish = json_array ();
  int failed = 0;

  failed |= json_object_set_new (o, "mode", json_string (ent_net_mode_name (n->mode)));
  failed |= json_object_set_new (o, "admin", json_boolean (n->admin));
  failed |= json_object_set_new (o, "host_loopback", json_boolean (n->host_loopback));
  failed |= json_object_set_new (o, "proxy", bytes_or_null (n->proxy_url));
  for (size_t i = 0; i < n->n_publish; i++)
    failed |= json_array_append_new (publish, json_publish (&n->publish[i]));
  failed |= json_object_set_new (o, "publish", publish);
  return done (o, failed);
}

static json_t *
json_env (const ent_env_t *e)
{
  json_t *o = json_object ();
  int failed = 0;

  failed |= json_object_set_new (o, "op", json_string (env_op_names[e->op]));
  failed |= json_object_set_new (o, "name", ent_json_bytes (e->name));
  if (e->value)
    failed |= json_object_set_new (o, "value", ent_json_bytes (e->value));
  return done (o, failed);
}

static json_t *
json_environment (const ent_profile_t *p)
{
  json_t *a = json_array ();
  int failed = 0;

  for (size_t i = 0; i < p->n_env; i++)
    failed |= json_array_append_new (a, json_env (&p->env[i]));
  return done (a, failed);
}

static json_t *
json_namespaces (const ent_profile_t *p)
{
  json_t *o = json_object ();
  int failed = 0;

  for (int i = 0; i < ENT_NS_COUNT; i++)
    failed
        |= json_object_set_new (o, ent_ns_name (i), json_string (p->ns.create[i] ? "new" : "host"));
  return done (o, failed);
}

static json_t *
json_id (int64_t id)
{
  return id < 0 ? json_string ("caller") : json_integer (id);
}

/* The profile's members, added to @doc; nonzero when out of memory. */
static int
json_profile (json_t *doc, const ent_profile_t *p)
{
  int failed = 0;

  failed |= json_object_set_new (doc, "namespaces", json_namespaces (p));
  failed |= json_object_set_new (doc, "uid", json_id (p->uid));
  failed |= json_object_set_new (doc, "gid", json_id (p->gid));
  failed |= json_object_set_new (doc, "capabilities", json_caps (p));
  failed |= json_object_set_new (doc, "no_new_privs", json_boolean (p->no_new_privs));
  failed |= json_object_set_new (doc, "new_session", json_boolean (p->new_session));
  failed |= json_object_set_new (doc, "clipboard", json_boolean (p->clipboard));
  failed |= json_object_set_new (doc, "landlock_required", json_boolean (p->landlock_required));
  failed |= json_object_set_new (doc, "seccomp", json_seccomp (p));
  failed |= json_object_set_new (doc, "filesystem", json_fs (&p->fs));
  failed |= json_object_set_new (doc, "rlimits", json_rlimits (p));
  failed |= json_object_set_new (doc, "resources", json_resources (&p->resources));
  failed |= json_object_set_new (doc, "api", json_api (p));
  failed |= json_object_set_new (doc, "network", json_network (&p->net));
  failed |= json_object_set_new (doc, "clearenv", json_boolean (p->clearenv));
  failed |= json_object_set_new (doc, "environment", json_environment (p));
  failed |= json_object_set_new (doc, "environment_removed", json_strv (p->env_removed));
  failed |= json_object_set_new (doc, "hostname", bytes_or_null (p->hostname));
  failed |= json_object_set_new (doc, "cwd", bytes_or_null (p->cwd));
  return failed;
}

static json_t *
json_grants (const ent_manager_t *m)
{
  json_t *a = json_array ();
  int failed = 0;

  for (size_t i = 0; i < ent_manager_count (m); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      json_t *g = json_object ();
      failed |= json_object_set_new (g, "name", ent_json_bytes (ent_entitlement_full_name (e)));
      failed |= json_object_set_new (g, "source", ent_json_bytes (ent_entitlement_source (e)));
      failed |= json_array_append_new (a, g);
    }
  return done (a, failed);
}

/* The whole document: the grants (with a manager), then the profile. */
static int
render_json (FILE *f, const ent_manager_t *m, const ent_profile_t *p)
{
  json_t *doc = json_object ();
  int failed = 0;

  if (m)
    failed |= json_object_set_new (doc, "grants", json_grants (m));
  failed |= json_profile (doc, p);
  if (failed == 0)
    failed = ent_json_dump (f, doc, render_layout);
  fputc ('\n', f);
  json_decref (doc);
  return failed ? -ENOMEM : 0;
}

/* ---- text ---------------------------------------------------------------- */

static void
text_limit (FILE *f, int64_t v)
{
  if (v == ENT_RLIM_HARD)
    fputs ("\"hard\"", f);
  else
    fprintf (f, "%" PRId64, v);
}

static void
text_resources (FILE *f, const ent_profile_t *p)
{
  bool any = false;

  for (size_t i = 0; i < N_ELEMENTS (resource_fields); i++)
    {
      int64_t v = resource_value (&p->resources, i);
      if (v < 0)
        continue;
      fprintf (f, "%s %s=%" PRId64, any ? "," : "resources:", resource_fields[i].name, v);
      any = true;
    }
  if (any && (p->resources.pids >= 0 || p->resources.memory >= 0))
    fprintf (f, " (pids and memory through %s)\n",
             p->resources.backend == ENT_RES_CGROUP
                 ? "a delegated cgroup"
                 : "RLIMIT_NPROC and pid 1's watch: no delegated cgroup");
  else if (any)
    fputc ('\n', f);
  fputs ("host APIs allowed:", f);
  any = false;
  for (int i = 0; i < ENT_API_COUNT; i++)
    if (p->api[i].allow)
      {
        fprintf (f, " %s", ent_api_name (i));
        any = true;
      }
  fputs (any ? " (all others hidden)\n" : " none (their sockets are hidden)\n", f);
}

static void
text_caps (FILE *f, const ent_profile_t *p)
{
  bool same = true;

  if (p->caps_unset)
    {
      fputs ("capabilities: unset (left to the runtime)\n", f);
      return;
    }
  for (int s = 1; s < ENT_CAPSET_COUNT; s++)
    same = same && p->caps[s] == p->caps[0];
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    {
      if (same && s > 0)
        break;
      fprintf (f, "capabilities%s%s:", same ? "" : " ", same ? "" : ent_capset_name (s));
      if (p->caps[s] == 0)
        fputs (" none", f);
      else if (p->caps[s] == ENT_CAP_ALL)
        fputs (" all", f);
      else
        for (int c = 0; c <= ENT_CAP_LAST; c++)
          if (p->caps[s] & ENT_CAP_BIT (c))
            fprintf (f, " %s", ent_cap_to_name (c));
      fputc ('\n', f);
    }
}

/* "  socket families: AF_UNIX AF_INET ...; any other family fails with
 * EAFNOSUPPORT, ..." */
static void
text_socket_words (FILE *f, const socket_words_t *w)
{
  fputs ("  socket families (socket, socketpair):", f);
  for (size_t i = 0; i < w->n_families; i++)
    {
      fputc (' ', f);
      put_value_name (f, family_names, N_ELEMENTS (family_names), "family ", w->families[i]);
      if (w->families[i] != AF_NETLINK_ || w->n_netlink == 0)
        continue;
      for (size_t k = 0; k < w->n_netlink; k++)
        {
          fputs (k ? " " : " (", f);
          put_value_name (f, netlink_names, N_ELEMENTS (netlink_names), "protocol ", w->netlink[k]);
        }
      fputc (')', f);
    }
  fputs (" only; any other family fails with ", f);
  put_errno (f, w->other_family);
  if (w->n_netlink)
    {
      fputs (", any other netlink protocol with ", f);
      put_errno (f, w->other_netlink);
    }
  if (w->socketcall > 0)
    {
      fputs (", i386 socketcall (family unreadable) with ", f);
      put_errno (f, w->socketcall);
    }
  else if (w->socketcall < 0)
    fputs ("; i386 socketcall allowed (any family)", f);
  fputc ('\n', f);
}

static void
text_seccomp (FILE *f, const ent_profile_t *p)
{
  const ent_seccomp_t *s = &p->seccomp;
  socket_words_t w;
  bool words;
  size_t allowed = 0;

  if (!s->enabled)
    {
      fputs ("seccomp: none\n", f);
      return;
    }
  for (size_t i = 0; i < s->n_rules; i++)
    allowed += s->rules[i].action == ENT_SECCOMP_ALLOW && s->rules[i].n_args == 0;
  fprintf (f, "seccomp: default-deny (fails with ");
  put_errno (f, s->default_errno);
  if (s->unknown_errno && s->unknown_errno != s->default_errno)
    {
      fputs ("; syscalls newer than Linux " ENT_POLICY_KERNEL " with ", f);
      put_errno (f, s->unknown_errno);
    }
  fprintf (f, "), %zu syscalls allowed on every ABI; special rules:\n", allowed);
  words = socket_words (p, &w);
  if (words)
    text_socket_words (f, &w);
  for (size_t i = 0; i < s->n_rules; i++)
    if ((s->rules[i].n_args || s->rules[i].action != ENT_SECCOMP_ALLOW)
        && !(words && is_socket_call (s->rules[i].syscall)))
      {
        fputs ("  ", f);
        put_rule_text (f, &s->rules[i]);
        fputc ('\n', f);
      }
}

/* A value from the command line or a profile (a path, a URL, a variable,
 * a FILE:LINE source), with every control character written as an escape:
 * \n, \r, \t or \xHH.  `--explain -p FILE` is how one reviews someone
 * else's profile; a newline or a terminal escape sequence in a value must
 * not forge a line or hide one (ent_escape_utf8: C1 controls and bytes
 * that are not UTF-8 too; tabs, which would break the alignment).  Returns
 * the columns written (a UTF-8 character counts one). */
static size_t
put_text (FILE *f, const char *s)
{
  size_t n = 0, len;
  char esc[5];
  int e;

  for (const char *c = s; *c; c += len)
    if ((e = ent_escape_utf8 (c, false, esc, &len)) > 0)
      {
        fputs (esc, f);
        n += (size_t)e;
      }
    else
      {
        fwrite (c, 1, len, f);
        n++;
      }
  return n;
}

/* @word, then @s in double quotes with '"' and '\\' escaped; nothing when
 * @s is NULL. */
static void
text_quoted (FILE *f, const char *word, const char *s)
{
  if (s == NULL)
    return;
  fprintf (f, "%s\"", word);
  for (const char *q = s; *q; q++)
    {
      size_t n = strcspn (q, "\"\\");
      char *chunk = strndup (q, n);
      if (chunk)
        put_text (f, chunk);
      free (chunk);
      q += n;
      if (*q == '\0')
        break;
      fprintf (f, "\\%c", *q);
    }
  fputc ('"', f);
}

static void
text_list (FILE *f, const char *label, char *const *v)
{
  fprintf (f, "%s:", label);
  if (v == NULL || *v == NULL)
    fputs (" none", f);
  for (size_t i = 0; v && v[i]; i++)
    {
      fputc (' ', f);
      put_text (f, v[i]);
    }
  fputc ('\n', f);
}

static void
text_fs (FILE *f, const ent_profile_t *p)
{
  const ent_fs_t *fs = &p->fs;

  if (p->host_boundary)
    fprintf (f, "filesystem: host / read-only; working directory %s; /dev %s; /proc %s; /sys %s\n",
             fs->read_only       ? "read-only (security.fs-read-only)"
             : fs->cwd_too_broad ? "read-only ('/', home or above, or a credential store)"
                                 : "writable",
             dev_names[fs->dev], proc_names[fs->proc], sys_names[fs->sys]);
  else
    fprintf (f, "filesystem: host / writable%s; /dev %s; /proc %s; /sys %s\n",
             fs->read_only ? " (read-only but the grants)" : "", dev_names[fs->dev],
             proc_names[fs->proc], sys_names[fs->sys]);
  for (size_t i = 0; i < fs->n_mounts; i++)
    {
      const ent_mount_t *m = &fs->mounts[i];
      fprintf (f, "  %-7s ", mount_kind_names[m->kind]);
      put_text (f, m->path);
      /* What a caller chose (type, source, options) comes quoted, after
       * words of our own, so that it cannot pass for a kind, a path or
       * "(default)". */
      text_quoted (f, " type ", m->type);
      text_quoted (f, " from ", m->source);
      for (size_t k = 0; m->options && m->options[k]; k++)
        text_quoted (f, k ? "," : " options ", m->options[k]);
      fputs (m->implicit ? " (default)\n" : "\n", f);
    }
  text_list (f, "masked", fs->masked);
  text_list (f, "read-only paths", fs->readonly);
}

static void
text_profile (FILE *f, const ent_profile_t *p)
{
  fputs ("namespaces:", f);
  for (int i = 0; i < ENT_NS_COUNT; i++)
    fprintf (f, " %s=%s", ent_ns_name (i), p->ns.create[i] ? "new" : "host");
  fputc ('\n', f);
  if (p->uid < 0)
    fputs ("uid/gid: same as the caller\n", f);
  else
    fprintf (f, "uid/gid: %" PRId64 "/%" PRId64 "\n", p->uid, p->gid);
  text_caps (f, p);
  fprintf (f, "no_new_privs: %s\nnew session: %s\n", p->no_new_privs ? "yes" : "no",
           p->new_session ? "yes" : "no");
  fprintf (f, "terminal clipboard writes (OSC 52): %s\n",
           p->clipboard ? "passed on" : "dropped by the relay");
  if (p->landlock_required)
    fputs ("landlock required: yes (no run where the kernel cannot apply the rules)\n", f);
  text_seccomp (f, p);
  text_fs (f, p);
  for (int r = 0; r < ENT_RLIMIT_COUNT; r++)
    if (p->rlimits[r].soft != ENT_RLIM_UNSET || p->rlimits[r].hard != ENT_RLIM_UNSET)
      {
        fprintf (f, "rlimit %s: soft ", ent_rlimit_name (r));
        text_limit (f, p->rlimits[r].soft);
        fputs (" hard ", f);
        text_limit (f, p->rlimits[r].hard);
        fputc ('\n', f);
      }
  text_resources (f, p);
  fprintf (f, "network: %s%s%s", ent_net_mode_name (p->net.mode), p->net.admin ? " (admin)" : "",
           p->net.host_loopback ? " (host loopback reachable)" : "");
  if (p->net.proxy_url)
    {
      fputs (" via ", f);
      put_text (f, p->net.proxy_url);
    }
  for (size_t i = 0; i < p->net.n_publish; i++)
    fprintf (f, " publish %u:%u/%s", p->net.publish[i].host_port, p->net.publish[i].sandbox_port,
             p->net.publish[i].udp ? "udp" : "tcp");
  fputc ('\n', f);
  for (size_t i = 0; i < p->n_env; i++)
    {
      fprintf (f, "env %s ", env_op_names[p->env[i].op]);
      put_text (f, p->env[i].name);
      if (p->env[i].value)
        {
          fputc ('=', f);
          put_text (f, p->env[i].value);
        }
      fputc ('\n', f);
    }
  text_list (f, "environment removed (secret-looking, keep one with --env NAME)", p->env_removed);
  if (p->hostname)
    {
      fputs ("hostname: ", f);
      put_text (f, p->hostname);
      fputc ('\n', f);
    }
}

static void
text_grants (FILE *f, const ent_manager_t *m, const ent_catalogue_t *cat)
{
  fputs ("grants:\n", f);
  for (size_t i = 0; i < ent_manager_count (m); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      const ent_definition_t *d = cat ? ent_catalogue_lookup (cat, ent_entitlement_name (e)) : NULL;
      size_t w;
      fputs ("  ", f);
      w = put_text (f, ent_entitlement_full_name (e));
      fprintf (f, "%*s [", w < 28 ? (int)(28 - w) : 0, "");
      put_text (f, ent_entitlement_source (e));
      fputc (']', f);
      if (d && d->description)
        {
          fputc (' ', f);
          put_text (f, d->description);
        }
      fputc ('\n', f);
    }
}

/* ---- entry points -------------------------------------------------------- */

typedef struct render_job
{
  const ent_manager_t *m; /* NULL: render @p alone */
  const ent_catalogue_t *cat;
  const ent_profile_t *p;
  ent_render_format_t format;
} render_job_t;

static void
render_key (FILE *f, const ent_profile_t *p)
{
  fprintf (f, "enabled %d default ", p->seccomp.enabled);
  put_errno (f, p->seccomp.default_errno);
  if (p->seccomp.unknown_errno)
    {
      fputs (" unknown ", f);
      put_errno (f, p->seccomp.unknown_errno);
    }
  fputc ('\n', f);
  for (size_t i = 0; i < p->seccomp.n_rules; i++)
    {
      put_rule_text (f, &p->seccomp.rules[i]);
      fputc ('\n', f);
    }
}

static int
render_job (FILE *f, const render_job_t *job)
{
  if (job->format == ENT_RENDER_JSON)
    return render_json (f, job->m, job->p);
  if (job->m)
    text_grants (f, job->m, job->cat);
  text_profile (f, job->p);
  return 0;
}

/* Run @job (or the seccomp key when @job is NULL) into a new string. */
static int
render_to_string (const render_job_t *job, const ent_profile_t *key_of, char **out,
                  ent_error_t **err)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  int failed = 0;

  if (f == NULL)
    return ent_error_set (err, ENOMEM, "out of memory rendering the profile");
  if (job)
    failed = render_job (f, job);
  else
    render_key (f, key_of);
  if (fclose (f) != 0 || failed)
    {
      free (buf);
      return ent_error_set (err, ENOMEM, "out of memory rendering the profile");
    }
  *out = buf;
  return 0;
}

int
ent_render (const ent_manager_t *m, const ent_catalogue_t *cat, ent_render_format_t format,
            char **out, ent_error_t **err)
{
  render_job_t job = { .m = m, .cat = cat, .p = ent_manager_profile (m), .format = format };

  return render_to_string (&job, NULL, out, err);
}

int
ent_render_profile (const ent_profile_t *p, ent_render_format_t format, char **out,
                    ent_error_t **err)
{
  render_job_t job = { .p = p, .format = format };

  return render_to_string (&job, NULL, out, err);
}

int
ent_render_seccomp_key (const ent_profile_t *p, char **out, ent_error_t **err)
{
  return render_to_string (NULL, p, out, err);
}
