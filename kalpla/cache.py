import threading
import time
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction

_POOLS: dict[tuple[str, str], Any] = {}
_CLIENTS: dict[int, Any] = {}
_POOLS_LOCK = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    """Connection pools shared by the whole process.

    Django builds a cache object per request context under ASGI, and with it a new pool, so
    every request would open a fresh Redis connection; one pool per server per process
    reuses them. The client object is shared too: redis-py builds its table of response
    callbacks in every ``Redis()``, which Django does once per cache operation.
    """

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = _CLIENTS.get(id(pool))
        if client is None:
            client = _CLIENTS.setdefault(id(pool), self._client(connection_pool=pool))  # type: ignore[attr-defined]
        return client

    def _get_connection_pool(self, write: bool) -> Any:
        this: Any = self  # the stubs do not declare Django's private attributes
        index = this._get_connection_pool_index(write)
        server = this._servers[index]
        key = (server, repr(sorted(this._pool_options.items(), key=lambda item: item[0])))
        pool = _POOLS.get(key)
        if pool is None:
            with _POOLS_LOCK:
                pool = _POOLS.get(key)
                if pool is None:
                    pool = this._pool_class.from_url(server, **this._pool_options)
                    _POOLS[key] = pool
        return pool


class PrefixedRedisCache(RedisCache):
    """Redis cache whose clear() deletes only its own keys.

    Django's RedisCache.clear() runs FLUSHDB, which would also wipe the Celery broker,
    the channel layer and anything else sharing the Redis database.
    """

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    def clear(self) -> None:
        client: Any = self._cache.get_client(None, write=True)
        if not self.key_prefix:
            raise RuntimeError(
                "PrefixedRedisCache needs KEY_PREFIX to know which keys are its own."
            )
        pattern = f"{self.key_prefix}:*"
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)


# --- versioned keys -----------------------------------------------------------------------
#
# Cached entries put the version of their scope ("courses:12", "learning:user:7") in their
# key; moving the version on (``cache_version_bump_on_commit``) retires every entry of the
# scope at once without finding them. The version moves when the write happens and again
# when its transaction commits, so a reader that cached old rows in between (another process,
# before the commit) never serves them afterwards.


def _version_key(scope: str) -> str:
    return f"version:{scope}"


def _new_version() -> int:
    # Time-based so a lost version key never brings an old version number back.
    return time.time_ns()


def cache_version(scope: str) -> int:
    """The current version of ``scope`` (created on first use)."""
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        version = _new_version()
        if not cache.add(key, version, timeout=None):
            version = cache.get(key, version)
    return int(version)


def cache_versions(*scopes: str) -> list[int]:
    """The versions of several scopes in one round trip (creating the missing ones)."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return [
        int(found[key]) if key in found else cache_version(scope)
        for scope, key in zip(scopes, keys, strict=True)
    ]


def cache_version_bump(*scopes: str) -> None:
    for scope in scopes:
        try:
            cache.incr(_version_key(scope))
        except ValueError:
            cache.set(_version_key(scope), _new_version(), timeout=None)


def cache_version_bump_on_commit(*scopes: str) -> None:
    """Retire the scopes' cached entries now and again when the transaction commits."""
    cache_version_bump(*scopes)
    transaction.on_commit(lambda: cache_version_bump(*scopes))
