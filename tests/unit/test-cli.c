/* Unit tests of launcher/cli.c: argv in, struct out, nothing run. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define PARSE(cli, err, ...)                                                                 \
  ({                                                                                         \
    /* static: cli.argv points into it after the parse */                                   \
    static char *argv_[] = { (char *) "entrun", __VA_ARGS__, NULL };                         \
    entrun_cli_parse ((int) (sizeof (argv_) / sizeof (argv_[0])) - 1, argv_, (cli), (err));  \
  })

START_TEST (parses_ents_and_command)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "-e", "network.none", "--ent", "host.fs.rw=/a=b", "--",
                           "make", "-j2"),
                    0);
  ck_assert_uint_eq (cli.n_ents, 2);
  ck_assert_str_eq (cli.ents[0], "network.none");
  ck_assert_str_eq (cli.ents[1], "host.fs.rw=/a=b");
  ck_assert_int_eq (cli.argc, 2);
  ck_assert_str_eq (cli.argv[0], "make");
  ck_assert_str_eq (cli.argv[1], "-j2");
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (options_stop_at_command)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "ls", "-e", "x"), 0);
  ck_assert_uint_eq (cli.n_ents, 0);
  ck_assert_int_eq (cli.argc, 3);
  ck_assert_str_eq (cli.argv[1], "-e");
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (env_and_flags)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "--env", "A=1=2", "--unsetenv", "B", "--clearenv",
                           "--hostname", "box", "-C", "/tmp", "-q", "true"),
                    0);
  ck_assert_uint_eq (cli.n_env, 2);
  ck_assert_int_eq (cli.env[0].op, ENT_ENV_SET);
  ck_assert_str_eq (cli.env[0].name, "A");
  ck_assert_str_eq (cli.env[0].value, "1=2");
  ck_assert_int_eq (cli.env[1].op, ENT_ENV_UNSET);
  ck_assert_str_eq (cli.env[1].name, "B");
  ck_assert (cli.clearenv);
  ck_assert_str_eq (cli.hostname, "box");
  ck_assert_str_eq (cli.chdir, "/tmp");
  ck_assert_int_eq (cli.verbosity, 0);
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (keep_fds_sorted_unique)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "--keep-fd", "9", "--keep-fd", "4", "--keep-fd", "9",
                           "--keep-fd", "1", "true"),
                    0);
  ck_assert_uint_eq (cli.n_keep_fds, 2);
  ck_assert_int_eq (cli.keep_fds[0], 4);
  ck_assert_int_eq (cli.keep_fds[1], 9);
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (explain_without_command)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "--explain", "--json"), 0);
  ck_assert (cli.explain && cli.json);
  ck_assert_int_eq (cli.argc, 0);
  entrun_cli_clear (&cli);
  /* With a command: its denial hints as JSON. */
  ck_assert_int_eq (PARSE (&cli, &err, "--json", "--", "true"), 0);
  ck_assert (!cli.explain && cli.json && cli.argc == 1);
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (stop_timeout)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "true"), 0);
  ck_assert_int_eq (cli.stop_timeout, 10);
  entrun_cli_clear (&cli);
  ck_assert_int_eq (PARSE (&cli, &err, "--stop-timeout", "0", "true"), 0);
  ck_assert_int_eq (cli.stop_timeout, 0);
  entrun_cli_clear (&cli);
  ck_assert_int_eq (PARSE (&cli, &err, "--stop-timeout=86400", "true"), 0);
  ck_assert_int_eq (cli.stop_timeout, 86400);
  entrun_cli_clear (&cli);
  /* The last one wins, as for the other single-valued options. */
  ck_assert_int_eq (PARSE (&cli, &err, "--stop-timeout", "3", "--stop-timeout", "007", "true"), 0);
  ck_assert_int_eq (cli.stop_timeout, 7);
  entrun_cli_clear (&cli);
}
END_TEST

static const struct
{
  const char *args[3];
  const char *needle;
} bad[] = {
  { { "--bogus", "true", NULL }, "--bogus" },
  { { "-Z", "true", NULL }, "-Z" },
  { { "--ent", NULL, NULL }, "--ent" },
  { { "--env", "=x", "true" }, "=x" },
  { { "--unsetenv", "A=B", "true" }, "A=B" },
  { { "--keep-fd", "x", "true" }, "'x'" },
  { { "--keep-fd", "-3", "true" }, "-3" },
  { { "--json", "--list", NULL }, "--json" },
  { { "-v", NULL, NULL }, "no command" },
  { { "--hostname", "", "true" }, "--hostname" },
  { { "--stop-timeout", "x", "true" }, "--stop-timeout 'x': expected a whole number of seconds" },
  { { "--stop-timeout", "-1", "true" }, "--stop-timeout '-1'" },
  { { "--stop-timeout", "86401", "true" }, "--stop-timeout '86401'" },
  { { "--stop-timeout", "99999999999999999999", "true" }, "'99999999999999999999'" },
  { { "--stop-timeout", "1.5", "true" }, "--stop-timeout '1.5'" },
  { { "--stop-timeout", "10s", "true" }, "--stop-timeout '10s'" },
  { { "--stop-timeout", "", "true" }, "--stop-timeout ''" },
  { { "--stop-timeout", NULL, NULL }, "--stop-timeout" },
};

START_TEST (trust_subcommand)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_eq (PARSE (&cli, &err, "trust"), 0);
  ck_assert (cli.trust);
  ck_assert_int_eq (cli.trust_op, ENTRUN_TRUST_APPROVE);
  ck_assert_ptr_null (cli.trust_dir);
  entrun_cli_clear (&cli);
  ck_assert_int_eq (PARSE (&cli, &err, "trust", "--revoke", "/src/p"), 0);
  ck_assert_int_eq (cli.trust_op, ENTRUN_TRUST_REVOKE);
  ck_assert_str_eq (cli.trust_dir, "/src/p");
  entrun_cli_clear (&cli);
  ck_assert_int_eq (PARSE (&cli, &err, "trust", "--key", "k.pub", "p"), 0);
  ck_assert_str_eq (cli.trust_key, "k.pub");
  ck_assert_str_eq (cli.trust_dir, "p");
  entrun_cli_clear (&cli);
  /* -v and -q may come first. */
  ck_assert_int_eq (PARSE (&cli, &err, "-q", "trust", "--list"), 0);
  ck_assert (cli.trust);
  ck_assert_int_eq (cli.trust_op, ENTRUN_TRUST_LIST);
  ck_assert_int_eq (cli.verbosity, 0);
  entrun_cli_clear (&cli);
  /* After --, a program named trust. */
  ck_assert_int_eq (PARSE (&cli, &err, "--", "trust", "--list"), 0);
  ck_assert (!cli.trust);
  ck_assert_int_eq (cli.argc, 2);
  entrun_cli_clear (&cli);
  ck_assert_int_eq (PARSE (&cli, &err, "--no-project", "make"), 0);
  ck_assert (cli.no_project);
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (trust_errors)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;

  ck_assert_int_lt (PARSE (&cli, &err, "-e", "network.user", "trust"), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "only -v and -q go before 'trust'"));
  ent_error_free (err);
  err = NULL;
  entrun_cli_clear (&cli);
  ck_assert_int_lt (PARSE (&cli, &err, "trust", "a", "b"), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "'b'"));
  ent_error_free (err);
  err = NULL;
  entrun_cli_clear (&cli);
  ck_assert_int_lt (PARSE (&cli, &err, "trust", "--list", "--revoke"), 0);
  ent_error_free (err);
  err = NULL;
  entrun_cli_clear (&cli);
  ck_assert_int_lt (PARSE (&cli, &err, "trust", "--list", "dir"), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "'dir'"));
  ent_error_free (err);
  err = NULL;
  entrun_cli_clear (&cli);
  ck_assert_int_lt (PARSE (&cli, &err, "trust", "--bogus"), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "--bogus"));
  ent_error_free (err);
  err = NULL;
  entrun_cli_clear (&cli);
  ck_assert_int_lt (PARSE (&cli, &err, "trust", "--key"), 0);
  ck_assert_ptr_nonnull (strstr (ent_error_message (err), "needs a value"));
  ent_error_free (err);
  entrun_cli_clear (&cli);
}
END_TEST

START_TEST (bad_arguments_are_named)
{
  entrun_cli_t cli;
  ent_error_t *err = NULL;
  char *argv[5] = { (char *) "entrun" };
  int argc = 1;

  for (int i = 0; i < 3 && bad[_i].args[i]; i++)
    argv[argc++] = (char *) bad[_i].args[i];
  argv[argc] = NULL;
  ck_assert_int_lt (entrun_cli_parse (argc, argv, &cli, &err), 0);
  ck_assert_ptr_nonnull (err);
  ck_assert_msg (strstr (err->msg, bad[_i].needle), "'%s' does not name '%s'", err->msg,
                 bad[_i].needle);
  ent_error_free (err);
  entrun_cli_clear (&cli);
}
END_TEST

static Suite *
cli_suite (void)
{
  Suite *s = suite_create ("cli");
  TCase *tc = tcase_create ("cli");

  tcase_add_test (tc, parses_ents_and_command);
  tcase_add_test (tc, options_stop_at_command);
  tcase_add_test (tc, env_and_flags);
  tcase_add_test (tc, keep_fds_sorted_unique);
  tcase_add_test (tc, explain_without_command);
  tcase_add_test (tc, stop_timeout);
  tcase_add_test (tc, trust_subcommand);
  tcase_add_test (tc, trust_errors);
  tcase_add_loop_test (tc, bad_arguments_are_named, 0, (int) (sizeof (bad) / sizeof (bad[0])));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  SRunner *sr = srunner_create (cli_suite ());
  int failed;

  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
