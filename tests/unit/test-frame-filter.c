/* Unit tests of netsetup/frame-filter.c: one or more per rule, the attack
 * frames of issue 13, and every truncation of a few valid frames.  Frames
 * are built here byte by byte, as the guest's kernel would write them to
 * tap0 (Ethernet II, no packet-information prefix). */
#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frame-filter.h"
#include "netsetup.h"

#define N(a) (sizeof (a) / sizeof ((a)[0]))
#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define GUEST IP4 (10, 0, 2, 100)
#define GATEWAY IP4 (10, 0, 2, 2)
#define DNS IP4 (10, 0, 2, 3)
#define OUTSIDE IP4 (93, 184, 216, 34)
#define ETH 14        /* the IPv4 header's offset in a frame */
#define L4 (ETH + 20) /* the transport header's offset */

typedef struct frame
{
  uint8_t b[1600];
  size_t len;
} frame_t;

static netsetup_frame_config_t cfg;

/* ---- the frame builder ----------------------------------------------------- */

static void
put16 (uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void
put32 (uint8_t *p, uint32_t v)
{
  put16 (p, (uint16_t)(v >> 16));
  put16 (p + 2, (uint16_t)v);
}

static uint32_t
sum16 (const uint8_t *p, size_t n, uint32_t sum)
{
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

static uint16_t
fold (uint32_t sum)
{
  while (sum > 0xffff)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Ethernet header: to libslirp's MAC, from a locally administered one. */
static void
eth (frame_t *f, uint16_t type)
{
  static const uint8_t hdr[12]
      = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

  memset (f, 0, sizeof (*f));
  memcpy (f->b, hdr, sizeof (hdr));
  put16 (f->b + 12, type);
  f->len = ETH;
}

static void
ip_fix_checksum (frame_t *f)
{
  put16 (f->b + ETH + 10, 0);
  put16 (f->b + ETH + 10, fold (sum16 (f->b + ETH, 20, 0)));
}

/* An IPv4 frame around the @n transport bytes already at L4: DF, TTL 64. */
static void
ipv4 (frame_t *f, uint8_t proto, uint32_t src, uint32_t dst, size_t n)
{
  uint8_t *ip = f->b + ETH;

  put16 (f->b + 12, 0x0800);
  ip[0] = 0x45;
  put16 (ip + 2, (uint16_t)(20 + n));
  put16 (ip + 4, 0x1234);
  put16 (ip + 6, 0x4000);
  ip[8] = 64;
  ip[9] = proto;
  put32 (ip + 12, src);
  put32 (ip + 16, dst);
  ip_fix_checksum (f);
  f->len = L4 + n;
}

/* The TCP/UDP checksum over the pseudo header, stored at @at. */
static void
l4_checksum (frame_t *f, size_t at)
{
  const uint8_t *ip = f->b + ETH;
  size_t n = (size_t)(ip[2] << 8 | ip[3]) - 20;
  uint32_t sum = sum16 (ip + 12, 8, ip[9] + (uint32_t)n);

  put16 (f->b + L4 + at, 0);
  put16 (f->b + L4 + at, fold (sum16 (f->b + L4, n, sum)));
}

static void
udp (frame_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
     size_t n)
{
  eth (f, 0x0800);
  put16 (f->b + L4, sport);
  put16 (f->b + L4 + 2, dport);
  put16 (f->b + L4 + 4, (uint16_t)(8 + n));
  memcpy (f->b + L4 + 8, data, n);
  ipv4 (f, 17, src, dst, 8 + n);
  l4_checksum (f, 6);
}

/* A DNS query for example.com, A. */
static void
dns_query (frame_t *f, uint32_t dst)
{
  static const uint8_t q[] = { 0x12, 0x34, 0x01, 0x00, 0,   1, 0,   0,   0,   0, 0, 0, 7, 'e', 'x',
                               'a',  'm',  'p',  'l',  'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1 };

  udp (f, GUEST, dst, 40000, 53, q, sizeof (q));
}

/* A SYN with an MSS option (data offset 6), as connect() sends it. */
static void
tcp_syn (frame_t *f, uint32_t src, uint32_t dst, uint16_t dport)
{
  uint8_t *t = f->b + L4;

  eth (f, 0x0800);
  put16 (t, 45000);
  put16 (t + 2, dport);
  put32 (t + 4, 0x01020304);
  t[12] = 6 << 4;
  t[13] = 0x02; /* SYN */
  put16 (t + 14, 64240);
  t[20] = 2;
  t[21] = 4;
  put16 (t + 22, 65480);
  ipv4 (f, 6, src, dst, 24);
  l4_checksum (f, 16);
}

/* A SYN-ACK from @sport: the guest answering a connection. */
static void
tcp_segment (frame_t *f, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
  tcp_syn (f, src, dst, dport);
  put16 (f->b + L4, sport);
  f->b[L4 + 13] = 0x12; /* SYN, ACK */
  l4_checksum (f, 16);
}

static void
icmp (frame_t *f, uint32_t dst, uint8_t type, uint8_t code)
{
  uint8_t *c = f->b + L4;

  eth (f, 0x0800);
  c[0] = type;
  c[1] = code;
  put16 (c + 4, 7);
  put16 (c + 6, 1);
  memcpy (c + 8, "pingpingpingping", 16);
  ipv4 (f, 1, GUEST, dst, 24);
  put16 (c + 2, fold (sum16 (c, 24, 0)));
}

static void
arp (frame_t *f, uint16_t op, uint32_t sip, uint32_t tip)
{
  uint8_t *a = f->b + ETH;

  eth (f, 0x0806);
  put16 (a, 1);
  put16 (a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16 (a + 6, op);
  memcpy (a + 8, f->b + 6, 6);
  put32 (a + 14, sip);
  put32 (a + 24, tip);
  f->len = ETH + 28;
}

static netsetup_frame_verdict_t
judge (const frame_t *f)
{
  return netsetup_frame_filter (&cfg, f->b, f->len);
}

#define ck_verdict(f, v)                                                                           \
  ck_assert_msg (judge (f) == (v), "verdict %s, expected %s",                                      \
                 netsetup_frame_verdict_name (judge (f)), netsetup_frame_verdict_name (v))

static void
setup (void)
{
  cfg = netsetup_frame_config_default ();
}

/* ---- the configuration and the names ----------------------------------------- */

START_TEST (default_config_matches_netsetup)
{
  struct in_addr a;

  ck_assert_int_eq (inet_pton (AF_INET, NETSETUP_GATEWAY, &a), 1);
  ck_assert_uint_eq (ntohl (a.s_addr), cfg.gateway);
  ck_assert_int_eq (inet_pton (AF_INET, NETSETUP_DNS, &a), 1);
  ck_assert_uint_eq (ntohl (a.s_addr), cfg.dns);
  ck_assert_int_eq (inet_pton (AF_INET, NETSETUP_TAP_ADDR, &a), 1);
  ck_assert_uint_eq (ntohl (a.s_addr), cfg.guest);
  ck_assert_uint_eq (cfg.network, IP4 (10, 0, 2, 0));
  ck_assert_uint_eq (cfg.netmask, IP4 (255, 255, 255, 0));
  ck_assert (!cfg.host_loopback && !cfg.link_local);
}
END_TEST

START_TEST (verdict_names)
{
  for (int i = 0; i < FRAME_VERDICT_COUNT; i++)
    {
      const char *name = netsetup_frame_verdict_name ((netsetup_frame_verdict_t)i);
      ck_assert_msg (name != NULL && name[0] != '\0' && strcmp (name, "unknown") != 0,
                     "verdict %d has no name", i);
      for (int j = 0; j < i; j++)
        ck_assert_str_ne (name, netsetup_frame_verdict_name ((netsetup_frame_verdict_t)j));
    }
  ck_assert_str_eq (netsetup_frame_verdict_name (FRAME_ACCEPT), "accept");
  ck_assert_str_eq (netsetup_frame_verdict_name (FRAME_DROP_IP_FRAGMENT), "ip-fragment");
  ck_assert_str_eq (netsetup_frame_verdict_name (FRAME_VERDICT_COUNT), "unknown");
  ck_assert_str_eq (netsetup_frame_verdict_name ((netsetup_frame_verdict_t)-1), "unknown");
}
END_TEST

/* ---- what a guest needs ------------------------------------------------------ */

START_TEST (accepts_tcp_syn_outside)
{
  frame_t f;

  tcp_syn (&f, GUEST, OUTSIDE, 443);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (accepts_dns_query)
{
  frame_t f;

  dns_query (&f, DNS);
  ck_verdict (&f, FRAME_ACCEPT);
  tcp_syn (&f, GUEST, DNS, 53);
  ck_verdict (&f, FRAME_ACCEPT);
  dns_query (&f, IP4 (9, 9, 9, 9));
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (accepts_icmp_echo)
{
  frame_t f;

  icmp (&f, IP4 (1, 1, 1, 1), 8, 0);
  ck_verdict (&f, FRAME_ACCEPT);
  icmp (&f, GATEWAY, 8, 0); /* libslirp answers it itself */
  ck_verdict (&f, FRAME_ACCEPT);
  icmp (&f, DNS, 8, 0);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (accepts_arp)
{
  frame_t f;

  arp (&f, 1, GUEST, GATEWAY);
  ck_verdict (&f, FRAME_ACCEPT);
  arp (&f, 2, GUEST, GATEWAY);
  ck_verdict (&f, FRAME_ACCEPT);
  arp (&f, 1, 0, GUEST); /* RFC 5227 probe */
  ck_verdict (&f, FRAME_ACCEPT);
  arp (&f, 1, GUEST, GUEST); /* gratuitous */
  ck_verdict (&f, FRAME_ACCEPT);
  arp (&f, 1, GUEST, IP4 (10, 0, 2, 15)); /* unanswered, harmless */
  ck_verdict (&f, FRAME_ACCEPT);
  f.len = 60; /* padded to the minimum frame */
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

/* The address is static: libslirp's DHCP server (off too) and its BOOTP
 * parser see no DISCOVER or REQUEST, from 0.0.0.0 or from the guest. */
START_TEST (drops_dhcp)
{
  frame_t f;
  uint8_t bootp[240] = { 1, 1, 6 };

  udp (&f, 0, 0xffffffff, 68, 67, bootp, sizeof (bootp));
  ck_verdict (&f, FRAME_DROP_SOURCE);
  udp (&f, GUEST, 0xffffffff, 68, 67, bootp, sizeof (bootp));
  ck_verdict (&f, FRAME_DROP_DST_BROADCAST);
  udp (&f, GUEST, GATEWAY, 68, 67, bootp, sizeof (bootp));
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
}
END_TEST

START_TEST (accepts_padding_of_short_frames)
{
  frame_t f;

  icmp (&f, OUTSIDE, 8, 0);
  put16 (f.b + ETH + 2, 28); /* an echo with no data: 42 bytes */
  ip_fix_checksum (&f);
  put16 (f.b + L4 + 2, 0);
  put16 (f.b + L4 + 2, fold (sum16 (f.b + L4, 8, 0)));
  f.len = 42;
  ck_verdict (&f, FRAME_ACCEPT);
  f.len = 60;
  ck_verdict (&f, FRAME_ACCEPT);
  f.len = 61;
  ck_verdict (&f, FRAME_DROP_IP_TRAILING);
}
END_TEST

/* ---- Ethernet ------------------------------------------------------------------ */

START_TEST (drops_short_frames)
{
  frame_t f;

  tcp_syn (&f, GUEST, OUTSIDE, 80);
  ck_assert_int_eq (netsetup_frame_filter (&cfg, NULL, 0), FRAME_DROP_SHORT);
  for (f.len = 0; f.len < ETH; f.len++)
    ck_verdict (&f, FRAME_DROP_SHORT);
}
END_TEST

START_TEST (drops_multicast_source_mac)
{
  frame_t f;

  tcp_syn (&f, GUEST, OUTSIDE, 80);
  f.b[6] = 0x01;
  ck_verdict (&f, FRAME_DROP_ETH_SOURCE);
  memset (f.b + 6, 0xff, 6);
  ck_verdict (&f, FRAME_DROP_ETH_SOURCE);
}
END_TEST

START_TEST (drops_other_ethertypes)
{
  static const uint16_t types[] = { 0x8100, 0x88f8, 0x8035, 0x88cc, 0x0000, 0x05dc, 0xffff };
  frame_t f;

  for (size_t i = 0; i < N (types); i++)
    {
      tcp_syn (&f, GUEST, OUTSIDE, 80);
      put16 (f.b + 12, types[i]);
      ck_verdict (&f, FRAME_DROP_ETHERTYPE);
    }
}
END_TEST

/* A router solicitation from fe80::1 to ff02::2, as the guest's kernel
 * sends one when tap0 comes up. */
START_TEST (drops_ipv6)
{
  frame_t f;
  uint8_t *ip = f.b + ETH;

  eth (&f, 0x86dd);
  ip[0] = 0x60;
  put16 (ip + 4, 8);
  ip[6] = 58;
  ip[7] = 255;
  ip[8] = 0xfe;
  ip[9] = 0x80;
  ip[23] = 1;
  ip[24] = 0xff;
  ip[25] = 0x02;
  ip[39] = 2;
  ip[40] = 133;
  f.len = ETH + 48;
  ck_verdict (&f, FRAME_DROP_IPV6);
  /* A valid IPv4 datagram behind the IPv6 ethertype is still IPv6. */
  tcp_syn (&f, GUEST, OUTSIDE, 80);
  put16 (f.b + 12, 0x86dd);
  ck_verdict (&f, FRAME_DROP_IPV6);
}
END_TEST

/* ---- ARP ------------------------------------------------------------------------ */

START_TEST (drops_malformed_arp)
{
  /* Offsets into the ARP header and the value that spoils each. */
  static const struct
  {
    size_t at;
    uint8_t value;
  } spoil[] = { { 1, 6 }, { 2, 0x86 }, { 4, 8 }, { 5, 16 }, { 7, 3 }, { 7, 0 }, { 13, 0x42 } };
  frame_t f;

  for (size_t i = 0; i < N (spoil); i++)
    {
      arp (&f, 1, GUEST, GATEWAY);
      f.b[ETH + spoil[i].at] = spoil[i].value;
      ck_verdict (&f, FRAME_DROP_ARP_MALFORMED);
    }
  arp (&f, 1, GUEST, GATEWAY);
  for (f.len = ETH; f.len < ETH + 28; f.len++)
    ck_verdict (&f, FRAME_DROP_ARP_MALFORMED);
  f.len = 61; /* more than padding */
  ck_verdict (&f, FRAME_DROP_ARP_MALFORMED);
}
END_TEST

START_TEST (drops_arp_for_others)
{
  frame_t f;

  arp (&f, 1, IP4 (10, 0, 2, 15), GATEWAY);
  ck_verdict (&f, FRAME_DROP_ARP_SENDER);
  arp (&f, 2, GATEWAY, GATEWAY); /* claims the gateway's address */
  ck_verdict (&f, FRAME_DROP_ARP_SENDER);
  arp (&f, 2, 0, GATEWAY); /* a probe is a request */
  ck_verdict (&f, FRAME_DROP_ARP_SENDER);
  arp (&f, 1, GUEST, IP4 (192, 168, 1, 1));
  ck_verdict (&f, FRAME_DROP_ARP_TARGET);
  arp (&f, 1, GUEST, IP4 (127, 0, 0, 1));
  ck_verdict (&f, FRAME_DROP_ARP_TARGET);
}
END_TEST

/* ---- the IPv4 header -------------------------------------------------------------- */

START_TEST (drops_bad_version_and_header_length)
{
  frame_t f;

  for (int v = 0; v < 16; v++)
    {
      if (v == 4)
        continue;
      tcp_syn (&f, GUEST, OUTSIDE, 80);
      f.b[ETH] = (uint8_t)(v << 4 | 5);
      ip_fix_checksum (&f);
      ck_verdict (&f, FRAME_DROP_IP_VERSION);
    }
  for (int hl = 0; hl < 5; hl++)
    {
      tcp_syn (&f, GUEST, OUTSIDE, 80);
      f.b[ETH] = (uint8_t)(0x40 | hl);
      ck_verdict (&f, FRAME_DROP_IP_HEADER_LENGTH);
    }
}
END_TEST

/* A header with four NOP options in front of a valid UDP datagram, the
 * checksum right: still dropped. */
START_TEST (drops_ip_options)
{
  frame_t f, g;

  dns_query (&g, OUTSIDE);
  memcpy (&f, &g, sizeof (f));
  memcpy (f.b + L4 + 4, g.b + L4, g.len - L4);
  memset (f.b + L4, 1, 4);
  f.b[ETH] = 0x46;
  put16 (f.b + ETH + 2, (uint16_t)(g.len - ETH + 4));
  f.len = g.len + 4;
  put16 (f.b + ETH + 10, 0);
  put16 (f.b + ETH + 10, fold (sum16 (f.b + ETH, 24, 0)));
  ck_verdict (&f, FRAME_DROP_IP_OPTIONS);
  f.b[ETH] = 0x4f;
  ck_verdict (&f, FRAME_DROP_IP_OPTIONS);
}
END_TEST

START_TEST (drops_bad_total_length)
{
  frame_t f;

  dns_query (&f, OUTSIDE);
  put16 (f.b + ETH + 2, (uint16_t)(f.len - ETH + 1)); /* longer than the frame */
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_DROP_IP_LENGTH);
  put16 (f.b + ETH + 2, 0xffff);
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_DROP_IP_LENGTH);
  for (uint16_t len = 0; len < 20; len++)
    {
      put16 (f.b + ETH + 2, len);
      ip_fix_checksum (&f);
      ck_verdict (&f, FRAME_DROP_IP_LENGTH);
    }
}
END_TEST

START_TEST (drops_trailing_bytes)
{
  frame_t f;

  dns_query (&f, OUTSIDE);
  f.len += 1;
  ck_verdict (&f, FRAME_DROP_IP_TRAILING);
  f.len += 100;
  ck_verdict (&f, FRAME_DROP_IP_TRAILING);
}
END_TEST

START_TEST (drops_bad_header_checksum)
{
  frame_t f;

  dns_query (&f, DNS);
  f.b[ETH + 10] ^= 0x01;
  ck_verdict (&f, FRAME_DROP_IP_CHECKSUM);
  dns_query (&f, DNS);
  f.b[ETH + 8] = 63; /* TTL changed, checksum not */
  ck_verdict (&f, FRAME_DROP_IP_CHECKSUM);
  dns_query (&f, DNS);
  put16 (f.b + ETH + 10, 0);
  ck_verdict (&f, FRAME_DROP_IP_CHECKSUM);
}
END_TEST

/* The 47-byte frame of issue 13: a lone *last* fragment (MF=0, offset 8
 * bytes) of a UDP datagram to the gateway, which libslirp 4.7 copied over
 * its reassembly header. */
START_TEST (drops_lone_last_fragment)
{
  frame_t f;

  eth (&f, 0x0800);
  memcpy (f.b + L4, "AAAAAAAAAAAAA", 13);
  ipv4 (&f, 17, GUEST, GATEWAY, 13);
  put16 (f.b + ETH + 6, 0x0001);
  ip_fix_checksum (&f);
  ck_assert_uint_eq (f.len, 47);
  ck_verdict (&f, FRAME_DROP_IP_FRAGMENT);
  cfg.host_loopback = true;
  ck_verdict (&f, FRAME_DROP_IP_FRAGMENT);
  put16 (f.b + ETH + 6, 0x1fff); /* the largest offset */
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_DROP_IP_FRAGMENT);
}
END_TEST

START_TEST (drops_every_fragment)
{
  /* First (MF), middle (MF + offset), MF with DF, and the reserved flag
   * that libslirp also sends to reassembly. */
  static const uint16_t off[] = { 0x2000, 0x2010, 0x6000, 0x8000, 0xc000, 0x0001 };
  frame_t f;

  for (size_t i = 0; i < N (off); i++)
    {
      dns_query (&f, OUTSIDE);
      put16 (f.b + ETH + 6, off[i]);
      ip_fix_checksum (&f);
      ck_verdict (&f, FRAME_DROP_IP_FRAGMENT);
    }
  /* DF alone, and no flag at all, are whole datagrams. */
  dns_query (&f, OUTSIDE);
  put16 (f.b + ETH + 6, 0);
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (drops_ttl_zero)
{
  frame_t f;

  dns_query (&f, OUTSIDE);
  f.b[ETH + 8] = 0;
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_DROP_IP_TTL);
  f.b[ETH + 8] = 1; /* traceroute's first hop */
  ip_fix_checksum (&f);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (drops_other_protocols)
{
  static const uint8_t protos[] = { 0, 2, 4, 41, 47, 50, 58, 132, 255 };
  frame_t f;

  for (size_t i = 0; i < N (protos); i++)
    {
      dns_query (&f, OUTSIDE);
      f.b[ETH + 9] = protos[i];
      ip_fix_checksum (&f);
      ck_verdict (&f, FRAME_DROP_PROTOCOL);
    }
}
END_TEST

/* ---- transport headers -------------------------------------------------------------- */

static void
set_ip_len (frame_t *f, size_t total)
{
  put16 (f->b + ETH + 2, (uint16_t)total);
  ip_fix_checksum (f);
  f->len = ETH + total;
}

START_TEST (drops_bad_tcp_header)
{
  frame_t f;

  /* The data offset beyond the datagram: 60 bytes of header claimed in a
   * 24-byte segment. */
  tcp_syn (&f, GUEST, OUTSIDE, 80);
  f.b[L4 + 12] = 15 << 4;
  ck_verdict (&f, FRAME_DROP_TCP_HEADER);
  f.b[L4 + 12] = 7 << 4; /* one word too many */
  ck_verdict (&f, FRAME_DROP_TCP_HEADER);
  for (int off = 0; off < 5; off++)
    {
      f.b[L4 + 12] = (uint8_t)(off << 4);
      ck_verdict (&f, FRAME_DROP_TCP_HEADER);
    }
  /* Fewer than 20 bytes of TCP. */
  for (size_t n = 0; n < 20; n++)
    {
      tcp_syn (&f, GUEST, OUTSIDE, 80);
      set_ip_len (&f, 20 + n);
      ck_verdict (&f, FRAME_DROP_TCP_HEADER);
    }
}
END_TEST

START_TEST (drops_bad_udp_header)
{
  frame_t f;

  dns_query (&f, OUTSIDE);
  put16 (f.b + L4 + 4, (uint16_t)(f.len - L4 + 1)); /* longer than IP says */
  ck_verdict (&f, FRAME_DROP_UDP_HEADER);
  put16 (f.b + L4 + 4, (uint16_t)(f.len - L4 - 1)); /* shorter */
  ck_verdict (&f, FRAME_DROP_UDP_HEADER);
  for (uint16_t len = 0; len < 8; len++)
    {
      put16 (f.b + L4 + 4, len);
      ck_verdict (&f, FRAME_DROP_UDP_HEADER);
    }
  for (size_t n = 0; n < 8; n++)
    {
      dns_query (&f, OUTSIDE);
      set_ip_len (&f, 20 + n);
      ck_verdict (&f, FRAME_DROP_UDP_HEADER);
    }
}
END_TEST

START_TEST (drops_short_icmp)
{
  frame_t f;

  for (size_t n = 0; n < 8; n++)
    {
      icmp (&f, OUTSIDE, 8, 0);
      set_ip_len (&f, 20 + n);
      ck_verdict (&f, FRAME_DROP_ICMP_HEADER);
    }
}
END_TEST

START_TEST (drops_icmp_other_than_echo)
{
  static const uint8_t types[][2]
      = { { 0, 0 }, { 3, 3 }, { 5, 1 }, { 11, 0 }, { 12, 0 }, { 13, 0 }, { 17, 0 }, { 8, 1 } };
  frame_t f;

  for (size_t i = 0; i < N (types); i++)
    {
      icmp (&f, OUTSIDE, types[i][0], types[i][1]);
      ck_verdict (&f, FRAME_DROP_ICMP_TYPE);
    }
}
END_TEST

START_TEST (drops_port_zero)
{
  frame_t f;

  tcp_syn (&f, GUEST, OUTSIDE, 0);
  ck_verdict (&f, FRAME_DROP_PORT_ZERO);
  udp (&f, GUEST, OUTSIDE, 0, 53, "x", 1);
  ck_verdict (&f, FRAME_DROP_PORT_ZERO);
  udp (&f, GUEST, DNS, 5353, 0, "x", 1);
  ck_verdict (&f, FRAME_DROP_PORT_ZERO);
}
END_TEST

/* ---- addresses ---------------------------------------------------------------------- */

START_TEST (drops_forged_source)
{
  static const uint32_t src[]
      = { IP4 (10, 0, 2, 15), GATEWAY, IP4 (127, 0, 0, 1), IP4 (192, 168, 1, 2), 0, 0xffffffff };
  frame_t f;

  for (size_t i = 0; i < N (src); i++)
    {
      tcp_syn (&f, src[i], OUTSIDE, 80);
      ck_verdict (&f, FRAME_DROP_SOURCE);
    }
  /* 0.0.0.0, the DHCP client's source, for nothing. */
  udp (&f, 0, GATEWAY, 68, 67, "x", 1);
  ck_verdict (&f, FRAME_DROP_SOURCE);
  udp (&f, 0, 0xffffffff, 1068, 67, "x", 1);
  ck_verdict (&f, FRAME_DROP_SOURCE);
}
END_TEST

/* The SO_BINDTODEVICE attack of issue 13: a UDP datagram and a TCP SYN to
 * the host's loopback through tap0.  Never, whatever the grants. */
START_TEST (drops_loopback)
{
  static const uint32_t dst[]
      = { IP4 (127, 0, 0, 1), IP4 (127, 0, 0, 53), IP4 (127, 255, 255, 254) };
  frame_t f;

  for (int grants = 0; grants < 4; grants++)
    for (size_t i = 0; i < N (dst); i++)
      {
        cfg.host_loopback = grants & 1;
        cfg.link_local = grants & 2;
        udp (&f, GUEST, dst[i], 40000, 8080, "secret", 6);
        ck_verdict (&f, FRAME_DROP_DST_LOOPBACK);
        tcp_syn (&f, GUEST, dst[i], 22);
        ck_verdict (&f, FRAME_DROP_DST_LOOPBACK);
        icmp (&f, dst[i], 8, 0);
        ck_verdict (&f, FRAME_DROP_DST_LOOPBACK);
      }
}
END_TEST

START_TEST (drops_this_network)
{
  frame_t f;

  tcp_syn (&f, GUEST, 0, 80);
  ck_verdict (&f, FRAME_DROP_DST_THIS_NETWORK);
  udp (&f, GUEST, IP4 (0, 1, 2, 3), 40000, 53, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_THIS_NETWORK);
}
END_TEST

/* The cloud metadata service: only with the explicit grant. */
START_TEST (link_local_needs_grant)
{
  frame_t f;

  udp (&f, GUEST, IP4 (169, 254, 169, 254), 40000, 80, "GET", 3);
  ck_verdict (&f, FRAME_DROP_DST_LINK_LOCAL);
  tcp_syn (&f, GUEST, IP4 (169, 254, 169, 254), 80);
  ck_verdict (&f, FRAME_DROP_DST_LINK_LOCAL);
  cfg.host_loopback = true;
  ck_verdict (&f, FRAME_DROP_DST_LINK_LOCAL);
  cfg.link_local = true;
  ck_verdict (&f, FRAME_ACCEPT);
  tcp_syn (&f, GUEST, IP4 (169, 254, 0, 1), 80);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

/* The host's own addresses (a service bound to 0.0.0.0 there), with or
 * without the host-loopback grant; other addresses pass. */
START_TEST (drops_host_addresses)
{
  static const uint32_t host[] = { IP4 (192, 168, 1, 20), IP4 (172, 17, 0, 1) };
  frame_t f;

  cfg.host = host;
  cfg.n_host = 2;
  tcp_syn (&f, GUEST, IP4 (192, 168, 1, 20), 5432);
  ck_verdict (&f, FRAME_DROP_DST_HOST);
  udp (&f, GUEST, IP4 (172, 17, 0, 1), 40000, 53, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_HOST);
  cfg.host_loopback = true;
  ck_verdict (&f, FRAME_DROP_DST_HOST);
  tcp_syn (&f, GUEST, IP4 (192, 168, 1, 21), 5432);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (drops_multicast_and_class_e)
{
  static const uint32_t dst[]
      = { IP4 (224, 0, 0, 1), IP4 (224, 0, 0, 251), IP4 (239, 255, 255, 250), IP4 (240, 0, 0, 1),
          IP4 (255, 255, 255, 254) };
  frame_t f;

  for (size_t i = 0; i < N (dst); i++)
    {
      udp (&f, GUEST, dst[i], 5353, 5353, "x", 1);
      ck_verdict (&f, FRAME_DROP_DST_MULTICAST);
      icmp (&f, dst[i], 8, 0);
      ck_verdict (&f, FRAME_DROP_DST_MULTICAST);
    }
}
END_TEST

START_TEST (drops_limited_broadcast)
{
  frame_t f;

  udp (&f, GUEST, 0xffffffff, 40000, 9, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_BROADCAST);
  udp (&f, GUEST, 0xffffffff, 67, 68, "x", 1); /* server to client */
  ck_verdict (&f, FRAME_DROP_DST_BROADCAST);
  /* libslirp maps 255.255.255.255 to the host's loopback with
   * host_loopback: still dropped. */
  cfg.host_loopback = true;
  udp (&f, GUEST, 0xffffffff, 40000, 8080, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_BROADCAST);
  icmp (&f, 0xffffffff, 8, 0);
  ck_verdict (&f, FRAME_DROP_DST_BROADCAST);
}
END_TEST

/* Issue 13: libslirp forwarded 10.0.2.x other than the gateway and DNS to
 * the real network. */
START_TEST (drops_rest_of_guest_network)
{
  static const uint32_t dst[]
      = { IP4 (10, 0, 2, 15), IP4 (10, 0, 2, 255), IP4 (10, 0, 2, 0), IP4 (10, 0, 2, 1), GUEST,
          IP4 (10, 0, 2, 4) };
  frame_t f;

  for (int grants = 0; grants < 4; grants++)
    for (size_t i = 0; i < N (dst); i++)
      {
        cfg.host_loopback = grants & 1;
        cfg.link_local = grants & 2;
        udp (&f, GUEST, dst[i], 40000, 53, "x", 1);
        ck_verdict (&f, FRAME_DROP_DST_GUEST_NETWORK);
        tcp_syn (&f, GUEST, dst[i], 80);
        ck_verdict (&f, FRAME_DROP_DST_GUEST_NETWORK);
        icmp (&f, dst[i], 8, 0);
        ck_verdict (&f, FRAME_DROP_DST_GUEST_NETWORK);
      }
  /* Just outside the guest network is the outside. */
  tcp_syn (&f, GUEST, IP4 (10, 0, 3, 1), 80);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

START_TEST (gateway_needs_host_loopback)
{
  frame_t f;

  tcp_syn (&f, GUEST, GATEWAY, 8080);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
  udp (&f, GUEST, GATEWAY, 40000, 8080, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
  cfg.host_loopback = true;
  ck_verdict (&f, FRAME_ACCEPT);
  tcp_syn (&f, GUEST, GATEWAY, 8080);
  ck_verdict (&f, FRAME_ACCEPT);
}
END_TEST

/* The guest's answers on a published TCP port go to the gateway (where
 * libslirp's forward comes from); nothing else of the guest's does. */
START_TEST (gateway_answers_published_ports)
{
  static const uint16_t published[] = { 8080 };
  frame_t f;

  cfg.published = published;
  cfg.n_published = 1;
  tcp_syn (&f, GUEST, GATEWAY, 40000);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
  tcp_segment (&f, GUEST, GATEWAY, 8080, 40000);
  ck_verdict (&f, FRAME_ACCEPT);
  udp (&f, GUEST, GATEWAY, 8080, 40000, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
  tcp_segment (&f, GUEST, IP4 (10, 0, 2, 15), 8080, 40000);
  ck_verdict (&f, FRAME_DROP_DST_GUEST_NETWORK);
}
END_TEST

START_TEST (drops_gateway_services)
{
  frame_t f;

  cfg.host_loopback = true;
  udp (&f, GUEST, GATEWAY, 40000, 69, "\0\1/etc/passwd\0octet\0", 20);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY_SERVICE);
  udp (&f, GUEST, GATEWAY, 68, 67, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY_SERVICE);
  cfg.host_loopback = false;
  ck_verdict (&f, FRAME_DROP_DST_GATEWAY);
}
END_TEST

START_TEST (dns_address_is_port_53_only)
{
  frame_t f;

  tcp_syn (&f, GUEST, DNS, 853);
  ck_verdict (&f, FRAME_DROP_DST_DNS_PORT);
  udp (&f, GUEST, DNS, 40000, 5353, "x", 1);
  ck_verdict (&f, FRAME_DROP_DST_DNS_PORT);
  cfg.host_loopback = true;
  ck_verdict (&f, FRAME_DROP_DST_DNS_PORT);
}
END_TEST

/* ---- every truncation ------------------------------------------------------------------ */

/* A page whose successor is PROTECTED: a frame copied to its very end
 * faults if the filter reads past @len. */
static uint8_t *guard;
static long page;

static void
setup_guard (void)
{
  setup ();
  page = sysconf (_SC_PAGESIZE);
  guard = mmap (NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert_ptr_ne (guard, MAP_FAILED);
  ck_assert_int_eq (mprotect (guard + page, (size_t)page, PROT_NONE), 0);
}

static void
teardown_guard (void)
{
  munmap (guard, (size_t)page * 2);
}

static netsetup_frame_verdict_t
judge_at_edge (const frame_t *f, size_t len)
{
  uint8_t *at = guard + page - len;

  memcpy (at, f->b, len);
  return netsetup_frame_filter (&cfg, at, len);
}

/* Every prefix of 0 to 60 bytes of each valid frame is dropped while the
 * IP header still claims the whole datagram; and while the cut falls into
 * the transport header, also when the IP header (checksum fixed) claims
 * only what is left.  (A UDP datagram cut anywhere no longer matches its
 * length field; an ICMP echo cut after its 8-byte header is whole, its
 * checksum for libslirp to check.) */
START_TEST (drops_every_truncation)
{
  frame_t f[5], g;
  size_t header_end[5];

  tcp_syn (&f[0], GUEST, OUTSIDE, 443);
  dns_query (&f[1], DNS);
  icmp (&f[2], IP4 (1, 1, 1, 1), 8, 0);
  udp (&f[3], GUEST, OUTSIDE, 40123, 123, "\43\0\6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 24);
  arp (&f[4], 1, GUEST, GATEWAY);
  header_end[0] = L4 + 24;
  header_end[1] = f[1].len;
  header_end[2] = L4 + 8;
  header_end[3] = f[3].len;
  header_end[4] = 0;
  for (size_t i = 0; i < N (f); i++)
    {
      ck_assert_int_eq (judge_at_edge (&f[i], f[i].len), FRAME_ACCEPT);
      for (size_t len = 0; len <= 60 && len < f[i].len; len++)
        {
          ck_assert_msg (judge_at_edge (&f[i], len) != FRAME_ACCEPT,
                         "frame %zu cut to %zu accepted", i, len);
          if (len < L4 || len >= header_end[i])
            continue;
          g = f[i];
          set_ip_len (&g, len - ETH);
          ck_assert_msg (judge_at_edge (&g, len) != FRAME_ACCEPT,
                         "frame %zu with datagram cut to %zu accepted", i, len);
        }
    }
}
END_TEST

/* The filter only reads: the frame is the same afterwards. */
START_TEST (leaves_frame_unchanged)
{
  frame_t f, copy;

  tcp_syn (&f, GUEST, OUTSIDE, 443);
  copy = f;
  ck_verdict (&f, FRAME_ACCEPT);
  ck_assert_mem_eq (f.b, copy.b, sizeof (f.b));
  f.b[ETH + 6] = 0x20;
  copy = f;
  ck_verdict (&f, FRAME_DROP_IP_CHECKSUM);
  ck_assert_mem_eq (f.b, copy.b, sizeof (f.b));
}
END_TEST

int
main (void)
{
  Suite *s = suite_create ("frame-filter");
  TCase *tc = tcase_create ("rules"), *edge = tcase_create ("edges");
  SRunner *sr;
  int failed;

  tcase_add_checked_fixture (tc, setup, NULL);
  tcase_add_test (tc, default_config_matches_netsetup);
  tcase_add_test (tc, verdict_names);
  tcase_add_test (tc, accepts_tcp_syn_outside);
  tcase_add_test (tc, accepts_dns_query);
  tcase_add_test (tc, accepts_icmp_echo);
  tcase_add_test (tc, accepts_arp);
  tcase_add_test (tc, drops_dhcp);
  tcase_add_test (tc, accepts_padding_of_short_frames);
  tcase_add_test (tc, drops_short_frames);
  tcase_add_test (tc, drops_multicast_source_mac);
  tcase_add_test (tc, drops_other_ethertypes);
  tcase_add_test (tc, drops_ipv6);
  tcase_add_test (tc, drops_malformed_arp);
  tcase_add_test (tc, drops_arp_for_others);
  tcase_add_test (tc, drops_bad_version_and_header_length);
  tcase_add_test (tc, drops_ip_options);
  tcase_add_test (tc, drops_bad_total_length);
  tcase_add_test (tc, drops_trailing_bytes);
  tcase_add_test (tc, drops_bad_header_checksum);
  tcase_add_test (tc, drops_lone_last_fragment);
  tcase_add_test (tc, drops_every_fragment);
  tcase_add_test (tc, drops_ttl_zero);
  tcase_add_test (tc, drops_other_protocols);
  tcase_add_test (tc, drops_bad_tcp_header);
  tcase_add_test (tc, drops_bad_udp_header);
  tcase_add_test (tc, drops_short_icmp);
  tcase_add_test (tc, drops_icmp_other_than_echo);
  tcase_add_test (tc, drops_port_zero);
  tcase_add_test (tc, drops_forged_source);
  tcase_add_test (tc, drops_loopback);
  tcase_add_test (tc, drops_this_network);
  tcase_add_test (tc, link_local_needs_grant);
  tcase_add_test (tc, drops_host_addresses);
  tcase_add_test (tc, gateway_answers_published_ports);
  tcase_add_test (tc, drops_multicast_and_class_e);
  tcase_add_test (tc, drops_limited_broadcast);
  tcase_add_test (tc, drops_rest_of_guest_network);
  tcase_add_test (tc, gateway_needs_host_loopback);
  tcase_add_test (tc, drops_gateway_services);
  tcase_add_test (tc, dns_address_is_port_53_only);
  tcase_add_test (tc, leaves_frame_unchanged);
  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (edge, setup_guard, teardown_guard);
  tcase_add_test (edge, drops_every_truncation);
  suite_add_tcase (s, edge);
  sr = srunner_create (s);
  srunner_set_tap (sr, "-");
  srunner_run_all (sr, CK_SILENT);
  failed = srunner_ntests_failed (sr);
  srunner_free (sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
