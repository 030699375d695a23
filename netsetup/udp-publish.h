/* entrun — the UDP publish relay, in the network helper (network.user and
 * network.admin with network.publish=H:S/udp).
 *
 * libslirp's own UDP host forward shows the sandbox a source of 10.0.2.2,
 * and with disable_host_loopback (our default) it drops every reply sent
 * there: a UDP publish would be one-way.  So the helper relays it: a
 * socket on the host's 127.0.0.1:H, and per host client a socket inside
 * the sandbox's network namespace connected to 10.0.2.100:S, which pid 1
 * made (the helper cannot enter that namespace) and handed out.
 *
 * What it promises (netsetup.h has the numbers):
 *   - one inner socket per host client, never shared and never reused:
 *     what the sandbox sends to a client's inner address reaches that
 *     client or nobody.  A socket given to a new client is a fresh one, on
 *     a local port no client has had for UDP_QUARANTINE_MS;
 *   - an entry lives on the host client's datagrams only: after
 *     NETSETUP_UDP_IDLE seconds without one it is forgotten and its socket
 *     closed, however much the sandbox sends it;
 *   - at most NETSETUP_UDP_CLIENTS clients per published port; a new one
 *     replaces the one heard from least recently;
 *   - no descriptor can make the event loop spin: pending socket errors
 *     (ECONNREFUSED from nobody listening inside, forged ICMP) are consumed,
 *     a hangup closes the socket, pid 1's socket leaves the poll set once
 *     pid 1 is gone.
 *
 * The sockets pid 1 hands out are checked (a UDP/IPv4 socket connected to
 * 10.0.2.100:S) and used with MSG_DONTWAIT only: a pid 1 the payload took
 * over (security.admin) can hand out anything and clear O_NONBLOCK on
 * what it shares, but cannot make the helper block or misdirect a
 * datagram. */
#ifndef ENTRUN_UDP_PUBLISH_H
#define ENTRUN_UDP_PUBLISH_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "netsetup.h"

typedef struct udp_publish udp_publish_t;

/* Add @fd to the poll set with @events: its index, or -1. */
typedef int (*udp_publish_add_fn) (int fd, short events, void *opaque);

/* The relay for the UDP ones of the @n publishes at @pub: binds each host
 * port and takes NETSETUP_UDP_SPARE sockets per UDP publish from @spares
 * (owned from now on, checked).  *out is NULL when there is no UDP
 * publish. */
int udp_publish_new (const ent_publish_t *pub, size_t n, const int *spares, udp_publish_t **out,
                     ent_error_t **err) __attribute__ ((warn_unused_result));
/* The socket to pid 1 to ask for more sockets on (owned from now on). */
void udp_publish_set_pid1 (udp_publish_t *u, int sock);
/* One round of the event loop: expire, ask pid 1 for sockets, add the
 * descriptors to poll and lower *timeout_ms to the next expiry. */
void udp_publish_fill (udp_publish_t *u, int64_t now_ms, udp_publish_add_fn add, void *opaque,
                       int *timeout_ms);
/* Act on what poll() said of the descriptors udp_publish_fill() added. */
void udp_publish_dispatch (udp_publish_t *u, int64_t now_ms, const struct pollfd *pfd, size_t n);
void udp_publish_free (udp_publish_t *u);

#endif
