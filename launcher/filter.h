/* entrun — the seccomp filter: compile a profile's rules with libseccomp,
 * or pick the identical filter precompiled into this binary at build time.
 *
 * The rules make two programs: the allowlist (default: fail with EPERM)
 * and, when the profile has ERRNO rules, a small deny program (default:
 * allow).  Loaded as two filters, the kernel would return the most
 * restrictive verdict of both, and between two ERRNO verdicts the one of
 * the filter loaded last: a deny rule's errno wins over any allow rule.
 * libseccomp cannot express that in one program (it refuses a rule whose
 * action equals the default action), so entrun splices the two into one
 * (entrun_filter_splice): the deny program first, each of its "allow"
 * returns turned into a jump to the allowlist.  Same verdict for every
 * call, as tests/unit/test-filter.c checks, and one filter to load
 * instead of two: the kernel's cost of a filter is ~0.15 ms plus ~0.4 us
 * per instruction on the machines entrun is measured on (tests/bench/).
 *
 * The allowlist starts with a head entrun writes itself (filter-abi.c):
 * syscalls newer than libseccomp, and ENOSYS for syscalls newer than the
 * policy.
 *
 * Hints (entrun(1), DENIAL HINTS): the calls of ent_policy_hints that
 * apply to the profile do not get their verdict from the filter itself.
 * They return SECCOMP_RET_USER_NOTIF, and the sandbox's pid 1 answers:
 * with the errno the filter would have given (a denied call) or by
 * letting the kernel decide (a watched one), noting what the command
 * tried.  The program is compiled once with each hint's return as
 * SECCOMP_RET_TRACE | its number (the "marked" program, which pid 1 runs
 * to know which hint it was asked about, entrun_filter_judge); the loaded
 * one is the same with those returns turned into USER_NOTIF, and, where
 * the kernel offers no listener, into the verdicts they stand for.  The
 * hinted calls become leaves of libseccomp's tree rather than falling to
 * its default (the default profile's program grows from 1,490 to 1,714
 * instructions): an allowed call makes a comparison or two more, which
 * tests/bench/hints.sh cannot tell from noise; a hint's call costs a
 * round trip to pid 1 (~6 us). */
#ifndef ENTRUN_FILTER_H
#define ENTRUN_FILTER_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>

#include "entitlement.h"

typedef struct entrun_filter
{
  struct sock_fprog prog;   /* len 0: no filter (seccomp disabled) */
  struct sock_fprog marked; /* the hints' returns marked; len 0: no hint */
  int default_errno;        /* what a denied hint's call gets */
  uint64_t pass;            /* the hints (by number) pid 1 lets through as
                               watched ones: the observed (learn) */
  uint64_t moot;            /* watched hints (by number) the marked program
                               still hands over, to be let through unsaid */
  bool precompiled;         /* the programs point into .rodata: do not free */
  bool own_prog;            /* ... but @prog, a copy (see unwatch) */
  bool compiled;            /* entrun_filter_prepare had to compile them */
} entrun_filter_t;

/* The hints that apply to @p on this host, bit i for ent_policy_hints[i]
 * (ent_policy_hints_apply): the mlock family's only where RLIMIT_MEMLOCK's
 * soft limit is below its hard one, which is all their grant would
 * change. */
uint64_t entrun_filter_hints (const ent_profile_t *p);
/* The mlock family's hints, bit i for ent_policy_hints[i]. */
uint64_t entrun_filter_memlock_hints (void);
/* The marked return of the unconditional hint of @hints on @syscall, a
 * call the filter would otherwise allow (@allowed: a watched one) or deny
 * (a denied one); 0 when there is none. */
uint32_t entrun_filter_hint_return (uint64_t hints, const char *syscall, bool allowed);

/* Fill @f for @p: precompiled when this binary carries a filter for exactly
 * the same rules, else compiled now. */
int entrun_filter_prepare (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
    __attribute__ ((warn_unused_result));
/* Always compile with libseccomp, with entrun_filter_hints(@p), or with
 * @hints. */
int entrun_filter_compile (const ent_profile_t *p, entrun_filter_t *f, ent_error_t **err)
    __attribute__ ((warn_unused_result));
int entrun_filter_compile_with (const ent_profile_t *p, uint64_t hints, entrun_filter_t *f,
                                ent_error_t **err) __attribute__ ((warn_unused_result));
/* entrun learn: also hand pid 1 the calls of the hints of @observe, which
 * the grants given deny and @p (with learn's) allows: pid 1 lets them
 * through (the kernel judges) and notes them.  Each must be an ALLOW rule
 * of @p: the call alone, or with the hint's condition. */
int entrun_filter_compile_observing (const ent_profile_t *p, uint64_t hints, uint64_t observe,
                                     entrun_filter_t *f, ent_error_t **err)
    __attribute__ ((warn_unused_result));
/* The two programs before they are spliced (for the tests), the hints of
 * @hints marked in the allowlist (see entrun_filter_hints; 0: none, the
 * verdicts of the filter without hints): *@deny has len 0 when the
 * profile has no ERRNO rule.  Both malloc'd. */
int entrun_filter_compile_pair (const ent_profile_t *p, uint64_t hints, struct sock_fprog *allow,
                                struct sock_fprog *deny, ent_error_t **err)
    __attribute__ ((warn_unused_result));
/* One program with the verdicts of @deny loaded after @allow: malloc'd
 * into *@out; -EINVAL if @deny returns anything but a constant, or the
 * result would be too long. */
int entrun_filter_splice (const struct sock_fprog *deny, const struct sock_fprog *allow,
                          struct sock_fprog *out) __attribute__ ((warn_unused_result));
/* Install the filter in the calling thread; 0 or -errno.  Needs
 * no_new_privs or CAP_SYS_ADMIN.  With hints, *@listener gets the
 * filter's notification descriptor (close-on-exec), or -1 when the kernel
 * offers none (older than Linux 5.5, or a listener up the chain already):
 * then the hints' calls get their verdicts from the filter itself, which
 * may rewrite @f->prog. */
int entrun_filter_load (entrun_filter_t *f, int *listener);

/* Build the hints' verdicts into the loaded program: no call goes to pid
 * 1 then.  0 or -ENOMEM. */
int entrun_filter_drop_hints (entrun_filter_t *f);

/* Classic BPF run as the kernel runs a seccomp filter: @prog's verdict
 * for @d (SECCOMP_RET_KILL_PROCESS for a program the kernel would have
 * refused). */
uint32_t entrun_bpf_run (const struct sock_fprog *prog, const struct seccomp_data *d);

/* The verdict @f gives @d once pid 1 has answered a hint (an errno, or
 * SECCOMP_RET_ALLOW for a watched call, which the kernel then judges); the
 * hint's index in ent_policy_hints in *@hint, or -1 when @d is no hint's
 * call. */
uint32_t entrun_filter_judge (const entrun_filter_t *f, const struct seccomp_data *d, int *hint);
void entrun_filter_clear (entrun_filter_t *f);

/* The build-time table (launcher/seccomp-precompiled.c, generated).  It
 * holds no pointers per rule: a pointer-free table stays in .rodata and
 * costs no relocation or copy-on-write fault at start-up. */
typedef struct entrun_precompiled_rule
{
  char syscall[32];
  int errnum;
  unsigned char action;
  unsigned char n_args;
  unsigned short args_at; /* index of the first condition in @args */
} entrun_precompiled_rule_t;

typedef struct entrun_precompiled
{
  /* The rules the programs were generated from, as in the profile. */
  int default_errno;
  int unknown_errno;
  const entrun_precompiled_rule_t *rules;
  size_t n_rules;
  const ent_arg_cond_t *args;
  uint64_t hints; /* entrun_filter_hints() of the profile */
  const struct sock_filter *prog;
  const struct sock_filter *marked; /* NULL without hints */
  unsigned short len;
  /* Where the hints' returns are, and each one's number: to unwatch some
   * (see entrun_filter_prepare) without reading @marked. */
  const unsigned short *hint_at;
  const unsigned char *hint_mark;
  unsigned short n_hint_at;
} entrun_precompiled_t;

extern const entrun_precompiled_t entrun_precompiled[];
extern const size_t entrun_precompiled_count;

/* A BPF program in the same table: the network helper's two filters,
 * [0] before its engine starts and [1] after (see nethelper-filter.c);
 * a length of 0 when the build has none. */
typedef struct entrun_prog
{
  const struct sock_filter *filter;
  unsigned short len;
} entrun_prog_t;

extern const entrun_prog_t entrun_nethelper_precompiled[2];
/* pid 1's filter once the payload runs (see pid1-filter.c). */
extern const entrun_prog_t entrun_pid1_precompiled;
/* The terminal relay's (see relay-filter.c). */
extern const entrun_prog_t entrun_relay_precompiled;

/* Export libseccomp's @ctx as BPF into a malloc'd @prog.  0, or -errno
 * with @err set. */
int entrun_filter_export (scmp_filter_ctx ctx, struct sock_fprog *prog, ent_error_t **err);

/* The network helper's filter (@started: the one of after the start),
 * compiled now into a malloc'd @prog: what seccomp-gen embeds. */
int entrun_nethelper_filter_compile (bool started, struct sock_fprog *prog, ent_error_t **err);

/* The filters of entrun's own processes (the network helper's, pid 1's):
 * @make makes a fresh libseccomp context from @arg, 0 or -errno. */
typedef int (*entrun_build_fn) (const void *arg, scmp_filter_ctx *out);

/* A context denying with EPERM whatever is not added, with each of the @n
 * syscalls in @nrs allowed, no_new_privs left to the caller (set already):
 * 0 or -errno. */
int entrun_own_filter_init (const int *nrs, size_t n, scmp_filter_ctx *out);

/* Compile @make(@arg) into a malloc'd @prog (what seccomp-gen embeds), or
 * -errno with @err naming @what. */
int entrun_own_filter_compile (entrun_build_fn make, const void *arg, const char *what,
                               struct sock_fprog *prog, ent_error_t **err);

/* Load @pre when the build embedded it, else compile @make(@arg) now and
 * load that: 0 or -errno. */
int entrun_own_filter_load (const entrun_prog_t *pre, entrun_build_fn make, const void *arg);

/* pid 1's filter, compiled now into a malloc'd @prog: what seccomp-gen
 * embeds. */
int entrun_pid1_filter_compile (struct sock_fprog *prog, ent_error_t **err);

/* The terminal relay's filter, compiled now into a malloc'd @prog: what
 * seccomp-gen embeds. */
int entrun_relay_filter_compile (struct sock_fprog *prog, ent_error_t **err);

#endif
