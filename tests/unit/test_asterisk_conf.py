"""Rendering the asterisk_conf/ templates, the settings they are filled from, action encoding."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from acd.adapters.ami.client import encode_action
from acd.asterisk_conf import TEMPLATES, ConfTemplateError, placeholders, render_dir, render_text
from acd.config import Settings

SECRET = "Zq7-secret_x9"
LEFTOVER = re.compile(r"@[A-Z][A-Z0-9_]*@")


@pytest.fixture(autouse=True)
def no_acd_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings read ACD_* variables: these tests see only what they pass."""
    for name in list(os.environ):
        if name.startswith("ACD_"):
            monkeypatch.delenv(name)
    yield


def test_render_text_fills_every_placeholder_when_all_have_values() -> None:
    text = "port = @AMI_PORT@\nbind = @SIP_BIND@:@SIP_PORT@\nport2 = @AMI_PORT@\n"

    out = render_text(text, {"AMI_PORT": "5038", "SIP_BIND": "0.0.0.0", "SIP_PORT": "5060"})

    assert out == "port = 5038\nbind = 0.0.0.0:5060\nport2 = 5038\n"


def test_render_text_reports_all_missing_placeholders_with_their_lines_when_values_lack() -> None:
    text = "a = @KNOWN@\nb = @MISSING_ONE@\nc = 1\nd = @KNOWN@ @MISSING_TWO@\ne = @MISSING_ONE@\n"

    with pytest.raises(ConfTemplateError) as raised:
        render_text(text, {"KNOWN": "x"}, source="pjsip.conf")

    lines = str(raised.value).splitlines()
    assert lines == [
        "pjsip.conf:2: no value for @MISSING_ONE@",
        "pjsip.conf:4: no value for @MISSING_TWO@",
        "pjsip.conf:5: no value for @MISSING_ONE@",
    ]


def test_render_text_leaves_asterisk_syntax_alone_when_it_only_looks_similar() -> None:
    text = (
        "exten => _X.,1,Dial(PJSIP/${EXTEN}@trunk,30)\n"
        " same => n,Goto(from-trunk,${EXTEN:1},1)\n"
        "contact = sip:user@host\n"
        "mail = a@b.c @lower@ @1X@\n"
    )

    assert render_text(text, {"EXTEN": "nope", "lower": "nope"}) == text


def test_render_dir_fills_the_real_templates_and_hides_the_secret_when_rendered(
    tmp_path: Path,
) -> None:
    values = placeholders(Settings(ami_secret=SECRET))

    written = render_dir(tmp_path / "etc", values)

    names = sorted(path.name for path in written)
    assert names == sorted(path.name for path in TEMPLATES.glob("*.conf"))
    assert "manager.conf" in names
    for path in written:
        text = path.read_text()
        assert not LEFTOVER.search(text), f"{path.name}: {LEFTOVER.findall(text)}"
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.name == "manager.conf":
            assert SECRET in text
            assert mode == 0o600
        else:
            assert SECRET not in text, path.name
            assert mode == 0o644, (path.name, oct(mode))


def test_render_dir_writes_the_user_and_secret_into_manager_conf_when_rendered(
    tmp_path: Path,
) -> None:
    values = placeholders(Settings(ami_secret=SECRET, ami_user="acd-test", ami_port=6038))

    render_dir(tmp_path, values)

    manager = (tmp_path / "manager.conf").read_text()
    assert "[acd-test]" in manager
    assert f"secret = {SECRET}\n" in manager
    assert "port = 6038\n" in manager


def test_render_dir_writes_nothing_when_a_template_lacks_a_value(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.conf").write_text("ok = @AMI_PORT@\n")
    (templates / "b.conf").write_text("x = 1\ny = @NOPE@\n")
    out = tmp_path / "out"

    with pytest.raises(ConfTemplateError, match=r"b\.conf:2: no value for @NOPE@"):
        render_dir(out, {"AMI_PORT": "5038"}, templates)

    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("secret", ["two words", "semi;colon", "tab\there", "a=b", "[x]", ""])
def test_settings_refuse_the_ami_secret_when_it_is_not_one_word(secret: str) -> None:
    with pytest.raises(ValidationError, match="ami_secret"):
        Settings(ami_secret=secret)


def test_settings_read_the_ami_secret_from_the_environment_when_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACD_AMI_SECRET", SECRET)

    settings = Settings()

    assert settings.require_ami_secret() == SECRET
    assert SECRET not in repr(settings)


def test_placeholders_raise_naming_the_variable_when_no_secret_is_set() -> None:
    with pytest.raises(ValueError, match="ACD_AMI_SECRET"):
        placeholders(Settings())


@pytest.mark.parametrize(
    "fields",
    [
        {"Action": "Ping", "Note": "x\r\nAction: Originate"},
        {"Action": "Ping", "Note": "x\nAction: Originate"},
        {"Action": "Ping", "Note": "x\r"},
        {"Action": "Ping", "Bad\r\nKey": "x"},
        {"Action": "Originate", "Variable": ["A=1", "B=2\r\nAction: Hangup"]},
    ],
)
def test_encode_action_refuses_a_line_break_when_a_field_holds_one(
    fields: dict[str, str | list[str]],
) -> None:
    with pytest.raises(ValueError, match="line break"):
        encode_action(fields)


def test_encode_action_writes_one_line_per_value_when_a_field_repeats() -> None:
    data = encode_action({"Action": "Originate", "Variable": ["A=1", "B=2"], "Async": "true"})

    assert data == b"Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nAsync: true\r\n\r\n"
