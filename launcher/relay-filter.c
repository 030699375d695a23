/* entrun — the terminal relay's seccomp filter (see relay.c).
 *
 * The relay copies bytes between the sandbox's pty and the caller's
 * terminal, on descriptors it holds before it loads this: it reads,
 * writes, polls and exits, and nothing else.  No open, no ioctl (the
 * caller's terminal's modes, TIOCSTI), no signal, no socket, no mmap.  It
 * does not depend on the profile, so it is compiled at build time by
 * launcher/seccomp-gen.c and embedded in the binary, as pid 1's is; a
 * build without the table compiles it at run time. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <linux/seccomp.h>

#include "filter.h"
#include "sandbox.h"
#include "util.h"

/* Everything else fails with EPERM; another ABI (int 0x80, x32) kills. */
static int
build_ctx (const void *arg, scmp_filter_ctx *out)
{
  static const int allowed[] = {
    SCMP_SYS (read),
    SCMP_SYS (write),
    SCMP_SYS (poll),
    SCMP_SYS (ppoll),
    SCMP_SYS (rt_sigreturn),
    SCMP_SYS (restart_syscall),
    SCMP_SYS (exit),
    SCMP_SYS (exit_group),
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's runtime checks its signal stack before every noreturn call. */
    SCMP_SYS (sigaltstack),
#endif
  };

  (void)arg;
  return entrun_own_filter_init (allowed, N_ELEMENTS (allowed), out);
}

int
entrun_relay_filter_compile (struct sock_fprog *prog, ent_error_t **err)
{
  return entrun_own_filter_compile (build_ctx, NULL, "the terminal relay's filter", prog, err);
}

int
entrun_relay_filter (void)
{
  return entrun_own_filter_load (&entrun_relay_precompiled, build_ctx, NULL);
}
