#include "test-suites.h"

START_TEST (placeholder_manager)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
manager_suite (void)
{
  Suite *s = suite_create ("manager");
  TCase *tc = tcase_create ("manager");
  tcase_add_test (tc, placeholder_manager);
  suite_add_tcase (s, tc);
  return s;
}
