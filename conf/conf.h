/* entrun — INI profiles (entrun.ini(5)).
 *
 * A profile is parsed into plain data (plan, then execute): the entitlement
 * requests it makes, the custom entitlements it defines, and the sandbox
 * settings (hostname, working directory, environment).  Nothing here grants
 * anything: the launcher instantiates the requests against a catalogue, at
 * profile precedence, after entrun_conf_register_customs().
 *
 *   [sandbox]      entitlements = NAME...   (repeatable)
 *                  hostname = NAME          chdir = PATH
 *   [filesystem]   rw | ro | hide | tmpfs = PATH        (repeatable)
 *   [environment]  clear = true|false
 *                  keep = NAME...  set = NAME=VALUE  unset = NAME...  (repeatable)
 *   [resources]    pids | memory | cpu-time | files | file-size | timeout = N
 *   [entitlement DOMAIN.IDENTIFIER]
 *                  description = TEXT
 *                  caps = CAP...  allow-syscalls = NAME...  deny-syscalls = NAME...
 *                  rw | ro | hide | tmpfs = PATH        (all repeatable)
 *
 * Comments are lines starting with ';' or '#', and inline text after " ;"
 * (inih's rule: the ';' must follow whitespace; '#' is not an inline
 * comment).  Values are trimmed.  A line may hold at most
 * ENTRUN_CONF_MAX_LINE characters (inih's line buffer).  Everything else is
 * an error "FILE:LINE: what is wrong, quoting the text": an unknown section
 * or key, a bad value, a section given twice, a non-repeatable key given
 * twice, a key outside any section, a line without '='.
 */
#ifndef ENTRUN_CONF_H
#define ENTRUN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "entitlement.h"

#define ENTRUN_CONF_WUR __attribute__ ((warn_unused_result))

/* Longest line accepted, without its newline: inih's default line buffer of
 * 200 bytes less '\n', '\r' and the terminating NUL. */
#define ENTRUN_CONF_MAX_LINE 197

/* Longest file entrun_conf_parse_file() reads. */
#define ENTRUN_CONF_MAX_SIZE (1024 * 1024)

/* One entitlement request ("network.user", "host.fs.rw=.",
 * "resources.pids=100") and where it was written ("dev.ini:3"). */
typedef struct entrun_conf_request
{
  char *request;
  char *source;
} entrun_conf_request_t;

/* A custom entitlement defined by an [entitlement NAME] section: a void
 * entitlement granting @caps, allowing @allow, denying @deny (EPERM) and
 * adding the mounts.  Paths are kept as written; they are resolved against
 * the sandbox's working directory and home when the entitlement is
 * enforced. */
typedef struct entrun_conf_custom
{
  char *name;        /* "tools.gdb" */
  char *description; /* NULL when not given */
  char *source;      /* "FILE:LINE" of the section header */
  uint64_t caps;     /* ENT_CAP_BIT() of each capability */
  char **allow;      /* NULL-terminated, file order, unique */
  char **deny;       /* NULL-terminated, file order, unique */
  ent_mount_kind_t *mount_kinds;
  char **mount_paths; /* n_mounts entries (not NULL-terminated) */
  size_t n_mounts;
  /* seccomp = PATH: a Docker-format seccomp profile (absolute path) whose
   * rules the entitlement installs; read and checked at registration
   * (@seccomp_json, @seccomp_len). */
  char *seccomp;
  char *seccomp_json;
  size_t seccomp_len;
} entrun_conf_custom_t;

typedef struct entrun_conf
{
  /* [sandbox] entitlements, [filesystem] and [resources], in file order. */
  entrun_conf_request_t *requests;
  size_t n_requests;
  entrun_conf_custom_t *customs;
  size_t n_customs;
  char *hostname; /* NULL when not given */
  char *hostname_source;
  char *chdir; /* as written, NULL when not given */
  char *chdir_source;
  bool clearenv;         /* meaningful when clearenv_source is not NULL */
  char *clearenv_source; /* NULL when 'clear' was not given */
  ent_env_t *env;        /* set, unset and keep, in file order */
  char **env_sources;    /* n_env entries: where each was written */
  size_t n_env;
} entrun_conf_t;

/* Parse @len bytes of @text (need not be NUL-terminated) into @out, naming
 * @filename in messages and sources.  @out is always initialised; on error
 * it is left empty and *err says "FILE:LINE: ...". */
int entrun_conf_parse_buffer (const char *text, size_t len, const char *filename,
                              entrun_conf_t *out, ent_error_t **err) ENTRUN_CONF_WUR;

/* Read @f to the end (at most ENTRUN_CONF_MAX_SIZE bytes) and parse it like
 * entrun_conf_parse_buffer().  @f is not closed. */
int entrun_conf_parse_file (FILE *f, const char *filename, entrun_conf_t *out,
                            ent_error_t **err) ENTRUN_CONF_WUR;

/* Release everything @c holds and zero it. */
void entrun_conf_clear (entrun_conf_t *c);

/* Find a profile.  A bare NAME (no '/') is searched as NAME.ini in each of
 * the NULL-terminated @dirs in order, and the first that exists wins (one
 * that exists but is not a regular file is an error, not skipped); the
 * caller passes $XDG_CONFIG_HOME/entrun (or ~/.config/entrun), /etc/entrun,
 * then the built-in directory.  A PATH (containing '/') is used as is and
 * must exist.  *path_out is newly allocated.  Not found: -ENOENT and a
 * message listing where it looked. */
int entrun_conf_find (const char *name_or_path, const char *const *dirs, char **path_out,
                      ent_error_t **err) ENTRUN_CONF_WUR;

/* Register the custom entitlements of @c into @cat as void entitlements
 * (order ENT_ORDER_CUSTOM, no group).  Their callbacks read @c, which must
 * outlive every use of @cat.  A name @cat already defines is an error naming
 * the section's FILE:LINE, detected before anything is registered. */
int entrun_conf_register_customs (entrun_conf_t *c, ent_catalogue_t *cat,
                                  ent_error_t **err) ENTRUN_CONF_WUR;

#endif
