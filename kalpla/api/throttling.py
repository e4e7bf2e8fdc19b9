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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Window:
    """A throttle's counter for the current window: its cache key and expiry, when it ends."""

    throttle: "FixedWindowMixin"
    key: str
    timeout: int
    ends: float
    now: float


class FixedWindowMixin:
    rate: str | None
    num_requests: int
    duration: int
    timer = staticmethod(time.time)

    def window(self, request: Request, view: Any, now: float) -> Window | None:
        """The counter this request counts under at ``now`` (None: not counted)."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return None
        window = int(now // self.duration)  # as window_hit counts
        ends = float((window + 1) * self.duration)
        return Window(self, f"{key}:{window}", self.duration + 1, ends, now)

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None:
            return True
        self.now = self.timer()
        count, self.window_end = window_hit(key, self.duration, self.now)
        return count <= self.num_requests

    def counted(self, window: Window, count: int) -> float | None:
        """After ``count`` in ``window`` (counted elsewhere, see ``throttle_windows``): None
        when the request is allowed, else the seconds to wait."""
        if count <= self.num_requests:
            return None
        self.now, self.window_end = window.now, window.ends
        return self.wait()

    def wait(self) -> float | None:
        return max(self.window_end - self.now, 1.0)


def throttle_windows(throttles: list[Any], request: Request, view: Any) -> list[Window] | None:
    """The counters of a view's throttles for this request, for a view that counts them in
    the same round trip as its cached read (``kalpla.cache.cache_count_and_get_current``)
    and then asks each throttle (``counted``); None when a throttle does not count in fixed
    windows (then DRF checks them as usual)."""
    if not all(isinstance(throttle, FixedWindowMixin) for throttle in throttles):
        return None
    now = FixedWindowMixin.timer()
    return [w for t in throttles if (w := t.window(request, view, now)) is not None]


class AnonThrottle(FixedWindowMixin, AnonRateThrottle):
    pass
