/* The manager: default levels, atomic adds, conflicts and precedence,
 * repeats, canonical order and order independence (DESIGN invariant 5). */
#include <limits.h>

#include "test-suites.h"
#include "test-util.h"

static int
set_hostname_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) err;
  return ent_profile_set_string (&p->hostname, data);
}

static int
add_sys_admin_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) data;
  return ent_profile_add_caps (p, err, "CAP_SYS_ADMIN", NULL);
}

/* Edits the profile, then fails. */
static int
edit_then_fail (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) data;
  ent_profile_grant_cap (p, 21);
  p->net.mode = ENT_NET_HOST;
  if (ent_profile_set_string (&p->hostname, "half-done") < 0)
    return -ENOMEM;
  return ent_error_set (err, EACCES, "refused on purpose");
}

static ent_entitlement_t *
custom_void (const char *name, ent_void_fn fn, void *data)
{
  ent_entitlement_t *e = ent_void_entitlement_new (name, fn, data, NULL);

  ck_assert_ptr_nonnull (e);
  return e;
}

/* Is @full_name among @m's active grants?  Returns its index or -1. */
static int
find_grant (const ent_manager_t *m, const char *full_name)
{
  for (size_t i = 0; i < ent_manager_count (m); i++)
    if (strcmp (ent_entitlement_full_name (ent_manager_get (m, i)), full_name) == 0)
      return (int) i;
  return -1;
}

static char *
render_json (const ent_manager_t *m, const ent_catalogue_t *cat)
{
  char *out = NULL;

  ck_assert_int_eq (ent_render (m, cat, ENT_RENDER_JSON, &out, NULL), 0);
  ck_assert_ptr_nonnull (out);
  return out;
}

/* ---- defaults ------------------------------------------------------------ */

START_TEST (defaults_applied)
{
  static const char *const expected[] = {
    /* canonical order: security levels first, then the other levels by name */
    "security.confined", "host.devices.none", "host.processes.none", "network.none",
  };
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  ck_assert_int_eq (ent_manager_count (m), TEST_N (expected));
  for (size_t i = 0; i < TEST_N (expected); i++)
    {
      const ent_entitlement_t *e = ent_manager_get (m, i);
      ck_assert_str_eq (ent_entitlement_full_name (e), expected[i]);
      ck_assert_str_eq (ent_entitlement_source (e), "default");
      ck_assert_int_eq (ent_entitlement_precedence (e), ENT_PRECEDENCE_DEFAULT);
    }
  ck_assert_ptr_null (ent_manager_get (m, TEST_N (expected)));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (default_replaced_by_grant)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  test_grant_ok (m, cat, "network.user");
  ck_assert_int_eq (ent_manager_count (m), 4);
  ck_assert_int_eq (find_grant (m, "network.none"), -1);
  ck_assert_int_ge (find_grant (m, "network.user"), 0);
  ck_assert_str_eq (ent_entitlement_source (ent_manager_get (m, find_grant (m, "network.user"))),
                    TEST_SOURCE);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_USER);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (no_catalogue_no_defaults)
{
  ent_profile_t *base = test_base_profile ();
  ent_profile_t *expected = ent_profile_copy (base);
  ent_manager_t *m = ent_manager_new (base, NULL, NULL);

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_manager_count (m), 0);
  test_assert_profile_equal (ent_manager_profile (m), expected);
  ent_manager_free (m);
  ent_profile_free (expected);
}
END_TEST

START_TEST (null_base_is_new_profile)
{
  ent_profile_t *expected = ent_profile_new ();
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);

  ck_assert_ptr_nonnull (m);
  test_assert_profile_equal (ent_manager_profile (m), expected);
  ent_manager_free (m);
  ent_profile_free (expected);
}
END_TEST

START_TEST (base_is_kept)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_profile_t *base = test_base_profile ();
  ent_manager_t *m;

  ck_assert_int_eq (ent_profile_set_string (&base->hostname, "box"), 0);
  m = ent_manager_new (base, cat, NULL);
  ck_assert_ptr_nonnull (m);
  test_grant_ok (m, cat, "network.user");
  ck_assert_str_eq (ent_manager_profile (m)->hostname, "box");
  ck_assert_str_eq (ent_manager_profile (m)->cwd, TEST_CWD);
  ck_assert_str_eq (ent_manager_profile (m)->home, TEST_HOME);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- custom entitlements and atomicity ----------------------------------- */

START_TEST (custom_added_last)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p;

  ck_assert_int_eq (
      ent_manager_add (m, custom_void ("security.custom.cap-sys-admin", add_sys_admin_cb, NULL),
                       NULL),
      0);
  ck_assert_int_eq (ent_manager_count (m), 5);
  ck_assert_str_eq (ent_entitlement_full_name (ent_manager_get (m, 4)),
                    "security.custom.cap-sys-admin");
  ck_assert_str_eq (ent_entitlement_source (ent_manager_get (m, 4)), "api");
  p = ent_manager_profile (m);
  /* Applied after security.confined cleared every set. */
  for (int s = 0; s < ENT_CAPSET_COUNT; s++)
    ck_assert_uint_eq (p->caps[s], ENT_CAP_BIT (21));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (failing_custom_is_atomic)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  ent_profile_t *before;
  size_t count;

  test_grant_ok (m, cat, "host.fs.ro=/usr");
  before = ent_profile_copy (ent_manager_profile (m));
  count = ent_manager_count (m);
  test_assert_error (ent_manager_add (m, custom_void ("acme.broken", edit_then_fail, NULL), &err),
                     err, EACCES, "acme.broken");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ck_assert_int_eq (ent_manager_count (m), count);
  ck_assert_int_eq (find_grant (m, "acme.broken"), -1);
  /* The manager still works afterwards. */
  test_grant_ok (m, cat, "network.user");
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_USER);
  ck_assert_ptr_null (ent_manager_profile (m)->hostname);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (failing_request_is_atomic)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));

  /* network.publish needs network.user: refused under the default none. */
  test_assert_error (test_grant (m, cat, "network.publish=8080:80", &err), err, EINVAL,
                     "needs network.user");
  test_assert_profile_equal (ent_manager_profile (m), before);
  ck_assert_int_eq (ent_manager_count (m), 4);
  ck_assert_int_eq (find_grant (m, "network.publish=8080:80"), -1);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (unknown_request_refused)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  test_assert_error (test_grant (m, cat, "network.bogus", &err), err, ENOENT, "'network.bogus'");
  ck_assert_int_eq (ent_manager_count (m), 4);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (add_null_refused)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (m);
  test_assert_error (ent_manager_add (m, NULL, &err), err, EINVAL, NULL);
  ent_error_free (err);
  ent_manager_free (m);
}
END_TEST

/* ---- conflicts and precedence -------------------------------------------- */

static void
check_conflict (const char *first, const char *second)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  ent_profile_t *before;
  char *q1 = NULL, *q2 = NULL;

  test_grant_ok (m, cat, first);
  before = ent_profile_copy (ent_manager_profile (m));
  test_assert_error (test_grant (m, cat, second, &err), err, EEXIST, "conflicting network levels");
  ck_assert_int_ge (asprintf (&q1, "'%s'", first), 0);
  ck_assert_int_ge (asprintf (&q2, "'%s'", second), 0);
  ck_assert_msg (strstr (err->msg, q1) && strstr (err->msg, q2), "%s", err->msg);
  test_assert_profile_equal (ent_manager_profile (m), before);
  ck_assert_int_ge (find_grant (m, first), 0);
  ck_assert_int_eq (find_grant (m, second), -1);
  free (q1);
  free (q2);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}

START_TEST (conflict_same_precedence)
{
  check_conflict ("network.none", "network.host");
}
END_TEST

START_TEST (conflict_same_precedence_reversed)
{
  check_conflict ("network.host", "network.none");
}
END_TEST

START_TEST (conflict_proxy_values)
{
  /* Two values of one string level are two levels of its group. */
  check_conflict ("network.proxy=http://a:1", "network.proxy=http://b:2");
}
END_TEST

START_TEST (conflict_names_sources)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  ck_assert_int_eq (ent_manager_add_request (m, cat, "security.view", "dev.ini:3",
                                             ENT_PRECEDENCE_PROFILE, NULL),
                    0);
  test_assert_error (ent_manager_add_request (m, cat, "security.admin", "dev.ini:4",
                                              ENT_PRECEDENCE_PROFILE, &err),
                     err, EEXIST, "(dev.ini:3)");
  ck_assert_ptr_nonnull (strstr (err->msg, "(dev.ini:4)"));
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (cli_overrides_profile)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  int i;

  ck_assert_int_eq (ent_manager_add_request (m, cat, "network.none", "dev.ini:2",
                                             ENT_PRECEDENCE_PROFILE, NULL),
                    0);
  test_grant_ok (m, cat, "network.host");
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_HOST);
  ck_assert (!ent_manager_profile (m)->ns.create[ENT_NS_NET]);
  ck_assert_int_eq (find_grant (m, "network.none"), -1);
  i = find_grant (m, "network.host");
  ck_assert_int_ge (i, 0);
  ck_assert_str_eq (ent_entitlement_source (ent_manager_get (m, i)), TEST_SOURCE);
  ck_assert_int_eq (ent_manager_count (m), 4);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (cli_overrides_profile_given_later)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  test_grant_ok (m, cat, "network.host");
  /* A profile's level arriving after the command line's loses, and the
   * add says so (1), and which grant it lost to. */
  ck_assert_int_eq (
      ent_manager_add_request (m, cat, "network.none", "dev.ini:2", ENT_PRECEDENCE_PROFILE, &err),
      1);
  ck_assert_ptr_null (err);
  ck_assert_str_eq (ent_entitlement_full_name (ent_manager_shadowed_by (m, "network.none")),
                    "network.host");
  ck_assert (!ent_manager_has (m, "network.none"));
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_HOST);
  ck_assert_int_eq (find_grant (m, "network.none"), -1);
  ck_assert_int_ge (find_grant (m, "network.host"), 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (higher_precedence_same_name_takes_source)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  int i;

  ck_assert_int_eq (ent_manager_add_request (m, cat, "network.user", "dev.ini:1",
                                             ENT_PRECEDENCE_PROFILE, NULL),
                    0);
  test_grant_ok (m, cat, "network.user");
  ck_assert_int_eq (ent_manager_count (m), 4);
  i = find_grant (m, "network.user");
  ck_assert_str_eq (ent_entitlement_source (ent_manager_get (m, i)), TEST_SOURCE);
  ck_assert_int_eq (ent_entitlement_precedence (ent_manager_get (m, i)), ENT_PRECEDENCE_CLI);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

static int
noop_int (ent_profile_t *p, int64_t v, void *data, ent_error_t **err)
{
  (void) p, (void) v, (void) data, (void) err;
  return 0;
}

START_TEST (non_repeatable_values_conflict)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_manager_add (m, ent_int_entitlement_new ("acme.n=1", noop_int, NULL, NULL),
                                     NULL),
                    0);
  test_assert_error (
      ent_manager_add (m, ent_int_entitlement_new ("acme.n=2", noop_int, NULL, NULL), &err), err,
      EEXIST, "only one value allowed");
  ck_assert_int_eq (ent_manager_count (m), 1);
  ck_assert_str_eq (ent_entitlement_full_name (ent_manager_get (m, 0)), "acme.n=1");
  ent_error_free (err);
  ent_manager_free (m);
}
END_TEST

START_TEST (non_repeatable_value_overridden)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_entitlement_t *low = ent_int_entitlement_new ("acme.n=1", noop_int, NULL, NULL);
  ent_entitlement_t *high = ent_int_entitlement_new ("acme.n=2", noop_int, NULL, NULL);

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_entitlement_set_source (low, "p.ini:1", ENT_PRECEDENCE_PROFILE), 0);
  ck_assert_int_eq (ent_entitlement_set_source (high, "cli", ENT_PRECEDENCE_CLI), 0);
  ck_assert_int_eq (ent_manager_add (m, low, NULL), 0);
  ck_assert_int_eq (ent_manager_add (m, high, NULL), 0);
  ck_assert_int_eq (ent_manager_count (m), 1);
  ck_assert_int_eq (ent_entitlement_int_value (ent_manager_get (m, 0)), 2);
  ent_manager_free (m);
}
END_TEST

START_TEST (custom_group_conflict)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_entitlement_t *a = custom_void ("acme.level.low", set_hostname_cb, (void *) "low");
  ent_entitlement_t *b = custom_void ("acme.level.high", set_hostname_cb, (void *) "high");
  ent_error_t *err = NULL;

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_entitlement_set_group (a, "acme.level"), 0);
  ck_assert_int_eq (ent_entitlement_set_group (b, "acme.level"), 0);
  ck_assert_int_eq (ent_manager_add (m, a, NULL), 0);
  test_assert_error (ent_manager_add (m, b, &err), err, EEXIST, "conflicting acme.level levels");
  ck_assert_str_eq (ent_manager_profile (m)->hostname, "low");
  ent_error_free (err);
  ent_manager_free (m);
}
END_TEST

/* ---- repeats -------------------------------------------------------------- */

START_TEST (repeatable_values_all_kept)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p;

  test_grant_ok (m, cat, "host.fs.rw=/var/tmp");
  test_grant_ok (m, cat, "host.fs.rw=/srv");
  p = ent_manager_profile (m);
  ck_assert_int_eq (p->fs.n_mounts, 2);
  ck_assert_str_eq (p->fs.mounts[0].path, "/srv");
  ck_assert_int_eq (p->fs.mounts[0].kind, ENT_MOUNT_BIND_RW);
  ck_assert_str_eq (p->fs.mounts[1].path, "/var/tmp");
  ck_assert_int_eq (p->fs.mounts[1].kind, ENT_MOUNT_BIND_RW);
  ck_assert_int_eq (ent_manager_count (m), 6);
  ck_assert_int_ge (find_grant (m, "host.fs.rw=/var/tmp"), 0);
  ck_assert_int_ge (find_grant (m, "host.fs.rw=/srv"), 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (same_full_name_idempotent)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_profile_t *once;

  test_grant_ok (m, cat, "host.fs.rw=/srv");
  test_grant_ok (m, cat, "network.user");
  once = ent_profile_copy (ent_manager_profile (m));
  test_grant_ok (m, cat, "host.fs.rw=/srv");
  test_grant_ok (m, cat, "network.user");
  test_assert_profile_equal (ent_manager_profile (m), once);
  ck_assert_int_eq (ent_manager_count (m), 5);
  ck_assert_int_eq (ent_manager_profile (m)->fs.n_mounts, 1);
  ent_profile_free (once);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (same_custom_twice_idempotent)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.cap", add_sys_admin_cb, NULL), NULL), 0);
  /* The same again: nothing lost (0), and the first stays the one in force. */
  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.cap", add_sys_admin_cb, NULL), NULL), 0);
  ck_assert_int_eq (ent_manager_count (m), 1);
  ent_manager_free (m);
}
END_TEST

/* ---- canonical order and order independence ------------------------------ */

START_TEST (canonical_listing_order)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  static const char *const expected[] = {
    "security.view",        /* ENT_ORDER_LEVEL, security first */
    "host.devices.none",    /* other levels, by name */
    "host.processes.none",
    "network.user",
    "network.host-loopback", /* flags */
    "security.memory-lock",
    "host.fs.ro=/usr",      /* lists */
    "network.publish=80:8080",
    "acme.z",               /* custom, last */
  };

  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.z", add_sys_admin_cb, NULL), NULL), 0);
  test_grant_ok (m, cat, "network.user");
  test_grant_ok (m, cat, "network.publish=80:8080");
  test_grant_ok (m, cat, "host.fs.ro=/usr");
  test_grant_ok (m, cat, "security.memory-lock");
  test_grant_ok (m, cat, "network.host-loopback");
  test_grant_ok (m, cat, "security.view");
  ck_assert_int_eq (ent_manager_count (m), TEST_N (expected));
  for (size_t i = 0; i < TEST_N (expected); i++)
    ck_assert_str_eq (ent_entitlement_full_name (ent_manager_get (m, i)), expected[i]);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Next permutation of @a in lexicographic order; false after the last. */
static bool
next_permutation (size_t *a, size_t n)
{
  size_t i = n - 1, j = n - 1, t;

  while (i > 0 && a[i - 1] >= a[i])
    i--;
  if (i == 0)
    return false;
  while (a[j] <= a[i - 1])
    j--;
  t = a[i - 1];
  a[i - 1] = a[j];
  a[j] = t;
  for (j = n - 1; i < j; i++, j--)
    {
      t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  return true;
}

#define SET_SIZE 4

static const struct
{
  const char *grants[SET_SIZE];
  /* Some grants depend on others (network.publish needs network.user): the
   * manager refuses them until the level they need is granted, because
   * every add is validated on its own.  A caller holding the whole set must
   * then retry them; see grant_all. */
  bool dependent;
} perm_sets[] = {
  { { "network.admin", "security.view", "host.fs.ro=/usr", "security.memory-lock" }, false },
  { { "security.admin", "host.processes.admin", "host.fs.tmpfs=/tmp", "security.fs-read-only" },
    false },
  { { "network.user", "network.publish=8080:80", "network.publish=5353:53/udp",
      "network.host-loopback" },
    true },
  { { "network.proxy=http://10.0.0.1:3128", "host.fs.hide=~/.ssh", "host.fs.rw=src/../out",
      "host.devices.view" },
    false },
};

/* Grant @set in the order @perm.  Without @dependent every grant must be
 * accepted at once; with it, refused grants are retried while that makes
 * progress, and all must be accepted in the end. */
static ent_manager_t *
grant_all (const ent_catalogue_t *cat, const char *const *set, const size_t *perm, bool dependent)
{
  ent_manager_t *m = test_manager (cat);
  bool done[SET_SIZE] = { false };
  size_t left = SET_SIZE;
  bool progress = true;

  while (left > 0 && progress)
    {
      progress = false;
      for (size_t i = 0; i < SET_SIZE; i++)
        {
          ent_error_t *err = NULL;
          const char *req = set[perm[i]];

          if (done[perm[i]])
            continue;
          if (test_grant (m, cat, req, &err) == 0)
            {
              done[perm[i]] = true;
              left--;
              progress = true;
            }
          else
            ck_assert_msg (dependent, "granting '%s': %s", req, ent_error_message (err));
          ent_error_free (err);
        }
    }
  ck_assert_msg (left == 0, "%zu grants never accepted", left);
  return m;
}

START_TEST (order_independent)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *const *set = perm_sets[_i].grants;
  size_t perm[SET_SIZE] = { 0, 1, 2, 3 };
  ent_manager_t *first = NULL;
  char *first_json = NULL;
  size_t count = 0;

  do
    {
      ent_manager_t *m = grant_all (cat, set, perm, perm_sets[_i].dependent);
      char *json = render_json (m, cat);

      count++;
      if (first == NULL)
        {
          first = m;
          first_json = json;
          continue;
        }
      test_assert_profile_equal (ent_manager_profile (m), ent_manager_profile (first));
      ck_assert_msg (strcmp (json, first_json) == 0, "JSON differs for permutation %zu %zu %zu %zu",
                     perm[0], perm[1], perm[2], perm[3]);
      free (json);
      ent_manager_free (m);
    }
  while (next_permutation (perm, SET_SIZE));
  ck_assert_int_eq (count, 24);
  /* Every grant of the set is active. */
  for (size_t i = 0; i < SET_SIZE; i++)
    ck_assert_int_ge (find_grant (first, set[i]), 0);
  free (first_json);
  ent_manager_free (first);
  ent_catalogue_free (cat);
}
END_TEST

/* ent_manager_add_all: every permutation is accepted in one call, even
 * where grants depend on each other, and gives the same profile. */
START_TEST (batch_order_independent)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *const *set = perm_sets[_i].grants;
  size_t perm[SET_SIZE] = { 0, 1, 2, 3 };
  char *first_json = NULL;
  size_t count = 0;

  do
    {
      ent_manager_t *m = test_manager (cat);
      ent_entitlement_t *ents[SET_SIZE];
      ent_error_t *err = NULL;
      char *json;

      for (size_t i = 0; i < SET_SIZE; i++)
        {
          ents[i] = ent_catalogue_instantiate (cat, set[perm[i]], &err);
          ck_assert_msg (ents[i] != NULL, "%s", ent_error_message (err));
        }
      ck_assert_msg (ent_manager_add_all (m, ents, SET_SIZE, &err) == 0, "add_all: %s",
                     ent_error_message (err));
      json = render_json (m, cat);
      if (first_json == NULL)
        first_json = json;
      else
        {
          ck_assert_str_eq (json, first_json);
          free (json);
        }
      for (size_t i = 0; i < SET_SIZE; i++)
        ck_assert_int_ge (find_grant (m, set[i]), 0);
      ent_manager_free (m);
      count++;
    }
  while (next_permutation (perm, SET_SIZE));
  ck_assert_int_eq (count, 24);
  free (first_json);
  ent_catalogue_free (cat);
}
END_TEST

/* A failing member makes the whole batch fail and leaves the profile as
 * it was. */
START_TEST (batch_is_atomic)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
  size_t count = ent_manager_count (m);
  ent_error_t *err = NULL;
  ent_entitlement_t *ents[2] = { ent_catalogue_instantiate (cat, "security.admin", NULL),
                                 ent_catalogue_instantiate (cat, "network.publish=80:80", NULL) };

  ck_assert_int_lt (ent_manager_add_all (m, ents, 2, &err), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "network.publish"));
  ck_assert (ent_profile_equal (ent_manager_profile (m), before));
  ck_assert_uint_eq (ent_manager_count (m), count);
  ent_error_free (err);
  ent_profile_free (before);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* ent_manager_new_granted resolves once what new + add_all resolve twice:
 * the same profile and listing for every set, and on a refused set no
 * manager (everything it was given is freed: the sanitizer build checks). */
START_TEST (new_granted_same_as_add_all)
{
  ent_catalogue_t *cat = test_catalogue ();
  const char *const *set = perm_sets[_i].grants;
  ent_entitlement_t *a[SET_SIZE], *b[SET_SIZE];
  ent_manager_t *added = test_manager (cat), *granted;
  ent_error_t *err = NULL;
  char *json_added, *json_granted;

  for (size_t i = 0; i < SET_SIZE; i++)
    {
      a[i] = ent_catalogue_instantiate (cat, set[i], &err);
      b[i] = ent_catalogue_instantiate (cat, set[SET_SIZE - 1 - i], &err);
      ck_assert_msg (a[i] && b[i], "%s", ent_error_message (err));
    }
  ck_assert_msg (ent_manager_add_all (added, a, SET_SIZE, &err) == 0, "add_all: %s",
                 ent_error_message (err));
  granted = ent_manager_new_granted (test_base_profile (), cat, b, SET_SIZE, &err);
  ck_assert_msg (granted != NULL, "new_granted: %s", ent_error_message (err));
  test_assert_profile_equal (ent_manager_profile (granted), ent_manager_profile (added));
  ck_assert_uint_eq (ent_manager_count (granted), ent_manager_count (added));
  json_added = render_json (added, cat);
  json_granted = render_json (granted, cat);
  ck_assert_str_eq (json_granted, json_added);
  free (json_added);
  free (json_granted);
  ent_manager_free (added);
  ent_manager_free (granted);
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (new_granted_refused)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_profile_t *base = test_base_profile ();
  ent_error_t *err = NULL;
  ent_entitlement_t *ents[2] = { ent_catalogue_instantiate (cat, "security.admin", NULL),
                                 ent_catalogue_instantiate (cat, "network.publish=80:80", NULL) };

  ck_assert_ptr_nonnull (base);
  ck_assert_ptr_null (ent_manager_new_granted (base, cat, ents, 2, &err));
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "network.publish"));
  ent_error_free (err);
  err = NULL;
  /* No grants at all: the defaults alone, as ent_manager_new gives. */
  ent_manager_t *m = ent_manager_new_granted (test_base_profile (), cat, NULL, 0, &err);
  ent_manager_t *plain = test_manager (cat);
  ck_assert_ptr_nonnull (m);
  test_assert_profile_equal (ent_manager_profile (m), ent_manager_profile (plain));
  ent_manager_free (m);
  ent_manager_free (plain);
  ent_catalogue_free (cat);
}
END_TEST

/* Requests with a source and a precedence, for the batch tests below. */
typedef struct sourced
{
  const char *request, *source;
  int precedence;
} sourced_t;

/* ent_manager_add_all of @set[@perm[i]] on a fresh manager. */
static int
add_sourced (ent_manager_t *m, const ent_catalogue_t *cat, const sourced_t *set, const size_t *perm,
             size_t n, ent_error_t **err)
{
  ent_entitlement_t *ents[8];

  ck_assert_uint_le (n, TEST_N (ents));
  for (size_t i = 0; i < n; i++)
    {
      ents[i] = ent_catalogue_instantiate (cat, set[perm[i]].request, NULL);
      ck_assert_ptr_nonnull (ents[i]);
      ck_assert_int_eq (
          ent_entitlement_set_source (ents[i], set[perm[i]].source, set[perm[i]].precedence), 0);
    }
  return ent_manager_add_all (m, ents, n, err);
}

/* Two levels of one group from one profile conflict even when the command
 * line overrides the group: in every order, not only when the override
 * comes last. */
START_TEST (batch_conflict_under_override)
{
  static const sourced_t set[] = {
    { "network.user", "dev.ini:2", ENT_PRECEDENCE_PROFILE },
    { "network.host", "dev.ini:3", ENT_PRECEDENCE_PROFILE },
    { "network.none", TEST_SOURCE, ENT_PRECEDENCE_CLI },
  };
  ent_catalogue_t *cat = test_catalogue ();
  size_t perm[3] = { 0, 1, 2 };

  do
    {
      ent_manager_t *m = test_manager (cat);
      ent_profile_t *before = ent_profile_copy (ent_manager_profile (m));
      ent_error_t *err = NULL;

      test_assert_error (add_sourced (m, cat, set, perm, 3, &err), err, EEXIST,
                         "conflicting network levels");
      test_assert_profile_equal (ent_manager_profile (m), before);
      ent_error_free (err);
      ent_profile_free (before);
      ent_manager_free (m);
    }
  while (next_permutation (perm, 3));
  ent_catalogue_free (cat);
}
END_TEST

/* The same grant from two sources of one precedence: the source shown is
 * the same whatever their order (the first in byte order). */
START_TEST (batch_duplicate_source_stable)
{
  static const sourced_t set[] = {
    { "host.fs.rw=/srv", "b.ini:1", ENT_PRECEDENCE_PROFILE },
    { "host.fs.rw=/srv", "a.ini:7", ENT_PRECEDENCE_PROFILE },
  };
  static const size_t orders[][2] = { { 0, 1 }, { 1, 0 } };
  ent_catalogue_t *cat = test_catalogue ();

  for (size_t o = 0; o < TEST_N (orders); o++)
    {
      ent_manager_t *m = test_manager (cat);
      int i;

      /* One of the two is in force; b.ini's is kept, not in force (1). */
      ck_assert_int_eq (add_sourced (m, cat, set, orders[o], 2, NULL), 1);
      ck_assert_int_eq (ent_manager_grant_count (m), 2);
      i = find_grant (m, "host.fs.rw=/srv");
      ck_assert_int_ge (i, 0);
      ck_assert_str_eq (ent_entitlement_source (ent_manager_get (m, i)), "a.ini:7");
      ck_assert_int_eq (ent_manager_profile (m)->fs.n_mounts, 1);
      ent_manager_free (m);
    }
  ent_catalogue_free (cat);
}
END_TEST

START_TEST (custom_order_independent)
{
  ent_manager_t *ab = ent_manager_new (NULL, NULL, NULL);
  ent_manager_t *ba = ent_manager_new (NULL, NULL, NULL);

  ck_assert_ptr_nonnull (ab);
  ck_assert_ptr_nonnull (ba);
  /* Both set the hostname: the canonical order (by full name) decides,
   * not the order of the calls. */
  ck_assert_int_eq (ent_manager_add (ab, custom_void ("acme.a", set_hostname_cb, (void *) "a"), NULL),
                    0);
  ck_assert_int_eq (ent_manager_add (ab, custom_void ("acme.b", set_hostname_cb, (void *) "b"), NULL),
                    0);
  ck_assert_int_eq (ent_manager_add (ba, custom_void ("acme.b", set_hostname_cb, (void *) "b"), NULL),
                    0);
  ck_assert_int_eq (ent_manager_add (ba, custom_void ("acme.a", set_hostname_cb, (void *) "a"), NULL),
                    0);
  ck_assert_str_eq (ent_manager_profile (ab)->hostname, "b");
  test_assert_profile_equal (ent_manager_profile (ba), ent_manager_profile (ab));
  ent_manager_free (ab);
  ent_manager_free (ba);
}
END_TEST

/* ---- the API a platform uses (issue 18): lifetimes, has/remove, no
 * spoofing, the callback contract, errors.  Each test here failed on the
 * manager before: a use after free (valgrind, ASan), a double free, a
 * spoofed built-in, a stale error, O(n^2) callback runs. -------------------- */

static unsigned long counted_runs;

static int
count_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)p;
  (void)data;
  (void)err;
  counted_runs++;
  return 0;
}

static int
noop_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)p;
  (void)data;
  (void)err;
  return 0;
}

static int
noop_string_cb (ent_profile_t *p, const char *value, void *data, ent_error_t **err)
{
  (void)value;
  return noop_cb (p, data, err);
}

/* Breaks the contract: says success (1, or 0) with an error set. */
static int
positive_with_error_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)p;
  ent_error_set (err, EACCES, "half a failure");
  return (int)(intptr_t)data;
}

/* The profile a caller holds outlives the adds and removes that replace
 * it: the manager keeps what it gave out. */
START_TEST (profile_outlives_changes)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *before = ent_manager_profile (m);

  test_grant_ok (m, cat, "network.host");
  test_grant_ok (m, cat, "host.fs.ro=/usr");
  ck_assert_int_eq (ent_manager_remove (m, "host.fs.ro", NULL), 1);
  /* Read after two replacements: freed memory under valgrind/ASan before. */
  ck_assert_int_eq (before->net.mode, ENT_NET_NONE);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_HOST);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A default level from ent_manager_get() outlives the grant that
 * replaces it; so does a grant that is revoked. */
START_TEST (entitlements_outlive_changes)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_entitlement_t *none = ent_manager_get (m, (size_t)find_grant (m, "network.none"));
  const ent_entitlement_t *ro;

  test_grant_ok (m, cat, "network.user");
  ck_assert_str_eq (ent_entitlement_full_name (none), "network.none");
  ck_assert_str_eq (ent_entitlement_source (none), "default");
  test_grant_ok (m, cat, "host.fs.ro=/usr");
  ro = ent_manager_get (m, (size_t)find_grant (m, "host.fs.ro=/usr"));
  ck_assert_int_eq (ent_manager_remove (m, "host.fs.ro=/usr", NULL), 1);
  ck_assert_str_eq (ent_entitlement_value (ro), "/usr");
  ck_assert_int_eq (find_grant (m, "host.fs.ro=/usr"), -1);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* One entitlement in two managers: each holds a reference, nothing is
 * freed twice, and neither can change it under the other. */
START_TEST (entitlement_in_two_managers)
{
  ent_manager_t *a = ent_manager_new (NULL, NULL, NULL);
  ent_manager_t *b = ent_manager_new (NULL, NULL, NULL);
  ent_entitlement_t *e = custom_void ("acme.shared", set_hostname_cb, (void *)"shared");

  ck_assert (!ent_entitlement_frozen (e));
  ck_assert_int_eq (ent_manager_add (a, e, NULL), 0);
  ck_assert (ent_entitlement_frozen (e));
  ck_assert_int_eq (ent_manager_add (b, e, NULL), 0);
  ck_assert_int_eq (ent_entitlement_set_source (e, "elsewhere", ENT_PRECEDENCE_CLI), -EBUSY);
  ck_assert_int_eq (ent_entitlement_set_order (e, ENT_ORDER_LEVEL), -EBUSY);
  ck_assert_int_eq (ent_entitlement_set_repeatable (e, true), -EBUSY);
  ck_assert_int_eq (ent_entitlement_set_group (e, "acme"), -EBUSY);
  ck_assert_str_eq (ent_entitlement_source (e), "api");
  ent_manager_free (a);
  ck_assert_str_eq (ent_manager_profile (b)->hostname, "shared");
  ck_assert_str_eq (ent_entitlement_full_name (ent_manager_get (b, 0)), "acme.shared");
  ent_manager_free (b);
}
END_TEST

/* A caller that keeps a reference keeps the entitlement past the managers;
 * a refused add drops only the manager's reference. */
START_TEST (reference_kept_by_caller)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_entitlement_t *e = custom_void ("acme.kept", set_hostname_cb, (void *)"kept");
  ent_entitlement_t *bad = custom_void ("acme.bad", edit_then_fail, NULL);
  ent_error_t *err = NULL;

  ent_entitlement_ref (e);
  ent_entitlement_ref (bad);
  ck_assert_int_eq (ent_manager_add (m, e, NULL), 0);
  test_assert_error (ent_manager_add (m, bad, &err), err, EACCES, "refused on purpose");
  ent_error_clear (&err);
  ent_manager_free (m);
  ck_assert_str_eq (ent_entitlement_full_name (e), "acme.kept");
  ck_assert_str_eq (ent_entitlement_full_name (bad), "acme.bad");
  ent_entitlement_free (e);
  ent_entitlement_free (bad);
}
END_TEST

START_TEST (has_and_remove)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  ck_assert (ent_manager_has (m, "network.none")); /* a default level is in force */
  ck_assert (!ent_manager_has (m, "host.fs.rw"));
  test_grant_ok (m, cat, "host.fs.rw=/tmp/");
  test_grant_ok (m, cat, "host.fs.rw=/srv");
  /* One path, one grant, however spelled. */
  test_grant_ok (m, cat, "host.fs.rw=//tmp/./");
  ck_assert_int_ge (find_grant (m, "host.fs.rw=/tmp"), 0);
  ck_assert_int_eq (find_grant (m, "host.fs.rw=/tmp/"), -1);
  ck_assert (ent_manager_has (m, "host.fs.rw=/tmp"));
  ck_assert (ent_manager_has (m, "host.fs.rw=/tmp//"));
  ck_assert (ent_manager_has (m, "host.fs.rw"));
  ck_assert (!ent_manager_has (m, "host.fs.rw=/tm"));
  /* Revoking by full name: both spellings of /tmp were one path. */
  ck_assert_int_eq (ent_manager_remove (m, "host.fs.rw=/tmp/", &err), 2);
  ck_assert_ptr_null (err);
  ck_assert (!ent_manager_has (m, "host.fs.rw=/tmp"));
  ck_assert (ent_manager_has (m, "host.fs.rw=/srv"));
  test_assert_error (ent_manager_remove (m, "host.fs.rw=/tmp", &err), err, ENOENT, "not granted");
  ent_error_clear (&err);
  test_assert_error (ent_manager_remove (m, "network.none", &err), err, ENOENT,
                     "is a default level, not a grant");
  ent_error_clear (&err);
  /* By bare name: every value. */
  test_grant_ok (m, cat, "host.fs.rw=/opt");
  ck_assert_int_eq (ent_manager_remove (m, "host.fs.rw", NULL), 2);
  ck_assert (!ent_manager_has (m, "host.fs.rw"));
  ck_assert_int_eq (ent_manager_grant_count (m), 0);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Revoking a level brings back what it overrode: a profile's level, or
 * the group's default. */
START_TEST (remove_restores)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_entitlement_t *e;

  ck_assert_int_eq (
      ent_manager_add_request (m, cat, "network.user", "dev.ini:1", ENT_PRECEDENCE_PROFILE, NULL),
      0);
  test_grant_ok (m, cat, "network.host");
  e = ent_manager_shadowed_by (m, "network.user");
  ck_assert_ptr_nonnull (e);
  ck_assert_str_eq (ent_entitlement_full_name (e), "network.host");
  ck_assert_ptr_null (ent_manager_shadowed_by (m, "network.host"));  /* in force */
  ck_assert_ptr_null (ent_manager_shadowed_by (m, "network.admin")); /* never granted */
  ck_assert_int_eq (ent_manager_remove (m, "network.host", NULL), 1);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_USER);
  ck_assert_str_eq (
      ent_entitlement_source (ent_manager_get (m, (size_t)find_grant (m, "network.user"))),
      "dev.ini:1");
  ck_assert_int_eq (ent_manager_remove (m, "network.user", NULL), 1);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_NONE);
  ck_assert_str_eq (
      ent_entitlement_source (ent_manager_get (m, (size_t)find_grant (m, "network.none"))),
      "default");
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A removal that leaves a grant without what it needs changes nothing. */
START_TEST (remove_is_atomic)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  char *before, *after;

  test_grant_ok (m, cat, "network.user");
  test_grant_ok (m, cat, "network.publish=8080:80");
  before = render_json (m, cat);
  test_assert_error (ent_manager_remove (m, "network.user", &err), err, EINVAL, "network.publish");
  ent_error_clear (&err);
  after = render_json (m, cat);
  ck_assert_str_eq (after, before);
  ck_assert (ent_manager_has (m, "network.user"));
  ck_assert_int_eq (ent_manager_grant_count (m), 2);
  free (before);
  free (after);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A conflict with a grant that a higher one overrides is found, one add
 * at a time as in one batch (it was missed when the add came last). */
START_TEST (conflict_with_overridden_grant)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  ck_assert_int_eq (
      ent_manager_add_request (m, cat, "network.user", "a.ini:1", ENT_PRECEDENCE_PROFILE, NULL), 0);
  test_grant_ok (m, cat, "network.host");
  test_assert_error (
      ent_manager_add_request (m, cat, "network.none", "b.ini:1", ENT_PRECEDENCE_PROFILE, &err),
      err, EEXIST, "conflicting network levels");
  ent_error_clear (&err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A built-in name means what the catalogue says: a custom "network.host"
 * with a no-op callback was listed as granted while the network stayed
 * none; a custom resources.threads overrode RLIMIT_NPROC. */
static const char *const spoofed[] = {
  "network.host",       "resources.threads",       "security.admin",
  "host.fs.rw=/",       "api.access=docker:allow", "debug.ptrace",
  "host.devices.admin", "host.processes.admin",
};

START_TEST (builtin_names_not_spoofed)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;
  ent_entitlement_t *e = strchr (spoofed[_i], '=')
                             ? ent_string_entitlement_new (spoofed[_i], noop_string_cb, NULL, NULL)
                             : ent_void_entitlement_new (spoofed[_i], noop_cb, NULL, NULL);
  char *before = render_json (m, cat), *after;

  ck_assert_ptr_nonnull (e);
  test_assert_error (ent_manager_add (m, e, &err), err, EPERM, "is reserved for built-ins");
  ck_assert_msg (strstr (ent_error_message (err), spoofed[_i]), "%s", ent_error_message (err));
  ent_error_clear (&err);
  after = render_json (m, cat);
  ck_assert_str_eq (after, before);
  /* The catalogue's own is accepted. */
  test_grant_ok (m, cat, spoofed[_i][0] == 'r' ? "resources.pids=10" : spoofed[_i]);
  free (before);
  free (after);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Go's convention: a platform's own under security.custom (not reserved). */
START_TEST (custom_subdomain_allowed)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);

  ck_assert_int_eq (
      ent_manager_add (m, custom_void ("security.custom.cap-sys-admin", add_sys_admin_cb, NULL),
                       NULL),
      0);
  ck_assert (ent_manager_has (m, "security.custom.cap-sys-admin"));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* 1,000 single adds of customs cost 1,000 callback runs, not 500,500,
 * and give the profile one add_all gives. */
START_TEST (adds_cost_one_run_each)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *one = test_manager (cat), *all = test_manager (cat);
  ent_entitlement_t *batch[1000];
  char name[64];

  counted_runs = 0;
  for (int i = 0; i < 1000; i++)
    {
      snprintf (name, sizeof name, "acme.custom.e%04d", i);
      ck_assert_int_eq (ent_manager_add (one, custom_void (name, count_cb, NULL), NULL), 0);
    }
  ck_assert_uint_eq (counted_runs, 1000);
  for (int i = 0; i < 1000; i++)
    {
      snprintf (name, sizeof name, "acme.custom.e%04d", 999 - i);
      batch[i] = custom_void (name, count_cb, NULL);
    }
  ck_assert_int_eq (ent_manager_add_all (all, batch, 1000, NULL), 0);
  ck_assert_uint_eq (counted_runs, 2000);
  test_assert_profile_equal (ent_manager_profile (one), ent_manager_profile (all));
  /* One that sorts first runs everything after it again, and no more. */
  ck_assert_int_eq (ent_manager_add (one, custom_void ("acme.custom.a", count_cb, NULL), NULL), 0);
  ck_assert_uint_eq (counted_runs, 3001);
  ent_manager_free (one);
  ent_manager_free (all);
  ent_catalogue_free (cat);
}
END_TEST

/* A manager made by new_granted (which keeps no profile to continue
 * from) takes later adds and removes as any other, and then continues
 * from its profile again. */
START_TEST (new_granted_then_changes)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_entitlement_t *ents[1] = { ent_catalogue_instantiate (cat, "network.user", NULL) };
  ent_manager_t *m = ent_manager_new_granted (test_base_profile (), cat, ents, 1, NULL);
  ent_manager_t *all = test_manager (cat);
  char *a, *b;

  ck_assert_ptr_nonnull (m);
  ck_assert_int_eq (ent_manager_remove (m, "network.user", NULL), 1);
  ck_assert_int_eq (ent_manager_add_request (m, cat, "network.user", TEST_SOURCE,
                                             ENT_PRECEDENCE_CLI, NULL),
                    0);
  counted_runs = 0;
  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.custom.a", count_cb, NULL), NULL), 0);
  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.custom.b", count_cb, NULL), NULL), 0);
  ck_assert_uint_eq (counted_runs, 2);
  test_grant_ok (all, cat, "network.user");
  ck_assert_int_eq (ent_manager_add (all, custom_void ("acme.custom.b", count_cb, NULL), NULL), 0);
  ck_assert_int_eq (ent_manager_add (all, custom_void ("acme.custom.a", count_cb, NULL), NULL), 0);
  a = render_json (m, cat);
  b = render_json (all, cat);
  if (strcmp (a, b) != 0)
    fprintf (stderr, "%s\n----\n%s\n", a, b);
  ck_assert_msg (strcmp (a, b) == 0, "the two managers render differently");
  free (a);
  free (b);
  ent_manager_free (m);
  ent_manager_free (all);
  ent_catalogue_free (cat);
}
END_TEST

/* NULL where an object belongs: an error, never a crash. */
START_TEST (null_arguments_refused)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL;

  test_assert_error (ent_manager_add_request (m, NULL, "network.none", "x", 0, &err), err, EINVAL,
                     "no catalogue");
  ent_error_clear (&err);
  test_assert_error (ent_manager_add_request (m, cat, NULL, "x", 0, &err), err, EINVAL,
                     "no request");
  ent_error_clear (&err);
  test_assert_error (ent_manager_add_request (NULL, cat, "network.none", "x", 0, &err), err, EINVAL,
                     "no manager");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_catalogue_instantiate (NULL, "network.none", &err));
  test_assert_err (err, EINVAL, "no catalogue");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_catalogue_lookup (NULL, "network.none"));
  test_assert_error (ent_manager_remove (m, NULL, &err), err, EINVAL, NULL);
  ent_error_clear (&err);
  ck_assert (!ent_manager_has (m, NULL));
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A leftover error never stands for a new failure, and survives a call
 * that succeeds. */
START_TEST (stale_error_replaced)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_error_t *err = NULL, *old;

  ent_error_set (&err, EACCES, "an old error");
  old = err;
  test_grant_ok (m, cat, "network.user");
  ck_assert_int_eq (test_grant (m, cat, "host.fs.ro=/usr", &err), 0);
  ck_assert_ptr_eq (err, old);
  test_assert_error (test_grant (m, cat, "network.bogus", &err), err, ENOENT,
                     "unknown entitlement 'network.bogus'");
  ck_assert_ptr_null (strstr (ent_error_message (err), "old"));
  ent_error_clear (&err);
  ent_error_set (&err, EACCES, "an old error");
  ck_assert_ptr_null (ent_void_entitlement_new ("Bad.Name", noop_cb, NULL, &err));
  test_assert_err (err, EINVAL, "Bad.Name");
  ent_error_clear (&err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* A callback that returns 1, or 0, with an error set does not pass. */
START_TEST (callback_contract_enforced)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_error_t *err = NULL;

  test_assert_error (
      ent_manager_add (m, custom_void ("acme.one", positive_with_error_cb, (void *)(intptr_t)1),
                       &err),
      err, EINVAL, "its callback returned 1");
  ent_error_clear (&err);
  test_assert_error (
      ent_manager_add (m, custom_void ("acme.zero", positive_with_error_cb, (void *)(intptr_t)0),
                       &err),
      err, EINVAL, "returned 0 with an error set");
  ent_error_clear (&err);
  ck_assert_int_eq (ent_manager_grant_count (m), 0);
  ent_manager_free (m);
}
END_TEST

static int
fail_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)p;
  (void)data;
  return ent_error_set (err, EIO, "the default level cannot be applied");
}

/* A manager whose default level fails says why. */
START_TEST (new_says_why)
{
  ent_catalogue_t *cat = ent_catalogue_new ();
  ent_definition_t def = { .name = "acme.level.low",
                           .type = ENT_TYPE_VOID,
                           .group = "acme.level",
                           .is_default = true,
                           .order = ENT_ORDER_LEVEL,
                           .void_fn = fail_cb };
  ent_error_t *err = NULL;

  ck_assert_int_eq (ent_catalogue_register (cat, &def, NULL), 0);
  ck_assert_ptr_null (ent_manager_new (NULL, cat, &err));
  test_assert_err (err, EIO, "acme.level.low: the default level cannot be applied");
  ent_error_clear (&err);
  ent_catalogue_free (cat);
}
END_TEST

/* Values are printable UTF-8, as ent-name.h says. */
static const struct
{
  const char *request;
  bool ok;
} utf8_values[] = {
  { "host.fs.ro=/caf\xc3\xa9", true },
  { "host.fs.ro=/\xe2\x82\xac", true },
  { "host.fs.ro=/\xf0\x9f\x98\x80", true },
  { "host.fs.ro=/\xff\xfe", false },
  { "host.fs.ro=/l\xe9gacy", false },
  { "host.fs.ro=/\xc2\x85", false },     /* C1 NEL */
  { "host.fs.ro=/\xc0\xaf", false },     /* overlong '/' */
  { "host.fs.ro=/\xed\xa0\x80", false }, /* surrogate */
  { "host.fs.ro=/\xe2\x82", false },     /* truncated */
  { "host.fs.ro=/\x7f", false },
  { "host.fs.ro=/a\xe2\x80\xae"
    "txt.exe",
    false }, /* U+202E RIGHT-TO-LEFT OVERRIDE */
  { "host.fs.ro=/a\xe2\x81\xa6"
    "b",
    false }, /* U+2066 LEFT-TO-RIGHT ISOLATE */
  { "host.fs.ro=/a\xe2\x80\x8b"
    "b",
    false }, /* U+200B ZERO WIDTH SPACE */
  { "host.fs.ro=/a\xe2\x80\xa8"
    "b",
    false }, /* U+2028 LINE SEPARATOR */
  { "host.fs.ro=/a\xef\xbb\xbf"
    "b",
    false }, /* U+FEFF */
  { "host.fs.ro=/a\xe2\x80\x90"
    "b",
    true }, /* U+2010 HYPHEN, printable */
};

START_TEST (values_are_utf8)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_catalogue_instantiate (cat, utf8_values[_i].request, &err);

  if (utf8_values[_i].ok)
    ck_assert_msg (e != NULL, "%s", ent_error_message (err));
  else
    {
      ck_assert_ptr_null (e);
      test_assert_err (err, EINVAL, "in value");
    }
  ent_error_clear (&err);
  ent_entitlement_free (e);
  ent_catalogue_free (cat);
}
END_TEST

/* ---- what the attack review of the above found ---------------------------- */

struct reenter
{
  ent_manager_t *m;
  int add_ret, remove_ret;
};

/* Breaks the contract on purpose: changes its own manager. */
static int
reenter_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  struct reenter *r = data;
  ent_error_t *inner = NULL;

  (void)p;
  (void)err;
  r->add_ret = ent_manager_add (r->m, custom_void ("zz.inner", noop_cb, NULL), &inner);
  ent_error_clear (&inner);
  r->remove_ret = ent_manager_remove (r->m, "acme.victim", &inner);
  ent_error_clear (&inner);
  return 0;
}

/* A callback that adds to or removes from its own manager gets -EBUSY: it
 * had overflowed the grant list, or freed what the resolution used. */
START_TEST (callback_cannot_change_its_manager)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  struct reenter r = { .m = m };
  ent_entitlement_t *ents[2];

  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.victim", noop_cb, NULL), NULL), 0);
  ents[0] = custom_void ("acme.reenter", reenter_cb, &r);
  ents[1] = custom_void ("acme.second", noop_cb, NULL);
  ck_assert_int_eq (ent_manager_add_all (m, ents, 2, NULL), 0);
  ck_assert_int_eq (r.add_ret, -EBUSY);
  ck_assert_int_eq (r.remove_ret, -EBUSY);
  ck_assert (ent_manager_has (m, "acme.victim"));
  ck_assert (!ent_manager_has (m, "zz.inner"));
  ck_assert_int_eq (ent_manager_grant_count (m), 3);
  ent_manager_free (m);
}
END_TEST

/* Two grants of a batch that conflict with each other are refused also
 * when a grant in force overrides both (the batch was accepted, and the
 * overriding grant could not be removed after). */
START_TEST (batch_conflict_under_existing_override)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  ent_entitlement_t *ents[2];
  ent_error_t *err = NULL;

  test_grant_ok (m, cat, "network.none");
  ents[0] = ent_catalogue_instantiate (cat, "network.user", NULL);
  ents[1] = ent_catalogue_instantiate (cat, "network.host", NULL);
  ck_assert_int_eq (ent_entitlement_set_source (ents[0], "a.ini:1", ENT_PRECEDENCE_PROFILE), 0);
  ck_assert_int_eq (ent_entitlement_set_source (ents[1], "b.ini:1", ENT_PRECEDENCE_PROFILE), 0);
  test_assert_error (ent_manager_add_all (m, ents, 2, &err), err, EEXIST,
                     "conflicting network levels");
  ent_error_clear (&err);
  ck_assert_int_eq (ent_manager_remove (m, "network.none", NULL), 1);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Built-in meanings the first refusal left open: host.clipboard's domain,
 * a custom in a built-in group, a catalogue-made built-in retouched. */
START_TEST (builtin_meanings_not_faked)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_catalogue_t *own = ent_catalogue_new ();
  ent_manager_t *m = test_manager (cat);
  ent_entitlement_t *e;
  ent_error_t *err = NULL;
  ent_definition_t def = { .name = "acme.level.low",
                           .type = ENT_TYPE_VOID,
                           .group = "network",
                           .order = ENT_ORDER_LEVEL,
                           .void_fn = noop_cb };

  test_assert_error (ent_manager_add (m, custom_void ("host.clipboard", noop_cb, NULL), &err), err,
                     EPERM, "domain 'host' is reserved");
  ent_error_clear (&err);
  test_assert_error (ent_manager_add (m, custom_void ("network.none.x", noop_cb, NULL), &err), err,
                     EPERM, "domain 'network.none' is reserved");
  ent_error_clear (&err);
  e = custom_void ("acme.thing", noop_cb, NULL);
  ck_assert_int_eq (ent_entitlement_set_group (e, "security"), 0);
  test_assert_error (ent_manager_add (m, e, &err), err, EPERM, "group 'security' is reserved");
  ent_error_clear (&err);
  test_assert_error (ent_catalogue_register (own, &def, &err), err, EPERM,
                     "group 'network' is reserved");
  ent_error_clear (&err);
  e = ent_catalogue_instantiate (cat, "network.host", NULL);
  ck_assert_int_eq (ent_entitlement_set_group (e, "acme.other"), -EPERM);
  ck_assert_int_eq (ent_entitlement_set_order (e, 999), -EPERM);
  ck_assert_int_eq (ent_entitlement_set_repeatable (e, true), -EPERM);
  ck_assert_int_eq (ent_entitlement_set_source (e, "platform", ENT_PRECEDENCE_CLI), 0);
  ent_entitlement_free (e);
  /* A platform's own definition in the default catalogue is a custom:
   * its attributes may be set. */
  def.name = "acme.tool";
  def.group = NULL;
  ck_assert_int_eq (ent_catalogue_register (cat, &def, NULL), 0);
  e = ent_catalogue_instantiate (cat, "acme.tool", NULL);
  ck_assert_int_eq (ent_entitlement_set_order (e, ENT_ORDER_CUSTOM), 0);
  ent_entitlement_free (e);
  ck_assert_int_eq (ent_manager_profile (m)->net.mode, ENT_NET_NONE);
  ck_assert (ent_manager_has (m, "security.confined"));
  ent_manager_free (m);
  ent_catalogue_free (own);
  ent_catalogue_free (cat);
}
END_TEST

/* Two different entitlements by one name from one source: which one is in
 * force would depend on the order of the adds. */
START_TEST (same_name_different_callbacks_conflict)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_error_t *err = NULL;

  ck_assert_int_eq (
      ent_manager_add (m, custom_void ("acme.host", set_hostname_cb, (void *)"a"), NULL), 0);
  test_assert_error (
      ent_manager_add (m, custom_void ("acme.host", set_hostname_cb, (void *)"b"), &err), err,
      EEXIST, "two different entitlements named 'acme.host'");
  ent_error_clear (&err);
  ck_assert_str_eq (ent_manager_profile (m)->hostname, "a");
  ent_manager_free (m);
}
END_TEST

static int
int_min_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void)p;
  (void)data;
  (void)err;
  return INT_MIN;
}

/* A return that is no errno (INT_MIN, whose negation overflows) fails
 * cleanly (UBSan saw the negation before). */
START_TEST (callback_int_min)
{
  ent_manager_t *m = ent_manager_new (NULL, NULL, NULL);
  ent_error_t *err = NULL;

  test_assert_error (ent_manager_add (m, custom_void ("acme.min", int_min_cb, NULL), &err), err,
                     EINVAL, "its callback returned -2147483648");
  ent_error_clear (&err);
  ck_assert_int_eq (ent_manager_add (m, custom_void ("acme.min", int_min_cb, NULL), NULL), -EINVAL);
  ent_manager_free (m);
}
END_TEST

/* ent_manager_trim() lets a long-lived manager's old pointers go; the
 * current ones stay valid (valgrind: no invalid read, nothing lost). */
START_TEST (trim_releases_what_was_replaced)
{
  ent_catalogue_t *cat = test_catalogue ();
  ent_manager_t *m = test_manager (cat);
  const ent_profile_t *p;
  const ent_entitlement_t *net;

  for (int i = 0; i < 50; i++)
    {
      (void)ent_manager_profile (m);
      (void)ent_manager_get (m, 0);
      test_grant_ok (m, cat, "host.fs.ro=/usr");
      ck_assert_int_eq (ent_manager_remove (m, "host.fs.ro", NULL), 1);
    }
  test_grant_ok (m, cat, "network.user");
  p = ent_manager_profile (m);
  net = ent_manager_get (m, (size_t)find_grant (m, "network.user"));
  ent_manager_trim (m);
  ck_assert_int_eq (p->net.mode, ENT_NET_USER);
  ck_assert_str_eq (ent_entitlement_full_name (net), "network.user");
  ent_manager_trim (NULL);
  ent_manager_free (m);
  ent_catalogue_free (cat);
}
END_TEST

/* Error messages reach terminals: a C1 control in UTF-8 (CSI, OSC) and a
 * byte that is not UTF-8 are escaped as C0 ones are; valid UTF-8 stays. */
START_TEST (error_escapes_c1)
{
  ent_error_t *err = NULL;

  ent_error_set (&err, EINVAL,
                 "x\xc2\x9b"
                 "2J\xc2\x9d"
                 "0;pwned\xc2\x9c \xe9 caf\xc3\xa9 \x1b[1m");
  ck_assert_str_eq (ent_error_message (err),
                    "x\\xc2\\x9b2J\\xc2\\x9d0;pwned\\xc2\\x9c \\xe9 caf\xc3\xa9 \\x1b[1m");
  ent_error_free (err);
}
END_TEST

Suite *
manager_suite (void)
{
  Suite *s = suite_create ("manager");
  TCase *tc = tcase_create ("manager");

  tcase_add_test (tc, defaults_applied);
  tcase_add_test (tc, default_replaced_by_grant);
  tcase_add_test (tc, no_catalogue_no_defaults);
  tcase_add_test (tc, null_base_is_new_profile);
  tcase_add_test (tc, base_is_kept);
  tcase_add_test (tc, custom_added_last);
  tcase_add_test (tc, failing_custom_is_atomic);
  tcase_add_test (tc, failing_request_is_atomic);
  tcase_add_test (tc, unknown_request_refused);
  tcase_add_test (tc, add_null_refused);
  tcase_add_test (tc, conflict_same_precedence);
  tcase_add_test (tc, conflict_same_precedence_reversed);
  tcase_add_test (tc, conflict_proxy_values);
  tcase_add_test (tc, conflict_names_sources);
  tcase_add_test (tc, cli_overrides_profile);
  tcase_add_test (tc, cli_overrides_profile_given_later);
  tcase_add_test (tc, higher_precedence_same_name_takes_source);
  tcase_add_test (tc, non_repeatable_values_conflict);
  tcase_add_test (tc, non_repeatable_value_overridden);
  tcase_add_test (tc, custom_group_conflict);
  tcase_add_test (tc, repeatable_values_all_kept);
  tcase_add_test (tc, same_full_name_idempotent);
  tcase_add_test (tc, same_custom_twice_idempotent);
  tcase_add_test (tc, canonical_listing_order);
  tcase_add_test (tc, batch_is_atomic);
  tcase_add_test (tc, batch_conflict_under_override);
  tcase_add_test (tc, batch_duplicate_source_stable);
  tcase_add_loop_test (tc, order_independent, 0, TEST_N (perm_sets));
  tcase_add_loop_test (tc, batch_order_independent, 0, TEST_N (perm_sets));
  tcase_add_loop_test (tc, new_granted_same_as_add_all, 0, TEST_N (perm_sets));
  tcase_add_test (tc, new_granted_refused);
  tcase_add_test (tc, custom_order_independent);
  suite_add_tcase (s, tc);

  tc = tcase_create ("api");
  tcase_add_test (tc, profile_outlives_changes);
  tcase_add_test (tc, entitlements_outlive_changes);
  tcase_add_test (tc, entitlement_in_two_managers);
  tcase_add_test (tc, reference_kept_by_caller);
  tcase_add_test (tc, has_and_remove);
  tcase_add_test (tc, remove_restores);
  tcase_add_test (tc, remove_is_atomic);
  tcase_add_test (tc, conflict_with_overridden_grant);
  tcase_add_loop_test (tc, builtin_names_not_spoofed, 0, TEST_N (spoofed));
  tcase_add_test (tc, custom_subdomain_allowed);
  tcase_add_test (tc, adds_cost_one_run_each);
  tcase_add_test (tc, new_granted_then_changes);
  tcase_add_test (tc, null_arguments_refused);
  tcase_add_test (tc, stale_error_replaced);
  tcase_add_test (tc, callback_contract_enforced);
  tcase_add_test (tc, new_says_why);
  tcase_add_loop_test (tc, values_are_utf8, 0, TEST_N (utf8_values));
  tcase_add_test (tc, callback_cannot_change_its_manager);
  tcase_add_test (tc, batch_conflict_under_existing_override);
  tcase_add_test (tc, builtin_meanings_not_faked);
  tcase_add_test (tc, same_name_different_callbacks_conflict);
  tcase_add_test (tc, callback_int_min);
  tcase_add_test (tc, trim_releases_what_was_replaced);
  tcase_add_test (tc, error_escapes_c1);
  suite_add_tcase (s, tc);
  return s;
}
