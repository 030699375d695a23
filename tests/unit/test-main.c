/* Runs every core suite and reports in TAP on stdout, one line per test, so
 * the automake TAP driver counts individual tests. */
#include <stdlib.h>

#include "test-suites.h"

int
main (void)
{
  Suite *(*const suites[]) (void)
      = { name_suite,   entitlement_suite, manager_suite, catalogue_suite,     profile_suite,
          render_suite, flatten_suite,     oci_suite,     docker_seccomp_suite };
  SRunner *sr = srunner_create (NULL);
  int failed;

  for (size_t i = 0; i < sizeof (suites) / sizeof (suites[0]); i++)
    srunner_add_suite (sr, suites[i] ());
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
