/* libFuzzer target: entrun's command line, from argv to `--explain --json`.
 *
 * The input is cut at NUL bytes into at most MAX_ARGS arguments after
 * argv[0] = "entrun", and parsed with entrun_cli_parse().  Checked: the
 * parser writes neither the arguments nor the argv array; the command it
 * returns is the tail of that argv; a second parse gives the same result;
 * an error has a one-line message; an accepted command line satisfies the
 * struct's documented contract (cli.h).
 *
 * An accepted command line that would build a sandbox then goes through
 * entrun_policy_build(), the launcher's own path to a resolved profile, and
 * is rendered as --explain would, the JSON checked by json-check.c.  The
 * same --ent list reversed must be accepted or refused alike and render
 * byte-identical JSON (DESIGN invariant 5).  That path reads (never
 * writes) the host: the working directory, /proc/self/cgroup, the host API
 * sockets.  Profiles from disk are skipped: only -p names of built-in
 * profiles are kept, and only while no directory entrun looks them up in
 * exists (XDG_CONFIG_HOME points nowhere; /etc/entrun must be absent).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin-profiles.h"
#include "cli.h"
#include "json-check.h"
#include "policy.h"

#define MAX_ARGS 64

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Whether -p with a built-in profile's name is followed: only when nothing
 * on disk can shadow the built-in profiles. */
static bool follow_builtin_profiles;

static void
check_error (int ret, const ent_error_t *err)
{
  const char *msg = ent_error_message (err);

  if (ret >= 0 || err == NULL || err->code != -ret || *msg == '\0' || strpbrk (msg, "\n\r"))
    abort ();
}

/* "entrun" then the NUL-separated arguments of @buf (@size bytes plus a
 * terminating NUL); no input, no argument. */
static int
split_args (char *buf, size_t size, char **argv)
{
  int argc = 0;

  argv[argc++] = (char *)"entrun";
  for (char *p = buf; size > 0 && argc <= MAX_ARGS; p += strlen (p) + 1)
    {
      argv[argc++] = p;
      if (p + strlen (p) == buf + size)
        break;
    }
  argv[argc] = NULL;
  return argc;
}

/* ---- the parse -------------------------------------------------------------- */

static bool
strv_equal (char *const *a, char *const *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (a[i], b[i]) != 0)
      return false;
  return n == 0 || (a[n] == NULL && b[n] == NULL);
}

static bool
str_equal (const char *a, const char *b)
{
  return a == NULL || b == NULL ? a == b : strcmp (a, b) == 0;
}

static bool
cli_equal (const entrun_cli_t *a, const entrun_cli_t *b)
{
  if (a->n_ents != b->n_ents || a->n_profiles != b->n_profiles || a->n_env != b->n_env
      || a->n_keep_fds != b->n_keep_fds || a->argc != b->argc || a->argv != b->argv
      || a->explain != b->explain || a->json != b->json || a->list != b->list || a->help != b->help
      || a->version != b->version || a->doctor != b->doctor || a->clearenv != b->clearenv
      || a->verbosity != b->verbosity || a->stop_timeout != b->stop_timeout)
    return false;
  if (!strv_equal (a->ents, b->ents, a->n_ents)
      || !strv_equal (a->profiles, b->profiles, a->n_profiles) || !str_equal (a->chdir, b->chdir)
      || !str_equal (a->hostname, b->hostname))
    return false;
  for (size_t i = 0; i < a->n_env; i++)
    if (a->env[i].op != b->env[i].op || !str_equal (a->env[i].name, b->env[i].name)
        || !str_equal (a->env[i].value, b->env[i].value))
      return false;
  return a->n_keep_fds == 0 || memcmp (a->keep_fds, b->keep_fds, a->n_keep_fds * sizeof (int)) == 0;
}

/* Is @s the tail of one of the arguments (an option's value is all of its
 * argument, or what follows "-e" or "--ent=")? */
static bool
from_args (const char *s, char *const *argv, int argc)
{
  size_t n = strlen (s);

  for (int i = 1; i < argc; i++)
    {
      size_t l = strlen (argv[i]);
      if (l >= n && strcmp (argv[i] + l - n, s) == 0)
        return true;
    }
  return false;
}

static void
check_env (const entrun_env_op_t *e)
{
  if (e->name == NULL || e->name[0] == '\0' || strchr (e->name, '='))
    abort ();
  /* SET carries a value; UNSET (--unsetenv) and KEEP (--env NAME) none. */
  if ((e->op == ENT_ENV_SET) != (e->value != NULL))
    abort ();
}

/* The contract of an accepted parse (cli.h, entrun --help). */
static void
check_accepted (const entrun_cli_t *cli, char *const *argv, int argc)
{
  if (cli->argv < argv + 1 || cli->argc < 0 || cli->argv + cli->argc != argv + argc)
    abort ();
  /* --json: with --explain, or with a command (its denial hints). */
  if (cli->json && !cli->explain && cli->argc == 0)
    abort ();
  if (cli->argc == 0 && !(cli->explain || cli->list || cli->help || cli->version || cli->doctor))
    abort ();
  if (cli->verbosity < 0 || cli->verbosity > 2 || cli->stop_timeout < 0
      || cli->stop_timeout > ENTRUN_STOP_TIMEOUT_MAX)
    abort ();
  for (size_t i = 0; i < cli->n_ents; i++)
    if (!from_args (cli->ents[i], argv, argc))
      abort ();
  for (size_t i = 0; i < cli->n_profiles; i++)
    if (cli->profiles[i][0] == '\0' || !from_args (cli->profiles[i], argv, argc))
      abort ();
  for (size_t i = 0; i < cli->n_keep_fds; i++)
    if (cli->keep_fds[i] < 3 || (i > 0 && cli->keep_fds[i] <= cli->keep_fds[i - 1]))
      abort ();
  for (size_t i = 0; i < cli->n_env; i++)
    check_env (&cli->env[i]);
  if ((cli->chdir && cli->chdir[0] == '\0') || (cli->hostname && cli->hostname[0] == '\0'))
    abort ();
}

/* ---- the policy ----------------------------------------------------------- */

static bool
is_builtin (const char *name)
{
  for (const entrun_builtin_profile_t *b = entrun_builtin_profiles; b->name; b++)
    if (strcmp (b->name, name) == 0)
      return true;
  return false;
}

/* entrun_policy_build() on @cli, rendered as JSON into *@json. */
static int
build (const entrun_cli_t *cli, char **json)
{
  ent_catalogue_t *cat = ent_catalogue_new_default ();
  entrun_loaded_t loaded = { 0 };
  ent_manager_t *m = NULL;
  ent_error_t *err = NULL;
  char *text = NULL;
  size_t at;
  int ret;

  if (cat == NULL)
    abort ();
  ret = entrun_policy_build (cli, NULL, cat, &loaded, &m, &err);
  if (ret < 0)
    check_error (ret, err);
  else if (ent_render (m, cat, ENT_RENDER_JSON, json, NULL) < 0
           || ent_render (m, cat, ENT_RENDER_TEXT, &text, NULL) < 0)
    abort ();
  else if (!json_check (*json, strlen (*json), &at))
    {
      fprintf (stderr, "invalid JSON at byte %zu:\n%s\n", at, *json);
      abort ();
    }
  free (text);
  ent_error_free (err);
  ent_manager_free (m);
  ent_catalogue_free (cat);
  entrun_loaded_clear (&loaded);
  return ret;
}

/* What main() would do with @cli short of running it: build the profile
 * and explain it; then again with the --ent list reversed. */
static void
check_policy (const entrun_cli_t *cli)
{
  entrun_cli_t c = *cli;
  char *ents[MAX_ARGS + 1], *profiles[MAX_ARGS + 1];
  char *fwd = NULL, *rev = NULL;
  int a, b;

  if (cli->help || cli->version || cli->doctor || cli->list)
    return;
  c.n_profiles = 0;
  for (size_t i = 0; follow_builtin_profiles && i < cli->n_profiles; i++)
    if (is_builtin (cli->profiles[i]))
      profiles[c.n_profiles++] = cli->profiles[i];
  profiles[c.n_profiles] = NULL;
  c.profiles = profiles;
  a = build (&c, &fwd);
  for (size_t i = 0; i < cli->n_ents; i++)
    ents[i] = cli->ents[cli->n_ents - 1 - i];
  ents[cli->n_ents] = NULL;
  c.ents = ents;
  b = build (&c, &rev);
  if ((a < 0) != (b < 0) || (a == 0 && strcmp (fwd, rev) != 0))
    {
      fprintf (stderr, "--ent order matters (%d, %d):\n%s\n----\n%s\n", a, b, fwd, rev);
      abort ();
    }
  free (fwd);
  free (rev);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc, (void)argv;
  json_check_selftest ();
  /* Nothing of the caller's environment: no XDG_CONFIG_HOME profiles, no
   * host API variables; a home that does not exist. */
  if (clearenv () != 0 || setenv ("HOME", "/nonexistent/entrun-fuzz/home", 1) < 0
      || setenv ("XDG_CONFIG_HOME", "/nonexistent/entrun-fuzz/config", 1) < 0)
    abort ();
  follow_builtin_profiles = access ("/etc/entrun", F_OK) < 0;
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *buf = malloc (size + 1);
  char *argv[MAX_ARGS + 2], *saved[MAX_ARGS + 2];
  entrun_cli_t cli, again;
  ent_error_t *err = NULL, *err_again = NULL;
  int argc, ret, ret_again;

  if (buf == NULL)
    return 0;
  memcpy (buf, data, size);
  buf[size] = '\0';
  argc = split_args (buf, size, argv);
  memcpy (saved, argv, sizeof (argv));
  ret = entrun_cli_parse (argc, argv, &cli, &err);
  if (memcmp (saved, argv, (argc + 1) * sizeof (char *)) != 0 || memcmp (buf, data, size) != 0)
    abort (); /* the parser rewrote its argv */
  ret_again = entrun_cli_parse (argc, argv, &again, &err_again);
  if (ret != ret_again || !str_equal (ent_error_message (err), ent_error_message (err_again)))
    abort ();
  if (ret < 0)
    check_error (ret, err);
  else if (err != NULL || !cli_equal (&cli, &again))
    abort ();
  else
    {
      check_accepted (&cli, argv, argc);
      check_policy (&cli);
    }
  ent_error_free (err);
  ent_error_free (err_again);
  entrun_cli_clear (&cli);
  entrun_cli_clear (&again);
  free (buf);
  return 0;
}
