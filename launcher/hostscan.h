/* entrun — what entrun looks up on the host before the sandbox starts, as
 * the caller and in the caller's namespaces: the unix sockets bound there,
 * and the files of the caller's that run later (git hooks and config) and
 * must stay read-only inside.  Runs in entrun's own process. */
#ifndef ENTRUN_HOSTSCAN_H
#define ENTRUN_HOSTSCAN_H

#include "entitlement.h"

/* The absolute paths of the unix sockets bound in the caller's network
 * namespace (/proc/net/unix), sorted and unique; NULL-terminated.  Dies
 * when the list cannot be read: without it no socket would be covered. */
char **entrun_host_sockets (void);

/* Add to @list what a later run or the host executes from a directory @p
 * makes writable (the working directory, host.fs.rw grants): the git
 * directory of its repository (and a worktree's common directory),
 * core.hooksPath, and every .entrun.ini from there up to the repository's
 * top. */
void entrun_git_protected (const ent_profile_t *p, char ***list);

#endif
