#include "test-suites.h"

START_TEST (placeholder_entitlement)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
entitlement_suite (void)
{
  Suite *s = suite_create ("entitlement");
  TCase *tc = tcase_create ("entitlement");
  tcase_add_test (tc, placeholder_entitlement);
  suite_add_tcase (s, tc);
  return s;
}
