#!/usr/bin/env python3
"""Writes the seed corpus of frame-fuzzer (tests/fuzz/fuzz-frame.c) into
tests/fuzz/corpus-frame/: frames a guest sends, valid ones and the attack
frames of issue 13.  Each seed is one byte of grants (bit 0 host-loopback,
bit 1 link-local) and then frames, each behind a 2-byte big-endian length.

    python3 tests/fuzz/gen-corpus-frame.py [DIR]
"""
import os
import struct
import sys

GUEST, GATEWAY, DNS = "10.0.2.100", "10.0.2.2", "10.0.2.3"
MACS = bytes.fromhex("52550a000202" "020000000001")


def ip(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(proto, src, dst, payload, frag=0x4000, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, frag, ttl,
                    proto, 0, ip(src), ip(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return MACS + b"\x08\x00" + h + payload


def l4sum(proto, src, dst, seg):
    return csum(ip(src) + ip(dst) + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def udp(src, dst, sport, dport, data, **kw):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    seg = seg[:6] + struct.pack("!H", l4sum(17, src, dst, seg)) + seg[8:]
    return ipv4(17, src, dst, seg, **kw)


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b""):
    off = (20 + len(opts)) // 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 64240, 0, 0)
    seg += opts + data
    seg = seg[:16] + struct.pack("!H", l4sum(6, src, dst, seg)) + seg[18:]
    return ipv4(6, src, dst, seg)


def icmp_echo(dst, data=b"pingpingpingping"):
    m = struct.pack("!BBHHH", 8, 0, 0, 7, 1) + data
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    return ipv4(1, GUEST, dst, m)


def arp(op, sip, tip):
    return (MACS + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + MACS[6:]
            + ip(sip) + b"\0" * 6 + ip(tip))


DNSQ = bytes.fromhex("123401000001000000000000") + b"\x07example\x03com\x00\x00\x01\x00\x01"
MSS = b"\x02\x04\xff\xc8"
BOOTP = bytes([1, 1, 6, 0]) + b"\0" * 232 + bytes.fromhex("63825363" "350101" "ff")


def lone_last_fragment():
    return ipv4(17, GUEST, GATEWAY, b"A" * 13, frag=0x0001)


def ipv6_rs():
    h = struct.pack("!IHBB", 0x60000000, 8, 58, 255) + bytes.fromhex(
        "fe800000000000000000000000000001" "ff020000000000000000000000000002")
    return MACS + b"\x86\xdd" + h + bytes([133, 0, 0, 0, 0, 0, 0, 0])


def bad_checksum():
    f = bytearray(udp(GUEST, DNS, 40000, 53, DNSQ))
    f[24] ^= 1
    return bytes(f)


def tcp_bad_offset():
    f = bytearray(tcp(GUEST, "93.184.216.34", 45000, 80, 1, 0, 0x02))
    f[14 + 20 + 12] = 15 << 4
    return bytes(f)


O = "93.184.216.34"
SEEDS = [
    (0, [tcp(GUEST, O, 45000, 443, 1000, 0, 0x02, opts=MSS)]),
    (0, [udp(GUEST, DNS, 40000, 53, DNSQ)]),
    (0, [icmp_echo("1.1.1.1"), icmp_echo(GATEWAY), icmp_echo(DNS)]),
    (0, [arp(1, GUEST, GATEWAY), arp(1, "0.0.0.0", GUEST), arp(2, GUEST, GATEWAY),
         tcp(GUEST, O, 45000, 80, 1000, 0, 0x02, opts=MSS)]),
    (0, [udp("0.0.0.0", "255.255.255.255", 68, 67, BOOTP)]),
    (0, [lone_last_fragment()]),
    (1, [udp(GUEST, GATEWAY, 40000, 9, b"B" * 16, frag=0x2000),
         udp(GUEST, GATEWAY, 40000, 9, b"B" * 16, frag=0x0003)]),
    (1, [udp(GUEST, "127.0.0.1", 40000, 8080, b"secret"),
         tcp(GUEST, "127.0.0.1", 45000, 22, 1, 0, 0x02)]),
    (2, [udp(GUEST, "169.254.169.254", 40000, 80, b"GET /latest/meta-data/")]),
    (0, [udp(GUEST, "10.0.2.15", 40000, 53, DNSQ), udp(GUEST, "10.0.2.255", 40000, 53, DNSQ)]),
    (0, [udp(GUEST, "224.0.0.1", 5353, 5353, b"x"), icmp_echo("224.0.0.1")]),
    (1, [tcp(GUEST, GATEWAY, 45000, 8080, 1000, 0, 0x02, opts=MSS),
         udp(GUEST, GATEWAY, 40000, 8080, b"hello")]),
    (0, [tcp(GUEST, O, 45000, 80, 1000, 0, 0x02, opts=MSS),
         tcp(GUEST, O, 45000, 80, 1001, 5001, 0x10),
         tcp(GUEST, O, 45000, 80, 1001, 5001, 0x18, b"GET / HTTP/1.0\r\n\r\n"),
         tcp(GUEST, O, 45000, 80, 1019, 5001, 0x11)]),
    (0, [ipv6_rs()]),
    (0, [udp(GUEST, "9.9.9.9", 40000, 4433, bytes(range(256)) * 5)]),
    (0, [bad_checksum(), tcp_bad_offset()]),
    (3, [tcp(GUEST, DNS, 45000, 53, 1000, 0, 0x02, opts=MSS),
         tcp(GUEST, DNS, 45000, 53, 1001, 1, 0x18, b"\0\x1d" + DNSQ)]),
    (0, [udp(GUEST, O, 40000, 33434, b"trace", ttl=1)]),
]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus-frame")
    os.makedirs(out, exist_ok=True)
    for i, (grants, frames) in enumerate(SEEDS, 1):
        data = bytes([grants]) + b"".join(struct.pack("!H", len(f)) + f for f in frames)
        with open(os.path.join(out, "%02d" % i), "wb") as fh:
            fh.write(data)


if __name__ == "__main__":
    main()
