"""``python -m rig run`` (what `make run` does) and ``python -m rig call NUMBER``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from rig import phone
from rig.install import REPO
from rig.session import Rig

RUN_INFO = REPO / ".rig" / "run.json"


def run() -> int:
    """Start Redis, Asterisk and acd; print how to use them; stop all on Ctrl-C or SIGTERM."""
    for sig in (signal.SIGINT, signal.SIGTERM):  # also when started in the background
        signal.signal(sig, signal.default_int_handler)
    with Rig.create() as rig:
        http_port = int(os.environ.get("ACD_HTTP_PORT", "8080"))
        env = {**os.environ, **rig.acd_env(), "ACD_HTTP_PORT": str(http_port)}
        acd = subprocess.Popen([str(Path(sys.executable).with_name("acd")), "run"], env=env)
        info = {
            "sip_port": rig.target.ports.sip,
            "ami_port": rig.target.ports.ami,
            "ami_secret": rig.ami_secret,
        }
        RUN_INFO.write_text(json.dumps(info))
        RUN_INFO.chmod(0o600)
        sip = f"127.0.0.1:{rig.target.ports.sip}"
        print(
            f"""
acd is running (Ctrl-C stops acd, Asterisk and Redis).
  health:         http://127.0.0.1:{http_port}/health
  agent console:  http://127.0.0.1:{http_port}/   (agents 1001-1008, PINs 1111 ... 8888;
                  Chromium or Firefox on this machine: the phone uses ws:// to Asterisk)
  test call:      make call NUMBER=4008   (in another terminal: the sample hotline IVR;
                  you see each prompt and type keys; in its business hours, Asia/Shanghai,
                  try 1, 1, 100200#, 4321#; outside them you get the after-hours menu)
                  make call NUMBER=9000   (the line check prompt)
                  or any SIP phone: sip:4008@{sip}
  agents:         agents.yaml (1001-1008; PINs 1111, 2222, ... 8888): log in for a token,
                  curl -d '{{"user": "1001", "pin": "1111"}}' http://127.0.0.1:{http_port}/auth/login
                  then curl -H "Authorization: Bearer TOKEN" -X POST \\
                  http://127.0.0.1:{http_port}/agents/1001/login (then ready, not-ready, ...)
  wallboard:      http://127.0.0.1:{http_port}/wallboard   (supervisor 1009, PIN 9090; admin
                  1010, PIN 9191); its data: /floor with their token
  REST API:       http://127.0.0.1:{http_port}/openapi.json (calls, customers, agents, flows...)
  reports:        ACD_REDIS_URL={rig.redis.url} .venv/bin/acd report --from TODAY \
                  --interval 30m   (or --by agent)
  routing:        http://127.0.0.1:{http_port}/calls/CALL_ID/routing (a recent call), or any
                  call from the event log: ACD_REDIS_URL={rig.redis.url} \\
                  .venv/bin/acd calls explain CALL_ID
  IVR flows:      ivr_flows/*.yaml (edit and save: checked, then published live)
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


def call(number: str, caller: str, seconds: float) -> int:
    """Call NUMBER on the rig `make run` started, as a phone in this terminal."""
    if not RUN_INFO.exists():
        print("no rig is running: start one with `make run`", file=sys.stderr)
        return 1
    info = json.loads(RUN_INFO.read_text())
    try:
        return asyncio.run(phone.call(info, number, caller, seconds))
    except KeyboardInterrupt:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m rig")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start Redis, Asterisk and acd until Ctrl-C")
    call_parser = commands.add_parser("call", help="place a SIP call into the running rig")
    call_parser.add_argument("number")
    call_parser.add_argument("--caller", default="13800000001", help="the caller's number")
    call_parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    if args.command == "run":
        return run()
    return call(args.number, args.caller, args.seconds)


if __name__ == "__main__":
    raise SystemExit(main())
