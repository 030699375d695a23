/* entrun — the UDP publish relay (see udp-publish.h).  Runs in the network
 * helper: every datagram here comes from a host client or the sandbox. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ent-util.h"
#include "udp-publish.h"

#define UDP_CLIENTS NETSETUP_UDP_CLIENTS
#define UDP_SPARE NETSETUP_UDP_SPARE
#define UDP_IDLE_MS (NETSETUP_UDP_IDLE * 1000)
/* A local port inside that a client's socket had is not given to another
 * client for this long after that socket closed: a late reply the sandbox
 * sends to it meanwhile reaches nobody. */
#define UDP_QUARANTINE_S 120
/* A request pid 1 has not answered by then is forgotten (it drops what
 * it cannot send at once). */
#define UDP_ASK_MS 1000
/* After a socket from pid 1 was refused, ask again no sooner: a pid 1 that
 * only hands out bad sockets cannot keep the loop busy. */
#define UDP_RETRY_MS 50
/* Datagrams moved per socket and round: the other sockets get their turn. */
#define UDP_BURST 64

typedef struct udp_client
{
  struct sockaddr_in addr; /* the host client; port 0 when the slot is free */
  int fd;                  /* its own socket inside, -1 when free */
  uint16_t inner_port;     /* that socket's local port */
  int64_t heard_ms;        /* the client's last datagram (host side only) */
  int idx;                 /* its pollfd this round, or -1 */
} udp_client_t;

typedef struct udp_spare
{
  int fd;
  uint16_t inner_port;
} udp_spare_t;

typedef struct udp_port
{
  uint16_t host_port, sandbox_port;
  int host_fd, host_idx;
  udp_client_t clients[UDP_CLIENTS];
  udp_spare_t spare[UDP_SPARE];
  int n_spare;
  int asked;        /* requests pid 1 has not answered */
  int64_t ask_ms;   /* when the last one went out */
  int64_t retry_ms; /* no request before this */
} udp_port_t;

struct udp_publish
{
  udp_port_t *ports;
  size_t n;
  int pid1_fd, pid1_idx;
  /* Per local port inside: when a client's socket there closed, in
   * seconds of the monotonic clock plus one; 0 for never. */
  uint32_t *closed_at;
};

static uint32_t
stamp (int64_t now)
{
  return (uint32_t)(now / 1000) + 1;
}

static void
client_close (udp_publish_t *u, udp_client_t *c, int64_t now)
{
  if (c->fd < 0)
    return;
  close (c->fd);
  u->closed_at[c->inner_port] = stamp (now);
  *c = (udp_client_t){ .fd = -1, .idx = -1 };
}

/* The local port of @fd when it is a UDP/IPv4 socket connected to
 * 10.0.2.100:@sandbox_port, else -1.  pid 1 is the sandbox's: what it
 * hands out is checked before use. */
static int
inner_port_of (int fd, uint16_t sandbox_port)
{
  struct sockaddr_in peer, self;
  socklen_t plen = sizeof (peer), slen = sizeof (self), ilen = sizeof (int);
  int type = 0, domain = 0, proto = 0;
  struct in_addr guest;

  inet_pton (AF_INET, NETSETUP_TAP_ADDR, &guest);
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &type, &ilen) < 0 || type != SOCK_DGRAM
      || getsockopt (fd, SOL_SOCKET, SO_DOMAIN, &domain, &ilen) < 0 || domain != AF_INET
      || getsockopt (fd, SOL_SOCKET, SO_PROTOCOL, &proto, &ilen) < 0 || proto != IPPROTO_UDP
      || getpeername (fd, (struct sockaddr *)&peer, &plen) < 0 || plen != sizeof (peer)
      || peer.sin_addr.s_addr != guest.s_addr || peer.sin_port != htons (sandbox_port)
      || getsockname (fd, (struct sockaddr *)&self, &slen) < 0 || slen != sizeof (self)
      || self.sin_port == 0)
    return -1;
  return ntohs (self.sin_port);
}

/* Keep @fd as a spare of @p if it is a fresh socket to its port. */
static void
take_spare (udp_publish_t *u, udp_port_t *p, int fd, int64_t now)
{
  int port = inner_port_of (fd, p->sandbox_port);
  uint32_t closed = port < 0 ? 0 : u->closed_at[port];

  if (port < 0 || p->n_spare >= UDP_SPARE
      || (closed != 0 && stamp (now) - closed < UDP_QUARANTINE_S))
    {
      close (fd);
      p->retry_ms = now + UDP_RETRY_MS;
      return;
    }
  p->spare[p->n_spare++] = (udp_spare_t){ .fd = fd, .inner_port = (uint16_t)port };
}

static int
bind_host (udp_port_t *p, ent_error_t **err)
{
  struct sockaddr_in sin = { .sin_family = AF_INET,
                             .sin_port = htons (p->host_port),
                             .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };

  p->host_fd = socket (AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (p->host_fd < 0 || bind (p->host_fd, (struct sockaddr *)&sin, sizeof (sin)) < 0)
    return ent_error_set (err, EADDRINUSE,
                          "network.publish=%u:%u/udp: cannot listen on 127.0.0.1:%u (in use?)",
                          p->host_port, p->sandbox_port, p->host_port);
  return 0;
}

int
udp_publish_new (const ent_publish_t *pub, size_t n, const int *spares, udp_publish_t **out,
                 ent_error_t **err)
{
  udp_publish_t *u;
  size_t n_udp = 0;
  int ret = 0;

  *out = NULL;
  for (size_t i = 0; i < n; i++)
    n_udp += pub[i].udp;
  if (n_udp == 0)
    return 0;
  if ((u = calloc (1, sizeof (*u))) == NULL
      || (u->ports = calloc (n_udp, sizeof (udp_port_t))) == NULL
      || (u->closed_at = calloc (65536, sizeof (uint32_t))) == NULL)
    {
      udp_publish_free (u);
      return ent_error_set (err, ENOMEM, "out of memory");
    }
  u->pid1_fd = -1;
  for (size_t i = 0; i < n; i++)
    if (pub[i].udp)
      {
        udp_port_t *p = &u->ports[u->n++];
        p->host_port = pub[i].host_port;
        p->sandbox_port = pub[i].sandbox_port;
        p->host_fd = -1;
        for (int j = 0; j < UDP_CLIENTS; j++)
          p->clients[j] = (udp_client_t){ .fd = -1, .idx = -1 };
      }
  for (size_t i = 0; i < u->n; i++)
    for (int j = 0; j < UDP_SPARE; j++)
      take_spare (u, &u->ports[i], spares[i * UDP_SPARE + j], 0);
  for (size_t i = 0; ret == 0 && i < u->n; i++)
    ret = bind_host (&u->ports[i], err);
  if (ret < 0)
    {
      udp_publish_free (u);
      return ret;
    }
  *out = u;
  return 0;
}

void
udp_publish_set_pid1 (udp_publish_t *u, int sock)
{
  if (u->pid1_fd >= 0)
    close (u->pid1_fd);
  u->pid1_fd = sock;
}

void
udp_publish_free (udp_publish_t *u)
{
  if (u == NULL)
    return;
  for (size_t i = 0; i < u->n; i++)
    {
      udp_port_t *p = &u->ports[i];
      if (p->host_fd >= 0)
        close (p->host_fd);
      for (int j = 0; j < UDP_CLIENTS; j++)
        if (p->clients[j].fd >= 0)
          close (p->clients[j].fd);
      for (int j = 0; j < p->n_spare; j++)
        close (p->spare[j].fd);
    }
  if (u->pid1_fd >= 0)
    close (u->pid1_fd);
  free (u->ports);
  free (u->closed_at);
  free (u);
}

/* ---- pid 1's sockets ------------------------------------------------------ */

static void
pid1_gone (udp_publish_t *u)
{
  close (u->pid1_fd);
  u->pid1_fd = -1;
  for (size_t i = 0; i < u->n; i++)
    u->ports[i].asked = 0;
}

/* Ask pid 1 for what the spares of @p lack. */
static void
ask (udp_publish_t *u, udp_port_t *p, int64_t now)
{
  netsetup_udp_msg_t msg = { .tag = NETSETUP_UDP_TAG, .index = (uint16_t)(p - u->ports) };

  if (p->asked && now - p->ask_ms > UDP_ASK_MS)
    p->asked = 0;
  while (u->pid1_fd >= 0 && now >= p->retry_ms && p->n_spare + p->asked < UDP_SPARE)
    {
      int ret = netsetup_send_fd_msg (u->pid1_fd, -1, &msg, sizeof (msg), MSG_DONTWAIT);
      if (ret == -EAGAIN)
        {
          p->retry_ms = now + UDP_RETRY_MS; /* pid 1 is not reading: later */
          return;
        }
      if (ret < 0)
        {
          pid1_gone (u);
          return;
        }
      p->asked++;
      p->ask_ms = now;
    }
}

/* pid 1's answers: a socket, or none.  A message that answers no request
 * of ours is dropped (with its socket); a broken socket ends the
 * service. */
static void
pid1_receive (udp_publish_t *u, int64_t now)
{
  for (int r = 0; r < UDP_BURST && u->pid1_fd >= 0; r++)
    {
      netsetup_udp_msg_t msg;
      size_t got = 0;
      int fd = netsetup_recv_fd_msg (u->pid1_fd, &msg, sizeof (msg), &got, MSG_DONTWAIT);
      udp_port_t *p;
      if (fd == -EAGAIN || fd == -EINTR)
        return;
      if (fd < 0 && fd != -ENOMSG)
        {
          pid1_gone (u);
          return;
        }
      if (got != sizeof (msg) || msg.tag != NETSETUP_UDP_TAG || msg.index >= u->n
          || u->ports[msg.index].asked == 0)
        {
          /* Not an answer to a request of ours. */
          if (fd >= 0)
            close (fd);
          continue;
        }
      p = &u->ports[msg.index];
      p->asked--;
      if (fd >= 0)
        take_spare (u, p, fd, now);
      else
        p->retry_ms = now + UDP_RETRY_MS;
    }
}

/* ---- the relay ------------------------------------------------------------ */

/* The entry of the host client @from, made for it if need be from a
 * spare (replacing the client heard from least recently when all are
 * taken), or NULL when no spare is left: the datagram is dropped, as a
 * full NAT table would, and more spares are on their way. */
static udp_client_t *
client_for (udp_publish_t *u, udp_port_t *p, const struct sockaddr_in *from, int64_t now)
{
  static char sink[1];
  udp_client_t *pick = NULL;
  udp_spare_t s;

  for (int i = 0; i < UDP_CLIENTS; i++)
    {
      udp_client_t *c = &p->clients[i];
      if (c->fd >= 0 && c->addr.sin_port == from->sin_port
          && c->addr.sin_addr.s_addr == from->sin_addr.s_addr)
        return c;
      if (pick == NULL || (pick->fd >= 0 && (c->fd < 0 || c->heard_ms < pick->heard_ms)))
        pick = c;
    }
  if (p->n_spare == 0)
    return NULL;
  client_close (u, pick, now);
  s = p->spare[--p->n_spare];
  /* What reached the spare before it was anyone's is no one's. */
  for (int r = 0; r < 1024; r++)
    if (recv (s.fd, sink, sizeof (sink), MSG_DONTWAIT | MSG_TRUNC) < 0 && errno == EAGAIN)
      break;
  *pick = (udp_client_t){ .addr = *from, .fd = s.fd, .inner_port = s.inner_port, .idx = -1 };
  return pick;
}

static bool
expired (const udp_client_t *c, int64_t now)
{
  return now - c->heard_ms >= UDP_IDLE_MS;
}

/* Host clients to the sandbox. */
static void
from_host (udp_publish_t *u, udp_port_t *p, char *buf, size_t size, int64_t now)
{
  for (int r = 0; r < UDP_BURST; r++)
    {
      struct sockaddr_in from;
      socklen_t flen = sizeof (from);
      ssize_t len = recvfrom (p->host_fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
      udp_client_t *c;
      if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      /* An error (a pending one is consumed by this very call): on. */
      if (len < 0 || flen != sizeof (from) || from.sin_family != AF_INET)
        continue;
      if ((c = client_for (u, p, &from, now)) == NULL)
        continue;
      c->heard_ms = now;
      send (c->fd, buf, (size_t)len, MSG_DONTWAIT);
    }
}

/* The sandbox to host client @c.  Its sending keeps nothing alive. */
static void
to_host (udp_publish_t *u, udp_port_t *p, udp_client_t *c, char *buf, size_t size, int64_t now)
{
  for (int r = 0; r < UDP_BURST && c->fd >= 0; r++)
    {
      ssize_t len = recv (c->fd, buf, size, MSG_DONTWAIT);
      if (len < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      /* ECONNREFUSED (nobody listens on S inside, or a forged ICMP
       * port-unreachable): consumed by this recv; on to what is queued. */
      if (len < 0)
        continue;
      if (expired (c, now))
        {
          client_close (u, c, now);
          return;
        }
      sendto (p->host_fd, buf, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&c->addr,
              sizeof (c->addr));
    }
}

static void
lower (int *timeout_ms, int64_t ms)
{
  if (ms < 0)
    ms = 0;
  if (*timeout_ms < 0 || ms < *timeout_ms)
    *timeout_ms = ms > 1000000 ? 1000000 : (int)ms;
}

void
udp_publish_fill (udp_publish_t *u, int64_t now, udp_publish_add_fn add, void *opaque,
                  int *timeout_ms)
{
  u->pid1_idx = u->pid1_fd >= 0 ? add (u->pid1_fd, POLLIN, opaque) : -1;
  for (size_t i = 0; i < u->n; i++)
    {
      udp_port_t *p = &u->ports[i];
      ask (u, p, now);
      if (p->n_spare + p->asked < UDP_SPARE && u->pid1_fd >= 0)
        lower (timeout_ms, p->retry_ms - now);
      if (p->asked)
        lower (timeout_ms, p->ask_ms + UDP_ASK_MS + 1 - now);
      p->host_idx = add (p->host_fd, POLLIN, opaque);
      for (int j = 0; j < UDP_CLIENTS; j++)
        {
          udp_client_t *c = &p->clients[j];
          c->idx = -1;
          if (c->fd >= 0 && expired (c, now))
            client_close (u, c, now);
          if (c->fd < 0)
            continue;
          c->idx = add (c->fd, POLLIN | POLLRDHUP, opaque);
          lower (timeout_ms, c->heard_ms + UDP_IDLE_MS - now);
        }
    }
}

static short
revents (const struct pollfd *pfd, size_t n, int idx)
{
  return idx >= 0 && (size_t)idx < n ? pfd[idx].revents : 0;
}

void
udp_publish_dispatch (udp_publish_t *u, int64_t now, const struct pollfd *pfd, size_t n)
{
  static char buf[65536];

  if (u->pid1_fd >= 0 && revents (pfd, n, u->pid1_idx))
    pid1_receive (u, now);
  for (size_t i = 0; i < u->n; i++)
    {
      udp_port_t *p = &u->ports[i];
      for (int j = 0; j < UDP_CLIENTS; j++)
        {
          udp_client_t *c = &p->clients[j];
          short r = revents (pfd, n, c->idx);
          /* A UDP socket hangs up only once shut down, and then reads
           * as empty datagrams forever: not by us (pid 1 may hold a
           * copy).  Gone, then. */
          if (r & (POLLHUP | POLLRDHUP | POLLNVAL))
            client_close (u, c, now);
          else if (r & (POLLIN | POLLERR))
            to_host (u, p, c, buf, sizeof (buf), now);
        }
      if (revents (pfd, n, p->host_idx) & (POLLIN | POLLERR))
        from_host (u, p, buf, sizeof (buf), now);
    }
}
