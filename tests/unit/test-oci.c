/* OCI configs: load, write back, a platform's flow, errors named by JSON
 * path.  The fixture is what `runc spec --rootless` (runc 1.1.5) writes. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ent-json.h"
#include "test-suites.h"
#include "test-util.h"

#define OK(expr) ck_assert_int_eq ((expr), 0)

static char *
fixture_path (void)
{
  const char *srcdir = getenv ("srcdir");
  char *path = NULL;

  ck_assert_int_ge (
      asprintf (&path, "%s/tests/data/runc-spec-rootless.json", srcdir ? srcdir : "."), 0);
  return path;
}

static json_t *
fixture_json (void)
{
  char *path = fixture_path ();
  json_error_t jerr;
  json_t *j = json_load_file (path, 0, &jerr);

  ck_assert_msg (j != NULL, "%s: %s", path, jerr.text);
  free (path);
  return j;
}

static ent_profile_t *
fixture_profile (void)
{
  char *path = fixture_path ();
  ent_profile_t *p = NULL;
  ent_error_t *err = NULL;

  ck_assert_msg (ent_oci_load_file (path, &p, &err) == 0, "%s", ent_error_message (err));
  free (path);
  return p;
}

static json_t *
written (const ent_profile_t *p, const ent_oci_options_t *opt)
{
  char *out = NULL;
  ent_error_t *err = NULL;
  json_error_t jerr;
  json_t *j;

  size_t n;
  char *quoted;

  ck_assert_msg (ent_oci_write (p, opt, &out, &err) == 0, "%s", ent_error_message (err));
  /* Seccomp masks go past INT64_MAX: as the library reads them. */
  quoted = ent_json_quote_big (out, strlen (out), &n);
  j = json_loadb (quoted, n, JSON_ALLOW_NUL, &jerr);
  free (quoted);
  ck_assert_msg (j != NULL, "written config is not JSON: %s", jerr.text);
  free (out);
  return j;
}

/* Assert two JSON values are equal, printing both when not. */
static void
assert_json_equal (json_t *a, json_t *b)
{
  if (!json_equal (a, b))
    {
      char *x = json_dumps (a, JSON_INDENT (1) | JSON_SORT_KEYS);
      char *y = json_dumps (b, JSON_INDENT (1) | JSON_SORT_KEYS);
      ck_abort_msg ("JSON differs:\n%s\n---\n%s", x, y);
    }
}

/* ---- loading ---------------------------------------------------------------- */

START_TEST (runc_spec_fields)
{
  ent_profile_t *p = fixture_profile ();
  uint64_t three = ENT_CAP_BIT (ent_cap_from_name ("CAP_AUDIT_WRITE"))
                   | ENT_CAP_BIT (ent_cap_from_name ("CAP_KILL"))
                   | ENT_CAP_BIT (ent_cap_from_name ("CAP_NET_BIND_SERVICE"));

  ck_assert (!p->caps_unset);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_BOUNDING], three);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_AMBIENT], three);
  ck_assert_uint_eq (p->caps[ENT_CAPSET_INHERITABLE], 0);
  ck_assert (p->no_new_privs);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NOFILE].soft, 1024);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NOFILE].hard, 1024);
  ck_assert_int_eq (p->rlimits[ENT_RLIMIT_NPROC].soft, ENT_RLIM_UNSET);
  ck_assert_str_eq (p->hostname, "runc");
  ck_assert_str_eq (p->cwd, "/");
  ck_assert (p->ns.create[ENT_NS_USER] && p->ns.create[ENT_NS_PID] && p->ns.create[ENT_NS_MOUNT]
             && p->ns.create[ENT_NS_IPC] && p->ns.create[ENT_NS_UTS]);
  ck_assert (!p->ns.create[ENT_NS_NET] && !p->ns.create[ENT_NS_CGROUP]);
  ck_assert_int_eq (p->net.mode, ENT_NET_HOST);
  ck_assert (p->fs.read_only);
  ck_assert (ent_strlist_contains (p->fs.masked, "/proc/kcore"));
  ck_assert (ent_strlist_contains (p->fs.readonly, "/proc/sys"));
  ck_assert_uint_eq (p->fs.n_mounts, 7);
  for (size_t i = 0; i < p->fs.n_mounts; i++)
    ck_assert_int_eq (p->fs.mounts[i].kind, ENT_MOUNT_OTHER);
  ck_assert_ptr_nonnull (p->oci_base);
  ck_assert (!p->seccomp.enabled); /* runc spec writes no filter */
  ent_profile_free (p);
}
END_TEST

/* Loaded and written back untouched: the same JSON value. */
START_TEST (runc_spec_round_trip)
{
  ent_profile_t *p = fixture_profile ();
  json_t *orig = fixture_json (), *back = written (p, NULL);
  ent_profile_t *again = NULL;
  char *text = json_dumps (back, 0);

  assert_json_equal (back, orig);
  /* And loading what was written gives the same profile. */
  OK (ent_oci_load (text, strlen (text), &again, NULL));
  free (again->oci_base);
  again->oci_base = strdup (p->oci_base);
  ck_assert (ent_profile_equal (again, p));
  free (text);
  ent_profile_free (again);
  json_decref (orig);
  json_decref (back);
  ent_profile_free (p);
}
END_TEST

/* ---- a platform's flow -------------------------------------------------------- */

static int
add_sys_admin (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)data;
  return ent_profile_add_caps (p, err, "CAP_SYS_ADMIN", NULL);
}

/* The platform's config is the base; grants change exactly their fields. */
START_TEST (platform_flow)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  ent_manager_t *m = ent_manager_new (fixture_profile (), NULL, NULL);
  ent_entitlement_t *custom
      = ent_void_entitlement_new ("platform.custom.sys-admin", add_sys_admin, NULL, NULL);
  json_t *orig = fixture_json (), *out, *expect;
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (m);
  /* Nothing added: untouched. */
  out = written (ent_manager_profile (m), NULL);
  assert_json_equal (out, orig);
  json_decref (out);

  ck_assert_msg (ent_manager_add_request (m, cat, "network.none", "test", ENT_PRECEDENCE_CLI, &err)
                     == 0,
                 "%s", ent_error_message (err));
  OK (ent_manager_add_request (m, cat, "security.fs-read-only", "test", ENT_PRECEDENCE_CLI, NULL));
  OK (ent_manager_add (m, custom, NULL));
  out = written (ent_manager_profile (m), NULL);
  /* Expected: the original, with a network namespace and CAP_SYS_ADMIN
   * in all five sets (inheritable included, so that a non-root uid keeps
   * it); root.readonly was true already. */
  expect = json_deep_copy (orig);
  json_array_append_new (json_object_get (json_object_get (expect, "linux"), "namespaces"),
                         json_pack ("{s:s}", "type", "network"));
  {
    json_t *caps = json_object_get (json_object_get (expect, "process"), "capabilities");
    const char *sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
    for (size_t i = 0; i < 5; i++)
      {
        json_t *list = json_object_get (caps, sets[i]);
        if (list == NULL)
          json_object_set_new (caps, sets[i], list = json_array ());
        /* By name, as runc spec writes them. */
        json_array_clear (list);
        if (strcmp (sets[i], "inheritable") != 0)
          {
            json_array_append_new (list, json_string ("CAP_AUDIT_WRITE"));
            json_array_append_new (list, json_string ("CAP_KILL"));
            json_array_append_new (list, json_string ("CAP_NET_BIND_SERVICE"));
          }
        json_array_append_new (list, json_string ("CAP_SYS_ADMIN"));
      }
  }
  assert_json_equal (out, expect);
  json_decref (out);
  json_decref (expect);

  /* Removing a grant brings its field back as the platform wrote it. */
  ck_assert_int_eq (ent_manager_remove (m, "platform.custom.sys-admin", NULL), 1);
  ck_assert_int_eq (ent_manager_remove (m, "network.none", NULL), 1);
  out = written (ent_manager_profile (m), NULL);
  assert_json_equal (out, orig);
  json_decref (out);
  json_decref (orig);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A grant on a path the config already mounts is a conflict, said so. */
START_TEST (grant_conflicts_with_config_mount)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  ent_manager_t *m = ent_manager_new (fixture_profile (), NULL, NULL);
  ent_error_t *err = NULL;

  test_assert_error (
      ent_manager_add_request (m, cat, "host.fs.tmpfs=/dev/shm", "test", ENT_PRECEDENCE_CLI, &err),
      err, EEXIST, "/dev/shm");
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- a profile written from scratch ------------------------------------------- */

START_TEST (fresh_export)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *grants[]
      = { "host.fs.rw=/srv/data", "host.fs.ro=/opt/tools", "host.fs.hide=/srv/data/secret", NULL };
  ent_manager_t *m = test_manager_with (cat, grants);
  const char *const args[] = { "make", "test", NULL };
  ent_oci_options_t opt = { .args = args, .host_uid = 1000, .host_gid = 1000 };
  json_t *j = written (ent_manager_profile (m), &opt), *linux_, *process, *mounts, *e;
  bool have_data = false, have_tools = false, have_proc = false;
  size_t i;

  process = json_object_get (j, "process");
  linux_ = json_object_get (j, "linux");
  ck_assert_str_eq (json_string_value (json_array_get (json_object_get (process, "args"), 1)),
                    "test");
  ck_assert (json_is_true (json_object_get (process, "noNewPrivileges")));
  ck_assert_uint_eq (
      json_array_size (json_object_get (json_object_get (process, "capabilities"), "bounding")), 0);
  /* Rootless: the one host id is the namespace's root, as a runtime needs. */
  ck_assert_int_eq (json_integer_value (json_object_get (json_object_get (process, "user"), "uid")),
                    0);
  ck_assert_int_eq (json_integer_value (json_object_get (
                        json_array_get (json_object_get (linux_, "uidMappings"), 0), "hostID")),
                    1000);
  /* network.none: its own namespace. */
  {
    bool net = false;
    json_array_foreach (json_object_get (linux_, "namespaces"), i, e) net
        = net || strcmp (json_string_value (json_object_get (e, "type")), "network") == 0;
    ck_assert (net);
  }
  ck_assert (json_is_true (json_object_get (json_object_get (j, "root"), "readonly")));
  mounts = json_object_get (j, "mounts");
  json_array_foreach (mounts, i, e)
  {
    const char *dest = json_string_value (json_object_get (e, "destination"));
    json_t *opts = json_object_get (e, "options");
    if (strcmp (dest, "/srv/data") == 0)
      have_data = strcmp (json_string_value (json_array_get (opts, 1)), "rw") == 0;
    if (strcmp (dest, "/opt/tools") == 0)
      have_tools = strcmp (json_string_value (json_array_get (opts, 1)), "ro") == 0;
    have_proc = have_proc || strcmp (dest, "/proc") == 0;
  }
  ck_assert (have_data && have_tools && have_proc);
  {
    bool hidden = false;
    json_array_foreach (json_object_get (linux_, "maskedPaths"), i, e) hidden
        = hidden || strcmp (json_string_value (e), "/srv/data/secret") == 0;
    ck_assert (hidden);
  }
  ck_assert_str_eq (
      json_string_value (json_object_get (json_object_get (linux_, "seccomp"), "defaultAction")),
      "SCMP_ACT_ERRNO");
  json_decref (j);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* What only entrun's launcher does is refused, named, unless the caller
 * takes it on. */
START_TEST (launcher_features_refused)
{
  static const struct
  {
    const char *grant;
    const char *needle;
  } cases[] = {
    { "network.user", "network.user has no OCI form" },
    { "resources.timeout=5", "resources.timeout has no OCI form" },
    { "host.clipboard", "host.clipboard has no OCI form" },
  };
  ent_catalogue_t *cat = test_catalogue ();
  const char *const args[] = { "true", NULL };

  for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
    {
      const char *grants[] = { cases[i].grant, NULL };
      ent_manager_t *m = test_manager_with (cat, grants);
      ent_oci_options_t opt = { .args = args, .host_uid = -1, .host_gid = -1 };
      ent_error_t *err = NULL;
      char *out = NULL;

      test_assert_error (ent_oci_write (ent_manager_profile (m), &opt, &out, &err), err, ENOTSUP,
                         cases[i].needle);
      ck_assert_ptr_null (out);
      ent_error_clear (&err);
      opt.allow_features = ENT_FEATURE_NET_USER | ENT_FEATURE_TIMEOUT | ENT_FEATURE_CLIPBOARD;
      OK (ent_oci_write (ent_manager_profile (m), &opt, &out, NULL));
      free (out);
      ent_manager_free (m);
    }
  ent_catalogue_free (cat);
}
END_TEST

/* Findings of the attack review. */

/* A read-only bind is read-only all the way down ("rro"): runc makes only
 * the top mount of an rbind "ro", and a user's tmpfs or cgroup below it
 * stayed writable. */
START_TEST (ro_binds_recursive)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *grants[] = { "host.fs.ro=/opt/tools", NULL };
  ent_manager_t *m = test_manager_with (cat, grants);
  const char *const args[] = { "true", NULL };
  ent_oci_options_t opt = { .args = args, .host_uid = -1, .host_gid = -1 };
  json_t *j = written (ent_manager_profile (m), &opt), *e;
  int seen = 0;
  size_t i, k;

  json_array_foreach (json_object_get (j, "mounts"), i, e)
  {
    const char *dest = json_string_value (json_object_get (e, "destination"));
    json_t *o;
    bool rro = false;
    if (strcmp (dest, "/opt/tools") != 0 && strcmp (dest, "/sys") != 0)
      continue;
    json_array_foreach (json_object_get (e, "options"), k, o) rro
        = rro || strcmp (json_string_value (o), "rro") == 0;
    ck_assert_msg (rro, "%s: no rro", dest);
    seen++;
  }
  ck_assert_int_eq (seen, 2);
  json_decref (j);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A namespace the config joins by path is not private: a grant that wants
 * it private gets a fresh one (the path dropped); untouched, the path
 * stays. */
START_TEST (joined_namespace_made_private)
{
  static const char cfg[]
      = "{\"process\": {\"args\": [\"true\"]}, \"linux\": {\"namespaces\": "
        "[{\"type\": \"network\", \"path\": \"/proc/1/ns/net\"}, "
        "{\"type\": \"pid\", \"path\": \"/proc/1/ns/pid\"}, {\"type\": \"mount\"}]}}";
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  ent_profile_t *p = NULL;
  ent_manager_t *m;
  json_t *j, *ns;

  OK (ent_oci_load (cfg, strlen (cfg), &p, NULL));
  ck_assert (!p->ns.create[ENT_NS_NET] && !p->ns.create[ENT_NS_PID]);
  m = ent_manager_new (p, NULL, NULL);
  j = written (ent_manager_profile (m), NULL);
  ns = json_object_get (json_object_get (j, "linux"), "namespaces");
  ck_assert_str_eq (json_string_value (json_object_get (json_array_get (ns, 0), "path")),
                    "/proc/1/ns/net");
  json_decref (j);
  OK (ent_manager_add_request (m, cat, "network.none", "t", ENT_PRECEDENCE_CLI, NULL));
  OK (ent_manager_add_request (m, cat, "host.processes.none", "t", ENT_PRECEDENCE_CLI, NULL));
  j = written (ent_manager_profile (m), NULL);
  ns = json_object_get (json_object_get (j, "linux"), "namespaces");
  for (size_t i = 0; i < json_array_size (ns); i++)
    ck_assert_msg (json_object_get (json_array_get (ns, i), "path") == NULL,
                   "namespace %s still joined by path",
                   json_string_value (json_object_get (json_array_get (ns, i), "type")));
  ck_assert_uint_ge (json_array_size (ns), 3);
  json_decref (j);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- bad input ---------------------------------------------------------------- */

static const struct
{
  const char *json;
  int code;
  const char *needle;
} bad_configs[] = {
  { "{\"ociVersion\": \"1.0.2\"", EINVAL, "not valid JSON" },
  { "[1, 2]", EINVAL, "is a JSON object" },
  { "{\"hostname\": \"\xff\"}", EINVAL, "not valid JSON" },
  { "{\"a\": 1, \"a\": 2}", EINVAL, "not valid JSON" },
  { "{\"process\": []}", EINVAL, "process: not an object" },
  { "{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\", 3]}}}", EINVAL,
    "process.capabilities.bounding[1]: not a string" },
  { "{\"process\": {\"capabilities\": {\"effective\": [\"CAP_FOO\"]}}}", EINVAL,
    "process.capabilities.effective[0]: unknown capability \"CAP_FOO\"" },
  { "{\"process\": {\"noNewPrivileges\": \"yes\"}}", EINVAL,
    "process.noNewPrivileges: not a boolean" },
  { "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1}]}}", EINVAL,
    "process.rlimits[0].soft: missing" },
  { "{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1, \"soft\": -1}]}}",
    EINVAL, "process.rlimits[0].soft: -1 is out of range" },
  { "{\"process\": {\"user\": {\"uid\": 4294967296}}}", EINVAL, "process.user.uid" },
  { "{\"process\": {\"cwd\": \"work\"}}", EINVAL, "process.cwd: \"work\" is not absolute" },
  { "{\"mounts\": [{\"type\": \"tmpfs\"}]}", EINVAL, "mounts[0].destination: missing" },
  { "{\"mounts\": [{\"destination\": \"/a\"}, {\"destination\": \"x\"}]}", EINVAL,
    "mounts[1]: mount: path 'x' is not absolute" },
  { "{\"mounts\": [{\"destination\": \"/a\", \"options\": [\"size=1,exec\"]}]}", EINVAL,
    "mounts[0]: mount=/a: bad mount option #1" },
  { "{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"pid\"}]}}", EINVAL,
    "linux.namespaces[1].type: \"pid\" twice" },
  { "{\"linux\": {\"namespaces\": [{}]}}", EINVAL, "linux.namespaces[0].type: missing" },
  { "{\"linux\": {\"maskedPaths\": [\"proc/kcore\"]}}", EINVAL,
    "linux.maskedPaths[0]: \"proc/kcore\" is not absolute" },
  { "{\"linux\": {\"resources\": {\"pids\": {\"limit\": \"many\"}}}}", EINVAL,
    "linux.resources.pids.limit: not an integer" },
  { "{\"linux\": {\"namespaces\": [{\"type\": \"network\", \"path\": 5}]}}", EINVAL,
    "linux.namespaces[0].path: not a string" },
  /* Docker's keys mean nothing to an OCI runtime: a rule "for
   * CAP_SYS_ADMIN only" would apply always under runc. */
  { "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
    "[\"keyctl\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "
    "[\"CAP_SYS_ADMIN\"]}}]}}}",
    EINVAL, "linux.seccomp.syscalls[0].includes: not a key of an OCI seccomp filter" },
  { "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": []}}}", EINVAL,
    "linux.seccomp.archMap: not a key of an OCI seccomp filter" },
};

START_TEST (bad_config_named)
{
  ent_profile_t *p = (ent_profile_t *)(uintptr_t)1;
  ent_error_t *err = NULL;

  test_assert_error (ent_oci_load (bad_configs[_i].json, strlen (bad_configs[_i].json), &p, &err),
                     err, bad_configs[_i].code, bad_configs[_i].needle);
  ck_assert_ptr_null (p);
  ent_error_free (err);
}
END_TEST

START_TEST (huge_and_deep_refused)
{
  size_t n = (16u << 20) + 1;
  char *big = malloc (n);
  ent_profile_t *p = NULL;
  ent_error_t *err = NULL;

  memset (big, ' ', n);
  big[0] = '{';
  test_assert_error (ent_oci_load (big, n, &p, &err), err, E2BIG, NULL);
  ent_error_clear (&err);
  /* Nested far deeper than any config: an error, not a stack overflow. */
  n = 1 << 20;
  memset (big, '[', n);
  test_assert_error (ent_oci_load (big, n, &p, &err), err, EINVAL, "not valid JSON");
  ent_error_clear (&err);
  test_assert_error (ent_oci_load (NULL, 0, &p, &err), err, EINVAL, NULL);
  ent_error_clear (&err);
  test_assert_error (ent_oci_load_file ("/nonexistent/config.json", &p, &err), err, ENOENT,
                     "/nonexistent/config.json");
  ent_error_clear (&err);
  test_assert_error (ent_oci_load_file ("/", &p, &err), err, EINVAL, "not a regular file");
  ent_error_clear (&err);
  free (big);
}
END_TEST

Suite *
oci_suite (void)
{
  Suite *s = suite_create ("oci");
  TCase *tc = tcase_create ("oci");

  tcase_set_timeout (tc, 30);
  tcase_add_test (tc, runc_spec_fields);
  tcase_add_test (tc, runc_spec_round_trip);
  tcase_add_test (tc, platform_flow);
  tcase_add_test (tc, grant_conflicts_with_config_mount);
  tcase_add_test (tc, fresh_export);
  tcase_add_test (tc, launcher_features_refused);
  tcase_add_test (tc, ro_binds_recursive);
  tcase_add_test (tc, joined_namespace_made_private);
  tcase_add_loop_test (tc, bad_config_named, 0, sizeof (bad_configs) / sizeof (bad_configs[0]));
  tcase_add_test (tc, huge_and_deep_refused);
  suite_add_tcase (s, tc);
  return s;
}
