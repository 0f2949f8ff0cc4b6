"""acd: a contact-center server for Asterisk (IVR, skills-based routing, screen-pop)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from acd import __version__, cli_agents, cli_calls, cli_customers, cli_ivr, cli_report, cli_sim
from acd import log as acd_log
from acd.adapters.ami.client import AmiAuthError, AmiClient, AmiError
from acd.agents_file import load_agent_specs
from acd.app import serve
from acd.asterisk_conf import (
    TEMPLATES,
    ConfTemplateError,
    placeholders,
    render_dir,
    write_agents_conf,
)
from acd.config import Settings

log = logging.getLogger("acd")

EXIT_FAILED = 1
EXIT_CONFIG = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"acd: invalid settings:\n{exc}", file=sys.stderr)
        return EXIT_CONFIG
    acd_log.setup(settings.log_level)
    try:
        code: int = args.func(settings, args)
    except (ValueError, AmiAuthError) as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acd", description=__doc__)
    parser.add_argument("--version", action="version", version=f"acd {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the server (AMI, runtime, HTTP) until Ctrl-C")
    run.set_defaults(func=_run)

    ami = commands.add_parser("ami", help="Asterisk Manager Interface tools")
    ami_commands = ami.add_subparsers(title="ami commands", required=True, metavar="COMMAND")
    check = ami_commands.add_parser("check", help="log in once and print the Asterisk version")
    check.set_defaults(func=_ami_check)

    cli_ivr.add_commands(commands)
    cli_sim.add_commands(commands)
    cli_agents.add_commands(commands)
    cli_calls.add_commands(commands)
    cli_customers.add_commands(commands)
    cli_report.add_commands(commands)

    conf = commands.add_parser("asterisk-conf", help="render asterisk_conf/ for this environment")
    conf.add_argument(
        "--out", type=Path, required=True, help="directory to write the .conf files to"
    )
    conf.add_argument("--templates", type=Path, default=TEMPLATES, help="template directory")
    conf.set_defaults(func=_asterisk_conf)
    return parser


def _run(settings: Settings, _: argparse.Namespace) -> int:
    return _until_signal(serve(settings))


def _until_signal(work: Coroutine[Any, Any, None]) -> int:
    """Run ``work`` until it ends or SIGINT/SIGTERM cancels it."""

    async def supervised() -> None:
        task = asyncio.ensure_future(work)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, task.cancel)
        try:
            await task
        except asyncio.CancelledError:
            log.info("stopped")

    asyncio.run(supervised())
    return 0


def _ami_check(settings: Settings, _: argparse.Namespace) -> int:
    async def check() -> int:
        client = AmiClient(
            host=settings.ami_host,
            port=settings.ami_port,
            username=settings.ami_user,
            secret=settings.require_ami_secret(),
            on_event=lambda _: None,
            action_timeout=settings.ami_action_timeout,
        )
        try:
            await client.connect()
        except (OSError, TimeoutError, AmiError) as exc:
            if isinstance(exc, AmiAuthError):
                raise
            log.error("cannot reach Asterisk AMI at %s: %s", client.address, exc or "timeout")
            return EXIT_FAILED
        reply = await client.send_action({"Action": "CoreSettings"})
        print(f"AMI {client.address} ok: Asterisk {reply.fields.get('AsteriskVersion', '?')}")
        await client.close()
        return 0

    return asyncio.run(check())


def _asterisk_conf(settings: Settings, args: argparse.Namespace) -> int:
    try:
        written = render_dir(args.out, placeholders(settings), args.templates)
    except ConfTemplateError as exc:
        print(exc, file=sys.stderr)
        return EXIT_CONFIG
    agents, problems = load_agent_specs(settings.agents)
    if agents is None or settings.sip_secret is None:
        why = "ACD_SIP_SECRET is not set" if agents else "\n".join(map(str, problems))
        print(f"pjsip_agents.conf not written (no agent phones): {why}", file=sys.stderr)
    else:
        secret = settings.sip_secret.get_secret_value()
        written.append(write_agents_conf(args.out, agents, secret))
    for path in written:
        print(path)
    return 0
