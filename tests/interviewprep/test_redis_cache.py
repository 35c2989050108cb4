"""The Redis cache of production (with REDIS_URL) works as Django's does, and reuses one
Redis client per connection pool."""

import uuid

import pytest

from interviewprep.cache import ReusingRedisCache

REDIS = "redis://127.0.0.1:6379/11"


@pytest.fixture
def cache():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379 (the machine's Redis runs the cache in production)")
    cache = ReusingRedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.delete_many(["a", "b", "n"])


def test_it_stores_reads_counts_and_deletes(cache):
    cache.set("a", {"page": "<html>"}, 60)
    cache.set_many({"b": 2, "n": 1}, 60)

    assert cache.get("a") == {"page": "<html>"}
    assert cache.get_many(["a", "b"]) == {"a": {"page": "<html>"}, "b": 2}
    assert cache.incr("n") == 2
    assert cache.add("a", "other") is False
    cache.delete("a")
    assert cache.get("a") is None


def test_it_reuses_one_client_per_pool(cache):
    client = cache._cache.get_client("a")

    assert cache._cache.get_client("b") is client
    assert cache._cache.get_client("c", write=True) is client  # one server: one pool
