"""The site's Redis cache backend, the one Redis connection helper, and versioned cache keys.

Code that needs Redis itself (a pipeline, a counter with an expiry) calls ``redis_client()``
and never reaches into a cache object's internals.
"""

import pickle
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import redis
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import transaction

_CLIENTS: dict[tuple[str, str], redis.Redis] = {}
_CLIENTS_LOCK = threading.Lock()


def redis_client(url: str, **options: Any) -> redis.Redis:
    """The process's redis-py client for ``url`` (one connection pool and one client each).

    Shared because building either is not cheap: Django makes a cache object per request
    context under ASGI, and redis-py builds its table of response callbacks in every
    ``Redis()`` (about as long as a round trip to a local Redis).
    """
    key = (url, repr(sorted(options.items())))
    client = _CLIENTS.get(key)
    if client is None:
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = redis.Redis(connection_pool=redis.ConnectionPool.from_url(url, **options))
                _CLIENTS[key] = client
    return client


def _dumps(value: Any) -> bytes | int:
    # Integers are stored as Redis integers so that INCR works on them (as Django's own does).
    if type(value) is int:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _loads(data: Any) -> Any:
    try:
        return int(data)
    except ValueError:
        return pickle.loads(data)  # noqa: S301 - only this backend writes these keys


class PrefixedRedisCache(BaseCache):
    """A Django cache on Redis through ``redis_client()``; clear() deletes only its own keys.

    Django's RedisCache runs FLUSHDB on clear(), which would also wipe the Celery broker and
    the channel layer sharing the database, and builds a pool per cache object and a client
    per operation. ``LOCATION`` is one Redis URL; ``OPTIONS`` go to redis-py's pool.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.location = server
        self._options = dict(params.get("OPTIONS") or {})

    @property
    def client(self) -> redis.Redis:
        return redis_client(self.location, **self._options)

    def get_backend_timeout(self, timeout: float | None = DEFAULT_TIMEOUT) -> int | None:
        """Seconds to keep an entry (Redis counts them), None for ever."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def key(self, key: str, version: int | None = None) -> str:
        """The Redis key under which ``key`` is stored (for ``redis_client()`` callers).

        Not checked against memcached's key rules (Django's ``validate_key``, a pass over
        every character of every key): Redis takes any key.
        """
        return self.make_key(key, version=version)

    def add(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        _ahead_plain_forget([self.key(key, version)])
        seconds = self.get_backend_timeout(timeout)
        if seconds == 0:
            return False
        return bool(self.client.set(self.key(key, version), _dumps(value), nx=True, ex=seconds))

    def get(self, key: str, default: Any = None, version: Any = None) -> Any:
        redis_key = self.key(key, version)
        ahead = _AHEAD_PLAIN.get()
        if ahead is not None and redis_key in ahead:  # read ahead (cache_read_ahead)
            value = _ahead_value(ahead, redis_key)
            return default if value is _MISSING else value
        data = self.client.get(redis_key)
        return default if data is None else _loads(data)

    def set(
        self, key: str, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        _ahead_plain_forget([self.key(key, version)])
        seconds = self.get_backend_timeout(timeout)
        if seconds == 0:
            self.client.delete(self.key(key, version))
        else:
            self.client.set(self.key(key, version), _dumps(value), ex=seconds)

    def touch(self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return bool(self.client.persist(self.key(key, version)))
        return bool(self.client.expire(self.key(key, version), seconds))

    def delete(self, key: str, version: Any = None) -> bool:
        _ahead_plain_forget([self.key(key, version)])
        return bool(self.client.delete(self.key(key, version)))

    def get_many(self, keys: Iterable[str], version: Any = None) -> dict[str, Any]:
        keys = list(keys)
        if not keys:
            return {}
        redis_keys = [self.key(key, version) for key in keys]
        ahead = _AHEAD_PLAIN.get()
        if ahead is not None and all(key in ahead for key in redis_keys):
            return {
                k: _ahead_value(ahead, rk)
                for k, rk in zip(keys, redis_keys, strict=True)
                if ahead[rk] is not _MISSING
            }
        values = self.client.mget(redis_keys)
        return {k: _loads(v) for k, v in zip(keys, values, strict=True) if v is not None}

    def has_key(self, key: str, version: Any = None) -> bool:
        return bool(self.client.exists(self.key(key, version)))

    def incr(self, key: str, delta: int = 1, version: Any = None) -> int:
        redis_key = self.key(key, version)
        _ahead_plain_forget([redis_key])
        if not self.client.exists(redis_key):
            raise ValueError(f"Key '{key}' not found.")
        return int(self.client.incr(redis_key, delta))

    def set_many(
        self, data: dict[str, Any], timeout: float | None = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[str]:
        if not data:
            return []
        _ahead_plain_forget(self.key(key, version) for key in data)
        seconds = self.get_backend_timeout(timeout)
        pipe = self.client.pipeline(transaction=False)
        for key, value in data.items():
            if seconds == 0:
                pipe.delete(self.key(key, version))
            else:
                pipe.set(self.key(key, version), _dumps(value), ex=seconds)
        pipe.execute()
        return []

    def delete_many(self, keys: Iterable[str], version: Any = None) -> None:
        redis_keys = [self.key(key, version) for key in keys]
        _ahead_plain_forget(redis_keys)
        if redis_keys:
            self.client.delete(*redis_keys)

    def clear(self) -> None:
        if not self.key_prefix:
            raise RuntimeError(
                "PrefixedRedisCache needs KEY_PREFIX to know which keys are its own."
            )
        client = self.client
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)


# --- versioned keys -----------------------------------------------------------------------
#
# Cached entries put the version of their scope ("courses:12", "learning:user:7") in their
# key (or store it and compare it on read); moving the version on retires every entry of the
# scope at once without finding them. ``cache_version_bump_on_commit`` moves it when a write
# happens (the writing transaction's own later reads stay fresh) and once more when the
# transaction commits, so a reader elsewhere that cached the old rows in between never
# serves them afterwards. The move on commit is queued once per transaction and scope
# however many writes touch the scope.


def _version_key(scope: str) -> str:
    return f"version:{scope}"


def _new_version() -> int:
    # Time-based so a lost version key never brings an old version number back.
    return time.time_ns()


def cache_version(scope: str) -> int:
    """The current version of ``scope`` (created on first use)."""
    return cache_versions(scope)[0]


def cache_versions(*scopes: str) -> list[int]:
    """The versions of several scopes in one round trip (creating the missing ones)."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            version = _new_version()
            if not cache.add(key, version, timeout=None):
                version = cache.get(key, version)
        versions.append(int(version))
    return versions


def cache_versions_seen(*scopes: str) -> list[int | None]:
    """The versions of several scopes in one round trip, None for a scope without one yet
    (for checking an entry that stored the versions it was built from)."""
    keys = [_version_key(scope) for scope in scopes]
    found = cache.get_many(keys)
    return [None if found.get(key) is None else int(found[key]) for key in keys]


# Above this many scopes a bump sets fresh versions in one round trip instead of two each.
BUMP_IN_BULK = 8


def cache_version_bump(*scopes: str) -> None:
    for memo in (_AHEAD.get(), _AHEAD_PLAIN.get()):
        if memo is not None:
            memo.clear()  # entries read ahead may have been built from what just changed
    unique = list(dict.fromkeys(scopes))
    if len(unique) > BUMP_IN_BULK:
        # A fresh time-based version is newer than any version the scope had, as an
        # increment is (a whole course's students, an import's thousand learners).
        first = _new_version()
        cache.set_many(
            {_version_key(scope): first + n for n, scope in enumerate(unique)}, timeout=None
        )
        return
    for scope in unique:
        try:
            cache.incr(_version_key(scope))
        except ValueError:
            cache.set(_version_key(scope), _new_version(), timeout=None)


class _BumpOnCommit:
    """The on-commit move of some scopes (recognised in the queue, so it is queued once)."""

    def __init__(self, scopes: list[str]) -> None:
        self.scopes = scopes

    def __call__(self) -> None:
        cache_version_bump(*self.scopes)


def cache_version_bump_on_commit(*scopes: str, now: bool = True) -> None:
    """Retire the scopes' cached entries now and again when the transaction commits.

    ``now=False``: only when it commits (at once in autocommit), for scopes that nothing in
    the writing transaction reads back: a round trip less while the transaction may hold
    locks others wait for (a booking holds its mentor's row)."""
    connection = transaction.get_connection()
    if now or not connection.in_atomic_block:
        cache_version_bump(*scopes)
    if not connection.in_atomic_block:
        return  # autocommit: the write is already visible to every reader
    # Callbacks of rolled-back savepoints leave this queue, so a scope is found here only
    # while a move is still due.
    queued = {
        scope
        for _savepoints, callback, _robust in connection.run_on_commit
        if isinstance(callback, _BumpOnCommit)
        for scope in callback.scopes
    }
    due = [scope for scope in dict.fromkeys(scopes) if scope not in queued]
    if due:
        transaction.on_commit(_BumpOnCommit(due))


# --- entries that remember the versions they were built from ------------------------------
#
# An entry that shows data of many scopes (a catalogue page: the course of every card) keeps
# the version of each and is good while none has moved. On Redis the entry and the versions
# are checked by one script, one round trip; the entry's value starts with a header naming
# the version keys and the versions it was built under:
# b"<redis key> <version>\n...\n\0<pickle>". Other backends keep (versions, value) and check
# in two reads.

_CURRENT_ENTRY_SCRIPT = """
local counters = tonumber(ARGV[1])
local plain = counters + tonumber(ARGV[2])
local out = {}
for i = 1, counters do
  out[i] = redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ARGV[i + 2], 'NX')
end
for i = counters + 1, plain do
  out[i] = redis.call('GET', KEYS[i])
end
local seen = {}
for i = plain + 1, #KEYS do
  local entry = KEYS[i]
  out[i] = false
  local data = redis.call('GET', entry)
  local stop = data and string.find(data, '\\0', 1, true)
  if stop then
    local current = true
    for key, version in string.gmatch(string.sub(data, 1, stop - 1), '([^\\n]+) (%d+)\\n') do
      local now = seen[key]
      if now == nil then
        now = redis.call('GET', key)
        seen[key] = now
      end
      if now ~= version then
        current = false
        break
      end
    end
    if current then out[i] = data end
  end
end
return out
"""
# A current entry comes back whole, header included (the caller cuts it: a copy of the value
# in Lua cost Redis more than the rest of the script), and each version key is read once
# per run (the entries of one page share most of theirs).
# The first ARGV[1] keys are counters (``cache_count_and_get_current``): each is incremented
# and given the expiry in ARGV[2 + its place] if it has none yet. The next ARGV[2] keys are
# plain entries, read as they are (``cache_read_ahead``).
# The version keys are read without being declared (they are known only from the entry):
# fine on one Redis server, which is what the site runs on (not Redis Cluster).
_SCRIPTS: dict[int, Any] = {}


def _current_entry_script(client: redis.Redis) -> Any:
    script = _SCRIPTS.get(id(client))
    if script is None:
        script = _SCRIPTS[id(client)] = client.register_script(_CURRENT_ENTRY_SCRIPT)
    return script


def _redis_backend() -> "PrefixedRedisCache | None":
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, PrefixedRedisCache) else None


def cache_get_current(key: str) -> Any:
    """The value ``cache_set_current`` stored under ``key`` if none of the scopes it was
    built from has moved since, else None. One round trip on Redis."""
    return cache_get_many_current([key]).get(key)


def cache_get_many_current(keys: Iterable[str]) -> dict[str, Any]:
    """``cache_get_current`` for several keys in one round trip: the current ones' values
    (none when every key was read ahead, see ``cache_read_ahead``)."""
    keys = list(keys)
    ahead = _AHEAD.get()
    if ahead is not None and all(key in ahead for key in keys):
        return {key: _ahead_value(ahead, key) for key in keys if ahead[key] is not _MISSING}
    return cache_count_and_get_current({}, keys)[1]


_MISSING = object()
_AHEAD: ContextVar[dict[str, Any] | None] = ContextVar("kalpla_cache_ahead", default=None)
_AHEAD_PLAIN: ContextVar[dict[str, Any] | None] = ContextVar(
    "kalpla_cache_ahead_plain", default=None
)
"""Plain entries read ahead, by their Redis key (``PrefixedRedisCache`` reads them here)."""


class _Raw:
    """An entry read ahead but not unpickled yet (a page may read variants it will not use)."""

    __slots__ = ("data", "load")

    def __init__(self, data: bytes, load: Callable[[bytes], Any]) -> None:
        self.data = data
        self.load = load


def _ahead_value(memo: dict[str, Any], key: str) -> Any:
    value = memo[key]
    if type(value) is _Raw:
        value = memo[key] = value.load(value.data)
    return value


def _ahead_plain_forget(redis_keys: Iterable[str]) -> None:
    ahead = _AHEAD_PLAIN.get()
    if ahead is not None:
        for key in redis_keys:
            ahead.pop(key, None)


@contextmanager
def cache_read_ahead(keys: Iterable[str], *, plain: Iterable[str] = ()) -> Iterator[None]:
    """Read the ``cache_set_current`` entries of ``keys`` and the plain cache entries of
    ``plain`` now, in one round trip, for the reads inside the block
    (``cache_get_many_current``, and ``cache.get``/``get_many`` on Redis): a page that knows
    which entries its parts will read does not pay a round trip for each, the parts still
    asking as usual. A key written inside the block is read afresh (writes forget it here),
    and a version moved inside the block retires every entry read ahead. Entries are
    unpickled when first asked for, so reading a variant that goes unused costs little.

    Inside another such block only what it has not read yet is read, and kept until the
    outer block ends (one round trip for a page whose parts read ahead on their own)."""
    outer, outer_plain = _AHEAD.get(), _AHEAD_PLAIN.get()
    backend = _redis_backend()
    keys = [key for key in dict.fromkeys(keys) if outer is None or key not in outer]
    plain = (
        [
            key
            for key in dict.fromkeys(plain)
            if outer_plain is None or backend.key(key) not in outer_plain
        ]
        if backend is not None
        else []
    )
    found: dict[str, Any] = {}
    plain_found: dict[str, Any] = {}
    if backend is not None and (keys or plain):
        _counts, found, plain_found = _script_read(backend, {}, plain, keys, lazy=True)
    elif keys:
        found = cache_count_and_get_current({}, keys)[1]
    memo = {key: found.get(key, _MISSING) for key in keys}
    memo_plain = (
        {backend.key(key): plain_found.get(key, _MISSING) for key in plain}
        if backend is not None
        else None
    )
    if outer is not None:
        outer.update(memo)
        if outer_plain is not None and memo_plain is not None:
            outer_plain.update(memo_plain)
        yield
        return
    token = _AHEAD.set(memo)
    plain_token = _AHEAD_PLAIN.set(memo_plain)
    try:
        yield
    finally:
        _AHEAD.reset(token)
        _AHEAD_PLAIN.reset(plain_token)


def _script_read(
    backend: "PrefixedRedisCache",
    counters: dict[str, int],
    plain: list[str],
    keys: list[str],
    *,
    lazy: bool = False,
) -> tuple[list[int], dict[str, Any], dict[str, Any]]:
    """One run of the script: (counts, current entries' values, plain entries' values);
    ``lazy``: values not unpickled yet (``_Raw``, for the read-ahead memo)."""
    script = _current_entry_script(backend.client)
    found = script(
        keys=[
            *(backend.key(key) for key in counters),
            *(backend.key(key) for key in plain),
            *(backend.key(key) for key in keys),
        ],
        args=[len(counters), len(plain), *counters.values()],
    )
    counts = [int(count) for count in found[: len(counters)]]
    plain_data = found[len(counters) : len(counters) + len(plain)]
    entries = found[len(counters) + len(plain) :]
    # entries: written by cache_set_current only
    if lazy:
        plain_values = {
            k: _Raw(v, _loads) for k, v in zip(plain, plain_data, strict=True) if v is not None
        }
        values = {
            k: _Raw(v, _entry_loads) for k, v in zip(keys, entries, strict=True) if v is not None
        }
    else:
        plain_values = {
            k: _loads(v) for k, v in zip(plain, plain_data, strict=True) if v is not None
        }
        values = {k: _entry_loads(v) for k, v in zip(keys, entries, strict=True) if v is not None}
    return counts, values, plain_values


def _entry_loads(data: bytes) -> Any:
    """The value of a current entry as the script returns it (its header, then the pickle)."""
    return pickle.loads(memoryview(data)[data.index(b"\0") + 1 :])  # noqa: S301


def cache_count_and_get_current(
    counters: dict[str, int], keys: Iterable[str]
) -> tuple[list[int], dict[str, Any]]:
    """Count one more under each key of ``counters`` (a counter new to the cache expires
    after the seconds given for it) and read ``keys`` as ``cache_get_many_current`` does:
    (the counters' counts, the current entries' values). One round trip on Redis."""
    keys = list(keys)
    if not keys and not counters:
        return [], {}
    backend = _redis_backend()
    if backend is not None:
        counts, values, _plain = _script_read(backend, counters, [], keys)
        return counts, values
    counts = [_count_local(key, timeout) for key, timeout in counters.items()]
    values = {}
    for key, (scopes, versions, value) in cache.get_many(keys).items():
        if cache_versions_seen(*scopes) == versions:
            values[key] = value
    return counts, values


def _count_local(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        return 1


def cache_set_current(
    key: str, value: Any, *, versions: dict[str, int], timeout: float | None
) -> None:
    """Keep ``value`` under ``key`` while each scope of ``versions`` stays at its version
    (read before the value was built, so a write meanwhile retires it)."""
    ahead = _AHEAD.get()
    if ahead is not None:
        ahead.pop(key, None)
    backend = _redis_backend()
    if backend is None:
        cache.set(key, (list(versions), list(versions.values()), value), timeout)
        return
    header = "".join(
        f"{backend.key(_version_key(scope))} {int(version)}\n"
        for scope, version in versions.items()
    )
    data = header.encode() + b"\0" + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    seconds = backend.get_backend_timeout(timeout)
    if seconds == 0:
        backend.client.delete(backend.key(key))
    else:
        backend.client.set(backend.key(key), data, ex=seconds)


PageReads = Callable[..., tuple[list[str], list[str]]]
"""``reads(request, user_id, **url_kwargs)``: the ``cache_read_ahead`` keys (current entries,
plain entries) a page reads for the viewer ``user_id`` (None: signed out)."""


def page_reads_ahead(reads: PageReads) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare on a view what its page reads from the cache, so that the request's first read
    (the session and its user: ``accounts.middleware.PageReadAheadMiddleware``) reads it in
    the same round trip. ``reads`` is called before the session is read, with the user the
    session named on its last request to this process (a guess, used only to pick keys: the
    view still asks for the keys of the user the session names now, and a wrong guess only
    costs the round trip it would have cost anyway)."""

    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        view.page_reads_ahead = reads  # type: ignore[attr-defined]
        return view

    return declare


def page_reads_of(func: Any) -> PageReads | None:
    """What the view ``func`` declared with ``page_reads_ahead`` (None: nothing)."""
    return getattr(func, "page_reads_ahead", None)
