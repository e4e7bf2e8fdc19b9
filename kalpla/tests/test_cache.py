import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from kalpla.cache import (
    PrefixedRedisCache,
    cache_count_and_get_current,
    cache_get_current,
    cache_get_many_current,
    cache_read_ahead,
    cache_set_current,
    cache_version,
    cache_version_bump,
    cache_version_bump_on_commit,
    cache_versions,
    redis_client,
)


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the Redis cache tests cannot run")
        pytest.skip("needs Redis (always present with CI=true)")
    return settings.REDIS_URL


def test_cache_objects_share_one_client(redis_url):
    first = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "pool-test"})
    second = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "pool-test"})
    first.set("k", "v")
    assert second.get("k") == "v"
    assert first.client is second.client is redis_client(redis_url)
    first.delete("k")


def test_cache_speaks_the_django_cache_api(redis_url):
    cache = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "api-test"})
    cache.clear()
    assert cache.add("n", 1) is True
    assert cache.add("n", 5) is False
    assert cache.incr("n") == 2
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set_many({"a": {"x": [1, 2]}, "b": "text"}, timeout=30)
    assert cache.get_many(["a", "b", "c"]) == {"a": {"x": [1, 2]}, "b": "text"}
    assert cache.has_key("a") and not cache.has_key("c")
    cache.set("gone", 1, timeout=0)
    assert cache.get("gone", "default") == "default"
    assert cache.touch("a", timeout=None) is True
    assert cache.client.ttl(cache.key("a")) == -1
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b"]) == {}
    # Integers are Redis integers: other Redis clients can count on them.
    assert cache.client.incr(cache.key("n")) == 3
    assert cache.get("n") == 3
    cache.clear()


def test_clear_deletes_only_own_prefix(redis_url):
    mine = PrefixedRedisCache(redis_url, {"KEY_PREFIX": "clear-mine"})
    other = RedisCache(redis_url, {"KEY_PREFIX": "clear-other"})
    mine.set("a", 1)
    other.set("b", 2)
    mine.clear()
    assert mine.get("a") is None
    assert other.get("b") == 2
    other.delete("b")


@pytest.mark.django_db(transaction=True)
def test_version_moves_at_each_write_and_once_on_commit():
    before = cache_version("test:scope")
    with transaction.atomic():
        cache_version_bump_on_commit("test:scope")
        during = cache_version("test:scope")
        cache_version_bump_on_commit("test:scope")
        with transaction.atomic():
            cache_version_bump_on_commit("test:scope")
        second = cache_version("test:scope")
    after = cache_version("test:scope")
    assert before < during < second < after
    assert after == second + 1  # one move on commit for the three writes


@pytest.mark.django_db(transaction=True)
def test_a_move_asked_only_on_commit_waits_for_it():
    before = cache_version("test:later")
    with transaction.atomic():
        cache_version_bump_on_commit("test:later", now=False)
        cache_version_bump_on_commit("test:later", now=False)
        assert cache_version("test:later") == before  # no round trip inside the transaction
    assert cache_version("test:later") > before
    moved = cache_version("test:later")
    cache_version_bump_on_commit("test:later", now=False)  # autocommit: at once
    assert cache_version("test:later") > moved
    with pytest.raises(RuntimeError), transaction.atomic():
        cache_version_bump_on_commit("test:later", now=False)
        raise RuntimeError
    assert cache_version("test:later") == moved + 1  # rolled back: nothing to retire


@pytest.mark.django_db(transaction=True)
def test_rolled_back_savepoint_does_not_cancel_the_move_on_commit():
    with transaction.atomic():
        try:
            with transaction.atomic():
                cache_version_bump_on_commit("test:rolled")
                raise RuntimeError
        except RuntimeError:
            pass
        cache_version_bump_on_commit("test:rolled")  # queued again: the first left the queue
        last = cache_version("test:rolled")
    assert cache_version("test:rolled") == last + 1


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_current_entry_lives_while_its_scopes_stay(backend, settings):
    if backend == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    elif not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the Redis cache tests cannot run")
        pytest.skip("needs Redis (always present with CI=true)")
    first, second = cache_versions("test:current:a", "test:current:b")
    versions = {"test:current:a": first, "test:current:b": second}
    cache_set_current("test:current", {"page": [1, "two"]}, versions=versions, timeout=60)
    assert cache_get_current("test:current") == {"page": [1, "two"]}
    assert cache_get_current("test:current:missing") is None
    cache_set_current("test:current:2", None, versions={"test:current:a": first}, timeout=60)
    assert cache_get_many_current(["test:current", "test:current:2", "test:current:x"]) == {
        "test:current": {"page": [1, "two"]},
        "test:current:2": None,  # a kept None is a hit
    }
    cache_version_bump("test:current:b")
    assert cache_get_current("test:current") is None
    assert cache_get_many_current(["test:current", "test:current:2"]) == {"test:current:2": None}
    # A scope whose version key is gone (evicted) never matches again.
    cache_set_current("test:current", "page", versions={"test:current:none": 5}, timeout=60)
    assert cache_get_current("test:current") is None
    cache_set_current("test:current", "x", versions={}, timeout=0)
    assert cache_get_current("test:current") is None


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_counters_counted_with_the_current_entries_read(backend, settings):
    if backend == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    elif not settings.REDIS_URL:
        if settings.CI:
            pytest.fail("CI=true but no Redis: the Redis cache tests cannot run")
        pytest.skip("needs Redis (always present with CI=true)")
    (version,) = cache_versions("test:counted:a")
    cache_set_current("test:counted", ["page"], versions={"test:counted:a": version}, timeout=60)
    counters = {"test:hits:1": 61, "test:hits:2": 5}
    assert cache_count_and_get_current(counters, ["test:counted", "test:counted:x"]) == (
        [1, 1],
        {"test:counted": ["page"]},
    )
    assert cache_count_and_get_current(counters, []) == ([2, 2], {})
    assert cache_count_and_get_current({"test:hits:2": 5}, ["test:counted"])[0] == [3]
    assert cache.get("test:hits:1") == 2 and cache.get("test:hits:2") == 3
    if backend == "redis":
        backend = caches["default"]
        assert isinstance(backend, PrefixedRedisCache)
        ttl = backend.client.ttl(backend.key("test:hits:1"))  # set once, by the first count
        assert 0 < ttl <= 61
    cache_version_bump("test:counted:a")
    assert cache_count_and_get_current({}, ["test:counted"]) == ([], {})


def test_read_ahead_serves_the_block_from_one_round_trip(redis_url, round_trips):
    (version,) = cache_versions("test:ahead:a")
    cache_set_current("test:ahead:1", "one", versions={"test:ahead:a": version}, timeout=60)
    cache_set_current("test:ahead:2", None, versions={"test:ahead:a": version}, timeout=60)
    cache.set("test:ahead:plain", 7)
    cache_get_current("test:ahead:1")  # the script is loaded before counting
    round_trips.clear()
    with cache_read_ahead(
        ["test:ahead:1", "test:ahead:2", "test:ahead:gone"],
        plain=["test:ahead:plain", "test:ahead:plain-gone"],
    ):
        assert len(round_trips) == 1
        assert cache_get_current("test:ahead:1") == "one"
        assert cache_get_many_current(["test:ahead:2", "test:ahead:gone"]) == {
            "test:ahead:2": None  # a kept None is a hit, a missing entry is not
        }
        assert cache.get("test:ahead:plain") == 7
        assert cache.get("test:ahead:plain-gone", "default") == "default"
        assert cache.get_many(["test:ahead:plain", "test:ahead:plain-gone"]) == {
            "test:ahead:plain": 7
        }
        assert len(round_trips) == 1  # nothing more asked of Redis
        assert cache_get_current("test:ahead:other") is None  # not read ahead: asked
        assert len(round_trips) == 2
        cache_set_current("test:ahead:gone", "new", versions={}, timeout=60)
        assert cache_get_current("test:ahead:gone") == "new"  # written here: read afresh
        cache.set("test:ahead:plain", 8)
        assert cache.get("test:ahead:plain") == 8
        cache_version_bump("test:ahead:a")  # a write may retire what was read ahead
        assert cache_get_current("test:ahead:1") is None
    assert cache_get_current("test:ahead:gone") == "new"
    assert cache.get("test:ahead:plain") == 8


class CountsLoads:
    """A value that counts how often it is unpickled."""

    loads = 0

    def __init__(self) -> None:
        self.name = "kept"  # some state, so that unpickling calls __setstate__

    def __setstate__(self, state: dict) -> None:
        CountsLoads.loads += 1
        self.__dict__.update(state)


def test_read_ahead_inside_another_reads_only_what_is_new(redis_url, round_trips):
    (version,) = cache_versions("test:nest:a")
    for name in ("outer", "inner"):
        cache_set_current(f"test:nest:{name}", name, versions={"test:nest:a": version}, timeout=60)
    cache.set("test:nest:plain", 3)
    cache_get_current("test:nest:outer")  # the script is loaded before counting
    round_trips.clear()
    with cache_read_ahead(["test:nest:outer"], plain=["test:nest:plain"]):
        with cache_read_ahead(["test:nest:outer"], plain=["test:nest:plain"]):
            assert len(round_trips) == 1  # all of it read by the outer block
        with cache_read_ahead(["test:nest:outer", "test:nest:inner"]):
            assert len(round_trips) == 2  # only the inner entry asked for
            assert cache_get_current("test:nest:inner") == "inner"
        # what the inner block read is kept until the outer one ends
        assert cache_get_many_current(["test:nest:outer", "test:nest:inner"]) == {
            "test:nest:outer": "outer",
            "test:nest:inner": "inner",
        }
        assert cache.get("test:nest:plain") == 3
        assert len(round_trips) == 2
        cache_version_bump("test:nest:a")  # retires both, read by either block
        assert cache_get_current("test:nest:inner") is None
    assert cache_get_current("test:nest:outer") is None


def test_read_ahead_unpickles_only_the_entries_asked_for(redis_url):
    (version,) = cache_versions("test:lazy:a")
    for name in ("used", "unused"):
        cache_set_current(
            f"test:lazy:{name}", CountsLoads(), versions={"test:lazy:a": version}, timeout=60
        )
    cache.set("test:lazy:plain", CountsLoads())
    CountsLoads.loads = 0
    with cache_read_ahead(["test:lazy:used", "test:lazy:unused"], plain=["test:lazy:plain"]):
        assert CountsLoads.loads == 0
        first = cache_get_current("test:lazy:used")
        assert cache_get_current("test:lazy:used") is first  # unpickled once, then kept
        assert isinstance(cache.get("test:lazy:plain"), CountsLoads)
        assert CountsLoads.loads == 2  # never the unused variant


def test_cache_version_bump_of_many_scopes_moves_each_on():
    """Above BUMP_IN_BULK scopes the versions are set in one round trip: each still moves on,
    to a number above the one it had, and entries built on the old ones are retired."""
    scopes = [f"test:bulk:{n}" for n in range(20)]
    before = cache_versions(*scopes)
    cache_set_current("test:bulk:entry", "page", versions={scopes[3]: before[3]}, timeout=60)

    cache_version_bump(*scopes, scopes[0])

    after = cache_versions(*scopes)
    assert all(new > old for new, old in zip(after, before, strict=True))
    assert cache_get_current("test:bulk:entry") is None
