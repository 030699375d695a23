/* entrun — pid 1's own seccomp filter (see pid1.c, confine_self).
 *
 * Once the payload runs, pid 1 only reaps, forwards signals, reports the
 * payload's status to entrun, reads /proc/PID/status and the pool's
 * statfs for resources.memory (memwatch.h), asks the sandbox's pty which
 * group is in its foreground (TIOCGPGRP, forward_signal), answers the
 * filter's hints (pid1-hints.c: three ioctls, /proc/PID files read, a
 * socket address read from the caller's memory) and, for a UDP
 * publish, makes sockets inside for the network helper.  Its filter allows that and
 * nothing else: no ptrace, no mount, no new namespace, no unix socket, no
 * file opened for writing.  It
 * does not depend on the profile, so it is compiled at build time by
 * launcher/seccomp-gen.c and embedded in the binary, as the network
 * helper's are; a build without the table compiles it at run time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "filter.h"
#include "sandbox.h"
#include "util.h"

#define TMPFILE_BIT 020000000

/* Linux 6.7's, which older headers lack (see pid1-hints.c). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW (4, __u64)
#endif

/* Everything else fails with EPERM; another ABI (int 0x80, x32) kills. */
static int
build_ctx (const void *arg, scmp_filter_ctx *out)
{
  static const int allowed[] = {
    /* reaping, signals, the signalfd, the status pipe, messages */
    SCMP_SYS (wait4),
    SCMP_SYS (waitid),
    SCMP_SYS (kill),
    SCMP_SYS (getpgid),
    SCMP_SYS (getpgrp),
    SCMP_SYS (poll),
    SCMP_SYS (ppoll),
    SCMP_SYS (read),
    SCMP_SYS (write),
    SCMP_SYS (close),
    SCMP_SYS (getpid),
    SCMP_SYS (getppid),
    SCMP_SYS (gettid),
    SCMP_SYS (rt_sigprocmask),
    SCMP_SYS (rt_sigreturn),
    SCMP_SYS (restart_syscall),
    SCMP_SYS (exit),
    SCMP_SYS (exit_group),
    /* time (the timeout), waiting a little */
    SCMP_SYS (clock_gettime),
    SCMP_SYS (gettimeofday),
    SCMP_SYS (clock_nanosleep),
    SCMP_SYS (nanosleep),
    /* the memory watch: its /proc's listing, the pool's use */
    SCMP_SYS (getdents64),
    SCMP_SYS (lseek),
    SCMP_SYS (fstatfs),
    /* a watched connect's or bind's address (pid1-hints.c) */
    SCMP_SYS (process_vm_readv),
    /* the UDP publish relay's sockets inside (netsetup_udp_serve) */
    SCMP_SYS (recvfrom),
    SCMP_SYS (recvmsg),
    SCMP_SYS (sendmsg),
    SCMP_SYS (connect),
    /* memory (malloc) */
    SCMP_SYS (brk),
    SCMP_SYS (munmap),
    SCMP_SYS (madvise),
    SCMP_SYS (futex),
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's runtime checks its signal stack before every noreturn call. */
    SCMP_SYS (sigaltstack),
#endif
  };
  static const unsigned long notif_ioctls[] = {
    SECCOMP_IOCTL_NOTIF_RECV,
    SECCOMP_IOCTL_NOTIF_SEND,
    SECCOMP_IOCTL_NOTIF_ID_VALID,
    SECCOMP_IOCTL_NOTIF_SET_FLAGS,
  };
  scmp_filter_ctx ctx = NULL;
  int ret = entrun_own_filter_init (allowed, N_ELEMENTS (allowed), &ctx);

  (void)arg;
  if (ret < 0)
    return ret;
  /* Memory, never executable. */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (mmap), 1,
                            SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (mprotect), 1,
                            SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  /* Files and directories to read only (the memory watch's /proc).  Not
   * libc's __O_TMPFILE, which holds O_DIRECTORY too: its own bit alone
   * (O_TMPFILE needs both) keeps the directories in. */
  if (ret == 0)
    ret = seccomp_rule_add (
        ctx, SCMP_ACT_ALLOW, SCMP_SYS (openat), 1,
        SCMP_A2 (SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | TMPFILE_BIT, 0));
  /* The pty's foreground group (forward_signal in pid1.c): only that
   * ioctl, whose request the kernel reads as 32 bits. */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (ioctl), 1,
                            SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCGPGRP));
  /* The hints' notifications (pid1-hints.c): read one, check its caller
   * is still there, answer it. */
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (notif_ioctls); i++)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (ioctl), 1,
                            SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, notif_ioctls[i]));
  /* IPv4 datagram sockets only (udp_socket_to in netsetup/inside.c). */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 2,
                            SCMP_A0 (SCMP_CMP_EQ, AF_INET),
                            SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xff, SOCK_DGRAM));
  if (ret < 0)
    {
      seccomp_release (ctx);
      return ret;
    }
  *out = ctx;
  return 0;
}

int
entrun_pid1_filter_compile (struct sock_fprog *prog, ent_error_t **err)
{
  return entrun_own_filter_compile (build_ctx, NULL, "pid 1's filter", prog, err);
}

int
entrun_pid1_filter (void)
{
  return entrun_own_filter_load (&entrun_pid1_precompiled, build_ctx, NULL);
}
