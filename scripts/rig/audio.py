"""Did the caller hear this prompt? Compare loudness envelopes of a recording and a sound."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

FRAME_MS = 10


def envelope(path: Path, frame_ms: int = FRAME_MS) -> list[float]:
    """RMS of each ``frame_ms`` slice of a 16-bit mono WAV."""
    with wave.open(str(path)) as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = struct.unpack(f"<{len(frames) // 2}h", frames[: len(frames) // 2 * 2])
    step = rate * frame_ms // 1000
    return [
        (sum(x * x for x in samples[i : i + step]) / step) ** 0.5
        for i in range(0, len(samples) - step + 1, step)
    ]


def best_match(recording: list[float], reference: list[float]) -> tuple[float, float]:
    """Highest Pearson correlation of ``reference`` against any stretch of ``recording``,
    and where it starts (seconds)."""
    size = len(reference)
    if size == 0 or len(recording) < size:
        return 0.0, 0.0
    ref_mean = sum(reference) / size
    ref_dev = [x - ref_mean for x in reference]
    ref_norm = sum(x * x for x in ref_dev) ** 0.5
    best, where = 0.0, 0
    for start in range(len(recording) - size + 1):
        window = recording[start : start + size]
        mean = sum(window) / size
        dev = [x - mean for x in window]
        norm = sum(x * x for x in dev) ** 0.5
        if norm and ref_norm:
            score = sum(a * b for a, b in zip(dev, ref_dev, strict=True)) / (norm * ref_norm)
            if score > best:
                best, where = score, start
    return best, where * FRAME_MS / 1000
