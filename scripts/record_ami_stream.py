"""Record the raw AMI stream acd receives while real calls run, for replays and the bench.

    PYTHONPATH=scripts .venv/bin/python scripts/record_ami_stream.py tests/fixtures/ami/calls.ami

Starts the rig's Asterisk, logs in as acd (same event filter as production), places four SIP
calls to the line check 9000 and four originated Local calls, and writes every byte that
arrives after the login response until the calls are over.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller

from acd.adapters.ami.client import encode_action


async def record(rig: Rig) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", rig.target.ports.ami)
    await reader.readline()  # greeting
    writer.write(encode_action({"Action": "Login", "Username": "acd", "Secret": rig.ami_secret}))
    await reader.readuntil(b"\r\n\r\n")
    chunks: list[bytes] = []

    async def drain() -> None:
        while data := await reader.read(65536):
            chunks.append(data)

    pump = asyncio.create_task(drain())
    for n in range(4):
        originate = {
            "Action": "Originate",
            "Channel": "Local/9000@from-trunk",
            "Context": "acd-originate",
            "Exten": "park",
            "Priority": "1",
            "Async": "true",
            "ActionID": f"rec-{n}",
        }
        writer.write(encode_action(originate))
    loop = asyncio.get_running_loop()
    with (
        tempfile.TemporaryDirectory() as tmp,
        SipCaller(port=free_port(), record_dir=Path(tmp)) as phone,
    ):
        calls = [phone.call(f"sip:9000@127.0.0.1:{rig.target.ports.sip}") for _ in range(4)]
        for call in calls:
            await loop.run_in_executor(None, phone.wait_state, call, "DISCONNECTED", 30.0)
    await asyncio.sleep(1.0)
    writer.close()
    pump.cancel()
    data = b"".join(chunks)
    return data[: data.rfind(b"\r\n\r\n") + 4]  # whole messages only


def main() -> int:
    out = Path(sys.argv[1])
    with Rig.create() as rig:
        stream = asyncio.run(record(rig))
    out.write_bytes(stream)
    messages = stream.count(b"\r\n\r\n")
    print(f"{out}: {messages} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
