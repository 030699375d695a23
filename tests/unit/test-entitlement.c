/* Entitlement objects: the three constructors, accessors, enforcement
 * (atomicity, what the callback receives) and the manager attributes. */
#include "test-suites.h"
#include "test-util.h"

/* What a callback saw, for the tests to inspect. */
typedef struct
{
  int calls;
  const ent_profile_t *profile;
  void *data;
  int64_t ival;
  char *sval;
} seen_t;

static int
void_cb (ent_profile_t *p, void *data, ent_error_t **err)
{
  seen_t *seen = data;

  (void) err;
  seen->calls++;
  seen->profile = p;
  seen->data = data;
  return ent_profile_set_string (&p->hostname, "void-was-here");
}

static int
int_cb (ent_profile_t *p, int64_t value, void *data, ent_error_t **err)
{
  seen_t *seen = data;

  (void) p, (void) err;
  seen->calls++;
  seen->data = data;
  seen->ival = value;
  return 0;
}

static int
string_cb (ent_profile_t *p, const char *value, void *data, ent_error_t **err)
{
  seen_t *seen = data;

  (void) p, (void) err;
  seen->calls++;
  seen->data = data;
  free (seen->sval);
  seen->sval = strdup (value);
  return 0;
}

static int
noop_void (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) p, (void) data, (void) err;
  return 0;
}

static int
noop_int (ent_profile_t *p, int64_t v, void *data, ent_error_t **err)
{
  (void) p, (void) v, (void) data, (void) err;
  return 0;
}

static int
noop_string (ent_profile_t *p, const char *v, void *data, ent_error_t **err)
{
  (void) p, (void) v, (void) data, (void) err;
  return 0;
}

/* Edits every kind of field, then fails: enforcement must undo all of it. */
static int
edit_then_fail (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) data;
  p->uid = 0;
  p->no_new_privs = !p->no_new_privs;
  p->ns.create[ENT_NS_NET] = !p->ns.create[ENT_NS_NET];
  ent_profile_grant_cap (p, 21);
  p->net.mode = ENT_NET_USER;
  if (ent_profile_set_string (&p->hostname, "half-done") < 0
      || ent_profile_add_mount (p, ENT_MOUNT_BIND_RW, "/half", err) < 0
      || ent_profile_allow_syscall (p, "mount", err) < 0
      || ent_strlist_add (&p->fs.masked, "/proc/half") < 0
      || ent_profile_add_env (p, ENT_ENV_SET, "HALF", "1", err) < 0)
    return -ENOMEM;
  return ent_error_set (err, EACCES, "refused on purpose after editing");
}

/* Fails without saying why. */
static int
fail_silently (ent_profile_t *p, void *data, ent_error_t **err)
{
  (void) p, (void) data, (void) err;
  return -EPERM;
}

/* ---- constructors -------------------------------------------------------- */

START_TEST (void_new_accessors)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e
      = ent_void_entitlement_new ("security.custom.cap-sys-admin", noop_void, NULL, &err);

  ck_assert_ptr_nonnull (e);
  ck_assert_ptr_null (err);
  ck_assert_str_eq (ent_entitlement_full_name (e), "security.custom.cap-sys-admin");
  ck_assert_str_eq (ent_entitlement_name (e), "security.custom.cap-sys-admin");
  ck_assert_str_eq (ent_entitlement_domain (e), "security.custom");
  ck_assert_str_eq (ent_entitlement_identifier (e), "cap-sys-admin");
  ck_assert_ptr_null (ent_entitlement_value (e));
  ck_assert_int_eq (ent_entitlement_type (e), ENT_TYPE_VOID);
  ck_assert_int_eq (ent_entitlement_int_value (e), 0);
  ent_entitlement_free (e);
}
END_TEST

START_TEST (void_rejects_value)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.flag=1", noop_void, NULL, &err);

  ck_assert_ptr_null (e);
  test_assert_err (err, EINVAL, "takes no value");
  test_assert_quotes (err, "acme.flag");
  test_assert_quotes (err, "1");
  ent_error_free (err);
}
END_TEST

START_TEST (constructor_rejects_bad_name)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_void_entitlement_new ("Acme.flag", noop_void, NULL, &err));
  test_assert_err (err, EINVAL, "uppercase");
  test_assert_quotes (err, "Acme.flag");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_string_entitlement_new ("acme", noop_string, NULL, &err));
  test_assert_err (err, EINVAL, "DOMAIN.IDENTIFIER");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_int_entitlement_new (NULL, noop_int, NULL, &err));
  test_assert_err (err, EINVAL, "empty name");
  ent_error_free (err);
}
END_TEST

START_TEST (constructor_needs_callback)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_void_entitlement_new ("acme.flag", NULL, NULL, &err));
  test_assert_err (err, EINVAL, "no enforcement callback");
  test_assert_quotes (err, "acme.flag");
  ent_error_free (err);
}
END_TEST

START_TEST (int_new_accessors)
{
  ent_error_t *err = NULL;
  ent_entitlement_t *e = ent_int_entitlement_new ("acme.limits.pids=100", noop_int, NULL, &err);

  ck_assert_ptr_nonnull (e);
  ck_assert_str_eq (ent_entitlement_full_name (e), "acme.limits.pids=100");
  ck_assert_str_eq (ent_entitlement_name (e), "acme.limits.pids");
  ck_assert_str_eq (ent_entitlement_domain (e), "acme.limits");
  ck_assert_str_eq (ent_entitlement_identifier (e), "pids");
  ck_assert_str_eq (ent_entitlement_value (e), "100");
  ck_assert_int_eq (ent_entitlement_type (e), ENT_TYPE_INT);
  ck_assert_int_eq (ent_entitlement_int_value (e), 100);
  ent_entitlement_free (e);
}
END_TEST

START_TEST (int_negative_and_extremes)
{
  ent_entitlement_t *e = ent_int_entitlement_new ("acme.n=-5", noop_int, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_int_value (e), -5);
  ent_entitlement_free (e);
  e = ent_int_entitlement_new ("acme.n=9223372036854775807", noop_int, NULL, NULL);
  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_int_value (e), INT64_MAX);
  ent_entitlement_free (e);
}
END_TEST

START_TEST (int_needs_value)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_int_entitlement_new ("acme.n", noop_int, NULL, &err));
  test_assert_err (err, EINVAL, "needs a value");
  test_assert_quotes (err, "acme.n");
  ent_error_free (err);
}
END_TEST

START_TEST (int_rejects_non_decimal)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_int_entitlement_new ("acme.n=abc", noop_int, NULL, &err));
  test_assert_err (err, EINVAL, "expected decimal digits");
  test_assert_quotes (err, "abc");
  test_assert_quotes (err, "acme.n=abc");
  ent_error_free (err);
}
END_TEST

START_TEST (int_rejects_overflow)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_int_entitlement_new ("acme.n=9223372036854775808", noop_int, NULL, &err));
  test_assert_err (err, ERANGE, "out of range");
  test_assert_quotes (err, "acme.n=9223372036854775808");
  ent_error_free (err);
}
END_TEST

START_TEST (int_constructor_has_no_size_suffix)
{
  ent_error_t *err = NULL;

  /* Sizes are a catalogue definition's property; the plain constructor
   * takes decimal digits only. */
  ck_assert_ptr_null (ent_int_entitlement_new ("acme.n=10K", noop_int, NULL, &err));
  test_assert_err (err, EINVAL, "'10K'");
  ent_error_free (err);
}
END_TEST

START_TEST (string_new_accessors)
{
  ent_entitlement_t *e
      = ent_string_entitlement_new ("acme.proxy=http://h:1/a=b.c", noop_string, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_str_eq (ent_entitlement_name (e), "acme.proxy");
  ck_assert_str_eq (ent_entitlement_value (e), "http://h:1/a=b.c");
  ck_assert_int_eq (ent_entitlement_type (e), ENT_TYPE_STRING);
  ck_assert_int_eq (ent_entitlement_int_value (e), 0);
  ent_entitlement_free (e);
}
END_TEST

START_TEST (string_needs_value)
{
  ent_error_t *err = NULL;

  ck_assert_ptr_null (ent_string_entitlement_new ("acme.path", noop_string, NULL, &err));
  test_assert_err (err, EINVAL, "needs a value");
  test_assert_quotes (err, "acme.path");
  ent_error_clear (&err);
  ck_assert_ptr_null (ent_string_entitlement_new ("acme.path=", noop_string, NULL, &err));
  test_assert_err (err, EINVAL, "empty value");
  ent_error_free (err);
}
END_TEST

START_TEST (type_names)
{
  ck_assert_str_eq (ent_type_name (ENT_TYPE_VOID), "void");
  ck_assert_str_eq (ent_type_name (ENT_TYPE_INT), "int");
  ck_assert_str_eq (ent_type_name (ENT_TYPE_STRING), "string");
  ck_assert_str_eq (ent_type_name ((ent_type_t) 7), "?");
}
END_TEST

START_TEST (custom_defaults)
{
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.flag", noop_void, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_ptr_null (ent_entitlement_group (e));
  ck_assert (!ent_entitlement_repeatable (e));
  ck_assert_int_eq (ent_entitlement_order (e), ENT_ORDER_CUSTOM);
  ck_assert_str_eq (ent_entitlement_source (e), "api");
  ck_assert_int_eq (ent_entitlement_precedence (e), ENT_PRECEDENCE_DEFAULT);
  ent_entitlement_free (e);
}
END_TEST

START_TEST (attribute_setters)
{
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.flag", noop_void, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_set_group (e, "acme"), 0);
  ck_assert_str_eq (ent_entitlement_group (e), "acme");
  ck_assert_int_eq (ent_entitlement_set_group (e, NULL), 0);
  ck_assert_ptr_null (ent_entitlement_group (e));
  ck_assert_int_eq (ent_entitlement_set_repeatable (e, true), 0);
  ck_assert (ent_entitlement_repeatable (e));
  ck_assert_int_eq (ent_entitlement_set_order (e, ENT_ORDER_FLAG), 0);
  ck_assert_int_eq (ent_entitlement_order (e), ENT_ORDER_FLAG);
  ck_assert_int_eq (ent_entitlement_set_source (e, "dev.ini:3", ENT_PRECEDENCE_PROFILE), 0);
  ck_assert_str_eq (ent_entitlement_source (e), "dev.ini:3");
  ck_assert_int_eq (ent_entitlement_precedence (e), ENT_PRECEDENCE_PROFILE);
  ent_entitlement_free (e);
}
END_TEST

/* ---- enforcement --------------------------------------------------------- */

START_TEST (enforce_void_passes_data)
{
  seen_t seen = { 0 };
  ent_profile_t *p = ent_profile_new ();
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.flag", void_cb, &seen, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_enforce (e, p, NULL), 0);
  ck_assert_int_eq (seen.calls, 1);
  ck_assert_ptr_eq (seen.data, &seen);
  ck_assert_ptr_nonnull (seen.profile);
  /* The edit lands in the caller's profile. */
  ck_assert_str_eq (p->hostname, "void-was-here");
  ent_entitlement_free (e);
  ent_profile_free (p);
}
END_TEST

START_TEST (enforce_int_passes_value)
{
  seen_t seen = { 0 };
  ent_profile_t *p = ent_profile_new ();
  ent_entitlement_t *e = ent_int_entitlement_new ("acme.n=-123456789012", int_cb, &seen, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_enforce (e, p, NULL), 0);
  ck_assert_int_eq (seen.calls, 1);
  ck_assert_ptr_eq (seen.data, &seen);
  ck_assert_int_eq (seen.ival, INT64_C (-123456789012));
  ent_entitlement_free (e);
  ent_profile_free (p);
}
END_TEST

START_TEST (enforce_string_passes_value)
{
  seen_t seen = { 0 };
  ent_profile_t *p = ent_profile_new ();
  ent_entitlement_t *e
      = ent_string_entitlement_new ("acme.url=http://10.0.0.1:3128", string_cb, &seen, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_entitlement_enforce (e, p, NULL), 0);
  ck_assert_int_eq (seen.calls, 1);
  ck_assert_ptr_eq (seen.data, &seen);
  ck_assert_str_eq (seen.sval, "http://10.0.0.1:3128");
  free (seen.sval);
  ent_entitlement_free (e);
  ent_profile_free (p);
}
END_TEST

START_TEST (enforce_is_atomic)
{
  ent_error_t *err = NULL;
  ent_profile_t *p = test_base_profile ();
  ent_profile_t *before;
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.broken", edit_then_fail, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_profile_add_mount (p, ENT_MOUNT_BIND_RO, "/usr", NULL), 0);
  before = ent_profile_copy (p);
  ck_assert_ptr_nonnull (before);
  test_assert_error (ent_entitlement_enforce (e, p, &err), err, EACCES, "refused on purpose");
  /* The message is prefixed with the entitlement's name. */
  ck_assert_msg (strncmp (ent_error_message (err), "acme.broken: ", 13) == 0, "%s",
                 ent_error_message (err));
  test_assert_profile_equal (p, before);
  ck_assert_ptr_null (p->hostname);
  ck_assert_int_eq (p->fs.n_mounts, 1);
  ent_error_free (err);
  ent_entitlement_free (e);
  ent_profile_free (before);
  ent_profile_free (p);
}
END_TEST

START_TEST (enforce_failure_without_message)
{
  ent_error_t *err = NULL;
  ent_profile_t *p = ent_profile_new ();
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.mute", fail_silently, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  /* A callback that fails without an error still produces one naming it. */
  test_assert_error (ent_entitlement_enforce (e, p, &err), err, EPERM, "'acme.mute' failed");
  ent_error_free (err);
  ent_entitlement_free (e);
  ent_profile_free (p);
}
END_TEST

START_TEST (enforce_keeps_profile_pointer)
{
  ent_profile_t *p = ent_profile_new ();
  ent_profile_t *expected = ent_profile_new ();
  ent_entitlement_t *e = ent_void_entitlement_new ("acme.ok", noop_void, NULL, NULL);

  ck_assert_ptr_nonnull (e);
  ck_assert_int_eq (ent_profile_set_string (&p->cwd, "/a"), 0);
  ck_assert_int_eq (ent_profile_set_string (&expected->cwd, "/a"), 0);
  ck_assert_int_eq (ent_entitlement_enforce (e, p, NULL), 0);
  /* A callback that does nothing leaves an equal profile behind. */
  test_assert_profile_equal (p, expected);
  ent_entitlement_free (e);
  ent_profile_free (expected);
  ent_profile_free (p);
}
END_TEST

/* The version the headers say is the version of the library linked. */
START_TEST (version_matches_headers)
{
  const ent_version_t *v = ent_version ();
  char text[64];

  ck_assert_ptr_nonnull (v);
  ck_assert_uint_eq (v->major, ENT_VERSION_MAJOR);
  ck_assert_uint_eq (v->minor, ENT_VERSION_MINOR);
  ck_assert_uint_eq (v->micro, ENT_VERSION_MICRO);
  snprintf (text, sizeof text, "%u.%u.%u", v->major, v->minor, v->micro);
  ck_assert_str_eq (text, ENT_VERSION_STRING);
  ck_assert_str_eq (text, PACKAGE_VERSION);
}
END_TEST

Suite *
entitlement_suite (void)
{
  Suite *s = suite_create ("entitlement");
  TCase *tc = tcase_create ("entitlement");

  tcase_add_test (tc, void_new_accessors);
  tcase_add_test (tc, void_rejects_value);
  tcase_add_test (tc, constructor_rejects_bad_name);
  tcase_add_test (tc, constructor_needs_callback);
  tcase_add_test (tc, int_new_accessors);
  tcase_add_test (tc, int_negative_and_extremes);
  tcase_add_test (tc, int_needs_value);
  tcase_add_test (tc, int_rejects_non_decimal);
  tcase_add_test (tc, int_rejects_overflow);
  tcase_add_test (tc, int_constructor_has_no_size_suffix);
  tcase_add_test (tc, string_new_accessors);
  tcase_add_test (tc, string_needs_value);
  tcase_add_test (tc, type_names);
  tcase_add_test (tc, custom_defaults);
  tcase_add_test (tc, attribute_setters);
  tcase_add_test (tc, enforce_void_passes_data);
  tcase_add_test (tc, enforce_int_passes_value);
  tcase_add_test (tc, enforce_string_passes_value);
  tcase_add_test (tc, enforce_is_atomic);
  tcase_add_test (tc, enforce_failure_without_message);
  tcase_add_test (tc, enforce_keeps_profile_pointer);
  tcase_add_test (tc, version_matches_headers);
  suite_add_tcase (s, tc);
  return s;
}
