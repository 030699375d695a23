/* entrun — launcher utilities: messages and dying.  Only launcher/ exits. */
#ifndef ENTRUN_UTIL_H
#define ENTRUN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <sys/types.h>

#include "ent-util.h"

#define ENTRUN_EXIT_ERROR 125
#define ENTRUN_EXIT_NOEXEC 126
#define ENTRUN_EXIT_NOTFOUND 127
#define ENTRUN_EXIT_TIMEOUT 124
/* Or'ed into the wait status pid 1 reports when it ended the command for
 * resources.timeout itself (no wait status has bits above 15). */
#define ENTRUN_STATUS_TIMED_OUT 0x10000
/* ... when its memory watch killed the sandbox (see memwatch.h): it held
 * more than resources.memory, or could no longer be watched. */
#define ENTRUN_STATUS_OVER_MEMORY 0x20000
#define ENTRUN_STATUS_UNWATCHED 0x40000
#define ENTRUN_STATUS_FLAGS                                                                        \
  (ENTRUN_STATUS_TIMED_OUT | ENTRUN_STATUS_OVER_MEMORY | ENTRUN_STATUS_UNWATCHED)
/* How long after resources.timeout pid 1 ends the command itself, should
 * entrun (which ends it on time) be stopped. */
#define ENTRUN_PID1_TIMEOUT_GRACE_MS 1000

/* 0 quiet, 1 normal, 2 verbose (-v). */
extern int entrun_verbosity;

/* "entrun: <msg>" on stderr, then exit 125 (_exit in children). */
__attribute__ ((noreturn, format (printf, 1, 2))) void die (const char *fmt, ...);
/* "entrun: <step>: <strerror(errno)>", then exit 125. */
__attribute__ ((noreturn, format (printf, 1, 2))) void die_errno (const char *fmt, ...);
/* Switch die() to _exit() after fork, so atexit handlers and stdio buffers
 * of the parent never run twice. */
/* Until called again with 0: die() in this process SIGKILLs @pid and
 * waits for it first, so that a process of the sandbox never outlives a
 * failed entrun (see entrun_run). */
void die_kill_first (pid_t pid);
void die_use_underscore_exit (void);

__attribute__ ((format (printf, 1, 2))) void warn (const char *fmt, ...);
__attribute__ ((format (printf, 1, 2))) void verbose (const char *fmt, ...);
/* Time zero for verbose()'s timestamps. */
void verbose_start_clock (void);
void entrun_prefault_heap (size_t bytes);
/* CLOCK_MONOTONIC in milliseconds. */
int64_t now_ms (void);
/* poll(2)'s timeout until @deadline (a now_ms() value): 0 once it has
 * passed, -1 (none) when @deadline is -1. */
int poll_ms_until (int64_t deadline);

/* mkdir -p @path, each directory it makes with @mode: 0, or -1 with errno
 * from the component that failed (EEXIST is no failure). */
int mkdir_p (const char *path, mode_t mode);

/* Write @len bytes of @buf to @path (O_WRONLY|O_CLOEXEC); -errno on error. */
int write_file_at (int dirfd, const char *path, const char *buf, size_t len);
/* write(2) all of @buf, retrying on EINTR; -errno on error. */
int write_all (int fd, const void *buf, size_t len);
/* read(2) exactly @len bytes unless EOF; returns bytes read or -errno. */
ssize_t read_all (int fd, void *buf, size_t len);
/* @n lists of strings through a pipe (entrun to pid 1), in one write:
 * each string with its NUL, each list ended by an empty string.  -errno
 * on error. */
int strv_send (int fd, char *const *const *lists, size_t n);
/* The @n lists strv_send() wrote, read up to EOF into @out (each a
 * NULL-ended array of malloc'd strings, for ent_strv_free()).  -EPROTO
 * when the data stops short (the writer died) or runs on, -E2BIG past
 * @max bytes, other -errno on error; @out is then left empty. */
int strv_recv (int fd, char ***out, size_t n, size_t max);
/* Close every fd from 3 up but those in @keep (any order); -errno on error. */
int close_fds_except (const int *keep, size_t n_keep);

/* Every capability set empty, the bounding and ambient sets too, with
 * direct prctl/capset calls: not libcap-ng's capng_apply(CAPNG_SELECT_ALL),
 * which probes each set a capability at a time (~170 prctl calls where
 * these take ~45, tests/bench/).  0, or -errno with *@step naming what
 * failed. */
int drop_all_capabilities (const char **step);

/* Turn /proc/self/mountinfo's octal escapes (\\040 for a space) back into
 * the bytes they stand for, in place. */
void unescape_octal (char *s);

#endif
