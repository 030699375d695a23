#include "test-suites.h"

START_TEST (placeholder_render)
{
  ck_assert_int_eq (1, 1);
}
END_TEST

Suite *
render_suite (void)
{
  Suite *s = suite_create ("render");
  TCase *tc = tcase_create ("render");
  tcase_add_test (tc, placeholder_render);
  suite_add_tcase (s, tc);
  return s;
}
