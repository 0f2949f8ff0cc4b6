"""Settings from the environment (``ACD_*``), validated once at start-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from acd.business_hours import BusinessHours


class Settings(BaseSettings):
    """Everything acd reads from its environment; names are ``ACD_`` + the field in capitals."""

    model_config = SettingsConfigDict(env_prefix="ACD_", extra="ignore")

    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    http_port: int = Field(8080, ge=0, le=65535)

    flows_dir: Path = Path("ivr_flows")
    console_dir: Path = Path("web_softphone/dist")
    """The agent console, as ``npm run build`` in ``web_softphone/`` makes it (provisioning
    does)."""
    routing: Path = Path("routing.yaml")
    """The routing policy file: skills and call types."""
    agents: Path = Path("agents.yaml")
    """The agents: IDs, skills, teams, hashed PINs."""
    sounds_dir: Path | None = Path("/usr/share/asterisk/sounds")
    directory: Path | None = Path("samples/customers.json")
    """Customers JSON for the built-in directory."""
    agi_host: str = "127.0.0.1"
    agi_port: int = Field(4573, ge=0, le=65535)
    """FastAGI server Asterisk hands calls to."""
    clock_start: dt.datetime | None = None
    """Start acd's clock at this instant (tests and demos of after-hours flows)."""
    flows_poll: float = Field(1.0, gt=0)
    """Seconds between checks of ``flows_dir`` for changed files."""
    recordings_dir: Path = Path("recordings")
    """Where acd serves the calls' recordings from (made if missing)."""
    asterisk_recordings_dir: Path | None = None
    """That directory as Asterisk sees it, when not at the same path (a chroot, a
    container); Asterisk records there."""
    recordings_keep_days: float = Field(90.0, ge=0)
    """Recordings older than this are deleted, files and references (0: kept forever)."""
    queue_log: Path | None = None
    """Also write the calls as Asterisk's ``queue_log`` here, for its reporting tools."""
    timezone: str = "Asia/Shanghai"
    """The center's time zone: where "today" starts on the wallboard and in reports."""
    short_abandon_s: float = Field(5.0, ge=0, le=120)
    """Callers who hang up within this many seconds of queueing are not counted as offered."""
    business_hours: str = "mon-fri 09:00-18:00"
    """When follow-up calls to customers may be made (days, hours; the center's time zone)."""
    owner_first_s: float = Field(20.0, ge=0, le=600)
    """Seconds a caller with an open complaint waits for its owner first (0: never)."""
    inbound_first_s: float = Field(30.0, ge=0, le=3600)
    """No follow-up call is dialed while a caller the agent could take has waited longer."""
    follow_up_days: int = Field(3, ge=1, le=30)
    """A resolved complaint's follow-up call is due by the close of this many business days."""

    @field_validator("business_hours")
    @classmethod
    def _hours(cls, text: str) -> str:
        BusinessHours.parse(text, ZoneInfo("UTC"))  # ValueError says what is wrong
        return text

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {zone!r} (e.g. Asia/Shanghai, UTC)") from None
        return zone

    crm_url: str | None = None
    """An external CRM to look callers up in: a URL with ``{number}`` (JSON back, 404 when
    unknown); the built-in directory stands in when it fails. Unset: the directory only."""
    crm_timeout: float = Field(2.0, gt=0, le=30)
    """Seconds the CRM has to answer (the screen-pop never waits for it)."""
    token_secret: SecretStr | None = None
    """Signs the login tokens (at least 32 characters; every acd of a site shares it). Unset:
    a random one per start, so tokens do not survive a restart."""
    token_ttl: float = Field(900.0, ge=30, le=86400)
    """Seconds a login token lasts; the console renews it with ``POST /auth/refresh``."""
    redis_url: str = "redis://127.0.0.1:6379/0"
    """Where the event log lives (a Redis Stream); acd waits for it at start-up."""
    site: str = Field("main", pattern=r"^[A-Za-z0-9_-]+$")
    """This contact center's name in Redis keys (several sites can share one Redis)."""

    ami_host: str = "127.0.0.1"
    ami_port: int = Field(5038, ge=1, le=65535)
    ami_user: str = "acd"
    ami_secret: SecretStr | None = None
    sip_secret: SecretStr | None = None
    """Agents' SIP passwords are derived from it (``acd asterisk-conf`` needs it)."""
    sip_ws_url: str | None = Field(None, pattern=r"^wss?://")
    """Where agents' browser phones reach Asterisk (``ws://`` or ``wss://``). Unset: the host
    the console was loaded from, ``ws://HOST:asterisk_http_port/ws``, or
    ``wss://HOST:asterisk_https_port/ws`` for a page over HTTPS when Asterisk has a
    certificate (``asterisk_tls_cert``)."""
    ami_action_timeout: float = Field(5.0, gt=0)
    ami_backoff_max: float = Field(10.0, gt=0)

    # Asterisk side, used only to render asterisk_conf/ (`acd asterisk-conf`)
    ami_bind: str = "127.0.0.1"
    ami_permit: str = "127.0.0.1/255.255.255.255"
    sip_bind: str = "127.0.0.1"
    sip_port: int = Field(5060, ge=1, le=65535)
    asterisk_http_bind: str = "127.0.0.1"
    asterisk_http_port: int = Field(8088, ge=1, le=65535)
    asterisk_https_port: int = Field(8089, ge=1, le=65535)
    asterisk_tls_cert: Path | None = None
    """PEM certificate (and ``asterisk_tls_key``) for WSS: browser phones of agents outside
    this machine, at ``wss://HOST:asterisk_https_port/ws``. Unset: ws only."""
    asterisk_tls_key: Path | None = None
    rtp_start: int = Field(10000, ge=1024, le=65535)
    rtp_end: int = Field(20000, ge=1024, le=65535)
    trunk_match: str = "127.0.0.1"
    trunk_host: str = "127.0.0.1"
    trunk_port: int = Field(5080, ge=1, le=65535)

    @field_validator("ami_user", "ami_secret")
    @classmethod
    def _one_word(cls, value: str | SecretStr | None) -> str | SecretStr | None:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if text is not None and (not text or any(c.isspace() or c in ";[]=" for c in text)):
            raise ValueError("must be one word without spaces or any of ; [ ] =")
        return value

    def require_ami_secret(self) -> str:
        if self.ami_secret is None:
            raise ValueError("ACD_AMI_SECRET is not set: acd needs the AMI secret of its user")
        return self.ami_secret.get_secret_value()
