/* entrun — resources.memory without a delegated cgroup: pid 1's watch.
 *
 * No rlimit bounds what a sandbox holds: RLIMIT_AS and RLIMIT_DATA count
 * each process's address space, not memory (4096 processes may each take
 * the limit), and every sanitizer reserves terabytes of it.  So pid 1
 * looks, every 50 ms or so, at what the sandbox's processes hold in
 * memory and swap (their proportional share of anonymous and shared-memory
 * pages, from smaps_rollup) and at the files of its tmpfs pool, and kills the whole sandbox once that is more
 * than the limit.  It is a watch, not a wall: what is allocated between
 * two looks counts at the next one, and memory the kernel holds for the
 * sandbox (socket and pipe buffers, page tables) or no process maps (a
 * memfd or SysV segment nobody maps) is not seen.  A delegated cgroup
 * (memory.max) counts all of it, at once. */
#ifndef ENTRUN_MEMWATCH_H
#define ENTRUN_MEMWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "entitlement.h"

typedef struct entrun_memwatch
{
  int proc;      /* a procfs of the sandbox's PID namespace; -1: no watch */
  int pool;      /* the tmpfs pool (O_PATH) */
  int64_t limit; /* bytes */
  int64_t next;  /* now_ms() of the next look */
  int64_t interval_ms;
  int failures; /* looks in a row that could not read /proc */
} entrun_memwatch_t;

/* Does @p need the watch (resources.memory, no cgroup)? */
bool entrun_memwatch_wanted (const ent_profile_t *p);

/* What the sandbox holds now, in bytes (pid 1's own memory aside); -errno
 * when /proc or the pool cannot be read. */
int64_t entrun_memwatch_usage (const entrun_memwatch_t *w);

/* Look, if it is time: 1 when the sandbox holds more than the limit, -1
 * when it could not be looked at ten times in a row, else 0.  Sets
 * w->next; a look that took long spaces the next ones, so that the watch
 * never takes more than about 5% of a CPU. */
int entrun_memwatch_check (entrun_memwatch_t *w, int64_t now);

#endif
