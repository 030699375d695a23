/* entrun — network setup inside the sandbox's network namespace (see
 * netsetup.h).  Runs in the sandbox's pid 1, which holds CAP_NET_ADMIN over
 * that namespace. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ent-util.h"
#include "netsetup.h"

static void
sock_freep (struct nl_sock **s)
{
  if (*s)
    nl_socket_free (*s);
}

static void
link_putp (struct rtnl_link **l)
{
  if (*l)
    rtnl_link_put (*l);
}

static void
addr_putp (struct nl_addr **a)
{
  if (*a)
    nl_addr_put (*a);
}

static void
rtaddr_putp (struct rtnl_addr **a)
{
  if (*a)
    rtnl_addr_put (*a);
}

static void
route_putp (struct rtnl_route **r)
{
  if (*r)
    rtnl_route_put (*r);
}

#define cleanup_nl_sock __attribute__ ((cleanup (sock_freep)))
#define cleanup_rtnl_link __attribute__ ((cleanup (link_putp)))
#define cleanup_nl_addr __attribute__ ((cleanup (addr_putp)))
#define cleanup_rtnl_addr __attribute__ ((cleanup (rtaddr_putp)))
#define cleanup_rtnl_route __attribute__ ((cleanup (route_putp)))

/* libnl turns errno into codes of its own, and every errno it has no code
 * for into "Unspecific failure".  When a system call failed, errno still
 * holds the kernel's answer (the callers clear it first): report that,
 * as the fail-closed invariant wants, and libnl's text otherwise (an error
 * the kernel sent back in a netlink message). */
static int
nl_fail (ent_error_t **err, const char *step, int nlerr)
{
  int e = errno;

  if (e > 0 && nl_syserr2nlerr (e) == -nlerr)
    return ent_error_set (err, e, "network setup: %s: %s", step, strerror (e));
  return ent_error_set (err, EIO, "network setup: %s: %s", step, nl_geterror (nlerr));
}

static int
nl_open (struct nl_sock **out, ent_error_t **err)
{
  struct nl_sock *sk = nl_socket_alloc ();
  int ret;

  if (sk == NULL)
    return ent_error_set (err, ENOMEM, "network setup: out of memory");
  errno = 0;
  if ((ret = nl_connect (sk, NETLINK_ROUTE)) < 0)
    {
      nl_socket_free (sk);
      return nl_fail (err, "netlink connect", ret);
    }
  *out = sk;
  return 0;
}

/* Set @ifindex up (and its MTU when @mtu > 0). */
static int
link_up (struct nl_sock *sk, int ifindex, unsigned mtu, ent_error_t **err)
{
  cleanup_rtnl_link struct rtnl_link *orig = rtnl_link_alloc ();
  cleanup_rtnl_link struct rtnl_link *change = rtnl_link_alloc ();
  int ret;

  if (orig == NULL || change == NULL)
    return ent_error_set (err, ENOMEM, "network setup: out of memory");
  rtnl_link_set_ifindex (orig, ifindex);
  rtnl_link_set_flags (change, IFF_UP);
  if (mtu)
    rtnl_link_set_mtu (change, mtu);
  errno = 0;
  if ((ret = rtnl_link_change (sk, orig, change, 0)) < 0)
    return nl_fail (err, "bringing a link up", ret);
  return 0;
}

/* lo up with two ioctls on a throwaway socket (its flags, then them with
 * IFF_UP): the same change as an RTM_NEWLINK, without building a netlink
 * socket and messages for it (~0.2 ms of every start, tests/bench/).  In
 * a new network namespace lo is always there, down. */
int
netsetup_loopback_up (ent_error_t **err)
{
  struct ifreq ifr = { .ifr_name = "lo" };
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (fd < 0 || ioctl (fd, SIOCGIFFLAGS, &ifr) < 0
      || (ifr.ifr_flags |= IFF_UP, ioctl (fd, SIOCSIFFLAGS, &ifr) < 0))
    return ent_error_set (err, errno, "network setup: bringing lo up: %s", strerror (errno));
  return 0;
}

static int
add_address (struct nl_sock *sk, int ifindex, ent_error_t **err)
{
  cleanup_rtnl_addr struct rtnl_addr *a = rtnl_addr_alloc ();
  cleanup_nl_addr struct nl_addr *local = NULL;
  int ret;

  if (a == NULL)
    return ent_error_set (err, ENOMEM, "network setup: out of memory");
  if ((ret = nl_addr_parse (NETSETUP_TAP_ADDR "/24", AF_INET, &local)) < 0)
    return nl_fail (err, "parsing the tap address", ret);
  rtnl_addr_set_ifindex (a, ifindex);
  errno = 0;
  if ((ret = rtnl_addr_set_local (a, local)) < 0 || (ret = rtnl_addr_add (sk, a, 0)) < 0)
    return nl_fail (err, "adding " NETSETUP_TAP_ADDR "/24 to " NETSETUP_TAP_NAME, ret);
  return 0;
}

static int
add_default_route (struct nl_sock *sk, int ifindex, ent_error_t **err)
{
  cleanup_rtnl_route struct rtnl_route *r = rtnl_route_alloc ();
  cleanup_nl_addr struct nl_addr *dst = NULL;
  cleanup_nl_addr struct nl_addr *gw = NULL;
  struct rtnl_nexthop *nh = rtnl_route_nh_alloc ();
  int ret;

  if (r == NULL || nh == NULL)
    {
      if (nh)
        rtnl_route_nh_free (nh);
      return ent_error_set (err, ENOMEM, "network setup: out of memory");
    }
  if ((ret = nl_addr_parse ("0.0.0.0/0", AF_INET, &dst)) < 0
      || (ret = nl_addr_parse (NETSETUP_GATEWAY, AF_INET, &gw)) < 0)
    {
      rtnl_route_nh_free (nh);
      return nl_fail (err, "parsing the default route", ret);
    }
  rtnl_route_set_family (r, AF_INET);
  rtnl_route_set_dst (r, dst);
  rtnl_route_nh_set_ifindex (nh, ifindex);
  rtnl_route_nh_set_gateway (nh, gw);
  rtnl_route_add_nexthop (r, nh); /* the route owns @nh now */
  errno = 0;
  if ((ret = rtnl_route_add (sk, r, 0)) < 0)
    return nl_fail (err, "adding the default route via " NETSETUP_GATEWAY, ret);
  return 0;
}

/* Create tap0 (IFF_TAP | IFF_NO_PI: plain ethernet frames, as libslirp
 * wants them); netsetup_inside_configure() configures it with libnl. */
static int
open_tun (int tun_path)
{
  char path[64];

  if (tun_path < 0)
    return open ("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  snprintf (path, sizeof (path), "/proc/self/fd/%d", tun_path);
  return open (path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
}

static int
make_tap (int tun_path, int *fd_out, ent_error_t **err)
{
  cleanup_close int fd = open_tun (tun_path);
  struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };

  if (fd < 0)
    return ent_error_set (err, errno,
                          "network.user: cannot open /dev/net/tun: %s (it must exist and be "
                          "mode 0666, as most distributions ship it)",
                          strerror (errno));
  strncpy (ifr.ifr_name, NETSETUP_TAP_NAME, IFNAMSIZ - 1);
  if (ioctl (fd, TUNSETIFF, &ifr) < 0)
    return ent_error_set (err, errno, "network.user: creating " NETSETUP_TAP_NAME ": %s",
                          strerror (errno));
  *fd_out = steal_fd (&fd);
  return 0;
}

int
netsetup_inside_configure (const ent_profile_t *p, ent_error_t **err)
{
  cleanup_nl_sock struct nl_sock *sk = NULL;
  int ifindex, ret;

  if (p->net.mode != ENT_NET_USER)
    return 0;
  ifindex = (int)if_nametoindex (NETSETUP_TAP_NAME);
  if (ifindex == 0)
    return ent_error_set (err, errno, "network.user: " NETSETUP_TAP_NAME " vanished");
  if ((ret = nl_open (&sk, err)) < 0 || (ret = link_up (sk, 1, 0, err)) < 0
      || (ret = link_up (sk, ifindex, NETSETUP_MTU, err)) < 0
      || (ret = add_address (sk, ifindex, err)) < 0
      || (ret = add_default_route (sk, ifindex, err)) < 0)
    return ret;
  return 0;
}

/* The relay's listening socket, 127.0.0.1:3128 in the sandbox's namespace;
 * entrun accepts on it from outside. */
static int
make_proxy_listener (int *fd_out, ent_error_t **err)
{
  struct sockaddr_in sin = { .sin_family = AF_INET,
                             .sin_port = htons (NETSETUP_PROXY_PORT),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  cleanup_close int fd = -1;
  int ret = netsetup_loopback_up (err);

  if (ret < 0)
    return ret;
  /* Made only now: bringing lo up would clobber the errno of a failure. */
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0 || bind (fd, (struct sockaddr *)&sin, sizeof (sin)) < 0 || listen (fd, 128) < 0)
    return ent_error_set (err, errno, "network.proxy: listening on 127.0.0.1:%d: %s",
                          NETSETUP_PROXY_PORT, strerror (errno));
  *fd_out = steal_fd (&fd);
  return 0;
}

bool
netsetup_needs_engine (const ent_profile_t *p)
{
  return p->ns.create[ENT_NS_NET] && (p->net.mode == ENT_NET_USER || p->net.mode == ENT_NET_PROXY);
}

int
netsetup_inside (const ent_profile_t *p, int tun_path, int *fd_out, ent_error_t **err)
{
  *fd_out = -1;
  switch (p->net.mode)
    {
    case ENT_NET_HOST:
      return 0;
    case ENT_NET_NONE:
      return netsetup_loopback_up (err);
    case ENT_NET_USER:
      return make_tap (tun_path, fd_out, err);
    case ENT_NET_PROXY:
      return make_proxy_listener (fd_out, err);
    default:
      return ent_error_set (err, EINVAL, "unknown network mode %d", (int)p->net.mode);
    }
}

const char *
netsetup_resolv_conf (void)
{
  return "# generated by entrun: DNS through the user-mode NAT\nnameserver " NETSETUP_DNS "\n";
}

int
netsetup_send_fd_msg (int sock, int fd, const void *data, size_t len, int flags)
{
  struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
  struct cmsghdr *c;

  if (fd >= 0)
    {
      memset (u.buf, 0, sizeof (u.buf));
      msg.msg_control = u.buf;
      msg.msg_controllen = sizeof (u.buf);
      c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof (int));
    }
  while (sendmsg (sock, &msg, flags | MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -errno;
  return 0;
}

int
netsetup_send_fd (int sock, int fd)
{
  return netsetup_send_fd_msg (sock, fd, "F", 1, 0);
}

int
netsetup_recv_fd_msg (int sock, void *data, size_t len, size_t *got, int flags)
{
  struct iovec iov = { .iov_base = data, .iov_len = len };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof (u.buf)
  };
  struct cmsghdr *c;
  ssize_t n;
  int fd;

  while ((n = recvmsg (sock, &msg, flags | MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return -errno;
  if (n == 0)
    return -EPIPE;
  *got = (size_t)n < len ? (size_t)n : len;
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL)
    return -ENOMSG;
  /* The buffer has room for one descriptor: more were dropped by the
   * kernel (MSG_CTRUNC), and anything but SCM_RIGHTS carries none. */
  if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS
      || c->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
          && c->cmsg_len >= CMSG_LEN (sizeof (int)))
        {
          memcpy (&fd, CMSG_DATA (c), sizeof (int));
          close (fd);
        }
      return -EPROTO;
    }
  memcpy (&fd, CMSG_DATA (c), sizeof (int));
  return fd;
}

int
netsetup_recv_fd (int sock)
{
  char byte;
  size_t got;
  int fd = netsetup_recv_fd_msg (sock, &byte, 1, &got, 0);

  return fd == -ENOMSG ? -EPROTO : fd;
}

bool
netsetup_udp_service (const ent_profile_t *p)
{
  if (!netsetup_needs_engine (p) || p->net.mode != ENT_NET_USER)
    return false;
  for (size_t i = 0; i < p->net.n_publish; i++)
    if (p->net.publish[i].udp)
      return true;
  return false;
}

/* The @index-th UDP publish of @p, or NULL. */
static const ent_publish_t *
udp_publish_at (const ent_profile_t *p, size_t index)
{
  for (size_t i = 0; i < p->net.n_publish; i++)
    if (p->net.publish[i].udp && index-- == 0)
      return &p->net.publish[i];
  return NULL;
}

/* A UDP socket connected to 10.0.2.100:@port (it takes a fresh local port
 * there), or -errno. */
static int
udp_socket_to (uint16_t port)
{
  struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons (port) };
  cleanup_close int fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  inet_pton (AF_INET, NETSETUP_TAP_ADDR, &dst.sin_addr);
  if (fd < 0 || connect (fd, (struct sockaddr *)&dst, sizeof (dst)) < 0)
    return -errno;
  return steal_fd (&fd);
}

int
netsetup_send_udp_sockets (const ent_profile_t *p, int sock, ent_error_t **err)
{
  const ent_publish_t *pub;

  for (uint16_t i = 0; (pub = udp_publish_at (p, i)) != NULL; i++)
    for (int j = 0; j < NETSETUP_UDP_SPARE; j++)
      {
        netsetup_udp_msg_t msg = { .tag = NETSETUP_UDP_TAG, .index = i };
        cleanup_close int fd = udp_socket_to (pub->sandbox_port);
        int ret;
        if (fd < 0)
          return ent_error_set (err, -fd, "network.publish: a UDP socket inside: %s",
                                strerror (-fd));
        if ((ret = netsetup_send_fd_msg (sock, fd, &msg, sizeof (msg), 0)) < 0)
          return ent_error_set (err, -ret, "network.publish: handing a UDP socket out: %s",
                                strerror (-ret));
      }
  return 0;
}

/* pid 1 serves this while the command runs, so it must never block, nor
 * trust the request beyond its shape: a request names a UDP publish of
 * pid 1's own profile by number, and the answer is a new socket to that
 * publish's port (or none), sent without waiting.  The helper asks for a
 * bounded number at a time (udp-publish.c); a request pid 1 cannot answer
 * at once (a full socket) is dropped, and the helper forgets it. */
int
netsetup_udp_serve (const ent_profile_t *p, int sock)
{
  netsetup_udp_msg_t msg;
  const ent_publish_t *pub;
  cleanup_close int fd = -1;
  ssize_t n = recv (sock, &msg, sizeof (msg), MSG_DONTWAIT | MSG_TRUNC);
  int ret;

  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : -errno;
  if (n == 0)
    return -EPIPE;
  if (n != sizeof (msg) || msg.tag != NETSETUP_UDP_TAG
      || (pub = udp_publish_at (p, msg.index)) == NULL)
    return -EPROTO;
  fd = udp_socket_to (pub->sandbox_port);
  ret = netsetup_send_fd_msg (sock, fd, &msg, sizeof (msg), MSG_DONTWAIT);
  return ret == -EAGAIN ? 0 : ret;
}
