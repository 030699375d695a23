#include "test-suites.h"

START_TEST (placeholder_profile)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
profile_suite (void)
{
  Suite *s = suite_create ("profile");
  TCase *tc = tcase_create ("profile");
  tcase_add_test (tc, placeholder_profile);
  suite_add_tcase (s, tc);
  return s;
}
