#!/usr/bin/env python3
"""tests/net/servers.py -- the test host's small servers for entrun's network tests.

    servers.py dns   ADDR PORT NAME IPV4 LIFETIME
    servers.py proxy ADDR PORT ALLOW_HOST LIFETIME
    servers.py http  ADDR PORT BODY LIFETIME
    servers.py close ADDR PORT LIFETIME

dns    UDP responder: an A query for NAME is answered with IPV4; any other
       query for NAME gets an empty NOERROR answer (so that glibc's AAAA
       lookup fails at once instead of timing out); every other name gets
       NXDOMAIN.  Packets are built by hand (no dnslib): header, the
       question echoed back, one answer with a compression pointer.
proxy  HTTP proxy: `CONNECT ALLOW_HOST:PORT` answers 200 and relays bytes
       both ways; `METHOD http://ALLOW_HOST[:PORT]/PATH ...` (plain proxying)
       is sent on in origin form.  Any other target gets 403.  At most
       MAX_CLIENTS connections at once (503 beyond), each idle at most
       IDLE seconds.
http   answers every request with 200 and BODY, then closes.
close  resets every connection as soon as it is accepted: a client that
       writes after that gets ECONNRESET or EPIPE (the SIGPIPE case of a NAT
       engine that writes for it).

Every server prints "ready" on stdout once it listens and exits after
LIFETIME seconds whatever happens, so that a test that dies cannot leave it
behind for long.  Standard library only; Python 3.5+.
"""

import os
import select
import socket
import struct
import sys
import threading
import time

MAX_CLIENTS = 32
IDLE = 20.0


def ready():
    sys.stdout.write("ready\n")
    sys.stdout.flush()


def arm_lifetime(seconds):
    """Exit the whole process after SECONDS, even with threads blocked."""
    t = threading.Timer(seconds, lambda: os._exit(0))
    t.daemon = True
    t.start()


# ---- DNS --------------------------------------------------------------------

def parse_question(pkt):
    """(id, flags, qname in lower case, qtype, end of the question) or None."""
    if len(pkt) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", pkt[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    labels, i = [], 12
    while True:
        if i >= len(pkt):
            return None
        n = pkt[i]
        i += 1
        if n == 0:
            break
        if n & 0xC0 or i + n > len(pkt):
            return None
        labels.append(pkt[i:i + n].decode("ascii", "replace").lower())
        i += n
    if i + 4 > len(pkt):
        return None
    qtype, _qclass = struct.unpack("!HH", pkt[i:i + 4])
    return qid, flags, ".".join(labels), qtype, i + 4


def dns_answer(pkt, name, ipv4):
    q = parse_question(pkt)
    if q is None:
        return None
    qid, qflags, qname, qtype, end = q
    question = pkt[12:end]
    # QR, AA, the client's RD, RA; RCODE 3 (NXDOMAIN) for unknown names.
    flags = 0x8400 | (qflags & 0x0100) | 0x0080
    answers = b""
    if qname != name.lower():
        flags |= 3
    elif qtype == 1:
        answers = (struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4)
                   + socket.inet_aton(ipv4))
    ancount = 1 if answers else 0
    return struct.pack("!HHHHHH", qid, flags, 1, ancount, 0, 0) + question + answers


def serve_dns(addr, port, name, ipv4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, port))
    ready()
    while True:
        pkt, peer = s.recvfrom(2048)
        reply = dns_answer(pkt, name, ipv4)
        if reply is not None:
            s.sendto(reply, peer)


# ---- HTTP proxy -----------------------------------------------------------------

def read_head(conn):
    """The request head (up to the blank line) and whatever followed it."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        if len(buf) > 16384:
            return None, None
        chunk = conn.recv(4096)
        if not chunk:
            return None, None
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    return head, rest


def relay(a, b):
    """Copy bytes both ways until both sides are done or IDLE passes."""
    open_dirs = {a: b, b: a}
    while open_dirs:
        r, _, _ = select.select(list(open_dirs), [], [], IDLE)
        if not r:
            return
        for src in r:
            data = src.recv(65536)
            dst = open_dirs[src]
            if data:
                dst.sendall(data)
                continue
            del open_dirs[src]
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


def split_target(target, default_port):
    host, sep, port = target.rpartition(":")
    if not sep or not port.isdigit():
        return target, default_port
    return host.strip("[]"), int(port)


def reply(conn, status, text):
    conn.sendall(("HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                  % (status, text)).encode())


def handle_proxy(conn, allow_host):
    head, rest = read_head(conn)
    if head is None:
        return
    lines = head.split(b"\r\n")
    try:
        method, target, version = lines[0].decode("ascii").split(" ")
    except ValueError:
        reply(conn, 400, "Bad Request")
        return
    if method == "CONNECT":
        host, port = split_target(target, 443)
        first = rest
    elif target.startswith("http://"):
        hostport, _, path = target[len("http://"):].partition("/")
        host, port = split_target(hostport, 80)
        lines[0] = ("%s /%s %s" % (method, path, version)).encode("ascii")
        first = b"\r\n".join(lines) + b"\r\n\r\n" + rest
    else:
        reply(conn, 400, "Bad Request")
        return
    if host != allow_host:
        reply(conn, 403, "Forbidden")
        return
    try:
        up = socket.create_connection((host, port), timeout=5)
    except OSError:
        reply(conn, 502, "Bad Gateway")
        return
    with up:
        up.settimeout(IDLE)
        if method == "CONNECT":
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if first:
            up.sendall(first)
        relay(conn, up)


def serve_threads(addr, port, handler):
    """Accept connections; one thread each, at most MAX_CLIENTS at once."""
    slots = threading.BoundedSemaphore(MAX_CLIENTS)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    ready()

    def run(conn):
        try:
            with conn:
                conn.settimeout(IDLE)
                handler(conn)
        except OSError:
            pass
        finally:
            slots.release()

    while True:
        conn, _ = s.accept()
        if not slots.acquire(blocking=False):
            try:
                with conn:
                    reply(conn, 503, "Busy")
            except OSError:
                pass
            continue
        threading.Thread(target=run, args=(conn,), daemon=True).start()


def handle_http(conn, body):
    head, _ = read_head(conn)
    if head is None:
        return
    data = body.encode()
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                 + str(len(data)).encode() + b"\r\nConnection: close\r\n\r\n" + data)


def handle_close(conn):
    pass  # closed on return: a FIN, then RST for whatever the client sends


def main(argv):
    usage = __doc__.split("\n\n")[1]
    if len(argv) < 2:
        sys.exit("usage:\n" + usage)
    kind, args = argv[1], argv[2:]
    try:
        if kind == "dns" and len(args) == 5:
            arm_lifetime(float(args[4]))
            serve_dns(args[0], int(args[1]), args[2], args[3])
        elif kind == "proxy" and len(args) == 4:
            arm_lifetime(float(args[3]))
            serve_threads(args[0], int(args[1]), lambda c: handle_proxy(c, args[2]))
        elif kind == "http" and len(args) == 4:
            arm_lifetime(float(args[3]))
            serve_threads(args[0], int(args[1]), lambda c: handle_http(c, args[2]))
        elif kind == "close" and len(args) == 3:
            arm_lifetime(float(args[2]))
            serve_threads(args[0], int(args[1]), handle_close)
        else:
            sys.exit("usage:\n" + usage)
    except KeyboardInterrupt:
        pass
    except OSError as e:
        sys.exit("servers.py %s: %s" % (kind, e))


if __name__ == "__main__":
    main(sys.argv)
