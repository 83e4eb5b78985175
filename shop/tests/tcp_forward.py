"""Forwards TCP connections: `python tcp_forward.py LISTEN_HOST:PORT=TARGET_HOST:PORT ...` (until killed).

The compose rehearsal runs it inside its network namespace, so a service name's own address
and compose's port (`kafka:9092`) lead to the real server started for it on another port.
"""

import asyncio
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


def _handler(host: str, port: int):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            target_reader, target_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(_pipe(reader, target_writer), _pipe(target_reader, writer))

    return handle


async def main(mappings: list[str]) -> None:
    servers = []
    for mapping in mappings:
        listen, target = mapping.split("=")
        listen_host, listen_port = listen.rsplit(":", 1)
        target_host, target_port = target.rsplit(":", 1)
        servers.append(
            await asyncio.start_server(_handler(target_host, int(target_port)), listen_host, int(listen_port))
        )
    print("forwarding", flush=True)
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
