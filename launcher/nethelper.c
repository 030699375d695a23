/* entrun — the network helper: runs in a process of its own.
 *
 * For network.user, network.admin and network.proxy, the bytes the sandbox
 * sends are parsed by libslirp (a TCP/IP stack) or by the proxy relay.  A
 * bug there must not hand the sandbox entrun's rights, so neither runs in
 * entrun: entrun starts this helper (spawn_net_helper in sandbox.c) by
 * executing its own binary again, with an empty environment and only two
 * descriptors besides /dev/null on 0-2:
 *
 *   fd 3  a SOCK_SEQPACKET socket to entrun: the configuration comes in,
 *         one report goes out ("R" ready, "P" pid 1 gave up, "E<text>"
 *         failed); its hangup tells either side the other is gone;
 *   fd 4  a SOCK_SEQPACKET socket to the sandbox's pid 1: the tap (or
 *         listening) fd and the UDP-publish sockets come in, "R" goes out;
 *         with a UDP publish it stays, and pid 1 makes the relay's
 *         sockets on request (netsetup/udp-publish.c).
 *
 * Before it reads a byte of the sandbox's, the helper confines itself: a
 * user namespace of its own (so no capability over anything of the host,
 * whose network namespace it keeps: that is where the NAT's sockets live),
 * a mount namespace whose root is an empty read-only tmpfs with only
 * /etc/resolv.conf bound in (libslirp's DNS forwarder reads it), no
 * capabilities in any set, no_new_privs, not dumpable, rlimits (no core, no
 * file writes, bounded memory and descriptors), and a seccomp allowlist of
 * the calls libslirp, glib's allocator and the relay make (helper_filter).
 * It dies with entrun (PR_SET_PDEATHSIG), and entrun ends the sandbox with
 * exit 125 if it dies first. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "netsetup.h"
#include "sandbox.h"
#include "util.h"

#define CTL_FD 3
#define PID1_FD 4
#define CONFIG_MAX 65536

/* Memory when resources.memory sets none (RLIMIT_DATA): fragments never
 * reach libslirp (the frame filter drops them), so what grows with the
 * sandbox's traffic is its flows, and those are bounded by descriptors:
 * one per NAT flow, two per proxied connection.  A TCP flow of libslirp's
 * buffers up to two socket buffers of 192 KiB (4.7: 128 KiB rounded up to
 * whole segments of the tap's 65520-byte MTU) beside its control blocks:
 * HELPER_FLOW_BYTES.  The descriptor limit is what fits the memory once
 * HELPER_BASE_BYTES (libslirp, glib, mbufs, the relays' buffers, the
 * poll set; an idle helper has under 1 MiB of data) is set aside, between
 * HELPER_NOFILE_MIN and HELPER_NOFILE_MAX: 1,187 descriptors in the
 * default 512 MiB, some 1,180 flows (measured: 1,182 TCP flows held full
 * take 458 MiB of data; slirp4netns, at the usual soft limit of 1,024
 * descriptors, carries about as many).  A flow past the limit fails
 * (the guest's connect gets a reset, its datagram is dropped) and a host
 * client of a published TCP port waits in the backlog; the helper never
 * grows past its memory bound.  (libslirp aborts when an allocation fails,
 * which ends the sandbox, 125.  A guest that sends raw frames, under
 * network.admin, gets there with one flow: libslirp sizes every mbuf by the
 * MTU, and each 1-byte out-of-order segment it queues holds one, 64 KiB.)
 * A UDP publish's sockets come on top (UDP_PUBLISH_FDS): the relay's host
 * socket and its clients' inner ones, whose slots any local user can fill,
 * must not eat into the sandbox's own flows. */
#define HELPER_MEMORY_DEFAULT (512ULL << 20)
#define HELPER_FLOW_BYTES (400ULL << 10)
#define HELPER_BASE_BYTES (48ULL << 20)
#define HELPER_NOFILE_MIN 64
#define HELPER_NOFILE_MAX 4096
#define UDP_PUBLISH_FDS (NETSETUP_UDP_CLIENTS + NETSETUP_UDP_SPARE + 1)

/* Say why on the report socket (entrun prints it) and end. */
static __attribute__ ((noreturn, format (printf, 1, 2))) void
helper_fail (const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  int n;

  msg[0] = 'E';
  va_start (ap, fmt);
  n = vsnprintf (msg + 1, sizeof (msg) - 1, fmt, ap);
  va_end (ap);
  if (n < 0)
    n = 0;
  if ((size_t)n > sizeof (msg) - 2)
    n = (int)sizeof (msg) - 2;
  if (send (CTL_FD, msg, (size_t)n + 1, MSG_NOSIGNAL) < 0)
    {
      /* entrun is gone: nobody to tell. */
    }
  _exit (ENTRUN_EXIT_ERROR);
}

static void
write_own_map (const char *file, const char *content)
{
  int ret = write_file_at (AT_FDCWD, file, content, strlen (content));

  if (ret < 0)
    helper_fail ("network helper: writing %s: %s", file, strerror (-ret));
}

/* The mount flags a bind of @path must keep: a user namespace may not
 * clear the nosuid/nodev/noexec/ro of a mount it did not make. */
static unsigned long
locked_flags (const char *path)
{
  struct statvfs sv;
  unsigned long f = 0;

  if (statvfs (path, &sv) < 0)
    helper_fail ("network helper: statvfs %s: %s", path, strerror (errno));
  f |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
  f |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
  f |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
  f |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
  f |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
  f |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
  return f;
}

/* The filesystem: an empty, read-only tmpfs root, with the host's
 * resolv.conf (the file it names, resolved now) bound read-only. */
static void
confine_filesystem (void)
{
  char map[64], resolv[PATH_MAX];
  bool have_resolv = realpath ("/etc/resolv.conf", resolv) != NULL;
  unsigned uid = (unsigned)getuid (), gid = (unsigned)getgid (); /* unmapped once unshared */
  char resolv_src[64] = "";
  int fd, resolv_fd = -1;

  snprintf (map, sizeof (map), "%u %u 1\n", uid, uid);
  if (unshare (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
    helper_fail ("network helper: creating its namespaces: %s", strerror (errno));
  write_own_map ("/proc/self/setgroups", "deny");
  write_own_map ("/proc/self/uid_map", map);
  snprintf (map, sizeof (map), "%u %u 1\n", gid, gid);
  write_own_map ("/proc/self/gid_map", map);
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    helper_fail ("network helper: private mounts: %s", strerror (errno));
  /* Held before the staging tmpfs covers /tmp: the file may live there
   * (/etc/resolv.conf -> /tmp/...); bound through /proc/self/fd below. */
  if (have_resolv && (resolv_fd = open (resolv, O_PATH | O_CLOEXEC)) < 0)
    helper_fail ("network helper: %s: %s", resolv, strerror (errno));
  if (have_resolv)
    snprintf (resolv_src, sizeof (resolv_src), "/proc/self/fd/%d", resolv_fd);
  if (mount ("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             "size=16k,nr_inodes=8,mode=0555")
          < 0
      || chdir ("/tmp") < 0)
    helper_fail ("network helper: its root: %s", strerror (errno));
  if (have_resolv)
    {
      if (mkdir ("etc", 0555) < 0
          || (fd = open ("etc/resolv.conf", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444)) < 0)
        helper_fail ("network helper: its /etc: %s", strerror (errno));
      close (fd);
      if (mount (resolv_src, "etc/resolv.conf", NULL, MS_BIND, NULL) < 0
          || mount (NULL, "etc/resolv.conf", NULL,
                    MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags (resolv_src), NULL)
                 < 0)
        helper_fail ("network helper: binding %s: %s", resolv, strerror (errno));
      close (resolv_fd);
    }
  /* glib seeds libslirp's random numbers (TCP initial sequence numbers,
   * DNS ids) from /dev/urandom, else from the time and pids. */
  if (mkdir ("dev", 0555) < 0
      || (fd = open ("dev/urandom", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444)) < 0)
    helper_fail ("network helper: its /dev: %s", strerror (errno));
  close (fd);
  if (mount ("/dev/urandom", "dev/urandom", NULL, MS_BIND, NULL) < 0
      || mount (NULL, "dev/urandom", NULL,
                MS_BIND | MS_REMOUNT | MS_RDONLY | locked_flags ("/dev/urandom"), NULL)
             < 0)
    helper_fail ("network helper: binding /dev/urandom: %s", strerror (errno));
  /* The new root stacked over the old one, which is then detached. */
  if (syscall (SYS_pivot_root, ".", ".") < 0 || umount2 (".", MNT_DETACH) < 0 || chdir ("/") < 0)
    helper_fail ("network helper: pivot_root: %s", strerror (errno));
  if (mount (NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
    helper_fail ("network helper: a read-only root: %s", strerror (errno));
}

static void
set_limit (int resource, rlim_t value, const char *name)
{
  struct rlimit rl;

  if (getrlimit (resource, &rl) < 0)
    helper_fail ("network helper: getrlimit %s: %s", name, strerror (errno));
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < value)
    value = rl.rlim_max;
  rl.rlim_cur = rl.rlim_max = value;
  if (setrlimit (resource, &rl) < 0)
    helper_fail ("network helper: setrlimit %s: %s", name, strerror (errno));
}

/* The descriptors (so the flows) that fit @memory: see above. */
static rlim_t
nofile_for (uint64_t memory)
{
  uint64_t n = memory > HELPER_BASE_BYTES ? (memory - HELPER_BASE_BYTES) / HELPER_FLOW_BYTES : 0;

  return n < HELPER_NOFILE_MIN ? HELPER_NOFILE_MIN : n > HELPER_NOFILE_MAX ? HELPER_NOFILE_MAX : n;
}

static void
confine_limits (const netsetup_config_t *c)
{
  uint64_t memory = c->memory ? c->memory : HELPER_MEMORY_DEFAULT;
  rlim_t nofile = nofile_for (memory);

  for (uint32_t i = 0; i < c->n_publish; i++)
    nofile += c->publish[i].udp ? UDP_PUBLISH_FDS : 0;
  set_limit (RLIMIT_CORE, 0, "RLIMIT_CORE");
  set_limit (RLIMIT_FSIZE, 0, "RLIMIT_FSIZE");
  set_limit (RLIMIT_NOFILE, nofile, "RLIMIT_NOFILE");
  set_limit (RLIMIT_MEMLOCK, 0, "RLIMIT_MEMLOCK");
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
  /* (A sanitizer's shadow memory counts as data: not under sanitizers.) */
  set_limit (RLIMIT_DATA, memory, "RLIMIT_DATA");
#endif
}

static void
confine_syscalls (bool started)
{
  int ret = entrun_nethelper_filter (started);

  if (ret < 0)
    helper_fail ("network helper: its seccomp filter: %s", strerror (-ret));
}

/* Every set empty, the bounding and ambient sets too: the helper keeps no
 * capability even over its own namespaces. */
static void
drop_all_caps (void)
{
  const char *step;
  int ret = drop_all_capabilities (&step);

  if (ret < 0)
    helper_fail ("network helper: %s: %s", step, strerror (-ret));
}

/* The second wall behind its mount namespace and its seccomp filter
 * (launcher/landlock.c): no file but the two it reads, TCP binds only to
 * the published ports, and under network.proxy TCP connects only to the
 * proxy's port (under network.user the NAT connects anywhere: that is the
 * level). */
static void
confine_landlock (const netsetup_config_t *c)
{
  static const char *const files[] = { "/etc/resolv.conf", "/dev/urandom", NULL };
  const struct sockaddr_in *in4 = (const struct sockaddr_in *)&c->proxy;
  const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&c->proxy;
  uint16_t ports[NETSETUP_PUBLISH_MAX], proxy = 0;
  const char *step = "Landlock";
  size_t n = 0;
  int ret;

  for (uint32_t i = 0; i < c->n_publish && n < N_ELEMENTS (ports); i++)
    if (!c->publish[i].udp)
      ports[n++] = c->publish[i].host_port;
  if (c->mode == ENT_NET_PROXY)
    proxy = ntohs (c->proxy.ss_family == AF_INET6 ? in6->sin6_port : in4->sin_port);
  if ((ret = entrun_landlock_helper (files, ports, n, proxy, &step)) < 0)
    helper_fail ("network helper: %s: %s", step, strerror (-ret));
}

static void
confine (const netsetup_config_t *c)
{
  confine_filesystem ();
  confine_limits (c);
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    helper_fail ("network helper: PR_SET_DUMPABLE: %s", strerror (errno));
  drop_all_caps ();
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    helper_fail ("network helper: no_new_privs: %s", strerror (errno));
  confine_landlock (c);
  confine_syscalls (false);
}

void
entrun_nethelper_main (void)
{
  static union
  {
    netsetup_config_t c;
    char bytes[CONFIG_MAX];
  } config;
  netsetup_engine_t *engine = NULL;
  ent_error_t *err = NULL;
  struct ucred peer;
  socklen_t peer_len = sizeof (peer);
  ssize_t len;
  int fd, ret;

  /* Our death signal, then is entrun still there?  Its pid is the one
   * that made the report socket. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
      || getsockopt (CTL_FD, SOL_SOCKET, SO_PEERCRED, &peer, &peer_len) < 0
      || getppid () != peer.pid)
    _exit (ENTRUN_EXIT_ERROR);
  /* libslirp writes to sockets whose peer may be gone: EPIPE, not a
   * signal. */
  signal (SIGPIPE, SIG_IGN);
  len = recv (CTL_FD, config.bytes, sizeof (config.bytes), MSG_TRUNC);
  if (len <= 0)
    _exit (ENTRUN_EXIT_ERROR); /* entrun is gone */
  if ((size_t)len > sizeof (config.bytes))
    helper_fail ("network helper: a configuration of %zd bytes", len);
  /* Loads libslirp: before the filesystem goes away. */
  if (netsetup_engine_new (&config.c, (size_t)len, &engine, &err) < 0)
    helper_fail ("%s", ent_error_message (err));
  confine (&config.c);

  /* Only now the sandbox's descriptors, and its bytes. */
  if ((fd = netsetup_recv_fd (PID1_FD)) == -EPIPE)
    goto pid1_gone;
  if (fd < 0)
    helper_fail ("network helper: receiving the sandbox's network: %s", strerror (-fd));
  size_t n_udp = netsetup_engine_udp_fds (engine);
  int *udp = calloc (n_udp + 1, sizeof (int));
  if (udp == NULL)
    helper_fail ("network helper: out of memory");
  for (size_t i = 0; i < n_udp; i++)
    if ((udp[i] = netsetup_recv_fd (PID1_FD)) == -EPIPE)
      goto pid1_gone;
    else if (udp[i] < 0)
      helper_fail ("network helper: receiving the sandbox's UDP sockets: %s", strerror (-udp[i]));
  if (netsetup_engine_start (engine, fd, udp, &err) < 0)
    helper_fail ("%s", ent_error_message (err));
  free (udp);
  /* Its ports are bound: no more bind or listen. */
  confine_syscalls (true);
  /* entrun first: were the helper to die between the two, entrun would
   * take it for a crash of a running network and stop the sandbox. */
  if (send (CTL_FD, "R", 1, MSG_NOSIGNAL) < 0)
    _exit (ENTRUN_EXIT_ERROR);
  if (send (PID1_FD, "R", 1, MSG_NOSIGNAL) < 0)
    goto pid1_gone;
  /* Kept where pid 1 makes the UDP publish relay's sockets. */
  netsetup_engine_set_pid1 (engine, PID1_FD);
  ret = netsetup_engine_run (engine, CTL_FD);
  if (ret < 0)
    helper_fail ("network helper: its event loop: %s", strerror (-ret));
  _exit (0);

pid1_gone:
  /* pid 1 failed before the network was up, and said why itself. */
  if (send (CTL_FD, "P", 1, MSG_NOSIGNAL) < 0)
    {
      /* entrun is gone too */
    }
  _exit (ENTRUN_EXIT_ERROR);
}
