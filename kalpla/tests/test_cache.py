import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache

from kalpla.cache import PrefixedRedisCache


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis (always present with CI=true)")
    return settings.REDIS_URL


def test_cache_objects_share_one_connection_pool(redis_url):
    first = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "pool-test"})
    second = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "pool-test"})
    first.set("k", "v")
    assert second.get("k") == "v"
    pool_a = first._cache._get_connection_pool(True)
    pool_b = second._cache._get_connection_pool(True)
    assert pool_a is pool_b
    first.delete("k")


def test_clear_deletes_only_own_prefix(redis_url):
    mine = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "clear-mine"})
    other = RedisCache(redis_url, {"KEY_PREFIX": "clear-other"})
    mine.set("a", 1)
    other.set("b", 2)
    mine.clear()
    assert mine.get("a") is None
    assert other.get("b") == 2
    other.delete("b")
