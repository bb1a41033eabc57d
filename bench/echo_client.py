#!/usr/bin/env python3
"""Echo round-trip latency client for bench/echo-latency.sh.

Usage: echo_client.py HOST PORT [ROUNDTRIPS] [WARMUP] [SIZE] [CONNECT_WAIT_S]
One blocking TCP connection (TCP_NODELAY); each round trip sends SIZE bytes and reads exactly
SIZE back, timed with perf_counter_ns. WARMUP round trips are done first and not recorded.
Prints one line: p50 p99 p99.9 min mean in microseconds, then the count.
"""
import math
import socket
import sys
import time


def percentile(sorted_ns, p):
    # nearest rank
    k = max(0, math.ceil(p / 100 * len(sorted_ns)) - 1)
    return sorted_ns[k]


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    warm = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    size = int(sys.argv[5]) if len(sys.argv) > 5 else 64
    wait_s = float(sys.argv[6]) if len(sys.argv) > 6 else 10.0

    deadline = time.monotonic() + wait_s
    while True:
        try:
            s = socket.create_connection((host, port), timeout=1.0)
            break
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"echo_client: cannot connect to {host}:{port}")
            time.sleep(0.02)
    s.settimeout(5.0)  # a stalled server fails the run instead of hanging it
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    payload = bytes(i % 256 for i in range(size))
    buf = bytearray(size)
    view = memoryview(buf)
    send, recv_into, clock = s.sendall, s.recv_into, time.perf_counter_ns

    def round_trip():
        send(payload)
        got = 0
        while got < size:
            r = recv_into(view[got:], size - got)
            if r == 0:
                sys.exit("echo_client: server closed the connection")
            got += r

    for _ in range(warm):
        round_trip()
    if bytes(buf) != payload:
        sys.exit("echo_client: echoed bytes differ from those sent")

    samples = [0] * n
    for i in range(n):
        t0 = clock()
        round_trip()
        samples[i] = clock() - t0
    s.close()

    samples.sort()
    us = lambda ns: ns / 1000
    print(f"{us(percentile(samples, 50)):.1f} {us(percentile(samples, 99)):.1f} "
          f"{us(percentile(samples, 99.9)):.1f} {us(samples[0]):.1f} "
          f"{us(sum(samples) / n):.1f} {n}")


if __name__ == "__main__":
    main()
