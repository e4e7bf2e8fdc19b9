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

import threading
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
    ends = float((window + 1) * duration)
    (count,) = windows_add({f"{key}:{window}": 1}, timeout=duration + 1)
    return count, ends


def windows_add(amounts: dict[str, int], *, timeout: int) -> list[int]:
    """Add to window counters (cache key: requests) in one round trip: their new totals."""
    cache = caches["default"]
    if isinstance(cache, PrefixedRedisCache):
        # INCRBY, and the expiry if the window's key is new.
        pipe = cache.client.pipeline(transaction=False)
        for key, amount in amounts.items():
            pipe.incrby(cache.key(key), amount)
            pipe.expire(cache.key(key), timeout, nx=True)
        return [int(count) for count in pipe.execute()[::2]]
    totals = []
    for key, amount in amounts.items():
        if cache.add(key, amount, timeout=timeout):
            totals.append(amount)
            continue
        try:
            totals.append(int(cache.incr(key, amount)))
        except ValueError:  # expired between add() and incr()
            cache.add(key, amount, timeout=timeout)
            totals.append(amount)
    return totals


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


class LocalCounts:
    """Throttle windows counted in this process and added to the shared counters in batches.

    For answers that need no round trip at all (a catalogue page kept in the process's
    memory): while a client is far below its limit (its shared count last seen plus what
    this process has not added yet is under half the limit), its request is counted here and
    the process adds its counts to the shared counters every ``batch`` requests or ``seconds``
    seconds, one round trip for all clients. Nearer the limit ``take`` refuses, and the
    request is counted in the shared counter at once, as every other request is: refusals
    stay exact. What a process counted and had not added when it stopped is not counted.
    """

    def __init__(self, *, batch: int = 32, seconds: float = 1.0) -> None:
        self.batch = batch
        self.seconds = seconds
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}
        self._timeouts: dict[str, int] = {}
        self._seen: dict[str, tuple[int, float]] = {}  # key: (shared count, window end)
        self._since = time.monotonic()

    def take(self, windows: list[Window]) -> bool:
        """Count one request in every window here (True), or nothing (False: count it in
        the shared counters as usual)."""
        with self._lock:
            near = any(
                2 * (self._seen.get(w.key, (0, 0.0))[0] + self._pending.get(w.key, 0) + 1)
                > w.throttle.num_requests
                for w in windows
            )
            if near:
                due = any(self._pending.get(w.key) for w in windows)
            else:
                for window in windows:
                    self._pending[window.key] = self._pending.get(window.key, 0) + 1
                    self._timeouts[window.key] = window.timeout
                    self._seen.setdefault(window.key, (0, window.ends))
                due = (
                    sum(self._pending.values()) >= self.batch
                    or time.monotonic() - self._since >= self.seconds
                )
        if due:  # near the limit, the shared counter must hold these before it decides
            self.flush()
        return not near

    def note(self, window: Window, count: int) -> None:
        """The shared count of ``window`` after a request counted there (the usual way)."""
        with self._lock:
            seen = self._seen.get(window.key, (0, window.ends))
            self._seen[window.key] = (max(seen[0], count), window.ends)

    def flush(self) -> None:
        """Add what this process counted to the shared counters; remember their totals."""
        with self._lock:
            pending, self._pending = self._pending, {}
            timeouts, self._timeouts = self._timeouts, {}
            self._since = time.monotonic()
            now = time.time()
            self._seen = {k: v for k, v in self._seen.items() if v[1] > now}
        by_timeout: dict[int, dict[str, int]] = {}
        for key, amount in pending.items():
            by_timeout.setdefault(timeouts[key], {})[key] = amount
        for timeout, amounts in by_timeout.items():
            totals = windows_add(amounts, timeout=timeout)
            with self._lock:
                for key, total in zip(amounts, totals, strict=True):
                    ends = self._seen.get(key, (0, now + timeout))[1]
                    self._seen[key] = (total, ends)
