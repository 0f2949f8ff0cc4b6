"""asterisk_conf/ on a real Asterisk 22: every listed module runs, start-up logs no complaint."""

from __future__ import annotations

import re

import pytest
from rig.asterisk import Asterisk
from rig.session import Rig

from acd.asterisk_conf import TEMPLATES


@pytest.mark.parametrize("tls", [True, False], ids=["wss", "ws only"])
def test_asterisk_conf_loads_every_module_without_warnings_when_started(
    rig: Rig, tls: bool
) -> None:
    values = dict(rig.target.values)
    if not tls:  # no certificate given: WSS off
        values |= {"TLS_ENABLE": "no", "TLS_CERT": "", "TLS_KEY": ""}
    fresh = Asterisk(install=rig.install, name="conf-check", templates=TEMPLATES, values=values)
    try:
        fresh.start()
        running = {
            line.split()[0] for line in fresh.cli("module show").splitlines() if "Running" in line
        }
    finally:
        fresh.stop()
        log = (fresh.home / "log" / "messages.log").read_text()
        fresh.remove()
    listed = set(re.findall(r"^load => (\S+)", (TEMPLATES / "modules.conf").read_text(), re.M))
    assert listed - running == set()
    complaints = [line for line in log.splitlines() if "WARNING[" in line or "ERROR[" in line]
    assert complaints == []
