/* Text and JSON renderings: content, stability, escaping, and that the JSON
 * really is JSON (checked by the strict checker the fuzz targets use). */
#include <ctype.h>
#include <string.h>
#include <sys/param.h>

#include "json-check.h"
#include "syscall-abi.h"
#include "test-suites.h"
#include "test-util.h"

#define OK(expr) ck_assert_int_eq ((expr), 0)

/* ---- the JSON checker (tests/fuzz/json-check.c) --------------------------- */

static bool
json_valid (const char *text)
{
  return json_check (text, strlen (text), NULL);
}

static const char *const json_good[] = {
  "{}",
  "[]",
  " {\"a\": [1, -2.5e3, 0, 0.5, 1E+2, true, false, null, \"x\\u00e9\\n\\\"\"]} \n",
  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
  "{\"a\": {\"b\": {}}, \"c\": []}",
  "-0",
};

static const char *const json_bad[] = {
  "",           "{",          "{\"a\": 1,}", "[1, 2,]",    "{'a': 1}",   "\"a\nb\"",
  "[1 2]",      "01",         "{\"a\" 1}",   "\"\\x\"",    "{} x",       "\"\xff\"",
  "\"\xc3\"",   "\"\xed\xa0\x80\"", "1.",    ".5",         "tru",        "{\"a\": }",
  "[\"\\u12\"]", "\"abc",     "{1: 2}",      "- 1",        "1e",         "\"\\ud800\"",
};

START_TEST (validator_accepts)
{
  ck_assert_msg (json_valid (json_good[_i]), "rejected: %s", json_good[_i]);
}
END_TEST

START_TEST (validator_rejects)
{
  ck_assert_msg (!json_valid (json_bad[_i]), "accepted: %s", json_bad[_i]);
}
END_TEST

/* ---- helpers ------------------------------------------------------------- */

static char *
render (const ent_manager_t *m, const ent_catalogue_t *cat, ent_render_format_t fmt)
{
  char *out = NULL;
  ent_error_t *err = NULL;

  ck_assert_msg (ent_render (m, cat, fmt, &out, &err) == 0, "%s", ent_error_message (err));
  ck_assert_ptr_nonnull (out);
  return out;
}

static void
assert_contains (const char *haystack, const char *needle)
{
  ck_assert_msg (strstr (haystack, needle) != NULL, "\"%s\" not found in:\n%s", needle, haystack);
}

/* The line of @text that contains @needle, copied; NULL when none. */
static char *
line_with (const char *text, const char *needle)
{
  const char *hit = strstr (text, needle);
  const char *start, *end;

  if (hit == NULL)
    return NULL;
  for (start = hit; start > text && start[-1] != '\n'; start--)
    ;
  end = strchrnul (hit, '\n');
  return strndup (start, end - start);
}

/* ---- JSON ---------------------------------------------------------------- */

START_TEST (json_default_content)
{
  static const char *const expected[] = {
    "\"mode\": \"none\"",
    "\"user\": \"new\"",
    "\"pid\": \"new\"",
    "\"net\": \"new\"",
    "{\"syscall\": \"clone3\", \"action\": \"errno\", \"errno\": \"ENOSYS\"}",
    "{\"syscall\": \"ioctl\", \"action\": \"errno\", \"errno\": \"EPERM\", \"args\": [{\"index\": "
    "1, \"op\": \"masked_eq\", \"mask\": 4294967295, \"value\": 21522}]}",
    "\"enabled\": true",
    "\"default\": \"errno EPERM\"",
    "\n    \"unknown\": \"errno ENOSYS\",\n    \"known_kernel\": \"" ENT_POLICY_KERNEL "\",\n",
    "\n    \"socket_families\": {\"allowed\": [\"AF_UNIX\", \"AF_INET\", \"AF_INET6\", "
    "\"AF_NETLINK\"], \"netlink_protocols\": [\"NETLINK_ROUTE\", \"NETLINK_SOCK_DIAG\"], "
    "\"other_families\": \"errno EAFNOSUPPORT\", \"other_netlink_protocols\": \"errno "
    "EPROTONOSUPPORT\", \"socketcall\": \"errno EAFNOSUPPORT\"},\n",
    "{\"syscall\": \"socketcall\", \"action\": \"errno\", \"errno\": \"EAFNOSUPPORT\"}",
    "\"uid\": \"caller\"",
    "\"no_new_privs\": true",
    "\"new_session\": true",
    "\"bounding\": []",
    "\"ambient\": []",
    "\"dev\": \"minimal\"",
    "\"proc\": \"fresh\"",
    "\"sys\": \"read-only\"",
    "\"/proc/kcore\"",
    "\"readonly\": [\"/proc/bus\"",
    "{\"name\": \"security.confined\", \"source\": \"default\"}",
    "{\"name\": \"network.none\", \"source\": \"default\"}",
    "\"proxy\": null",
    "\"cwd\": \"/work\"",
    "\"hostname\": null",
    "\n  \"resources\": {\"backend\": \"rlimit\", \"pids\": 4096},\n",
    "\n  \"api\": {\"ssh-agent\": \"deny\", \"gpg-agent\": \"deny\", \"dbus-session\": \"deny\", "
    "\"dbus-system\": \"deny\", \"docker\": \"deny\", \"podman\": \"deny\", \"x11\": \"deny\", "
    "\"wayland\": \"deny\", \"pipewire\": \"deny\"},\n",
    "\n  \"rlimits\": {\"RLIMIT_NPROC\": {\"soft\": 4096, \"hard\": 4096}},\n",
  };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *json = render (m, cat, ENT_RENDER_JSON);

  for (size_t i = 0; i < TEST_N (expected); i++)
    assert_contains (json, expected[i]);
  ck_assert (json_valid (json));
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (json_admin_content)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (
      cat, (const char *const[]){ "security.admin", "network.admin", "network.publish=53:53/udp",
                                  "security.memory-lock", "host.fs.ro=/usr", NULL });
  char *json = render (m, cat, ENT_RENDER_JSON);

  assert_contains (json, "\"uid\": 0,");
  assert_contains (json, "\"bounding\": [\"CAP_CHOWN\", \"CAP_DAC_OVERRIDE\"");
  assert_contains (json, "\"ambient\": [\"CAP_NET_BIND_SERVICE\", \"CAP_NET_BROADCAST\", "
                         "\"CAP_NET_ADMIN\", \"CAP_NET_RAW\", \"CAP_IPC_LOCK\"]");
  assert_contains (json, "{\"syscall\": \"mount\", \"action\": \"allow\"}");
  assert_contains (json, "\"mode\": \"user\", \"admin\": true");
  assert_contains (json, "\"allowed\": [\"AF_UNIX\", \"AF_INET\", \"AF_INET6\", \"AF_NETLINK\", "
                         "\"AF_PACKET\"], \"netlink_protocols\": [\"NETLINK_ROUTE\", "
                         "\"NETLINK_SOCK_DIAG\", \"NETLINK_XFRM\", \"NETLINK_NETFILTER\", "
                         "\"NETLINK_GENERIC\"]");
  assert_contains (json, "{\"host\": 53, \"sandbox\": 53, \"protocol\": \"udp\"}");
  assert_contains (json, "\"RLIMIT_MEMLOCK\": {\"soft\": \"hard\", \"hard\": -1}");
  assert_contains (json, "{\"kind\": \"ro\", \"path\": \"/usr\", \"default\": false}");
  assert_contains (json, "\"masked\": []");
  assert_contains (json, "{\"name\": \"network.admin\", \"source\": \"command line\"}");
  ck_assert (json_valid (json));
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static const char *const *const json_profiles[] = {
  (const char *const[]){ NULL },
  (const char *const[]){ "security.admin", "host.processes.view", "host.devices.admin", NULL },
  (const char *const[]){ "security.view", "network.proxy=http://[::1]:3128", "host.fs.hide=~/.ssh",
                         NULL },
  (const char *const[]){ "network.admin", "network.publish=8080:80", "network.publish=5353:53/udp",
                         "network.host-loopback", "security.memory-lock", NULL },
  (const char *const[]){ "network.host", "security.fs-read-only", "host.fs.tmpfs=/tmp",
                         "host.fs.rw=/srv/a \"b\" \\c", "host.fs.ro=/caf\xc3\xa9", NULL },
  (const char *const[]){ "resources.pids=100", "resources.memory=1G", "resources.cpu-time=60",
                         "resources.files=256", "resources.file-size=10M", "resources.timeout=30",
                         "debug.ptrace", "debug.perf", "api.access=docker:allow",
                         "api.access=x11:deny", NULL },
};

START_TEST (json_is_valid)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, json_profiles[_i]);
  char *json = render (m, cat, ENT_RENDER_JSON);
  char *alone = NULL;

  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  OK (ent_render_profile (ent_manager_profile (m), ENT_RENDER_JSON, &alone, NULL));
  ck_assert_msg (json_valid (alone), "invalid JSON:\n%s", alone);
  /* The profile alone has no grants, the rest is the same text. */
  ck_assert_ptr_null (strstr (alone, "\"grants\""));
  ck_assert_ptr_nonnull (strstr (json, alone + 2));
  free (alone);
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (json_blank_profile_valid)
{
  ent_profile_t *p = ent_profile_new ();
  char *json = test_render_profile_json (p);

  ck_assert (json_valid (json));
  assert_contains (json, "\"enabled\": false");
  assert_contains (json, "\"rules\": []");
  assert_contains (json, "\"mode\": \"host\"");
  assert_contains (json, "\"cwd\": null");
  assert_contains (json, "\n  \"resources\": {\"backend\": \"rlimit\"},\n  \"api\": {\"ssh-agent\": "
                         "\"deny\", \"gpg-agent\": \"deny\", \"dbus-session\": \"deny\", "
                         "\"dbus-system\": \"deny\", \"docker\": \"deny\", \"podman\": \"deny\", "
                         "\"x11\": \"deny\", \"wayland\": \"deny\", \"pipewire\": \"deny\"},\n");
  free (json);
  ent_profile_free (p);
}
END_TEST

START_TEST (json_escaping)
{
  ent_profile_t *p = ent_profile_new ();
  char *json;

  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/a\"b\\c\nd", NULL));
  OK (ent_profile_set_string (&p->hostname, "tab\there\x01\x7f"));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "Q", "say \"hi\"", NULL));
  /* Not UTF-8: no grant names one (ent-name.h), but a base profile may. */
  OK (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/l\xe9gacy", NULL));
  json = test_render_profile_json (p);
  assert_contains (json, "{\"kind\": \"rw\", \"path\": \"/a\\\"b\\\\c\\u000ad\", \"default\": false}");
  assert_contains (json, "\"hostname\": \"tab\\u0009here\\u0001\\u007f\"");
  assert_contains (json, "{\"op\": \"set\", \"name\": \"Q\", \"value\": \"say \\\"hi\\\"\"}");
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  free (json);
  ent_profile_free (p);
}
END_TEST

/* The text is for reading someone else's profile: a control character in a
 * value must neither forge nor hide a line, nor reach the terminal.  (The
 * name grammar already keeps them out of grants.) */
START_TEST (text_escaping)
{
  ent_profile_t *p = ent_profile_new ();
  char *text = NULL;

  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/a\nentrun: fake\x1b[2J", NULL));
  OK (ent_profile_set_string (&p->hostname, "h\r\t\x7f"));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "V", "1\n2", NULL));
  OK (ent_render_profile (p, ENT_RENDER_TEXT, &text, NULL));
  assert_contains (text, "  rw      /a\\nentrun: fake\\x1b[2J\n");
  assert_contains (text, "hostname: h\\r\\t\\x7f\n");
  assert_contains (text, "env set V=1\\n2\n");
  ck_assert_ptr_null (strchr (text, '\x1b'));
  ck_assert_ptr_null (strstr (text, "\nentrun: fake"));
  free (text);
  ent_profile_free (p);
}
END_TEST

START_TEST (json_escaping_grant_names)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m
      = test_manager_with (cat, (const char *const[]){ "host.fs.rw=/x\"y\\z", NULL });
  char *json = render (m, cat, ENT_RENDER_JSON);

  assert_contains (json, "{\"name\": \"host.fs.rw=/x\\\"y\\\\z\", \"source\": \"command line\"}");
  assert_contains (json, "\"path\": \"/x\\\"y\\\\z\"");
  ck_assert (json_valid (json));
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Profile strings are bytes; JSON is UTF-8.  Each ill-formed sequence (its
 * maximal subpart) renders as U+FFFD, well-formed characters as they are,
 * and the text rendering keeps the bytes. */
START_TEST (json_invalid_utf8)
{
  ent_profile_t *p = ent_profile_new ();
  char *json, *text = NULL;

  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/caf\xe9/x", NULL));
  /* overlong '/', a UTF-16 surrogate, past U+10FFFF */
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/o\xc0\xaf-s\xed\xa0\x80-m\xf4\x90\x80\x80",
                             NULL));
  /* a 3-byte character cut by 'x', a 4-byte one cut by the end */
  OK (ent_profile_set_string (&p->hostname, "h\xe2\x82x\xf0\x9f\x98"));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "V",
                           "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd", NULL));
  json = test_render_profile_json (p);
  assert_contains (json, "{\"kind\": \"ro\", \"path\": \"/caf\\ufffd/x\", \"default\": false}");
  assert_contains (json, "{\"kind\": \"rw\", \"path\": \"/o\\ufffd\\ufffd-s\\ufffd\\ufffd\\ufffd-m"
                         "\\ufffd\\ufffd\\ufffd\\ufffd\", \"default\": false}");
  assert_contains (json, "\"hostname\": \"h\\ufffdx\\ufffd\"");
  assert_contains (json, "\"value\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd\"");
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  OK (ent_render_profile (p, ENT_RENDER_TEXT, &text, NULL));
  /* The text is for a terminal: a byte that is not UTF-8 is escaped, as
   * a control character is (a stray one could end a C1 sequence); valid
   * UTF-8 is shown as it is. */
  assert_contains (text, "  ro      /caf\\xe9/x\n");
  assert_contains (text, "  rw      /o\\xc0\\xaf-s\\xed\\xa0\\x80-m\\xf4\\x90\\x80\\x80\n");
  assert_contains (text, "hostname: h\\xe2\\x82x\\xf0\\x9f\\x98\n");
  assert_contains (text, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbd");
  free (text);
  free (json);
  ent_profile_free (p);
}
END_TEST

START_TEST (render_stable)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, json_profiles[3]);
  char *a = render (m, cat, ENT_RENDER_JSON);
  char *b = render (m, cat, ENT_RENDER_JSON);
  char *ta = render (m, cat, ENT_RENDER_TEXT);
  char *tb = render (m, cat, ENT_RENDER_TEXT);

  ck_assert_str_eq (a, b);
  ck_assert_str_eq (ta, tb);
  free (a);
  free (b);
  free (ta);
  free (tb);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- the layout, byte for byte ------------------------------------------ */

/* Whole documents, so that a change of layout or escaping shows: the
 * launcher hashes the JSON of a project profile to pin its approval
 * (launcher/trust.c), and scripts read --explain --json.  One profile
 * with nothing set, one with every kind of member and string, and a
 * catalogue's grants without the default seccomp rules (the second
 * profile shows how rules print). */

/* A profile with one of each: capabilities set, rlimits, resources, host
 * APIs, published ports, an OCI-style mount with source, type and
 * options, seccomp rules that are a socket allowlist and rules that are
 * not, 64-bit argument values, and strings with quotes, backslashes,
 * control characters, C1, U+2028, bytes that are not UTF-8 and a '/'. */
static ent_profile_t *
layout_profile (void)
{
  ent_profile_t *p = ent_profile_new ();
  char *options[] = { "nosuid", "size=64m", NULL };
  const ent_mount_t proc = {
    .kind = ENT_MOUNT_OTHER, .path = "/proc", .type = "proc", .source = "proc", .options = options
  };
  const ent_publish_t pub = { 8080, 80, false };
  ent_seccomp_rule_t rules[] = {
    { .syscall = "socket",
      .action = ENT_SECCOMP_ALLOW,
      .n_args = 1,
      .args = { { .index = 0, .op = ENT_ARG_EQ, .value = 1 } } },
    { .syscall = "socketpair",
      .action = ENT_SECCOMP_ALLOW,
      .n_args = 1,
      .args = { { .index = 0, .op = ENT_ARG_EQ, .value = 1 } } },
    { .syscall = "socketcall", .action = ENT_SECCOMP_ALLOW },
    { .syscall = "ioctl",
      .action = ENT_SECCOMP_ERRNO,
      .errnum = ENOTTY,
      .n_args = 2,
      .args = { { .index = 1, .op = ENT_ARG_MASKED_EQ, .mask = UINT64_MAX, .value = 0x5412 },
                { .index = 2, .op = ENT_ARG_NE, .value = UINT64_MAX } } },
    { .syscall = "write", .action = ENT_SECCOMP_ERRNO, .errnum = 4095 },
  };

  OK (ent_profile_add_mount_full (p, &proc, NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/q\"b\\s/\x01\x1f\x7f\xc2\x85\xe2\x80\xa8",
                             NULL));
  OK (ent_profile_add_mount (p, ENT_MOUNT_HIDE, "/bad\xe9\xc0\xaf\xed\xa0\x80\xf0\x9f\x98", NULL));
  OK (ent_strlist_add (&p->fs.masked, "/m\tn"));
  OK (ent_strlist_add (&p->env_removed, "GITHUB_TOKEN"));
  OK (ent_profile_add_env (p, ENT_ENV_SET, "A", "caf\xc3\xa9 \xef\xbf\xbd\n", NULL));
  OK (ent_profile_add_env (p, ENT_ENV_UNSET, "B", NULL, NULL));
  OK (ent_profile_add_publish (p, &pub, NULL));
  OK (ent_profile_set_string (&p->net.proxy_url, "http://proxy:3128/"));
  OK (ent_profile_set_string (&p->hostname, "h\xff"));
  ent_profile_caps_clear (p);
  ent_profile_grant_cap (p, 21);
  p->uid = 0;
  p->gid = 1000;
  p->rlimits[ENT_RLIMIT_CORE] = (ent_rlimit_t){ ENT_RLIM_HARD, 77 };
  p->rlimits[ENT_RLIMIT_NOFILE] = (ent_rlimit_t){ ENT_RLIM_UNSET, 5 };
  p->resources.backend = ENT_RES_CGROUP;
  p->resources.memory = 0;
  p->api[ENT_API_X11].allow = true;
  p->net.mode = ENT_NET_PROXY;
  p->seccomp.enabled = true;
  p->seccomp.default_errno = EAFNOSUPPORT;
  for (size_t i = 0; i < TEST_N (rules); i++)
    OK (ent_profile_add_rule (p, &rules[i], NULL));
  return p;
}

/* @text without its lines that start with @prefix; *@dropped counts them. */
static char *
without_lines (const char *text, const char *prefix, size_t *dropped)
{
  char *out = calloc (1, strlen (text) + 1), *o = out;

  ck_assert_ptr_nonnull (out);
  *dropped = 0;
  for (const char *l = text; *l;)
    {
      size_t n = strcspn (l, "\n") + (l[strcspn (l, "\n")] == '\n');
      if (strncmp (l, prefix, strlen (prefix)) == 0)
        ++*dropped;
      else
        o = mempcpy (o, l, n);
      l += n;
    }
  return out;
}

/* @actual is @expected, or the test fails showing the first line that
 * differs (check cannot carry a whole document in its message). */
static void
assert_same_text (const char *actual, const char *expected)
{
  const char *a = actual, *e = expected;
  int line = 1;

  for (; *a && *a == *e; a++, e++)
    line += *a == '\n';
  if (*a == *e)
    return;
  while (a > actual && a[-1] != '\n')
    a--, e--;
  ck_abort_msg ("line %d differs:\n  got      %.*s\n  expected %.*s", line,
                (int)MIN (strcspn (a, "\n"), 300), a, (int)MIN (strcspn (e, "\n"), 300), e);
}

static const char layout_blank[]
    = "{\n"
      "  \"namespaces\": {\"user\": \"host\", \"mount\": \"host\", \"pid\": \"host\", \"net\": "
      "\"host\", \"ipc\": \"host\", \"uts\": \"host\", \"cgroup\": \"host\"},\n"
      "  \"uid\": \"caller\",\n"
      "  \"gid\": \"caller\",\n"
      "  \"capabilities\": \"unset\",\n"
      "  \"no_new_privs\": false,\n"
      "  \"new_session\": false,\n"
      "  \"clipboard\": false,\n"
      "  \"landlock_required\": false,\n"
      "  \"seccomp\": {\n"
      "    \"enabled\": false,\n"
      "    \"default\": \"errno EPERM\",\n"
      "    \"unknown\": \"errno EPERM\",\n"
      "    \"known_kernel\": \"" ENT_POLICY_KERNEL "\",\n"
      "    \"socket_families\": null,\n"
      "    \"rules\": []\n"
      "  },\n"
      "  \"filesystem\": {\n"
      "    \"read_only\": false,\n"
      "    \"dev\": \"host-rw\",\n"
      "    \"proc\": \"host\",\n"
      "    \"sys\": \"host\",\n"
      "    \"mounts\": [],\n"
      "    \"masked\": [],\n"
      "    \"readonly\": []\n"
      "  },\n"
      "  \"rlimits\": {},\n"
      "  \"resources\": {\"backend\": \"rlimit\"},\n"
      "  \"api\": {\"ssh-agent\": \"deny\", \"gpg-agent\": \"deny\", \"dbus-session\": \"deny\", "
      "\"dbus-system\": \"deny\", \"docker\": \"deny\", \"podman\": \"deny\", \"x11\": \"deny\", "
      "\"wayland\": \"deny\", \"pipewire\": \"deny\"},\n"
      "  \"network\": {\"mode\": \"host\", \"admin\": false, \"host_loopback\": false, \"proxy\": "
      "null, \"publish\": []},\n"
      "  \"clearenv\": false,\n"
      "  \"environment\": [],\n"
      "  \"environment_removed\": [],\n"
      "  \"hostname\": null,\n"
      "  \"cwd\": null\n"
      "}\n";

static const char layout_full[]
    = "{\n"
      "  \"namespaces\": {\"user\": \"host\", \"mount\": \"host\", \"pid\": \"host\", \"net\": "
      "\"host\", \"ipc\": \"host\", \"uts\": \"host\", \"cgroup\": \"host\"},\n"
      "  \"uid\": 0,\n"
      "  \"gid\": 1000,\n"
      "  \"capabilities\": {\n"
      "    \"bounding\": [\"CAP_SYS_ADMIN\"],\n"
      "    \"permitted\": [\"CAP_SYS_ADMIN\"],\n"
      "    \"effective\": [\"CAP_SYS_ADMIN\"],\n"
      "    \"inheritable\": [\"CAP_SYS_ADMIN\"],\n"
      "    \"ambient\": [\"CAP_SYS_ADMIN\"]\n"
      "  },\n"
      "  \"no_new_privs\": false,\n"
      "  \"new_session\": false,\n"
      "  \"clipboard\": false,\n"
      "  \"landlock_required\": false,\n"
      "  \"seccomp\": {\n"
      "    \"enabled\": true,\n"
      "    \"default\": \"errno EAFNOSUPPORT\",\n"
      "    \"unknown\": \"errno EAFNOSUPPORT\",\n"
      "    \"known_kernel\": \"" ENT_POLICY_KERNEL "\",\n"
      "    \"socket_families\": {\"allowed\": [\"AF_UNIX\"], \"netlink_protocols\": [], "
      "\"other_families\": \"errno EAFNOSUPPORT\", \"other_netlink_protocols\": null, "
      "\"socketcall\": \"allow\"},\n"
      "    \"rules\": [\n"
      "      {\"syscall\": \"ioctl\", \"action\": \"errno\", \"errno\": \"ENOTTY\", \"args\": "
      "[{\"index\": 1, \"op\": \"masked_eq\", \"mask\": 18446744073709551615, \"value\": 21522}, "
      "{\"index\": 2, \"op\": \"ne\", \"mask\": 0, \"value\": 18446744073709551615}]},\n"
      "      {\"syscall\": \"socket\", \"action\": \"allow\", \"args\": [{\"index\": 0, \"op\": "
      "\"eq\", \"mask\": 0, \"value\": 1}]},\n"
      "      {\"syscall\": \"socketcall\", \"action\": \"allow\"},\n"
      "      {\"syscall\": \"socketpair\", \"action\": \"allow\", \"args\": [{\"index\": 0, "
      "\"op\": \"eq\", \"mask\": 0, \"value\": 1}]},\n"
      "      {\"syscall\": \"write\", \"action\": \"errno\", \"errno\": \"4095\"}\n"
      "    ]\n"
      "  },\n"
      "  \"filesystem\": {\n"
      "    \"read_only\": false,\n"
      "    \"dev\": \"host-rw\",\n"
      "    \"proc\": \"host\",\n"
      "    \"sys\": \"host\",\n"
      "    \"mounts\": [{\"kind\": \"hide\", \"path\": "
      "\"/bad\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\", \"default\": false}, {\"kind\": "
      "\"other\", \"path\": \"/proc\", \"default\": false, \"source\": \"proc\", \"type\": "
      "\"proc\", \"options\": [\"nosuid\", \"size=64m\"]}, {\"kind\": \"rw\", \"path\": "
      "\"/q\\\"b\\\\s/\\u0001\\u001f\\u007f\xc2\x85\xe2\x80\xa8\", \"default\": false}],\n"
      "    \"masked\": [\"/m\\u0009n\"],\n"
      "    \"readonly\": []\n"
      "  },\n"
      "  \"rlimits\": {\"RLIMIT_NOFILE\": {\"soft\": -1, \"hard\": 5}, \"RLIMIT_CORE\": {\"soft\": "
      "\"hard\", \"hard\": 77}},\n"
      "  \"resources\": {\"backend\": \"cgroup\", \"memory\": 0},\n"
      "  \"api\": {\"ssh-agent\": \"deny\", \"gpg-agent\": \"deny\", \"dbus-session\": \"deny\", "
      "\"dbus-system\": \"deny\", \"docker\": \"deny\", \"podman\": \"deny\", \"x11\": \"allow\", "
      "\"wayland\": \"deny\", \"pipewire\": \"deny\"},\n"
      "  \"network\": {\"mode\": \"proxy\", \"admin\": false, \"host_loopback\": false, \"proxy\": "
      "\"http://proxy:3128/\", \"publish\": [{\"host\": 8080, \"sandbox\": 80, \"protocol\": "
      "\"tcp\"}]},\n"
      "  \"clearenv\": false,\n"
      "  \"environment\": [{\"op\": \"set\", \"name\": \"A\", \"value\": \"caf\xc3\xa9 "
      "\xef\xbf\xbd\\u000a\"}, {\"op\": \"unset\", \"name\": \"B\"}],\n"
      "  \"environment_removed\": [\"GITHUB_TOKEN\"],\n"
      "  \"hostname\": \"h\\ufffd\",\n"
      "  \"cwd\": null\n"
      "}\n";

static const char layout_grants[]
    = "{\n"
      "  \"grants\": [\n"
      "    {\"name\": \"security.confined\", \"source\": \"default\"},\n"
      "    {\"name\": \"host.devices.none\", \"source\": \"default\"},\n"
      "    {\"name\": \"host.processes.none\", \"source\": \"default\"},\n"
      "    {\"name\": \"network.user\", \"source\": \"command line\"},\n"
      "    {\"name\": \"api.access=ssh-agent:allow\", \"source\": \"command line\"},\n"
      "    {\"name\": \"resources.memory=1G\", \"source\": \"command line\"},\n"
      "    {\"name\": \"host.fs.rw=/tmp\", \"source\": \"command line\"},\n"
      "    {\"name\": \"network.publish=53:53/udp\", \"source\": \"command line\"}\n"
      "  ],\n"
      "  \"namespaces\": {\"user\": \"new\", \"mount\": \"new\", \"pid\": \"new\", \"net\": "
      "\"new\", \"ipc\": \"new\", \"uts\": \"new\", \"cgroup\": \"new\"},\n"
      "  \"uid\": \"caller\",\n"
      "  \"gid\": \"caller\",\n"
      "  \"capabilities\": {\n"
      "    \"bounding\": [],\n"
      "    \"permitted\": [],\n"
      "    \"effective\": [],\n"
      "    \"inheritable\": [],\n"
      "    \"ambient\": []\n"
      "  },\n"
      "  \"no_new_privs\": true,\n"
      "  \"new_session\": true,\n"
      "  \"clipboard\": false,\n"
      "  \"landlock_required\": false,\n"
      "  \"seccomp\": {\n"
      "    \"enabled\": true,\n"
      "    \"default\": \"errno EPERM\",\n"
      "    \"unknown\": \"errno ENOSYS\",\n"
      "    \"known_kernel\": \"" ENT_POLICY_KERNEL "\",\n"
      "    \"socket_families\": {\"allowed\": [\"AF_UNIX\", \"AF_INET\", \"AF_INET6\", "
      "\"AF_NETLINK\"], \"netlink_protocols\": [\"NETLINK_ROUTE\", \"NETLINK_SOCK_DIAG\"], "
      "\"other_families\": \"errno EAFNOSUPPORT\", \"other_netlink_protocols\": \"errno "
      "EPROTONOSUPPORT\", \"socketcall\": \"errno EAFNOSUPPORT\"},\n"
      "    \"rules\": [\n"
      "    ]\n"
      "  },\n"
      "  \"filesystem\": {\n"
      "    \"read_only\": false,\n"
      "    \"dev\": \"minimal\",\n"
      "    \"proc\": \"fresh\",\n"
      "    \"sys\": \"read-only\",\n"
      "    \"mounts\": [{\"kind\": \"rw\", \"path\": \"/tmp\", \"default\": false}],\n"
      "    \"masked\": [\"/proc/acpi\", \"/proc/asound\", \"/proc/interrupts\", \"/proc/kcore\", "
      "\"/proc/keys\", \"/proc/latency_stats\", \"/proc/sched_debug\", \"/proc/scsi\", "
      "\"/proc/timer_list\", \"/proc/timer_stats\", \"/sys/devices/virtual/powercap\", "
      "\"/sys/firmware\"],\n"
      "    \"readonly\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", "
      "\"/proc/sysrq-trigger\"]\n"
      "  },\n"
      "  \"rlimits\": {\"RLIMIT_NPROC\": {\"soft\": 4096, \"hard\": 4096}},\n"
      "  \"resources\": {\"backend\": \"rlimit\", \"pids\": 4096, \"memory\": 1073741824},\n"
      "  \"api\": {\"ssh-agent\": \"allow\", \"gpg-agent\": \"deny\", \"dbus-session\": \"deny\", "
      "\"dbus-system\": \"deny\", \"docker\": \"deny\", \"podman\": \"deny\", \"x11\": \"deny\", "
      "\"wayland\": \"deny\", \"pipewire\": \"deny\"},\n"
      "  \"network\": {\"mode\": \"user\", \"admin\": false, \"host_loopback\": false, \"proxy\": "
      "null, \"publish\": [{\"host\": 53, \"sandbox\": 53, \"protocol\": \"udp\"}]},\n"
      "  \"clearenv\": false,\n"
      "  \"environment\": [],\n"
      "  \"environment_removed\": [],\n"
      "  \"hostname\": null,\n"
      "  \"cwd\": \"/work\"\n"
      "}\n";

START_TEST (json_layout_blank)
{
  ent_profile_t *p = ent_profile_new ();
  char *json = test_render_profile_json (p);

  assert_same_text (json, layout_blank);
  free (json);
  ent_profile_free (p);
}
END_TEST

START_TEST (json_layout_full)
{
  ent_profile_t *p = layout_profile ();
  char *json = test_render_profile_json (p);

  assert_same_text (json, layout_full);
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  free (json);
  ent_profile_free (p);
}
END_TEST

START_TEST (json_layout_grants)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (
      cat, (const char *const[]){ "network.user", "host.fs.rw=/tmp", "network.publish=53:53/udp",
                                  "resources.memory=1G", "api.access=ssh-agent:allow", NULL });
  char *json = render (m, cat, ENT_RENDER_JSON);
  size_t rules = 0;
  char *rest = without_lines (json, "      {\"syscall\": ", &rules);

  assert_same_text (rest, layout_grants);
  ck_assert_uint_gt (rules, 100);
  free (rest);
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- text ---------------------------------------------------------------- */

START_TEST (text_grants_and_sources)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *text, *line;

  test_grant_ok (m, cat, "network.user");
  OK (ent_manager_add_request (m, cat, "host.fs.ro=/usr", "dev.ini:7", ENT_PRECEDENCE_PROFILE,
                               NULL));
  text = render (m, cat, ENT_RENDER_TEXT);
  ck_assert_msg (strncmp (text, "grants:\n", 8) == 0, "%s", text);
  for (size_t i = 0; i < ent_manager_count (m); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      char *source = NULL;

      line = line_with (text, ent_entitlement_full_name (e));
      ck_assert_msg (line != NULL, "%s missing", ent_entitlement_full_name (e));
      ck_assert_int_ge (asprintf (&source, "[%s]", ent_entitlement_source (e)), 0);
      assert_contains (line, source);
      free (source);
      free (line);
    }
  line = line_with (text, "network.user ");
  assert_contains (line, "[command line]");
  assert_contains (line, "user-mode NAT"); /* the catalogue's description */
  free (line);
  line = line_with (text, "host.fs.ro=/usr");
  assert_contains (line, "[dev.ini:7]");
  free (line);
  line = line_with (text, "security.confined");
  assert_contains (line, "[default]");
  free (line);
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_profile_content)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (
      cat, (const char *const[]){ "network.proxy=http://10.0.0.1:3128", "host.fs.tmpfs=/tmp", NULL });
  char *text = render (m, cat, ENT_RENDER_TEXT);

  assert_contains (text, "namespaces: user=new mount=new pid=new net=new ipc=new uts=new cgroup=new\n");
  assert_contains (text, "uid/gid: same as the caller\n");
  assert_contains (text, "capabilities: none\n");
  assert_contains (text, "no_new_privs: yes\n");
  assert_contains (text, "seccomp: default-deny (fails with EPERM; syscalls newer than Linux "
                         ENT_POLICY_KERNEL " with ENOSYS)");
  assert_contains (text, "\n  socket families (socket, socketpair): AF_UNIX AF_INET AF_INET6 "
                         "AF_NETLINK (NETLINK_ROUTE NETLINK_SOCK_DIAG) only; any other family "
                         "fails with EAFNOSUPPORT, any other netlink protocol with "
                         "EPROTONOSUPPORT, i386 socketcall (family unreadable) with "
                         "EAFNOSUPPORT\n");
  /* The words replace the rules they describe. */
  ck_assert_ptr_null (strstr (text, "\n  socket allow"));
  ck_assert_ptr_null (strstr (text, "\n  socket errno"));
  ck_assert_ptr_null (strstr (text, "\n  socketpair "));
  ck_assert_ptr_null (strstr (text, "\n  socketcall "));
  assert_contains (text, "  clone3 errno ENOSYS\n");
  assert_contains (text, "  ioctl errno EPERM a1&0xffffffff==0x5412\n");
  assert_contains (text, "  ioctl errno EPERM a1&0xffffffff==0x541c\n");
  assert_contains (text, "  tmpfs   /tmp\n");
  assert_contains (text, "network: proxy via http://10.0.0.1:3128\n");
  assert_contains (text, "env set HTTPS_PROXY=http://127.0.0.1:3128\n");
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_admin_caps)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager_with (cat, (const char *const[]){ "security.admin", NULL });
  char *text = render (m, cat, ENT_RENDER_TEXT);

  assert_contains (text, "uid/gid: 0/0\n");
  assert_contains (text, "capabilities bounding: all\n");
  assert_contains (text, "capabilities inheritable: none\n");
  assert_contains (text, "capabilities ambient: none\n");
  assert_contains (text, "masked: none\n");
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_without_catalogue)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *with = render (m, cat, ENT_RENDER_TEXT);
  char *without = render (m, NULL, ENT_RENDER_TEXT);

  /* Descriptions come from the catalogue; without one, names only. */
  assert_contains (with, "private PID namespace");
  ck_assert_ptr_null (strstr (without, "private PID namespace"));
  assert_contains (without, "host.processes.none");
  free (with);
  free (without);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- resources and host APIs --------------------------------------------- */

static const char *const all_resources[] = {
  "resources.pids=100",  "resources.memory=1G",     "resources.cpu-time=60",
  "resources.files=256", "resources.file-size=10M", "resources.timeout=30",
  "api.access=docker:allow", "api.access=ssh-agent:deny", "debug.ptrace", NULL,
};

/* A manager over a host with every API present and @backend. */
static ent_manager_t *
host_manager (const ent_catalogue_t *cat, ent_res_backend_t backend, const char *const *requests)
{
  ent_manager_t *m = test_manager_over (cat, test_host_profile (backend, true));

  for (; requests && *requests; requests++)
    test_grant_ok (m, cat, *requests);
  return m;
}

START_TEST (json_resources_rlimit)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = host_manager (cat, ENT_RES_RLIMIT, all_resources);
  char *json = render (m, cat, ENT_RENDER_JSON);

  assert_contains (json, "\n  \"resources\": {\"backend\": \"rlimit\", \"pids\": 100, \"memory\": "
                         "1073741824, \"cpu-time\": 60, \"files\": 256, \"file-size\": 10485760, "
                         "\"timeout\": 30},\n");
  assert_contains (json, "\n  \"api\": {\"ssh-agent\": \"deny\", \"gpg-agent\": \"deny\", "
                         "\"dbus-session\": \"deny\", \"dbus-system\": \"deny\", \"docker\": "
                         "\"allow\", \"podman\": \"deny\", \"x11\": \"deny\", \"wayland\": \"deny\", "
                         "\"pipewire\": \"deny\"},\n");
  /* Memory is pid 1's watch, not an rlimit. */
  assert_contains (json, "\n  \"rlimits\": {\"RLIMIT_NPROC\": {\"soft\": 100, \"hard\": 100}, "
                         "\"RLIMIT_CPU\": {\"soft\": 60, \"hard\": 61}, \"RLIMIT_NOFILE\": "
                         "{\"soft\": 256, \"hard\": 256}, \"RLIMIT_FSIZE\": {\"soft\": 10485760, "
                         "\"hard\": 10485760}},\n");
  /* Denied APIs are hidden and unset, the allowed one is not. */
  assert_contains (json, "{\"kind\": \"hide\", \"path\": \"/tmp/ssh-XYZ/agent.42\", \"default\": true}");
  assert_contains (json, "{\"kind\": \"hide\", \"path\": \"/run/user/1000/bus\", \"default\": true}");
  ck_assert_ptr_null (strstr (json, "docker.sock"));
  assert_contains (json, "{\"op\": \"unset\", \"name\": \"SSH_AUTH_SOCK\"}");
  ck_assert_ptr_null (strstr (json, "DOCKER_HOST"));
  assert_contains (json, "{\"name\": \"api.access=docker:allow\", \"source\": \"command line\"}");
  assert_contains (json, "{\"name\": \"resources.memory=1G\", \"source\": \"command line\"}");
  assert_contains (json, "{\"syscall\": \"ptrace\", \"action\": \"allow\"}");
  assert_contains (json, "{\"syscall\": \"personality\", \"action\": \"allow\", \"args\": "
                         "[{\"index\": 0, \"op\": \"eq\", \"mask\": 0, \"value\": 262144}]}");
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (json_resources_cgroup)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = host_manager (cat, ENT_RES_CGROUP, all_resources);
  char *json = render (m, cat, ENT_RENDER_JSON);

  assert_contains (json, "\n  \"resources\": {\"backend\": \"cgroup\", \"pids\": 100, \"memory\": "
                         "1073741824, \"cpu-time\": 60, \"files\": 256, \"file-size\": 10485760, "
                         "\"timeout\": 30},\n");
  /* pids.max and memory.max do it: no RLIMIT_NPROC, no RLIMIT_AS. */
  assert_contains (json, "\n  \"rlimits\": {\"RLIMIT_CPU\": {\"soft\": 60, \"hard\": 61}, "
                         "\"RLIMIT_NOFILE\": {\"soft\": 256, \"hard\": 256}, \"RLIMIT_FSIZE\": "
                         "{\"soft\": 10485760, \"hard\": 10485760}},\n");
  ck_assert_msg (json_valid (json), "invalid JSON:\n%s", json);
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Only what is set is shown; the backend always is. */
START_TEST (json_resources_partial)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = host_manager (cat, ENT_RES_CGROUP,
                                   (const char *const[]){ "resources.timeout=5", NULL });
  char *json = render (m, cat, ENT_RENDER_JSON);

  assert_contains (json, "\n  \"resources\": {\"backend\": \"cgroup\", \"pids\": 4096, \"timeout\": 5},\n");
  assert_contains (json, "\n  \"rlimits\": {},\n");
  assert_contains (json, "\n  \"api\": {\"ssh-agent\": \"deny\", \"gpg-agent\": \"deny\", "
                         "\"dbus-session\": \"deny\", \"dbus-system\": \"deny\", \"docker\": "
                         "\"deny\", \"podman\": \"deny\", \"x11\": \"deny\", \"wayland\": \"deny\", "
                         "\"pipewire\": \"deny\"},\n");
  ck_assert (json_valid (json));
  free (json);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_resources_rlimit)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = host_manager (cat, ENT_RES_RLIMIT, all_resources);
  char *text = render (m, cat, ENT_RENDER_TEXT);

  assert_contains (text, "\nresources: pids=100, memory=1073741824, cpu-time=60, files=256, "
                         "file-size=10485760, timeout=30 (pids and memory through RLIMIT_NPROC "
                         "and pid 1's watch: no delegated cgroup)\n");
  assert_contains (text, "\nhost APIs allowed: docker (all others hidden)\n");
  assert_contains (text, "\nrlimit RLIMIT_NPROC: soft 100 hard 100\n");
  ck_assert_ptr_null (strstr (text, "RLIMIT_AS"));
  assert_contains (text, "\nrlimit RLIMIT_FSIZE: soft 10485760 hard 10485760\n");
  assert_contains (text, "\n  hide    /run/user/1000/bus (default)\n");
  assert_contains (text, "\nenv unset SSH_AUTH_SOCK\n");
  ck_assert_ptr_null (strstr (text, "env unset DOCKER_HOST"));
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_resources_cgroup)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = host_manager (
      cat, ENT_RES_CGROUP,
      (const char *const[]){ "resources.memory=512M", "resources.pids=64", "api.access=x11:allow",
                             "api.access=wayland:allow", NULL });
  char *text = render (m, cat, ENT_RENDER_TEXT);

  assert_contains (text, "\nresources: pids=64, memory=536870912 (pids and memory through a "
                         "delegated cgroup)\n");
  assert_contains (text, "\nhost APIs allowed: x11 wayland (all others hidden)\n");
  ck_assert_ptr_null (strstr (text, "rlimit RLIMIT_"));
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (text_resources_default)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *text = render (m, cat, ENT_RENDER_TEXT);

  /* Only the default process limit. */
  assert_contains (text, "resources: pids=4096 (");
  ck_assert_ptr_null (strstr (text, "memory="));
  assert_contains (text, "\nhost APIs allowed: none (their sockets are hidden)\n");
  free (text);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Socket rules that are no plain allowlist (a custom profile's, the old
 * denylist here) are listed as rules, not described in words. */
START_TEST (text_socket_rules_not_an_allowlist)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_profile_t *p = ent_profile_copy (ent_manager_profile (m));
  ent_seccomp_rule_t r = { .syscall = (char *)"socket", .action = ENT_SECCOMP_ALLOW, .n_args = 1 };
  char *text = NULL, *json = NULL;

  ent_profile_forget_syscall (p, "socket");
  r.args[0] = (ent_arg_cond_t){ .index = 0, .op = ENT_ARG_LT, .value = 40 };
  OK (ent_profile_add_rule (p, &r, NULL));
  OK (ent_render_profile (p, ENT_RENDER_TEXT, &text, NULL));
  OK (ent_render_profile (p, ENT_RENDER_JSON, &json, NULL));
  ck_assert_ptr_null (strstr (text, "socket families"));
  assert_contains (text, "\n  socket allow a0 lt 0x28\n");
  assert_contains (text, "\n  socketpair errno EAFNOSUPPORT a0 gt 0x10\n");
  assert_contains (json, "\"socket_families\": null,\n");
  ck_assert (json_valid (json));
  free (text);
  free (json);
  ent_profile_free (p);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- seccomp key --------------------------------------------------------- */

static char *
seccomp_key (const ent_profile_t *p)
{
  char *key = NULL;

  OK (ent_render_seccomp_key (p, &key, NULL));
  ck_assert_ptr_nonnull (key);
  return key;
}

START_TEST (seccomp_key_content)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  char *key = seccomp_key (ent_manager_profile (m));

  ck_assert_msg (strncmp (key, "enabled 1 default EPERM unknown ENOSYS\n", 39) == 0, "%.40s",
                 key);
  assert_contains (key, "\nsocketcall errno EAFNOSUPPORT\n");
  assert_contains (key, "\nsocket errno EAFNOSUPPORT a0 gt 0x10\n");
  assert_contains (key, "\nclone3 errno ENOSYS\n");
  assert_contains (key, "\nclone allow a0&0x7e020080==0x0\n");
  assert_contains (key, "\nread allow\n");
  assert_contains (key, "\npersonality allow a0 eq 0x8\n");
  /* One line per rule. */
  size_t lines = 0;
  for (const char *c = key; *c; c++)
    lines += *c == '\n';
  ck_assert_int_eq (lines, ent_manager_profile (m)->seccomp.n_rules + 1);
  free (key);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (seccomp_key_distinguishes)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *confined = test_manager (cat);
  ent_manager_t *admin
      = test_manager_with (cat, (const char *const[]){ "security.admin", NULL });
  ent_manager_t *net
      = test_manager_with (cat, (const char *const[]){ "network.user", "host.fs.rw=/x", NULL });
  char *kc = seccomp_key (ent_manager_profile (confined));
  char *ka = seccomp_key (ent_manager_profile (admin));
  char *kn = seccomp_key (ent_manager_profile (net));

  ck_assert_str_ne (kc, ka);
  /* Grants that do not touch seccomp need the same filter. */
  ck_assert_str_eq (kc, kn);
  free (kc);
  free (ka);
  free (kn);
  ent_manager_free (confined);
  ent_manager_free (admin);
  ent_manager_free (net);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (seccomp_key_equal_profiles)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *a = test_manager_with (
      cat, (const char *const[]){ "security.view", "security.memory-lock", "host.processes.admin",
                                  NULL });
  ent_manager_t *b = test_manager_with (
      cat, (const char *const[]){ "host.processes.admin", "security.memory-lock", "security.view",
                                  NULL });
  char *ka = seccomp_key (ent_manager_profile (a));
  char *kb = seccomp_key (ent_manager_profile (b));

  ck_assert (ent_profile_equal (ent_manager_profile (a), ent_manager_profile (b)));
  ck_assert_str_eq (ka, kb);
  free (ka);
  free (kb);
  ent_manager_free (a);
  ent_manager_free (b);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (seccomp_key_blank)
{
  ent_profile_t *p = ent_profile_new ();
  char *key = seccomp_key (p);

  ck_assert_str_eq (key, "enabled 0 default EPERM\n");
  free (key);
  ent_profile_free (p);
}
END_TEST

Suite *
render_suite (void)
{
  Suite *s = suite_create ("render");
  TCase *tc = tcase_create ("render");

  tcase_add_loop_test (tc, validator_accepts, 0, TEST_N (json_good));
  tcase_add_loop_test (tc, validator_rejects, 0, TEST_N (json_bad));
  tcase_add_test (tc, json_default_content);
  tcase_add_test (tc, json_admin_content);
  tcase_add_loop_test (tc, json_is_valid, 0, TEST_N (json_profiles));
  tcase_add_test (tc, json_blank_profile_valid);
  tcase_add_test (tc, json_escaping);
  tcase_add_test (tc, json_escaping_grant_names);
  tcase_add_test (tc, json_invalid_utf8);
  tcase_add_test (tc, render_stable);
  tcase_add_test (tc, json_layout_blank);
  tcase_add_test (tc, json_layout_full);
  tcase_add_test (tc, json_layout_grants);
  tcase_add_test (tc, text_grants_and_sources);
  tcase_add_test (tc, text_profile_content);
  tcase_add_test (tc, text_socket_rules_not_an_allowlist);
  tcase_add_test (tc, text_admin_caps);
  tcase_add_test (tc, text_without_catalogue);
  tcase_add_test (tc, json_resources_rlimit);
  tcase_add_test (tc, json_resources_cgroup);
  tcase_add_test (tc, json_resources_partial);
  tcase_add_test (tc, text_resources_rlimit);
  tcase_add_test (tc, text_resources_cgroup);
  tcase_add_test (tc, text_resources_default);
  tcase_add_test (tc, text_escaping);
  tcase_add_test (tc, seccomp_key_content);
  tcase_add_test (tc, seccomp_key_distinguishes);
  tcase_add_test (tc, seccomp_key_equal_profiles);
  tcase_add_test (tc, seccomp_key_blank);
  suite_add_tcase (s, tc);
  return s;
}
