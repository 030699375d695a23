/* entrun — networking per network.* level.
 *
 * Inside (the sandbox's pid 1, in the sandbox's network namespace):
 *   network.none   lo up
 *   network.user   lo up + tap0 (10.0.2.100/24, default via 10.0.2.2,
 *                  MTU 65520), its fd handed to entrun outside
 *   network.proxy  lo up + a listening socket on 127.0.0.1:3128, handed out
 * Outside, in the network helper (a confined process of its own, see
 * launcher/nethelper.c): the engine runs libslirp's user-mode NAT on the
 * tap fd behind the frame filter, or relays each accepted proxy connection
 * to the HTTP CONNECT proxy. */
#ifndef ENTRUN_NETSETUP_H
#define ENTRUN_NETSETUP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "entitlement.h"

#define NETSETUP_TAP_NAME "tap0"
#define NETSETUP_TAP_ADDR "10.0.2.100"
#define NETSETUP_GATEWAY "10.0.2.2"
#define NETSETUP_DNS "10.0.2.3"
#define NETSETUP_MTU 65520
#define NETSETUP_PROXY_PORT 3128

/* UDP publish (the relay is udp-publish.c, in the network helper): each
 * host client of a UDP-published port gets a socket of its own inside the
 * sandbox's network namespace, connected to 10.0.2.100:S, that no other
 * client ever gets.  At most NETSETUP_UDP_CLIENTS clients per published
 * port at a time (a new one replaces the one heard from least recently);
 * a client the host side has not heard from for NETSETUP_UDP_IDLE seconds
 * is forgotten, whatever the sandbox sends it.  The helper cannot make
 * sockets in the sandbox's namespace: pid 1 makes them, NETSETUP_UDP_SPARE
 * per published port before the command starts, then one per request. */
#define NETSETUP_UDP_CLIENTS 64
#define NETSETUP_UDP_IDLE 30
#define NETSETUP_UDP_SPARE 4
#define NETSETUP_UDP_TAG 'U'

/* A request of the helper's, and pid 1's answer with the socket attached
 * (SCM_RIGHTS), or none when it could not make one.  @index counts the
 * profile's UDP publishes, in order. */
typedef struct netsetup_udp_msg
{
  char tag; /* NETSETUP_UDP_TAG */
  uint8_t pad;
  uint16_t index;
} netsetup_udp_msg_t;

/* Does @p publish UDP ports through the relay (network.user/admin)? */
bool netsetup_udp_service (const ent_profile_t *p);

/* Inside, for network.user: NETSETUP_UDP_SPARE sockets per UDP publish,
 * sent over @sock in publish order, each with its netsetup_udp_msg_t. */
int netsetup_send_udp_sockets (const ent_profile_t *p, int sock, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Inside, in pid 1 once the command runs: answer one request waiting on
 * @sock, without ever blocking.  0 to serve on, or -errno when the helper
 * is gone or broke the protocol (stop serving then). */
int netsetup_udp_serve (const ent_profile_t *p, int sock);

/* Does @p need the engine outside (user-mode NAT or proxy relay)? */
bool netsetup_needs_engine (const ent_profile_t *p);

/* ---- inside ---------------------------------------------------------------- */

/* Bring the loopback interface up with libnl-route-3. */
int netsetup_loopback_up (ent_error_t **err) __attribute__ ((warn_unused_result));

/* Set the sandbox's network up for @p (for network.user: create tap0,
 * configured by netsetup_inside_configure); where the engine is needed,
 * *fd_out is the fd to hand to it (tap or listening socket), else -1.  @tun_path
 * is an O_PATH fd of /dev/net/tun taken before the root changed, or -1 to
 * open /dev/net/tun by name.  (A tun fd belongs to the network namespace it
 * was opened in, so it is opened here, not earlier.) */
int netsetup_inside (const ent_profile_t *p, int tun_path, int *fd_out, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* Then, for network.user, configure it: lo and tap0 up, tap0's address,
 * the default route.  Apart because the engine can start on the bare
 * device meanwhile (it sends nothing until the sandbox does). */
int netsetup_inside_configure (const ent_profile_t *p, ent_error_t **err)
    __attribute__ ((warn_unused_result));

/* The generated /etc/resolv.conf for network.user. */
const char *netsetup_resolv_conf (void);

/* ---- fd passing (SCM_RIGHTS over a unix socket) ---------------------------- */

int netsetup_send_fd (int sock, int fd) __attribute__ ((warn_unused_result));
/* Returns the received fd or -errno (-EPIPE when the peer closed). */
int netsetup_recv_fd (int sock);
/* The same with @len bytes of @data as the message, @fd attached unless
 * it is -1, and @flags for sendmsg (MSG_NOSIGNAL is always added). */
int netsetup_send_fd_msg (int sock, int fd, const void *data, size_t len, int flags)
    __attribute__ ((warn_unused_result));
/* Receive one message into @data (*got: its length, truncated to @len)
 * and the fd attached to it: the fd, -ENOMSG when none came with it (an
 * fd the kernel could not install is dropped: MSG_CTRUNC), -EPIPE when
 * the peer closed, -EPROTO for control data other than one fd (closed),
 * or -errno.  @flags for recvmsg (MSG_CMSG_CLOEXEC is always added). */
int netsetup_recv_fd_msg (int sock, void *data, size_t len, size_t *got, int flags);

/* ---- outside: the engine --------------------------------------------------- */

#define NETSETUP_PUBLISH_MAX 256
#define NETSETUP_HOST_ADDRS_MAX 64

/* What the engine needs of the profile, flat, to hand to the helper over a
 * socket: entrun builds it (resolving the proxy there, so that a bad host
 * fails before anything runs), the helper checks it. */
typedef struct netsetup_config
{
  uint32_t size; /* of the whole message */
  int32_t mode;  /* ENT_NET_USER (user, admin) or ENT_NET_PROXY */
  bool host_loopback;
  uint64_t memory; /* resources.memory, 0 when unset: the helper's own bound */
  uint32_t n_host; /* the host's own IPv4 addresses (host byte order) */
  uint32_t host[NETSETUP_HOST_ADDRS_MAX];
  uint32_t proxy_len;
  struct sockaddr_storage proxy;
  uint32_t n_publish;
  ent_publish_t publish[];
} netsetup_config_t;

int netsetup_config_new (const ent_profile_t *p, netsetup_config_t **out, size_t *len,
                         ent_error_t **err) __attribute__ ((warn_unused_result));

typedef struct netsetup_engine netsetup_engine_t;

/* An engine for the @len bytes of @c (checked: they come over a socket).
 * Loads libslirp for network.user: call it before the filesystem goes. */
int netsetup_engine_new (const netsetup_config_t *c, size_t len, netsetup_engine_t **out,
                         ent_error_t **err) __attribute__ ((warn_unused_result));
/* Start it on the fd from inside: libslirp with its port forwards, or the
 * relay's listening socket.  Fails (e.g. a published port in use) before
 * the payload starts. */
int netsetup_engine_start (netsetup_engine_t *e, int fd, const int *udp_fds, ent_error_t **err)
    __attribute__ ((warn_unused_result));
/* How many UDP sockets from inside the engine takes (for the publish
 * relay), after the tap fd. */
size_t netsetup_engine_udp_fds (const netsetup_engine_t *e);
/* Hand the engine the socket to the sandbox's pid 1, which makes the UDP
 * publish relay's sockets (netsetup_udp_serve); it keeps it where there
 * is a UDP publish and closes it otherwise. */
void netsetup_engine_set_pid1 (netsetup_engine_t *e, int sock);
/* Run the event loop until @stop_fd is readable or hangs up (0), or poll
 * fails (-errno).  No descriptor it polls can make it spin: every error
 * and hangup is consumed, or the descriptor leaves the poll set. */
int netsetup_engine_run (netsetup_engine_t *e, int stop_fd);
void netsetup_engine_free (netsetup_engine_t *e);

#endif
