/* libFuzzer target: the frame filter (netsetup/frame-filter.c) with a real
 * libslirp behind it, as the network helper runs them.
 *
 * The input is one byte of grants (bit 0 network.host-loopback, bit 1 the
 * link-local grant) and then frames, each a 2-byte big-endian length and
 * that many bytes (the last one takes what is left): several frames in one
 * input reach libslirp's state machines (ARP then TCP, fragments, a TCP
 * handshake), yet every input starts from a fresh libslirp, so a crash
 * reproduces from its input alone.
 *
 * Each frame goes through netsetup_frame_filter(); the verdict is checked
 * against an independent restatement of the security rules (no fragment,
 * the guest's own source, no loopback, link-local, multicast, broadcast
 * or other guest-network destination), and an accepted frame goes to
 * slirp_input() exactly as the helper will pass it, configured as
 * netsetup/engine.c configures libslirp.  Then libslirp's poll loop runs a
 * few rounds with zero timeouts on a virtual clock that jumps ahead, so
 * its timers and socket handling run too.  A crash in libslirp is a shape
 * of frame the filter must learn to reject.
 *
 * Safety: libslirp opens real sockets for what the frames ask (TCP
 * connects, UDP and ICMP sends, DNS to the host's resolver).  Before the
 * first input the fuzzer moves into a new user and network namespace,
 * whose only interface is a down `lo`: every such socket fails or goes
 * nowhere, and no packet leaves this machine.  If that fails, it aborts.
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined and
 * linked against the system's libslirp (not instrumented: what ASan sees
 * inside it are crashes, not every stray byte). */
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame-filter.h"

#define MAX_FRAMES 64
#define MAX_POLLFDS 256
#define MAX_TIMERS 16
/* A round after each accepted frame, and enough at the end for libslirp's
 * slow timer (every 500 ms: TCP retransmits, expiries) to run a few
 * times. */
#define ROUND_NS 250000000
#define FINAL_ROUNDS 16
#define FINAL_ROUND_NS 500000000

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct fuzz_timer
{
  bool used, armed;
  SlirpTimerCb cb;
  void *cb_opaque;
  int64_t expire_ms;
} fuzz_timer_t;

static struct
{
  int64_t clock_ns;
  fuzz_timer_t timers[MAX_TIMERS];
  struct pollfd fds[MAX_POLLFDS];
  nfds_t nfds;
  size_t sent; /* frames libslirp sent to the guest */
} st;

/* ---- libslirp's callbacks ---------------------------------------------------- */

static ssize_t
cb_send_packet (const void *buf, size_t len, void *opaque)
{
  (void)buf, (void)opaque;
  st.sent++;
  return (ssize_t)len;
}

static void
cb_guest_error (const char *msg, void *opaque)
{
  (void)msg, (void)opaque;
}

static int64_t
cb_clock_get_ns (void *opaque)
{
  (void)opaque;
  return st.clock_ns;
}

static void *
cb_timer_new (SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
  (void)opaque;
  for (int i = 0; i < MAX_TIMERS; i++)
    if (!st.timers[i].used)
      {
        st.timers[i] = (fuzz_timer_t){ .used = true, .cb = cb, .cb_opaque = cb_opaque };
        return &st.timers[i];
      }
  abort (); /* more timers than libslirp 4.7 ever makes */
}

static void
cb_timer_free (void *timer, void *opaque)
{
  (void)opaque;
  *(fuzz_timer_t *)timer = (fuzz_timer_t){ 0 };
}

static void
cb_timer_mod (void *timer, int64_t expire_ms, void *opaque)
{
  fuzz_timer_t *t = timer;

  (void)opaque;
  t->armed = true;
  t->expire_ms = expire_ms;
}

static void
cb_fd (int fd, void *opaque)
{
  (void)fd, (void)opaque;
}

static void
cb_notify (void *opaque)
{
  (void)opaque;
}

static const SlirpCb callbacks = {
  .send_packet = cb_send_packet,
  .guest_error = cb_guest_error,
  .clock_get_ns = cb_clock_get_ns,
  .timer_new = cb_timer_new,
  .timer_free = cb_timer_free,
  .timer_mod = cb_timer_mod,
  .register_poll_fd = cb_fd,
  .unregister_poll_fd = cb_fd,
  .notify = cb_notify,
};

static int
add_poll (int fd, int events, void *opaque)
{
  (void)opaque;
  if (st.nfds >= MAX_POLLFDS)
    return -1;
  st.fds[st.nfds]
      = (struct pollfd){ .fd = fd,
                         .events = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0)
                                           | ((events & SLIRP_POLL_OUT) ? POLLOUT : 0)
                                           | ((events & SLIRP_POLL_PRI) ? POLLPRI : 0)) };
  return (int)st.nfds++;
}

static int
get_revents (int idx, void *opaque)
{
  short r;

  (void)opaque;
  if (idx < 0 || (nfds_t)idx >= st.nfds)
    return 0;
  r = st.fds[idx].revents;
  return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0)
         | ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0)
         | ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

/* One round of the helper's event loop, never blocking. */
static void
poll_round (Slirp *slirp, int64_t step_ns)
{
  uint32_t timeout = UINT32_MAX;

  st.clock_ns += step_ns;
  st.nfds = 0;
  slirp_pollfds_fill (slirp, &timeout, add_poll, NULL);
  if (poll (st.fds, st.nfds, 0) < 0)
    st.nfds = 0;
  slirp_pollfds_poll (slirp, 0, get_revents, NULL);
  for (int i = 0; i < MAX_TIMERS; i++)
    if (st.timers[i].used && st.timers[i].armed && st.timers[i].expire_ms <= st.clock_ns / 1000000)
      {
        st.timers[i].armed = false;
        st.timers[i].cb (st.timers[i].cb_opaque);
      }
}

/* As netsetup/engine.c's start_slirp(). */
static Slirp *
new_slirp (bool host_loopback)
{
  SlirpConfig cfg = { .version = 4,
                      .in_enabled = true,
                      .vnetwork.s_addr = htonl (0x0a000200),
                      .vnetmask.s_addr = htonl (0xffffff00),
                      .vhost.s_addr = htonl (0x0a000202),
                      .vnameserver.s_addr = htonl (0x0a000203),
                      .vdhcp_start.s_addr = htonl (0x0a00020f),
                      .if_mtu = 65520,
                      .if_mru = 65520,
                      .disable_host_loopback = !host_loopback,
                      .disable_dhcp = true }; /* as engine.c */
  Slirp *slirp = slirp_new (&cfg, &callbacks, NULL);

  if (slirp == NULL)
    abort ();
  return slirp;
}

/* ---- the oracle ---------------------------------------------------------------- */

static uint32_t
be32 (const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool
in_net (uint32_t addr, uint32_t net, int bits)
{
  return (addr >> (32 - bits)) == (net >> (32 - bits));
}

/* What an accepted IPv4 frame can never be, restated without the filter's
 * code. */
static void
check_accepted_ipv4 (const netsetup_frame_config_t *cfg, const uint8_t *f, size_t len)
{
  uint32_t src, dst;

  if (len < 34 || f[14] != 0x45 || ((f[20] << 8 | f[21]) & 0xbfff) != 0
      || (f[23] != 1 && f[23] != 6 && f[23] != 17))
    abort ();
  src = be32 (f + 26);
  dst = be32 (f + 30);
  if (src != cfg->guest)
    abort ();
  if (in_net (dst, 0x7f000000, 8) || in_net (dst, 0, 8) || in_net (dst, 0xe0000000, 3)
      || (in_net (dst, 0xa9fe0000, 16) && !cfg->link_local))
    abort ();
  if (in_net (dst, cfg->network, 24) && dst != cfg->gateway && dst != cfg->dns)
    abort ();
  if (dst == cfg->gateway && !cfg->host_loopback && f[23] != 1)
    abort ();
}

static void
check_verdict (const netsetup_frame_config_t *cfg, const uint8_t *f, size_t len,
               netsetup_frame_verdict_t v)
{
  if ((unsigned)v >= FRAME_VERDICT_COUNT || netsetup_frame_filter (cfg, f, len) != v
      || strcmp (netsetup_frame_verdict_name (v), "unknown") == 0)
    abort ();
  if (v != FRAME_ACCEPT)
    return;
  if (len < 14 || len > 14 + 65535 || (f[6] & 1))
    abort ();
  if (f[12] == 0x08 && f[13] == 0x00)
    check_accepted_ipv4 (cfg, f, len);
  else if (!(f[12] == 0x08 && f[13] == 0x06 && len >= 42 && (len == 42 || len <= 60)))
    abort ();
}

/* ---- entry points ----------------------------------------------------------------- */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  (void)argc, (void)argv;
  /* No packet may leave this machine: a fresh network namespace has only
   * a down loopback interface. */
  if (unshare (CLONE_NEWUSER | CLONE_NEWNET) < 0)
    {
      perror ("frame-fuzzer: unshare(CLONE_NEWUSER | CLONE_NEWNET)");
      abort ();
    }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  netsetup_frame_config_t cfg = netsetup_frame_config_default ();
  Slirp *slirp;
  size_t at = 1;

  if (size < 1)
    return 0;
  cfg.host_loopback = data[0] & 1;
  cfg.link_local = data[0] & 2;
  st.clock_ns = 1000000000;
  slirp = new_slirp (cfg.host_loopback);
  for (int n = 0; n < MAX_FRAMES && at + 2 <= size; n++)
    {
      size_t len = (size_t)(data[at] << 8 | data[at + 1]);
      uint8_t *frame;
      netsetup_frame_verdict_t v;

      at += 2;
      if (len > size - at)
        len = size - at;
      /* A buffer of exactly the frame's size: ASan sees any read past it. */
      frame = malloc (len ? len : 1);
      if (frame == NULL)
        abort ();
      memcpy (frame, data + at, len);
      at += len;
      v = netsetup_frame_filter (&cfg, frame, len);
      check_verdict (&cfg, frame, len, v);
      if (v == FRAME_ACCEPT)
        {
          slirp_input (slirp, frame, (int)len);
          poll_round (slirp, ROUND_NS);
        }
      free (frame);
    }
  for (int i = 0; i < FINAL_ROUNDS; i++)
    poll_round (slirp, FINAL_ROUND_NS);
  slirp_cleanup (slirp);
  memset (st.timers, 0, sizeof (st.timers));
  return 0;
}
