/* entrun — command-line parsing (see cli.h). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ent-util.h"

enum
{
  OPT_EXPLAIN = 256,
  OPT_JSON,
  OPT_LIST,
  OPT_ENV,
  OPT_UNSETENV,
  OPT_CLEARENV,
  OPT_HOSTNAME,
  OPT_KEEP_FD,
  OPT_DOCTOR,
  OPT_STOP_TIMEOUT,
  OPT_NO_PTY,
  OPT_NO_PROJECT,
  OPT_OUTPUT,
  OPT_IN_PLACE,
};

static const struct option long_options[] = {
  { "ent", required_argument, NULL, 'e' },
  { "profile", required_argument, NULL, 'p' },
  { "explain", no_argument, NULL, OPT_EXPLAIN },
  { "json", no_argument, NULL, OPT_JSON },
  { "list", no_argument, NULL, OPT_LIST },
  { "chdir", required_argument, NULL, 'C' },
  { "env", required_argument, NULL, OPT_ENV },
  { "unsetenv", required_argument, NULL, OPT_UNSETENV },
  { "clearenv", no_argument, NULL, OPT_CLEARENV },
  { "hostname", required_argument, NULL, OPT_HOSTNAME },
  { "keep-fd", required_argument, NULL, OPT_KEEP_FD },
  { "doctor", no_argument, NULL, OPT_DOCTOR },
  { "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
  { "no-pty", no_argument, NULL, OPT_NO_PTY },
  { "no-project", no_argument, NULL, OPT_NO_PROJECT },
  { "output", required_argument, NULL, OPT_OUTPUT },
  { "in-place", no_argument, NULL, OPT_IN_PLACE },
  { "verbose", no_argument, NULL, 'v' },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { "version", no_argument, NULL, 'V' },
  { NULL, 0, NULL, 0 },
};

static const char usage[]
    = "Usage: entrun [OPTIONS] [--] COMMAND [ARG...]\n"
      "       entrun trust [--list | --revoke | --key FILE] [DIR]\n"
      "       entrun oci export DIR [OPTIONS] -- COMMAND [ARG...]\n"
      "       entrun oci apply FILE [-e NAME]... [-o OUT | --in-place] [-- COMMAND...]\n"
      "       entrun seccomp export [OPTIONS] | entrun seccomp import FILE\n"
      "       entrun learn [-o FILE] [OPTIONS] -- COMMAND [ARG...]\n"
      "Run COMMAND in a rootless sandbox shaped by entitlements.\n"
      "\n"
      "  -e, --ent NAME[=VALUE]  grant an entitlement (repeatable; see --list)\n"
      "  -p, --profile NAME|PATH use an INI profile (repeatable; see entrun.ini(5));\n"
      "                          --ent overrides its levels, lists accumulate\n"
      "      --no-project        ignore the project profile: by default the nearest\n"
      "                          .entrun.ini in the working directory or above it\n"
      "                          applies, once approved (entrun trust)\n"
      "      --explain           print the resolved sandbox profile and exit\n"
      "      --json              with --explain: print it as JSON; with a command:\n"
      "                          its denial hints as JSON, one object a line\n"
      "      --list              list every entitlement with its description\n"
      "      --doctor            check what entrun needs on this host\n"
      "  -C, --chdir DIR         working directory inside (default: the current one)\n"
      "      --env NAME=VALUE    set an environment variable inside\n"
      "      --env NAME          pass the caller's NAME through, even a secret-looking one\n"
      "      --unsetenv NAME     remove an environment variable inside\n"
      "      --clearenv          start from an empty environment (but --env NAME)\n"
      "      --hostname NAME     hostname inside the sandbox\n"
      "      --keep-fd N         keep file descriptor N open inside (repeatable)\n"
      "      --stop-timeout SECS on SIGTERM or SIGHUP, SIGKILL the sandbox if it still\n"
      "                          runs SECS seconds later (default 10; 0: at once)\n"
      "      --no-pty            give COMMAND your terminal itself, not a pty of its\n"
      "                          own: it can then change the terminal's modes and\n"
      "                          write any escape sequence to it (see entrun(1))\n"
      "  -v, --verbose           print each setup step\n"
      "  -q, --quiet             print only errors (no denial hints)\n"
      "  -h, --help              show this help\n"
      "  -V, --version           show the version\n"
      "\n"
      "With no --ent: security.confined, network.none, host.devices.none,\n"
      "host.processes.none; the host read-only but the working directory (not\n"
      "when it is /, your home or above) and a private /tmp; credential stores\n"
      "hidden, secret-looking variables removed, no host unix socket reachable.\n"
      "--explain lists what is hidden and removed.\n"
      "\n"
      "entrun trust [DIR]          approve the project profile of DIR (default: .)\n"
      "entrun trust --list         list the approved project profiles\n"
      "entrun trust --revoke [DIR] forget the approval of DIR's project profile\n"
      "entrun trust --key FILE [DIR]\n"
      "                            pin a publisher's SSH public key for DIR: a profile\n"
      "                            signed with it (.entrun.ini.sig) needs no approval\n"
      "\n"
      "entrun oci export DIR ...   write an OCI bundle (DIR/config.json, DIR/rootfs) that\n"
      "                            runs COMMAND with the same grants under runc\n"
      "entrun oci apply FILE ...   tighten an OCI config.json with the grants given\n"
      "                            (stdout, -o/--output FILE, or --in-place)\n"
      "entrun seccomp export ...   print the seccomp policy of the grants as a Docker-\n"
      "                            format profile (docker/podman, Kubernetes Localhost)\n"
      "entrun seccomp import FILE  print the rules of a Docker-format profile as entrun\n"
      "                            reads them\n"
      "entrun learn ... -- COMMAND run COMMAND once under observation, with more\n"
      "                            allowed than the grants given, and write the\n"
      "                            profile it needs, each grant with why, to\n"
      "                            ./.entrun.ini or -o/--output FILE (never over one)\n"
      "\n"
      "Exit status: COMMAND's status, or 128+N if it was killed by signal N;\n"
      "125 entrun failed (nothing ran), 126 COMMAND not executable, 127 not found;\n"
      "137 killed after --stop-timeout.\n";

const char *
entrun_cli_usage (void)
{
  return usage;
}

static int
push_string (char ***v, size_t *n, const char *s)
{
  char **nv = realloc (*v, (*n + 2) * sizeof (char *));

  if (nv == NULL)
    return -ENOMEM;
  *v = nv;
  if ((nv[*n] = strdup (s)) == NULL)
    return -ENOMEM;
  nv[++*n] = NULL;
  return 0;
}

static int
push_env (entrun_cli_t *cli, ent_env_op_t op, const char *arg, ent_error_t **err)
{
  const char *eq = strchr (arg, '=');
  entrun_env_op_t e = { .op = op };
  entrun_env_op_t *v;

  /* --env NAME keeps the caller's variable, even one that looks secret. */
  if (op == ENT_ENV_SET && eq == NULL && *arg != '\0')
    op = e.op = ENT_ENV_KEEP;
  if (op == ENT_ENV_SET && eq == arg)
    return ent_error_set (err, EINVAL, "--env '%s': expected NAME=VALUE or NAME", arg);
  if (op == ENT_ENV_SET && *arg == '\0')
    return ent_error_set (err, EINVAL, "--env '': expected NAME=VALUE or NAME");
  if (op == ENT_ENV_UNSET && (*arg == '\0' || eq != NULL))
    return ent_error_set (err, EINVAL, "--unsetenv '%s': expected a variable name", arg);
  e.name = op == ENT_ENV_SET ? strndup (arg, eq - arg) : strdup (arg);
  e.value = op == ENT_ENV_SET ? strdup (eq + 1) : NULL;
  v = realloc (cli->env, (cli->n_env + 1) * sizeof (*v));
  if (v == NULL || e.name == NULL || (op == ENT_ENV_SET && e.value == NULL))
    {
      if (v)
        cli->env = v;
      free (e.name);
      free (e.value);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  v[cli->n_env++] = e;
  cli->env = v;
  return 0;
}

static int
push_keep_fd (entrun_cli_t *cli, const char *arg, ent_error_t **err)
{
  int64_t fd;
  size_t pos = 0;
  int *v;

  if (ent_parse_int (arg, false, &fd, NULL) < 0 || fd < 0 || fd > INT_MAX)
    return ent_error_set (err, EINVAL, "--keep-fd '%s': expected a file descriptor number", arg);
  if (fd <= 2)
    return 0; /* 0-2 are always kept */
  while (pos < cli->n_keep_fds && cli->keep_fds[pos] < fd)
    pos++;
  if (pos < cli->n_keep_fds && cli->keep_fds[pos] == fd)
    return 0;
  v = realloc (cli->keep_fds, (cli->n_keep_fds + 1) * sizeof (int));
  if (v == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  memmove (&v[pos + 1], &v[pos], (cli->n_keep_fds - pos) * sizeof (int));
  v[pos] = (int)fd;
  cli->keep_fds = v;
  cli->n_keep_fds++;
  return 0;
}

static int
set_stop_timeout (entrun_cli_t *cli, const char *arg, ent_error_t **err)
{
  int64_t secs;

  if (ent_parse_int (arg, false, &secs, NULL) < 0 || secs < 0 || secs > ENTRUN_STOP_TIMEOUT_MAX)
    return ent_error_set (err, EINVAL,
                          "--stop-timeout '%s': expected a whole number of seconds from 0 to %d",
                          arg, ENTRUN_STOP_TIMEOUT_MAX);
  cli->stop_timeout = (int)secs;
  return 0;
}

static int
set_once (char **field, const char *opt, const char *arg, ent_error_t **err)
{
  if (*arg == '\0')
    return ent_error_set (err, EINVAL, "%s: empty value", opt);
  free (*field);
  *field = strdup (arg);
  return *field ? 0 : ent_error_set (err, ENOMEM, "out of memory");
}

static int
handle_option (entrun_cli_t *cli, int c, const char *arg, ent_error_t **err)
{
  switch (c)
    {
    case 'e':
      return push_string (&cli->ents, &cli->n_ents, arg) < 0
                 ? ent_error_set (err, ENOMEM, "out of memory")
                 : 0;
    case 'p':
      if (*arg == '\0')
        return ent_error_set (err, EINVAL, "--profile: empty value");
      return push_string (&cli->profiles, &cli->n_profiles, arg) < 0
                 ? ent_error_set (err, ENOMEM, "out of memory")
                 : 0;
    case OPT_EXPLAIN:
      cli->explain = true;
      return 0;
    case OPT_JSON:
      cli->json = true;
      return 0;
    case OPT_LIST:
      cli->list = true;
      return 0;
    case OPT_DOCTOR:
      cli->doctor = true;
      return 0;
    case 'C':
      return set_once (&cli->chdir, "--chdir", arg, err);
    case OPT_ENV:
      return push_env (cli, ENT_ENV_SET, arg, err);
    case OPT_UNSETENV:
      return push_env (cli, ENT_ENV_UNSET, arg, err);
    case OPT_CLEARENV:
      cli->clearenv = true;
      return 0;
    case OPT_HOSTNAME:
      return set_once (&cli->hostname, "--hostname", arg, err);
    case OPT_KEEP_FD:
      return push_keep_fd (cli, arg, err);
    case OPT_STOP_TIMEOUT:
      return set_stop_timeout (cli, arg, err);
    case OPT_NO_PTY:
      cli->no_pty = true;
      return 0;
    case OPT_NO_PROJECT:
      cli->no_project = true;
      return 0;
    case 'o':
    case OPT_OUTPUT:
      return set_once (&cli->output, "--output", arg, err);
    case OPT_IN_PLACE:
      cli->in_place = true;
      return 0;
    case 'v':
      cli->verbosity = 2;
      return 0;
    case 'q':
      cli->verbosity = 0;
      return 0;
    case 'h':
      cli->help = true;
      return 0;
    case 'V':
      cli->version = true;
      return 0;
    default:
      return ent_error_set (err, EINVAL, "internal error: option %d", c);
    }
}

/* getopt's own messages are off (opterr = 0): we name the bad argument
 * ourselves, in our one-line format. */
static int
bad_option (char **argv, int c, ent_error_t **err)
{
  const char *arg = argv[optind - 1];

  if (c == ':')
    return ent_error_set (err, EINVAL, "option '%s' needs a value", arg);
  if (optopt && !ent_str_has_prefix (arg, "--"))
    return ent_error_set (err, EINVAL, "unknown option '-%c' (see entrun --help)", optopt);
  return ent_error_set (err, EINVAL, "unknown option '%s' (see entrun --help)", arg);
}

/* `entrun oci export DIR`, `entrun oci apply FILE`, `entrun seccomp
 * export`, `entrun seccomp import FILE`: how many words of @argv (with
 * argv[0]) they take. */
static int
parse_sub (int argc, char **argv, entrun_cli_t *cli, ent_error_t **err)
{
  static const struct
  {
    const char *group, *op;
    entrun_sub_t sub;
    bool target;
  } subs[] = {
    { "oci", "export", ENTRUN_SUB_OCI_EXPORT, true },
    { "oci", "apply", ENTRUN_SUB_OCI_APPLY, true },
    { "seccomp", "export", ENTRUN_SUB_SECCOMP_EXPORT, false },
    { "seccomp", "import", ENTRUN_SUB_SECCOMP_IMPORT, true },
  };

  if (argc < 3)
    return ent_error_set (err, EINVAL, "%s: which one? (%s)", argv[1],
                          strcmp (argv[1], "oci") == 0 ? "export DIR or apply FILE"
                                                       : "export or import FILE");
  for (size_t i = 0; i < N_ELEMENTS (subs); i++)
    {
      if (strcmp (argv[1], subs[i].group) != 0 || strcmp (argv[2], subs[i].op) != 0)
        continue;
      cli->sub = subs[i].sub;
      if (!subs[i].target)
        return 3;
      if (argc < 4 || argv[3][0] == '-')
        return ent_error_set (err, EINVAL, "%s %s: missing the %s", argv[1], argv[2],
                              cli->sub == ENTRUN_SUB_OCI_EXPORT ? "bundle directory" : "file");
      return set_once (&cli->sub_target, argv[2], argv[3], err) < 0 ? -EINVAL : 4;
    }
  return ent_error_set (err, EINVAL, "%s: unknown subcommand '%s' (see entrun --help)", argv[1],
                        argv[2]);
}

/* What goes with each subcommand. */
static int
check_sub (const entrun_cli_t *cli, ent_error_t **err)
{
  if (cli->explain || cli->list || cli->doctor || cli->n_keep_fds || cli->no_pty)
    return ent_error_set (err, EINVAL,
                          "--explain, --list, --doctor, --keep-fd and --no-pty do not go with "
                          "a subcommand");
  if ((cli->sub == ENTRUN_SUB_OCI_APPLY || cli->sub == ENTRUN_SUB_SECCOMP_IMPORT)
      && (cli->n_profiles || cli->chdir || cli->n_env || cli->clearenv || cli->hostname
          || cli->no_project || cli->stop_timeout != ENTRUN_STOP_TIMEOUT_DEFAULT))
    return ent_error_set (err, EINVAL, "%s takes no profile, directory or environment option",
                          cli->sub == ENTRUN_SUB_OCI_APPLY ? "oci apply" : "seccomp import");
  if (cli->sub == ENTRUN_SUB_SECCOMP_IMPORT && cli->n_ents)
    return ent_error_set (err, EINVAL, "seccomp import takes no grant ('%s')", cli->ents[0]);
  if (cli->sub == ENTRUN_SUB_LEARN)
    return cli->in_place    ? ent_error_set (err, EINVAL, "--in-place goes with 'entrun oci apply'")
           : cli->argc == 0 ? ent_error_set (
                 err, EINVAL, "learn: no command given (entrun learn [OPTIONS] -- COMMAND...)")
                            : 0;
  if ((cli->output || cli->in_place) && cli->sub != ENTRUN_SUB_OCI_APPLY)
    return ent_error_set (err, EINVAL,
                          "--output goes with 'entrun oci apply' and 'entrun learn', --in-place "
                          "with 'entrun oci apply'");
  if (cli->output && cli->in_place)
    return ent_error_set (err, EINVAL, "oci apply: --output or --in-place, not both");
  if (cli->sub == ENTRUN_SUB_OCI_EXPORT && cli->argc == 0)
    return ent_error_set (err, EINVAL,
                          "oci export: no command given (entrun oci export DIR "
                          "[OPTIONS] -- COMMAND...)");
  if (cli->sub != ENTRUN_SUB_OCI_EXPORT && cli->sub != ENTRUN_SUB_OCI_APPLY && cli->argc > 0)
    return ent_error_set (
        err, EINVAL, "%s takes no command ('%s')",
        cli->sub == ENTRUN_SUB_SECCOMP_EXPORT ? "seccomp export" : "seccomp import", cli->argv[0]);
  return 0;
}

/* entrun trust [-v|-q] [--list | --revoke | --key FILE] [DIR] */
static int
parse_trust (int argc, char **argv, entrun_cli_t *cli, ent_error_t **err)
{
  static const struct option trust_options[] = {
    { "list", no_argument, NULL, 'l' },
    { "revoke", no_argument, NULL, 'r' },
    { "key", required_argument, NULL, 'k' },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c, ops = 0;

  cli->trust = true;
  optind = 0;
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+:vqh", trust_options, NULL)) != -1)
    switch (c)
      {
      case 'l':
        cli->trust_op = ENTRUN_TRUST_LIST;
        ops++;
        break;
      case 'r':
        cli->trust_op = ENTRUN_TRUST_REVOKE;
        ops++;
        break;
      case 'k':
        if (set_once (&cli->trust_key, "--key", optarg, err) < 0)
          return -EINVAL;
        ops++;
        break;
      case 'v':
        cli->verbosity = 2;
        break;
      case 'q':
        cli->verbosity = 0;
        break;
      case 'h':
        cli->help = true;
        break;
      default:
        return bad_option (argv, c, err);
      }
  if (ops > 1)
    return ent_error_set (err, EINVAL, "trust: --list, --revoke and --key go alone");
  if (argc - optind > 1)
    return ent_error_set (err, EINVAL, "trust: unexpected argument '%s' (one DIR at most)",
                          argv[optind + 1]);
  if (argc - optind == 1 && cli->trust_op == ENTRUN_TRUST_LIST)
    return ent_error_set (err, EINVAL, "trust --list takes no DIR ('%s')", argv[optind]);
  if (argc - optind == 1 && set_once (&cli->trust_dir, "trust", argv[optind], err) < 0)
    return -EINVAL;
  return 0;
}

int
entrun_cli_parse (int argc, char **argv, entrun_cli_t *cli, ent_error_t **err)
{
  cleanup_free char **opts = NULL;
  char **opts_argv;
  int c, ret, skipped = 0;

  memset (cli, 0, sizeof (*cli));
  cli->verbosity = 1;
  cli->stop_timeout = ENTRUN_STOP_TIMEOUT_DEFAULT;
  optind = 0; /* full re-initialisation, so tests may parse repeatedly */
  opterr = 0;
  /* The subcommand comes first; `entrun -- trust` runs a program so named. */
  if (argc >= 2 && strcmp (argv[1], "trust") == 0)
    return parse_trust (argc - 1, argv + 1, cli, err);
  if (argc >= 2
      && (strcmp (argv[1], "oci") == 0 || strcmp (argv[1], "seccomp") == 0
          || strcmp (argv[1], "learn") == 0))
    {
      int used = strcmp (argv[1], "learn") == 0 ? (cli->sub = ENTRUN_SUB_LEARN, 2)
                                                : parse_sub (argc, argv, cli, err);
      if (used < 0)
        return used;
      /* The options after it, as for a run: a vector of their own, with
       * argv[0] in front (the caller's stays as it is). */
      skipped = used - 1;
      if ((opts = calloc ((size_t)(argc - skipped + 1), sizeof (*opts))) == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
      opts[0] = argv[0];
      memcpy (opts + 1, argv + used, (size_t)(argc - used) * sizeof (*opts));
    }
  opts_argv = opts ? opts : argv;
  while ((c = getopt_long (argc - skipped, opts_argv,
                           cli->sub == ENTRUN_SUB_OCI_APPLY ? "+:e:o:vqh"
                           : cli->sub == ENTRUN_SUB_LEARN   ? "+:e:p:C:o:vqhV"
                                                            : "+:e:p:C:vqhV",
                           long_options, NULL))
         != -1)
    {
      if (c == '?' || c == ':')
        return bad_option (opts_argv, c, err);
      if ((ret = handle_option (cli, c, optarg, err)) < 0)
        return ret;
    }
  cli->argv = argv + skipped + optind;
  cli->argc = argc - skipped - optind;
  /* `entrun -v trust`: the subcommand after -v or -q (not after --). */
  if (cli->argc > 0 && strcmp (cli->argv[0], "trust") == 0
      && strcmp (opts_argv[optind - 1], "--") != 0)
    {
      int verbosity = cli->verbosity;
      if (cli->n_ents || cli->n_profiles || cli->explain || cli->list || cli->doctor || cli->chdir
          || cli->n_env || cli->clearenv || cli->hostname || cli->n_keep_fds || cli->no_pty
          || cli->no_project || cli->help || cli->version
          || cli->stop_timeout != ENTRUN_STOP_TIMEOUT_DEFAULT)
        return ent_error_set (err, EINVAL,
                              "only -v and -q go before 'trust' (to run a program named "
                              "trust: entrun [OPTIONS] -- trust)");
      if ((ret = parse_trust (cli->argc, cli->argv, cli, err)) < 0)
        return ret;
      if (cli->verbosity == 1)
        cli->verbosity = verbosity;
      return 0;
    }
  if (cli->sub != ENTRUN_SUB_NONE)
    return check_sub (cli, err);
  if (cli->output || cli->in_place)
    return ent_error_set (err, EINVAL, "--output and --in-place go with 'entrun oci apply'");
  if (cli->json && !cli->explain && cli->argc == 0)
    return ent_error_set (err, EINVAL, "--json goes with --explain or a command");
  if (cli->argc == 0 && !(cli->explain || cli->list || cli->help || cli->version || cli->doctor))
    return ent_error_set (err, EINVAL, "no command given (see entrun --help)");
  return 0;
}

void
entrun_cli_clear (entrun_cli_t *cli)
{
  ent_strv_free (cli->ents);
  ent_strv_free (cli->profiles);
  free (cli->trust_key);
  free (cli->trust_dir);
  free (cli->sub_target);
  free (cli->output);
  for (size_t i = 0; i < cli->n_env; i++)
    {
      free (cli->env[i].name);
      free (cli->env[i].value);
    }
  free (cli->env);
  free (cli->chdir);
  free (cli->hostname);
  free (cli->keep_fds);
  memset (cli, 0, sizeof (*cli));
}
