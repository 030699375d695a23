/* entrun — the frame filter in front of libslirp (see frame-filter.h).
 *
 * Runs in the network helper on every frame the guest writes to tap0,
 * before slirp_input().  The guest is the adversary: it may be a
 * network.admin sandbox writing arbitrary frames through a packet socket.
 * The filter lets through only what a well-behaved Linux guest sends to
 * the destinations the sandbox was granted, and only in the shapes
 * libslirp 4.7 (Debian 12) handles without trouble; everything else is
 * dropped.  What libslirp would refuse anyway is dropped here too: two
 * walls, not one.
 *
 * Multi-byte fields are read byte by byte (big-endian on the wire): the
 * buffer has no alignment guarantee. */
#include "config.h"

#include "frame-filter.h"

#define ETH_HLEN 14
#define ETH_MIN_FRAME 60 /* the minimum Ethernet frame, FCS excluded */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86dd

#define ARP_LEN 28
#define ARP_REQUEST 1
#define ARP_REPLY 2

#define IP_HLEN 20
#define IP_FLAG_DF 0x4000
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

#define TCP_HLEN 20
#define UDP_HLEN 8
#define ICMP_MINLEN 8
#define ICMP_ECHO 8

#define PORT_BOOTP_SERVER 67
#define PORT_TFTP 69
#define PORT_DNS 53
#define ADDR_BROADCAST 0xffffffffu

/* What the address rules need to know of the transport header. */
typedef struct l4_info
{
  uint8_t proto;
  uint16_t sport, dport; /* TCP and UDP */
  bool echo;             /* an ICMP echo request */
} l4_info_t;

static const char *const verdict_names[FRAME_VERDICT_COUNT] = {
  [FRAME_ACCEPT] = "accept",
  [FRAME_DROP_SHORT] = "short-frame",
  [FRAME_DROP_ETH_SOURCE] = "eth-source",
  [FRAME_DROP_ETHERTYPE] = "ethertype",
  [FRAME_DROP_IPV6] = "ipv6",
  [FRAME_DROP_ARP_MALFORMED] = "arp-malformed",
  [FRAME_DROP_ARP_SENDER] = "arp-sender",
  [FRAME_DROP_ARP_TARGET] = "arp-target",
  [FRAME_DROP_IP_TRUNCATED] = "ip-truncated",
  [FRAME_DROP_IP_VERSION] = "ip-version",
  [FRAME_DROP_IP_HEADER_LENGTH] = "ip-header-length",
  [FRAME_DROP_IP_OPTIONS] = "ip-options",
  [FRAME_DROP_IP_LENGTH] = "ip-length",
  [FRAME_DROP_IP_TRAILING] = "ip-trailing",
  [FRAME_DROP_IP_CHECKSUM] = "ip-checksum",
  [FRAME_DROP_IP_FRAGMENT] = "ip-fragment",
  [FRAME_DROP_IP_TTL] = "ip-ttl",
  [FRAME_DROP_PROTOCOL] = "protocol",
  [FRAME_DROP_TCP_HEADER] = "tcp-header",
  [FRAME_DROP_UDP_HEADER] = "udp-header",
  [FRAME_DROP_ICMP_HEADER] = "icmp-header",
  [FRAME_DROP_ICMP_TYPE] = "icmp-type",
  [FRAME_DROP_PORT_ZERO] = "port-zero",
  [FRAME_DROP_SOURCE] = "source",
  [FRAME_DROP_DST_LOOPBACK] = "dst-loopback",
  [FRAME_DROP_DST_THIS_NETWORK] = "dst-this-network",
  [FRAME_DROP_DST_LINK_LOCAL] = "dst-link-local",
  [FRAME_DROP_DST_MULTICAST] = "dst-multicast",
  [FRAME_DROP_DST_BROADCAST] = "dst-broadcast",
  [FRAME_DROP_DST_GUEST_NETWORK] = "dst-guest-network",
  [FRAME_DROP_DST_GATEWAY] = "dst-gateway",
  [FRAME_DROP_DST_GATEWAY_SERVICE] = "dst-gateway-service",
  [FRAME_DROP_DST_DNS_PORT] = "dst-dns-port",
  [FRAME_DROP_DST_HOST] = "dst-host",
};

/* Destinations that no grant but link_local opens (link_local: see
 * dst_verdict).  255.255.255.255 lies in 224.0.0.0/3 but is handled
 * first, under a name of its own. */
static const struct
{
  uint32_t net, mask;
  netsetup_frame_verdict_t verdict;
} dst_denied[] = {
  { 0x7f000000, 0xff000000, FRAME_DROP_DST_LOOPBACK },     /* 127.0.0.0/8 */
  { 0x00000000, 0xff000000, FRAME_DROP_DST_THIS_NETWORK }, /* 0.0.0.0/8 */
  { 0xa9fe0000, 0xffff0000, FRAME_DROP_DST_LINK_LOCAL },   /* 169.254.0.0/16 */
  { 0xe0000000, 0xe0000000, FRAME_DROP_DST_MULTICAST },    /* 224.0.0.0/3 */
};

static uint16_t
get16 (const uint8_t *p)
{
  return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32 (const uint8_t *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

netsetup_frame_config_t
netsetup_frame_config_default (void)
{
  /* The addresses of netsetup.h, which inside.c gives tap0 and engine.c
   * gives libslirp. */
  return (netsetup_frame_config_t){ .network = 0x0a000200,
                                    .netmask = 0xffffff00,
                                    .gateway = 0x0a000202,
                                    .dns = 0x0a000203,
                                    .guest = 0x0a000264 };
}

const char *
netsetup_frame_verdict_name (netsetup_frame_verdict_t v)
{
  if ((unsigned)v >= FRAME_VERDICT_COUNT)
    return "unknown";
  return verdict_names[v];
}

static bool
in_network (const netsetup_frame_config_t *cfg, uint32_t addr)
{
  return (addr & cfg->netmask) == (cfg->network & cfg->netmask);
}

/* ---- ARP ------------------------------------------------------------------ */

/* libslirp's arp_input() answers requests for the gateway and DNS
 * addresses and learns the sender's MAC from requests and replies into a
 * 16-entry table that its own replies to the guest use.  The guest speaks
 * for itself only: a sender IP other than its own would let it poison that
 * table; 0.0.0.0 is an address probe (RFC 5227), which libslirp answers
 * but does not learn. */
static netsetup_frame_verdict_t
filter_arp (const netsetup_frame_config_t *cfg, const uint8_t *eth, size_t len)
{
  const uint8_t *a = eth + ETH_HLEN;
  uint16_t op;
  uint32_t sip, tip;

  if (len < ETH_HLEN + ARP_LEN)
    return FRAME_DROP_ARP_MALFORMED;
  /* Trailing bytes: only padding up to the minimum frame. */
  if (len > ETH_HLEN + ARP_LEN && len > ETH_MIN_FRAME)
    return FRAME_DROP_ARP_MALFORMED;
  op = get16 (a + 6);
  if (get16 (a) != 1 || get16 (a + 2) != ETHERTYPE_IPV4 || a[4] != 6 || a[5] != 4
      || (op != ARP_REQUEST && op != ARP_REPLY))
    return FRAME_DROP_ARP_MALFORMED;
  /* The sender MAC is the frame's own source (so unicast, checked in
   * netsetup_frame_filter): the guest cannot claim another station's. */
  for (int i = 0; i < 6; i++)
    if (a[8 + i] != eth[6 + i])
      return FRAME_DROP_ARP_MALFORMED;
  sip = get32 (a + 14);
  tip = get32 (a + 24);
  if (sip != cfg->guest && !(sip == 0 && op == ARP_REQUEST))
    return FRAME_DROP_ARP_SENDER;
  if (!in_network (cfg, tip))
    return FRAME_DROP_ARP_TARGET;
  return FRAME_ACCEPT;
}

/* ---- IPv4 header ---------------------------------------------------------- */

static bool
header_checksum_ok (const uint8_t *ip)
{
  uint32_t sum = 0;

  for (int i = 0; i < IP_HLEN; i += 2)
    sum += get16 (ip + i);
  while (sum > 0xffff)
    sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

/* The IPv4 header of @ip (@n bytes of frame after the Ethernet header,
 * @frame_len the whole frame).  On FRAME_ACCEPT, *total is the datagram's
 * length. */
static netsetup_frame_verdict_t
filter_ip_header (const uint8_t *ip, size_t n, size_t frame_len, size_t *total)
{
  if (n < IP_HLEN)
    return FRAME_DROP_IP_TRUNCATED;
  if (ip[0] >> 4 != 4)
    return FRAME_DROP_IP_VERSION;
  if ((ip[0] & 0x0f) < 5)
    return FRAME_DROP_IP_HEADER_LENGTH;
  /* IP options: dropped.  A Linux guest sends none on TCP, UDP or ICMP
   * unless a program asks for them (IP_OPTIONS: ping -R, traceroute -g),
   * and the only option the kernel adds itself, Router Alert, rides on
   * IGMP to multicast groups, dropped anyway.  libslirp handles options
   * three ways: tcp_input() and udp_input() memmove them away
   * (ip_stripoptions), icmp_reflect() strips them itself, and
   * icmp_send_error() quotes them back to the guest; none of it is
   * worth the guest's reach for options nobody on this link needs. */
  if ((ip[0] & 0x0f) > 5)
    return FRAME_DROP_IP_OPTIONS;
  *total = get16 (ip + 2);
  if (*total < IP_HLEN || *total > n)
    return FRAME_DROP_IP_LENGTH;
  /* Bytes after the datagram can only be padding that brought a short
   * frame up to the Ethernet minimum; tap frames carry none, so anything
   * else is a hand-made frame. */
  if (*total < n && frame_len > ETH_MIN_FRAME)
    return FRAME_DROP_IP_TRAILING;
  if (!header_checksum_ok (ip))
    return FRAME_DROP_IP_CHECKSUM;
  /* Every fragment is dropped: MF set, a non-zero offset, or the reserved
   * flag (libslirp's ip_input() sends anything with a bit outside DF to its
   * reassembly code).  That code is where the guest wrote into entrun's
   * memory (issue 13): libslirp 4.7 takes a lone *last* fragment (MF=0,
   * offset>0) for a whole datagram and copies it over its own reassembly
   * header; and never-completed fragments pile up in its memory.  A
   * well-behaved guest never fragments here: tap0's MTU is 65520, the
   * kernel sets DF on what it sends (path-MTU discovery, the default) and
   * TCP sizes its segments to the MTU, so the only datagram the guest's
   * kernel would fragment is one longer than 65520 bytes (a UDP send of
   * more than 65492 bytes).  Such a datagram is lost, as behind a firewall
   * that drops fragments. */
  if (get16 (ip + 6) & ~IP_FLAG_DF)
    return FRAME_DROP_IP_FRAGMENT;
  /* TTL 0: no host emits it (RFC 1122 3.2.1.7); libslirp would answer with
   * an ICMP time-exceeded quoting the datagram. */
  if (ip[8] == 0)
    return FRAME_DROP_IP_TTL;
  return FRAME_ACCEPT;
}

/* ---- transport headers ---------------------------------------------------- *
 *
 * Checksums: libslirp 4.7 checks the TCP checksum (tcp_input), the UDP
 * checksum when it is not zero (udp_input) and the ICMP checksum
 * (icmp_input) itself, before it acts on the segment; a datagram never
 * reaches a transport handler before ip_input() checked the header
 * checksum, which this filter checks too.  Checking the payload checksums
 * here as well would only read every byte of every frame twice.  What
 * libslirp does *not* check is whether the transport header is there at
 * all ("XXX Check if too short" in tcp_input) and whether a UDP length
 * below 8 leaves it with a negative payload length: those are checked
 * here. */

static netsetup_frame_verdict_t
filter_tcp (const uint8_t *l4, size_t n)
{
  size_t off;

  if (n < TCP_HLEN)
    return FRAME_DROP_TCP_HEADER;
  off = (size_t)(l4[12] >> 4) * 4;
  if (off < TCP_HLEN || off > n)
    return FRAME_DROP_TCP_HEADER;
  return FRAME_ACCEPT;
}

static netsetup_frame_verdict_t
filter_udp (const uint8_t *l4, size_t n)
{
  /* The length field must say exactly what IP says: a shorter one makes
   * libslirp trim the datagram to it (below 8, to less than a header),
   * a longer one it drops itself. */
  if (n < UDP_HLEN || get16 (l4 + 4) != n)
    return FRAME_DROP_UDP_HEADER;
  return FRAME_ACCEPT;
}

/* libslirp 4.7's icmp_input() acts on echo requests only and frees every
 * other type unread: dropping them here changes nothing for the guest. */
static netsetup_frame_verdict_t
filter_icmp (const uint8_t *l4, size_t n, l4_info_t *info)
{
  if (n < ICMP_MINLEN)
    return FRAME_DROP_ICMP_HEADER;
  if (l4[0] != ICMP_ECHO || l4[1] != 0)
    return FRAME_DROP_ICMP_TYPE;
  info->echo = true;
  return FRAME_ACCEPT;
}

static netsetup_frame_verdict_t
filter_l4 (const uint8_t *ip, size_t total, l4_info_t *info)
{
  const uint8_t *l4 = ip + IP_HLEN;
  size_t n = total - IP_HLEN;
  netsetup_frame_verdict_t v;

  info->proto = ip[9];
  switch (info->proto)
    {
    case PROTO_TCP:
      v = filter_tcp (l4, n);
      break;
    case PROTO_UDP:
      v = filter_udp (l4, n);
      break;
    case PROTO_ICMP:
      return filter_icmp (l4, n, info);
    default:
      return FRAME_DROP_PROTOCOL;
    }
  if (v != FRAME_ACCEPT)
    return v;
  /* Both headers start with the two ports.  Port 0 is no port: Linux never
   * sends from or to it. */
  info->sport = get16 (l4);
  info->dport = get16 (l4 + 2);
  if (info->sport == 0 || info->dport == 0)
    return FRAME_DROP_PORT_ZERO;
  return FRAME_ACCEPT;
}

/* ---- addresses ------------------------------------------------------------ */

/* The gateway: libslirp answers ICMP echo itself; TCP and UDP it connects
 * to the host's 127.0.0.1 with host_loopback, and refuses without (its
 * disable_host_loopback).  The filter drops them without host_loopback
 * too, so the host's loopback hangs on two locks.  UDP 67 and 69 go to
 * libslirp's own BOOTP and TFTP servers (TFTP unconfigured, but its request
 * parser still runs), never to the host: dropped. */
static netsetup_frame_verdict_t
gateway_verdict (const netsetup_frame_config_t *cfg, const l4_info_t *l4)
{
  if (l4->echo)
    return FRAME_ACCEPT;
  /* A published TCP port: libslirp's forward connects to the guest from
   * the gateway, and the guest answers there.  libslirp matches such a
   * segment to its forward's socket; any other it refuses itself (its
   * disable_host_loopback), so the host's loopback stays on one lock for
   * these ports. */
  if (l4->proto == PROTO_TCP)
    for (size_t i = 0; i < cfg->n_published; i++)
      if (l4->sport == cfg->published[i])
        return FRAME_ACCEPT;
  if (!cfg->host_loopback)
    return FRAME_DROP_DST_GATEWAY;
  if (l4->proto == PROTO_UDP && (l4->dport == PORT_BOOTP_SERVER || l4->dport == PORT_TFTP))
    return FRAME_DROP_DST_GATEWAY_SERVICE;
  return FRAME_ACCEPT;
}

/* The rest of the guest network is nobody: libslirp would forward a
 * datagram to 10.0.2.15 or 10.0.2.255 to the real network as it is
 * (issue 13).  The DNS address forwards port 53 to the host's resolver
 * and nothing else (libslirp's sotranslate_out). */
static netsetup_frame_verdict_t
guest_network_verdict (const netsetup_frame_config_t *cfg, const l4_info_t *l4, uint32_t dst)
{
  if (dst == cfg->gateway)
    return gateway_verdict (cfg, l4);
  if (dst != cfg->dns)
    return FRAME_DROP_DST_GUEST_NETWORK;
  if (l4->echo || l4->dport == PORT_DNS)
    return FRAME_ACCEPT;
  return FRAME_DROP_DST_DNS_PORT;
}

static netsetup_frame_verdict_t
address_verdict (const netsetup_frame_config_t *cfg, const l4_info_t *l4, uint32_t src,
                 uint32_t dst)
{
  /* The source: libslirp keys its sockets by it and sends replies to it;
   * a forged one would make it answer on the guest's behalf to addresses
   * the guest does not have.  No DHCP either (from 0.0.0.0, or to the
   * limited broadcast): the guest's address is static, libslirp's DHCP
   * server is off (engine.c), and its BOOTP parser is code no frame of
   * the sandbox's needs to reach.  (Answered, it would hand out an
   * address whose frames this filter drops.) */
  if (src != cfg->guest)
    return FRAME_DROP_SOURCE;
  if (dst == ADDR_BROADCAST)
    return FRAME_DROP_DST_BROADCAST;
  /* 127.0.0.0/8: libslirp connects such a destination as it is, so a guest
   * socket bound to tap0 (SO_BINDTODEVICE) reached the host's loopback
   * (issue 13).  169.254.0.0/16 holds cloud metadata services
   * (169.254.169.254) and only an explicit grant opens it. */
  for (size_t i = 0; i < sizeof (dst_denied) / sizeof (dst_denied[0]); i++)
    if ((dst & dst_denied[i].mask) == dst_denied[i].net
        && !(dst_denied[i].verdict == FRAME_DROP_DST_LINK_LOCAL && cfg->link_local))
      return dst_denied[i].verdict;
  /* The host's own addresses: a service bound to 0.0.0.0 there (a
   * database, a Docker-published port) would be the host's loopback
   * under another name. */
  for (size_t i = 0; i < cfg->n_host; i++)
    if (dst == cfg->host[i])
      return FRAME_DROP_DST_HOST;
  if (in_network (cfg, dst))
    return guest_network_verdict (cfg, l4, dst);
  return FRAME_ACCEPT;
}

/* ---- the frame ------------------------------------------------------------ */

static netsetup_frame_verdict_t
filter_ipv4 (const netsetup_frame_config_t *cfg, const uint8_t *frame, size_t len)
{
  const uint8_t *ip = frame + ETH_HLEN;
  l4_info_t l4 = { 0 };
  size_t total = 0;
  netsetup_frame_verdict_t v;

  if ((v = filter_ip_header (ip, len - ETH_HLEN, len, &total)) != FRAME_ACCEPT)
    return v;
  if ((v = filter_l4 (ip, total, &l4)) != FRAME_ACCEPT)
    return v;
  return address_verdict (cfg, &l4, get32 (ip + 12), get32 (ip + 16));
}

netsetup_frame_verdict_t
netsetup_frame_filter (const netsetup_frame_config_t *cfg, const uint8_t *frame, size_t len)
{
  if (len < ETH_HLEN)
    return FRAME_DROP_SHORT;
  /* A multicast (or broadcast) source MAC is no station's (IEEE 802.3). */
  if (frame[6] & 0x01)
    return FRAME_DROP_ETH_SOURCE;
  switch (get16 (frame + 12))
    {
    case ETHERTYPE_IPV4:
      return filter_ipv4 (cfg, frame, len);
    case ETHERTYPE_ARP:
      return filter_arp (cfg, frame, len);
    case ETHERTYPE_IPV6:
      /* Dropped until entrun offers IPv6: libslirp runs with in6_enabled
       * off and tap0 gets no IPv6 route, so what arrives is the guest
       * kernel's link-local chatter (duplicate-address detection, router
       * and multicast-listener messages), which goes nowhere anyway, or a
       * hand-made frame.  When IPv6 is offered, these rules are to be
       * written for it. */
      return FRAME_DROP_IPV6;
    default:
      /* Also 802.1Q tags, and NC-SI (0x88f8), which libslirp answers. */
      return FRAME_DROP_ETHERTYPE;
    }
}
