#!/usr/bin/env python3
"""A python3 asyncio TCP echo server, the reference peer of bench/parts/concurrency.sh.

Usage: echo_server_asyncio.py HOST PORT [BACKLOG]
One event loop (the default selector loop, no uvloop), asyncio.Protocol: what a client sends is
written back; reading pauses while the transport's write buffer is over its high-water mark; the
client's EOF closes the connection once what is buffered is sent. Prints `listening on HOST:PORT`
on stderr once bound (the real port, also for 0), as `nsock listen -v` does. Ends on SIGTERM/SIGINT.
"""
import asyncio
import signal
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()

    def eof_received(self):
        return False  # close after the write buffer drains


async def main():
    host, port = sys.argv[1], int(sys.argv[2])
    backlog = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=backlog, reuse_address=True)
    bound = server.sockets[0].getsockname()
    print(f"listening on {bound[0]}:{bound[1]}", file=sys.stderr, flush=True)
    done = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set_result, None)
    await done
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
