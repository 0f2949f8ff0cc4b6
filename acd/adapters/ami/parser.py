"""Pure AMI stream parser: bytes in, messages (dicts) and rejects out. No I/O.

AMI is a text protocol: a greeting line, then messages of ``Key: Value`` lines
ended by a blank line. The hot path decodes each chunk once and splits it with
``str`` methods, which is several times faster than a line-by-line state machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Message = dict[str, str]

_END = b"\r\n\r\n"
_MAX_MESSAGE = 256 * 1024


@dataclass(slots=True)
class Reject:
    """Input that could not be parsed, kept for one log line."""

    reason: str
    sample: str


@dataclass(slots=True)
class AmiParser:
    """Splits an AMI byte stream into messages.

    ``feed`` returns the complete messages in order; anything malformed is
    skipped and described in ``rejects`` (drained by the caller for logging).
    """

    max_message: int = _MAX_MESSAGE
    greeting: str | None = None
    rejects: list[Reject] = field(default_factory=list)
    _pending: bytes = b""
    _discarding: bool = False

    def feed(self, data: bytes) -> list[Message]:
        buf = self._pending + data if self._pending else data
        if self.greeting is None:
            line_end = buf.find(b"\r\n")
            if line_end < 0:
                self._pending = self._bounded(buf)
                return []
            self.greeting = buf[:line_end].decode("utf-8", "replace")
            buf = buf[line_end + 2 :]
        last = buf.rfind(_END)
        if last < 0:
            self._pending = self._bounded(buf)
            return []
        block = buf[:last]
        if self._discarding:  # the end of a dropped message comes first
            self._discarding = False
            _, _, block = block.partition(_END)
        if len(block) > self.max_message:
            block = self._drop_oversized(block)
        self._pending = self._bounded(buf[last + 4 :])
        return self._parse_block(block.decode("utf-8", "replace"))

    def finish(self) -> None:
        """The stream ended: whatever is buffered is a truncated message."""
        if self._pending.strip() and not self._discarding:
            self.rejects.append(
                Reject("truncated message at end of stream", _sample(self._pending))
            )
        self._pending = b""
        self._discarding = False

    def _bounded(self, rest: bytes) -> bytes:
        if len(rest) <= self.max_message:
            return rest
        if not self._discarding:
            self.rejects.append(self._oversized(rest))
            self._discarding = True
        return rest[-3:]  # the end marker may straddle this read and the next

    def _drop_oversized(self, block: bytes) -> bytes:
        """Drop the complete messages over the limit (the ones that arrived in one read)."""
        kept = []
        for raw in block.split(_END):
            if len(raw) > self.max_message:
                self.rejects.append(self._oversized(raw))
            else:
                kept.append(raw)
        return _END.join(kept)

    def _oversized(self, data: bytes) -> Reject:
        return Reject(f"message over {self.max_message} bytes dropped", _sample(data))

    def _parse_block(self, text: str) -> list[Message]:
        messages: list[Message] = []
        append = messages.append
        for raw in text.split("\r\n\r\n"):
            # Split line by line: pairing up the parts of the whole message split on ": "
            # goes wrong when a line with no ": " meets one whose value holds ": ".
            try:
                append(dict(line.split(": ", 1) for line in raw.split("\r\n")))
            except ValueError:
                message = self._parse_lenient(raw)
                if message is not None:
                    append(message)
        return messages

    def _parse_lenient(self, raw: str) -> Message | None:
        """Slow path: tolerate leading blank lines and ``Key:`` with no space."""
        if not raw.strip():
            return None
        message: Message = {}
        for line in raw.strip("\r\n").split("\r\n"):
            key, sep, value = line.partition(":")
            if not sep or not key or key != key.strip():
                self.rejects.append(Reject(f"malformed line {_sample(line)!s}", _sample(raw)))
                return None
            message[key] = value[1:] if value.startswith(" ") else value
        return message


def _sample(data: bytes | str, limit: int = 120) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return repr(text[:limit]) + ("…" if len(text) > limit else "")
