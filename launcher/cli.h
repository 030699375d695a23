/* entrun — command-line parsing into a plain struct (no side effects, so a
 * unit test can check it without running anything). */
#ifndef ENTRUN_CLI_H
#define ENTRUN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "entitlement.h"

typedef struct entrun_env_op
{
  ent_env_op_t op;
  char *name;
  char *value;
} entrun_env_op_t;

typedef enum entrun_trust_op
{
  ENTRUN_TRUST_APPROVE,
  ENTRUN_TRUST_LIST,
  ENTRUN_TRUST_REVOKE,
} entrun_trust_op_t;

/* `entrun oci ...` and `entrun seccomp ...` */
typedef enum entrun_sub
{
  ENTRUN_SUB_NONE,
  ENTRUN_SUB_OCI_EXPORT,     /* oci export DIR [OPTIONS] -- CMD...: a bundle */
  ENTRUN_SUB_OCI_APPLY,      /* oci apply FILE [-e GRANT]... [-o OUT | --in-place] */
  ENTRUN_SUB_SECCOMP_EXPORT, /* seccomp export [OPTIONS]: a Docker-format profile */
  ENTRUN_SUB_SECCOMP_IMPORT, /* seccomp import FILE [OPTIONS]: its rules, as entrun reads them */
  ENTRUN_SUB_LEARN,          /* learn [-o FILE] [OPTIONS] -- CMD...: the profile CMD needs */
} entrun_sub_t;

typedef struct entrun_cli
{
  char **ents; /* --ent values, in order */
  size_t n_ents;
  char **profiles; /* -p values, in order */
  size_t n_profiles;
  bool explain, json, list, help, version, doctor;
  bool no_project; /* --no-project: no .entrun.ini found from the directory */
  /* `entrun trust [--list | --revoke | --key FILE] [DIR]` */
  bool trust;
  entrun_trust_op_t trust_op;
  char *trust_key; /* --key FILE: a publisher's public key */
  char *trust_dir; /* NULL: the working directory */
  char *chdir;
  entrun_env_op_t *env;
  size_t n_env;
  bool clearenv;
  char *hostname;
  int *keep_fds; /* sorted, unique, each >= 3 */
  size_t n_keep_fds;
  int verbosity;    /* 0 -q, 1 default, 2 -v */
  bool no_pty;      /* --no-pty: the caller's terminal itself, no pty */
  int stop_timeout; /* --stop-timeout: seconds from a stop request (SIGTERM,
                       SIGHUP) to SIGKILL; 0 kills at once */
  entrun_sub_t sub;
  char *sub_target; /* the DIR or FILE of a subcommand */
  char *output;     /* oci apply, learn: -o FILE */
  bool in_place;    /* oci apply --in-place */
  char **argv;      /* the command: points into the caller's argv */
  int argc;
} entrun_cli_t;

/* Parse @argv.  On error the message names the offending argument. */
int entrun_cli_parse (int argc, char **argv, entrun_cli_t *cli, ent_error_t **err)
    __attribute__ ((warn_unused_result));
void entrun_cli_clear (entrun_cli_t *cli);

/* --stop-timeout's default and largest value, in seconds. */
#define ENTRUN_STOP_TIMEOUT_DEFAULT 10
#define ENTRUN_STOP_TIMEOUT_MAX 86400

/* The --help text. */
const char *entrun_cli_usage (void);

#endif
