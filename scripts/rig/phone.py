"""A phone in the terminal: call a number on the rig `make run` started, see each prompt as
the IVR plays it, type keys (then Enter) to send them as DTMF."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from acd.adapters.ami.client import AmiClient
from acd.adapters.ami.events import AmiEvent
from rig.ports import free_port
from rig.sipcaller import SipCaller, wav_rms

SHOWN = ("ACD_OUTCOME", "ACD_CALL_TYPE", "ACD_SKILLS", "ACD_PRIORITY", "ACD_LANGUAGE",
         "ACD_MENU_PATH", "ACD_VERIFIED", "ACD_FLOW")  # fmt: skip


class Watch:
    """Prints what happens to our caller's channel, from AMI events."""

    def __init__(self, caller: str) -> None:
        self.caller, self.channel = caller, ""
        self.queued = asyncio.Event()

    def __call__(self, event: AmiEvent) -> None:
        if event.name == "Newchannel" and event.get("CallerIDNum") == self.caller:
            self.channel = self.channel or event.get("Channel")
        if not self.channel or event.get("Channel") != self.channel:
            return
        if event.name == "AGIExecStart":
            verb, _, rest = event.get("Command").partition(' "')
            if verb in {"STREAM FILE", "SAY DIGITS", "SAY NUMBER"}:
                what = rest.split('"')[0]
                print(f"  ▶ {verb.lower()}: {what}", flush=True)
            elif verb == "WAIT FOR DIGIT":
                print("  … waiting for a key", flush=True)
        elif event.name == "MusicOnHoldStart":
            self.queued.set()
        elif event.name == "Hangup":
            print(f"  ■ hung up ({event.get('Cause-txt')})", flush=True)


async def call(info: dict[str, Any], number: str, caller: str, seconds: float) -> int:
    watch = Watch(caller)
    ami = AmiClient(host="127.0.0.1", port=info["ami_port"], username="acd",
                    secret=info["ami_secret"], on_event=watch)  # fmt: skip
    pump = asyncio.create_task(ami.run())
    loop = asyncio.get_running_loop()
    keys: asyncio.Queue[str] = asyncio.Queue()

    def typed() -> None:
        line = sys.stdin.readline()
        if line:
            keys.put_nowait(line)
        else:  # end of input: stop listening, keep the call
            loop.remove_reader(sys.stdin)

    loop.add_reader(sys.stdin, typed)
    try:
        await asyncio.wait_for(ami.connected.wait(), 10)
        with (
            tempfile.TemporaryDirectory() as tmp,
            SipCaller(port=free_port(), record_dir=Path(tmp), user=caller) as phone,
        ):
            call_id = phone.call(f"sip:{number}@127.0.0.1:{info['sip_port']}")
            print(f"calling {number} as {caller}; type keys and Enter to press them", flush=True)
            end = time.monotonic() + seconds
            while phone.state(call_id)[0] != "DISCONNECTED" and time.monotonic() < end:
                with contextlib.suppress(TimeoutError):
                    line = await asyncio.wait_for(keys.get(), 0.2)
                    digits = "".join(c for c in line if c in "0123456789*#")
                    if digits:
                        phone.dtmf(call_id, digits)
                if watch.queued.is_set():
                    watch.queued.clear()
                    await _show_queue(ami, watch.channel)
            phone.hangup(call_id)
            await asyncio.sleep(0.5)
            rms = wav_rms(phone.recording(call_id))
            print(f"call ended; the caller heard audio at RMS {rms:.0f} (0 is silence)")
    finally:
        loop.remove_reader(sys.stdin)
        await ami.close()
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pump
    return 0


async def _show_queue(ami: AmiClient, channel: str) -> None:
    print("  ♫ on hold, waiting for an agent; what the IVR attached to the call:")
    for name in SHOWN:
        reply = await ami.send_action({"Action": "Getvar", "Channel": channel, "Variable": name})
        print(f"      {name} = {reply.fields.get('Value', '')}")
