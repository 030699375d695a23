/* entrun — the network helper's seccomp filters (see nethelper.c).
 *
 * Two filters, the second loaded on top of the first once the engine has
 * started.  Neither depends on the profile, so both are compiled at build
 * time by launcher/seccomp-gen.c and embedded in the binary (as the
 * payload's common filters are): the helper loads a ready BPF program
 * instead of running libseccomp's compiler twice while the sandbox waits
 * for it.  A build without the table compiles them at run time. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "filter.h"
#include "sandbox.h"
#include "util.h"

/* What the helper may call.  Everything else fails with EPERM; another ABI
 * (int 0x80, x32) kills it.  Before the engine has started (@started
 * false) it may also bind and listen (the published ports); after, not:
 * a helper taken over by a libslirp bug must not serve a port of the
 * user's (SO_REUSEPORT takeover) or listen anywhere.  fcntl is limited to
 * the flags calls, without O_ASYNC, and F_DUPFD_CLOEXEC (the engine's test
 * of the descriptor limit): F_SETOWN with F_SETSIG would let it signal any
 * process of the user's.  setsockopt is limited to the options
 * libslirp and the relays set. */
static int
build_ctx (const void *arg, scmp_filter_ctx *out)
{
  bool started = *(const bool *)arg;
  static const int allowed[] = {
    /* the event loop and the engine's I/O */
    SCMP_SYS (poll),
    SCMP_SYS (ppoll),
    SCMP_SYS (read),
    SCMP_SYS (write),
    SCMP_SYS (readv),
    SCMP_SYS (writev),
    SCMP_SYS (recvfrom),
    SCMP_SYS (sendto),
    SCMP_SYS (recvmsg),
    SCMP_SYS (sendmsg),
    SCMP_SYS (recvmmsg),
    SCMP_SYS (sendmmsg),
    SCMP_SYS (close),
    /* libslirp's and the relay's sockets (socket() itself: see below) */
    SCMP_SYS (connect),
    SCMP_SYS (accept),
    SCMP_SYS (accept4),
    SCMP_SYS (getsockopt),
    SCMP_SYS (getsockname),
    SCMP_SYS (getpeername),
    SCMP_SYS (shutdown),
    /* reading resolv.conf (open: read-only, see below) */
    SCMP_SYS (fstat),
    SCMP_SYS (newfstatat),
    SCMP_SYS (stat),
    SCMP_SYS (statx),
    SCMP_SYS (lseek),
    /* time, memory, threads' futexes, signals, the end */
    SCMP_SYS (clock_gettime),
    SCMP_SYS (gettimeofday),
    SCMP_SYS (clock_nanosleep),
    SCMP_SYS (nanosleep),
    SCMP_SYS (mmap),
    SCMP_SYS (munmap),
    SCMP_SYS (mremap),
    SCMP_SYS (mprotect),
    SCMP_SYS (brk),
    SCMP_SYS (madvise),
    SCMP_SYS (futex),
    SCMP_SYS (getrandom),
    SCMP_SYS (getpid),
    SCMP_SYS (getppid),
    SCMP_SYS (gettid),
    SCMP_SYS (rt_sigreturn),
    SCMP_SYS (rt_sigprocmask),
    SCMP_SYS (restart_syscall),
    SCMP_SYS (exit),
    SCMP_SYS (exit_group),
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's runtime checks its signal stack before every noreturn call. */
    SCMP_SYS (sigaltstack),
#endif
  };
  static const int fcntl_cmds[] = { F_GETFL, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC };
  static const struct
  {
    int level, name;
  } options[] = {
    { SOL_SOCKET, SO_REUSEADDR },   { SOL_SOCKET, SO_OOBINLINE }, { SOL_SOCKET, SO_KEEPALIVE },
    { SOL_SOCKET, SO_RCVBUF },      { SOL_SOCKET, SO_SNDBUF },    { IPPROTO_TCP, TCP_NODELAY },
    { IPPROTO_IP, IP_TTL },         { IPPROTO_IP, IP_TOS },       { IPPROTO_IP, IP_RECVERR },
    { IPPROTO_IPV6, IPV6_RECVERR },
  };
  scmp_filter_ctx ctx = NULL;
  int ret = entrun_own_filter_init (allowed, N_ELEMENTS (allowed), &ctx);

  if (ret < 0)
    return ret;
  /* Before the start: the ports, and seccomp for the filter of after. */
  if (!started)
    {
      if (ret == 0)
        ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (bind), 0);
      if (ret == 0)
        ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (listen), 0);
      if (ret == 0)
        ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (seccomp), 0);
    }
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (fcntl_cmds); i++)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (fcntl), 1,
                            SCMP_A1 (SCMP_CMP_EQ, (scmp_datum_t)fcntl_cmds[i]));
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (fcntl), 2,
                            SCMP_A1 (SCMP_CMP_EQ, F_SETFL),
                            SCMP_A2 (SCMP_CMP_MASKED_EQ, O_ASYNC, 0));
  for (size_t i = 0; ret == 0 && i < N_ELEMENTS (options); i++)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (setsockopt), 2,
                            SCMP_A1 (SCMP_CMP_EQ, (scmp_datum_t)options[i].level),
                            SCMP_A2 (SCMP_CMP_EQ, (scmp_datum_t)options[i].name));
  /* New sockets: IPv4 and IPv6 only (TCP, UDP, and ICMP datagram sockets
   * for ping).  No unix sockets (the user's agents and servers), no
   * netlink, no packet sockets. */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 1,
                            SCMP_A0 (SCMP_CMP_EQ, AF_INET));
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (socket), 1,
                            SCMP_A0 (SCMP_CMP_EQ, AF_INET6));
  /* Files: opened for reading only. */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (openat), 1,
                            SCMP_A2 (SCMP_CMP_MASKED_EQ,
                                     O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | O_TMPFILE,
                                     O_RDONLY));
  /* ioctl: the two socket ones libslirp uses. */
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (ioctl), 1,
                            SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, FIONBIO));
  if (ret == 0)
    ret = seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (ioctl), 1,
                            SCMP_A1 (SCMP_CMP_MASKED_EQ, 0xffffffffu, FIONREAD));
  if (ret < 0)
    {
      seccomp_release (ctx);
      return ret;
    }
  *out = ctx;
  return 0;
}

int
entrun_nethelper_filter_compile (bool started, struct sock_fprog *prog, ent_error_t **err)
{
  return entrun_own_filter_compile (build_ctx, &started, "the network helper's filter", prog, err);
}

int
entrun_nethelper_filter (bool started)
{
  return entrun_own_filter_load (&entrun_nethelper_precompiled[started ? 1 : 0], build_ctx,
                                 &started);
}
