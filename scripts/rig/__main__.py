"""``python -m rig run`` (what `make run` does) and ``python -m rig call NUMBER``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rig.install import REPO
from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

RUN_INFO = REPO / ".rig" / "run.json"


def run() -> int:
    """Start Redis, Asterisk and acd; print how to use them; stop all on Ctrl-C."""
    with Rig.create() as rig:
        http_port = int(os.environ.get("ACD_HTTP_PORT", "8080"))
        env = {**os.environ, **rig.acd_env(), "ACD_HTTP_PORT": str(http_port)}
        acd = subprocess.Popen([str(Path(sys.executable).with_name("acd")), "run"], env=env)
        RUN_INFO.write_text(json.dumps({"sip_port": rig.target.ports.sip}))
        sip = f"127.0.0.1:{rig.target.ports.sip}"
        print(
            f"""
acd is running (Ctrl-C stops acd, Asterisk and Redis).
  health:         http://127.0.0.1:{http_port}/health
  agent console:  not there yet: the web softphone is still being built
  test call:      make call NUMBER=9000   (in another terminal: the line check prompt)
                  or any SIP phone: sip:9000@{sip}; other numbers go to acd's IVR
  Asterisk:       SIP udp {sip}, AMI 127.0.0.1:{rig.target.ports.ami}
                  (user acd, secret {rig.ami_secret}),
                  CLI: {" ".join(rig.install.command("-C", rig.target.conf, "-r"))}
  Redis:          {rig.redis.url}
""",
            flush=True,
        )
        try:
            code = acd.wait()
        except KeyboardInterrupt:
            acd.send_signal(signal.SIGINT)
            code = acd.wait(15)
        finally:
            RUN_INFO.unlink(missing_ok=True)
    return code


def call(number: str, seconds: float) -> int:
    """Call NUMBER on the rig `make run` started; print what the caller heard."""
    if not RUN_INFO.exists():
        print("no rig is running: start one with `make run`", file=sys.stderr)
        return 1
    sip_port = json.loads(RUN_INFO.read_text())["sip_port"]
    with (
        tempfile.TemporaryDirectory() as tmp,
        SipCaller(port=free_port(), record_dir=Path(tmp)) as phone,
    ):
        call_id = phone.call(f"sip:{number}@127.0.0.1:{sip_port}")
        phone.wait_state(call_id, "CONFIRMED", 10)
        print(f"call {number}: answered")
        end = time.monotonic() + seconds
        while phone.state(call_id)[0] != "DISCONNECTED" and time.monotonic() < end:
            time.sleep(0.2)
        phone.hangup(call_id)
        time.sleep(0.5)
        rms = wav_rms(phone.recording(call_id))
        print(f"call {number}: ended; the caller heard audio at RMS {rms:.0f} (0 is silence)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m rig")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Redis, Asterisk and acd until Ctrl-C")
    call_parser = commands.add_parser("call", help="place a SIP call into the running rig")
    call_parser.add_argument("number")
    call_parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    if args.command == "run":
        return run()
    return call(args.number, args.seconds)


if __name__ == "__main__":
    raise SystemExit(main())
