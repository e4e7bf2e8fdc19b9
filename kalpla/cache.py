from typing import Any

from django.core.cache.backends.redis import RedisCache


class PrefixedRedisCache(RedisCache):
    """Redis cache whose clear() deletes only its own keys.

    Django's RedisCache.clear() runs FLUSHDB, which would also wipe the Celery broker,
    the channel layer and anything else sharing the Redis database.
    """

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
