import threading
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_POOLS: dict[tuple[str, str], Any] = {}
_POOLS_LOCK = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    """Connection pools shared by the whole process.

    Django builds a cache object per request context under ASGI, and with it a new pool, so
    every request would open a fresh Redis connection; one pool per server per process
    reuses them.
    """

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
