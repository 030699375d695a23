#!/usr/bin/python3
"""Listeners that log whatever reaches them, for entrun's network attacks.

  catch.py LOG LIFETIME ADDR:PORT...

For each ADDR:PORT, a TCP listener and a UDP socket.  Every accepted
connection and every datagram appends one line to LOG:
"tcp ADDR:PORT" or "udp ADDR:PORT", then the peer.  Exits after LIFETIME
seconds.  Prints "ready" once every socket is bound.
"""
import select
import socket
import sys
import time


def main(argv):
    log, lifetime, targets = argv[1], float(argv[2]), argv[3:]
    socks = {}
    for t in targets:
        addr, port = t.rsplit(":", 1)
        for kind, name in ((socket.SOCK_STREAM, "tcp"), (socket.SOCK_DGRAM, "udp")):
            s = socket.socket(socket.AF_INET, kind)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((addr, int(port)))
            if kind == socket.SOCK_STREAM:
                s.listen(64)
            socks[s] = "%s %s" % (name, t)
    print("ready", flush=True)
    end = time.time() + lifetime
    with open(log, "a", buffering=1) as out:
        while time.time() < end:
            ready, _, _ = select.select(list(socks), [], [], 0.5)
            for s in ready:
                if s.type == socket.SOCK_STREAM:
                    c, peer = s.accept()
                    c.close()
                else:
                    _, peer = s.recvfrom(65536)
                out.write("%s from %s:%d\n" % (socks[s], peer[0], peer[1]))


if __name__ == "__main__":
    main(sys.argv)
