"""A whole rig: the Asterisk under test, the carrier if asked, and Redis, as one."""

from __future__ import annotations

import logging
import secrets
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from acd.agents_file import load_agent_specs
from acd.asterisk_conf import TEMPLATES, agents_conf, placeholders
from acd.config import Settings
from rig.asterisk import Asterisk, Ports, ami_secret
from rig.install import REPO, AsteriskInstall, find_install, kill_strays
from rig.ports import free_port
from rig.redis import RedisServer

log = logging.getLogger("rig")

AGENTS = REPO / "agents.yaml"
SOUNDS = PurePosixPath("/usr/share/asterisk/sounds")
CARRIER_TEMPLATES = Path(__file__).resolve().parent / "carrier_conf"


def self_signed() -> tuple[str, str]:
    """A throwaway certificate and key for 127.0.0.1 (PEM texts), by openssl."""
    with tempfile.TemporaryDirectory() as scratch:
        cert, key = Path(scratch) / "cert.pem", Path(scratch) / "key.pem"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        return cert.read_text(), key.read_text()


@dataclass(slots=True)
class Rig:
    install: AsteriskInstall
    target: Asterisk
    redis: RedisServer
    carrier: Asterisk | None = None
    agi_port: int = 0
    """Where the target Asterisk's dialplan expects acd's FastAGI server."""

    agents: Path = AGENTS
    sip_secret: str = ""
    token_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def create(cls, *, with_carrier: bool = False, agents: Path = AGENTS) -> Rig:
        """``agents``: the agents file whose phones the target Asterisk will accept."""
        install = find_install()
        carrier_ports = Ports.free()
        settings = Settings(
            ami_secret=ami_secret(),
            trunk_port=carrier_ports.sip,
            agi_port=free_port(),
        )
        specs, problems = load_agent_specs(agents)
        if specs is None:
            raise ValueError("\n".join(map(str, problems)))
        sip_secret = ami_secret()
        cert, key = self_signed()
        target = Asterisk(
            install=install,
            name="target",
            templates=TEMPLATES,
            values=placeholders(settings),
            extra={"pjsip_agents.conf": agents_conf(specs, sip_secret), "tls.pem": cert,
                   "tls.key": key},
        )  # fmt: skip
        target.values = {**target.values, "TLS_ENABLE": "yes",
                         "TLS_CERT": str(target.inner / "etc" / "tls.pem"),
                         "TLS_KEY": str(target.inner / "etc" / "tls.key")}  # fmt: skip
        carrier = None
        if with_carrier:
            carrier = Asterisk(
                install=install,
                name="carrier",
                templates=CARRIER_TEMPLATES,
                values={"AMI_SECRET": ami_secret(), "TARGET_SIP_PORT": str(target.ports.sip)},
                ports=carrier_ports,
            )
        return cls(
            install=install,
            target=target,
            redis=RedisServer(),
            carrier=carrier,
            agi_port=settings.agi_port,
            agents=agents,
            sip_secret=sip_secret,
        )

    @property
    def tls_cert(self) -> Path:
        """The target's self-signed certificate (for clients to trust its WSS)."""
        return self.target.home / "etc" / "tls.pem"

    @property
    def ami_secret(self) -> str:
        return self.target.values["AMI_SECRET"]

    def acd_env(self) -> dict[str, str]:
        """The ``ACD_*`` environment that points acd at this rig."""
        return {
            "ACD_AMI_HOST": "127.0.0.1",
            "ACD_AMI_PORT": str(self.target.ports.ami),
            "ACD_AMI_USER": "acd",
            "ACD_AMI_SECRET": self.ami_secret,
            "ACD_AGI_PORT": str(self.agi_port),
            "ACD_REDIS_URL": self.redis.url,
            "ACD_TOKEN_SECRET": self.token_secret,
            "ACD_AGENTS": str(self.agents),
            "ACD_SIP_SECRET": self.sip_secret,
            "ACD_SOUNDS_DIR": str(self.install.host_path(SOUNDS)),
            "ACD_ASTERISK_HTTP_PORT": str(self.target.ports.http),  # browser phones' ws://
            "ACD_RECORDINGS_DIR": str(self.target.home / "spool" / "recordings"),
            "ACD_ASTERISK_RECORDINGS_DIR": str(self.target.inner / "spool" / "recordings"),
        }

    def start(self) -> None:
        stray = kill_strays()
        if stray:
            log.warning("killed Asterisk processes left by an earlier run: %s", stray)
        self.install.mount()
        try:
            self.redis.start()
            for asterisk in self.instances():
                asterisk.start()
        except BaseException:
            self.stop()
            raise

    def instances(self) -> list[Asterisk]:
        return [a for a in (self.target, self.carrier) if a is not None]

    def stop(self) -> None:
        for asterisk in self.instances():
            asterisk.remove()
        self.redis.stop()
        self.install.unmount()

    def __enter__(self) -> Rig:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
