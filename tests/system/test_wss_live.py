"""Browser phones of agents working from home reach Asterisk over WSS: a TLS WebSocket with
the ``sip`` subprotocol at ``/ws`` on the HTTPS port answers SIP (a REGISTER is challenged)."""

from __future__ import annotations

import ssl
import uuid

import aiohttp
from rig.session import Rig


def register(user: str, host: str) -> str:
    call, tag, branch = uuid.uuid4().hex, uuid.uuid4().hex[:8], uuid.uuid4().hex[:12]
    return (
        f"REGISTER sip:{host} SIP/2.0\r\n"
        f"Via: SIP/2.0/WSS agent.invalid;branch=z9hG4bK{branch}\r\n"
        "Max-Forwards: 70\r\n"
        f"To: <sip:{user}@{host}>\r\n"
        f"From: <sip:{user}@{host}>;tag={tag}\r\n"
        f"Call-ID: {call}\r\n"
        "CSeq: 1 REGISTER\r\n"
        f"Contact: <sip:{user}@agent.invalid;transport=ws>;expires=60\r\n"
        "Content-Length: 0\r\n\r\n"
    )


async def test_an_agents_browser_phone_reaches_asterisk_over_wss(rig: Rig) -> None:
    trust = ssl.create_default_context(cafile=str(rig.tls_cert))  # the rig's own certificate
    url = f"wss://127.0.0.1:{rig.target.ports.https}/ws"
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url, protocols=("sip",), ssl=trust) as ws,
    ):
        chosen = ws.protocol
        await ws.send_str(register("2001", "127.0.0.1"))
        reply = (await ws.receive(timeout=5)).data
    assert chosen == "sip"
    assert reply.startswith("SIP/2.0 401 Unauthorized"), reply[:200]
    assert "WWW-Authenticate: Digest" in reply


async def test_a_client_that_does_not_trust_the_certificate_is_refused(rig: Rig) -> None:
    url = f"wss://127.0.0.1:{rig.target.ports.https}/ws"
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, protocols=("sip",)):
                refused = None
        except aiohttp.ClientConnectorCertificateError as exc:
            refused = exc
    assert refused is not None  # a self-signed certificate: verification fails
