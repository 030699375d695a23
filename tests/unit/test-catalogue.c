#include "test-suites.h"

START_TEST (placeholder_catalogue)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
catalogue_suite (void)
{
  Suite *s = suite_create ("catalogue");
  TCase *tc = tcase_create ("catalogue");
  tcase_add_test (tc, placeholder_catalogue);
  suite_add_tcase (s, tc);
  return s;
}
