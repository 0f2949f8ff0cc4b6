"""A real SIP caller for tests and `make run`: pjsua2 (PyPI ``pjsua2-python``) in one thread.

pjsua2 objects live only in that thread (``threadCnt=0``, ``mainThreadOnly``); other
threads send it commands through a queue. Each call records what it hears to a WAV
and sends a 440 Hz tone, so audio can be asserted both ways. The PyPI wheel is built
with ``PJSUA_MAX_CALLS=4``: use one caller per four concurrent calls.
"""

from __future__ import annotations

import queue
import struct
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pjsua2 as pj

MAX_CALLS = 4


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(
        self, owner: SipCaller, account: pj.Account, call_id: int, pj_id: int = -1
    ) -> None:
        super().__init__(account, pj_id)
        self.owner, self.call_id = owner, call_id
        self.recorder: pj.AudioMediaRecorder | None = None

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        self.owner._set_state(self.call_id, info.stateText, info.lastStatusCode)
        if info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.owner._ended.append(self)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()  # keep it alive: its media vector points into it
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO or media.status != pj.PJSUA_CALL_MEDIA_ACTIVE:
                continue
            audio = self.getAudioMedia(index)
            if self.recorder is None:
                self.recorder = pj.AudioMediaRecorder()
                self.recorder.createRecorder(str(self.owner.recording(self.call_id)))
                audio.startTransmit(self.recorder)
            self.owner._tone.startTransmit(audio)


class _Account(pj.Account):  # type: ignore[misc]
    """Registers when asked to, and answers incoming calls (an agent's phone)."""

    def __init__(self, owner: SipCaller, user: str, answer: bool = True) -> None:
        super().__init__()
        self.owner, self.user, self.answers = owner, user, answer

    def onRegState(self, prm: Any) -> None:
        state = "REGISTERED" if prm.code // 100 == 2 else "UNREGISTERED"
        with self.owner._changed:
            self.owner.registrations[self.user] = (state, prm.code)
            self.owner._changed.notify_all()

    def onIncomingCall(self, prm: Any) -> None:
        owner = self.owner
        owner._next_id += 1
        call = _Call(owner, self, owner._next_id, prm.callId)
        owner._calls[call.call_id] = call
        owner.incoming.setdefault(self.user, []).append(call.call_id)
        owner._set_state(call.call_id, "INCOMING", 0)
        answer = pj.CallOpParam()
        answer.statusCode = 200 if owner.auto_answer and self.answers else 180
        call.answer(answer)


class SipCaller:
    """Places calls from ``sip:<user>@127.0.0.1:<port>``; use as a context manager.

    ``add_phone`` registers more lines in the same library (pjsua2 allows one per process):
    agents' SIP phones that answer incoming calls at once (or let them ring, ``auto_answer``),
    listed per user in ``incoming``."""

    def __init__(
        self, *, port: int, record_dir: Path, user: str = "caller", auto_answer: bool = True
    ) -> None:
        self.port, self.record_dir, self.user = port, Path(record_dir), user
        self.auto_answer = auto_answer
        self.incoming: dict[str, list[int]] = {}
        self.registrations: dict[str, tuple[str, int]] = {}
        self._commands: queue.Queue[tuple[Callable[[], Any], threading.Event, dict[str, Any]]]
        self._commands = queue.Queue()
        self._states: dict[int, tuple[str, int]] = {}
        self._phones: list[_Account] = []
        self._changed = threading.Condition()
        self._calls: dict[int, _Call] = {}
        self._ended: list[_Call] = []
        self._next_id = 0
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name=f"pjsua2-{port}", daemon=True)

    def __enter__(self) -> SipCaller:
        self._thread.start()
        self._ready.wait(15)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(20)

    def add_phone(self, user: str, registrar: str, password: str, *, answer: bool = True) -> None:
        """Register ``user`` at ``registrar`` ("host:port") with ``password``; its calls are
        answered at once, or left ringing (``answer=False``)."""

        def register() -> None:
            config = pj.AccountConfig()
            config.idUri = f"sip:{user}@{registrar}"
            config.regConfig.registrarUri = f"sip:{registrar}"
            config.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
            config.sipConfig.authCreds.append(pj.AuthCredInfo("digest", "*", user, 0, password))
            phone = _Account(self, user, answer)
            self.registrations[user] = ("UNREGISTERED", 0)
            phone.create(config, False)
            self._phones.append(phone)

        self._run(register)

    def wait_registration(self, user: str, timeout: float = 10.0) -> tuple[str, int]:
        """The registration's (state, SIP code) once Asterisk has answered it."""
        end = time.monotonic() + timeout
        with self._changed:
            while self.registrations.get(user, ("", 0))[1] == 0:
                if not self._changed.wait(max(0.0, end - time.monotonic())):
                    raise TimeoutError(f"{user} got no answer to its REGISTER in {timeout} s")
            return self.registrations[user]

    def recording(self, call_id: int) -> Path:
        return self.record_dir / f"call-{self.port}-{call_id}.wav"

    def call(self, uri: str) -> int:
        self._next_id += 1
        call_id = self._next_id
        self._set_state(call_id, "NULL", 0)
        self._run(lambda: self._make_call(call_id, uri))
        return call_id

    def dtmf(self, call_id: int, digits: str) -> None:
        """Send RFC 4733 digits (160 ms each)."""

        def send() -> None:
            param = pj.CallSendDtmfParam()
            param.method, param.digits, param.duration = pj.PJSUA_DTMF_METHOD_RFC2833, digits, 160
            self._calls[call_id].sendDtmf(param)

        self._run(send)

    def answer(self, call_id: int) -> None:
        """Answer an incoming call left ringing (a phone added with ``answer=False``)."""

        def pick_up() -> None:
            param = pj.CallOpParam()
            param.statusCode = 200
            self._calls[call_id].answer(param)

        self._run(pick_up)

    def hangup(self, call_id: int) -> None:
        def end() -> None:
            call = self._calls.get(call_id)
            if call is not None:
                call.hangup(pj.CallOpParam(True))

        self._run(end)

    def state(self, call_id: int) -> tuple[str, int]:
        """(pjsua state text, last SIP status code)."""
        with self._changed:
            return self._states[call_id]

    def wait_state(self, call_id: int, wanted: str, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        with self._changed:
            while (state := self._states[call_id][0]) != wanted:
                if state == "DISCONNECTED":
                    raise RuntimeError(f"call {call_id} ended (SIP {self._states[call_id][1]})")
                if not self._changed.wait(max(0.0, end - time.monotonic())):
                    raise TimeoutError(
                        f"call {call_id} is {state}, not {wanted}, after {timeout} s"
                    )

    # --- the pjsua2 thread -------------------------------------------------------------
    def _run(self, command: Callable[[], Any]) -> Any:
        done: threading.Event = threading.Event()
        box: dict[str, Any] = {}
        self._commands.put((command, done, box))
        if not done.wait(15):
            raise TimeoutError("pjsua2 thread did not answer")
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def _set_state(self, call_id: int, state: str, code: int) -> None:
        with self._changed:
            self._states[call_id] = (state, code)
            self._changed.notify_all()

    def _make_call(self, call_id: int, uri: str) -> None:
        call = _Call(self, self._account, call_id)
        self._calls[call_id] = call
        call.makeCall(uri, pj.CallOpParam(True))

    def _loop(self) -> None:
        try:
            self._init()
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        while not self._stop.is_set():
            self._serve_commands()
            self._endpoint.libHandleEvents(10)
            self._reap()
        self._endpoint.hangupAllCalls()
        for _ in range(50):
            self._endpoint.libHandleEvents(10)
        self._reap()
        self._calls.clear()
        del self._tone
        for phone in self._phones:
            phone.shutdown()
        self._phones.clear()
        self._account.shutdown()
        del self._account  # a subclassed pj object collected after libDestroy aborts
        self._endpoint.libDestroy()

    def _serve_commands(self) -> None:
        while True:
            try:
                command, done, box = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                box["result"] = command()
            except Exception as exc:
                box["error"] = exc
            done.set()

    def _reap(self) -> None:
        # A pj.Call collected after libDestroy() aborts the process: drop ended calls now.
        ended, self._ended = self._ended, []
        for call in ended:
            self._calls.pop(call.call_id, None)

    def _init(self) -> None:
        self._endpoint = pj.Endpoint()
        self._endpoint.libCreate()
        config = pj.EpConfig()
        config.uaConfig.threadCnt = 0
        config.uaConfig.mainThreadOnly = True
        config.uaConfig.maxCalls = MAX_CALLS
        config.logConfig.level = config.logConfig.consoleLevel = 1
        config.medConfig.noVad = True  # keep RTP flowing through silence
        self._endpoint.libInit(config)
        transport = pj.TransportConfig()
        transport.port, transport.boundAddress = self.port, "127.0.0.1"
        self._endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
        self._endpoint.audDevManager().setNullDev()
        for codec in self._endpoint.codecEnum2():
            self._endpoint.codecSetPriority(
                codec.codecId, 255 if codec.codecId.startswith("PCMU/") else 0
            )
        self._endpoint.libStart()
        account = pj.AccountConfig()
        account.idUri = f"sip:{self.user}@127.0.0.1:{self.port}"
        account.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
        self._account = _Account(self, self.user)
        self._account.create(account, True)
        self._tone = pj.ToneGenerator()
        self._tone.createToneGenerator(8000, 1)
        tone = pj.ToneDesc()
        tone.freq1 = tone.freq2 = 440
        tone.on_msec, tone.off_msec, tone.volume = 1000, 0, 0
        tones = pj.ToneDescVector()
        tones.append(tone)
        self._tone.play(tones, True)


def wav_rms(path: Path) -> float:
    """Root mean square of a 16-bit mono WAV: 0 is digital silence."""
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
    count = len(frames) // 2
    if count == 0:
        return 0.0
    samples = struct.unpack(f"<{count}h", frames[: count * 2])
    return float((sum(s * s for s in samples) / count) ** 0.5)
