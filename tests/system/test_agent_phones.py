"""Agents' SIP phones on the real Asterisk: pjsip_agents.conf from agents.yaml, derived
passwords, registration, and a call that reaches the agent."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rig.ports import free_port
from rig.session import Rig
from rig.sipcaller import SipCaller, wav_rms

from acd.asterisk_conf import sip_password
from tests.ami_helpers import running_client
from tests.system.phones import add_agent_phone


async def test_an_agent_phone_registers_and_answers_a_call_from_asterisk(
    rig: Rig, tmp_path: Path
) -> None:
    with SipCaller(port=free_port(), record_dir=tmp_path) as agent:
        assert add_agent_phone(agent, rig, "2001") == ("REGISTERED", 200)
        async with running_client(port=rig.target.ports.ami, secret=rig.ami_secret) as (ami, _):
            originate = {
                "Action": "Originate", "Channel": "PJSIP/2001", "Timeout": "10000",
                "Application": "Playback", "Data": "hello-world", "Async": "true",
            }  # fmt: skip
            assert (await ami.send_action(originate)).fields["Response"] == "Success"
            for _ in range(100):
                if agent.incoming.get("2001"):
                    break
                await asyncio.sleep(0.1)
            call = agent.incoming["2001"][0]
            agent.wait_state(call, "CONFIRMED", 10)
            await asyncio.sleep(2)  # the agent hears the prompt
            agent.hangup(call)
            await asyncio.sleep(0.5)
    assert wav_rms(agent.recording(call)) > 100


def test_a_phone_with_the_wrong_password_is_refused(rig: Rig, tmp_path: Path) -> None:
    with SipCaller(port=free_port(), record_dir=tmp_path) as agent:
        state, code = add_agent_phone(agent, rig, "2002", password="not-the-password")
    assert state == "UNREGISTERED" and code in {401, 403}


def test_the_rendered_agents_file_keeps_the_passwords_out_of_sight(rig: Rig) -> None:
    conf = rig.target.home / "etc" / "pjsip_agents.conf"
    text = conf.read_text()
    assert "[2001](agent-phone)" in text and "[2002](agent-auth)" in text
    assert f"password = {sip_password(rig.sip_secret, '2001')}" in text
