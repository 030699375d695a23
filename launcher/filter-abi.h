/* entrun — the head of the allowlist filter that entrun writes itself:
 * syscalls libseccomp may not know, and the ENOSYS boundary for syscalls
 * newer than the policy (see filter-abi.c). */
#ifndef ENTRUN_FILTER_ABI_H
#define ENTRUN_FILTER_ABI_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "entitlement.h"

/* Does the head, not libseccomp, compile the rules for @syscall?  True for
 * the syscalls of core/syscall-abi.h's ent_syscalls_newer on x86-64. */
bool entrun_filter_abi_handles (const char *syscall);

/* Put the head for @p in front of @prog, the program libseccomp generated
 * for @p's ALLOW rules (malloc'd; replaced by a new malloc'd program), the
 * hints of @hints marked as in the rest (see filter.h).  0, or a negative
 * errno with @err set: a rule on a syscall the head handles may not have
 * argument conditions. */
int entrun_filter_abi_prepend (const ent_profile_t *p, uint64_t hints, struct sock_fprog *prog,
                               ent_error_t **err) __attribute__ ((warn_unused_result));

#endif
