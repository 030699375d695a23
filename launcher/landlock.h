/* entrun — Landlock, the second wall (see landlock.c).
 *
 * Plan, then apply: entrun_landlock_plan() turns a resolved profile and a
 * Landlock ABI into a ruleset description (pure: no system call, unit-
 * tested with every ABI); the payload applies it just before its seccomp
 * filter (entrun_landlock_apply), and --explain and --doctor print it. */
#ifndef ENTRUN_LANDLOCK_H
#define ENTRUN_LANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "entitlement.h"

/* The rule families, each applied when the kernel's ABI offers it. */
typedef enum entrun_ll_family
{
  ENTRUN_LL_FILES,      /* writes only beneath the writable places (ABI 1) */
  ENTRUN_LL_DEVICES,    /* device nodes: writes, and ioctls (ABI 5), only to harmless ones */
  ENTRUN_LL_NETWORK,    /* TCP connect/bind by port (ABI 4) */
  ENTRUN_LL_ABSTRACT,   /* abstract unix sockets scoped to the sandbox (ABI 6) */
  ENTRUN_LL_SIGNALS,    /* signals scoped to the sandbox (ABI 6) */
  ENTRUN_LL_UNIX,       /* connects to path unix sockets of the host's (ABI 9) */
  ENTRUN_LL_N_FAMILIES
} entrun_ll_family_t;

typedef enum entrun_ll_state
{
  ENTRUN_LL_ON,
  ENTRUN_LL_OFF_LEVEL,  /* moot or impossible at this profile's levels */
  ENTRUN_LL_OFF_KERNEL, /* the kernel's ABI is too old (or no Landlock) */
} entrun_ll_state_t;

/* "each top-level entry of / but dev, proc and sys": expanded when
 * applied. */
#define ENTRUN_LL_TOP_ENTRIES "/*"

typedef struct entrun_ll_path
{
  const char *path; /* absolute; borrowed from the profile or static */
  uint64_t access;  /* LANDLOCK_ACCESS_FS_*; file rights only for a file */
} entrun_ll_path_t;

typedef struct entrun_ll_port
{
  uint16_t port;
  uint64_t access; /* LANDLOCK_ACCESS_NET_* */
} entrun_ll_port_t;

typedef struct entrun_landlock_plan
{
  int abi; /* the kernel's Landlock ABI; 0: none */
  uint64_t handled_fs, handled_net, scoped;
  entrun_ll_path_t *paths;
  size_t n_paths;
  entrun_ll_port_t ports[1];
  size_t n_ports;
  bool fd_rules; /* give each inherited descriptor's file back (see apply) */
  entrun_ll_state_t state[ENTRUN_LL_N_FAMILIES];
  char detail[ENTRUN_LL_N_FAMILIES][192]; /* what it does, or why it is off */
} entrun_landlock_plan_t;

/* The running kernel's Landlock ABI, 0 without Landlock (cached). */
int entrun_landlock_abi (void);

/* The ruleset for @p under @abi.  Pure.  0 or -ENOMEM.  Free with
 * entrun_landlock_plan_clear. */
int entrun_landlock_plan (const ent_profile_t *p, int abi, entrun_landlock_plan_t *plan)
    __attribute__ ((warn_unused_result));
void entrun_landlock_plan_clear (entrun_landlock_plan_t *plan);

/* "files", "devices", ...; the ABI that brought it. */
const char *entrun_landlock_family_name (entrun_ll_family_t f);
int entrun_landlock_family_abi (entrun_ll_family_t f);

/* NULL when @p can run with @plan; else why not (security.landlock-
 * required on a kernel that lacks a family, host.devices.view without
 * Landlock), as one line without "entrun: ". */
const char *entrun_landlock_refusal (const ent_profile_t *p, const entrun_landlock_plan_t *plan,
                                     char *buf, size_t size);

/* The --explain block (text), or the "landlock" member's value (JSON). */
void entrun_landlock_render (const entrun_landlock_plan_t *plan, bool json, FILE *f);

/* Restrict the calling process (no_new_privs set) with @plan; its fds 0-2
 * and @keep_fds keep their files.  0, or -errno with *@step naming what
 * failed. */
int entrun_landlock_apply (const entrun_landlock_plan_t *plan, const int *keep_fds, size_t n_keep,
                          const char **step);

/* entrun's network helper: no file but @read_files (read-only), TCP binds
 * only to @bind_ports, TCP connects only to @connect_port when it is not
 * 0, scoped.  Best effort by ABI; 0 or -errno, *@step set. */
int entrun_landlock_helper (const char *const *read_files, const uint16_t *bind_ports,
                            size_t n_bind, uint16_t connect_port, const char **step);

#endif
