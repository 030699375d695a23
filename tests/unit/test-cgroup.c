/* Unit tests of launcher/cgroup.c against a fake cgroup v2 tree in a
 * temporary directory: this machine has no delegated cgroup, so the cgroup
 * path is proven here and the rlimit path by the black-box tests. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"

static char root[] = "/tmp/entrun-cgtest-XXXXXX";

static void
put (const char *rel, const char *content)
{
  char path[4096];
  FILE *f;

  snprintf (path, sizeof (path), "%s/%s", root, rel);
  f = fopen (path, "w");
  ck_assert_ptr_nonnull (f);
  fputs (content, f);
  fclose (f);
}

static char *
get (const char *path)
{
  static char buf[256];
  FILE *f = fopen (path, "r");
  size_t n;

  ck_assert_msg (f != NULL, "cannot open %s", path);
  n = fread (buf, 1, sizeof (buf) - 1, f);
  buf[n] = '\0';
  fclose (f);
  return buf;
}

static void
setup (void)
{
  char path[4096];

  ck_assert_ptr_nonnull (mkdtemp (root));
  snprintf (path, sizeof (path), "%s/user.slice", root);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  snprintf (path, sizeof (path), "%s/user.slice/app", root);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  put ("user.slice/app/cgroup.subtree_control", "cpu memory pids\n");
}

static void
teardown (void)
{
  char cmd[4200];

  snprintf (cmd, sizeof (cmd), "rm -rf '%s'", root);
  ck_assert_int_eq (system (cmd), 0);
  strcpy (root + strlen (root) - 6, "XXXXXX");
}

START_TEST (finds_delegated_cgroup)
{
  char *dir = NULL;
  char expect[4096];

  ck_assert_int_eq (entrun_cgroup_find (root, "1:name=systemd:/\n0::/user.slice/app\n", &dir), 1);
  snprintf (expect, sizeof (expect), "%s/user.slice/app", root);
  ck_assert_str_eq (dir, expect);
  free (dir);
}
END_TEST

START_TEST (needs_both_controllers)
{
  char *dir = NULL;

  put ("user.slice/app/cgroup.subtree_control", "cpu pids\n");
  ck_assert_int_eq (entrun_cgroup_find (root, "0::/user.slice/app\n", &dir), 0);
  put ("user.slice/app/cgroup.subtree_control", "mempids memory\n");
  ck_assert_int_eq (entrun_cgroup_find (root, "0::/user.slice/app\n", &dir), 0);
  ck_assert_ptr_null (dir);
}
END_TEST

START_TEST (no_unified_line_or_escape)
{
  char *dir = NULL;

  ck_assert_int_eq (entrun_cgroup_find (root, "4:memory:/x\n", &dir), 0);
  ck_assert_int_eq (entrun_cgroup_find (root, "0::/user.slice/app/../app\n", &dir), 0);
  ck_assert_int_eq (entrun_cgroup_find (root, "", &dir), 0);
  ck_assert_ptr_null (dir);
}
END_TEST

START_TEST (enter_writes_limits_and_pid)
{
  ent_resources_t r = { .pids = 64, .memory = 268435456, .cpu_time = -1, .files = -1,
                        .file_size = -1, .timeout = -1, .backend = ENT_RES_CGROUP };
  char dir[4096], path[4300], expect[4300];
  char *created = NULL;
  ent_error_t *err = NULL;

  snprintf (dir, sizeof (dir), "%s/user.slice/app", root);
  ck_assert_int_eq (entrun_cgroup_enter (dir, 4242, &r, &created, &err), 0);
  snprintf (expect, sizeof (expect), "%s/entrun-4242", dir);
  ck_assert_str_eq (created, expect);
  snprintf (path, sizeof (path), "%s/pids.max", created);
  ck_assert_str_eq (get (path), "64\n");
  snprintf (path, sizeof (path), "%s/memory.max", created);
  ck_assert_str_eq (get (path), "268435456\n");
  snprintf (path, sizeof (path), "%s/cgroup.procs", created);
  ck_assert_str_eq (get (path), "4242\n");
  /* memory.swap.max is written only where the kernel offers it. */
  snprintf (path, sizeof (path), "%s/memory.swap.max", created);
  ck_assert_int_ne (access (path, F_OK), 0);
  /* The network helper joins it (a plain file here: the last pid written). */
  ck_assert_int_eq (entrun_cgroup_add (created, 4343, &err), 0);
  snprintf (path, sizeof (path), "%s/cgroup.procs", created);
  ck_assert_str_eq (get (path), "4343\n");
  free (created);
}
END_TEST

START_TEST (enter_only_what_is_set)
{
  ent_resources_t r = { .pids = 10, .memory = -1, .cpu_time = -1, .files = -1, .file_size = -1,
                        .timeout = -1, .backend = ENT_RES_CGROUP };
  char dir[4096], path[4300];
  char *created = NULL;

  snprintf (dir, sizeof (dir), "%s/user.slice/app", root);
  ck_assert_int_eq (entrun_cgroup_enter (dir, 7, &r, &created, NULL), 0);
  snprintf (path, sizeof (path), "%s/memory.max", created);
  ck_assert_int_ne (access (path, F_OK), 0);
  snprintf (path, sizeof (path), "%s/pids.max", created);
  ck_assert_str_eq (get (path), "10\n");
  free (created);
}
END_TEST

START_TEST (enter_fails_cleanly)
{
  ent_resources_t r = { .pids = 10, .memory = -1, .cpu_time = -1, .files = -1, .file_size = -1,
                        .timeout = -1, .backend = ENT_RES_CGROUP };
  char dir[4096], path[4300];
  char *created = NULL;
  ent_error_t *err = NULL;

  /* The child exists already (a pid reused while an old cgroup lingers). */
  snprintf (dir, sizeof (dir), "%s/user.slice/app", root);
  snprintf (path, sizeof (path), "%s/entrun-9", dir);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  ck_assert_int_lt (entrun_cgroup_enter (dir, 9, &r, &created, &err), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "entrun-9"));
  ck_assert_ptr_null (created);
  ent_error_free (err);
  err = NULL;
  /* An unwritable parent: nothing is left behind. */
  snprintf (dir, sizeof (dir), "%s/user.slice/app/missing", root);
  ck_assert_int_lt (entrun_cgroup_enter (dir, 11, &r, &created, &err), 0);
  ck_assert_ptr_null (created);
  ent_error_free (err);
}
END_TEST

START_TEST (remove_is_bounded)
{
  char path[4200];

  snprintf (path, sizeof (path), "%s/user.slice/app/empty", root);
  ck_assert_int_eq (mkdir (path, 0755), 0);
  entrun_cgroup_remove (path);
  ck_assert_int_ne (access (path, F_OK), 0);
  entrun_cgroup_remove (NULL);
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("cgroup");
  TCase *tc = tcase_create ("cgroup");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, finds_delegated_cgroup);
  tcase_add_test (tc, needs_both_controllers);
  tcase_add_test (tc, no_unified_line_or_escape);
  tcase_add_test (tc, enter_writes_limits_and_pid);
  tcase_add_test (tc, enter_only_what_is_set);
  tcase_add_test (tc, enter_fails_cleanly);
  tcase_add_test (tc, remove_is_bounded);
  suite_add_tcase (s, tc);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
