"""The tests' Redis is their own: own port, own data directory, gone after stop."""

from __future__ import annotations

import redis
from rig.redis import RedisServer


def test_redis_server_uses_its_own_port_and_dir_when_started(redis_server: RedisServer) -> None:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    assert client.config_get("port") == {"port": str(redis_server.port)}
    assert client.config_get("dir") == {"dir": str(redis_server.dir.resolve())}
    assert redis_server.port != 6379
    client.xadd("acd:probe", {"k": "v"})
    assert client.xlen("acd:probe") == 1
    client.close()


def test_redis_server_leaves_no_process_or_dir_when_stopped() -> None:
    server = RedisServer()
    server.start()
    process = server.process
    assert process is not None
    server.stop()
    assert process.poll() is not None
    assert not server.dir.exists()
