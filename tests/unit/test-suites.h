/* Check suites of the unit tests; one function per file. */
#ifndef TEST_SUITES_H
#define TEST_SUITES_H

#include <check.h>

Suite *name_suite (void);
Suite *entitlement_suite (void);
Suite *manager_suite (void);
Suite *catalogue_suite (void);
Suite *profile_suite (void);
Suite *render_suite (void);
Suite *flatten_suite (void);
Suite *oci_suite (void);
Suite *docker_seccomp_suite (void);

#endif
