#include "test-suites.h"

START_TEST (placeholder_name)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
name_suite (void)
{
  Suite *s = suite_create ("name");
  TCase *tc = tcase_create ("name");
  tcase_add_test (tc, placeholder_name);
  suite_add_tcase (s, tc);
  return s;
}
