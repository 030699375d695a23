/* entrun — the network engine (see netsetup.h).  Runs in the network
 * helper, a confined process of its own (launcher/nethelper.c): every byte
 * here comes from the sandbox or from the network, and a bug in libslirp
 * must not hand anyone entrun's rights.
 *
 * network.user: libslirp's user-mode TCP/IP stack runs on the tap fd pid 1
 * handed out; every frame passes the frame filter (frame-filter.c) before
 * libslirp sees it.  The host's loopback stays out of reach (the filter,
 * and libslirp's disable_host_loopback) unless network.host-loopback.
 *
 * network.proxy: pid 1 handed out a socket listening on 127.0.0.1:3128 in
 * the sandbox's namespace; the helper accepts on it and relays each
 * connection, byte for byte, to the proxy given in network.proxy=URL.
 * Nothing else leaves the sandbox. */
#include "config.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <sched.h>
#include <netdb.h>
#include <slirp/libslirp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ent-util.h"
#include "frame-filter.h"
#include "netsetup.h"
#include "udp-publish.h"

#define FRAME_MAX (NETSETUP_MTU + 64)
#define RELAY_MAX 64
#define RELAY_BUF 16384
/* At the descriptor limit, listeners leave the poll set (an accept() that
 * fails with EMFILE leaves them readable: a spin); this often it is seen
 * whether descriptors are free again. */
#define FD_RETRY_MS 100

typedef struct engine_timer
{
  SlirpTimerCb cb;
  void *cb_opaque;
  int64_t expire_ms; /* -1: not armed */
  struct engine_timer *next;
} engine_timer_t;

/* One proxied connection.  Each side's poll events say exactly what the
 * relay will do with it (read when there is room, write when there is
 * something to write); errors end the connection, and a side that hung up
 * leaves the poll set for good (its POLLHUP would be reported every
 * round): what it still holds is read when there is room for it. */
typedef struct relay
{
  int fd[2];              /* 0: sandbox side, 1: proxy side; -1 when unused */
  char buf[2][RELAY_BUF]; /* buf[i]: read from fd[i], to write to fd[1 - i] */
  size_t len[2];
  bool eof[2]; /* fd[i] read to its end */
  bool hup[2]; /* fd[i] hung up: both its directions are done */
  bool connecting;
  int idx[2]; /* their pollfds this round */
} relay_t;

struct netsetup_engine
{
  ent_net_mode_t mode;
  bool host_loopback;
  ent_publish_t *publish;
  size_t n_publish;
  int stop_fd;
  /* At the descriptor limit: listeners are not polled (see fds_check). */
  bool fd_short;
  int64_t fd_probe_ms;
  /* network.user */
  Slirp *slirp;
  int tapfd;
  int tap_idx; /* its pollfd this round, or -1 */
  netsetup_frame_config_t filter;
  uint32_t host[NETSETUP_HOST_ADDRS_MAX]; /* filter.host points here */
  uint16_t published[NETSETUP_PUBLISH_MAX]; /* and filter.published here */
  engine_timer_t *timers;
  udp_publish_t *udp;
  /* libslirp's listening sockets (TCP publishes): listener_of[fd] is 1 +
   * their number for fd < n_listener_of; listener_idx[k] their pollfd. */
  uint16_t *listener_of;
  int n_listener_of;
  int listener_idx[NETSETUP_PUBLISH_MAX];
  size_t n_listeners;
  /* The poll set of one round, grown with the flows. */
  struct pollfd *pfd;
  size_t pfd_n, pfd_cap;
  bool pfd_short; /* an add_pollfd() failed this round */
  int listen_idx; /* network.proxy: the listener's pollfd this round */
  /* network.proxy */
  struct sockaddr_storage proxy;
  socklen_t proxy_len;
  int listen_fd;
  relay_t *relays;
};

/* libslirp is loaded only for network.user/admin: linked normally it would
 * bring glib into every start of entrun (~0.5 ms), and most sandboxes have
 * no network at all.  The table holds the few functions the engine uses. */
static struct
{
  void *handle;
  Slirp *(*new_) (const SlirpConfig *, const SlirpCb *, void *);
  void (*cleanup) (Slirp *);
  int (*add_hostfwd) (Slirp *, int, struct in_addr, int, struct in_addr, int);
  void (*pollfds_fill) (Slirp *, uint32_t *, SlirpAddPollCb, void *);
  void (*pollfds_poll) (Slirp *, int, SlirpGetREventsCb, void *);
  void (*input) (Slirp *, const uint8_t *, int);
} slirp_lib;

static int
load_slirp (ent_error_t **err)
{
  static const char *const names[]
      = { "slirp_new",          "slirp_cleanup",      "slirp_add_hostfwd",
          "slirp_pollfds_fill", "slirp_pollfds_poll", "slirp_input" };
  void **slots[] = { (void **)&slirp_lib.new_,         (void **)&slirp_lib.cleanup,
                     (void **)&slirp_lib.add_hostfwd,  (void **)&slirp_lib.pollfds_fill,
                     (void **)&slirp_lib.pollfds_poll, (void **)&slirp_lib.input };

  if (slirp_lib.handle)
    return 0;
  slirp_lib.handle = dlopen (LIBSLIRP_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (slirp_lib.handle == NULL)
    return ent_error_set (err, ENOENT, "network.user needs libslirp (Debian package libslirp0): %s",
                          dlerror ());
  for (size_t i = 0; i < sizeof (names) / sizeof (names[0]); i++)
    if ((*slots[i] = dlsym (slirp_lib.handle, names[i])) == NULL)
      return ent_error_set (err, ENOENT, "network.user: libslirp lacks %s", names[i]);
  return 0;
}

static int64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t
now_ms (void)
{
  return now_ns () / 1000000;
}

/* ---- libslirp callbacks ---------------------------------------------------- */

static ssize_t
cb_send_packet (const void *buf, size_t len, void *opaque)
{
  netsetup_engine_t *e = opaque;
  ssize_t n = write (e->tapfd, buf, len);

  /* A full tap queue drops the frame; TCP retransmits, as on a wire. */
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return (ssize_t)len;
  return n;
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
  return now_ns ();
}

static void *
cb_timer_new (SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
  netsetup_engine_t *e = opaque;
  engine_timer_t *t = calloc (1, sizeof (*t));

  if (t == NULL)
    abort (); /* libslirp cannot take a failure here */
  t->cb = cb;
  t->cb_opaque = cb_opaque;
  t->expire_ms = -1;
  t->next = e->timers;
  e->timers = t;
  return t;
}

static void
cb_timer_free (void *timer, void *opaque)
{
  netsetup_engine_t *e = opaque;

  for (engine_timer_t **pp = &e->timers; *pp; pp = &(*pp)->next)
    if (*pp == timer)
      {
        *pp = (*pp)->next;
        free (timer);
        return;
      }
}

static void
cb_timer_mod (void *timer, int64_t expire_ms, void *opaque)
{
  (void)opaque;
  ((engine_timer_t *)timer)->expire_ms = expire_ms;
}

static void
cb_noop_fd (int fd, void *opaque)
{
  (void)fd, (void)opaque;
}

static void
cb_notify (void *opaque)
{
  (void)opaque;
}

static const SlirpCb slirp_callbacks = {
  .send_packet = cb_send_packet,
  .guest_error = cb_guest_error,
  .clock_get_ns = cb_clock_get_ns,
  .timer_new = cb_timer_new,
  .timer_free = cb_timer_free,
  .timer_mod = cb_timer_mod,
  .register_poll_fd = cb_noop_fd,
  .unregister_poll_fd = cb_noop_fd,
  .notify = cb_notify,
};

/* Add one fd to this round's poll set; its index, or -1 when memory is
 * short (the fd sits this round out). */
static int
add_pollfd (netsetup_engine_t *e, int fd, short events)
{
  if (e->pfd_n >= e->pfd_cap)
    {
      size_t cap = e->pfd_cap ? e->pfd_cap * 2 : 64;
      struct pollfd *p = reallocarray (e->pfd, cap, sizeof (*p));
      if (p == NULL)
        {
          e->pfd_short = true;
          return -1;
        }
      e->pfd = p;
      e->pfd_cap = cap;
    }
  e->pfd[e->pfd_n] = (struct pollfd){ .fd = fd, .events = events };
  return (int)e->pfd_n++;
}

static int
cb_add_poll (int fd, int events, void *opaque)
{
  netsetup_engine_t *e = opaque;
  int listener = fd >= 0 && fd < e->n_listener_of ? e->listener_of[fd] : 0;
  short ev = 0;
  int idx;

  /* A listener at the descriptor limit: see fds_check. */
  if (listener && e->fd_short)
    return -1;
  ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
  ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
  ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
  idx = add_pollfd (e, fd, ev);
  if (listener)
    e->listener_idx[listener - 1] = idx;
  return idx;
}

static int
cb_get_revents (int idx, void *opaque)
{
  netsetup_engine_t *e = opaque;
  short r;
  int out = 0;

  if (idx < 0 || (size_t)idx >= e->pfd_n)
    return 0;
  r = e->pfd[idx].revents;
  out |= (r & POLLIN) ? SLIRP_POLL_IN : 0;
  out |= (r & POLLOUT) ? SLIRP_POLL_OUT : 0;
  out |= (r & POLLPRI) ? SLIRP_POLL_PRI : 0;
  out |= (r & POLLERR) ? SLIRP_POLL_ERR : 0;
  out |= (r & POLLHUP) ? SLIRP_POLL_HUP : 0;
  return out;
}

/* ---- setup ------------------------------------------------------------------- */

/* Resolve the proxy of network.proxy=http://HOST:PORT[/] now, before the
 * sandbox exists: an unknown host fails closed with exit 125. */
static int
resolve_proxy (netsetup_config_t *c, const char *url, ent_error_t **err)
{
  cleanup_free char *hostport = strdup (url + strlen ("http://"));
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
  char *host, *port, *slash;
  int ret;

  if (hostport == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  if ((slash = strchr (hostport, '/')))
    *slash = '\0';
  port = strrchr (hostport, ':');
  if (port == NULL)
    return ent_error_set (err, EINVAL, "network.proxy=%s: no port", url);
  *port++ = '\0';
  host = hostport;
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      host[strlen (host) - 1] = '\0';
      host++;
    }
  if ((ret = getaddrinfo (host, port, &hints, &res)) != 0)
    return ent_error_set (err, EHOSTUNREACH, "network.proxy=%s: cannot resolve '%s': %s", url, host,
                          gai_strerror (ret));
  if (res->ai_addrlen > sizeof (c->proxy))
    {
      freeaddrinfo (res);
      return ent_error_set (err, EAFNOSUPPORT, "network.proxy=%s: unusable address", url);
    }
  memcpy (&c->proxy, res->ai_addr, res->ai_addrlen);
  c->proxy_len = (uint32_t)res->ai_addrlen;
  freeaddrinfo (res);
  return 0;
}

/* The host's own IPv4 addresses, for the frame filter: a service bound to
 * 0.0.0.0 on the host is reachable at each, and none may be reached from
 * the sandbox.  (Loopback ones are dropped as 127.0.0.0/8 anyway.) */
static int
host_addresses (netsetup_config_t *c, ent_error_t **err)
{
  struct ifaddrs *ifa = NULL;

  if (getifaddrs (&ifa) < 0)
    return ent_error_set (err, errno, "network: listing the host's addresses: %s",
                          strerror (errno));
  for (struct ifaddrs *i = ifa; i; i = i->ifa_next)
    {
      uint32_t a;
      bool seen = false;
      if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
        continue;
      a = ntohl (((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
      if ((a >> 24) == 127)
        continue;
      for (uint32_t k = 0; k < c->n_host; k++)
        seen |= c->host[k] == a;
      if (seen)
        continue;
      if (c->n_host == NETSETUP_HOST_ADDRS_MAX)
        {
          freeifaddrs (ifa);
          return ent_error_set (err, E2BIG, "network: the host has more than %d IPv4 addresses",
                                NETSETUP_HOST_ADDRS_MAX);
        }
      c->host[c->n_host++] = a;
    }
  freeifaddrs (ifa);
  return 0;
}

int
netsetup_config_new (const ent_profile_t *p, netsetup_config_t **out, size_t *len,
                     ent_error_t **err)
{
  size_t size;
  netsetup_config_t *c;
  int ret = 0;

  if (p->net.n_publish > NETSETUP_PUBLISH_MAX)
    return ent_error_set (err, E2BIG, "network.publish: at most %d ports", NETSETUP_PUBLISH_MAX);
  size = sizeof (*c) + p->net.n_publish * sizeof (ent_publish_t);
  if ((c = calloc (1, size)) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  c->size = (uint32_t)size;
  c->mode = (int32_t)p->net.mode;
  c->host_loopback = p->net.host_loopback;
  c->memory = p->resources.memory > 0 ? (uint64_t)p->resources.memory : 0;
  c->n_publish = (uint32_t)p->net.n_publish;
  if (p->net.n_publish)
    memcpy (c->publish, p->net.publish, p->net.n_publish * sizeof (ent_publish_t));
  if (p->net.mode == ENT_NET_PROXY)
    ret = resolve_proxy (c, p->net.proxy_url, err);
  else
    ret = host_addresses (c, err);
  if (ret < 0)
    {
      free (c);
      return ret;
    }
  *out = c;
  *len = size;
  return 0;
}

int
netsetup_engine_new (const netsetup_config_t *c, size_t len, netsetup_engine_t **out,
                     ent_error_t **err)
{
  netsetup_engine_t *e;
  int ret = 0;

  if (len < sizeof (*c) || c->size != len || c->n_publish > NETSETUP_PUBLISH_MAX
      || len != sizeof (*c) + c->n_publish * sizeof (ent_publish_t)
      || (c->mode != ENT_NET_USER && c->mode != ENT_NET_PROXY)
      || c->proxy_len > sizeof (c->proxy) || c->n_host > NETSETUP_HOST_ADDRS_MAX)
    return ent_error_set (err, EINVAL, "network helper: a malformed configuration");
  if ((e = calloc (1, sizeof (*e))) == NULL)
    return ent_error_set (err, ENOMEM, "out of memory");
  e->mode = (ent_net_mode_t)c->mode;
  e->host_loopback = c->host_loopback;
  e->filter = netsetup_frame_config_default ();
  e->filter.host_loopback = c->host_loopback;
  memcpy (e->host, c->host, c->n_host * sizeof (uint32_t));
  e->filter.host = e->host;
  e->filter.n_host = c->n_host;
  for (uint32_t i = 0; i < c->n_publish; i++)
    if (!c->publish[i].udp)
      e->published[e->filter.n_published++] = c->publish[i].sandbox_port;
  e->filter.published = e->published;
  e->tapfd = e->listen_fd = e->stop_fd = -1;
  memcpy (&e->proxy, &c->proxy, c->proxy_len);
  e->proxy_len = c->proxy_len;
  if (c->n_publish)
    {
      e->publish = calloc (c->n_publish, sizeof (ent_publish_t));
      if (e->publish == NULL)
        ret = ent_error_set (err, ENOMEM, "out of memory");
      else
        memcpy (e->publish, c->publish, c->n_publish * sizeof (ent_publish_t));
      e->n_publish = c->n_publish;
    }
  if (ret == 0 && e->mode == ENT_NET_USER)
    ret = load_slirp (err);
  if (ret < 0)
    {
      netsetup_engine_free (e);
      return ret;
    }
  *out = e;
  return 0;
}

/* The lowest free descriptor, as the next socket() will take it; or -1. */
static int
lowest_free_fd (int any_open)
{
  int fd = fcntl (any_open, F_DUPFD_CLOEXEC, 0);

  if (fd >= 0)
    close (fd);
  return fd;
}

/* Remember @fd as one of libslirp's listening sockets. */
static int
add_listener (netsetup_engine_t *e, int fd)
{
  int yes = 0;
  socklen_t len = sizeof (yes);

  if (fd < 0 || getsockopt (fd, SOL_SOCKET, SO_ACCEPTCONN, &yes, &len) < 0 || !yes)
    return 0; /* not where we thought: it goes unguarded, no worse */
  if (fd >= e->n_listener_of)
    {
      uint16_t *p = reallocarray (e->listener_of, (size_t)fd + 1, sizeof (*p));
      if (p == NULL)
        return -ENOMEM;
      memset (p + e->n_listener_of, 0, (size_t)(fd + 1 - e->n_listener_of) * sizeof (*p));
      e->listener_of = p;
      e->n_listener_of = fd + 1;
    }
  e->listener_of[fd] = (uint16_t)(++e->n_listeners);
  return 0;
}

static int
start_slirp (netsetup_engine_t *e, ent_error_t **err)
{
  SlirpConfig cfg = { .version = 4,
                      .in_enabled = true,
                      .if_mtu = NETSETUP_MTU,
                      .if_mru = NETSETUP_MTU,
                      .disable_host_loopback = !e->host_loopback,
                      /* The address is static (pid 1 sets it); the frame
                       * filter drops DHCP too. */
                      .disable_dhcp = true };
  struct in_addr loopback = { .s_addr = htonl (INADDR_LOOPBACK) }, guest;

  inet_pton (AF_INET, "10.0.2.0", &cfg.vnetwork);
  inet_pton (AF_INET, "255.255.255.0", &cfg.vnetmask);
  inet_pton (AF_INET, NETSETUP_GATEWAY, &cfg.vhost);
  inet_pton (AF_INET, NETSETUP_DNS, &cfg.vnameserver);
  inet_pton (AF_INET, "10.0.2.15", &cfg.vdhcp_start);
  inet_pton (AF_INET, NETSETUP_TAP_ADDR, &guest);
  e->slirp = slirp_lib.new_ (&cfg, &slirp_callbacks, e);
  if (e->slirp == NULL)
    return ent_error_set (err, ENOMEM, "network.user: libslirp failed to start");
  for (size_t i = 0; i < e->n_publish; i++)
    {
      const ent_publish_t *pub = &e->publish[i];
      /* libslirp's tcp_listen() makes one socket: the lowest free fd. */
      int next = lowest_free_fd (e->tapfd);
      if (pub->udp)
        continue; /* relayed by udp-publish.c: see there */
      if (slirp_lib.add_hostfwd (e->slirp, 0, loopback, pub->host_port, guest, pub->sandbox_port)
          < 0)
        return ent_error_set (err, EADDRINUSE,
                              "network.publish=%u:%u: cannot listen on 127.0.0.1:%u (in use?)",
                              pub->host_port, pub->sandbox_port, pub->host_port);
      if (add_listener (e, next) < 0)
        return ent_error_set (err, ENOMEM, "out of memory");
    }
  return 0;
}

int
netsetup_engine_start (netsetup_engine_t *e, int fd, const int *udp_fds, ent_error_t **err)
{
  int ret;

  if (e->mode == ENT_NET_PROXY)
    {
      e->listen_fd = fd;
      e->relays = calloc (RELAY_MAX, sizeof (relay_t));
      if (e->relays == NULL)
        return ent_error_set (err, ENOMEM, "out of memory");
      for (size_t i = 0; i < RELAY_MAX; i++)
        e->relays[i].fd[0] = e->relays[i].fd[1] = -1;
      return 0;
    }
  e->tapfd = fd;
  if ((ret = udp_publish_new (e->publish, e->n_publish, udp_fds, &e->udp, err)) < 0)
    return ret;
  return start_slirp (e, err);
}

size_t
netsetup_engine_udp_fds (const netsetup_engine_t *e)
{
  size_t n = 0;

  for (size_t i = 0; e->mode == ENT_NET_USER && i < e->n_publish; i++)
    n += e->publish[i].udp ? NETSETUP_UDP_SPARE : 0;
  return n;
}

void
netsetup_engine_set_pid1 (netsetup_engine_t *e, int sock)
{
  if (e->udp)
    udp_publish_set_pid1 (e->udp, sock);
  else if (sock >= 0)
    close (sock);
}

/* The network of network.user is gone (the tap hung up: under
 * network.admin the sandbox may delete tap0): the NAT, its published ports
 * and the UDP relay go with it, and the loop only waits for the end. */
static void
network_gone (netsetup_engine_t *e)
{
  if (e->slirp)
    slirp_lib.cleanup (e->slirp);
  e->slirp = NULL;
  while (e->timers)
    {
      engine_timer_t *t = e->timers;
      e->timers = t->next;
      free (t);
    }
  udp_publish_free (e->udp);
  e->udp = NULL;
  if (e->tapfd >= 0)
    close (e->tapfd);
  e->tapfd = -1;
}

void
netsetup_engine_free (netsetup_engine_t *e)
{
  if (e == NULL)
    return;
  network_gone (e);
  for (size_t i = 0; e->relays && i < RELAY_MAX; i++)
    for (int s = 0; s < 2; s++)
      if (e->relays[i].fd[s] >= 0)
        close (e->relays[i].fd[s]);
  free (e->relays);
  if (e->listen_fd >= 0)
    close (e->listen_fd);
  free (e->listener_of);
  free (e->publish);
  free (e->pfd);
  free (e);
}

/* ---- descriptors ------------------------------------------------------------ */

static void
lower_timeout (int *timeout_ms, int64_t ms)
{
  if (ms < 0)
    ms = 0;
  if (ms > 1000000)
    ms = 1000000;
  if (*timeout_ms < 0 || ms < *timeout_ms)
    *timeout_ms = (int)ms;
}

/* Are @n descriptors free?  Seen by taking them (and giving them back).
 * Only EMFILE or ENFILE says no: were the check itself refused (the
 * helper's seccomp filter must allow F_DUPFD_CLOEXEC), the relays must
 * still work. */
static bool
fds_free (const netsetup_engine_t *e, int n)
{
  int fd[2] = { -1, -1 }, got = 0;
  bool full = false;

  while (got < n && got < 2)
    {
      if ((fd[got] = fcntl (e->stop_fd, F_DUPFD_CLOEXEC, 0)) < 0)
        {
          full = errno == EMFILE || errno == ENFILE;
          break;
        }
      got++;
    }
  for (int i = 0; i < got; i++)
    close (fd[i]);
  return !full;
}

static void
fds_short (netsetup_engine_t *e, int64_t now)
{
  e->fd_short = true;
  e->fd_probe_ms = now;
}

/* At the descriptor limit (RLIMIT_NOFILE: the helper's bound on flows),
 * an accept() fails with EMFILE and leaves its listener readable, so
 * polling it would spin.  Listeners stay out of the poll set then, and
 * every FD_RETRY_MS it is seen whether @need descriptors (an accepted
 * connection, and the relay's own socket to the proxy) are free again;
 * meanwhile new connections wait in the listener's backlog. */
static void
fds_check (netsetup_engine_t *e, int64_t now, int need, int *timeout_ms)
{
  if (!e->fd_short)
    return;
  if (now - e->fd_probe_ms >= FD_RETRY_MS)
    {
      e->fd_probe_ms = now;
      e->fd_short = !fds_free (e, need);
    }
  if (e->fd_short)
    lower_timeout (timeout_ms, e->fd_probe_ms + FD_RETRY_MS - now);
}

/* ---- the event loop: network.user ---------------------------------------- */

static int
udp_add_poll (int fd, short events, void *opaque)
{
  return add_pollfd (opaque, fd, events);
}

static void
fill_slirp (netsetup_engine_t *e, int64_t now, int *timeout_ms)
{
  uint32_t slirp_timeout = UINT32_MAX;

  for (size_t k = 0; k < e->n_listeners; k++)
    e->listener_idx[k] = -1;
  if (e->udp)
    udp_publish_fill (e->udp, now, udp_add_poll, e, timeout_ms);
  e->tap_idx = add_pollfd (e, e->tapfd, POLLIN);
  slirp_lib.pollfds_fill (e->slirp, &slirp_timeout, cb_add_poll, e);
  if (slirp_timeout != UINT32_MAX)
    lower_timeout (timeout_ms, slirp_timeout);
  for (engine_timer_t *t = e->timers; t; t = t->next)
    if (t->expire_ms >= 0)
      lower_timeout (timeout_ms, t->expire_ms - now);
}

static void
run_timers (netsetup_engine_t *e)
{
  int64_t now = now_ms ();
  bool fired = true;

  /* A callback may free or re-arm timers: rescan after each one. */
  while (fired)
    {
      fired = false;
      for (engine_timer_t *t = e->timers; t; t = t->next)
        if (t->expire_ms >= 0 && t->expire_ms <= now)
          {
            t->expire_ms = -1;
            t->cb (t->cb_opaque);
            fired = true;
            break;
          }
    }
}

/* A host client knocks at a published TCP port: libslirp will accept(),
 * which needs a descriptor.  None free: the listeners sit this round out
 * (and the next ones, see fds_check). */
static void
guard_listeners (netsetup_engine_t *e, int64_t now)
{
  bool knock = false;

  for (size_t k = 0; k < e->n_listeners; k++)
    knock |= e->listener_idx[k] >= 0 && (e->pfd[e->listener_idx[k]].revents & POLLIN);
  if (!knock || fds_free (e, 1))
    return;
  fds_short (e, now);
  for (size_t k = 0; k < e->n_listeners; k++)
    if (e->listener_idx[k] >= 0)
      e->pfd[e->listener_idx[k]].revents = 0;
}

static void
dispatch_slirp (netsetup_engine_t *e, int64_t now)
{
  static uint8_t frame[FRAME_MAX];

  if (e->tap_idx >= 0 && (e->pfd[e->tap_idx].revents & (POLLERR | POLLHUP | POLLNVAL)))
    {
      network_gone (e);
      return;
    }
  if (e->udp)
    udp_publish_dispatch (e->udp, now, e->pfd, e->pfd_n);
  guard_listeners (e, now);
  /* The sockets first, with the revents this poll() produced; only then
   * the guest's frames, which may create sockets the revents know nothing
   * of. */
  slirp_lib.pollfds_poll (e->slirp, 0, cb_get_revents, e);
  if (e->tap_idx >= 0 && (e->pfd[e->tap_idx].revents & POLLIN))
    for (int i = 0; i < 256; i++) /* bounded: let the rest of the loop run */
      {
        ssize_t len = read (e->tapfd, frame, sizeof (frame));
        if (len <= 0)
          break;
        /* libslirp sees only what the filter accepts (frame-filter.h). */
        if (netsetup_frame_filter (&e->filter, frame, (size_t)len) != FRAME_ACCEPT)
          continue;
        slirp_lib.input (e->slirp, frame, (int)len);
      }
  run_timers (e);
}

/* ---- the event loop: network.proxy --------------------------------------- */

static void
relay_close (relay_t *r)
{
  for (int s = 0; s < 2; s++)
    if (r->fd[s] >= 0)
      {
        close (r->fd[s]);
        r->fd[s] = -1;
      }
  r->len[0] = r->len[1] = 0;
  r->eof[0] = r->eof[1] = r->hup[0] = r->hup[1] = r->connecting = false;
}

static void
relay_accept (netsetup_engine_t *e, int64_t now)
{
  relay_t *r = NULL;
  int in, out;

  for (int i = 0; i < RELAY_MAX && r == NULL; i++)
    if (e->relays[i].fd[0] < 0)
      r = &e->relays[i];
  if (r == NULL)
    return; /* all slots busy: the connection waits in the backlog */
  /* The accepted connection and the one to the proxy. */
  if (!fds_free (e, 2))
    {
      fds_short (e, now);
      return;
    }
  in = accept4 (e->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (in < 0)
    {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
        fds_short (e, now);
      return;
    }
  out = socket (e->proxy.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (out < 0
      || (connect (out, (struct sockaddr *)&e->proxy, e->proxy_len) < 0 && errno != EINPROGRESS))
    {
      if (out < 0 && (errno == EMFILE || errno == ENFILE))
        fds_short (e, now);
      close (in);
      if (out >= 0)
        close (out);
      return;
    }
  *r = (relay_t){ .fd = { in, out }, .connecting = true, .idx = { -1, -1 } };
}

/* Move bytes from r->fd[s] into buf[s] and from buf[s] to the other side;
 * false when the connection is broken. */
static bool
relay_pump (relay_t *r, int s, short rev_in, short rev_out)
{
  int o = 1 - s;

  if ((rev_in & POLLIN) && !r->eof[s] && r->len[s] < RELAY_BUF)
    {
      ssize_t n = read (r->fd[s], r->buf[s] + r->len[s], RELAY_BUF - r->len[s]);
      /* A side that hung up has nothing more coming: were it to say
       * EAGAIN, that is its end too (no round may wait on it again). */
      if (n == 0 || (n < 0 && errno == EAGAIN && r->hup[s]))
        r->eof[s] = true;
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        return false;
      else if (n > 0)
        r->len[s] += (size_t)n;
    }
  if ((rev_out & POLLOUT) && r->len[s] > 0)
    {
      ssize_t n = send (r->fd[o], r->buf[s], r->len[s], MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return false;
      if (n > 0)
        {
          memmove (r->buf[s], r->buf[s] + n, r->len[s] - (size_t)n);
          r->len[s] -= (size_t)n;
        }
    }
  if (r->eof[s] && r->len[s] == 0)
    shutdown (r->fd[o], SHUT_WR);
  return true;
}

/* Side @s hung up, and what it still holds can go on now: read it
 * without waiting for poll() (which would only say POLLHUP again). */
static bool
relay_drainable (const relay_t *r, int s)
{
  return r->hup[s] && !r->hup[1 - s] && !r->eof[s] && r->len[s] < RELAY_BUF;
}

static void
fill_proxy (netsetup_engine_t *e, int64_t now, int *timeout_ms)
{
  bool room = false;

  fds_check (e, now, 2, timeout_ms);
  for (int i = 0; i < RELAY_MAX; i++)
    room |= e->relays[i].fd[0] < 0;
  /* With every slot busy, or no descriptor to spare, the listener is left
   * out: its backlog waits, and a readable listener nobody accepts from
   * would spin the loop. */
  e->listen_idx
      = room && !e->fd_short && e->listen_fd >= 0 ? add_pollfd (e, e->listen_fd, POLLIN) : -1;
  for (int i = 0; i < RELAY_MAX; i++)
    {
      relay_t *r = &e->relays[i];
      for (int s = 0; s < 2; s++)
        {
          short ev = 0;
          r->idx[s] = -1;
          if (r->fd[0] < 0)
            continue;
          if (relay_drainable (r, s))
            lower_timeout (timeout_ms, 0);
          if (r->hup[s])
            continue;
          if (!r->connecting && !r->eof[s] && r->len[s] < RELAY_BUF && !r->hup[1 - s])
            ev |= POLLIN;
          if (r->connecting ? s == 1 : r->len[1 - s] > 0)
            ev |= POLLOUT;
          /* Even with no events: an error or hangup is reported, and acted on. */
          r->idx[s] = add_pollfd (e, r->fd[s], ev);
        }
    }
}

static short
revents_at (const netsetup_engine_t *e, int idx)
{
  return idx >= 0 && (size_t)idx < e->pfd_n ? e->pfd[idx].revents : 0;
}

/* The upstream connect of @r; false when it failed or the client left. */
static bool
relay_connecting (relay_t *r, const short rev[2])
{
  int soerr = 0;
  socklen_t sl = sizeof (soerr);

  /* The client reset or closed while we connect: nobody to relay for. */
  if (rev[0] & (POLLERR | POLLHUP | POLLNVAL))
    return false;
  if (!(rev[1] & (POLLOUT | POLLERR | POLLHUP)))
    return true;
  if (getsockopt (r->fd[1], SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr != 0)
    return false;
  r->connecting = false;
  return true;
}

/* One round of @r; false when the connection is over. */
static bool
relay_step (relay_t *r, const short rev[2])
{
  if (r->connecting)
    return relay_connecting (r, rev);
  /* An error (a reset) ends the connection. */
  if ((rev[0] | rev[1]) & (POLLERR | POLLNVAL))
    return false;
  for (int s = 0; s < 2; s++)
    r->hup[s] |= (rev[s] & POLLHUP) != 0;
  if (r->hup[0] && r->hup[1])
    return false;
  /* Nothing goes to a side that hung up: only what it still holds comes
   * from it, read as if poll() had said POLLIN. */
  for (int s = 0; s < 2; s++)
    if (!r->hup[1 - s] && !relay_pump (r, s, rev[s] | (r->hup[s] ? POLLIN : 0), rev[1 - s]))
      return false;
  for (int s = 0; s < 2; s++)
    if (r->hup[s] && r->eof[s] && r->len[s] == 0)
      return false; /* all it held passed on, and it takes nothing more */
  return !(r->eof[0] && r->eof[1] && !r->len[0] && !r->len[1]);
}

static void
dispatch_proxy (netsetup_engine_t *e, int64_t now)
{
  for (int i = 0; i < RELAY_MAX; i++)
    {
      relay_t *r = &e->relays[i];
      short rev[2] = { revents_at (e, r->idx[0]), revents_at (e, r->idx[1]) };
      if (r->fd[0] >= 0 && !relay_step (r, rev))
        relay_close (r);
    }
  /* A listener does not fail; if it ever did, it would say so every
   * round: then nothing more is accepted. */
  if (revents_at (e, e->listen_idx) & (POLLERR | POLLHUP | POLLNVAL))
    {
      close (e->listen_fd);
      e->listen_fd = -1;
    }
  else if (revents_at (e, e->listen_idx) & POLLIN)
    relay_accept (e, now);
}

/* ---- entry points -------------------------------------------------------- */

int
netsetup_engine_run (netsetup_engine_t *e, int stop_fd)
{
  e->stop_fd = stop_fd;
  for (;;)
    {
      int timeout = -1;
      int64_t now = now_ms ();
      e->pfd_n = 0;
      e->pfd_short = false;
      if (add_pollfd (e, stop_fd, POLLIN) < 0)
        return -ENOMEM;
      if (e->slirp)
        {
          fds_check (e, now, 1, &timeout);
          fill_slirp (e, now, &timeout);
        }
      else if (e->relays)
        fill_proxy (e, now, &timeout);
      /* Short of memory for the poll set: wait a little, and dispatch
       * nothing from an incomplete round. */
      if (e->pfd_short)
        timeout = 10;
      if (poll (e->pfd, e->pfd_n, timeout) < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != ENOMEM)
            return -errno;
          /* The kernel is short of memory: later, not at once. */
          e->pfd_short = true;
          poll (NULL, 0, 10);
        }
      if (e->pfd[0].revents)
        return 0;
      if (e->pfd_short)
        continue;
      now = now_ms ();
      if (e->slirp)
        dispatch_slirp (e, now);
      else if (e->relays)
        dispatch_proxy (e, now);
    }
}
