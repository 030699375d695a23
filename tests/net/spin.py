#!/usr/bin/python3
"""Attacks on the network helper's event loop, and its UDP publish relay,
for tests/blackbox/net-loop.sh (issue 13, item 7).

Each subcommand is one side of one case; the test runs it on the host (in
the namespaces it made), in its "far" namespace, or inside a sandbox, and
judges from outside (CPU ticks and memory of entrun and the helper, what
the host clients received).  Every loop is bounded in time and count, and
every address comes from the command line: the tests name only 127.0.0.1,
the sandbox's own addresses and hosts in namespaces they created.

In the far namespace:
  serve LIFETIME ADDR      TCP on ADDR: 8000 holds each connection (never
                           reads, never writes); 8001 shuts its sending side
                           down at once and never reads; 8002 never accepts
                           and its queue is full (a connect there hangs);
                           8003 floods each connection and never reads.
                           UDP 8009 takes datagrams and says nothing.
On the host (where entrun runs):
  udp-send PORT TEXT       one datagram to 127.0.0.1:PORT
  tcp-pend PORT N SECS     N connects to 127.0.0.1:PORT, held SECS
  udp-clients P1 P2 LIMIT IDLE
                           the UDP publish scenario (see udp_clients)
  udp-occupy PORT N SECS   N sockets (another local user) each sending to
                           127.0.0.1:PORT once a second: N client slots
Inside the sandbox:
  udp-server SECS PORT...  answers each new peer "hi NAME", then sends it
                           "late to NAME #k" every 0.5 s, expired or not
  icmp-forge PORT SECS FARIP FARPORT
                           forged ICMP port-unreachables at the publish
                           relay's sockets inside and at libslirp's UDP flow
  hold PORT N SECS         N TCP connections to 127.0.0.1:PORT, held
  halfclose PORT BYTES SECS
                           a connection whose peer half-closed: write BYTES,
                           shut the sending side down, never read
  reset PORT N SECS        N connections reset (RST) as soon as accepted
  udp-flows IP PORT N      N UDP flows through the NAT, each from a socket
                           of its own that is closed at once
  tcp-fill IP PORT N SECS  N TCP connections, each written until it blocks
  tcp-probe IP PORT N      N TCP connects in a row, each closed at once,
                           0.3 s apart: "probe OK of N"
"""
import os
import resource
import selectors
import socket
import struct
import sys
import time

from attack import csum  # beside this file

GUEST = "10.0.2.100"
GATEWAY = "10.0.2.2"


def say(*words):
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def small(s, snd=None, rcv=None):
    """Fixed (small) socket buffers: no autotuning, bounded kernel memory."""
    if snd:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, snd)
    if rcv:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcv)


# ---- the far namespace ---------------------------------------------------------

def listener(addr, port, backlog=1024, rcv=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    small(s, rcv=rcv)
    s.bind((addr, port))
    s.listen(backlog)
    s.setblocking(False)
    return s


def serve(argv):
    lifetime, addr = float(argv[0]), argv[1]
    more_files()
    sel = selectors.DefaultSelector()
    kinds = {8000: "hold", 8001: "halfclose", 8003: "flood"}
    for port, kind in kinds.items():
        sel.register(listener(addr, port, rcv=4096), selectors.EVENT_READ, ("listen", kind))
    # 8002: backlog 0 and one connection that is never accepted: the queue
    # is full, so the kernel drops every further SYN and connects hang.
    hole = listener(addr, 8002, backlog=0)
    plug = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plug.connect((addr, 8002))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, 8009))
    udp.setblocking(False)
    sel.register(udp, selectors.EVENT_READ, ("udp", None))
    say("ready")
    chunk, held, end = b"f" * 65536, set(), time.time() + lifetime
    while time.time() < end:
        for key, ev in sel.select(0.5):
            what, kind = key.data
            if what == "udp":
                for _ in range(256):
                    try:
                        udp.recv(65536)
                    except BlockingIOError:
                        break
            elif what == "listen":
                for _ in range(64):
                    try:
                        c, _ = key.fileobj.accept()
                    except BlockingIOError:
                        break
                    if len(held) >= 6000:
                        c.close()
                        continue
                    c.setblocking(False)
                    held.add(c)
                    if kind == "halfclose":
                        c.shutdown(socket.SHUT_WR)
                    elif kind == "flood":
                        small(c, snd=16384)
                        sel.register(c, selectors.EVENT_WRITE, ("flood", None))
            elif what == "flood":
                try:
                    key.fileobj.send(chunk)
                except BlockingIOError:
                    pass
                except OSError:
                    sel.unregister(key.fileobj)
                    held.discard(key.fileobj)
                    key.fileobj.close()
    del hole, plug


# ---- the host --------------------------------------------------------------------

def udp_send(argv):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(argv[1].encode(), ("127.0.0.1", int(argv[0])))


def tcp_pend(argv):
    port, n, secs = int(argv[0]), int(argv[1]), float(argv[2])
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
    say("pending", len(socks))
    time.sleep(secs)


class Client:
    """One host client of a UDP publish: what it received, and when."""

    def __init__(self, name, port, bind_port=0):
        self.name, self.port, self.got = name, port, []
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", bind_port))
        self.s.setblocking(False)

    def send(self, text):
        self.s.sendto(("%s:%s" % (self.name, text)).encode(), ("127.0.0.1", self.port))

    def drain(self, t0):
        for _ in range(1024):
            try:
                data = self.s.recv(65536)
            except (BlockingIOError, ConnectionRefusedError):
                return
            self.got.append((time.time() - t0, data.decode(errors="replace")))

    def foreign(self):
        """What it received that was addressed to another client."""
        return [m for _, m in self.got
                if m != "hi " + self.name and not m.startswith("late to %s #" % self.name)]


def udp_clients(argv):
    """The UDP publish scenario.  On P1 (expiry): A asks a secret question
    once, then stays silent; B keeps talking every 5 s; after A's entry
    expired (IDLE s of host-side silence) D arrives, and a new socket binds
    A's port and only listens.  On P2 (recycling): LIMIT + 1 clients R0..,
    one datagram each, so that the last one takes R0's place.  The server
    inside keeps sending "late to NAME" to every peer it saw, expired or not.
    Prints one "key value" line per finding."""
    p1, p2, limit, idle = int(argv[0]), int(argv[1]), int(argv[2]), float(argv[3])
    t0 = time.time()
    a, b = Client("A", p1), Client("B", p1)
    a.send("secret question")
    b.send("hello")
    clients = [a, b]
    rs = []
    for i in range(limit + 1):
        r = Client("R%d" % i, p2)
        r.send("hello")
        rs.append(r)
        clients.append(r)
        time.sleep(0.01)
    d = a2 = None
    a_port = a.s.getsockname()[1]
    last_b = time.time()
    end = t0 + idle + 8
    while time.time() < end:
        now = time.time()
        for c in clients:
            c.drain(t0)
        if now - last_b >= 5:
            b.send("keep")
            last_b = now
        if d is None and now - t0 > idle + 3:
            d = Client("D", p1)
            d.send("hello")
            clients.append(d)
            a.s.close()
            clients.remove(a)
            a2 = Client("A2", p1, bind_port=a_port)
            clients.append(a2)
        time.sleep(0.05)
    for c in clients:
        c.drain(t0)
    say("a-before", sum(1 for t, m in a.got if t < idle - 2 and m.startswith("late to A ")))
    say("a-after", sum(1 for t, _ in a.got if t > idle + 2))
    say("a2-got", len(a2.got) if a2 else -1)
    say("b-got", len(b.got))
    say("d-hi", sum(1 for _, m in d.got if m == "hi D") if d else -1)
    say("r-last-hi", sum(1 for _, m in rs[-1].got if m == "hi R%d" % limit))
    crossed = []
    for c in clients:
        crossed += ["%s<-%s" % (c.name, m.replace(" ", "_")) for m in c.foreign()]
    say("crossed", len(crossed), *crossed[:5])


# ---- inside the sandbox ------------------------------------------------------------

def udp_server(argv):
    secs, ports = float(argv[0]), [int(p) for p in argv[1:]]
    sel = selectors.DefaultSelector()
    for p in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", p))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    peers = {}  # (socket, peer) -> name
    say("serving")
    end, tick, k = time.time() + secs, time.time(), 0
    while time.time() < end:
        for key, _ in sel.select(0.1):
            for _ in range(256):
                try:
                    data, peer = key.fileobj.recvfrom(65536)
                except (BlockingIOError, ConnectionRefusedError):
                    break
                name = data.decode(errors="replace").split(":", 1)[0]
                if (key.fileobj, peer) not in peers and len(peers) < 1000:
                    peers[(key.fileobj, peer)] = name
                    key.fileobj.sendto(("hi %s" % name).encode(), peer)
        if time.time() - tick >= 0.5:
            tick, k = time.time(), k + 1
            for (s, peer), name in peers.items():
                try:
                    s.sendto(("late to %s #%d" % (name, k)).encode(), peer)
                except OSError:
                    pass


def port_unreachable(src, dst, sport, dport):
    """ICMP type 3 code 3 quoting a UDP datagram src:sport -> dst:dport."""
    quoted = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0x4242, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    quoted = quoted[:10] + struct.pack("!H", csum(quoted)) + quoted[12:]
    quoted += struct.pack("!HHHH", sport, dport, 8, 0)
    icmp = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    return icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]


def relay_sockets(port):
    """Local ports of the UDP sockets connected to GUEST:port (the publish
    relay's, in the sandbox's namespace)."""
    want = "%08X:%04X" % (struct.unpack("<I", socket.inet_aton(GUEST))[0], port)
    found = []
    with open("/proc/net/udp") as f:
        for line in f.readlines()[1:]:
            cols = line.split()
            if cols[2] == want:
                found.append(int(cols[1].split(":")[1], 16))
    return found


def icmp_forge(argv):
    port, secs, far, far_port = int(argv[0]), float(argv[1]), argv[2], int(argv[3])
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    flow = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flow.sendto(b"flow", (far, far_port))
    flow_port = flow.getsockname()[1]
    end, sent, targets = time.time() + secs, 0, set()
    while time.time() < end:
        inner = relay_sockets(port)
        if inner and not targets:
            say("forging at", len(inner), "relay sockets")
        targets.update(inner)
        for p in inner:
            raw.sendto(port_unreachable(GUEST, GUEST, p, port), (GUEST, 0))
            sent += 1
        # libslirp's flow: the reply it would get from far, refused.
        flow.sendto(b"flow", (far, far_port))
        raw.sendto(port_unreachable(GUEST, far, flow_port, far_port), (GATEWAY, 0))
        sent += 1
        time.sleep(0.2)
    say("forged", sent, "targets", len(targets))


def connect_local(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(("127.0.0.1", port))
    return s


def hold(argv):
    port, n, secs = int(argv[0]), int(argv[1]), float(argv[2])
    socks = []
    for _ in range(n):
        try:
            socks.append(connect_local(port))
        except OSError as e:
            say("connect:", e)
            break
    say("held", len(socks))
    time.sleep(secs)


def halfclose(argv):
    """The upstream shuts its side down at once; then write BYTES (more
    than the relay's buffer and the upstream takes) and shut ours down:
    the relay's socket hangs up while its buffer is full."""
    port, nbytes, secs = int(argv[0]), int(argv[1]), float(argv[2])
    s = connect_local(port)
    try:
        eof = s.recv(1) == b""
    except OSError:
        eof = False
    sent = 0
    s.settimeout(0.5)
    while sent < nbytes:
        try:
            sent += s.send(b"h" * min(4096, nbytes - sent))
        except OSError:
            break
    s.shutdown(socket.SHUT_WR)
    say("halfclose eof", eof, "sent", sent)
    time.sleep(secs)


def reset(argv):
    port, n, secs = int(argv[0]), int(argv[1]), float(argv[2])
    for _ in range(n):
        s = connect_local(port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        time.sleep(0.1)
        s.close()
    say("reset", n)
    time.sleep(secs)


def udp_flows(argv):
    ip, port, n = argv[0], int(argv[1]), int(argv[2])
    sent = 0
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b"u", (ip, port))
            sent += 1
        except OSError:
            pass
        s.close()
        if i % 50 == 49:
            time.sleep(0.01)  # the tap's queue is 500 frames: let the NAT keep up
    say("flows", sent)


def tcp_fill(argv):
    ip, port, n, secs = argv[0], int(argv[1]), int(argv[2]), float(argv[3])
    more_files()
    sel = selectors.DefaultSelector()
    socks, failed = [], 0
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        small(s, snd=16384, rcv=16384)
        s.setblocking(False)
        s.connect_ex((ip, port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE)
    chunk, full, end = b"d" * 65536, set(), time.time() + 30
    last = time.time()
    while time.time() < end and len(full) + failed < len(socks):
        events = sel.select(0.5)
        for key, _ in events:
            try:
                key.fileobj.send(chunk)
                last = time.time()
            except BlockingIOError:
                pass
            except OSError:
                failed += 1
                sel.unregister(key.fileobj)
        if not events or time.time() - last > 2:
            # Nothing writable for a while: what is connected is full.
            if time.time() - last > 2:
                break
    say("filled", n - failed, "of", n)
    time.sleep(secs)


def udp_occupy(argv):
    port, n, secs = int(argv[0]), int(argv[1]), float(argv[2])
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    say("occupying", n)
    end = time.time() + secs
    while time.time() < end:
        for s in socks:
            s.sendto(b"o:occupy", ("127.0.0.1", port))
        time.sleep(1)


def tcp_probe(argv):
    ip, port, n = argv[0], int(argv[1]), int(argv[2])
    good = 0
    for _ in range(n):
        s = socket.socket()
        s.settimeout(3)
        try:
            s.connect((ip, port))
            good += 1
        except OSError as e:
            say("probe failed:", e)
        s.close()
        time.sleep(0.3)
    say("probe", good, "of", n)


COMMANDS = {
    "serve": serve, "udp-send": udp_send, "tcp-pend": tcp_pend, "udp-clients": udp_clients,
    "udp-server": udp_server, "icmp-forge": icmp_forge, "hold": hold, "halfclose": halfclose,
    "reset": reset, "udp-flows": udp_flows, "tcp-fill": tcp_fill, "udp-occupy": udp_occupy,
    "tcp-probe": tcp_probe,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit("usage: spin.py " + "|".join(COMMANDS) + " ...")
    COMMANDS[sys.argv[1]](sys.argv[2:])
