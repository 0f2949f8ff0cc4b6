"""Render the ``asterisk_conf/`` templates: ``@NAME@`` placeholders filled from settings."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from acd.agents_file import AgentSpec
from acd.config import Settings

TEMPLATES = Path(__file__).resolve().parent.parent / "asterisk_conf"
_PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class ConfTemplateError(ValueError):
    """A template names a placeholder that has no value."""


def placeholders(settings: Settings) -> dict[str, str]:
    """The values every template may use."""
    return {
        "AMI_BIND": settings.ami_bind,
        "AMI_PORT": str(settings.ami_port),
        "AMI_PERMIT": settings.ami_permit,
        "AMI_USER": settings.ami_user,
        "AMI_SECRET": settings.require_ami_secret(),
        "SIP_BIND": settings.sip_bind,
        "SIP_PORT": str(settings.sip_port),
        "HTTP_BIND": settings.asterisk_http_bind,
        "HTTP_PORT": str(settings.asterisk_http_port),
        "HTTPS_PORT": str(settings.asterisk_https_port),
        "TLS_ENABLE": "yes" if settings.asterisk_tls_cert and settings.asterisk_tls_key else "no",
        "TLS_CERT": str(settings.asterisk_tls_cert or ""),
        "TLS_KEY": str(settings.asterisk_tls_key or ""),
        "RTP_START": str(settings.rtp_start),
        "RTP_END": str(settings.rtp_end),
        "TRUNK_MATCH": settings.trunk_match,
        "TRUNK_HOST": settings.trunk_host,
        "TRUNK_PORT": str(settings.trunk_port),
        "AGI_HOST": settings.agi_host,
        "AGI_PORT": str(settings.agi_port),
    }


def render_text(text: str, values: Mapping[str, str], source: str = "<template>") -> str:
    """Fill every placeholder; all missing ones are reported at once as ``source:line``."""
    missing = [
        f"{source}:{text.count(chr(10), 0, m.start()) + 1}: no value for @{m.group(1)}@"
        for m in _PLACEHOLDER.finditer(text)
        if m.group(1) not in values
    ]
    if missing:
        raise ConfTemplateError("\n".join(missing))
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def render_dir(out: Path, values: Mapping[str, str], templates: Path = TEMPLATES) -> list[Path]:
    """Render every ``*.conf`` of ``templates`` into ``out``; returns the files written."""
    rendered = {
        path.name: render_text(path.read_text(), values, str(path))
        for path in sorted(templates.glob("*.conf"))
    }
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered.items():
        target = out / name
        _write(target, text, 0o600 if name == "manager.conf" else 0o644)
        written.append(target)
    return written


def _write(path: Path, text: str, mode: int) -> None:
    """Write a file with ``mode`` from its first byte: the AMI secret is never world-readable."""
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "w") as file:
        file.write(text)
    path.chmod(mode)  # the umask may have taken bits away


def sip_password(secret: str, agent: str) -> str:
    """The SIP password of ``agent``'s phone, derived from ``ACD_SIP_SECRET``: nothing to
    store, and acd can hand it to the agent's console after login."""
    return hmac.new(secret.encode(), f"sip:{agent}".encode(), hashlib.sha256).hexdigest()[:24]


def agents_conf(agents: Sequence[AgentSpec], secret: str) -> str:
    """``pjsip_agents.conf``: one endpoint, auth and aor per agent, on the templates of
    ``pjsip.conf`` (``agent-endpoint`` for WebRTC, ``agent-phone`` for SIP over UDP)."""
    blocks = ["; written by acd from the agents file: do not edit"]
    for agent in agents:
        template = "agent-endpoint" if agent.phone == "webrtc" else "agent-phone"
        name = agent.name.replace('"', "").replace("\n", " ") or agent.id
        blocks.append(
            f"[{agent.id}]({template})\nauth = {agent.id}\naors = {agent.id}\n"
            f'callerid = "{name}" <{agent.id}>\n\n'
            f"[{agent.id}](agent-auth)\nusername = {agent.id}\n"
            f"password = {sip_password(secret, agent.id)}\n\n"
            f"[{agent.id}](agent-aor)\n"
        )
    return "\n".join(blocks)


def write_agents_conf(out: Path, agents: Sequence[AgentSpec], secret: str) -> Path:
    target = out / "pjsip_agents.conf"
    _write(target, agents_conf(agents, secret), 0o600)
    return target
