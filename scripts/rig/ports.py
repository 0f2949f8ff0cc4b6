"""Free local ports for rig services."""

from __future__ import annotations

import random
import socket


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 right now."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port: int = tcp.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def rtp_range(size: int = 200) -> tuple[int, int]:
    """An even-aligned block of UDP ports for RTP, picked at random in 20000-59999."""
    start = random.randrange(20000, 60000 - size, 2)
    return start, start + size - 1
