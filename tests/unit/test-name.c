/* The entitlement name grammar (ent_name_parse, ent_name_validate) and the
 * integer parser (ent_parse_int). */
#include "test-suites.h"
#include "test-util.h"

/* ---- valid names --------------------------------------------------------- */

static const struct
{
  const char *full, *domain, *identifier, *name, *value;
} valid_names[] = {
  { "network.none", "network", "none", "network.none", NULL },
  /* The value may hold '.', '=', ':' and '/': Docker's parser split on '.'
   * first and could not read this one. */
  { "network.proxy=http://10.0.0.1:3128", "network", "proxy", "network.proxy",
    "http://10.0.0.1:3128" },
  { "host.fs.rw=/tmp", "host.fs", "rw", "host.fs.rw", "/tmp" },
  { "security.custom.cap-sys-admin", "security.custom", "cap-sys-admin",
    "security.custom.cap-sys-admin", NULL },
  { "a.b=x=y", "a", "b", "a.b", "x=y" },
  { "a1.b-2-c.d3=v.w:x/y", "a1.b-2-c", "d3", "a1.b-2-c.d3", "v.w:x/y" },
  { "resources.pids=100", "resources", "pids", "resources.pids", "100" },
  { "x.y=with space", "x", "y", "x.y", "with space" },
  { "x.y=UPPER.case", "x", "y", "x.y", "UPPER.case" },
  { "x.y=caf\xc3\xa9", "x", "y", "x.y", "caf\xc3\xa9" },
  { "0.9", "0", "9", "0.9", NULL },
};

START_TEST (name_parse_valid)
{
  ent_name_t n;
  ent_error_t *err = NULL;
  int ret = ent_name_parse (valid_names[_i].full, &n, &err);

  ck_assert_msg (ret == 0, "'%s': %s", valid_names[_i].full, ent_error_message (err));
  ck_assert_ptr_null (err);
  ck_assert_str_eq (n.domain, valid_names[_i].domain);
  ck_assert_str_eq (n.identifier, valid_names[_i].identifier);
  ck_assert_str_eq (n.name, valid_names[_i].name);
  ck_assert_pstr_eq (n.value, valid_names[_i].value);
  ent_name_clear (&n);
}
END_TEST

START_TEST (name_clear_resets)
{
  ent_name_t n;

  ck_assert_int_eq (ent_name_parse ("a.b=c", &n, NULL), 0);
  ent_name_clear (&n);
  ck_assert_ptr_null (n.domain);
  ck_assert_ptr_null (n.identifier);
  ck_assert_ptr_null (n.name);
  ck_assert_ptr_null (n.value);
}
END_TEST

/* ---- invalid names: one row per error class ------------------------------ */

static const struct
{
  const char *full, *why;
  const char *quoted; /* how the message quotes @full, when not as is */
} invalid_names[] = {
  { "", "empty name" },
  { "=value", "empty name" },
  { "network", "expected DOMAIN.IDENTIFIER" },
  { ".none", "empty domain component" },
  { "network..none", "empty domain component" },
  { "network.", "empty identifier" },
  { "network.none.", "empty identifier" },
  { "net_work.none", "bad character '_'" },
  { "network.no ne", "bad character ' '" },
  { "network.none!", "bad character '!'" },
  { "network.n\x01", "bad character 0x01", "network.n\\x01" },
  { "caf\xc3\xa9.x", "bad character 0xc3" },
  { "Network.none", "uppercase letter 'N'" },
  { "network.None", "uppercase letter 'N'" },
  { "host.FS.rw=/tmp", "uppercase letter 'F'" },
  { "network.-none", "'-' must join" },
  { "network.none-", "'-' must join" },
  { "net--work.none", "'-' must join" },
  { "network.proxy=", "empty value" },
  { "network.proxy=a\tb", "control character 0x09" },
  { "network.proxy=a\nb", "control character 0x0a", "network.proxy=a\\nb" },
  { "network.proxy=a\x1b[2Jb", "control character 0x1b", "network.proxy=a\\x1b[2Jb" },
};

START_TEST (name_parse_invalid)
{
  ent_name_t n;
  ent_error_t *err = NULL;
  int ret = ent_name_parse (invalid_names[_i].full, &n, &err);

  test_assert_error (ret, err, EINVAL, invalid_names[_i].why);
  /* Control characters are quoted escaped, so the message stays one line. */
  test_assert_quotes (err, invalid_names[_i].quoted ? invalid_names[_i].quoted
                                                    : invalid_names[_i].full);
  ck_assert_ptr_null (strpbrk (ent_error_message (err), "\n\r\x1b"));
  /* Nothing is left allocated in @n on failure. */
  ck_assert_ptr_null (n.name);
  ck_assert_ptr_null (n.domain);
  ck_assert_ptr_null (n.identifier);
  ck_assert_ptr_null (n.value);
  ent_error_free (err);
}
END_TEST

START_TEST (name_parse_null)
{
  ent_name_t n;
  ent_error_t *err = NULL;

  test_assert_error (ent_name_parse (NULL, &n, &err), err, EINVAL, "empty name");
  ent_error_free (err);
}
END_TEST

START_TEST (name_parse_without_err)
{
  ent_name_t n;

  /* A NULL error pointer is allowed: only the return value reports. */
  ck_assert_int_eq (ent_name_parse ("Bad.name", &n, NULL), -EINVAL);
}
END_TEST

START_TEST (name_validate_bare)
{
  ent_error_t *err = NULL;

  ck_assert_int_eq (ent_name_validate ("host.fs.rw", &err), 0);
  ck_assert_ptr_null (err);
  test_assert_error (ent_name_validate ("host.fs.rw=/tmp", &err), err, EINVAL, "unexpected '='");
  test_assert_quotes (err, "host.fs.rw=/tmp");
  ent_error_clear (&err);
  test_assert_error (ent_name_validate ("Host.fs", &err), err, EINVAL, "uppercase");
  ent_error_clear (&err);
  test_assert_error (ent_name_validate (NULL, &err), err, EINVAL, "empty name");
  ent_error_free (err);
}
END_TEST

/* ---- integers ------------------------------------------------------------ */

static const struct
{
  const char *text;
  bool size;
  int64_t value;
} valid_ints[] = {
  { "0", false, 0 },
  { "42", false, 42 },
  { "-42", false, -42 },
  { "+7", false, 7 },
  { "-0", false, 0 },
  { "007", false, 7 },
  { "9223372036854775807", false, INT64_MAX },
  { "-9223372036854775808", false, INT64_MIN },
  { "10", true, 10 },
  { "1k", true, 1024 },
  { "1K", true, 1024 },
  { "3m", true, INT64_C (3) << 20 },
  { "3M", true, INT64_C (3) << 20 },
  { "2g", true, INT64_C (2) << 30 },
  { "2G", true, INT64_C (2) << 30 },
  { "5t", true, INT64_C (5) << 40 },
  { "5T", true, INT64_C (5) << 40 },
  { "-2K", true, -2048 },
  { "8388607T", true, INT64_C (8388607) << 40 },
};

START_TEST (parse_int_valid)
{
  int64_t v = -12345;
  ent_error_t *err = NULL;
  int ret = ent_parse_int (valid_ints[_i].text, valid_ints[_i].size, &v, &err);

  ck_assert_msg (ret == 0, "'%s': %s", valid_ints[_i].text, ent_error_message (err));
  ck_assert_int_eq (v, valid_ints[_i].value);
}
END_TEST

static const struct
{
  const char *text;
  bool size;
  int code;
  const char *why;
} invalid_ints[] = {
  { "9223372036854775808", false, ERANGE, "out of range" }, /* INT64_MAX + 1 */
  { "-9223372036854775809", false, ERANGE, "out of range" },
  { "99999999999999999999999", false, ERANGE, "out of range" },
  { "9000000T", true, ERANGE, "out of range" },
  { "8388608T", true, ERANGE, "out of range" },
  { "9007199254740992K", true, ERANGE, "out of range" },
  { "10X", true, EINVAL, "suffix" },
  { "10KB", true, EINVAL, "suffix" },
  { "10k ", true, EINVAL, "suffix" },
  { "10K", false, EINVAL, "trailing characters" },
  { "10 ", false, EINVAL, "trailing characters" },
  { "0x10", false, EINVAL, "trailing characters" },
  { "1.5", false, EINVAL, "trailing characters" },
  { "", false, EINVAL, "empty" },
  { "abc", false, EINVAL, "expected decimal digits" },
  { "abc", true, EINVAL, "expected decimal digits" },
  { "K", true, EINVAL, "expected decimal digits" },
  { "-", false, EINVAL, "expected decimal digits" },
  { " 1", false, EINVAL, "expected decimal digits" },
  { "--1", false, EINVAL, "expected decimal digits" },
};

START_TEST (parse_int_invalid)
{
  int64_t v = -12345;
  ent_error_t *err = NULL;
  int ret = ent_parse_int (invalid_ints[_i].text, invalid_ints[_i].size, &v, &err);

  test_assert_error (ret, err, invalid_ints[_i].code, invalid_ints[_i].why);
  test_assert_quotes (err, invalid_ints[_i].text);
  /* The output is only written on success. */
  ck_assert_int_eq (v, -12345);
  ent_error_free (err);
}
END_TEST

START_TEST (parse_int_max)
{
  int64_t v = 0;

  ck_assert_int_eq (ent_parse_int ("9223372036854775807", false, &v, NULL), 0);
  ck_assert_int_eq (v, INT64_MAX);
}
END_TEST

START_TEST (parse_int_max_plus_one)
{
  int64_t v = 0;
  ent_error_t *err = NULL;

  test_assert_error (ent_parse_int ("9223372036854775808", false, &v, &err), err, ERANGE,
                     "'9223372036854775808'");
  ent_error_free (err);
}
END_TEST

START_TEST (parse_int_suffix_overflow)
{
  int64_t v = 0;
  ent_error_t *err = NULL;

  test_assert_error (ent_parse_int ("9000000T", true, &v, &err), err, ERANGE, "'9000000T'");
  ent_error_free (err);
}
END_TEST

START_TEST (parse_int_suffix_needs_size)
{
  int64_t v = 0;

  /* The same text is a size with suffixes on and junk without. */
  ck_assert_int_eq (ent_parse_int ("4K", true, &v, NULL), 0);
  ck_assert_int_eq (v, 4096);
  ck_assert_int_eq (ent_parse_int ("4K", false, &v, NULL), -EINVAL);
}
END_TEST

START_TEST (parse_int_null)
{
  int64_t v = 0;
  ent_error_t *err = NULL;

  test_assert_error (ent_parse_int (NULL, false, &v, &err), err, EINVAL, "empty");
  ent_error_free (err);
}
END_TEST

Suite *
name_suite (void)
{
  Suite *s = suite_create ("name");
  TCase *tc = tcase_create ("name");

  tcase_add_loop_test (tc, name_parse_valid, 0, TEST_N (valid_names));
  tcase_add_test (tc, name_clear_resets);
  tcase_add_loop_test (tc, name_parse_invalid, 0, TEST_N (invalid_names));
  tcase_add_test (tc, name_parse_null);
  tcase_add_test (tc, name_parse_without_err);
  tcase_add_test (tc, name_validate_bare);
  tcase_add_loop_test (tc, parse_int_valid, 0, TEST_N (valid_ints));
  tcase_add_loop_test (tc, parse_int_invalid, 0, TEST_N (invalid_ints));
  tcase_add_test (tc, parse_int_max);
  tcase_add_test (tc, parse_int_max_plus_one);
  tcase_add_test (tc, parse_int_suffix_overflow);
  tcase_add_test (tc, parse_int_suffix_needs_size);
  tcase_add_test (tc, parse_int_null);
  suite_add_tcase (s, tc);
  return s;
}
