#!/usr/bin/python3
"""Attacks on entrun's user-mode network, run inside a sandbox.

Each subcommand tries one thing a hostile guest would and prints one line
saying what it did; whether it worked is judged outside (what the servers
there logged, whether entrun survived).  Every loop is bounded, and every
target is given on the command line: the tests name only 127.0.0.1, the
gateway and DNS addresses, and hosts in network namespaces they made.

  flood HOST PORT SECONDS     small UDP datagrams and 65507-byte ones
                              (fragmented on a 1500-byte path) to HOST
  frame HEX                   one raw Ethernet frame on tap0 (AF_PACKET)
  lone-fragment DST           a lone *last* IPv4 fragment (MF=0, offset 8)
                              to DST, 47 bytes on the wire
  bound-udp IP PORT           UDP to IP:PORT from a socket bound to tap0
  bound-tcp IP PORT           TCP connect to IP:PORT, bound to tap0
  raw-syn IP PORT             a TCP SYN to IP:PORT, crafted, out of tap0
  udp IP PORT / tcp IP PORT   plain UDP datagram / TCP connect
  tcp-from SPORT IP PORT      TCP connect from local port SPORT
  dhcp                        DHCPDISCOVERs to 255.255.255.255:67 (from the
                              guest's address, and raw from 0.0.0.0); says
                              "dhcp: offer of A.B.C.D" or "dhcp: no offer"
"""
import os
import socket
import struct
import sys
import time

GUEST = "10.0.2.100"
GW_MAC = bytes.fromhex("525500000202")  # whatever: libslirp takes any


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, frag=0, mf=False, ident=0x4242):
    flags_off = (0x2000 if mf else 0) | (frag // 8)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_off,
                      64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def tap_mac():
    with open("/sys/class/net/tap0/address") as f:
        return bytes.fromhex(f.read().strip().replace(":", ""))


def send_frame(frame):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind(("tap0", 0))
    s.send(frame)
    s.close()


def eth(payload, ethertype=0x0800, dst=GW_MAC):
    return dst + tap_mac() + struct.pack("!H", ethertype) + payload


def tcp_syn(src, dst, sport, dport):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 0x01020304, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
    c = csum(pseudo + hdr)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:]


def bound(kind):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"tap0")
    s.settimeout(2)
    return s


def main(argv):
    cmd = argv[1]
    if cmd == "flood":
        host, port, secs = argv[2], int(argv[3]), float(argv[4])
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        big, small, end, n = b"B" * 65507, b"s" * 16, time.time() + secs, 0
        while time.time() < end and n < 2000000:
            for data in (small, small, big):
                try:
                    s.sendto(data, (host, port))
                    n += 1
                except (BlockingIOError, OSError):
                    time.sleep(0.0005)
        print("flood: %d datagrams" % n)
    elif cmd == "frame":
        send_frame(bytes.fromhex(argv[2]))
        print("frame: sent")
    elif cmd == "lone-fragment":
        payload = b"\x00\x35\x00\x35\x00\x0d\x00\x00AAAAA"  # 13 bytes
        frame = eth(ipv4(GUEST, argv[2], 17, payload, frag=8, mf=False))
        for _ in range(20):
            send_frame(frame)
        print("lone-fragment: 20 frames of %d bytes" % len(frame))
    elif cmd == "bound-udp":
        s = bound(socket.SOCK_DGRAM)
        for _ in range(5):
            s.sendto(b"bound-udp", (argv[2], int(argv[3])))
        print("bound-udp: sent")
    elif cmd == "bound-tcp":
        s = bound(socket.SOCK_STREAM)
        try:
            s.connect((argv[2], int(argv[3])))
            s.send(b"bound-tcp\n")
            print("bound-tcp: connected")
        except OSError as e:
            print("bound-tcp: %s" % e)
    elif cmd == "raw-syn":
        dst, dport = argv[2], int(argv[3])
        seg = tcp_syn(GUEST, dst, 40000 + os.getpid() % 20000, dport)
        for _ in range(3):
            send_frame(eth(ipv4(GUEST, dst, 6, seg)))
            time.sleep(0.2)
        print("raw-syn: sent")
    elif cmd == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(3):
            s.sendto(b"udp", (argv[2], int(argv[3])))
        print("udp: sent")
    elif cmd == "tcp-from":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(argv[2])))
        s.settimeout(2)
        try:
            s.connect((argv[3], int(argv[4])))
            s.send(b"tcp-from\n")
            print("tcp-from: connected")
        except OSError as e:
            print("tcp-from: %s" % e)
    elif cmd == "dhcp":
        # BOOTREQUEST, Ethernet, xid, the MAC, the magic cookie, option 53
        # DHCPDISCOVER, end.
        mac = tap_mac()
        bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x1e47a11, 0, 0x8000,
                            bytes(4), bytes(4), bytes(4), bytes(4), mac + bytes(10),
                            bytes(64), bytes(128)) + b"\x63\x82\x53\x63\x35\x01\x01\xff"
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"tap0")
        s.bind(("0.0.0.0", 68))
        udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
        raw = eth(ipv4("0.0.0.0", "255.255.255.255", 17, udp), dst=b"\xff" * 6)
        s.settimeout(0.5)
        offer = None
        for _ in range(4):
            s.sendto(bootp, ("255.255.255.255", 67))
            send_frame(raw)
            try:
                data = s.recv(2048)
                if len(data) >= 20 and data[0] == 2:
                    offer = socket.inet_ntoa(data[16:20])
                    break
            except socket.timeout:
                pass
        print("dhcp: offer of %s" % offer if offer else "dhcp: no offer")
    elif cmd == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.connect((argv[2], int(argv[3])))
            s.send(b"tcp\n")
            print("tcp: connected")
        except OSError as e:
            print("tcp: %s" % e)
    else:
        sys.exit("unknown subcommand " + cmd)


if __name__ == "__main__":
    main(sys.argv)
