"""Fixed-window throttling, and the throttle per anonymous client.

The throttles per signed-in user and per API key know what an API key is, so they live in
``accounts/throttling.py`` on top of the window counted here.

DRF's stock throttles keep a list of every request time in the window and write the whole
list back on each request: at 1,200 requests a minute that is a 1,200-item pickle per call.
These count in fixed windows instead (one ``INCR`` per request on Redis), the way
django-ratelimit does; a client can at most send twice the rate across a window boundary.

Clients are told apart by ``REMOTE_ADDR`` unless ``KALPLA_NUM_PROXIES`` says how many
trusted proxies add ``X-Forwarded-For`` (DRF's ``NUM_PROXIES``): a client's own header is
never believed.
"""

import time
from typing import Any

from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from kalpla.cache import PrefixedRedisCache


def window_hit(key: str, duration: int, now: float) -> tuple[int, float]:
    """Count one request under ``key`` in the current window: (count so far, window end)."""
    window = int(now // duration)
    window_key = f"{key}:{window}"
    ends = float((window + 1) * duration)
    timeout = duration + 1
    cache = caches["default"]
    if isinstance(cache, PrefixedRedisCache):
        # One round trip: INCR, and the expiry if the window's key is new.
        redis_key = cache.key(window_key)
        pipe = cache.client.pipeline(transaction=False)
        pipe.incr(redis_key)
        pipe.expire(redis_key, timeout, nx=True)
        count, _ = pipe.execute()
        return int(count), ends
    if cache.add(window_key, 1, timeout=timeout):
        return 1, ends
    try:
        return int(cache.incr(window_key)), ends
    except ValueError:  # expired between add() and incr()
        cache.add(window_key, 1, timeout=timeout)
        return 1, ends


class FixedWindowMixin:
    rate: str | None
    num_requests: int
    duration: int
    timer = staticmethod(time.time)

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        self.now = self.timer()
        count, self.window_end = window_hit(key, self.duration, self.now)
        return count <= self.num_requests

    def wait(self) -> float | None:
        return max(self.window_end - self.now, 1.0)


class AnonThrottle(FixedWindowMixin, AnonRateThrottle):
    pass
