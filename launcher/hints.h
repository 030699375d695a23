/* entrun — denial hints, entrun's side (see filter.h for how the sandbox's
 * pid 1 hears of them): what the command was denied that a grant would
 * allow, said once per hint, in grants, after the command ends (as they
 * happen with -v); nothing with -q; one JSON object per line with --json. */
#ifndef ENTRUN_HINTS_H
#define ENTRUN_HINTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "entitlement.h"
#include "sandbox.h"

#define ENTRUN_HINTS_MAX 64

typedef struct entrun_hints
{
  bool json, live;
  uint64_t seen;    /* bit per hint of ent_policy_hints */
  uint64_t printed; /* said already (live) */
  struct
  {
    int32_t pid;
    char comm[16];   /* printable, NUL-terminated */
    char detail[64]; /* printable, NUL-terminated */
  } who[ENTRUN_HINTS_MAX];
  /* The command's file capabilities that the sandbox ignores (no grant
   * would give them back but the ones named), said if it fails. */
  const char *cmd; /* as the caller named it */
  char fcaps_names[256];
  const char *fcaps_grant; /* NULL: none missing, or not looked at */
  /* resources.pids: the processes pid 1 found at the limit (without a
   * cgroup), or the forks pids.max refused (with one); 0: neither. */
  int64_t pids_reached, pids_refused;
  /* entrun learn: every destination and port pid 1 told of (a connect or
   * bind hint's detail, with its hint), and every path written in the
   * home, all made printable. */
  struct
  {
    int hint;
    char detail[64];
  } dests[32];
  size_t n_dests;
  char files[64][64];
  size_t n_files;
} entrun_hints_t;

/* Set up @h for a run of @argv under @p with -v (@live) or --json. */
void entrun_hints_init (entrun_hints_t *h, const ent_profile_t *p, char *const *argv, bool live,
                        bool json);

/* A hint record from pid 1 (ENTRUN_REPORT_HINT): false if it is not one
 * pid 1 could have sent (an index out of range). */
bool entrun_hints_note (entrun_hints_t *h, const entrun_report_t *r);

/* learn: a path written in the home (ENTRUN_REPORT_FILE). */
void entrun_hints_file (entrun_hints_t *h, const entrun_report_t *r);

/* Look at the command's file capabilities: before it runs, so that it
 * cannot swap the file it was started from for another's (the working
 * directory is its to write). */
void entrun_hints_check_fcaps (entrun_hints_t *h, const ent_profile_t *p);

/* The grant that would give the command the file capabilities it carries
 * and the profile does not (h->fcaps_names), or NULL. */
const char *entrun_hints_fcaps (const entrun_hints_t *h);

/* The command ended with @exit_status (entrun's): say what was denied. */
void entrun_hints_finish (entrun_hints_t *h, int exit_status, const ent_profile_t *p);

#endif
