/* entrun — the frame filter in front of libslirp (network.user/admin).
 *
 * A pure function: it reads the bytes it is given and nothing else — no
 * syscalls, no allocation, no globals — so it is safe to call anywhere,
 * from any thread, in the most tightly confined process, and is tested and
 * fuzzed as plain code (tests/unit/test-frame-filter.c,
 * tests/fuzz/fuzz-frame.c).
 *
 * The contract, for whoever feeds libslirp:
 *
 *   - @frame is one frame exactly as read(2) returned it from the tap fd
 *     that netsetup_inside() made: tap0 is IFF_TAP | IFF_NO_PI without
 *     IFF_VNET_HDR, so the buffer starts with the Ethernet II header
 *     (destination MAC, source MAC, ethertype; no 802.1Q tag, no packet
 *     information prefix, no virtio-net header) and ends with the last byte
 *     of the payload (no FCS).  @len is read(2)'s return value.  This is
 *     the very buffer slirp_input() takes.
 *   - FRAME_ACCEPT: hand the same bytes, unchanged, to
 *     slirp_input (slirp, frame, (int)len).  An accepted frame is at most
 *     14 + 65535 bytes long.
 *   - Anything else: drop the frame.  The verdict says why;
 *     netsetup_frame_verdict_name() gives a short static string for logs
 *     and tests.  Nothing is answered to the guest: a dropped TCP SYN
 *     times out rather than being refused.
 *
 * The rules (the first one broken gives the verdict; see frame-filter.c
 * for the reason behind each):
 *
 *   Ethernet  at least 14 bytes; a unicast source MAC; ethertype ARP or
 *             IPv4.  IPv6 is dropped entirely until entrun offers IPv6
 *             (libslirp runs with in6_enabled off; what the guest sends is
 *             its kernel's link-local chatter or a hand-made frame).
 *   ARP       Ethernet/IPv4 (htype 1, ptype 0x0800, hlen 6, plen 4),
 *             request or reply, sender MAC = the frame's source MAC,
 *             sender IP = the guest's own (or 0.0.0.0 in a request: an
 *             RFC 5227 probe), target IP inside the guest network.
 *   IPv4      version 4, no options (IHL 5), IHL*4 <= total length <= the
 *             frame's payload, trailing bytes only as padding of a
 *             minimum-size (60-byte) frame, a correct header checksum, no
 *             fragment (MF, a fragment offset or the reserved flag), TTL
 *             not 0, protocol TCP, UDP or ICMP.
 *   TCP       a whole header: data offset >= 5 and inside the datagram;
 *             neither port 0.
 *   UDP       the length field equal to the IP payload length (>= 8);
 *             neither port 0.
 *   ICMP      at least 8 bytes; echo request (type 8, code 0) only.
 *   source    the guest's own address (so no DHCP from 0.0.0.0: the
 *             address is static and libslirp's DHCP server off).
 *   dest      never one of the host's own addresses (cfg->host: the
 *             host's services bound to 0.0.0.0 are its loopback's by
 *             another name), never 127.0.0.0/8, 0.0.0.0/8, 224.0.0.0/3 (multicast and
 *             class E), 255.255.255.255 (no DHCP either); 169.254.0.0/16
 *             only with link_local;
 *             inside the guest network only the gateway and the DNS
 *             address:
 *               gateway  TCP from a published port (cfg->published: the
 *                        guest's side of libslirp's port forwards, which
 *                        come from the gateway); with host_loopback: TCP
 *                        and UDP (libslirp maps it
 *                        to the host's 127.0.0.1; the frame itself never
 *                        names 127.0.0.0/8) but not UDP 67/69 (libslirp's
 *                        own BOOTP and TFTP servers); ICMP echo always
 *                        (libslirp answers it itself).
 *               DNS      TCP and UDP port 53 (the only port libslirp
 *                        forwards there) and ICMP echo.
 *
 * TCP, UDP and ICMP checksums are not checked here: libslirp 4.7 checks
 * each itself before it acts on a segment (see frame-filter.c). */
#ifndef ENTRUN_FRAME_FILTER_H
#define ENTRUN_FRAME_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum netsetup_frame_verdict
{
  FRAME_ACCEPT = 0,
  FRAME_DROP_SHORT,               /* shorter than an Ethernet header */
  FRAME_DROP_ETH_SOURCE,          /* multicast or broadcast source MAC */
  FRAME_DROP_ETHERTYPE,           /* neither ARP, IPv4 nor IPv6 */
  FRAME_DROP_IPV6,                /* no IPv6 is offered */
  FRAME_DROP_ARP_MALFORMED,       /* short, not Ethernet/IPv4, bad op or MAC */
  FRAME_DROP_ARP_SENDER,          /* sender IP not the guest's (or a probe's) */
  FRAME_DROP_ARP_TARGET,          /* target IP outside the guest network */
  FRAME_DROP_IP_TRUNCATED,        /* shorter than an IPv4 header */
  FRAME_DROP_IP_VERSION,          /* version is not 4 */
  FRAME_DROP_IP_HEADER_LENGTH,    /* IHL < 5 */
  FRAME_DROP_IP_OPTIONS,          /* IHL > 5 */
  FRAME_DROP_IP_LENGTH,           /* total length < header or > frame */
  FRAME_DROP_IP_TRAILING,         /* bytes after the datagram, not padding */
  FRAME_DROP_IP_CHECKSUM,         /* header checksum wrong */
  FRAME_DROP_IP_FRAGMENT,         /* MF, fragment offset or reserved flag */
  FRAME_DROP_IP_TTL,              /* TTL 0 */
  FRAME_DROP_PROTOCOL,            /* not TCP, UDP or ICMP */
  FRAME_DROP_TCP_HEADER,          /* header not whole, data offset bad */
  FRAME_DROP_UDP_HEADER,          /* header not whole, length field bad */
  FRAME_DROP_ICMP_HEADER,         /* fewer than 8 bytes */
  FRAME_DROP_ICMP_TYPE,           /* not an echo request */
  FRAME_DROP_PORT_ZERO,           /* TCP or UDP port 0 */
  FRAME_DROP_SOURCE,              /* source address not the guest's */
  FRAME_DROP_DST_LOOPBACK,        /* 127.0.0.0/8 */
  FRAME_DROP_DST_THIS_NETWORK,    /* 0.0.0.0/8 */
  FRAME_DROP_DST_LINK_LOCAL,      /* 169.254.0.0/16 without link_local */
  FRAME_DROP_DST_MULTICAST,       /* 224.0.0.0/3: multicast and class E */
  FRAME_DROP_DST_BROADCAST,       /* 255.255.255.255, DHCP's too */
  FRAME_DROP_DST_GUEST_NETWORK,   /* a guest-network address other than
                                     the gateway and DNS */
  FRAME_DROP_DST_GATEWAY,         /* the gateway without host_loopback */
  FRAME_DROP_DST_GATEWAY_SERVICE, /* libslirp's BOOTP/TFTP on the gateway */
  FRAME_DROP_DST_DNS_PORT,        /* the DNS address, not port 53 */
  FRAME_DROP_DST_HOST,            /* one of the host's own addresses */
  FRAME_VERDICT_COUNT
} netsetup_frame_verdict_t;

/* What the filter knows of the network.  Addresses and the mask are in
 * host byte order (10.0.2.2 is 0x0a000202). */
typedef struct netsetup_frame_config
{
  uint32_t network;   /* the guest network, 10.0.2.0 */
  uint32_t netmask;   /* its mask, 255.255.255.0 */
  uint32_t gateway;   /* libslirp's address, 10.0.2.2 */
  uint32_t dns;       /* libslirp's DNS forwarder, 10.0.2.3 */
  uint32_t guest;     /* tap0's address, 10.0.2.100 */
  bool host_loopback; /* network.host-loopback: TCP/UDP to the gateway */
  bool link_local;    /* 169.254.0.0/16 granted explicitly */
  const uint32_t *host; /* the host's own IPv4 addresses, never reachable */
  size_t n_host;
  const uint16_t *published; /* sandbox ports of the TCP network.publish */
  size_t n_published;
} netsetup_frame_config_t;

/* The configuration for the addresses in netsetup.h (NETSETUP_GATEWAY,
 * NETSETUP_DNS, NETSETUP_TAP_ADDR in 10.0.2.0/24) and both grants off. */
netsetup_frame_config_t netsetup_frame_config_default (void);

/* Judge one frame (see the contract above).  Reads frame[0..len) only;
 * @frame may be NULL when @len is 0. */
netsetup_frame_verdict_t netsetup_frame_filter (const netsetup_frame_config_t *cfg,
                                                const uint8_t *frame, size_t len);

/* "accept" or the drop reason, e.g. "ip-fragment"; "unknown" for a value
 * outside the enum.  A static string. */
const char *netsetup_frame_verdict_name (netsetup_frame_verdict_t v);

#endif
