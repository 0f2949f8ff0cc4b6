"""pjsip_agents.conf from agents.yaml: one endpoint/auth/aor per agent, derived passwords."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from acd.agents_file import AgentSpec
from acd.asterisk_conf import agents_conf, sip_password
from acd.cli import main


def test_each_agent_gets_an_endpoint_on_its_phone_kind_template() -> None:
    agents = [AgentSpec(id="1001", name="王芳"), AgentSpec(id="7", name='A "B"', phone="sip")]
    text = agents_conf(agents, "s3cret")
    assert text.splitlines() == [
        "; written by acd from the agents file: do not edit",
        "[1001](agent-endpoint)", "auth = 1001", "aors = 1001", 'callerid = "王芳" <1001>', "",
        "[1001](agent-auth)", "username = 1001", f"password = {sip_password('s3cret', '1001')}",
        "", "[1001](agent-aor)", "",
        "[7](agent-phone)", "auth = 7", "aors = 7", 'callerid = "A B" <7>', "",
        "[7](agent-auth)", "username = 7", f"password = {sip_password('s3cret', '7')}",
        "", "[7](agent-aor)",
    ]  # fmt: skip


def test_passwords_differ_per_agent_and_per_secret_and_are_stable() -> None:
    first = sip_password("s3cret", "1001")
    assert first == sip_password("s3cret", "1001") and len(first) == 24
    assert first != sip_password("s3cret", "1002") != sip_password("other", "1002")


def test_asterisk_conf_writes_the_agents_file_only_readable_by_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACD_AMI_SECRET", "amisecret")
    monkeypatch.setenv("ACD_SIP_SECRET", "sipsecret")
    assert main(["asterisk-conf", "--out", str(tmp_path)]) == 0
    written = tmp_path / "pjsip_agents.conf"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert f"password = {sip_password('sipsecret', '1001')}" in written.read_text()


def test_without_a_sip_secret_no_agent_phone_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACD_AMI_SECRET", "amisecret")
    monkeypatch.delenv("ACD_SIP_SECRET", raising=False)
    assert main(["asterisk-conf", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "pjsip_agents.conf").exists()
    assert "ACD_SIP_SECRET is not set" in capsys.readouterr().err
